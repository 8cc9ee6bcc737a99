"""The client address and the idle timeout, through the real middleware stack."""

import time

import pytest
from axes.models import AccessAttempt
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from chieftech.core.context import current_ip
from chieftech.core.middleware import (
    IDLE_LOGOUT_MESSAGE,
    SESSION_LAST_ACTIVITY,
    RequestContextMiddleware,
    client_ip,
)

# --- Client address -------------------------------------------------------------------------------


def _request(remote="10.0.0.2", forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_without_a_trusted_proxy_x_forwarded_for_is_ignored(settings):
    settings.TRUSTED_PROXY_COUNT = 0

    assert client_ip(_request(forwarded="203.0.113.9")) == "10.0.0.2"


def test_behind_one_proxy_the_address_it_appended_is_the_client(settings):
    settings.TRUSTED_PROXY_COUNT = 1

    # The client wrote "1.2.3.4" itself; nginx appended the address it really saw.
    assert client_ip(_request(forwarded="1.2.3.4, 203.0.113.9")) == "203.0.113.9"


def test_behind_two_proxies_the_second_entry_from_the_right_is_the_client(settings):
    settings.TRUSTED_PROXY_COUNT = 2

    assert client_ip(_request(forwarded="1.2.3.4, 203.0.113.9, 10.0.0.5")) == "203.0.113.9"


@pytest.mark.parametrize(
    ("proxies", "forwarded"),
    [(1, None), (1, ""), (2, "203.0.113.9"), (1, "203.0.113.9, not-an-address")],
    ids=["missing", "empty", "fewer-entries-than-proxies", "malformed"],
)
def test_a_missing_short_or_malformed_forwarded_header_falls_back_to_the_peer(settings, proxies, forwarded):
    settings.TRUSTED_PROXY_COUNT = proxies

    assert client_ip(_request(forwarded=forwarded)) == "10.0.0.2"


def test_the_request_context_carries_the_client_address_while_the_view_runs(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    seen = []

    def view(request):
        seen.append(current_ip.get())
        return HttpResponse()

    RequestContextMiddleware(view)(_request(forwarded="203.0.113.9"))

    assert seen == ["203.0.113.9"]
    assert current_ip.get() is None


def _fail_login(client, username, forwarded):
    return client.post(
        reverse("accounts:login"),
        {"username": username, "password": "wrong-password-1"},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR=forwarded,
    )


def test_a_forged_forwarded_header_does_not_escape_the_login_lockout(client, olivia, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    for n in range(5):
        _fail_login(client, "olivia", f"198.51.100.{n}")

    response = _fail_login(client, "olivia", "198.51.100.99")

    assert response.status_code == 429
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["10.0.0.2"]


def test_behind_the_proxy_lockouts_count_the_real_client(client, olivia, settings):
    settings.TRUSTED_PROXY_COUNT = 1

    _fail_login(client, "olivia", "1.2.3.4, 203.0.113.9")

    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["203.0.113.9"]


# --- Idle timeout ---------------------------------------------------------------------------------


def _idle_for(client, seconds):
    session = client.session
    session[SESSION_LAST_ACTIVITY] = time.time() - seconds
    session.save()


def test_an_active_session_stays_signed_in_and_records_the_activity(client, olivia, settings):
    client.force_login(olivia)
    _idle_for(client, settings.IDLE_TIMEOUT.total_seconds() - 60)
    before = time.time()

    response = client.get(reverse("core:home"))

    assert response.status_code == 200
    assert client.session[SESSION_LAST_ACTIVITY] >= before


def test_an_idle_session_is_signed_out_with_a_message(client, olivia, settings):
    client.force_login(olivia)
    _idle_for(client, settings.IDLE_TIMEOUT.total_seconds() + 1)

    response = client.get(reverse("core:home"))

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/home/"
    assert "_auth_user_id" not in client.session
    login_page = client.get(response["Location"])
    assert [str(m) for m in login_page.context["messages"]] == [IDLE_LOGOUT_MESSAGE]


def test_an_idle_form_post_returns_to_home_after_signing_in_again(client, olivia, settings):
    client.force_login(olivia)
    _idle_for(client, settings.IDLE_TIMEOUT.total_seconds() + 1)

    response = client.post(reverse("accounts:password_change"), {})

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/home/"
    assert "_auth_user_id" not in client.session


def test_an_idle_htmx_request_sends_the_whole_page_to_the_login(client, olivia, settings):
    client.force_login(olivia)
    _idle_for(client, settings.IDLE_TIMEOUT.total_seconds() + 1)

    response = client.get(reverse("core:home"), HTTP_HX_REQUEST="true")

    assert response.status_code == 204
    assert response["HX-Redirect"] == "/accounts/login/"
    assert "_auth_user_id" not in client.session


# --- Signed-in pages are never stored ---------------------------------------------------------------

NEVER_STORED = "max-age=0, no-cache, no-store, must-revalidate, private"


@pytest.mark.parametrize(
    ("who", "page"),
    [
        ("alice", "core:home"),
        ("alice", "accounts:my_enterprise"),  # the contact's masked phone number
        ("sam", "accounts:user_list"),  # every user's masked phone number
        ("olivia", "accounts:enterprise_list"),
        ("aubrey", "audit:record_list"),
    ],
)
def test_every_signed_in_page_is_never_stored(client, request, who, page):
    client.force_login(request.getfixturevalue(who))

    response = client.get(reverse(page))

    assert response.status_code == 200
    assert response["Cache-Control"] == NEVER_STORED
    assert response["Vary"] == "Cookie, Accept-Language"
