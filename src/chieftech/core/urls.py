from django.urls import path

from chieftech.core import views, views_notifications

app_name = "core"
urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("notifications/", views_notifications.notification_list, name="notifications"),
]
