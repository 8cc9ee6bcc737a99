"""§8: a mail server that is down fails no user action; the mail is retried with backoff and goes out
exactly once when the server is back. A real SMTP server (aiosmtpd) on a free local port, the real
django-tasks-db worker loop, a real request through the officer's approval view."""

import email
import socket
import time
from datetime import timedelta
from email.policy import default as default_policy

import pytest
from aiosmtpd.controller import Controller
from django.urls import reverse
from django.utils import timezone

from chieftech.core.models import Notification, OutboxMessage
from chieftech.core.tasks import outbox_deliver, outbox_requeue_lost
from tests.factories import make_enterprise, make_user
from tests.tasks import run_worker

RETRY = 0.5  # seconds before the first retry; each later wait doubles


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        return "250 Message accepted for delivery"

    def received(self) -> list[tuple[list[str], str]]:
        parsed = [email.message_from_bytes(e.original_content, policy=default_policy) for e in self.messages]
        # strip(): the encoded subject is folded onto its own header line
        return [(e.rcpt_tos, m["Subject"].strip()) for e, m in zip(self.messages, parsed, strict=True)]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp(settings):
    """An SMTP server the settings send to; `start()` and `stop()` it at will."""
    port = free_port()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 5
    settings.OUTBOX_RETRY_SECONDS, settings.OUTBOX_RETRY_MAX_SECONDS, settings.OUTBOX_MAX_ATTEMPTS = (
        RETRY,
        60,
        10,
    )

    class Server:
        inbox = Inbox()
        controller = None

        def start(self):
            self.controller = Controller(self.inbox, hostname="127.0.0.1", port=port)
            self.controller.start()

        def stop(self):
            self.controller.stop()
            self.controller = None

    server = Server()
    yield server
    if server.controller is not None:
        server.stop()


def wait_until(moment) -> None:
    time.sleep(max((moment - timezone.now()).total_seconds(), 0) + 0.05)


@pytest.mark.django_db(transaction=True)
def test_approval_succeeds_while_the_mail_server_is_down_and_its_mail_goes_out_once_it_is_back(client, smtp):
    olivia = make_user("olivia", "officer", real_name="欧丽")
    enterprise = make_enterprise(
        "威海丙船舶配套有限公司", status="pending", registered_via_portal=True, contact_phone="13963100002"
    )
    make_user("penny", enterprise=enterprise, real_name="潘妮", email="penny@example.cn")
    smtp.start()
    smtp.stop()  # the bureau's mail server goes down
    client.force_login(olivia)

    response = client.post(reverse("accounts:registration_approve", args=[enterprise.pk]))

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:registration_list")
    enterprise.refresh_from_db()
    assert enterprise.status == "active"
    assert list(Notification.objects.values_list("user__username", "subject")) == [
        ("penny", "企业注册申请已审核通过")
    ]
    [message] = OutboxMessage.objects.all()
    assert (message.state, message.attempts, message.recipients) == ("pending", 0, ["penny@example.cn"])

    # First attempt: refused; the next one is due RETRY seconds later.
    run_worker()
    message.refresh_from_db()
    assert (message.state, message.attempts) == ("pending", 1)
    assert message.last_error.startswith("ConnectionRefusedError")
    assert message.next_attempt_at - message.last_attempt_at == timedelta(seconds=RETRY)

    # Not due yet: the worker leaves it alone.
    run_worker()
    message.refresh_from_db()
    assert message.attempts == 1

    # Second attempt: refused again; the wait doubles.
    wait_until(message.next_attempt_at)
    run_worker()
    message.refresh_from_db()
    assert (message.state, message.attempts) == ("pending", 2)
    assert message.next_attempt_at - message.last_attempt_at == timedelta(seconds=2 * RETRY)
    assert smtp.inbox.received() == []

    # The server is back: the third attempt delivers.
    smtp.start()
    wait_until(message.next_attempt_at)
    run_worker()
    message.refresh_from_db()
    assert (message.state, message.attempts, message.last_error) == ("sent", 3, "")
    assert smtp.inbox.received() == [
        (["penny@example.cn"], "【环翠区首席技师选拔管理系统】企业注册申请已审核通过")
    ]

    # Exactly once: neither the sweep for lost tasks nor a stray second task sends it again.
    assert outbox_requeue_lost(now=timezone.now() + timedelta(hours=1)) == "重新排队0条消息"
    outbox_deliver.enqueue(message_id=message.pk)
    run_worker()
    assert len(smtp.inbox.received()) == 1
