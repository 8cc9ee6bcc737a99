"""Two system admins for the roles that watch the others (roles.DUAL_CONTROL_ROLES): one proposes, another
approves; until then nothing changes. The proposer never approves their own proposal, nor does the account
concerned. The audit admin cannot be removed or deactivated when it is the last one.
"""

from collections.abc import Iterable
from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from chieftech.accounts.domain.checks import DENIED, require_capability
from chieftech.accounts.models import RoleProposal, User
from chieftech.accounts.roles import Role, role_grants, roles_held_in, roles_need_second_person
from chieftech.audit.domain import audit_record, snapshot
from chieftech.core.errors import DomainError
from chieftech.core.notify import notify

MANAGE_STAFF = "accounts.manage_staff_user"
PROPOSAL_AUDIT_FIELDS = [
    "user",
    "authority",
    "roles_before",
    "roles_after",
    "reason",
    "state",
    "proposed_by",
    "decided_by",
]


def _labels(roles: Iterable[str]) -> str:
    names = set(roles)
    return "、".join(role.label for role in Role if role.value in names) or "无"


def last_active_auditor(user: User, authority_id: int) -> bool:
    """Whether `user` is the only active account holding the audit admin role for the authority (each
    authority's audit chain has its own audit admins).

    Inside a transaction the active auditors' rows are locked, so two admins deactivating the last two
    auditors at once cannot both pass.
    """
    auditors = User.objects.filter(
        groups__name=Role.AUDITOR,
        role_grants__role=Role.AUDITOR,
        role_grants__authority_id=authority_id,
        is_active=True,
    )
    if transaction.get_connection().in_atomic_block:
        auditors = auditors.select_for_update(of=("self",))
    pks = set(auditors.values_list("pk", flat=True))
    return pks == {user.pk}


def refuse_losing_the_last_auditor(user: User, roles_after: set[str] | None = None, authority=None) -> None:
    """Refuse a change that would leave an authority with no active audit admin: the roles of `user` for
    `authority` becoming `roles_after`, or (`roles_after` None) the account being deactivated, which ends its
    audit role for every authority."""
    if roles_after is not None and Role.AUDITOR in roles_after:
        return
    if roles_after is None:
        held = {authority_id for role, authority_id in role_grants(user) if role == Role.AUDITOR}
    else:
        held = {getattr(authority, "pk", authority)} & {
            authority_id for role, authority_id in role_grants(user) if role == Role.AUDITOR
        }
    if any(last_active_auditor(user, authority_id) for authority_id in sorted(held)):
        raise DomainError(
            "该账号是唯一在用的审计管理员，不能停用或取消其审计管理员角色。请先设立另一位审计管理员。",
            code="last_auditor",
        )


def _other_admins(actor: User):
    return User.objects.filter(groups__name=Role.SYSADMIN, is_active=True).exclude(pk=actor.pk)


def role_proposal_create(
    *,
    actor: User,
    user: User,
    roles: Iterable[str],
    authority=None,
    reason: str = "",
    now: datetime | None = None,
) -> RoleProposal:
    """A system admin proposes giving `user` exactly `roles` for `authority` (installation-wide roles
    included; default: the actor's acting authority), a change that needs a second system admin."""
    from chieftech.accounts.domain.users import _elsewhere, check_roles
    from chieftech.accounts.roles import acting_authority

    now = now or timezone.now()
    roles = set(roles)
    require_capability(actor, MANAGE_STAFF)
    if actor is None:
        raise PermissionDenied(DENIED)
    if actor.pk == user.pk:
        raise PermissionDenied("不能修改自己的角色，请由另一位系统管理员操作。")
    if authority is None:
        authority = acting_authority(actor)
    before = roles_held_in(user, authority)
    if not roles_need_second_person(before, roles):
        raise DomainError("该角色变更不需要复核，请直接保存角色。", code="not_dual_control")
    check_roles(actor=actor, roles=roles, enterprise=user.enterprise, elsewhere=_elsewhere(user, authority))
    refuse_losing_the_last_auditor(user, roles, authority)
    with transaction.atomic():
        if RoleProposal.objects.filter(user=user, state=RoleProposal.State.PROPOSED).exists():
            raise DomainError("该账号已有一项待复核的角色变更申请，请等待复核或撤回后再提交。", code="open")
        proposal = RoleProposal.objects.create(
            user=user,
            authority=authority,
            roles_before=sorted(before),
            roles_after=sorted(roles),
            reason=(reason or "").strip(),
            proposed_by=actor,
            proposed_at=now,
        )
        audit_record(
            action="role_proposal.create",
            actor=actor,
            obj=proposal,
            reason=proposal.reason,
            after=snapshot(proposal, PROPOSAL_AUDIT_FIELDS),
        )
        notify(
            users=_other_admins(actor),
            subject=f"待复核：账号“{user.username}”的角色变更",
            body=f"{actor}申请将账号“{user.username}”的角色由“{_labels(before)}”改为“{_labels(roles)}”，"
            "须由另一位系统管理员复核后生效。",
            url=reverse("accounts:user_detail", args=[user.pk]),
        )
    return proposal


