"""Signing in and out: lockout per username and per IP, the idle timeout, the password policy, the audit trail
of sessions, and the demo accounts on the login page."""

import time
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from chieftech.audit.models import AuditRecord
from chieftech.core.middleware import SESSION_LAST_ACTIVITY
from tests.factories import PASSWORD, make_user

LOGIN = "/accounts/login/"
IP_1 = "198.51.100.7"
IP_2 = "198.51.100.8"


def _login(client, username, password, ip):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def _signed_in_as(client):
    return client.session.get("_auth_user_id")


# --- Lockout --------------------------------------------------------------------------------------


def _fail_five_times(client, username, ip):
    statuses = [_login(client, username, "wrong-password-1", ip).status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 200, 429]


def test_five_failures_lock_the_username_from_that_ip_even_with_the_right_password(client, alice):
    _fail_five_times(client, "alice", IP_1)

    response = _login(client, "alice", PASSWORD, IP_1)

    assert response.status_code == 429
    assert _signed_in_as(client) is None
    page = response.content.decode()
    assert (
        "用户名“alice”或您所在的网络地址连续登录失败次数过多，登录已被锁定15分钟。"
        "锁定期间不再核对密码，输入正确的密码也无法登录。"
    ) in page


def test_the_same_username_from_another_ip_is_locked_too(client, alice):
    _fail_five_times(client, "alice", IP_1)

    response = _login(client, "alice", PASSWORD, IP_2)

    assert response.status_code == 429
    assert _signed_in_as(client) is None


def test_another_username_from_the_locked_ip_still_signs_in(client, alice, bob):
    _fail_five_times(client, "alice", IP_1)

    response = _login(client, "bob", PASSWORD, IP_1)

    assert response.status_code == 302
    assert _signed_in_as(client) == str(bob.pk)
    # bob's success from that IP does not lift alice's lock.
    client.logout()
    assert _login(client, "alice", PASSWORD, IP_1).status_code == 429


def test_four_failures_do_not_lock(client, alice):
    for _ in range(4):
        _login(client, "alice", "wrong-password-1", IP_1)

    response = _login(client, "alice", PASSWORD, IP_1)

    assert response.status_code == 302
    assert _signed_in_as(client) == str(alice.pk)


def test_the_lock_is_gone_after_fifteen_minutes(client, alice):
    _fail_five_times(client, "alice", IP_1)
    assert _login(client, "alice", PASSWORD, IP_1).status_code == 429

    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=15, seconds=1))
    response = _login(client, "alice", PASSWORD, IP_1)

    assert response.status_code == 302
    assert _signed_in_as(client) == str(alice.pk)


def test_fourteen_minutes_later_the_lock_still_holds(client, alice):
    _fail_five_times(client, "alice", IP_1)

    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=14))

    assert _login(client, "alice", PASSWORD, IP_1).status_code == 429


def test_a_wrong_password_gets_a_chinese_message_and_no_session(client, alice):
    response = _login(client, "alice", "wrong-password-1", IP_1)

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "请输入一个正确的用户名和密码。注意，两者都区分大小写。"
    ]
    assert _signed_in_as(client) is None


# --- Idle timeout ---------------------------------------------------------------------------------


def _idle_for(client, minutes):
    session = client.session
    session[SESSION_LAST_ACTIVITY] = time.time() - minutes * 60
    session.save()


def test_after_31_idle_minutes_the_next_request_goes_to_login_with_a_message(client, alice):
    client.force_login(alice)
    client.get(reverse("core:home"))
    _idle_for(client, 31)

    response = client.get(reverse("core:home"))

    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?next=/home/"
    assert _signed_in_as(client) is None
    login_page = client.get(response["Location"])
    assert [str(m) for m in login_page.context["messages"]] == [
        "由于长时间未操作，您已自动退出登录，请重新登录。"
    ]


def test_after_29_idle_minutes_the_user_is_still_signed_in(client, alice):
    client.force_login(alice)
    client.get(reverse("core:home"))
    _idle_for(client, 29)

    response = client.get(reverse("core:home"))

    assert response.status_code == 200
    assert _signed_in_as(client) == str(alice.pk)


# --- Password policy ------------------------------------------------------------------------------


@pytest.fixture
def zhang(db):
    return make_user("zhangweiming", real_name="张伟明")


def _change_password(client, new):
    return client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("Kx7#pQ2m", ["密码太短：至少需要 10 个字符。"]),
        (
            "7394028461",
            [
                "密码只包含数字。",
                "密码须包含大写字母、小写字母、数字、符号中的至少3种（还可加入：大写字母、小写字母、符号）。",
            ],
        ),
        (
            "Zhangweiming-1",
            ["密码跟 用户名 太相似了。", "密码不能包含用户名。"],
        ),
    ],
    ids=["shorter-than-10", "all-digits", "like-the-username"],
)
def test_password_change_refuses_each_rule_with_its_chinese_message(client, zhang, password, message):
    client.force_login(zhang)

    response = _change_password(client, password)

    assert response.status_code == 200
    assert response.context["form"].errors == {"new_password2": message}
    zhang.refresh_from_db()
    assert zhang.check_password(PASSWORD)
    assert AuditRecord.objects.filter(action="user.password_change").count() == 0


