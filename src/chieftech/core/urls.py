from django.urls import path

from chieftech.core import views, views_notifications, views_outbox

app_name = "core"
urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("session/keepalive/", views.session_keepalive, name="keepalive"),
    path("notifications/", views_notifications.notification_list, name="notifications"),
    path("outbox/", views_outbox.outbox_list, name="outbox"),
    path("outbox/<id:pk>/resend/", views_outbox.outbox_resend_view, name="outbox_resend"),
]
