from django.urls import path

from chieftech.audit import views

app_name = "audit"
urlpatterns = [
    path("", views.record_list, name="record_list"),
    path("export/", views.export, name="export"),
    path("<id:pk>/", views.record_detail, name="record_detail"),
]
