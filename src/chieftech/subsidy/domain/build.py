"""经办: building a period's 发放表 from the entitlement (第4条, 第12条).

Every tenure of the authority gets at most one line: the months owed up to the period's end that no live line
holds yet (this period's months, 补发 of months held earlier, 重发 of months whose line failed at the bank). A line
that cannot be paid is held with the reason of its first held month; its months are recorded but not live, so
a later batch pays them. The database refuses a second live batch of a period and a second live payment of a
month (PayrollBatch.one_live_batch_per_period, PayrollMonth.one_payment_per_month): two officers building at
once end with one batch and a refusal.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from enum import Enum

from django.db import IntegrityError, connections, router, transaction
from django.db.models import Count, Max, Min
from django.utils import timezone

import chieftech.subsidy.rules  # noqa: F401  (declares the rules asked here)
from chieftech.audit.domain import audit_record
from chieftech.core.dates import month_next, month_zh, period_zh
from chieftech.core.errors import DomainError
from chieftech.core.permissions import require_perm
from chieftech.policy.models import Authority, PolicyVersion
from chieftech.subsidy.domain.entitlement import (
    MonthState,
    entitlements_compute,
    first_paid_month,
    month_from_index,
    month_index,
)
from chieftech.subsidy.domain.periods import period_containing
from chieftech.subsidy.domain.recovery import recoveries_detect, recoveries_reconcile
from chieftech.subsidy.domain.tax import ZERO, tax_withhold
from chieftech.subsidy.domain.transitions import payroll_batch_step
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


def payroll_batch_build(*, actor, authority: Authority, period_start: date, now=None) -> PayrollBatch:
    """Build the authority's batch of the period starting on `period_start` (a period of the cadence of
    the policy in force then, e.g. a month's 1st); refused when a live batch of that period exists."""
    require_perm(actor, "subsidy.batch_build", authority, DENIED)
    now = now or timezone.now()
    if period_start > timezone.localdate(now):
        raise DomainError("不能编制尚未开始的所属期的发放表。", field="period_start", code="future_period")
    try:
        start, end, cadence = period_containing(authority=authority, day=period_start)
    except DomainError as exc:
        raise DomainError(exc.message, field="period_start", code=exc.code) from None
    if start != period_start:
        raise DomainError(
            f"按发放周期，该所属期应从{month_zh(start)}开始。", field="period_start", code="bad_period"
        )
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
            payroll_batch_step(batch=batch, action="payroll.build", actor=actor, now=now)
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
            payroll_batch_step(batch=locked, action="payroll.rebuild", actor=actor, now=now)
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


class _Term:
    """What building reads of a term: enough for the entitlement and the line, without a model instance
    (ten thousand of them cost more to make than the whole computation)."""

    __slots__ = ("enterprise_id", "pk", "policy", "policy_id", "sort_key", "starts_on")

    def __init__(self, pk, starts_on, policy_id, enterprise_id, enterprise_name, name):
        self.pk, self.starts_on, self.policy_id, self.enterprise_id = pk, starts_on, policy_id, enterprise_id
        self.sort_key = (enterprise_name, name, pk)
        self.policy = None


@dataclass
class _Draft:
    term: _Term
    months: list = field(default_factory=list)  # [(month, kind)]
    held: tuple[str, str] | None = None  # (code, reason)
    account_id: int | None = None


def _terms(batch: PayrollBatch) -> list[_Term]:
    terms = [
        _Term(*row)
        for row in Tenure.objects.filter(
            authority_id=batch.authority_id, starts_on__lte=_month_last_day(batch.period_end)
        ).values_list(
            "pk", "starts_on", "policy_id", "enterprise_id", "enterprise__name", "application__name"
        )
    ]
    # A few policy versions serve thousands of terms: read once, shared.
    policies = {p.pk: p for p in PolicyVersion.objects.filter(pk__in={t.policy_id for t in terms})}
    for term in terms:
        term.policy = policies[term.policy_id]
    return terms


