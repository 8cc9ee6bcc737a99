"""The subsidy budget (SPEC.md §4 "totals and next year's budget forecast"): the figure the officer enters for a
year, what was paid against it, and what the active terms will still cost.

Spending counts what reached the holders: the lines the bank paid, by the date they were paid (`paid_on`), with
the amounts offset against earlier overpayments and the tax withheld shown apart. The forecast reads the same
entitlement the batches are built from (chieftech.subsidy.domain.entitlement), so a month the budget counts is
a month a batch would pay: certain when only the paperwork (an account, a status change to confirm) stands in
the way, uncertain while a re-review that gates it is undecided (第十二条: it may never be paid).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Count, Sum
from django.db.models.functions import ExtractMonth, ExtractYear
from django.utils import timezone

from chieftech.audit.domain import audit_record, snapshot
from chieftech.core.errors import DomainError
from chieftech.core.permissions import require_perm
from chieftech.subsidy.domain.entitlement import HoldCode, MonthState, entitlements_compute
from chieftech.subsidy.domain.tax import FEN, ZERO, fen
from chieftech.subsidy.models import PayrollLine, PayrollLineState, PayrollMonth, SubsidyBudget
from chieftech.tenure.models import Tenure, TenureStatus

BUDGET_FIELDS = ["year", "amount", "note"]
# The largest figure the column holds (max_digits=14, 2 decimals).
BUDGET_MAX = Decimal("999999999999.99")
# Holds that only wait for paperwork: the month is owed and will be paid once it is done.
CERTAIN_HOLDS = frozenset({HoldCode.NO_ACCOUNT, HoldCode.STATUS_PENDING})
# Terms that can still cost something: a suspended term may be restored (its months are stopped meanwhile).
OPEN_TENURE_STATES = (TenureStatus.ACTIVE, TenureStatus.SUSPENDED)


# --- The budget figure --------------------------------------------------------------------------------


def budget_amount_parse(value) -> Decimal:
    """A yuan amount to the fen, ≥ 0, from what the officer typed (DomainError at `amount` otherwise)."""
    text = str(value if value is not None else "").strip().replace(",", "").replace("，", "")
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise DomainError("请填写金额（元），如 300000.00。", field="amount", code="invalid_amount") from None
    if not amount.is_finite() or amount < 0:
        raise DomainError("预算金额不能为负数。", field="amount", code="negative_amount")
    if amount != amount.quantize(FEN):
        raise DomainError("预算金额精确到分（最多两位小数）。", field="amount", code="fen")
    if amount > BUDGET_MAX:
        raise DomainError("预算金额超出可登记的范围。", field="amount", code="too_large")
    return amount.quantize(FEN)


def budget_set(*, actor, authority, year: int, amount, note: str = "", now=None) -> SubsidyBudget:
    """Enter or change `authority`'s subsidy budget for `year`; every change is audited with before and after."""
    require_perm(actor, "subsidy.budget_set", authority, "只有本机关的经办人可以登记津贴预算。")
    now = now or timezone.now()
    amount = budget_amount_parse(amount)
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        raise DomainError("请填写有效的年度，如 2027。", field="year", code="invalid_year")
    note = (note or "").strip()
    if len(note) > SubsidyBudget._meta.get_field("note").max_length:
        raise DomainError("依据不超过200字。", field="note", code="note_too_long")
    with transaction.atomic():
        budget = SubsidyBudget.objects.select_for_update().filter(authority=authority, year=year).first()
        before = snapshot(budget, BUDGET_FIELDS) if budget is not None else None
        if budget is None:
            budget = SubsidyBudget(authority=authority, year=year)
        elif budget.amount == amount and budget.note == note:
            return budget
        budget.amount, budget.note, budget.entered_by, budget.entered_at = amount, note, actor, now
        budget.save()
        audit_record(
            action="subsidy.budget_set" if before is None else "subsidy.budget_change",
            actor=actor,
            obj=budget,
            before=before,
            after=snapshot(budget, BUDGET_FIELDS),
            authority=authority,
        )
    return budget


def budgets_of(*, authority, years=None) -> dict[int, SubsidyBudget]:
    """The authority's budgets by year: of `years`, or all of them (one query)."""
    budgets = SubsidyBudget.objects.filter(authority=authority)
    if years is not None:
        budgets = budgets.filter(year__in=list(years))
    return {b.year: b for b in budgets}


# --- Spending -----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Spending:
    period: int  # the month (1–12) or the year
    lines: int = 0
    gross: Decimal = ZERO
    offset: Decimal = ZERO
    tax: Decimal = ZERO
    net: Decimal = ZERO


