"""The outbox: written with the action, sent after the commit, retried with doubling waits, given up visibly."""

import socket
import time
from datetime import datetime, timedelta

import pytest
from django.db import transaction
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from chieftech.core.errors import DomainError
from chieftech.core.models import Notification, OutboxMessage
from chieftech.core.notify import notify
from chieftech.core.outbox import outbox_attempt, outbox_resend, outbox_retry_delay
from tests.factories import SHANGHAI
from tests.tasks import run_tasks

T0 = datetime(2026, 12, 5, 9, 0, tzinfo=SHANGHAI)


@pytest.fixture
def penny(db):
    from tests.factories import make_user

    return make_user("penny", real_name="潘妮", email="penny@example.cn")


@pytest.fixture
def server_down(settings):
    """SMTP to a local port nothing listens on: every attempt is refused at once."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 5


def test_the_notification_and_the_email_are_written_with_the_action_and_sent_after_it_commits(
    penny, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        notify(users=[penny], subject="材料已退回", body="请补正。", url="/home/")

        [message] = OutboxMessage.objects.all()
        assert (message.recipients, message.subject, message.body) == (
            ["penny@example.cn"],
            "【环翠区首席技师选拔管理系统】材料已退回",
            "请补正。\n\n详情：/home/",
        )
        assert Notification.objects.get().subject == "材料已退回"
        assert DBTaskResult.objects.count() == 0  # nothing is queued before the commit

    for callback in callbacks:
        callback()
    assert DBTaskResult.objects.get().task_path == "chieftech.core.tasks.outbox_deliver"
    assert mailoutbox == []  # the worker sends it, not the action

    run_tasks()

    assert [(m.subject, m.to) for m in mailoutbox] == [
        ("【环翠区首席技师选拔管理系统】材料已退回", ["penny@example.cn"])
    ]
    assert OutboxMessage.objects.get().state == "sent"


def test_an_action_rolled_back_leaves_no_notification_no_message_and_no_task(penny, mailoutbox):
    with pytest.raises(RuntimeError), transaction.atomic():
        notify(users=[penny], subject="材料已退回")
        raise RuntimeError("the action failed after notifying")

    assert (Notification.objects.count(), OutboxMessage.objects.count(), DBTaskResult.objects.count()) == (
        0,
        0,
        0,
    )


def test_users_without_an_address_get_the_notification_only(db):
    from tests.factories import make_user

    notify(users=[make_user("nomail", real_name="无邮箱")], subject="通知")

    assert (Notification.objects.count(), OutboxMessage.objects.count()) == (1, 0)


def test_the_wait_doubles_from_the_first_delay_up_to_the_maximum(settings):
    settings.OUTBOX_RETRY_SECONDS, settings.OUTBOX_RETRY_MAX_SECONDS = 60, 3600
    assert [outbox_retry_delay(n).total_seconds() for n in range(1, 9)] == [
        60,
        120,
        240,
        480,
        960,
        1920,
        3600,
        3600,
    ]


def test_a_message_is_given_up_after_the_last_attempt_and_keeps_its_error(settings, server_down, penny):
    settings.OUTBOX_MAX_ATTEMPTS = 2
    notify(users=[penny], subject="材料已退回")
    message = OutboxMessage.objects.get()
    message.next_attempt_at = T0
    message.save(update_fields=["next_attempt_at"])

    assert outbox_attempt(message_id=message.pk, now=T0) == T0 + timedelta(seconds=60)
    assert outbox_attempt(message_id=message.pk, now=T0 + timedelta(seconds=59)) is None  # not due: untouched
    message.refresh_from_db()
    assert (message.state, message.attempts) == ("pending", 1)

    assert outbox_attempt(message_id=message.pk, now=T0 + timedelta(seconds=60)) is None
    message.refresh_from_db()
    assert (message.state, message.attempts) == ("failed", 2)
    assert message.last_error.startswith("ConnectionRefusedError")
    assert (
        outbox_attempt(message_id=message.pk, now=T0 + timedelta(days=1)) is None
    )  # given up stays given up


def test_the_system_admin_resends_a_failed_message_and_no_one_else_can(
    settings, sam, olivia, penny, mailoutbox, django_capture_on_commit_callbacks
):
    message = OutboxMessage.objects.create(
        recipients=[penny.email],
        subject="失败的通知",
        body="",
        state="failed",
        attempts=24,
        next_attempt_at=T0,
    )

    with pytest.raises(DomainError) as refused:
        outbox_resend(actor=olivia, message=message, now=T0)
    assert refused.value.message == "只有系统管理员可以重新发送消息。"

    resent = outbox_resend(actor=sam, message=message, now=T0)
    assert (resent.state, resent.attempts, resent.next_attempt_at) == ("pending", 0, T0)

    with pytest.raises(DomainError) as refused:
        outbox_resend(actor=sam, message=message, now=T0)
    assert refused.value.message == "该消息当前为“待发送”，只有发送失败的消息可以重新发送。"


# --- The system admin's page --------------------------------------------------------------------------


def make_messages(count: int) -> None:
    for n in range(count):
        OutboxMessage.objects.create(
            recipients=[f"user{n}@example.cn", "zhao@hrss.example.cn"],
            subject=f"失败的通知{n}",
            body="正文不在页面上",
            state="failed",
            attempts=24,
            next_attempt_at=T0,
            last_error="SMTPServerDisconnected: Connection unexpectedly closed",
        )
    OutboxMessage.objects.create(
        recipients=["a@example.cn"], subject="已发送", body="", state="sent", next_attempt_at=T0
    )


@pytest.mark.parametrize("count", [1, 3])
def test_the_page_lists_undelivered_mail_with_the_last_error_in_constant_queries(
    client, sam, count, django_assert_num_queries
):
    make_messages(count)
    client.force_login(sam)

    # Session, user, permissions, counts, the page, one per scheduled job, the header: the same for 1 and 3.
    with django_assert_num_queries(14):  # the jobs' last runs are one query, however many jobs
        response = client.get(reverse("core:outbox"))

    assert response.status_code == 200
    rows = response.context["rows"]
    assert [row["subject"] for row in rows] == [f"失败的通知{n}" for n in reversed(range(count))]
    assert rows[0]["recipients"] == "u***@example.cn，z***@hrss.example.cn"
    assert rows[0]["last_error"] == "SMTPServerDisconnected: Connection unexpectedly closed"
    assert (response.context["failed"], response.context["sent"]) == (count, 1)
    content = response.content.decode()
    assert "正文不在页面上" not in content and "zhao@" not in content


def test_the_resend_button_queues_the_message_and_the_worker_sends_it(
    client, sam, mailoutbox, django_capture_on_commit_callbacks
):
    make_messages(1)
    message = OutboxMessage.objects.get(state="failed")
    client.force_login(sam)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("core:outbox_resend", args=[message.pk]))
    run_tasks()

    assert response.status_code == 302
    assert response["Location"] == reverse("core:outbox")
    assert [m.subject for m in mailoutbox] == ["失败的通知0"]
    assert OutboxMessage.objects.get(pk=message.pk).state == "sent"


def test_a_server_that_never_answers_costs_one_timeout_and_a_retry(settings, penny):
    """A server that takes the connection but never greets (a hung relay) holds the attempt for
    EMAIL_TIMEOUT seconds at most: Django's own default would wait for ever."""
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()  # the kernel completes the handshake; nothing ever answers
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = (
            "127.0.0.1",
            silent.getsockname()[1],
            1,
        )
        notify(users=[penny], subject="材料已退回")
        message = OutboxMessage.objects.get()

        started = time.monotonic()
        retry_at = outbox_attempt(message_id=message.pk, now=message.next_attempt_at)
        waited = time.monotonic() - started

    message.refresh_from_db()
    assert retry_at == message.next_attempt_at
    assert (message.state, message.attempts) == ("pending", 1)
    assert message.last_error == "SMTPServerDisconnected: Connection unexpectedly closed: timed out"
    assert 1 <= waited < 3
