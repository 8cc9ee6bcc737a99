"""An enterprise registers itself on the portal; the officer approves or refuses it, saying why."""

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.urls import reverse

from chieftech.accounts.models import Enterprise, User
from chieftech.audit.models import AuditRecord
from chieftech.core.models import Notification
from tests.factories import make_uscc
from tests.tasks import run_tasks

REGISTER = "/accounts/register/"


def _form(**changes):
    data = {
        "uscc": make_uscc(900),
        "name": "威海丁数控设备有限公司",
        "town": "wenquan",
        "industry": "manufacturing",
        "industry_focus": "pillar",
        "address": "环翠区温泉镇工业路7号",
        "contact_name": "丁经办",
        "contact_phone": "13963109001",
        "email": "ding@example.cn",
        "username": "dingjb",
        "password": "Registration-2026",
        "password_confirm": "Registration-2026",
    }
    data.update(changes)
    return data


def _counts():
    return Enterprise.objects.count(), User.objects.count(), AuditRecord.objects.count()


def test_a_registration_creates_a_pending_enterprise_and_an_account_without_a_role(client, db):
    response = client.post(REGISTER, _form(uscc=make_uscc(900).lower()))

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login")
    enterprise = Enterprise.objects.get()
    assert (enterprise.name, enterprise.uscc, enterprise.status, enterprise.registered_via_portal) == (
        "威海丁数控设备有限公司",
        make_uscc(900),
        "pending",
        True,
    )
    assert (enterprise.contact_name, enterprise.contact_phone) == ("丁经办", "13963109001")
    user = User.objects.get()
    assert (user.username, user.real_name, user.email, user.enterprise_id) == (
        "dingjb",
        "丁经办",
        "ding@example.cn",
        enterprise.pk,
    )
    assert list(user.groups.all()) == []
    assert not user.has_perm("selection.submit_application")
    record = AuditRecord.objects.get()
    assert (record.action, record.actor_username, record.object_id) == (
        "enterprise.registration_submit",
        "dingjb",
        str(enterprise.pk),
    )
    assert record.after["contact_phone"] == "139****9001"
    assert record.after["account"] == "dingjb"


def test_the_pending_account_signs_in_and_is_told_it_awaits_approval(client, db):
    client.post(REGISTER, _form())

    client.post(reverse("accounts:login"), {"username": "dingjb", "password": "Registration-2026"})
    home = client.get(reverse("core:home"))

    assert home.status_code == 200
    [section] = home.context["sections"]
    assert section["message"] == (
        "贵单位“威海丁数控设备有限公司”的注册申请已提交，正在等待区人社局审核。审核通过后即可办理申报等业务。"
    )
    assert section["items"] == []


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        (
            "uscc",
            make_uscc(900)[:-1] + ("0" if make_uscc(900)[-1] != "0" else "1"),
            "统一社会信用代码校验位不正确，请核对。",
        ),
        ("uscc", "91371002MA12345", "统一社会信用代码应为18位。"),
        ("contact_phone", "12345", "请输入有效的手机号码（11位）或带区号的固定电话（如0631-5201234）。"),
        ("town", "", "这个字段是必填项。"),
        ("password", "Short-1", "密码太短：至少需要 10 个字符。"),
        ("username", "ding jb!", "用户名只能包含字母、数字和 @ . + - _ 符号。"),
    ],
    ids=["uscc-check-digit", "uscc-length", "phone", "town-missing", "password-short", "username-chars"],
)
def test_bad_input_gets_a_chinese_message_at_its_field_and_saves_nothing(client, db, field, value, message):
    before = _counts()
    changes = {field: value}
    if field == "password":
        changes["password_confirm"] = value

    response = client.post(REGISTER, _form(**changes))

    assert response.status_code == 200
    assert response.context["form"].errors == {field: [message]}
    assert _counts() == before


def test_the_two_passwords_must_match(client, db):
    response = client.post(REGISTER, _form(password_confirm="Registration-2027"))

    assert response.context["form"].errors == {"password_confirm": ["两次输入的密码不一致。"]}
    assert _counts() == (0, 0, 0)


# --- The officer's decision -----------------------------------------------------------------------


