"""Granting or removing the auditor (or system admin) role takes two system admins: sam proposes, sara
approves; nothing changes before. The last active auditor can be neither deactivated nor stripped."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from chieftech.accounts.domain import (
    role_proposal_approve,
    role_proposal_create,
    role_proposal_refuse,
    user_create,
    user_deactivate,
    user_set_roles,
)
from chieftech.accounts.models import RoleProposal, User
from chieftech.accounts.roles import Role
from chieftech.audit.models import AuditRecord
from chieftech.core.errors import DomainError
from tests.factories import make_user


def _roles(user):
    return sorted(User.objects.get(pk=user.pk).groups.values_list("name", flat=True))


@pytest.fixture
def sara(db):
    """A second system admin: the one who may approve what sam proposes."""
    return make_user("sara", Role.SYSADMIN, real_name="萨拉")


def test_a_proposal_changes_nothing_until_another_system_admin_approves(client, sam, sara, erin):
    client.force_login(sam)

    response = client.post(
        reverse("accounts:user_roles", args=[erin.pk]), {"roles": [], "reason": "调任审计岗位"}
    )
    response = client.post(
        reverse("accounts:user_roles", args=[erin.pk]), {"roles": ["auditor"], "reason": "调任审计岗位"}
    )

    assert response.status_code == 302
    proposal = RoleProposal.objects.get()
    assert (proposal.state, proposal.roles_before, proposal.roles_after, proposal.reason) == (
        "proposed",
        [],
        ["auditor"],
        "调任审计岗位",
    )
    assert _roles(erin) == []
    client.force_login(User.objects.get(pk=erin.pk))
    assert client.get(reverse("audit:record_list")).status_code == 403

    role_proposal_approve(actor=sara, proposal=proposal)

    assert _roles(erin) == ["auditor"]
    assert RoleProposal.objects.get().state == "approved"
    assert client.get(reverse("audit:record_list")).status_code == 200
    actions = list(
        AuditRecord.objects.filter(action__startswith="role_proposal").values_list("action", "actor_username")
    )
    assert actions == [("role_proposal.create", "sam"), ("role_proposal.approve", "sara")]
    change = AuditRecord.objects.filter(action="user.set_roles").last()
    assert (change.actor_username, change.before["roles"], change.after["roles"]) == ("sara", [], ["auditor"])


def test_the_proposer_cannot_approve_their_own_proposal(client, sam, erin):
    user_set_roles(actor=sam, user=erin, roles=[])
    proposal = role_proposal_create(actor=sam, user=erin, roles=["auditor"])

    with pytest.raises(DomainError) as exc:
        role_proposal_approve(actor=sam, proposal=proposal)

    assert (
        exc.value.message == "提出申请的系统管理员不能复核自己的申请，请由另一位系统管理员复核（职责分离）。"
    )
    assert (_roles(erin), RoleProposal.objects.get().state) == ([], "proposed")
    client.force_login(sam)
    page = client.get(reverse("accounts:user_detail", args=[erin.pk]))
    assert page.context["proposal"]["can_approve"] is False
    assert "复核批准</button>" not in page.content.decode()
    client.post(reverse("accounts:role_proposal_approve", args=[proposal.pk]))
    assert _roles(erin) == []


def test_setting_the_auditor_role_directly_is_refused(sam, erin):
    user_set_roles(actor=sam, user=erin, roles=[])

    with pytest.raises(DomainError) as exc:
        user_set_roles(actor=sam, user=erin, roles=["auditor"])

    assert exc.value.code == "dual_control"
    assert _roles(erin) == []


def test_creating_an_auditor_creates_the_account_without_the_role_and_a_proposal(sam, sara):
    created = user_create(
        actor=sam, username="shen", real_name="沈审计", email="shen@example.cn", roles=["auditor"]
    )

    assert _roles(created.user) == []
    assert created.proposal.roles_after == ["auditor"]
    role_proposal_approve(actor=sara, proposal=created.proposal)
    assert _roles(created.user) == ["auditor"]


def test_making_another_system_admin_also_takes_two(sam, sara, stranger):
    proposal = role_proposal_create(actor=sam, user=stranger, roles=["sysadmin"])

    with pytest.raises(DomainError):
        user_set_roles(actor=sam, user=stranger, roles=["sysadmin"])
    assert _roles(stranger) == []
    role_proposal_approve(actor=sara, proposal=proposal)
    assert _roles(stranger) == ["sysadmin"]


def test_the_account_concerned_cannot_approve_its_own_change(sam, sara):
    proposal = role_proposal_create(actor=sam, user=sara, roles=[])

    with pytest.raises(DomainError) as exc:
        role_proposal_approve(actor=sara, proposal=proposal)

    assert exc.value.code == "own_account"
    assert _roles(sara) == ["sysadmin"]


def test_another_admin_refuses_with_a_reason_and_the_proposer_may_withdraw(client, sam, sara, stranger):
    proposal = role_proposal_create(actor=sam, user=stranger, roles=["auditor"])
    with pytest.raises(DomainError) as exc:
        role_proposal_refuse(actor=sara, proposal=proposal, reason="")
    assert exc.value.field == "reason"

    client.force_login(sara)
    client.post(reverse("accounts:role_proposal_refuse", args=[proposal.pk]), {"reason": "未经审批"})

    proposal.refresh_from_db()
    assert (proposal.state, proposal.decided_by_id, proposal.decision_reason) == (
        "refused",
        sara.pk,
        "未经审批",
    )
    assert _roles(stranger) == []
    again = role_proposal_create(actor=sam, user=stranger, roles=["auditor"])
    role_proposal_refuse(actor=sam, proposal=again)
    assert AuditRecord.objects.filter(action="role_proposal.withdraw", actor_username="sam").count() == 1
    with pytest.raises(DomainError):
        role_proposal_approve(actor=sara, proposal=again)


def test_one_open_proposal_per_account_and_a_stale_one_is_not_applied(sam, sara, stranger):
    proposal = role_proposal_create(actor=sam, user=stranger, roles=["auditor"])
    with pytest.raises(DomainError) as exc:
        role_proposal_create(actor=sara, user=stranger, roles=["sysadmin"])
    assert exc.value.code == "open"

    user_set_roles(actor=sara, user=stranger, roles=["officer"])
    with pytest.raises(DomainError) as exc:
        role_proposal_approve(actor=sara, proposal=proposal)

    assert exc.value.code == "stale"
    assert _roles(stranger) == ["officer"]


def test_the_officer_proposes_nothing(olivia, stranger):
    with pytest.raises(PermissionDenied):
        role_proposal_create(actor=olivia, user=stranger, roles=["auditor"])


def test_the_last_active_auditor_cannot_be_deactivated_but_one_of_two_can(client, sam, aubrey):
    client.force_login(sam)

    response = client.post(
        reverse("accounts:user_deactivate", args=[aubrey.pk]), {"reason": "离职"}, follow=True
    )

    assert User.objects.get(pk=aubrey.pk).is_active is True
    assert [str(m) for m in response.context["messages"]] == [
        "该账号是唯一在用的审计管理员，不能停用或取消其审计管理员角色。请先设立另一位审计管理员。"
    ]
    make_user("audrey", Role.AUDITOR)
    user_deactivate(actor=sam, user=aubrey, reason="离职")
    assert User.objects.get(pk=aubrey.pk).is_active is False


def test_the_last_auditors_role_cannot_be_removed(sam, sara, aubrey):
    with pytest.raises(DomainError) as exc:
        role_proposal_create(actor=sam, user=aubrey, roles=[])
    assert exc.value.code == "last_auditor"

    make_user("audrey", Role.AUDITOR)
    proposal = role_proposal_create(actor=sam, user=aubrey, roles=[])
    User.objects.get(username="audrey").groups.clear()  # the other auditor left meanwhile
    with pytest.raises(DomainError) as exc:
        role_proposal_approve(actor=sara, proposal=proposal)
    assert exc.value.code == "last_auditor"
    assert _roles(aubrey) == ["auditor"]


def test_the_list_of_proposals_is_for_system_admins(client, sam, sara, stranger, olivia):
    role_proposal_create(actor=sam, user=stranger, roles=["auditor"])
    client.force_login(sara)

    response = client.get(reverse("accounts:role_proposal_list"))

    assert [(r["username"], r["after"], r["proposed_by"], r["state"]) for r in response.context["rows"]] == [
        ("stranger", "审计管理员", "萨姆", "待复核")
    ]
    client.force_login(olivia)
    assert client.get(reverse("accounts:role_proposal_list")).status_code == 403


def test_the_second_admin_approves_from_the_account_page(client, sam, sara, stranger):
    role_proposal_create(actor=sam, user=stranger, roles=["auditor"], reason="新设审计岗位")
    client.force_login(sara)

    page = client.get(reverse("accounts:user_detail", args=[stranger.pk]))
    proposal = page.context["proposal"]
    assert (proposal["before"], proposal["after"], proposal["proposed_by"], proposal["can_approve"]) == (
        "无",
        "审计管理员",
        "萨姆",
        True,
    )
    response = client.post(reverse("accounts:role_proposal_approve", args=[proposal["pk"]]), follow=True)

    assert [str(m) for m in response.context["messages"]] == ["已复核批准，角色变更已生效。"]
    assert _roles(stranger) == ["auditor"]
    assert response.context["proposal"] is None
