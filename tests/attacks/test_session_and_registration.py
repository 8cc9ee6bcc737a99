"""Attacks on the session keep-alive, the public registration, the sign-in lock and the operator commands:
the keep-alive takes no GET, no forged POST and no ended session; registration answers a taken name or code
exactly as a fresh one; a lock holds for every spelling of the name; backup, restore and re-encryption have
no address at all."""

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from chieftech.accounts.models import Enterprise, User
from tests.accounts.test_registration_privacy import _form as registration_form
from tests.factories import PASSWORD

KEEPALIVE = "/session/keepalive/"
REGISTER = "/accounts/register/"
LOGIN = "/accounts/login/"


# --- Keep-alive ---------------------------------------------------------------------------------------


def test_keepalive_refuses_get_anonymous_and_a_post_without_the_csrf_token(db, alice):
    anonymous = Client(enforce_csrf_checks=True)
    assert anonymous.post(KEEPALIVE).status_code == 403
    assert Client().post(KEEPALIVE)["Location"] == f"{LOGIN}?next={KEEPALIVE}"

    signed_in = Client(enforce_csrf_checks=True)
    signed_in.force_login(alice)
    assert signed_in.get(KEEPALIVE).status_code == 405
    forged = signed_in.post(KEEPALIVE)
    assert forged.status_code == 403
    assert "remaining" not in forged.content.decode()


def test_keepalive_does_not_revive_a_session_after_sign_out(client, alice):
    client.force_login(alice)
    client.post("/accounts/logout/")
    response = client.post(KEEPALIVE)
    assert (response.status_code, response["Location"]) == (302, f"{LOGIN}?next={KEEPALIVE}")


# --- Registration -------------------------------------------------------------------------------------


def _form(n: int, **changes) -> dict:
    """A registration with a typo (the password confirmation differs), unless `changes` says otherwise."""
    return registration_form(n, **{"password_confirm": "Registration-2027", **changes})


def _page(response, data: dict) -> str:
    """The page without the CSRF token and without what the visitor typed, which differs by design."""
    html = response.content.decode()
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)
    html = re.sub(r'name="form_token" value="[^"]*"', "", html)
    for field in ("email", "uscc", "name", "username"):
        html = html.replace(data[field], "<typed>")
    return html


@pytest.mark.parametrize(
    "taken",
    ["username", "full-width username", "upper-case username", "credit code", "email"],
)
def test_a_form_with_a_typo_answers_the_same_whether_the_name_or_code_is_taken(
    client, alice, enterprise_a, taken
):
    fresh = _form(931)
    guess = {
        "username": _form(932, username="alice"),
        "full-width username": _form(932, username="ａｌｉｃｅ"),
        "upper-case username": _form(932, username="ALICE"),
        "credit code": _form(932, uscc=enterprise_a.uscc),
        "email": _form(932, email="alice@example.cn"),
    }[taken]
    User.objects.filter(pk=alice.pk).update(email="alice@example.cn")
    before = (Enterprise.objects.count(), User.objects.count())

    fresh_response = client.post(REGISTER, fresh, REMOTE_ADDR="198.51.100.40")
    guess_response = client.post(REGISTER, guess, REMOTE_ADDR="198.51.100.41")

    assert (fresh_response.status_code, guess_response.status_code) == (200, 200)
    assert guess_response.context["form"].errors == fresh_response.context["form"].errors
    assert list(guess_response.context["form"].errors) == ["password_confirm"]
    assert _page(guess_response, guess) == _page(fresh_response, fresh)
    assert (Enterprise.objects.count(), User.objects.count()) == before


# --- Sign-in lock -------------------------------------------------------------------------------------


