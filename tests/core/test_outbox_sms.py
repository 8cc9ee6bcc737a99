"""Text messages leave through the outbox: to a real HTTP gateway, to a file in development, and nowhere (failed,
with the reason) in production without a gateway. The number is encrypted at rest and masked for the admin."""

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from chieftech.core.models import OutboxMessage
from chieftech.core.notify import sms_enqueue
from chieftech.core.outbox import outbox_attempt

PHONE = "13863112345"
TEXT = "请打开以下链接设置登录密码：http://127.0.0.1:8000/accounts/activate/MQ/abc-123/"


class Gateway:
    """A local HTTP server in a thread, answering every POST with `status` and keeping what it received."""

    def __init__(self, status: int):
        self.requests: list[dict] = []
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers["Content-Length"])
                gateway.requests.append(
                    {
                        "path": self.path,
                        "authorization": self.headers["Authorization"],
                        "content_type": self.headers["Content-Type"],
                        "json": json.loads(self.rfile.read(length)),
                    }
                )
                self.send_response(status)
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/sms/send"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def gateway_settings(settings):
    def configure(url: str):
        settings.SMS_GATEWAY_URL, settings.SMS_GATEWAY_TOKEN, settings.SMS_GATEWAY_TIMEOUT = url, "tok-42", 5

    return configure


def _message() -> OutboxMessage:
    return sms_enqueue(phone=PHONE, subject="账号激活链接", text=TEXT)


def test_the_gateway_receives_the_number_and_the_text_as_json_with_the_token(db, gateway_settings):
    with Gateway(200) as gateway:
        gateway_settings(gateway.url)
        message = _message()

        assert outbox_attempt(message_id=message.pk, now=timezone.now()) is None

    assert gateway.requests == [
        {
            "path": "/sms/send",
            "authorization": "Bearer tok-42",
            "content_type": "application/json; charset=utf-8",
            "json": {"to": PHONE, "text": f"【环翠区首席技师选拔管理系统】{TEXT}"},
        }
    ]
    message.refresh_from_db()
    assert (message.state, message.attempts, message.last_error) == (OutboxMessage.State.SENT, 1, "")


def test_a_gateway_answering_an_error_is_tried_again_later(db, gateway_settings):
    with Gateway(503) as gateway:
        gateway_settings(gateway.url)
        message = _message()

        retry_at = outbox_attempt(message_id=message.pk, now=timezone.now())

    message.refresh_from_db()
    assert retry_at == message.next_attempt_at
    assert (message.state, message.attempts, message.last_error) == (
        OutboxMessage.State.PENDING,
        1,
        "RuntimeError: 短信网关返回 HTTP 503",
    )
    assert len(gateway.requests) == 1


def test_development_without_a_gateway_writes_each_message_to_a_file(db, settings, tmp_path):
    settings.SMS_GATEWAY_URL, settings.DEBUG, settings.SMS_FILE_PATH = "", True, tmp_path / "sms"
    message = _message()

    outbox_attempt(message_id=message.pk, now=timezone.now())

    assert (tmp_path / "sms" / f"sms-{message.pk}.txt").read_text() == (
        f"To: {PHONE}\n\n【环翠区首席技师选拔管理系统】{TEXT}\n"
    )
    message.refresh_from_db()
    assert message.state == OutboxMessage.State.SENT


def test_production_without_a_gateway_sends_nothing_and_fails_at_once_with_the_reason(db, settings, tmp_path):
    settings.SMS_GATEWAY_URL, settings.DEBUG, settings.SMS_FILE_PATH = "", False, tmp_path / "sms"
    message = _message()

    assert outbox_attempt(message_id=message.pk, now=timezone.now()) is None

    message.refresh_from_db()
    assert (message.state, message.attempts, message.last_error) == (
        OutboxMessage.State.FAILED,
        1,
        "SenderUnavailable: 未配置短信网关（CHIEFTECH_SMS_GATEWAY_URL），短信无法发送。",
    )
    assert not (tmp_path / "sms").exists()


def test_the_number_is_encrypted_at_rest(db):
    message = _message()

    with connection.cursor() as cursor:
        cursor.execute("SELECT phone, recipients FROM core_outboxmessage WHERE id = %s", [message.pk])
        stored_phone, recipients = cursor.fetchone()

    assert PHONE not in stored_phone
    assert json.loads(recipients) == []
    assert OutboxMessage.objects.get().phone == PHONE


def test_the_system_admin_sees_the_number_masked_and_never_the_text(client, sam):
    _message()
    client.force_login(sam)

    page = client.get(reverse("core:outbox")).content.decode()

    assert "短信：138****2345" in page
    assert "账号激活链接" in page
    assert PHONE not in page
    assert "/accounts/activate/" not in page