def test_a_good_password_is_accepted_audited_and_keeps_the_session(client, zhang):
    client.force_login(zhang)

    response = _change_password(client, "Weihai-skill-2026")

    assert response.status_code == 302
    assert response["Location"] == reverse("core:home")
    zhang.refresh_from_db()
    assert zhang.check_password("Weihai-skill-2026")
    assert _signed_in_as(client) == str(zhang.pk)
    record = AuditRecord.objects.get(action="user.password_change")
    assert (record.actor_username, record.object_id, record.before, record.after) == (
        "zhangweiming",
        str(zhang.pk),
        None,
        None,
    )


def test_a_wrong_old_password_is_refused(client, zhang):
    client.force_login(zhang)

    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": "not-my-password",
            "new_password1": "Weihai-skill-2026",
            "new_password2": "Weihai-skill-2026",
        },
    )

    assert response.context["form"].errors == {"old_password": ["你的旧密码不正确。请重新输入。"]}


# --- Sessions in the audit log --------------------------------------------------------------------


def test_sign_in_and_sign_out_are_audited_with_the_client_address(client, alice):
    _login(client, "alice", PASSWORD, IP_1)
    response = client.post(reverse("accounts:logout"), REMOTE_ADDR=IP_1)

    assert response.status_code == 302
    assert response["Location"] == LOGIN
    assert _signed_in_as(client) is None
    records = list(AuditRecord.objects.values_list("action", "actor_username", "ip"))
    assert records == [("session.login", "alice", IP_1), ("session.logout", "alice", IP_1)]


def test_logout_by_get_is_refused(client, alice):
    client.force_login(alice)

    response = client.get(reverse("accounts:logout"))

    assert response.status_code == 405
    assert _signed_in_as(client) == str(alice.pk)


# --- Demo accounts on the login page --------------------------------------------------------------


@override_settings(DEMO_MODE=True)
def test_login_page_lists_the_demo_accounts_in_demo_mode(client, db, monkeypatch):
    monkeypatch.delenv("CHIEFTECH_DEMO_PASSWORD", raising=False)

    response = client.get(LOGIN)

    usernames = [a["username"] for a in response.context["demo_accounts"]]
    assert usernames[:14] == [
        "admin", "auditor", "officer", "officer2", "leader", "gov", "approver", "chair",
        "expert1", "expert2", "expert3", "expert4", "expert5", "expert6",
    ]  # fmt: skip
    assert usernames[14:22] == [f"ent{n}" for n in range(1, 9)]
    page = response.content.decode()
    assert 'id="demo-accounts"' in page
    assert "<code>ChiefTech-demo-2026</code>" in page
    assert "<code>expert6</code>" in page


@override_settings(DEMO_MODE=True)
def test_the_demo_password_comes_from_the_environment(client, db, monkeypatch):
    monkeypatch.setenv("CHIEFTECH_DEMO_PASSWORD", "Another-demo-pass-1")

    page = client.get(LOGIN).content.decode()

    assert "<code>Another-demo-pass-1</code>" in page
    assert "ChiefTech-demo-2026" not in page


@override_settings(DEMO_MODE=False)
def test_login_page_hides_the_demo_accounts_outside_demo_mode(client, db):
    response = client.get(LOGIN)

    page = response.content.decode()
    assert "demo_accounts" not in response.context
    assert 'id="demo-accounts"' not in page
    assert "ChiefTech-demo-2026" not in page
    assert "expert6" not in page


# --- Refused sign-ins in the audit log ------------------------------------------------------------


def _refusals():
    return list(
        AuditRecord.objects.exclude(action__in=["session.login", "session.logout"])
        .order_by("id")
        .values_list("action", "object_type", "object_id", "object_repr", "ip", "after", "authority_id")
    )


def test_a_wrong_password_is_audited_with_the_name_and_the_address(client, alice):
    _login(client, "alice", "wrong-password-1", IP_1)

    assert _refusals() == [
        ("session.login_failed", "accounts.user", str(alice.pk), "alice", IP_1, {"username": "alice"}, None)
    ]
    record = AuditRecord.objects.get()
    assert (record.actor_id, record.actor_username, record.reason) == (None, "", "用户名或密码错误")


def test_an_unknown_name_is_audited_as_typed(client, db):
    _login(client, "nobody-here", "wrong-password-1", IP_2)

    assert _refusals() == [
        ("session.login_failed", "accounts.user", "", "nobody-here", IP_2, {"username": "nobody-here"}, None)
    ]


def test_the_fifth_failure_is_audited_as_the_lockout_and_so_is_every_attempt_while_locked(client, alice):
    _fail_five_times(client, "alice", IP_1)
    _login(client, "alice", PASSWORD, IP_1)

    assert [(action, ip) for action, _, _, _, ip, _, _ in _refusals()] == [
        *[("session.login_failed", IP_1)] * 4,
        ("session.locked_out", IP_1),
        ("session.locked_out", IP_1),
    ]
    assert AuditRecord.objects.filter(action="session.locked_out").first().reason == (
        "连续登录失败，该用户名或地址被锁定"
    )
