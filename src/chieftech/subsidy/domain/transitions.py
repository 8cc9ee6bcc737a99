"""The payroll batch's states (经办 → 复核 → 审批 → 报盘 → 回盘) and the one function that moves them.

Each step's own rules (who may, what must hold) live in the function of that step (chieftech.subsidy.domain.
workflow, .bank); every one of them ends here: row locked, state re-checked against the table, changed fields
saved, one audit record in the authority's chain.
"""

from collections.abc import Callable, Mapping
from typing import Any

from django.utils import timezone

from chieftech.audit.transitions import transition
from chieftech.subsidy.models import PayrollBatch, PayrollBatchState, PayrollBatchStep

S = PayrollBatchState

PAYROLL_BATCH_TRANSITIONS: dict[str, frozenset[str]] = {
    S.DRAFT: frozenset({S.SUBMITTED, S.CANCELLED}),
    S.SUBMITTED: frozenset({S.CHECKED, S.DRAFT, S.CANCELLED}),
    S.CHECKED: frozenset({S.APPROVED, S.DRAFT, S.CANCELLED}),
    S.APPROVED: frozenset({S.EXPORTED, S.CANCELLED}),
    S.EXPORTED: frozenset({S.COMPLETED}),
    S.COMPLETED: frozenset(),
    S.CANCELLED: frozenset(),
}
PAYROLL_BATCH_ACTIONS: dict[str, str] = {
    S.SUBMITTED: "payroll.submit",
    S.CHECKED: "payroll.check",
    S.APPROVED: "payroll.approve",
    S.EXPORTED: "payroll.export",
    S.COMPLETED: "payroll.import_result",
    S.CANCELLED: "payroll.cancel",
    S.DRAFT: "payroll.return",
}
AUDIT_FIELDS = ["number", "line_count", "held_count", "gross_total", "offset_total", "tax_total", "net_total"]


def payroll_batch_transition(
    *,
    actor,
    batch: PayrollBatch,
    to: str,
    reason: str = "",
    check: Callable[[PayrollBatch], None] | None = None,
    changes: Mapping[str, Any] | Callable[[PayrollBatch], Mapping[str, Any]] | None = None,
    after: Mapping[str, Any] | Callable[[PayrollBatch], Mapping[str, Any]] | None = None,
    now=None,
) -> PayrollBatch:
    """Move `batch` to `to`; the caller has checked the actor's permission and passes its other rules as
    `check(locked)` (raise DomainError to refuse). Call inside the caller's transaction when lines change too."""
    moved = transition(
        batch,
        to=to,
        table=PAYROLL_BATCH_TRANSITIONS,
        what="津贴发放表",
        actor=actor,
        action=PAYROLL_BATCH_ACTIONS.get(to, "payroll.transition"),
        reason=reason,
        check=check,
        changes=changes,
        audit_fields=AUDIT_FIELDS,
        after=after,
    )
    payroll_batch_step(
        batch=moved,
        action=PAYROLL_BATCH_ACTIONS.get(to, "payroll.transition"),
        actor=actor,
        reason=reason,
        now=now,
    )
    return moved


def payroll_batch_step(*, batch: PayrollBatch, action: str, actor, reason: str = "", now=None) -> None:
    """The batch's own history row of a step (the build's and every transition's)."""
    PayrollBatchStep.objects.create(
        batch=batch, action=action, actor=actor, at=now or timezone.now(), reason=reason
    )
