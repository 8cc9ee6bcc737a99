"""The holder's annual statement (年度津贴发放明细): every month of the year in the term and what became of it
(paid, held, stopped, failed and paid again, recovered), the payments the bank made in the year with their
tax, the year's totals, and the account paid into, masked.

Months are the entitlement's (chieftech.subsidy.domain.entitlement) where nothing was paid for them; the
payments section counts what reached the account in the year (PayrollLine.paid_on), which is also what the
year's tax filings count.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Count, Max, Min, Q
from django.utils import timezone
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Spacer, Table

from chieftech.core.dates import date_zh, datetime_zh, month_zh
from chieftech.core.pdf import FRAME_WIDTH, grid_style, para, pdf_build, pdf_styles
from chieftech.core.pii import mask_bank_account
from chieftech.subsidy.documents.lines import ZERO, months_text
from chieftech.subsidy.domain.entitlement import MonthState, entitlements_compute, term_months
from chieftech.subsidy.models import PayrollLineState, PayrollMonth, PayrollMonthKind, Recovery, RecoveryState
from chieftech.tenure.domain.bank_accounts import bank_accounts_current
from chieftech.tenure.models import Tenure

STATEMENT_TITLE = "首席技师津贴发放明细"
L = PayrollLineState


@dataclass(frozen=True)
class StatementMonth:
    month: str
    situation: str
    batch: str
    paid_on: str
    amount: Decimal | None
    note: str


@dataclass(frozen=True)
class StatementPayment:
    batch: str
    paid_on: str
    period: str
    gross: Decimal
    offset: Decimal
    tax: Decimal
    net: Decimal


@dataclass(frozen=True)
class StatementRecovery:
    month: str
    amount: Decimal
    reason: str
    settlement: str


@dataclass
class Statement:
    year: int
    name: str
    certificate: str
    bureau: str
    programme: str
    term: str
    enterprise: str
    accounts: list[str]
    months: list[StatementMonth] = field(default_factory=list)
    payments: list[StatementPayment] = field(default_factory=list)
    recoveries: list[StatementRecovery] = field(default_factory=list)

    def total(self, name: str) -> Decimal:
        return sum((getattr(p, name) for p in self.payments), ZERO)


def _certificate_number(tenure: Tenure) -> str:
    try:
        return tenure.certificate.number
    except Tenure.certificate.RelatedObjectDoesNotExist:
        return "未颁发"


def _settlement(recovery: Recovery) -> str:
    if recovery.state == RecoveryState.OFFSET:
        batch = recovery.offset_line.batch.number if recovery.offset_line_id else ""
        return f"已在{batch}批次中抵扣" if batch else "已抵扣"
    if recovery.state == RecoveryState.REFUNDED:
        reference = f"，凭证号{recovery.refund_reference}" if recovery.refund_reference else ""
        return f"已于{date_zh(recovery.refunded_on)}退回{reference}"
    return "待追回"


def _month_row(
    month: date, paid_months: list[PayrollMonth], slot, recovery: Recovery | None
) -> StatementMonth:
    failed = [m for m in paid_months if m.line.state == L.FAILED]
    notes = [f"{m.line.batch.number}批次发放失败（{m.line.failure_reason or '银行退回'}）" for m in failed]
    paid = next((m for m in paid_months if m.line.state == L.PAID), None)
    going = next((m for m in paid_months if m.line.state in (L.PENDING, L.EXPORTED)), None)
    held = next((m for m in paid_months if m.line.state == L.HELD), None)
    batch, paid_on, amount = "", "", None
    if paid is not None:
        situation = (
            "失败后重发" if failed else ("补发" if paid.kind == PayrollMonthKind.ARREARS else "已发放")
        )
        batch, paid_on, amount = paid.line.batch.number, date_zh(paid.line.paid_on), paid.amount
    elif going is not None:
        situation, batch, amount = "发放中", going.line.batch.number, going.amount
    elif held is not None:
        situation = "暂缓发放"
        notes.append(held.line.hold_reason)
    elif slot is None:
        situation = "待发放"
    elif slot.state == MonthState.STOPPED:
        situation = "停发"
        notes.append(slot.reason)
    elif slot.state == MonthState.HELD:
        situation = "暂缓发放"
        notes.append(slot.reason)
    else:
        situation = "待发放" if slot.due_from <= timezone.localdate() else f"{date_zh(slot.due_from)}起发放"
    if recovery is not None:
        notes.append(f"追回{recovery.amount:.2f}元（{recovery.reason}）：{_settlement(recovery)}")
    return StatementMonth(
        month=month_zh(month),
        situation=situation,
        batch=batch,
        paid_on=paid_on,
        amount=amount,
        note="；".join(n for n in notes if n),
    )


def holder_statement(*, tenure: Tenure, year: int) -> Statement:
    """What the statement says, read in a fixed number of queries."""
    tenure = Tenure.objects.select_related("application", "authority", "policy", "enterprise").get(
        pk=tenure.pk
    )
    months = [m for m in term_months(tenure=tenure) if m.year == year]
    slots = {}
    if months:
        entitlement = entitlements_compute(tenures=[tenure], through=months[-1])[tenure.pk]
        slots = {slot.month: slot for slot in entitlement.months}
    by_month: dict[date, list[PayrollMonth]] = {}
    for paid_month in (
        PayrollMonth.objects.filter(tenure=tenure, month__year=year)
        .exclude(line__state=L.CANCELLED)
        .select_related("line__batch")
        .order_by("month", "line__batch__built_at", "pk")
    ):
        by_month.setdefault(paid_month.month, []).append(paid_month)
    recoveries = list(
        Recovery.objects.filter(tenure=tenure, month__year=year)
        .select_related("offset_line__batch")
        .order_by("month", "pk")
    )
    recovery_of = {r.month: r for r in recoveries}
    payments = (
        tenure.payroll_lines.filter(state=L.PAID, paid_on__year=year)
        .annotate(
            first=Min("months__month"),
            last=Max("months__month"),
            arrears=Count("months", filter=Q(months__kind="arrears")),
        )
        .order_by("paid_on", "pk")
        .values_list(
            "batch__number",
            "paid_on",
            "first",
            "last",
            "months_count",
            "arrears",
            "gross",
            "offset",
            "tax",
            "net",
            "bank_account__bank",
            "bank_account__branch",
            "bank_account__number",
        )
    )
    statement = Statement(
        year=year,
        name=tenure.application.name,
        certificate=_certificate_number(tenure),
        bureau=tenure.authority.bureau_name,
        programme=tenure.authority.title_name,
        term=f"{date_zh(tenure.starts_on)}至{date_zh(tenure.ends_on)}",
        enterprise=tenure.enterprise.name,
        accounts=[],
    )
    for number, paid_on, first, last, count, arrears, gross, offset, tax, net, *account in payments:
        statement.payments.append(
            StatementPayment(
                batch=number,
                paid_on=date_zh(paid_on),
                period=months_text(first, last, count, arrears),
                gross=gross,
                offset=offset,
                tax=tax,
                net=net,
            )
        )
        bank, branch, account_number = account
        if account_number:
            text = f"{bank}{branch} {mask_bank_account(account_number)}"
            if text not in statement.accounts:
                statement.accounts.append(text)
    if not statement.accounts:
        current = bank_accounts_current(tenures=[tenure]).get(tenure.pk)
        if current is not None:
            statement.accounts.append(f"{current.bank}{current.branch} {mask_bank_account(current.number)}")
    statement.months = [
        _month_row(month, by_month.get(month, []), slots.get(month), recovery_of.get(month))
        for month in months
    ]
    statement.recoveries = [
        StatementRecovery(
            month=month_zh(r.month), amount=r.amount, reason=r.reason, settlement=_settlement(r)
        )
        for r in recoveries
    ]
    return statement


def _money(value: Decimal | None) -> str:
    return "" if value is None else f"{value:,.2f}"


def _widths(*millimetres: float) -> list[float]:
    scale = FRAME_WIDTH / (sum(millimetres) * mm)
    return [m * mm * scale for m in millimetres]


def _table(header: list[str], rows: list[list[str]], widths: list[float], styles, *, right: set[int]):
    cell = ParagraphStyle("statement_cell", parent=styles.cell, fontSize=8.5, leading=11)
    centred = ParagraphStyle("statement_center", parent=styles.cell_center, fontSize=8.5, leading=11)
    numbers = ParagraphStyle("statement_right", parent=styles.cell_right, fontSize=8.5, leading=11)
    data = [[para(h, centred) for h in header]]
    data += [[para(v, numbers if i in right else cell) for i, v in enumerate(row)] for row in rows]
    return Table(data, colWidths=widths, style=grid_style(header_rows=1), repeatRows=1)


def holder_statement_pdf(*, tenure: Tenure, year: int) -> bytes:
    """The holder's statement of `year` as a PDF (A4)."""
    statement = holder_statement(tenure=tenure, year=year)
    s = pdf_styles()
    story = [
        para(f"{year}年度{STATEMENT_TITLE}", s.title),
        Spacer(1, 3 * mm),
        para(f"姓名：{statement.name}　　证书编号：{statement.certificate}", s.subtitle),
        para(f"称号：{statement.programme}　　发放机关：{statement.bureau}", s.subtitle),
        para(f"管理期：{statement.term}　　工作单位：{statement.enterprise}", s.subtitle),
        para(f"发放账户：{'；'.join(statement.accounts) or '尚无已确认的发放账户'}", s.subtitle),
        Spacer(1, 4 * mm),
        para("一、逐月发放情况", s.section),
        Spacer(1, 2 * mm),
    ]
    month_rows = [
        [m.month, m.situation, m.batch, m.paid_on, _money(m.amount), m.note] for m in statement.months
    ]
    if month_rows:
        story.append(
            _table(
                ["月份", "情况", "批次号", "入账日期", "金额（元）", "说明"],
                month_rows,
                # A month (2026年12月) and a date (2026年12月15日) each on one line: wrapped they read as two.
                _widths(22, 17, 38, 27, 18, 53),
                s,
                right={4},
            )
        )
    else:
        story.append(para(f"{year}年不在管理期内。", s.cell))
    story += [Spacer(1, 5 * mm), para("二、本年度实际发放（按银行入账日期）", s.section), Spacer(1, 2 * mm)]
    payment_rows = [
        [p.batch, p.paid_on, p.period, _money(p.gross), _money(p.offset), _money(p.tax), _money(p.net)]
        for p in statement.payments
    ]
    totals = ["合计", f"{len(statement.payments)}笔", ""]
    totals += [_money(statement.total(name)) for name in ("gross", "offset", "tax", "net")]
    story.append(
        _table(
            ["批次号", "入账日期", "所属期/月数", "应发", "抵扣追回", "代扣个人所得税", "实发"],
            [*payment_rows, totals],
            _widths(34, 27, 38, 19, 17, 20, 19),
            s,
            right={3, 4, 5, 6},
        )
    )
    if statement.recoveries:
        table = _table(
            ["月份", "金额（元）", "原因", "处理情况"],
            [[r.month, _money(r.amount), r.reason, r.settlement] for r in statement.recoveries],
            _widths(22, 20, 70, 60),
            s,
            right={1},
        )
        # The heading never stays behind at the foot of a page without its table.
        story += [Spacer(1, 5 * mm), KeepTogether([para("三、追回", s.section), Spacer(1, 2 * mm), table])]
    story += [
        Spacer(1, 6 * mm),
        para(
            f"说明：金额单位为元；账号已作脱敏处理。本明细由{statement.bureau}系统于"
            f"{datetime_zh(timezone.now())}生成。",
            s.note,
        ),
    ]
    return pdf_build(
        story,
        title=f"{year}年度{STATEMENT_TITLE}（{statement.name}）",
        subject=statement.programme,
        footer=f"{statement.name} {year}年度{STATEMENT_TITLE}",
    )
