"""In-app notifications plus email (console backend unless EMAIL_BACKEND says otherwise)."""

from collections.abc import Iterable

from django.core.mail import send_mail
from django.db import transaction

from chieftech.core.models import Notification
from chieftech.core.site import site_name


def notify(*, users: Iterable, subject: str, body: str = "", url: str = "") -> None:
    """Create the notifications now; send the emails only once the surrounding transaction commits."""
    recipients = [user for user in users if user is not None and user.is_active]
    Notification.objects.bulk_create(
        [Notification(user=user, subject=subject, body=body, url=url) for user in recipients]
    )
    addresses = sorted({user.email for user in recipients if user.email})
    if addresses:
        text = body + (f"\n\n详情：{url}" if url else "")

        def _send() -> None:
            send_mail(f"【{site_name()}】{subject}", text, None, addresses, fail_silently=False)

        transaction.on_commit(_send)
