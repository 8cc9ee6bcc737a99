"""The payroll approver (津贴发放审批人) is granted per authority like the other staff roles, and held alone."""

from django.urls import reverse

from chieftech.accounts.models import RoleGrant
from chieftech.accounts.roles import Role, role_conflicts
from tests.factories import huancui


def _create(client, roles: list[str]):
    return client.post(
        reverse("accounts:user_create"),
        {
            "username": "wangjg",
            "real_name": "王建国",
            "phone": "",
            "email": "wangjg@huancui.example.cn",
            "enterprise": "",
            "authority": huancui().pk,
            "roles": roles,
        },
    )


def test_the_system_admin_grants_the_payroll_approver_for_an_authority(client, sam):
    client.force_login(sam)
    form = client.get(reverse("accounts:user_create")).context["form"]
    assert ("payroll_approver", "津贴发放审批人") in list(form.fields["roles"].choices)

    response = _create(client, ["payroll_approver"])

    assert response.status_code == 302
    assert list(RoleGrant.objects.filter(user__username="wangjg").values_list("role", "authority__code")) == [
        ("payroll_approver", "huancui")
    ]


def test_the_payroll_approver_is_refused_with_an_officers_role_on_one_account(client, sam):
    client.force_login(sam)

    response = _create(client, ["officer", "payroll_approver"])

    assert response.status_code == 200
    assert response.context["form"].errors["roles"] == [
        "“区人社局经办人”与“津贴发放审批人”不能由同一账号兼任（职责分离）。"
    ]
    assert RoleGrant.objects.filter(user__username="wangjg").count() == 0


def test_it_is_incompatible_with_every_other_role():
    others = [role.value for role in Role if role != Role.PAYROLL_APPROVER]
    assert [pair for role in others for pair in role_conflicts({role, Role.PAYROLL_APPROVER.value})] == [
        tuple(r for r in Role.values if r in (role, "payroll_approver")) for role in others
    ]
