"""The batch between its build and the bank: submitted by its builder (经办), checked by a second officer (复核),
approved by the role its authority names (审批); returned to the builder with a reason, or cancelled before export.

Who may take each step is a rule of chieftech.subsidy.rules, asked first and asked again on the locked row (the
checker of a concurrent request is the one the database holds); every step ends in payroll_batch_transition.
"""

from collections.abc import Iterable
from datetime import datetime

import rules
from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

import chieftech.subsidy.rules  # noqa: F401  (declares the rules asked here)
from chieftech.accounts.roles import Role, authority_ids_for_roles, users_holding
from chieftech.core.errors import DomainError
from chieftech.core.notify import Message, notify_many
from chieftech.core.permissions import require_perm
from chieftech.policy.models import PayrollApproverRole
from chieftech.subsidy.domain.transitions import payroll_batch_transition
from chieftech.subsidy.models import (
    PayrollBatch,
    PayrollBatchState,
    PayrollLine,
    PayrollLineState,
    PayrollMonth,
)

S = PayrollBatchState


# --- Who sees which batches ------------------------------------------------------------------------------


def payroll_batches_visible_to(user) -> QuerySet[PayrollBatch]:
    """The batches of the authorities where the user is an officer, or holds the role the authority names to
    approve them; another authority's batch is not among them (a 404 on its pages)."""
    scope = Q(authority_id__in=authority_ids_for_roles(user, Role.OFFICER))
    for role in PayrollApproverRole.values:
        ids = authority_ids_for_roles(user, role)
        if ids:
            scope |= Q(authority_id__in=ids, authority__payroll_approver_role=role)
    return PayrollBatch.objects.filter(scope)


def payroll_batches_awaiting(user) -> QuerySet[PayrollBatch]:
    """What awaits the user's step: submitted batches someone else built (to check, as an officer) and checked
    batches they neither built nor checked (to approve, as the named role)."""
    officer_ids = authority_ids_for_roles(user, Role.OFFICER)
    approve = Q(pk__in=[])
    for role in PayrollApproverRole.values:
        ids = authority_ids_for_roles(user, role)
        if ids:
            approve |= Q(authority_id__in=ids, authority__payroll_approver_role=role)
    return PayrollBatch.objects.filter(
        (Q(state=S.SUBMITTED, authority_id__in=officer_ids) & ~Q(built_by_id=user.pk))
        | (Q(state=S.CHECKED) & approve & ~Q(built_by_id=user.pk) & ~Q(checked_by_id=user.pk))
    )


# --- The steps -------------------------------------------------------------------------------------------


def _recheck(step: str, actor):
    """The rule asked again on the locked row: a concurrent step may have changed who built or checked it."""

    def check(locked: PayrollBatch) -> None:
        if not rules.has_perm(f"subsidy.batch_{step}", actor, locked):
            raise DomainError(payroll_batch_refusal(step, actor, locked), code="separation_of_duties")

    return check


# The states each step starts from (the rules of chieftech.subsidy.rules say the same) and its name in a refusal.
STEP_FROM: dict[str, tuple[str, ...]] = {
    "submit": (S.DRAFT,),
    "check": (S.SUBMITTED,),
    "approve": (S.CHECKED,),
    "return": (S.SUBMITTED, S.CHECKED),
    "cancel": (S.DRAFT, S.SUBMITTED, S.CHECKED, S.APPROVED),
}
STEP_LABEL = {"submit": "提交复核", "check": "复核", "approve": "审批", "return": "退回", "cancel": "作废"}


def payroll_batch_refusal(step: str, actor, batch: PayrollBatch) -> str:
    """Why `actor` may not take `step` on `batch`, in words: the state, or who they are."""
    if batch.state not in STEP_FROM[step]:
        return f"津贴发放表当前为“{batch.get_state_display()}”，不能{STEP_LABEL[step]}。"
    actor_pk = getattr(actor, "pk", None)  # None: no one signed in, refused all the same
    builder = actor_pk is not None and batch.built_by_id == actor_pk
    checker = actor_pk is not None and batch.checked_by_id == actor_pk
    if step == "submit":
        return "只有本发放表的经办人可以提交复核。"
    if step == "check":
        return "复核人不能是本发放表的经办人。" if builder else "只有本机关的区人社局经办人可以复核。"
    if step == "approve":
        if builder:
            return "审批人不能是本发放表的经办人。"
        if checker:
            return "审批人不能是本发放表的复核人。"
        role = PayrollApproverRole(batch.authority.payroll_approver_role).label
        return f"只有本机关的“{role}”可以审批津贴发放表。"
    if step == "return":
        if builder:
            return "经办人不能退回本人编制的发放表。"
        if checker:
            return "复核人不能退回本人复核的发放表。"
        return "只有复核人（待复核时）或审批人（待审批时）可以退回津贴发放表。"
    return "只有本机关的区人社局经办人可以作废尚未报送银行的津贴发放表。"


