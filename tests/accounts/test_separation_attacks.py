"""The attacks on separation of duties (等保2.0 三员分立) found when the system was attacked, each replayed
as it was done. Before, every one of them got through; now each is refused or leaves nothing changed.

- the system admin creates an auditor with a password of its own choosing and reads the audit log with it;
- the system admin gives one account the officer, leader and government roles;
- the system admin deactivates the only auditor;
- the system admin grants the auditor role alone;
- the officer creates a user for an enterprise with a password it knows, signs in as it and withdraws
  that enterprise's application;
- one person takes the leadership's decision and then the government's approval of the same list.
"""

from datetime import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from chieftech.accounts.domain import (
    enterprise_registration_approve,
    role_proposal_approve,
    user_set_roles,
)
from chieftech.accounts.models import RoleProposal, User
from chieftech.accounts.roles import Role
from chieftech.audit.models import AuditRecord
from chieftech.core.errors import DomainError
from chieftech.evaluation.models import ProposedList
from chieftech.publicity.domain.approval import government_approve, leadership_decide, roster_publish
from chieftech.publicity.models import GovernmentApproval, LeadershipDecision
from chieftech.selection.models import ApplicationState
from tests.certificates.factories import (
    APPROVED_ON,
    DOCUMENT_NUMBER,
    MEETING,
    SIGNED,
    make_approval_stage_round,
)
from tests.factories import SHANGHAI, grant, huancui, make_application, make_round, make_user

KNOWN = "Admin-knows-2026"  # the password the attacker chose for the account it created
MINUTES = "区委人才工作领导小组2026年第4次会议纪要"
DECIDED_AT = datetime(2026, 12, 29, 15, 0, tzinfo=SHANGHAI)
APPROVED_AT = datetime(2026, 12, 31, 16, 0, tzinfo=SHANGHAI)
PUBLISHED_AT = datetime(2027, 1, 4, 9, 0, tzinfo=SHANGHAI)


def _roles(user) -> list[str]:
    return sorted(User.objects.get(pk=user.pk).groups.values_list("name", flat=True))


def _sign_in(client, username: str, password: str) -> bool:
    client.logout()
    client.post(
        reverse("accounts:login"), {"username": username, "password": password}, REMOTE_ADDR="10.9.9.9"
    )
    return client.session.get("_auth_user_id") is not None


def _set_group_roles(user, *roles: str) -> User:
    """A role change between two steps, made directly (a reassignment of duties, or legacy data); the
    account as it signs in afresh."""
    from chieftech.accounts.models import RoleGrant

    user.groups.clear()
    RoleGrant.objects.filter(user=user).delete()
    for role in roles:
        grant(user, role, authority=huancui())
    return User.objects.get(pk=user.pk)


