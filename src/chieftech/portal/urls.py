from django.urls import path

from chieftech.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.index, name="index"),
    path("calls/", views.call_list, name="call_list"),
    path("calls/<id:pk>/", views.call_detail, name="call_detail"),
    path("showcase/", views.showcase, name="showcase"),
    path("showcase/<id:pk>/photo/", views.showcase_photo, name="showcase_photo"),
]
