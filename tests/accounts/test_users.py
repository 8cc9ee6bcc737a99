"""Accounts and roles: the system admin manages every account and role, the officer the enterprises'
accounts only; separation of duties holds in the role combinations; nobody changes their own roles."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from chieftech.accounts.domain import user_create, user_deactivate, user_set_roles
from chieftech.accounts.models import User
from chieftech.audit.models import AuditRecord
from chieftech.core.errors import DomainError
from tests.factories import PASSWORD

NEW_PASSWORD = "Huancui-2026-pass"


def _roles(user):
    return sorted(User.objects.get(pk=user.pk).groups.values_list("name", flat=True))


def test_the_system_admin_creates_a_staff_account_with_roles_and_no_password(client, sam):
    client.force_login(sam)
    form = client.get(reverse("accounts:user_create")).context["form"]
    assert list(form.fields) == [
        "username",
        "real_name",
        "phone",
        "email",
        "enterprise",
        "authority",
        "roles",
    ]

    response = client.post(
        reverse("accounts:user_create"),
        {
            "username": "expert9",
            "real_name": "郑专家",
            "phone": "13906319999",
            "email": "zheng@example.cn",
            "enterprise": "",
            "roles": ["expert"],
            "password": NEW_PASSWORD,  # not a field any more: ignored
            "password_confirm": NEW_PASSWORD,
        },
    )

    user = User.objects.get(username="expert9")
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:user_detail", args=[user.pk])
    assert (_roles(user), user.enterprise_id, user.has_usable_password()) == (["expert"], None, False)
    assert user.check_password(NEW_PASSWORD) is False
    record = AuditRecord.objects.get(action="user.create")
    assert record.actor_username == "sam"
    assert record.after == {
        "username": "expert9",
        "real_name": "郑专家",
        "phone": "139****9999",
        "email": "zheng@example.cn",
        "enterprise": None,
        "is_active": True,
        "roles": ["expert"],
        "grants": ["huancui:expert"],
    }


def test_the_officer_creates_an_enterprise_account_which_gets_the_enterprise_role(
    client, olivia, enterprise_a
):
    client.force_login(olivia)
    form = client.get(reverse("accounts:user_create")).context["form"]
    assert "roles" not in form.fields

    response = client.post(
        reverse("accounts:user_create"),
        {
            "username": "alice2",
            "real_name": "艾二",
            "phone": "",
            "email": "ai2@example.cn",
            "enterprise": enterprise_a.pk,
            "password": NEW_PASSWORD,
            "password_confirm": NEW_PASSWORD,
            "roles": ["officer"],  # not a field for the officer: ignored
        },
    )

    user = User.objects.get(username="alice2")
    assert response.status_code == 302
    assert (_roles(user), user.enterprise_id) == (["enterprise"], enterprise_a.pk)
    assert AuditRecord.objects.get(action="user.create").actor_username == "olivia"


def test_the_officer_must_choose_the_enterprise(client, olivia):
    client.force_login(olivia)

    response = client.post(
        reverse("accounts:user_create"),
        {
            "username": "x1",
            "email": "x1@example.cn",
            "real_name": "某人",
            "password": NEW_PASSWORD,
            "password_confirm": NEW_PASSWORD,
        },
    )

    assert response.context["form"].errors == {"enterprise": ["这个字段是必填项。"]}
    assert not User.objects.filter(username="x1").exists()


def test_the_officer_cannot_grant_staff_roles(olivia, enterprise_a, alice):
    with pytest.raises(PermissionDenied) as exc:
        user_create(
            actor=olivia,
            username="x2",
            real_name="某人",
            roles=["officer"],
            enterprise=enterprise_a,
        )
    assert str(exc.value) == "您不能授予以下角色：区人社局经办人。"

    with pytest.raises(PermissionDenied):
        user_set_roles(actor=olivia, user=alice, roles=["enterprise", "expert"])

    assert not User.objects.filter(username="x2").exists()
    assert _roles(alice) == ["enterprise"]
    assert AuditRecord.objects.count() == 0


def test_the_officers_user_list_shows_enterprise_accounts_only(client, olivia, alice, bob, erin, sam):
    client.force_login(olivia)

    response = client.get(reverse("accounts:user_list"))

    assert [row["username"] for row in response.context["rows"]] == ["bob", "alice"]
    assert "erin" not in response.content.decode()
    assert response.context["title"] == "企业经办人账号"


def test_the_system_admins_user_list_shows_every_account_with_its_roles(client, sam, alice, erin):
    client.force_login(sam)

    response = client.get(reverse("accounts:user_list"))

    rows = {row["username"]: (row["roles"], row["enterprise"]) for row in response.context["rows"]}
    assert rows == {
        "erin": ("评审专家", ""),
        "sam": ("系统管理员", ""),
        "alice": ("企业经办人", "威海甲精密机械有限公司"),
    }


def test_the_user_list_runs_the_same_queries_for_one_or_three_accounts(
    client, sam, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import make_user

    client.force_login(sam)
    client.get(reverse("accounts:user_list"))
    with CaptureQueriesContext(connection) as one:
        response = client.get(reverse("accounts:user_list"))
    assert len(response.context["rows"]) == 1

    make_user("u2", "expert")
    make_user("u3", "leader", "government")
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(reverse("accounts:user_list"))
    assert len(response.context["rows"]) == 3


def test_the_system_admin_changes_roles_with_an_audit_record(client, sam, erin):
    client.force_login(sam)

    response = client.post(reverse("accounts:user_roles", args=[erin.pk]), {"roles": ["chair"]})

    assert response.status_code == 302
    assert _roles(erin) == ["chair"]
    record = AuditRecord.objects.get(action="user.set_roles")
    assert (record.actor_username, record.before["roles"], record.after["roles"]) == (
        "sam",
        ["expert"],
        ["chair"],
    )


@pytest.mark.parametrize(
    ("roles", "message"),
    [
        (["auditor", "officer"], "“区人社局经办人”与“审计管理员”不能由同一账号兼任（职责分离）。"),
        (["sysadmin", "auditor"], "“审计管理员”与“系统管理员”不能由同一账号兼任（职责分离）。"),
        (["sysadmin", "expert"], "“评审专家”与“系统管理员”不能由同一账号兼任（职责分离）。"),
        (["sysadmin", "leader"], "“区委人才工作领导小组”与“系统管理员”不能由同一账号兼任（职责分离）。"),
        (["officer", "expert"], "“区人社局经办人”与“评审专家”不能由同一账号兼任（职责分离）。"),
        (["enterprise"], "企业经办人必须属于一家企业。"),
    ],
    ids=[
        "auditor-plus",
        "sysadmin-auditor",
        "sysadmin-expert",
        "sysadmin-leader",
        "officer-expert",
        "enterprise-without-one",
    ],
)
def test_role_combinations_that_break_separation_of_duties_are_refused(client, sam, erin, roles, message):
    client.force_login(sam)

    response = client.post(reverse("accounts:user_roles", args=[erin.pk]), {"roles": roles})

    assert response.status_code == 200
    assert response.context["roles_form"].errors == {
        "roles" if "enterprise" not in roles else "__all__": [message]
    }
    assert _roles(erin) == ["expert"]
    assert AuditRecord.objects.count() == 0


def test_an_enterprise_account_holds_no_staff_role(sam, alice):
    with pytest.raises(DomainError) as exc:
        user_set_roles(actor=sam, user=alice, roles=["expert"])

    assert exc.value.message_dict == {"roles": ["企业账号只能担任企业经办人角色。"]}


def test_nobody_changes_their_own_roles(client, sam):
    client.force_login(sam)

    response = client.post(reverse("accounts:user_roles", args=[sam.pk]), {"roles": ["sysadmin", "officer"]})

    assert response.status_code == 403
    assert "不能修改自己的角色，请由另一位系统管理员操作。" in response.content.decode()
    assert _roles(sam) == ["sysadmin"]


def test_deactivated_accounts_cannot_sign_in(client, olivia, alice):
    client.force_login(olivia)

    response = client.post(reverse("accounts:user_deactivate", args=[alice.pk]), {"reason": "经办人离职"})

    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.is_active is False
    record = AuditRecord.objects.get(action="user.deactivate")
    assert (record.actor_username, record.reason, record.before["is_active"], record.after["is_active"]) == (
        "olivia",
        "经办人离职",
        True,
        False,
    )
    client.logout()
    login = client.post(
        reverse("accounts:login"), {"username": "alice", "password": PASSWORD}, REMOTE_ADDR="10.1.1.1"
    )
    assert login.status_code == 200
    assert client.session.get("_auth_user_id") is None


def test_nobody_deactivates_themselves(sam):
    with pytest.raises(PermissionDenied):
        user_deactivate(actor=sam, user=sam)
    assert User.objects.get(pk=sam.pk).is_active is True


def test_editing_an_account_keeps_the_phone_when_blank_and_audits(client, olivia, alice):
    alice.phone = "13963105678"
    alice.save(update_fields=["phone"])
    client.force_login(olivia)

    response = client.post(
        reverse("accounts:user_detail", args=[alice.pk]),
        {"real_name": "艾丽丝", "email": "alice@example.cn", "phone": ""},
    )

    assert response.status_code == 302
    alice.refresh_from_db()
    assert (alice.real_name, alice.email, alice.phone) == ("艾丽丝", "alice@example.cn", "13963105678")
    record = AuditRecord.objects.get(action="user.update")
    assert (record.before["real_name"], record.after["real_name"]) == ("艾丽", "艾丽丝")
    assert record.after["phone"] == "139****5678"


def test_a_bad_phone_is_refused_at_the_field(client, olivia, alice):
    client.force_login(olivia)

    response = client.post(
        reverse("accounts:user_detail", args=[alice.pk]), {"real_name": "艾丽", "phone": "12"}
    )

    assert response.context["edit_form"].errors == {
        "phone": ["请输入有效的手机号码（11位）或带区号的固定电话（如0631-5201234）。"]
    }
    assert AuditRecord.objects.count() == 0
