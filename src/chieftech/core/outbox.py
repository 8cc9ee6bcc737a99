"""The outbox: messages leave the system in the background, retried with backoff until they go out.

An action writes an OutboxMessage in its own transaction (`outbox_add`); once it commits, a task asks the
worker to deliver it (chieftech.core.tasks). Each attempt (`outbox_attempt`) first takes the message by
moving its next attempt time forward, inside a short transaction, then talks to the server outside any
transaction, then records the outcome. A message that keeps failing is given up after
OUTBOX_MAX_ATTEMPTS attempts and stays on the system admin's page with its last error until it is resent.

Delivery is at least once: a worker killed between the server's acceptance and the recording of it sends
the message again on the next attempt. Everything else goes out exactly once.
"""

import json
import logging
import urllib.error
import urllib.request
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import QuerySet

from chieftech.core.errors import DomainError
from chieftech.core.models import OutboxMessage

logger = logging.getLogger(__name__)

# How long a due message may wait before the periodic sweep decides its task was lost and queues another.
LOST_TASK_GRACE = timedelta(minutes=5)


def outbox_add(
    *, channel: str, recipients: list[str], subject: str, body: str, now: datetime, phone: str = ""
) -> OutboxMessage:
    """Write the message in the caller's transaction; it is delivered once that transaction commits.
    An SMS names its one number in `phone` (stored encrypted), not in `recipients`."""
    return OutboxMessage.objects.create(
        channel=channel,
        recipients=list(recipients),
        phone=phone,
        subject=subject,
        body=body,
        next_attempt_at=now,
    )


def outbox_retry_delay(attempts: int) -> timedelta:
    """The wait after the `attempts`-th attempt: the first delay, doubled each time, up to the maximum."""
    seconds = settings.OUTBOX_RETRY_SECONDS * 2 ** max(attempts - 1, 0)
    return timedelta(seconds=min(seconds, settings.OUTBOX_RETRY_MAX_SECONDS))


def _send_email(message: OutboxMessage) -> None:
    EmailMessage(message.subject, message.body, None, message.recipients).send(fail_silently=False)


class SenderUnavailable(Exception):
    """No way to send on this channel at all: retrying cannot help, so the message fails at once."""


def _sms_gateway(message: OutboxMessage) -> None:
    payload = json.dumps({"to": message.phone, "text": message.body}, ensure_ascii=False).encode()
    request = urllib.request.Request(  # noqa: S310 - the address is the configured https/http gateway
        settings.SMS_GATEWAY_URL,
        data=payload,
        method="POST",
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "Authorization": f"Bearer {settings.SMS_GATEWAY_TOKEN}",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=settings.SMS_GATEWAY_TIMEOUT) as response:  # noqa: S310
            status = response.status
    except urllib.error.HTTPError as exc:  # a non-2xx answer (urllib follows redirects itself)
        raise RuntimeError(f"短信网关返回 HTTP {exc.code}") from None
    if not 200 <= status < 300:
        raise RuntimeError(f"短信网关返回 HTTP {status}")


def _sms_file(message: OutboxMessage) -> None:
    """Development without a gateway: one file per message, to read the link in it."""
    directory = Path(settings.SMS_FILE_PATH)
    directory.mkdir(parents=True, exist_ok=True)
    (directory / f"sms-{message.pk}.txt").write_text(f"To: {message.phone}\n\n{message.body}\n")


def _send_sms(message: OutboxMessage) -> None:
    if settings.SMS_GATEWAY_URL:
        _sms_gateway(message)
    elif settings.DEBUG:
        _sms_file(message)
    else:
        raise SenderUnavailable("未配置短信网关（CHIEFTECH_SMS_GATEWAY_URL），短信无法发送。")


# One sender per channel.
SENDERS: dict[str, Callable[[OutboxMessage], None]] = {
    OutboxMessage.Channel.EMAIL: _send_email,
    OutboxMessage.Channel.SMS: _send_sms,
}


def outbox_attempt(*, message_id: int, now: datetime) -> datetime | None:
    """Try to send one message once. Returns when to try again, or None when there is nothing more to do
    (sent, given up, or not this attempt's to make: not yet due, or already taken by another worker)."""
    with transaction.atomic():
        message = (
            OutboxMessage.objects.select_for_update()
            .filter(pk=message_id, state=OutboxMessage.State.PENDING, next_attempt_at__lte=now)
            .first()
        )
        if message is None:
            return None
        message.attempts += 1
        message.last_attempt_at = now
        message.next_attempt_at = now + outbox_retry_delay(message.attempts)
        message.save(update_fields=["attempts", "last_attempt_at", "next_attempt_at"])

    try:
        SENDERS[message.channel](message)
    except Exception as exc:  # any failure of the server or the network is a reason to try again later
        error = f"{type(exc).__name__}: {exc}"[:2000]
        gave_up = isinstance(exc, SenderUnavailable) or message.attempts >= settings.OUTBOX_MAX_ATTEMPTS
        OutboxMessage.objects.filter(pk=message.pk).update(
            last_error=error, state=OutboxMessage.State.FAILED if gave_up else OutboxMessage.State.PENDING
        )
        logger.warning(
            "outbox message %s: attempt %s failed (%s)%s",
            message.pk,
            message.attempts,
            error,
            ", given up" if gave_up else f", next at {message.next_attempt_at.isoformat()}",
        )
        return None if gave_up else message.next_attempt_at

    OutboxMessage.objects.filter(pk=message.pk).update(
        state=OutboxMessage.State.SENT, sent_at=now, last_error=""
    )
    return None


def outbox_lost(*, now: datetime) -> QuerySet[OutboxMessage]:
    """Pending messages well past their attempt time: their task was lost (a worker killed in the middle, a
    database error right after the commit). Queuing another one is harmless: an attempt takes the message
    first."""
    return OutboxMessage.objects.filter(
        state=OutboxMessage.State.PENDING, next_attempt_at__lte=now - LOST_TASK_GRACE
    ).order_by("next_attempt_at")


def outbox_resend(*, actor, message: OutboxMessage, now: datetime) -> OutboxMessage:
    """Give a failed message a new series of attempts (the system admin, once the server works again).
    The caller queues its delivery (chieftech.core.tasks.outbox_deliver_on_commit)."""
    if not actor.has_perm("core.manage_outbox"):
        raise DomainError("只有系统管理员可以重新发送消息。", code="forbidden")
    with transaction.atomic():
        locked = OutboxMessage.objects.select_for_update().get(pk=message.pk)
        if locked.state != OutboxMessage.State.FAILED:
            raise DomainError(
                f"该消息当前为“{locked.get_state_display()}”，只有发送失败的消息可以重新发送。",
                code="outbox_not_failed",
            )
        locked.state = OutboxMessage.State.PENDING
        locked.attempts = 0
        locked.next_attempt_at = now
        locked.save(update_fields=["state", "attempts", "next_attempt_at"])
    return locked


def outbox_purge(*, now: datetime) -> str:
    """Remove sent messages older than OUTBOX_KEEP_DAYS. Failed and pending ones stay until dealt with."""
    cutoff = now - timedelta(days=settings.OUTBOX_KEEP_DAYS)
    deleted, _ = OutboxMessage.objects.filter(state=OutboxMessage.State.SENT, sent_at__lt=cutoff).delete()
    return f"删除{deleted}条已发送消息"
