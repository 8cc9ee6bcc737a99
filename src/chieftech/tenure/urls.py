from django.urls import path

from chieftech.tenure import views, views_holder

app_name = "tenure"
urlpatterns = [
    path("", views.tenure_list, name="tenure_list"),
    path("<id:pk>/showcase/", views.tenure_showcase, name="tenure_showcase"),
    path("<id:pk>/showcase/photo/", views.tenure_showcase_photo, name="tenure_showcase_photo"),
    path("<id:pk>/invite/", views_holder.holder_invite_view, name="holder_invite"),
    # The chief technician's own pages: no tenure id, the term is the signed-in holder's own.
    path("me/", views_holder.holder_home, name="holder_home"),
    path("me/subsidy/", views_holder.holder_payments, name="holder_payments"),
    path("me/reviews/", views_holder.holder_reviews, name="holder_reviews"),
]
