"""追回 (第12条, 第17条): months already paid that a later-confirmed change made not payable.

A Recovery is found (`recoveries_detect`) when a status change or revocation is confirmed
(tenure.domain.transitions calls it in the same transaction) and again before each batch is built; it is
then offset against the holder's next payment (the builder sets `offset_line`; the bank's result settles it,
`recoveries_settle_for_lines`) or recorded as refunded by the officer (`recovery_refund`).
"""

from collections.abc import Iterable
from datetime import date

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

import chieftech.subsidy.rules  # noqa: F401  (declares the rules asked here)
from chieftech.audit.domain import audit_record
from chieftech.core.errors import DomainError
from chieftech.core.permissions import require_perm
from chieftech.subsidy.domain.entitlement import MonthState, entitlements_compute
from chieftech.subsidy.models import PayrollLine, PayrollLineState, PayrollMonth, Recovery, RecoveryState
from chieftech.tenure.models import AnnualReview, Tenure, TenureStatusEvent


def recoveries_detect(
    *, tenures: Iterable[Tenure], now=None, authority_id: int | None = None
) -> list[Recovery]:
    """Create one Recovery for each month in a PAID line that the entitlement now says is stopped and that
    has none yet (or only one an annulment cancelled, which is opened again). Returns the new ones. A fixed
    number of queries whatever the number of tenures; pass `authority_id` when the tenures are all of one
    authority's (read by it, not by ten thousand ids)."""
    now = now or timezone.now()
    given = {t.pk for t in tenures}
    if not given:
        return []
    scope = {"tenure__authority_id": authority_id} if authority_id is not None else {"tenure_id__in": given}
    # Only a confirmed status or a failed re-review stops a month: the other terms need no computing.
    ids = given & (
        set(
            TenureStatusEvent.objects.filter(**scope, annulled_at__isnull=True).values_list(
                "tenure_id", flat=True
            )
        )
        | set(
            AnnualReview.objects.filter(**scope, state=AnnualReview.State.FAILED).values_list(
                "tenure_id", flat=True
            )
        )
    )
    if not ids:
        return []
    # A month whose recovery an annulment cancelled is looked at again: a later stop recovers it once more.
    paid = list(
        PayrollMonth.objects.filter(
            Q(recovery__isnull=True) | Q(recovery__state=RecoveryState.CANCELLED),
            tenure_id__in=ids,
            line__state=PayrollLineState.PAID,
        ).values_list("pk", "tenure_id", "month", "amount", "recovery__pk")
    )
    if not paid:
        return []
    # Only the tenures with a paid month are computed, each with its policy (the caller's copies may not have it).
    paid_tenures = (
        Tenure.objects.select_related("policy")
        .only("pk", "starts_on", "policy")
        .filter(pk__in={row[1] for row in paid})
    )
    entitlements = entitlements_compute(tenures=paid_tenures)
    stopped = {
        (tenure_id, m.month): m.reason
        for tenure_id, entitlement in entitlements.items()
        for m in entitlement.months
        if m.state == MonthState.STOPPED
    }
    found = [
        Recovery(
            pk=recovery_pk,
            tenure_id=tenure_id,
            paid_month_id=pk,
            month=month,
            amount=amount,
            reason=stopped[(tenure_id, month)],
            state=RecoveryState.OPEN,
            created_at=now,
            settled_at=None,
        )
        for pk, tenure_id, month, amount, recovery_pk in paid
        if (tenure_id, month) in stopped
    ]
    reopened = [r for r in found if r.pk is not None]
    if reopened:
        Recovery.objects.bulk_update(reopened, ["reason", "state", "created_at", "settled_at"])
    return [*Recovery.objects.bulk_create([r for r in found if r.pk is None]), *reopened]


