"""经办: building a period's 发放表 from the entitlement (第4条, 第12条).

Every tenure of the authority gets at most one line: the months owed up to the period's end that no live line
holds yet (this period's months, 补发 of months held earlier, 重发 of months whose line failed at the bank). A line
that cannot be paid is held with the reason of its first held month; its months are recorded but not live, so
a later batch pays them. The database refuses a second live batch of a period and a second live payment of a
month (PayrollBatch.one_live_batch_per_period, PayrollMonth.one_payment_per_month): two officers building at
once end with one batch and a refusal.
"""

from dataclasses import dataclass, field
from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone

import chieftech.subsidy.rules  # noqa: F401  (declares the rules asked here)
from chieftech.audit.domain import audit_record
from chieftech.core.errors import DomainError
from chieftech.core.permissions import require_perm
from chieftech.policy.models import Authority, PolicyVersion
from chieftech.subsidy.domain.entitlement import MonthState, entitlements_compute
from chieftech.subsidy.domain.periods import period_containing
from chieftech.subsidy.domain.recovery import recoveries_detect
from chieftech.subsidy.domain.tax import ZERO, tax_withhold
from chieftech.subsidy.models import (
    PayrollBatch,
    PayrollBatchState,
    PayrollLine,
    PayrollLineState,
    PayrollMonth,
    PayrollMonthKind,
    Recovery,
    RecoveryState,
)
from chieftech.tenure.models import Tenure

DENIED = "只有本机关持有津贴经办权限的人社局经办人可以编制津贴发放表。"
TAKEN = "{period}的津贴发放表已由其他经办人编制，请在发放表列表中查看，不能重复编制。"


def month_zh(month: date) -> str:
    return f"{month.year}年{month.month}月"


def period_zh(start: date, end: date) -> str:
    return month_zh(start) if start == end else f"{month_zh(start)}至{month_zh(end)}"


def payroll_batch_build(*, actor, authority: Authority, period_start: date, now=None) -> PayrollBatch:
    """Build the authority's batch of the period starting on `period_start` (a period of the cadence of
    the policy in force then, e.g. a month's 1st); refused when a live batch of that period exists."""
    require_perm(actor, "subsidy.batch_build", authority, DENIED)
    now = now or timezone.now()
    start, end, cadence = period_containing(authority=authority, day=period_start)
    if start != period_start:
        raise DomainError(
            f"按发放周期，该所属期应从{month_zh(start)}开始。", field="period_start", code="bad_period"
        )
    today = timezone.localdate(now)
    if start > today:
        raise DomainError("不能编制尚未开始的所属期的发放表。", field="period_start", code="future_period")
    taken = TAKEN.format(period=period_zh(start, end))
    if (
        PayrollBatch.objects.filter(authority=authority, period_start=start)
        .exclude(state=PayrollBatchState.CANCELLED)
        .exists()
    ):
        raise DomainError(taken, field="period_start", code="batch_exists")
    try:
        with transaction.atomic():
            batch = PayrollBatch.objects.create(
                authority=authority,
                number=_batch_number(authority, start),
                period_start=start,
                period_end=end,
                cadence=cadence,
                built_by=actor,
                built_at=now,
            )
            counts = _lines_write(batch, now=now)
            audit_record(action="payroll.build", actor=actor, obj=batch, authority=authority, after=counts)
    except IntegrityError as clash:
        # Another officer's batch of the period (or a month it pays) committed first.
        raise DomainError(taken, field="period_start", code="batch_exists") from clash
    return batch


