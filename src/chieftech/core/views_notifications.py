"""The signed-in user's own notifications (in-app copies of what also went out by email)."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone

from chieftech.core.models import Notification
from chieftech.core.permissions import login_only

PER_PAGE = 30


def _safe_link(url: str) -> str:
    # Links are written by our own code; anything that is not a site-relative path is not offered as one.
    return url if url.startswith("/") and not url.startswith("//") else ""


@login_only
def notification_list(request):
    """Newest first. The ones on the page are marked read as it is shown; the header badge (rendered
    after this) then counts only what is still unread."""
    notifications = Notification.objects.filter(user=request.user).order_by("-created_at", "-pk")
    page = Paginator(notifications, PER_PAGE).get_page(request.GET.get("page"))
    rows = [
        {
            "subject": n.subject,
            "body": n.body,
            "url": _safe_link(n.url),
            "created_at": n.created_at,
            "unread": n.read_at is None,
        }
        for n in page.object_list
    ]
    unread_ids = [n.pk for n in page.object_list if n.read_at is None]
    if unread_ids:
        Notification.objects.filter(pk__in=unread_ids, read_at__isnull=True).update(read_at=timezone.now())
    return render(request, "core/notifications.html", {"rows": rows, "page": page})
