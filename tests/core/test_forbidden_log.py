"""A refused request is logged as one line: method, path, user id and reason, no traceback."""

import logging

from django.urls import reverse


def _records(caplog):
    return [r for r in caplog.records if r.name.startswith("django.")]


def test_a_refused_permission_is_one_line(client, alice, caplog):
    client.force_login(alice)
    url = reverse("audit:record_list")

    with caplog.at_level(logging.WARNING):
        response = client.get(url)

    assert response.status_code == 403
    records = _records(caplog)
    assert [(r.name, r.levelname, r.getMessage()) for r in records] == [
        ("django.request", "WARNING", f"403 GET /audit/ user={alice.pk} reason=您没有执行此操作的权限。")
    ]
    assert records[0].exc_info is None
    assert "Traceback" not in caplog.text
    assert caplog.text.count("\n") == 1


def test_a_refused_csrf_check_is_one_line_for_an_anonymous_visitor(caplog):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    with caplog.at_level(logging.WARNING):
        response = client.post(reverse("accounts:login"), {"username": "x", "password": "y"})

    assert response.status_code == 403
    assert [(r.name, r.getMessage()) for r in _records(caplog)] == [
        ("django.security.csrf", "403 POST /accounts/login/ user=- reason=CSRF cookie not set.")
    ]


def test_logging_set_up_twice_still_writes_one_line_with_the_reason(client, alice):
    """django.setup() run again in one process (a command started in-process) adds the filter twice."""
    from django.conf import settings
    from django.utils.log import configure_logging

    class Kept(logging.Handler):
        def __init__(self):
            super().__init__(logging.WARNING)
            self.lines = []

        def emit(self, record):
            self.lines.append(self.format(record))

    configure_logging(settings.LOGGING_CONFIG, settings.LOGGING)
    kept = Kept()
    logger = logging.getLogger("django.request")
    logger.addHandler(kept)
    client.force_login(alice)
    try:
        client.get(reverse("audit:record_list"))
    finally:
        logger.removeHandler(kept)
        configure_logging(settings.LOGGING_CONFIG, settings.LOGGING)

    assert kept.lines == [f"403 GET /audit/ user={alice.pk} reason=您没有执行此操作的权限。"]