def recovery_refund(*, actor, recovery: Recovery, refunded_on: date, reference: str, now=None) -> Recovery:
    """Record that the holder paid `recovery` back (退回), with the receipt's reference."""
    require_perm(actor, "subsidy.recovery_refund", recovery, "只有本机关的津贴经办人可以登记追回款退回。")
    now = now or timezone.now()
    reference = (reference or "").strip()
    if not reference:
        raise DomainError("请填写退回凭证号（如缴款书号码）。", field="reference", code="required")
    if refunded_on is None:
        raise DomainError("请填写退回日期。", field="refunded_on", code="required")
    if refunded_on > timezone.localdate(now):
        raise DomainError("退回日期不能晚于今天。", field="refunded_on", code="bad_date")
    with transaction.atomic():
        locked = (
            Recovery.objects.select_for_update(of=("self",)).select_related("offset_line").get(pk=recovery.pk)
        )
        if locked.state != RecoveryState.OPEN:
            raise DomainError(
                f"该追回款当前为“{RecoveryState(locked.state).label}”，不能登记退回。", code="not_open"
            )
        if locked.offset_line is not None and locked.offset_line.state != PayrollLineState.FAILED:
            raise DomainError(
                f"该追回款已列入发放表{locked.offset_line.batch}抵扣，待该笔发放失败后方可登记退回。",
                code="offset_pending",
            )
        before = {"state": locked.state, "offset_line": locked.offset_line_id}
        locked.state = RecoveryState.REFUNDED
        locked.refunded_on = refunded_on
        locked.refund_reference = reference
        locked.recorded_by = actor
        locked.settled_at = now
        locked.offset_line = None
        locked.save(
            update_fields=[
                "state",
                "refunded_on",
                "refund_reference",
                "recorded_by",
                "settled_at",
                "offset_line",
            ]
        )
        audit_record(
            action="recovery.refund",
            actor=actor,
            obj=locked,
            authority=locked.tenure.authority_id,
            before=before,
            after={
                "state": locked.state,
                "month": locked.month.isoformat(),
                "amount": str(locked.amount),
                "refunded_on": refunded_on.isoformat(),
                "refund_reference": reference,
            },
        )
    return locked


def recoveries_settle_for_lines(*, lines: Iterable[PayrollLine], paid: bool, now) -> int:
    """The bank's result for lines that carried offsets: paid → the recoveries are OFFSET (settled now);
    failed → they are OPEN again, for the next batch or a refund. Returns how many changed. Called by the
    bank's return import, inside its transaction."""
    line_ids = [line.pk for line in lines]
    if not line_ids:
        return 0
    rows = Recovery.objects.filter(Q(offset_line_id__in=line_ids), state=RecoveryState.OPEN)
    if paid:
        return rows.update(state=RecoveryState.OFFSET, settled_at=now)
    return rows.update(offset_line=None)


def recoveries_reconcile(
    *, tenures: Iterable[Tenure], now=None, authority_id: int | None = None
) -> tuple[int, int]:
    """Undo the recoveries of months the entitlement pays again: only an annulled stop (a revocation undone
    after reconsideration, 第十七条) makes a stopped month payable again. A recovery nothing was taken back for
    yet (open, not carried by a line) is cancelled: the payment stands. One already taken back (offset against
    a later payment, or refunded) releases the month it recovered (`live` off), so the next batch pays the month
    again as 补发. One carried by a line waits for the bank's result and is settled at a later batch. Returns
    (cancelled, months owed again). A fixed number of queries whatever the number of tenures."""
    now = now or timezone.now()
    given = {t.pk for t in tenures}
    if not given:
        return 0, 0
    scope = {"tenure__authority_id": authority_id} if authority_id is not None else {"tenure_id__in": given}
    ids = given & set(
        TenureStatusEvent.objects.filter(**scope, annulled_at__isnull=False).values_list(
            "tenure_id", flat=True
        )
    )
    if not ids:
        return 0, 0
    candidates = list(
        Recovery.objects.filter(tenure_id__in=ids)
        .filter(
            Q(state=RecoveryState.OPEN, offset_line__isnull=True)
            | Q(state__in=(RecoveryState.OFFSET, RecoveryState.REFUNDED), paid_month__live=True)
        )
        .values_list("pk", "tenure_id", "month", "state", "paid_month_id")
    )
    if not candidates:
        return 0, 0
    entitlements = entitlements_compute(
        tenures=Tenure.objects.select_related("policy")
        .only("pk", "starts_on", "policy")
        .filter(pk__in={row[1] for row in candidates})
    )
    stopped = {
        (tenure_id, m.month)
        for tenure_id, entitlement in entitlements.items()
        for m in entitlement.months
        if m.state == MonthState.STOPPED
    }
    cancel, release = [], []
    for pk, tenure_id, month, state, paid_month_id in candidates:
        if (tenure_id, month) in stopped:
            continue
        if state == RecoveryState.OPEN:
            cancel.append(pk)
        else:
            release.append(paid_month_id)
    if cancel:
        Recovery.objects.filter(pk__in=cancel).update(state=RecoveryState.CANCELLED, settled_at=now)
    if release:
        PayrollMonth.objects.filter(pk__in=release).update(live=False)
    return len(cancel), len(release)