def test_approval_activates_the_enterprise_and_its_account_can_act(
    client, olivia, pending_enterprise, django_capture_on_commit_callbacks
):
    penny = User.objects.get(username="penny")
    penny.email = "penny@example.cn"
    penny.save(update_fields=["email"])
    client.force_login(olivia)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:registration_approve", args=[pending_enterprise.pk]))
    run_tasks()

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:registration_list")
    pending_enterprise.refresh_from_db()
    assert pending_enterprise.status == "active"
    penny = User.objects.get(username="penny")
    assert list(penny.groups.values_list("name", flat=True)) == ["enterprise"]
    assert penny.has_perm("selection.submit_application")
    record = AuditRecord.objects.get(action="enterprise.registration_approve")
    assert (record.actor_username, record.before["status"], record.after["status"]) == (
        "olivia",
        "pending",
        "active",
    )
    assert record.after["enterprise_role_granted"] == ["penny"]
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["penny@example.cn"], "【环翠区首席技师选拔管理系统】企业注册申请已审核通过")
    ]
    assert list(Notification.objects.values_list("user__username", "subject")) == [
        ("penny", "企业注册申请已审核通过")
    ]
    client.force_login(penny)
    home = client.get(reverse("core:home"))
    [section] = home.context["sections"]
    assert section["title"] == "企业经办人"
    assert section["message"] == "威海丙船舶配套有限公司（已认证）"


def test_refusal_needs_a_reason_and_leaves_the_registration_pending(client, olivia, pending_enterprise):
    client.force_login(olivia)

    response = client.post(
        reverse("accounts:registration_refuse", args=[pending_enterprise.pk]), {"reason": "  "}
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {"reason": ["这个字段是必填项。"]}
    pending_enterprise.refresh_from_db()
    assert pending_enterprise.status == "pending"
    assert AuditRecord.objects.count() == 0


def test_a_refused_registration_shows_its_reason_on_the_account_home_page(
    client, olivia, pending_enterprise, django_capture_on_commit_callbacks
):
    penny = User.objects.get(username="penny")
    penny.email = "penny@example.cn"
    penny.save(update_fields=["email"])
    client.force_login(olivia)
    reason = "营业执照上的名称与填报不一致，请核对后联系区人社局。"

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("accounts:registration_refuse", args=[pending_enterprise.pk]), {"reason": reason}
        )
    run_tasks()

    assert response.status_code == 302
    pending_enterprise.refresh_from_db()
    assert (pending_enterprise.status, pending_enterprise.status_reason) == ("refused", reason)
    record = AuditRecord.objects.get(action="enterprise.registration_refuse")
    assert (record.actor_username, record.reason, record.after["status"]) == ("olivia", reason, "refused")
    assert [m.body for m in mail.outbox] == [
        f"贵单位“威海丙船舶配套有限公司”的注册申请未通过审核。原因：{reason}\n\n详情：/home/"
    ]
    client.force_login(penny)
    home = client.get(reverse("core:home"))
    assert home.context["sections"][0]["message"] == (
        f"贵单位“威海丙船舶配套有限公司”的注册申请未通过审核。原因：{reason}"
    )
    assert reason in home.content.decode()
    assert list(penny.groups.all()) == []


def test_a_decided_registration_cannot_be_decided_again(client, olivia, pending_enterprise):
    client.force_login(olivia)
    client.post(reverse("accounts:registration_approve", args=[pending_enterprise.pk]), follow=True)

    response = client.post(
        reverse("accounts:registration_approve", args=[pending_enterprise.pk]), follow=True
    )

    assert [str(m) for m in response.context["messages"]] == [
        "该企业的状态是“已认证”，只有待审核的注册申请可以审核。"
    ]
    assert AuditRecord.objects.filter(action="enterprise.registration_approve").count() == 1


def test_the_queue_lists_pending_registrations_only(client, olivia, enterprise_a, pending_enterprise):
    client.force_login(olivia)

    response = client.get(reverse("accounts:registration_list"))

    assert [row["name"] for row in response.context["rows"]] == ["威海丙船舶配套有限公司"]
    assert enterprise_a.name not in response.content.decode()
    assert "139****0002" in response.content.decode()
    assert "13963100002" not in response.content.decode()


def test_the_empty_queue_says_so(client, olivia):
    client.force_login(olivia)

    response = client.get(reverse("accounts:registration_list"))

    assert "目前没有待审核的企业注册申请。" in response.content.decode()


