from django.urls import path

from chieftech.core import views

app_name = "core"
urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("home/", views.home, name="home"),
]