@pytest.mark.parametrize("spelling", ["ALICE", "ａｌｉｃｅ", " Alice ", "ＡＬＩＣＥ"])
def test_a_lock_taken_by_one_spelling_holds_for_the_others_and_for_the_right_password(
    client, alice, spelling
):
    for n in range(5):
        client.post(LOGIN, {"username": spelling, "password": "Wrong-guess-1"}, REMOTE_ADDR=f"203.0.113.{n}")

    response = client.post(LOGIN, {"username": "alice", "password": PASSWORD}, REMOTE_ADDR="198.51.100.77")

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_another_users_success_from_the_same_address_does_not_lift_the_lock(client, alice, bob):
    for _ in range(5):
        client.post(LOGIN, {"username": "ALICE", "password": "Wrong-guess-1"}, REMOTE_ADDR="203.0.113.50")
    assert (
        client.post(LOGIN, {"username": "bob", "password": PASSWORD}, REMOTE_ADDR="203.0.113.50").status_code
        == 302
    )
    client.logout()

    response = client.post(LOGIN, {"username": "alice", "password": PASSWORD}, REMOTE_ADDR="203.0.113.50")

    assert response.status_code == 429


# --- Operator commands have no address ----------------------------------------------------------------


def _patterns(resolver=None, prefix=""):
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            yield from _patterns(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry.callback


def test_no_url_reaches_backup_restore_or_reencrypt():
    reached = [
        route
        for route, view in _patterns()
        if re.search(r"backup|restore|reencrypt|re-encrypt|dbbackup", route, re.I)
        or re.search(r"backup|restore|reencrypt|management", f"{view.__module__}.{view.__name__}", re.I)
    ]
    assert reached == []


@pytest.mark.parametrize(
    "path",
    ["/backup/", "/restore/", "/reencrypt/", "/admin/", "/dbbackup/", "/media/", "/static/%2e%2e/backups/"],
)
def test_guessed_operator_addresses_are_not_found_even_for_the_system_admin(client, sam, path):
    client.force_login(sam)
    assert client.get(path).status_code == 404
    assert client.post(path).status_code == 404


def test_the_registration_limit_holds_across_the_turn_of_the_hour(db, django_capture_on_commit_callbacks):
    """20 registrations in the last minute of one hour and more in the first minutes of the next: a limit
    per clock hour would take 40 within three minutes."""
    from datetime import UTC, datetime

    from chieftech.accounts.domain.registration import enterprise_registration_request
    from chieftech.core.errors import DomainError

    def register(n: int, now: datetime) -> str:
        data = _form(700 + n, password_confirm="Registration-2026")
        data.pop("password_confirm")
        try:
            enterprise_registration_request(ip="198.51.100.60", now=now, **data)
        except DomainError as exc:
            return exc.code
        return "taken in"

    end_of_hour = datetime(2026, 12, 5, 8, 59, 30, tzinfo=UTC)
    first = [register(n, end_of_hour) for n in range(20)]
    next_hour = [register(20 + n, datetime(2026, 12, 5, 9, 2, tzinfo=UTC)) for n in range(3)]

    assert first == ["taken in"] * 20
    assert next_hour == ["rate_limited"] * 3
    assert Enterprise.objects.count() == 20


def test_guessing_many_names_from_one_ipv6_network_is_locked_as_from_one_address(client, alice, bob):
    """One connection holds a /64: spraying one password over many names from its addresses meets the
    address lock as it would from one IPv4 address."""
    statuses = [
        client.post(
            LOGIN,
            {"username": f"nobody-{n}", "password": "Wrong-guess-1"},
            REMOTE_ADDR=f"2001:db8:7:9::{n + 1:x}",
        ).status_code
        for n in range(20)
    ]

    assert statuses == [200] * 19 + [429]
    locked = client.post(LOGIN, {"username": "bob", "password": PASSWORD}, REMOTE_ADDR="2001:db8:7:9::ff")
    assert locked.status_code == 429
    elsewhere = client.post(LOGIN, {"username": "bob", "password": PASSWORD}, REMOTE_ADDR="2001:db8:7:a::1")
    assert elsewhere.status_code == 302