def test_an_officer_cannot_grant_the_enterprise_role_before_approval(olivia, pending_enterprise):
    from chieftech.accounts.domain import user_set_roles
    from chieftech.core.errors import DomainError

    penny = User.objects.get(username="penny")
    with pytest.raises(DomainError) as exc:
        user_set_roles(actor=olivia, user=penny, roles=["enterprise"])

    assert exc.value.message_dict == {
        "enterprise": ["“威海丙船舶配套有限公司”尚未通过审核或已停用，不能授予企业经办人角色。"]
    }
    assert not Group.objects.get(name="enterprise").user_set.filter(pk=penny.pk).exists()


# --- Correcting a refused registration ------------------------------------------------------------


@pytest.fixture
def refused(olivia, pending_enterprise):
    from chieftech.accounts.domain import enterprise_registration_refuse

    return enterprise_registration_refuse(
        actor=olivia, enterprise=pending_enterprise, reason="地址不全，请补充门牌号。"
    )


def test_a_refused_registration_is_corrected_and_goes_back_to_the_queue(client, refused, olivia):
    penny = User.objects.get(username="penny")
    client.force_login(penny)
    home = client.get(reverse("core:home"))
    assert home.context["sections"][0]["links"][0] == {
        "label": "修改并重新提交注册申请",
        "url": reverse("accounts:registration_resubmit"),
        "count": None,
    }
    data = {
        "name": refused.name,
        "uscc": refused.uscc,
        "town": refused.town,
        "industry": refused.industry,
        "industry_focus": refused.industry_focus,
        "address": "环翠区张村镇船舶路18号",
        "contact_name": "潘妮",
        "contact_phone": "",
    }

    response = client.post(reverse("accounts:registration_resubmit"), data)

    assert response.status_code == 302
    refused.refresh_from_db()
    assert (refused.status, refused.status_reason, refused.address, refused.contact_phone) == (
        "pending",
        "",
        "环翠区张村镇船舶路18号",
        "13963100002",
    )
    record = AuditRecord.objects.get(action="enterprise.registration_resubmit")
    assert (record.actor_username, record.before["status"], record.after["status"]) == (
        "penny",
        "refused",
        "pending",
    )
    assert record.before["status_reason"] == "地址不全，请补充门牌号。"
    client.force_login(olivia)
    queue = client.get(reverse("accounts:registration_list"))
    assert [row["name"] for row in queue.context["rows"]] == ["威海丙船舶配套有限公司"]


def test_a_bad_correction_is_refused_at_the_field_and_stays_refused(client, refused):
    client.force_login(User.objects.get(username="penny"))

    response = client.post(
        reverse("accounts:registration_resubmit"),
        {"name": refused.name, "uscc": "91371002MA0000000X", "town": refused.town, "industry": refused.industry,
         "industry_focus": "none", "address": "某地", "contact_name": "潘妮"},
    )  # fmt: skip

    assert response.status_code == 200
    assert response.context["form"].errors == {"uscc": ["统一社会信用代码校验位不正确，请核对。"]}
    refused.refresh_from_db()
    assert refused.status == "refused"
    assert AuditRecord.objects.filter(action="enterprise.registration_resubmit").count() == 0


@pytest.mark.parametrize("who", ["penny", "alice", "olivia"])
def test_only_a_refused_registrations_own_account_reaches_the_correction_form(
    client, pending_enterprise, alice, olivia, who
):
    # penny's registration is still pending, alice's enterprise is active, olivia has no enterprise.
    user = User.objects.get(username=who)
    client.force_login(user)

    assert client.get(reverse("accounts:registration_resubmit")).status_code == 404


def test_a_refused_account_cannot_test_credit_codes_without_limit(client, refused, enterprise_a, settings):
    """The correction form says at the field when a code is taken; the anonymous form never does."""
    settings.REGISTRATIONS_PER_IP_PER_HOUR = 3
    client.force_login(User.objects.get(username="penny"))
    taken = enterprise_a.uscc
    data = {"name": refused.name, "town": refused.town, "industry": refused.industry,
            "industry_focus": refused.industry_focus, "address": "某地", "contact_name": "潘妮"}  # fmt: skip

    answers = [
        client.post(reverse("accounts:registration_resubmit"), {**data, "uscc": taken}).context["form"].errors
        for _ in range(4)
    ]

    assert answers[:3] == [{"uscc": ["该统一社会信用代码已登记，同一企业不能重复登记。"]}] * 3
    assert answers[3] == {"__all__": ["每小时最多提交3次修改，请稍后再试。"]}
    refused.refresh_from_db()
    assert refused.status == "refused"
