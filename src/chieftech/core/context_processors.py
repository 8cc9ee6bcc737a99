from django.conf import settings
from django.utils.functional import SimpleLazyObject


def unread_notification_count(user) -> int:
    from chieftech.core.models import Notification

    return Notification.objects.filter(user_id=user.pk, read_at__isnull=True).count()


def site(request):
    context = {
        "DEMO_MODE": settings.DEMO_MODE,
    }
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        # Lazy: one query, and only when a page actually shows the header badge.
        # The idle warning (session.js) counts from these; the request being answered restarted the time.
        context["idle_seconds"] = int(settings.IDLE_TIMEOUT.total_seconds())
        context["idle_warning_seconds"] = int(settings.IDLE_WARNING.total_seconds())
        context["unread_notifications"] = SimpleLazyObject(lambda: unread_notification_count(user))
    return context