def _live_months(batch: PayrollBatch, terms: list[_Term]) -> tuple[dict[int, date], dict[int, set[date]]]:
    """The months live lines hold, per term: most terms hold an unbroken run from their first month, known
    from one grouped row each ({term: last month held}); the others' months are read one by one."""
    runs, irregular = {}, []
    # Read by `live` alone, not joined to the authority's terms: the join made SQLite look every month up by
    # its tenure's index (230,000 row reads), while this scans the partial index of live months, which holds
    # both columns; another authority's terms are skipped below, as terms without a first month would be.
    rows = (
        PayrollMonth.objects.filter(live=True)
        .order_by()
        .values("tenure_id")
        .annotate(n=Count("*"), first=Min("month"), last=Max("month"))
        .values_list("tenure_id", "n", "first", "last")
    )
    firsts = {t.pk: t for t in terms}
    for tenure_id, n, first, last in rows:
        term = firsts.get(tenure_id)
        if term is None:
            continue
        unbroken = month_index(last) - month_index(first) + 1 == n
        if unbroken and first == first_paid_month(starts_on=term.starts_on, policy=term.policy):
            runs[tenure_id] = last
        else:
            irregular.append(tenure_id)
    held: dict[int, set[date]] = defaultdict(set)
    if irregular:
        for tenure_id, month in (
            PayrollMonth.objects.filter(tenure_id__in=irregular, live=True)
            .order_by()
            .values_list("tenure_id", "month")
        ):
            held[tenure_id].add(month)
    return runs, held


def _lines_write(batch: PayrollBatch, *, now) -> dict:
    """Compute and insert the batch's lines and months, take the open recoveries as offsets, keep the
    totals. A fixed number of queries whatever the number of tenures."""
    start, end = batch.period_start, batch.period_end
    terms = _terms(batch)
    recoveries_detect(tenures=terms, now=now, authority_id=batch.authority_id)
    # A recovery whose stop was annulled since: its month is paid again (补发) or the recovery cancelled.
    recoveries_reconcile(tenures=terms, now=now, authority_id=batch.authority_id)
    entitlements = entitlements_compute(tenures=terms, through=end, authority_id=batch.authority_id)
    runs, live = _live_months(batch, terms)
    failed = set(
        PayrollMonth.objects.filter(
            line__in=PayrollLine.objects.filter(
                batch__authority_id=batch.authority_id, state=PayrollLineState.FAILED
            )
        )
        .order_by()  # a set: the model's ordering would only add a sort
        .values_list("tenure_id", "month")
    )
    drafts = []
    for term in terms:
        entitlement = entitlements[term.pk]
        draft = _Draft(term=term)
        payable, held = [], []
        if term.pk in runs:
            last = runs[term.pk]
            candidates = entitlement.months_from(month_from_index(month_index(last) + 1))
            taken = ()
        else:
            candidates = entitlement.months
            taken = live.get(term.pk, ())
        for m in candidates:
            if m.state == MonthState.STOPPED or m.due_from > end or m.month in taken:
                continue
            if (term.pk, m.month) in failed:
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
    drafts.sort(key=lambda d: d.term.sort_key)
    # (pk, amount) per term, as plain rows: thousands of open recoveries (every suspended holder's months)
    # cost more as model instances than the offsetting itself.
    open_offsets: dict[int, list[tuple[int, Decimal]]] = defaultdict(list)
    for pk, tenure_id, amount in (
        Recovery.objects.filter(
            tenure__authority_id=batch.authority_id, state=RecoveryState.OPEN, offset_line__isnull=True
        )
        .order_by("month", "pk")
        .values_list("pk", "tenure_id", "amount")
    ):
        open_offsets[tenure_id].append((pk, amount))
    line_rows, taken_offsets = [], []
    totals = {"line_count": 0, "held_count": 0, "gross": ZERO, "offset": ZERO, "tax": ZERO, "net": ZERO}
    for seq, draft in enumerate(drafts, start=1):
        policy = draft.term.policy
        standard = policy.monthly_subsidy
        gross = standard * len(draft.months)
        offset, taken = ZERO, []
        if draft.held is None:
            for recovery_id, amount in open_offsets.get(draft.term.pk, ()):
                if offset + amount <= gross:
                    offset += amount
                    taken.append(recovery_id)
        tax = tax_withhold(policy=policy, base=gross - offset) if draft.held is None else ZERO
        net = gross - offset - tax
        line_rows.append(
            (
                batch.pk,
                draft.term.pk,
                seq,
                draft.term.enterprise_id,
                policy.pk,
                standard,
                len(draft.months),
                gross,
                offset,
                tax,
                net,
                (PayrollLineState.HELD if draft.held else PayrollLineState.PENDING).value,
                draft.held[0] if draft.held else "",
                draft.held[1][:200] if draft.held else "",
                draft.account_id,
                "",
                "",
            )
        )
        taken_offsets.append(taken)
        if draft.held:
            totals["held_count"] += 1
        else:
            totals["line_count"] += 1
            totals["gross"] += gross
            totals["offset"] += offset
            totals["tax"] += tax
            totals["net"] += net
    rows_insert(PayrollLine, LINE_FIELDS, line_rows)
    keys = dict(PayrollLine.objects.filter(batch=batch).values_list("seq", "pk"))
    month_rows, offsets = [], []
    for seq, (draft, taken) in enumerate(zip(drafts, taken_offsets, strict=True), start=1):
        line_id, live_line = keys[seq], draft.held is None
        standard = draft.term.policy.monthly_subsidy
        month_rows.extend(
            (line_id, draft.term.pk, month, standard, kind.value, live_line) for month, kind in draft.months
        )
        offsets.extend(Recovery(pk=recovery_id, offset_line_id=line_id) for recovery_id in taken)
    rows_insert(PayrollMonth, MONTH_FIELDS, month_rows)
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
    return {
        "number": batch.number,
        "period": period_zh(start, end),
        **_totals(batch),
        "months": len(month_rows),
    }


