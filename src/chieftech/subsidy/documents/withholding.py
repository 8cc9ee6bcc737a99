"""The withholding list (扣缴申报明细) for the monthly filing: the taxable lines paid in one month.

The tax office needs each payee's full ID number, so this is the one document besides the bank file that holds
it: only those who may export the authority's bank files may take it, and each export is audited as a reveal
of the ID numbers it holds (MANAGEMENT-PERIOD-FACTS "Tax": the payer withholds and files by the 15th of the
following month).
"""

from datetime import date
from io import BytesIO

from django.db import transaction
from django.db.models import Count, Max, Min, Q
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

import chieftech.subsidy.rules  # noqa: F401  (declares the rule asked here)
from chieftech.audit.domain import ACTION_REVEAL, audit_record
from chieftech.core.dates import month_next
from chieftech.core.permissions import require_perm
from chieftech.policy.models import Authority, IncomeCategory
from chieftech.subsidy.documents.lines import CHUNK_SIZE, ZERO, months_text
from chieftech.subsidy.documents.sheet_xlsx import XlsxCells
from chieftech.subsidy.models import PayrollLine, PayrollLineState

ID_TYPE = "居民身份证"
HEADER_ROW = 3
COLUMNS = [
    ("序号", 6),
    ("姓名", 10),
    ("证件类型", 12),
    ("证件号码", 21),
    ("所得项目", 16),
    ("所得期间", 24),
    ("收入额", 12),
    ("扣缴税额", 12),
    ("批次号", 20),
]
_CATEGORIES = dict(IncomeCategory.choices)


def _month_range(year: int, month: int) -> tuple[date, date]:
    start = date(year, month, 1)
    return start, month_next(start)


def withholding_lines(*, authority: Authority, year: int, month: int):
    """The authority's lines of taxable policies paid (PayrollLine.paid_on) in that month, as tuples."""
    start, end = _month_range(year, month)
    return (
        PayrollLine.objects.filter(
            batch__authority=authority,
            state=PayrollLineState.PAID,
            paid_on__gte=start,
            paid_on__lt=end,
            policy__subsidy_taxable=True,
        )
        .annotate(
            first=Min("months__month"),
            last=Max("months__month"),
            arrears=Count("months", filter=Q(months__kind="arrears")),
        )
        .order_by("paid_on", "batch__number", "seq")
        .values_list(
            "tenure_id",
            "tenure__application__name",
            "tenure__application__id_number",
            "policy__subsidy_income_category",
            "first",
            "last",
            "months_count",
            "arrears",
            "gross",
            "offset",
            "tax",
            "batch__number",
        )
    )


def withholding_title(*, authority: Authority, year: int, month: int) -> str:
    return f"{authority.bureau_name}首席技师津贴代扣个人所得税明细（{year}年{month}月）"


def _workbook(*, authority: Authority, year: int, month: int) -> tuple[bytes, list[int]]:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("扣缴申报明细")
    for index, (_, width) in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = f"A{HEADER_ROW + 1}"
    cells = XlsxCells(sheet)
    sheet.append([cells.bold(withholding_title(authority=authority, year=year, month=month), size=14)])
    sheet.append(
        [f"扣缴义务人：{authority.bureau_name}　税款所属期：{year}年{month}月　收入额为应发减抵扣追回"]
    )
    sheet.append([cells.bold(name, centred=True) for name, _ in COLUMNS])
    tenures: list[int] = []
    income_total, tax_total, count = ZERO, ZERO, 0
    rows = withholding_lines(authority=authority, year=year, month=month)
    for row in rows.iterator(chunk_size=CHUNK_SIZE):
        tenure_id, name, id_number, category, first, last, months_count, arrears, *amounts = row
        gross, offset, tax, batch_number = amounts
        income = gross - offset
        count += 1
        income_total += income
        tax_total += tax
        tenures.append(tenure_id)
        sheet.append(
            [
                count,
                cells.text(0, name),
                ID_TYPE,
                id_number,
                _CATEGORIES.get(category, category) or None,
                months_text(first, last, months_count, arrears),
                cells.money(0, income),
                cells.money(1, tax),
                batch_number,
            ]
        )
    total = WriteOnlyCell(sheet, value="合计")
    total.font = Font(bold=True)
    sheet.append(
        [total, f"{count}人", None, None, None, None, cells.money(0, income_total), cells.money(1, tax_total)]
    )
    output = BytesIO()
    workbook.save(output)
    return output.getvalue(), tenures


def withholding_list_xlsx(*, authority: Authority, year: int, month: int) -> bytes:
    """The month's withholding list as .xlsx bytes, with the full ID numbers (a month with no taxable payment
    gives the headers and a zero total)."""
    return _workbook(authority=authority, year=year, month=month)[0]


def withholding_list_export(*, actor, authority: Authority, year: int, month: int) -> bytes:
    """The withholding list for `actor` to download: allowed to those who export the authority's bank files,
    audited as a reveal of the ID numbers of every holder it lists."""
    require_perm(
        actor, "subsidy.withholding_export", authority, "只有可以生成银行代发文件的人员可以导出扣缴申报明细。"
    )
    content, tenures = _workbook(authority=authority, year=year, month=month)
    with transaction.atomic():
        audit_record(
            action=ACTION_REVEAL,
            actor=actor,
            object_type="subsidy.payrollline",
            object_repr=f"扣缴申报明细（{year}年{month}月）",
            authority=authority,
            reason="导出扣缴申报明细",
            after={
                "field": "id_number",
                "label": "身份证号码",
                "document": "withholding_list",
                "period": f"{year:04d}-{month:02d}",
                "rows": len(tenures),
                "tenures": sorted(set(tenures)),
            },
        )
    return content
