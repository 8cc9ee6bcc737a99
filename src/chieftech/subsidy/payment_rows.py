"""What the holder and the enterprise see of the payroll: which lines, and each line as a row of a page.

A draft batch is the officer's working paper: its lines may still change (复核 can send it back, the officer can
rebuild it), so nobody outside the bureau sees a line before its batch is approved (审批). From then on the
holder sees every line of theirs, held ones included (暂缓, with the reason), and what the bank did with it. The
enterprise sees only what was settled (paid or failed) in the months the holder worked for it. Account numbers
are masked on every row; ID numbers are never shown.
"""

from collections.abc import Iterable

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Greatest

from chieftech.core.badges import BAD, OK, WARN
from chieftech.core.dates import date_zh, month_zh, period_zh
from chieftech.core.pii import mask_bank_account
from chieftech.subsidy.models import PayrollBatchState, PayrollLine, PayrollLineState, PayrollMonth
from chieftech.tenure.models import TenureEmployment

# Batches whose lines the holder sees: approved and after (a cancelled batch paid nothing).
HOLDER_BATCH_STATES = (PayrollBatchState.APPROVED, PayrollBatchState.EXPORTED, PayrollBatchState.COMPLETED)
# Lines the enterprise sees: settled by the bank.
ENTERPRISE_LINE_STATES = (PayrollLineState.PAID, PayrollLineState.FAILED)

LINE_BADGES = {
    PayrollLineState.PAID: OK,
    PayrollLineState.FAILED: BAD,
    PayrollLineState.HELD: WARN,
    PayrollLineState.PENDING: WARN,
    PayrollLineState.EXPORTED: WARN,
}
# The holder's words for a line's state (the staff's 待发放/已报盘 say little to them).
HOLDER_STATE_LABELS = {
    PayrollLineState.HELD: "暂缓发放",
    PayrollLineState.PENDING: "已审批，待报送银行",
    PayrollLineState.EXPORTED: "已报送银行，待入账",
    PayrollLineState.PAID: "已发放",
    PayrollLineState.FAILED: "发放失败（退票）",
}


def yuan(value) -> str:
    return f"{value:,.2f}"


def holder_lines(tenure) -> QuerySet[PayrollLine]:
    """The holder's lines of approved batches, newest first, with their months (three queries in all)."""
    return (
        PayrollLine.objects.filter(tenure=tenure, batch__state__in=HOLDER_BATCH_STATES)
        .exclude(state=PayrollLineState.CANCELLED)
        .select_related("batch", "bank_account")
        .prefetch_related("months")
        .order_by("-batch__period_start", "-batch_id")
    )


def line_row(line: PayrollLine, months: Iterable[PayrollMonth] | None = None) -> dict:
    """One line as a row: `months` are the ones to show (all of the line's by default)."""
    months = list(line.months.all() if months is None else months)
    return {
        "batch": line.batch.number,
        "period": period_zh(line.batch.period_start, line.batch.period_end),
        "months": [f"{month_zh(m.month)}（{m.get_kind_display()}）" for m in months],
        "gross": yuan(line.gross),
        "offset": yuan(line.offset),
        "tax": yuan(line.tax),
        "net": yuan(line.net),
        "account": mask_bank_account(line.bank_account.number) if line.bank_account else "",
        "bank": line.bank_account.bank if line.bank_account else "",
        "state": HOLDER_STATE_LABELS.get(line.state, line.get_state_display()),
        "state_css": LINE_BADGES.get(line.state, WARN),
        "paid_on": date_zh(line.paid_on) if line.paid_on else "",
        "hold_reason": line.hold_reason if line.state == PayrollLineState.HELD else "",
        "failure_reason": line.failure_reason if line.state == PayrollLineState.FAILED else "",
    }


def enterprise_months(enterprise_id: int) -> QuerySet[PayrollMonth]:
    """The months of settled lines that fell while the holder worked for the enterprise.

    A month belongs to the employer of its first day (of the term's first day, for a first month that starts
    mid-month): a holder who moved on 15 April leaves April with the former employer and May on with the new
    one, and neither sees the other's months.
    """
    spans = TenureEmployment.objects.filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=OuterRef("anchor")),
        tenure_id=OuterRef("tenure_id"),
        enterprise_id=enterprise_id,
        starts_on__lte=OuterRef("anchor"),
    )
    return (
        PayrollMonth.objects.filter(line__state__in=ENTERPRISE_LINE_STATES)
        .annotate(anchor=Greatest("month", "tenure__starts_on"))
        .filter(Exists(spans))
    )