def _paid_lines(authority):
    return PayrollLine.objects.filter(
        batch__authority=authority, state=PayrollLineState.PAID, paid_on__isnull=False
    ).order_by()


_SUMS = {
    "lines": Count("pk"),
    "gross": Sum("gross"),
    "offset": Sum("offset"),
    "tax": Sum("tax"),
    "net": Sum("net"),
}


def _spending(period: int, row: dict | None) -> Spending:
    if row is None:
        return Spending(period=period)
    return Spending(
        period=period,
        lines=row["lines"],
        gross=fen(row["gross"] or ZERO),
        offset=fen(row["offset"] or ZERO),
        tax=fen(row["tax"] or ZERO),
        net=fen(row["net"] or ZERO),
    )


def spending_by_month(*, authority, year: int) -> list[Spending]:
    """The twelve months of `year`, what the bank paid in each (one query)."""
    rows = {
        row["m"]: row
        for row in _paid_lines(authority)
        .filter(paid_on__year=year)
        .annotate(m=ExtractMonth("paid_on"))
        .values("m")
        .annotate(**_SUMS)
    }
    return [_spending(month, rows.get(month)) for month in range(1, 13)]


def spending_by_year(*, authority) -> list[Spending]:
    """Every year anything was paid, in order (one query)."""
    rows = (
        _paid_lines(authority).annotate(y=ExtractYear("paid_on")).values("y").annotate(**_SUMS).order_by("y")
    )
    return [_spending(row["y"], row) for row in rows]


def spending_total(rows: list[Spending]) -> Spending:
    return Spending(
        period=0,
        lines=sum(r.lines for r in rows),
        gross=sum((r.gross for r in rows), ZERO),
        offset=sum((r.offset for r in rows), ZERO),
        tax=sum((r.tax for r in rows), ZERO),
        net=sum((r.net for r in rows), ZERO),
    )


# --- Forecast -----------------------------------------------------------------------------------------


@dataclass
class Forecast:
    year: int
    certain: list[Decimal] = field(default_factory=lambda: [ZERO] * 12)  # by month, January first
    uncertain: list[Decimal] = field(default_factory=lambda: [ZERO] * 12)
    arrears_certain: Decimal = ZERO  # held months before `year` that will be paid once the paperwork is done
    arrears_uncertain: Decimal = ZERO  # held months before `year` waiting for a re-review
    people: int = 0  # terms with anything to pay in `year` (arrears included)
    people_uncertain: int = 0  # of them, those with months gated by an undecided re-review

    @property
    def certain_total(self) -> Decimal:
        return sum(self.certain, ZERO) + self.arrears_certain

    @property
    def uncertain_total(self) -> Decimal:
        return sum(self.uncertain, ZERO) + self.arrears_uncertain

    @property
    def total(self) -> Decimal:
        return self.certain_total + self.uncertain_total


def forecast_year(*, authority, year: int) -> Forecast:
    """What `authority`'s open terms will cost in `year`: each month not paid yet that the entitlement says is
    payable or held, counted in the month it falls due (a deferred first year falls due the next January)."""
    tenures = list(
        Tenure.objects.filter(authority=authority, status__in=OPEN_TENURE_STATES)
        .select_related("policy")
        .only("pk", "starts_on", "status", "policy")
    )
    entitlements = entitlements_compute(tenures=tenures, through=date(year, 12, 1))
    paid = defaultdict(set)
    for tenure_id, month in PayrollMonth.objects.filter(
        tenure_id__in=[t.pk for t in tenures], live=True, month__lte=date(year, 12, 1)
    ).values_list("tenure_id", "month"):
        paid[tenure_id].add(month)
    forecast = Forecast(year=year)
    for tenure_id, entitlement in entitlements.items():
        counted = gated = False
        for slot in entitlement.months:
            if slot.state == MonthState.STOPPED or slot.month in paid[tenure_id]:
                continue
            certain = slot.state == MonthState.PAYABLE or slot.code in CERTAIN_HOLDS
            due = max(slot.month, slot.due_from)
            if due.year == year:
                target = forecast.certain if certain else forecast.uncertain
                target[due.month - 1] += entitlement.standard
            elif due.year < year and slot.state == MonthState.HELD:
                if certain:
                    forecast.arrears_certain += entitlement.standard
                else:
                    forecast.arrears_uncertain += entitlement.standard
            else:
                continue
            counted = True
            gated = gated or not certain
        forecast.people += counted
        forecast.people_uncertain += gated
    return forecast