def payroll_batch_submit(*, actor, batch: PayrollBatch, now: datetime | None = None) -> PayrollBatch:
    """The builder sends the batch for 复核; a batch without a payable line has nothing to check."""
    require_perm(actor, "subsidy.batch_submit", batch, payroll_batch_refusal("submit", actor, batch))
    now = now or timezone.now()
    recheck = _recheck("submit", actor)

    def check(locked: PayrollBatch) -> None:
        recheck(locked)
        if not PayrollLine.objects.filter(batch=locked, state=PayrollLineState.PENDING).exists():
            raise DomainError("本发放表没有可发放的明细，不能提交复核。", code="no_payable_line")

    with transaction.atomic():
        submitted = payroll_batch_transition(
            now=now, actor=actor, batch=batch, to=S.SUBMITTED, check=check, changes={"submitted_at": now}
        )
        _notify(
            users_holding(Role.OFFICER, submitted.authority_id).exclude(pk=submitted.built_by_id),
            submitted,
            subject=f"津贴发放表待复核：{submitted.number}",
            body=f"经办人：{actor.real_name}。请由经办人以外的经办人员复核。",
        )
    return submitted


def payroll_batch_check(*, actor, batch: PayrollBatch, now: datetime | None = None) -> PayrollBatch:
    """A second officer of the authority checks the batch (复核); it then awaits 审批."""
    require_perm(actor, "subsidy.batch_check", batch, payroll_batch_refusal("check", actor, batch))
    now = now or timezone.now()
    with transaction.atomic():
        checked = payroll_batch_transition(
            now=now,
            actor=actor,
            batch=batch,
            to=S.CHECKED,
            check=_recheck("check", actor),
            changes={"checked_by": actor, "checked_at": now},
        )
        _notify(
            _approvers(checked),
            checked,
            subject=f"津贴发放表待审批：{checked.number}",
            body=f"经办人：{checked.built_by.real_name}；复核人：{actor.real_name}。",
        )
    return checked


def payroll_batch_approve(*, actor, batch: PayrollBatch, now: datetime | None = None) -> PayrollBatch:
    """The role the authority names approves the checked batch (审批); it may then go to the bank."""
    require_perm(actor, "subsidy.batch_approve", batch, payroll_batch_refusal("approve", actor, batch))
    now = now or timezone.now()
    with transaction.atomic():
        approved = payroll_batch_transition(
            now=now,
            actor=actor,
            batch=batch,
            to=S.APPROVED,
            check=_recheck("approve", actor),
            changes={"approved_by": actor, "approved_at": now},
        )
        _notify(
            users_holding(Role.OFFICER, approved.authority_id),
            approved,
            subject=f"津贴发放表已审批：{approved.number}",
            body=f"审批人：{actor.real_name}。可生成银行代发文件。",
        )
    return approved


def payroll_batch_return(
    *, actor, batch: PayrollBatch, reason: str, now: datetime | None = None
) -> PayrollBatch:
    """Back to the builder (经办中) from 待复核 or 待审批, with the reason; the check starts again."""
    require_perm(actor, "subsidy.batch_return", batch, payroll_batch_refusal("return", actor, batch))
    reason = reason.strip()
    if not reason:
        raise DomainError("请填写退回理由，告诉经办人需要修改什么。", field="reason", code="reason_required")
    with transaction.atomic():
        returned = payroll_batch_transition(
            now=now,
            actor=actor,
            batch=batch,
            to=S.DRAFT,
            reason=reason,
            check=_recheck("return", actor),
            changes={
                "return_reason": reason,
                "submitted_at": None,
                "checked_by": None,
                "checked_at": None,
            },
        )
        _notify(
            [returned.built_by],
            returned,
            subject=f"津贴发放表已退回：{returned.number}",
            body=f"退回人：{actor.real_name}。退回理由：{reason}",
        )
    return returned


def payroll_batch_cancel(
    *, actor, batch: PayrollBatch, reason: str, now: datetime | None = None
) -> PayrollBatch:
    """作废 before the bank has the file: every line is cancelled and its months released, so another batch may
    pay them; all or nothing."""
    require_perm(actor, "subsidy.batch_cancel", batch, payroll_batch_refusal("cancel", actor, batch))
    reason = reason.strip()
    if not reason:
        raise DomainError("请填写作废理由。", field="reason", code="reason_required")
    with transaction.atomic():
        cancelled = payroll_batch_transition(
            now=now,
            actor=actor,
            batch=batch,
            to=S.CANCELLED,
            reason=reason,
            check=_recheck("cancel", actor),
            changes={"cancel_reason": reason},
            after=lambda locked: {
                "lines_cancelled": PayrollLine.objects.filter(batch=locked)
                .exclude(state=PayrollLineState.CANCELLED)
                .count()
            },
        )
        PayrollLine.objects.filter(batch=cancelled).update(state=PayrollLineState.CANCELLED)
        PayrollMonth.objects.filter(line__batch=cancelled).update(live=False)
    return cancelled


# --- Notifications ---------------------------------------------------------------------------------------


def _approvers(batch: PayrollBatch):
    authority = batch.authority
    return users_holding(authority.payroll_approver_role, authority).exclude(
        pk__in=[batch.built_by_id, batch.checked_by_id]
    )


def _notify(users: Iterable, batch: PayrollBatch, *, subject: str, body: str) -> None:
    url = reverse("subsidy:batch_detail", args=[batch.pk])
    notify_many([Message(users=list(users), subject=subject, body=body, url=url)])
