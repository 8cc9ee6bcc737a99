"""What every payroll document reads: a batch's lines as tuples streamed from one query, the batch's heading
(authority, programme, policy documents, signatures) and the texts shared by the Excel and the PDF.

Lines come as plain tuples in chunks (`.iterator(chunk_size=…)`), never as model instances and never all at
once: a 10,000-line 发放表 is written while it is read. The ID number and the bank account are decrypted only
to be masked here; no document but the withholding list (and the bank file, elsewhere) holds them in full.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, Max, Min, Q

from chieftech.core.dates import date_zh, period_zh
from chieftech.core.pii import mask_bank_account, mask_id_number
from chieftech.policy.models import PolicyVersion
from chieftech.subsidy.models import PayrollBatch, PayrollBatchState, PayrollLine, PayrollLineState

CHUNK_SIZE = 2000
ZERO = Decimal("0.00")
BLANK_SIGNATURE = "________________"
BLANK_DATE = "______年____月____日"
SHEET_TITLE = "首席技师津贴发放表"

_LINE_STATES = dict(PayrollLineState.choices)


@dataclass(frozen=True, slots=True)
class SheetLine:
    seq: int
    name: str
    id_masked: str
    enterprise: str
    period: str  # 所属期/月数
    standard: Decimal
    gross: Decimal
    offset: Decimal
    tax: Decimal
    net: Decimal
    bank: str  # 开户行: bank and branch
    account_masked: str
    state: str  # the line state's value
    state_label: str
    failure_reason: str
    hold_reason: str


@dataclass(frozen=True)
class Signature:
    role: str  # 经办人 / 复核人 / 审批人
    name: str  # "" when nobody has signed yet
    on: str  # the date in Chinese, "" when unknown


@dataclass(frozen=True)
class SheetHeading:
    title: str
    number: str
    period: str
    programme: str
    documents: str  # the policy versions' document numbers
    state: str
    taxable: bool
    signatures: tuple[Signature, ...]

    @property
    def info(self) -> str:
        return (
            f"批次号：{self.number}　所属期：{self.period}　项目：{self.programme}"
            f"　政策依据：{self.documents}　状态：{self.state}"
        )


def months_text(first: date | None, last: date | None, count: int, arrears: int) -> str:
    """A line's 所属期/月数: "2026.11", "2026.09—2026.11（3个月）", with the arrears (补发) named."""
    if first is None or last is None:
        return ""
    # Plain formatting: strftime is a tenth of the time of a 10,000-line sheet's rows.
    span = f"{first.year}.{first.month:02d}"
    if last != first:
        span = f"{span}—{last.year}.{last.month:02d}"
    notes = []
    if count > 1:
        notes.append(f"{count}个月")
    if arrears:
        notes.append(f"含补发{arrears}个月")
    return f"{span}（{'，'.join(notes)}）" if notes else span


def batch_heading(batch: PayrollBatch) -> SheetHeading:
    authority = batch.authority
    policies = list(
        PolicyVersion.objects.filter(pk__in=batch.lines.values("policy_id"))
        .order_by("valid_from", "pk")
        .values_list("document_number", "subsidy_taxable")
    )
    return SheetHeading(
        title=f"{authority.bureau_name}{SHEET_TITLE}",
        number=batch.number,
        period=period_zh(batch.period_start, batch.period_end),
        programme=authority.title_name,
        documents="、".join(number for number, _ in policies) or "—",
        state=batch.get_state_display(),
        taxable=any(taxable for _, taxable in policies),
        signatures=batch_signatures(batch),
    )


def _person(user) -> str:
    return (user.real_name or user.username) if user is not None else ""


def batch_signatures(batch: PayrollBatch) -> tuple[Signature, ...]:
    """经办, 复核, 审批: who and when where the batch has got that far, blank lines to sign otherwise."""
    return (
        Signature("经办人", _person(batch.built_by), date_zh(batch.submitted_at or batch.built_at)),
        Signature("复核人", _person(batch.checked_by), date_zh(batch.checked_at)),
        Signature("审批人", _person(batch.approved_by), date_zh(batch.approved_at)),
    )


def batch_for_documents(pk: int, *, queryset=None) -> PayrollBatch:
    """The batch with what its heading reads (authority and the three signatories) in one query."""
    queryset = queryset if queryset is not None else PayrollBatch.objects.all()
    return queryset.select_related("authority", "built_by", "checked_by", "approved_by").get(pk=pk)


_FIELDS = (
    "seq",
    "tenure__application__name",
    "tenure__application__id_number",
    "enterprise__name",
    "standard",
    "gross",
    "offset",
    "tax",
    "net",
    "bank_account__bank",
    "bank_account__branch",
    "bank_account__number",
    "state",
    "failure_reason",
    "hold_reason",
    "months_count",
)


def line_rows(batch: PayrollBatch, *, held: bool) -> Iterator[SheetLine]:
    """The batch's held lines (`held`), or the others; a cancelled batch shows its cancelled lines, a live
    one never does. In 序号 order, streamed."""
    lines = PayrollLine.objects.filter(batch=batch)
    if held:
        lines = lines.filter(state=PayrollLineState.HELD)
    else:
        lines = lines.exclude(state=PayrollLineState.HELD)
        if batch.state != PayrollBatchState.CANCELLED:
            lines = lines.exclude(state=PayrollLineState.CANCELLED)
    rows = (
        lines.annotate(
            first=Min("months__month"),
            last=Max("months__month"),
            arrears=Count("months", filter=Q(months__kind="arrears")),
        )
        .order_by("seq")
        .values_list(*_FIELDS, "first", "last", "arrears")
    )
    for row in rows.iterator(chunk_size=CHUNK_SIZE):
        (seq, name, id_number, enterprise, standard, gross, offset, tax, net, bank, branch, number, *rest) = (
            row
        )
        state, failure_reason, hold_reason, months_count, first, last, arrears = rest
        yield SheetLine(
            seq=seq,
            name=name,
            id_masked=mask_id_number(id_number),
            enterprise=enterprise,
            period=months_text(first, last, months_count, arrears),
            standard=standard,
            gross=gross,
            offset=offset,
            tax=tax,
            net=net,
            bank=f"{bank or ''}{branch or ''}",
            account_masked=mask_bank_account(number),
            state=state,
            state_label=_LINE_STATES.get(state, state),
            failure_reason=failure_reason,
            hold_reason=hold_reason,
        )


@dataclass
class Totals:
    """Sums of the lines a document shows, kept while they stream past."""

    count: int = 0
    gross: Decimal = ZERO
    offset: Decimal = ZERO
    tax: Decimal = ZERO
    net: Decimal = ZERO

    def add(self, line: SheetLine) -> None:
        self.count += 1
        self.gross += line.gross
        self.offset += line.offset
        self.tax += line.tax
        self.net += line.net
