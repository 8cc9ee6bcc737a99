"""`chieftech demo`: the accounts of every role, enterprises across towns and industries, one pending
registration; a second run changes nothing."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from chieftech.accounts.demo import STAFF, demo_uscc, load_demo
from chieftech.accounts.models import Enterprise, User
from chieftech.audit.models import AuditRecord
from chieftech.core.pii import validate_uscc

PASSWORD = "ChiefTech-demo-2026"

ROLES = {
    "admin": ["sysadmin"],
    "auditor": ["auditor"],
    "officer": ["officer"],
    "officer2": ["officer"],
    "leader": ["leader"],
    "gov": ["government"],
    "approver": ["payroll_approver"],
    "chair": ["chair"],
    **{f"expert{n}": ["expert"] for n in range(1, 7)},
    **{f"ent{n}": ["enterprise"] for n in range(1, 9)},
    "ent9": [],
}


def _counts():
    return User.objects.count(), Enterprise.objects.count(), AuditRecord.objects.count()


def test_the_accounts_enterprises_and_the_pending_registration(db):
    load_demo(password=PASSWORD)

    roles = {
        u.username: sorted(g.name for g in u.groups.all()) for u in User.objects.prefetch_related("groups")
    }
    assert roles == ROLES
    assert all(u.check_password(PASSWORD) and u.real_name and u.phone for u in User.objects.all())
    active = Enterprise.objects.filter(status="active")
    assert active.count() == 8
    # Several towns and industries (at least four of each), pillar and emerging industries among them.
    assert sorted({e.town for e in active}) == [
        "huancuilou", "qiaotou", "songshan", "sunjiatuan", "wenquan", "yangting", "zhangcun",
    ]  # fmt: skip
    assert len({e.industry for e in active}) == 8
    assert sorted({e.industry_focus for e in active}) == ["emerging", "none", "pillar"]
    for enterprise in Enterprise.objects.all():
        validate_uscc(enterprise.uscc)
    pending = Enterprise.objects.get(status="pending")
    assert (pending.registered_via_portal, pending.uscc) == (True, demo_uscc(9))
    assert list(pending.users.values_list("username", flat=True)) == ["ent9"]


def test_each_enterprise_user_belongs_to_its_own_enterprise(db):
    load_demo(password=PASSWORD)

    pairs = dict(User.objects.filter(enterprise__isnull=False).values_list("username", "enterprise__uscc"))
    assert pairs == {f"ent{n}": demo_uscc(n) for n in range(1, 10)}


def test_every_demo_object_was_created_through_the_audited_domain_functions(db):
    load_demo(password=PASSWORD)

    actions = sorted(AuditRecord.objects.values_list("action", "actor_username"))
    staff = [s.username for s in STAFF if s.username not in ("admin", "auditor")]
    enterprise_users = [f"ent{n}" for n in range(1, 9)]
    # Every account but the portal registration's is created without a password; each person sets their
    # own through the activation link.
    assert actions == sorted(
        [("user.create", ""), ("user.activation_issue", ""), ("user.activate", "admin")]
        + [("user.create", ""), ("user.activation_issue", ""), ("user.activate", "auditor")]
        + [("user.create", "admin")] * 12
        + [("user.activation_issue", "admin")] * 12
        + [("user.activate", username) for username in staff]
        + [("enterprise.create", "officer")] * 8
        + [("user.create", "officer")] * 8
        + [("user.activation_issue", "officer")] * 8
        + [("user.activate", username) for username in enterprise_users]
        + [("enterprise.registration_submit", "ent9")]
    )


def test_a_second_run_changes_nothing(db):
    load_demo(password=PASSWORD)
    first = _counts()
    hashes = list(AuditRecord.objects.values_list("hash", flat=True))

    load_demo(password=PASSWORD)

    assert _counts() == first == (23, 9, 75)
    assert list(AuditRecord.objects.values_list("hash", flat=True)) == hashes


@override_settings(DEMO_MODE=True)
def test_the_command_runs_twice_with_the_same_counts_and_prints_the_accounts(db, monkeypatch):
    monkeypatch.delenv("CHIEFTECH_DEMO_PASSWORD", raising=False)
    out = StringIO()

    call_command("demo", stdout=out)
    first = _counts()
    call_command("demo", stdout=StringIO())

    assert _counts() == first
    lines = out.getvalue().splitlines()
    assert lines[0].split() == ["用户名", "角色", "姓名", "所属企业"]
    assert lines[1].split() == ["admin", "系统管理员", "刘志强"]
    assert lines[-1] == "所有演示账号的密码：ChiefTech-demo-2026"
    assert any(line.split()[:2] == ["ent1", "企业经办人"] for line in lines)


@override_settings(DEMO_MODE=True)
def test_the_command_takes_the_password_from_the_environment(db, monkeypatch):
    monkeypatch.setenv("CHIEFTECH_DEMO_PASSWORD", "Another-demo-pass-1")
    out = StringIO()

    call_command("demo", stdout=out)

    assert User.objects.get(username="expert3").check_password("Another-demo-pass-1")
    assert out.getvalue().splitlines()[-1] == "所有演示账号的密码：Another-demo-pass-1"


@override_settings(DEMO_MODE=False, DEBUG=False)
def test_the_command_refuses_outside_demo_or_debug_mode(db):
    with pytest.raises(CommandError) as exc:
        call_command("demo", stdout=StringIO())

    assert str(exc.value).startswith("演示数据只能在演示模式（CHIEFTECH_DEMO=1）或调试模式（DEBUG=1）下加载")
    assert _counts() == (0, 0, 0)
