"""The 发放表 as an Excel workbook (openpyxl write-only mode): the lines paid, a sheet of the held lines with
their reasons, totals, and the signatures of 经办, 复核 and 审批.

Lines are written as they stream from the database; styled cells (amounts in 0.00) are made once per column
and reused, since write-only mode serialises each row when it is appended and a new styled cell per value
would triple the time. Amounts are numbers, never text, so the bureau's finance staff can add them up again.
"""

from io import BytesIO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from chieftech.subsidy.documents.lines import (
    BLANK_DATE,
    BLANK_SIGNATURE,
    SheetHeading,
    SheetLine,
    Totals,
    batch_heading,
    line_rows,
)
from chieftech.subsidy.models import PayrollBatch, PayrollLineState

MONEY_FORMAT = "0.00"
HELD_SHEET = "暂缓发放"
MAIN_SHEET = "发放表"
# Title, batch details, then the header: the header row stays in view when scrolling.
HEADER_ROW = 3


def main_columns(*, taxable: bool) -> list[tuple[str, int]]:
    columns = [
        ("序号", 6),
        ("姓名", 10),
        ("身份证号码", 21),
        ("工作单位", 28),
        ("所属期/月数", 24),
        ("标准（元/月）", 12),
        ("应发", 12),
        ("抵扣追回", 11),
        ("代扣个人所得税", 14),
        ("实发", 12),
        ("开户行", 24),
        ("银行账号", 22),
        ("状态", 10),
        ("退票原因", 20),
    ]
    return columns if taxable else [c for c in columns if c[0] != "代扣个人所得税"]


HELD_COLUMNS = [
    ("序号", 6),
    ("姓名", 10),
    ("身份证号码", 21),
    ("工作单位", 28),
    ("所属期/月数", 24),
    ("标准（元/月）", 12),
    ("应发", 12),
    ("暂缓原因", 40),
]


def _text(value: str | None) -> str | None:
    # Characters XML cannot carry would abort the file. Names and reasons are typed by people; a leading "="
    # is kept as text because openpyxl writes only str values that start with "=" as formulas, and every value
    # here goes through _TextCell.
    return ILLEGAL_CHARACTERS_RE.sub("", value) if value else None


class XlsxCells:
    """One reusable styled cell per kind: a number in 0.00, a text that is never a formula, a bold label."""

    def __init__(self, sheet):
        self.sheet = sheet
        self._money: dict[int, WriteOnlyCell] = {}
        self._texts: dict[int, WriteOnlyCell] = {}

    def money(self, slot: int, value):
        cell = self._money.get(slot)
        if cell is None:
            cell = self._money[slot] = WriteOnlyCell(self.sheet)
            cell.number_format = MONEY_FORMAT
        cell.value = value
        return cell

    def text(self, slot: int, value: str | None):
        value = _text(value)
        if value is None or not value.startswith("="):
            return value
        cell = self._texts.get(slot)
        if cell is None:
            cell = self._texts[slot] = WriteOnlyCell(self.sheet)
        cell.value = value
        cell.data_type = "s"
        return cell

    def bold(self, value: str, *, size: int | None = None, centred: bool = False):
        cell = WriteOnlyCell(self.sheet, value=value)
        cell.font = Font(bold=True, size=size) if size else Font(bold=True)
        if centred:
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        return cell


def _sheet(workbook, title: str, columns: list[tuple[str, int]], heading: SheetHeading, subtitle: str):
    sheet = workbook.create_sheet(title)
    for index, (_, width) in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = f"A{HEADER_ROW + 1}"
    cells = XlsxCells(sheet)
    sheet.append([cells.bold(subtitle, size=14)])
    sheet.append([heading.info])
    sheet.append([cells.bold(name, centred=True) for name, _ in columns])
    return sheet, cells


def _main_row(cells: XlsxCells, line: SheetLine, *, taxable: bool) -> list:
    row = [
        line.seq,
        cells.text(0, line.name),
        line.id_masked or None,
        cells.text(1, line.enterprise),
        line.period,
        cells.money(0, line.standard),
        cells.money(1, line.gross),
        cells.money(2, line.offset),
    ]
    if taxable:
        row.append(cells.money(3, line.tax))
    row += [
        cells.money(4, line.net),
        cells.text(2, line.bank),
        line.account_masked or None,
        line.state_label,
        cells.text(3, line.failure_reason),
    ]
    return row


def _totals_row(cells: XlsxCells, label: str, totals: Totals, *, taxable: bool) -> list:
    row = [
        cells.bold(label),
        f"{totals.count}人",
        None,
        None,
        None,
        None,
        cells.money(1, totals.gross),
        cells.money(2, totals.offset),
    ]
    if taxable:
        row.append(cells.money(3, totals.tax))
    row.append(cells.money(4, totals.net))
    return row


def _signature_rows(heading: SheetHeading) -> list[list]:
    return [
        [f"{s.role}：", s.name or BLANK_SIGNATURE, "日期：", s.on or BLANK_DATE] for s in heading.signatures
    ]


def payroll_sheet_xlsx(batch: PayrollBatch) -> bytes:
    """The batch's 发放表 as .xlsx bytes: the sheet "发放表" (lines, totals, the failed lines' sum where the
    bank returned some, the three signatures) and the sheet "暂缓发放" (held lines and why)."""
    heading = batch_heading(batch)
    taxable = heading.taxable
    workbook = Workbook(write_only=True)

    sheet, cells = _sheet(workbook, MAIN_SHEET, main_columns(taxable=taxable), heading, heading.title)
    totals, failed = Totals(), Totals()
    for line in line_rows(batch, held=False):
        totals.add(line)
        if line.state == PayrollLineState.FAILED:
            failed.add(line)
        sheet.append(_main_row(cells, line, taxable=taxable))
    sheet.append(_totals_row(cells, "合计", totals, taxable=taxable))
    if failed.count:
        sheet.append(_totals_row(cells, "其中发放失败", failed, taxable=taxable))
    sheet.append([])
    for row in _signature_rows(heading):
        sheet.append(row)

    held_sheet, held_cells = _sheet(
        workbook, HELD_SHEET, HELD_COLUMNS, heading, f"{heading.title}（暂缓发放）"
    )
    held = Totals()
    for line in line_rows(batch, held=True):
        held.add(line)
        held_sheet.append(
            [
                line.seq,
                held_cells.text(0, line.name),
                line.id_masked or None,
                held_cells.text(1, line.enterprise),
                line.period,
                held_cells.money(0, line.standard),
                held_cells.money(1, line.gross),
                held_cells.text(2, line.hold_reason),
            ]
        )
    held_sheet.append(
        [held_cells.bold("合计"), f"{held.count}人", None, None, None, None, held_cells.money(1, held.gross)]
    )

    output = BytesIO()
    workbook.save(output)
    return output.getvalue()
