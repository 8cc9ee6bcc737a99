"""`chieftech setup_account`: the first two system admins and the first audit admin of an installation,
each without a password, with the activation link printed for its holder; nothing more."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from chieftech.accounts.models import User
from chieftech.audit.models import AuditRecord


def _setup(role: str, username: str) -> list[str]:
    out = StringIO()
    call_command("setup_account", role=role, username=username, real_name="管理员", stdout=out)
    return out.getvalue().splitlines()


def test_the_first_system_admin_gets_an_activation_link_and_no_password(db):
    lines = _setup("sysadmin", "root1")

    user = User.objects.get(username="root1")
    assert sorted(user.groups.values_list("name", flat=True)) == ["sysadmin"]
    assert user.has_usable_password() is False
    assert lines[0] == "已创建系统管理员账号“root1”。"
    assert lines[2].startswith("http://127.0.0.1:8000/accounts/activate/")
    assert list(AuditRecord.objects.values_list("action", "actor_username")) == [
        ("user.create", ""),
        ("user.activation_issue", ""),
    ]


def test_two_system_admins_and_one_auditor_at_most(db):
    _setup("sysadmin", "root1")
    _setup("sysadmin", "root2")
    _setup("auditor", "audit1")

    with pytest.raises(CommandError) as exc:
        _setup("sysadmin", "root3")
    assert str(exc.value).startswith("已有2名在用的系统管理员")
    with pytest.raises(CommandError):
        _setup("auditor", "audit2")
    assert sorted(User.objects.values_list("username", flat=True)) == ["audit1", "root1", "root2"]


def test_only_the_two_overseeing_roles(db):
    with pytest.raises(CommandError):
        call_command("setup_account", role="officer", username="o", real_name="经办人", stdout=StringIO())


def test_a_taken_username_is_reported(db):
    _setup("sysadmin", "root1")

    with pytest.raises(CommandError) as exc:
        _setup("auditor", "root1")

    assert str(exc.value) == "该用户名已被使用，请换一个。"