def payroll_batch_rebuild(*, actor, batch: PayrollBatch, now=None) -> PayrollBatch:
    """Compute a draft batch's lines again from scratch (after a status change, a re-review or an account
    was confirmed): the old lines are removed and their offsets released first."""
    require_perm(actor, "subsidy.batch_build", batch.authority, DENIED)
    now = now or timezone.now()
    try:
        with transaction.atomic():
            locked = PayrollBatch.objects.select_for_update(of=("self",)).get(pk=batch.pk)
            if locked.state != PayrollBatchState.DRAFT:
                raise DomainError(
                    f"发放表当前为“{PayrollBatchState(locked.state).label}”，只有经办中的发放表可以重新编制。",
                    code="invalid_transition",
                )
            before = _totals(locked)
            Recovery.objects.filter(offset_line__batch=locked, state=RecoveryState.OPEN).update(
                offset_line=None
            )
            PayrollMonth.objects.filter(line__batch=locked).delete()
            PayrollLine.objects.filter(batch=locked).delete()
            locked.built_by = actor
            locked.built_at = now
            locked.save(update_fields=["built_by", "built_at"])
            counts = _lines_write(locked, now=now)
            audit_record(
                action="payroll.rebuild",
                actor=actor,
                obj=locked,
                authority=locked.authority_id,
                before=before,
                after=counts,
            )
    except IntegrityError as clash:
        raise DomainError("发放表中有月份已由其他发放表发放，请刷新后重试。", code="month_taken") from clash
    return locked


def _batch_number(authority: Authority, start: date) -> str:
    base = f"{authority.certificate_prefix}-JT-{start:%Y%m}"
    taken = set(PayrollBatch.objects.filter(number__startswith=base).values_list("number", flat=True))
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def _totals(batch: PayrollBatch) -> dict:
    return {
        "line_count": batch.line_count,
        "held_count": batch.held_count,
        "gross_total": str(batch.gross_total),
        "offset_total": str(batch.offset_total),
        "tax_total": str(batch.tax_total),
        "net_total": str(batch.net_total),
    }


@dataclass
class _Draft:
    tenure: Tenure
    sort_key: tuple
    months: list = field(default_factory=list)  # [(month, kind)]
    held: tuple[str, str] | None = None  # (code, reason)
    account_id: int | None = None


