"""In-app notifications plus email, which leaves through the outbox (chieftech.core.outbox) in the background."""

from collections.abc import Iterable

from django.utils import timezone

from chieftech.core.models import Notification, OutboxMessage
from chieftech.core.outbox import outbox_add
from chieftech.core.site import site_name
from chieftech.core.tasks import outbox_deliver_on_commit


def notify(*, users: Iterable, subject: str, body: str = "", url: str = "") -> None:
    """Create the notifications and the email in the caller's transaction; the email is sent by the worker
    once that transaction commits, so a mail server that is down never fails the action."""
    recipients = [user for user in users if user is not None and user.is_active]
    Notification.objects.bulk_create(
        [Notification(user=user, subject=subject, body=body, url=url) for user in recipients]
    )
    addresses = sorted({user.email for user in recipients if user.email})
    if addresses:
        email_enqueue(to=addresses, subject=subject, body=body + (f"\n\n详情：{url}" if url else ""))


def email_enqueue(*, to: list[str], subject: str, body: str) -> OutboxMessage:
    """An email to addresses without an account (e.g. an objector), through the same outbox."""
    message = outbox_add(
        channel=OutboxMessage.Channel.EMAIL,
        recipients=to,
        subject=f"【{site_name()}】{subject}",
        body=body,
        now=timezone.now(),
    )
    outbox_deliver_on_commit(message.pk)
    return message


def sms_enqueue(*, phone: str, subject: str, text: str) -> OutboxMessage:
    """A text message to one phone number, through the same outbox (the number is stored encrypted). Only
    `subject` shows on the system admin's outbox page: the text may carry a link meant for its reader alone."""
    message = outbox_add(
        channel=OutboxMessage.Channel.SMS,
        recipients=[],
        phone=phone,
        subject=subject,
        body=f"【{site_name()}】{text}",
        now=timezone.now(),
    )
    outbox_deliver_on_commit(message.pk)
    return message