def _locked_open(proposal: RoleProposal) -> RoleProposal:
    locked = (
        RoleProposal.objects.select_for_update(of=("self",))
        .select_related("user", "authority")
        .get(pk=proposal.pk)
    )
    if locked.state != RoleProposal.State.PROPOSED:
        raise DomainError(f"该申请已{locked.get_state_display()}，不能再复核。", code="decided")
    return locked


def role_proposal_approve(
    *, actor: User, proposal: RoleProposal, now: datetime | None = None
) -> RoleProposal:
    """A second system admin approves: the account gets the proposed roles now, audited as a role change."""
    from chieftech.accounts.domain.users import _elsewhere, apply_roles, check_roles

    now = now or timezone.now()
    require_capability(actor, MANAGE_STAFF)
    if actor is None:
        raise PermissionDenied(DENIED)
    with transaction.atomic():
        locked = _locked_open(proposal)
        if locked.proposed_by_id == actor.pk:
            raise DomainError(
                "提出申请的系统管理员不能复核自己的申请，请由另一位系统管理员复核（职责分离）。",
                code="same_person",
            )
        user = User.objects.select_for_update().get(pk=locked.user_id)
        if user.pk == actor.pk:
            raise DomainError("不能复核自己账号的角色变更，请由另一位系统管理员复核。", code="own_account")
        if not user.is_active:
            raise DomainError("该账号已停用，不能变更角色。请撤回该申请。", code="inactive")
        authority = locked.authority
        if sorted(roles_held_in(user, authority)) != sorted(locked.roles_before):
            raise DomainError("申请提出后该账号的角色已有变化，请撤回该申请后重新提交。", code="stale")
        roles = set(locked.roles_after)
        check_roles(
            actor=actor, roles=roles, enterprise=user.enterprise, elsewhere=_elsewhere(user, authority)
        )
        refuse_losing_the_last_auditor(user, roles, authority)
        before = snapshot(locked, PROPOSAL_AUDIT_FIELDS)
        locked.state = RoleProposal.State.APPROVED
        locked.decided_by = actor
        locked.decided_at = now
        locked.save(update_fields=["state", "decided_by", "decided_at"])
        audit_record(
            action="role_proposal.approve",
            actor=actor,
            obj=locked,
            before=before,
            after=snapshot(locked, PROPOSAL_AUDIT_FIELDS),
        )
        apply_roles(actor=actor, user=user, roles=roles, authority=authority)
        notify(
            users=[locked.proposed_by],
            subject=f"已批准：账号“{user.username}”的角色变更",
            body=f"{actor}已复核批准，账号“{user.username}”的角色现为“{_labels(roles)}”。",
            url=reverse("accounts:user_detail", args=[user.pk]),
        )
    return locked


def role_proposal_refuse(
    *, actor: User, proposal: RoleProposal, reason: str = "", now: datetime | None = None
) -> RoleProposal:
    """Another system admin refuses, or the proposer withdraws; the account's roles stay as they are."""
    now = now or timezone.now()
    require_capability(actor, MANAGE_STAFF)
    if actor is None:
        raise PermissionDenied(DENIED)
    reason = (reason or "").strip()
    with transaction.atomic():
        locked = _locked_open(proposal)
        withdrawn = locked.proposed_by_id == actor.pk
        if not withdrawn and not reason:
            raise DomainError("请填写不予批准的理由。", field="reason", code="reason_required")
        before = snapshot(locked, PROPOSAL_AUDIT_FIELDS)
        locked.state = RoleProposal.State.REFUSED
        locked.decided_by = actor
        locked.decided_at = now
        locked.decision_reason = reason or "申请人撤回"
        locked.save(update_fields=["state", "decided_by", "decided_at", "decision_reason"])
        audit_record(
            action="role_proposal.withdraw" if withdrawn else "role_proposal.refuse",
            actor=actor,
            obj=locked,
            reason=locked.decision_reason,
            before=before,
            after=snapshot(locked, PROPOSAL_AUDIT_FIELDS),
        )
        if not withdrawn:
            notify(
                users=[locked.proposed_by],
                subject=f"未批准：账号“{locked.user.username}”的角色变更",
                body=f"{actor}未批准该角色变更。理由：{reason}",
                url=reverse("accounts:user_detail", args=[locked.user_id]),
            )
    return locked
