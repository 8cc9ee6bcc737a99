"""The home page keeps its name `core:home` (and its template `core/home.html`) from before it moved out of
core: chieftech.urls puts these patterns into the `core` namespace beside core's own."""

from django.urls import path

from chieftech.dashboard import views

urlpatterns = [
    path("home/", views.home, name="home"),
]