def test_the_system_admin_cannot_create_an_auditor_whose_password_it_knows(client, sam, aubrey):
    client.force_login(sam)

    client.post(
        reverse("accounts:user_create"),
        {
            "username": "mole",
            "email": "mole@example.cn",
            "real_name": "内鬼",
            "roles": ["auditor"],
            "password": KNOWN,
            "password_confirm": KNOWN,
        },
    )

    mole = User.objects.get(username="mole")
    assert (mole.has_usable_password(), mole.check_password(KNOWN)) == (False, False)
    assert _roles(mole) == []  # the auditor role waits for a second system admin
    assert RoleProposal.objects.get(user=mole).state == "proposed"
    assert _sign_in(client, "mole", KNOWN) is False
    response = client.get(reverse("audit:record_list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_one_account_cannot_hold_officer_leader_and_government(client, sam, stranger):
    client.force_login(sam)

    response = client.post(
        reverse("accounts:user_roles", args=[stranger.pk]), {"roles": ["officer", "leader", "government"]}
    )

    assert response.status_code == 200
    assert response.context["roles_form"].errors == {
        "roles": [
            "“区人社局经办人”与“区委人才工作领导小组”；“区人社局经办人”与“区政府经办人”；"
            "“区委人才工作领导小组”与“区政府经办人”不能由同一账号兼任（职责分离）。"
        ]
    }
    # Nor one role at a time.
    user_set_roles(actor=sam, user=stranger, roles=["officer"])
    for roles in (["officer", "leader"], ["officer", "government"]):
        with pytest.raises(DomainError):
            user_set_roles(actor=sam, user=stranger, roles=roles)
    assert _roles(stranger) == ["officer"]


def test_the_only_auditor_cannot_be_deactivated(client, sam, aubrey):
    client.force_login(sam)

    client.post(reverse("accounts:user_deactivate", args=[aubrey.pk]), {"reason": "不再需要审计"})

    assert User.objects.get(pk=aubrey.pk).is_active is True
    assert AuditRecord.objects.filter(action="user.deactivate").count() == 0


def test_one_system_admin_alone_cannot_grant_the_auditor_role(client, sam, stranger):
    client.force_login(sam)

    client.post(reverse("accounts:user_roles", args=[stranger.pk]), {"roles": ["auditor"]})
    proposal = RoleProposal.objects.get(user=stranger)
    client.post(reverse("accounts:role_proposal_approve", args=[proposal.pk]))
    with pytest.raises(Exception, match="提出申请的系统管理员不能复核自己的申请"):
        role_proposal_approve(actor=sam, proposal=proposal)

    assert RoleProposal.objects.get(pk=proposal.pk).state == "proposed"
    assert _roles(stranger) == []
    assert User.objects.get(pk=stranger.pk).has_perm("audit.view_auditlog") is False


def test_the_officer_cannot_sign_in_as_an_enterprise_user_it_created(client, olivia, alice, enterprise_a):
    round_ = make_round(olivia)
    application = make_application(alice, round_, submit=True)
    client.force_login(olivia)

    client.post(
        reverse("accounts:user_create"),
        {
            "username": "puppet",
            "email": "puppet@example.cn",
            "real_name": "傀儡",
            "enterprise": enterprise_a.pk,
            "password": KNOWN,
            "password_confirm": KNOWN,
        },
    )

    puppet = User.objects.get(username="puppet")
    assert (_roles(puppet), puppet.enterprise_id, puppet.has_usable_password()) == (
        ["enterprise"],
        enterprise_a.pk,
        False,
    )
    assert _sign_in(client, "puppet", KNOWN) is False
    response = client.post(
        reverse("selection:application_withdraw", args=[application.pk]), {"reason": "企业决定撤回。"}
    )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    application.refresh_from_db()
    assert application.state == ApplicationState.SUBMITTED
    assert AuditRecord.objects.filter(action="application.withdraw").count() == 0


# --- The same person never takes two successive decisions on one list ----------------------------------


@pytest.fixture
def staged(olivia, alice, bob):
    round_, _ = make_approval_stage_round(olivia, [alice, bob], n=3)
    return round_


def _decide(actor, round_):
    return leadership_decide(
        actor=actor,
        round_=round_,
        outcome=LeadershipDecision.Outcome.APPROVE,
        meeting_date=MEETING,
        minutes_reference=MINUTES,
        now=DECIDED_AT,
    )


def _approve(actor, round_):
    return government_approve(
        actor=actor,
        round_=round_,
        document_number=DOCUMENT_NUMBER,
        approved_on=APPROVED_ON,
        now=APPROVED_AT,
        **SIGNED,
    )


def test_the_leadership_decider_cannot_also_record_the_government_approval(staged, leo, gina):
    _decide(leo, staged)
    leo = _set_group_roles(leo, Role.GOVERNMENT)  # leo moves to the government's office

    with pytest.raises(DomainError) as exc:
        _approve(leo, staged)

    assert exc.value.message == (
        "登记领导小组审定结论的人不能再登记区政府批准，请由另一位区政府经办人办理（职责分离）。"
    )
    assert GovernmentApproval.objects.filter(round=staged).count() == 0
    _approve(gina, staged)
    assert GovernmentApproval.objects.get(round=staged).recorded_by_id == gina.pk


def test_one_account_holding_leader_and_government_is_still_refused_the_second_step(staged):
    both = make_user("both", Role.LEADER, Role.GOVERNMENT)  # made in the database, bypassing the table

    _decide(both, staged)
    with pytest.raises(DomainError):
        _approve(both, staged)

    assert GovernmentApproval.objects.filter(round=staged).count() == 0


def test_the_government_approver_cannot_also_publish_the_roster(staged, leo, gina, olivia):
    _decide(leo, staged)
    _approve(gina, staged)
    gina = _set_group_roles(gina, Role.OFFICER)

    with pytest.raises(DomainError) as exc:
        roster_publish(actor=gina, round_=staged, now=PUBLISHED_AT)

    assert (
        exc.value.message
        == "登记区政府批准的人不能再发文公布名单，请由另一位区人社局经办人办理（职责分离）。"
    )
    assert GovernmentApproval.objects.get(round=staged).published_at is None
    roster_publish(actor=olivia, round_=staged, now=PUBLISHED_AT)


def test_the_chair_who_confirmed_the_list_cannot_decide_on_it_as_leader(staged, chris, leo):
    ProposedList.objects.filter(round=staged).update(confirmed_by=chris)
    chris = _set_group_roles(chris, Role.LEADER)

    with pytest.raises(DomainError) as exc:
        _decide(chris, staged)

    assert exc.value.message == (
        "确认建议人选名单的评审委员会主任不能再审定该名单，请由领导小组其他成员办理（职责分离）。"
    )
    assert LeadershipDecision.objects.filter(round=staged).count() == 0
    _decide(leo, staged)


def test_an_account_of_the_registering_enterprise_cannot_approve_its_registration(pending_enterprise):
    insider = make_user("insider", Role.OFFICER, enterprise=pending_enterprise)  # legacy data

    with pytest.raises(PermissionDenied) as exc:
        enterprise_registration_approve(actor=insider, enterprise=pending_enterprise)

    assert str(exc.value) == "不能审核自己所在企业的注册申请，请由区人社局其他经办人审核（职责分离）。"
    pending_enterprise.refresh_from_db()
    assert pending_enterprise.status == "pending"


def test_the_registration_approval_refuses_to_stack_roles(olivia, pending_enterprise):
    penny = User.objects.get(username="penny")
    _set_group_roles(penny, Role.EXPERT)

    with pytest.raises(DomainError) as exc:
        enterprise_registration_approve(actor=olivia, enterprise=pending_enterprise)

    assert exc.value.messages == ["账号“penny”：“企业经办人”与“评审专家”不能由同一账号兼任（职责分离）。"]
    assert _roles(penny) == ["expert"]