LINE_FIELDS = (
    "batch",
    "tenure",
    "seq",
    "enterprise",
    "policy",
    "standard",
    "months_count",
    "gross",
    "offset",
    "tax",
    "net",
    "state",
    "hold_code",
    "hold_reason",
    "bank_account",
    "bank_status",
    "failure_reason",
)
MONTH_FIELDS = ("line", "tenure", "month", "amount", "kind", "live")


# What both drivers (sqlite3 with Django's adapters, psycopg) take as they are, exactly as the fields would
# prepare them: a row of these needs no preparation.
NATIVE = (int, str, bool, Decimal, date, type(None))


def rows_insert(model, names: tuple[str, ...], rows: list[tuple]) -> None:
    """Insert plain rows of NATIVE values in one executemany. bulk_create prepares every value of every
    object through its field (170,000 calls for a batch of 10,000 lines, most of the build's time)."""
    if not rows:
        return
    # Enums are refused too: psycopg writes an Enum by its name, not its value.
    if not all(isinstance(value, NATIVE) and not isinstance(value, Enum) for value in rows[0]):
        raise TypeError(f"rows_insert takes {NATIVE} only, got {[type(v) for v in rows[0]]}")
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    columns = [model._meta.get_field(name).column for name in names]
    if connection.vendor == "postgresql":
        # COPY: one stream for all the rows. executemany still ran the INSERT once per row on the server
        # (1.4 s of wall time for a batch of 10,000 lines, against 0.7 s of ours).
        copy = "COPY {} ({}) FROM STDIN".format(
            quote(model._meta.db_table), ", ".join(quote(c) for c in columns)
        )
        with connection.cursor() as cursor, cursor.copy(copy) as stream:
            for row in rows:
                stream.write_row(row)
        return
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608 - names from the model, values as parameters
        quote(model._meta.db_table), ", ".join(quote(c) for c in columns), ", ".join(["%s"] * len(columns))
    )
    # executemany: SQLite's loop runs in C, and psycopg pipelines the rows (measured faster on both than
    # statements of many rows, which SQLite's 999-parameter limit cuts into pieces of 58 lines).
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def _month_last_day(month: date) -> date:
    return month_next(month) - timedelta(days=1)
