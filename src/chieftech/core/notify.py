"""In-app notifications plus email, which leaves through the outbox (chieftech.core.outbox) in the background."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils import timezone

from chieftech.core.models import Notification, OutboxMessage
from chieftech.core.outbox import outbox_add
from chieftech.core.site import site_name
from chieftech.core.tasks import outbox_deliver_many_on_commit, outbox_deliver_on_commit


def notify(*, users: Iterable, subject: str, body: str = "", url: str = "") -> None:
    """Create the notifications and the email in the caller's transaction; the email is sent by the worker
    once that transaction commits, so a mail server that is down never fails the action."""
    recipients = [user for user in users if user is not None and user.is_active]
    Notification.objects.bulk_create(
        [Notification(user=user, subject=subject, body=body, url=url) for user in recipients]
    )
    addresses = sorted({user.email for user in recipients if user.email})
    if addresses:
        email_enqueue(to=addresses, subject=subject, body=_with_link(body, url))


def email_enqueue(*, to: list[str], subject: str, body: str) -> OutboxMessage:
    """An email to addresses without an account (e.g. an objector), through the same outbox."""
    message = outbox_add(
        channel=OutboxMessage.Channel.EMAIL,
        recipients=to,
        subject=_email_subject(subject),
        body=body,
        now=timezone.now(),
    )
    outbox_deliver_on_commit(message.pk)
    return message


def _email_subject(subject: str) -> str:
    return f"【{site_name()}】{subject}"


def _with_link(body: str, url: str) -> str:
    return body + (f"\n\n详情：{url}" if url else "")


@dataclass(frozen=True)
class Message:
    users: list
    subject: str
    body: str = ""
    url: str = ""


def notify_many(messages: Iterable[Message]) -> None:
    """`notify` for many messages at once (a scheduled job's thousands of reminders): the notifications in
    one insert, the emails in another, and one background task delivering them all after the commit."""
    notifications, emails = [], []
    now = timezone.now()
    for message in messages:
        recipients = [user for user in message.users if user is not None and user.is_active]
        notifications += [
            Notification(user=user, subject=message.subject, body=message.body, url=message.url)
            for user in recipients
        ]
        addresses = sorted({user.email for user in recipients if user.email})
        if addresses:
            emails.append(
                OutboxMessage(
                    channel=OutboxMessage.Channel.EMAIL,
                    recipients=addresses,
                    subject=_email_subject(message.subject),
                    body=_with_link(message.body, message.url),
                    next_attempt_at=now,
                )
            )
    Notification.objects.bulk_create(notifications, batch_size=1000)
    created = OutboxMessage.objects.bulk_create(emails, batch_size=1000)
    if created:
        outbox_deliver_many_on_commit([message.pk for message in created])


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
