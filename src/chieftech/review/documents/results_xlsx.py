"""A campaign's results as an Excel workbook: a title row naming the campaign, the authority and the day, then
one row per review with the five conditions, the outcome, its reason and the day it was decided.

The ID number is masked (the list goes round the bureau's desks); who took the list away is audited in the
authority's chain.
"""

from io import BytesIO

from django.db import transaction
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from chieftech.audit.domain import audit_record
from chieftech.core.dates import date_zh
from chieftech.review.domain.decision import ResultRow

EXPORT_ACTION = "review.results_export"
HEADER_ROW = 3
COLUMNS: list[tuple[str, int]] = [
    ("序号", 6),
    ("姓名", 10),
    ("身份证号码", 21),
    ("工作单位", 28),
    ("职业（工种）", 14),
    ("复核期间", 26),
    ("（一）在岗", 10),
    ("（二）无事故", 10),
    ("（三）无违法违纪", 12),
    ("（四）发挥作用", 10),
    ("（五）带徒", 10),
    ("结论", 12),
    ("理由", 40),
    ("决定日期", 16),
]


def _text(value: str) -> str:
    return ILLEGAL_CHARACTERS_RE.sub("", value)


def results_workbook(*, actor, campaign, rows: list[ResultRow]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "复核结果"
    sheet.append([f"{campaign.title}复核结果"])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([f"{campaign.authority.bureau_name}　导出日期：{date_zh(timezone.localdate())}"])
    sheet.append([title for title, _ in COLUMNS])
    for cell in sheet[HEADER_ROW]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for number, row in enumerate(rows, start=1):
        sheet.append(
            [
                number,
                _text(row.name),
                row.id_number_masked,
                _text(row.enterprise),
                _text(row.occupation),
                row.period,
                *row.verdicts,
                row.state_label,
                _text(row.reason),
                date_zh(row.decided_on),
            ]
        )
        for cell in sheet[sheet.max_row]:
            # openpyxl stores "=..." as a formula: what users typed is text, never something to run.
            if cell.data_type == "f":
                cell.data_type = "s"
    for index, (_, width) in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = f"A{HEADER_ROW + 1}"
    buffer = BytesIO()
    workbook.save(buffer)
    with transaction.atomic():
        audit_record(
            action=EXPORT_ACTION,
            actor=actor,
            obj=campaign,
            after={"rows": len(rows), "format": "xlsx"},
        )
    return buffer.getvalue()
