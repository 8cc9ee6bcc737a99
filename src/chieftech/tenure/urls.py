from django.urls import path

from chieftech.tenure import views

app_name = "tenure"
urlpatterns = [
    path("", views.tenure_list, name="tenure_list"),
    path("<id:pk>/showcase/", views.tenure_showcase, name="tenure_showcase"),
    path("<id:pk>/showcase/photo/", views.tenure_showcase_photo, name="tenure_showcase_photo"),
]
