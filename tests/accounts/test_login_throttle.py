"""Guessing one account's password from many addresses: failures count per user name whatever the address
(and per address whatever the name); once locked, no password is checked, the right one included, and every
refused attempt is in the audit log."""

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher
from django.test import override_settings

from chieftech.audit.models import AuditRecord
from tests.factories import PASSWORD, make_user

LOGIN = "/accounts/login/"
ADDRESSES = [f"203.0.113.{n}" for n in range(1, 21)]


class CountingHasher(MD5PasswordHasher):
    """The test hasher, counting how many passwords were checked against a stored hash."""

    verified = 0

    def verify(self, password, encoded):
        type(self).verified += 1
        return super().verify(password, encoded)


@pytest.fixture
def checked():
    CountingHasher.verified = 0
    with override_settings(PASSWORD_HASHERS=[f"{__name__}.CountingHasher"]):
        yield CountingHasher


def _login(client, username, password, ip):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def _refusals():
    return list(
        AuditRecord.objects.filter(action__in=["session.login_failed", "session.locked_out"])
        .order_by("id")
        .values_list("action", flat=True)
    )


def test_80_guesses_from_20_addresses_check_only_5_passwords_and_then_not_even_the_right_one(
    client, alice, checked
):
    statuses = [
        _login(client, "alice", f"Guess-{ip}-{n}", ip).status_code for ip in ADDRESSES for n in range(4)
    ]

    assert statuses == [200] * 4 + [429] * 76
    assert checked.verified == 5
    response = _login(client, "alice", PASSWORD, "192.0.2.99")
    assert response.status_code == 429
    assert checked.verified == 5
    assert client.session.get("_auth_user_id") is None
    assert _refusals() == ["session.login_failed"] * 4 + ["session.locked_out"] * 77
    locked = AuditRecord.objects.filter(action="session.locked_out").order_by("id")
    assert [r.ip for r in locked[:5]] == ["203.0.113.2"] * 4 + ["203.0.113.3"]
    assert {r.object_repr for r in locked} == {"alice"}


def test_full_width_and_upper_case_spellings_count_against_the_same_name(client, alice, checked):
    for name in ["alice", "ＡＬＩＣＥ", "Alice", "ａｌｉｃｅ", "ALICE"]:
        _login(client, name, "Wrong-guess-1", ADDRESSES[0])

    response = _login(client, "alice", PASSWORD, ADDRESSES[1])

    assert response.status_code == 429
    assert client.session.get("_auth_user_id") is None


def test_20_failures_from_one_address_lock_the_address_for_every_name(client, alice, bob):
    statuses = [_login(client, f"nobody-{n}", "Wrong-guess-1", ADDRESSES[0]).status_code for n in range(20)]

    assert statuses == [200] * 19 + [429]
    assert _login(client, "bob", PASSWORD, ADDRESSES[0]).status_code == 429
    response = _login(client, "bob", PASSWORD, ADDRESSES[1])
    assert response.status_code == 302
    assert client.session.get("_auth_user_id") == str(bob.pk)


def test_the_lock_holds_in_the_database_for_every_worker(client, alice):
    from axes.models import AccessAttempt

    for ip in ADDRESSES[:5]:
        _login(client, "alice", "Wrong-guess-1", ip)

    assert sorted(AccessAttempt.objects.values_list("username", "ip_address", "failures_since_start")) == [
        ("alice", ip, 1) for ip in ADDRESSES[:5]
    ]


def test_signing_into_ones_own_account_between_guesses_does_not_lift_anothers_lock(client, alice, bob):
    for _ in range(4):
        _login(client, "alice", "Wrong-guess-1", ADDRESSES[0])
    assert _login(client, "bob", PASSWORD, ADDRESSES[0]).status_code == 302
    client.logout()

    _login(client, "alice", "Wrong-guess-1", ADDRESSES[0])

    assert _login(client, "alice", PASSWORD, ADDRESSES[1]).status_code == 429


def test_a_lockout_of_a_mixed_case_name_points_to_its_account(client, db):
    zhang = make_user("ZhangWei")
    for _ in range(5):
        _login(client, "ZhangWei", "Wrong-guess-1", ADDRESSES[0])

    record = AuditRecord.objects.get(action="session.locked_out")

    assert (record.object_id, record.object_repr) == (str(zhang.pk), "zhangwei")