def _lines_write(batch: PayrollBatch, *, now) -> dict:
    """Compute and insert the batch's lines and months, take the open recoveries as offsets, keep the
    totals. A fixed number of queries whatever the number of tenures."""
    start, end = batch.period_start, batch.period_end
    tenures = list(
        Tenure.objects.filter(authority_id=batch.authority_id, starts_on__lte=_month_last_day(end))
        .select_related("application", "enterprise")
        .only("pk", "starts_on", "enterprise_id", "policy_id", "application__name", "enterprise__name")
    )
    # A few policy versions serve thousands of terms: read once, shared.
    policies = {p.pk: p for p in PolicyVersion.objects.filter(pk__in={t.policy_id for t in tenures})}
    for tenure in tenures:
        tenure.policy = policies[tenure.policy_id]
    recoveries_detect(tenures=tenures, now=now)
    entitlements = entitlements_compute(tenures=tenures, through=end)
    ids = [t.pk for t in tenures]
    live = set(
        PayrollMonth.objects.filter(tenure__authority_id=batch.authority_id, live=True).values_list(
            "tenure_id", "month"
        )
    )
    failed = set(
        PayrollMonth.objects.filter(
            tenure__authority_id=batch.authority_id, line__state=PayrollLineState.FAILED
        ).values_list("tenure_id", "month")
    )
    drafts = []
    for tenure in tenures:
        entitlement = entitlements[tenure.pk]
        draft = _Draft(tenure=tenure, sort_key=(tenure.enterprise.name, tenure.application.name, tenure.pk))
        payable, held = [], []
        for m in entitlement.months:
            if m.state == MonthState.STOPPED or m.due_from > end or (tenure.pk, m.month) in live:
                continue
            if (tenure.pk, m.month) in failed:
                kind = PayrollMonthKind.RETRY
            elif m.month >= start:
                kind = PayrollMonthKind.REGULAR
            else:
                kind = PayrollMonthKind.ARREARS
            if m.state == MonthState.PAYABLE:
                payable.append((m.month, kind))
                draft.account_id = m.bank_account_id
            else:
                held.append((m.month, kind))
                if draft.held is None:
                    draft.held = (m.code, m.reason)
        # What can be paid now is paid; what is held waits in a held line (listed with its reason) only when
        # nothing can be paid, since one line per tenure per batch holds either live months or held ones.
        if payable:
            draft.months, draft.held = payable, None
        elif held:
            draft.months = held
        else:
            continue
        drafts.append(draft)
    drafts.sort(key=lambda d: d.sort_key)
    open_offsets: dict[int, list[Recovery]] = {}
    for recovery in Recovery.objects.filter(
        tenure_id__in=ids, state=RecoveryState.OPEN, offset_line__isnull=True
    ).order_by("month", "pk"):
        open_offsets.setdefault(recovery.tenure_id, []).append(recovery)
    lines, taken_offsets = [], []
    totals = {"line_count": 0, "held_count": 0, "gross": ZERO, "offset": ZERO, "tax": ZERO, "net": ZERO}
    for seq, draft in enumerate(drafts, start=1):
        policy = draft.tenure.policy
        standard = policy.monthly_subsidy
        gross = standard * len(draft.months)
        offset, taken = ZERO, []
        if draft.held is None:
            for recovery in open_offsets.get(draft.tenure.pk, []):
                if offset + recovery.amount <= gross:
                    offset += recovery.amount
                    taken.append(recovery)
        tax = tax_withhold(policy=policy, base=gross - offset) if draft.held is None else ZERO
        line = PayrollLine(
            batch=batch,
            tenure_id=draft.tenure.pk,
            seq=seq,
            enterprise_id=draft.tenure.enterprise_id,
            policy_id=policy.pk,
            standard=standard,
            months_count=len(draft.months),
            gross=gross,
            offset=offset,
            tax=tax,
            net=gross - offset - tax,
            state=PayrollLineState.HELD if draft.held else PayrollLineState.PENDING,
            hold_code=draft.held[0] if draft.held else "",
            hold_reason=draft.held[1][:200] if draft.held else "",
            bank_account_id=draft.account_id,
        )
        lines.append(line)
        taken_offsets.append(taken)
        if draft.held:
            totals["held_count"] += 1
        else:
            totals["line_count"] += 1
            totals["gross"] += gross
            totals["offset"] += offset
            totals["tax"] += tax
            totals["net"] += line.net
    PayrollLine.objects.bulk_create(lines, batch_size=2000)
    if any(line.pk is None for line in lines):
        # A backend that does not return keys from a bulk insert: read them back by the batch's seq.
        keys = dict(PayrollLine.objects.filter(batch=batch).values_list("seq", "pk"))
        for line in lines:
            line.pk = keys[line.seq]
    months = []
    offsets = []
    for line, draft, taken in zip(lines, drafts, taken_offsets, strict=True):
        live_line = line.state == PayrollLineState.PENDING
        months.extend(
            PayrollMonth(
                line_id=line.pk,
                tenure_id=line.tenure_id,
                month=month,
                amount=line.standard,
                kind=kind,
                live=live_line,
            )
            for month, kind in draft.months
        )
        for recovery in taken:
            recovery.offset_line_id = line.pk
            offsets.append(recovery)
    PayrollMonth.objects.bulk_create(months, batch_size=5000)
    if offsets:
        Recovery.objects.bulk_update(offsets, ["offset_line"])
    batch.line_count = totals["line_count"]
    batch.held_count = totals["held_count"]
    batch.gross_total = totals["gross"]
    batch.offset_total = totals["offset"]
    batch.tax_total = totals["tax"]
    batch.net_total = totals["net"]
    batch.save(
        update_fields=["line_count", "held_count", "gross_total", "offset_total", "tax_total", "net_total"]
    )
    return {"number": batch.number, "period": period_zh(start, end), **_totals(batch), "months": len(months)}


def _month_last_day(month: date) -> date:
    following = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return date.fromordinal(following.toordinal() - 1)
