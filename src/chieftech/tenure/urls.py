from django.urls import path

from chieftech.tenure import views, views_register

app_name = "tenure"
urlpatterns = [
    path("", views_register.tenure_list, name="tenure_list"),
    path("register.xlsx", views_register.register_export_xlsx, name="register_export"),
    path("<id:pk>/", views_register.tenure_detail, name="tenure_detail"),
    path("<id:pk>/showcase/", views.tenure_showcase, name="tenure_showcase"),
    path("<id:pk>/showcase/photo/", views.tenure_showcase_photo, name="tenure_showcase_photo"),
]
