"""The 发放表 as a printable PDF: A4 landscape, the Excel's columns, the table header repeated on every page,
"第 x 页 共 y 页", the totals, the held lines, and the signature block on the last page.

Drawn straight on the canvas row by row (a platypus Table over 10,000 rows takes minutes to split into
pages). Every row has one height, so a page is a fixed number of rows; a cell too narrow for its text sets it
smaller, then cuts it with "…". The page total is a form drawn once at the end and placed on every page, so
the document is written in one pass as the lines stream from the database. Text goes through the font chains
of chieftech.core.pdf_fonts: a rare character of a name is set in the fallback font, never dropped.
"""

import itertools
import zlib
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from io import BytesIO

from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfdoc import PDFArray, PDFDictionary, PDFName, PDFStream
from reportlab.pdfbase.pdfmetrics import getFont, stringWidth
from reportlab.pdfgen.canvas import Canvas

from chieftech.core.pdf import FONT_NAME, register_cjk_font
from chieftech.core.pdf_fonts import font_chain
from chieftech.core.site import site_name
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

PAGE = landscape(A4)
MARGIN_X = 10 * mm
MARGIN_TOP = 10 * mm
FOOTER_Y = 6 * mm
BOTTOM = 12 * mm
ROW_HEIGHT = 5.6 * mm
HEADER_HEIGHT = 9 * mm
CELL_SIZE = 7.5
MIN_SIZE = 5.0
PAD = 1.2 * mm
SIGNATURE_HEIGHT = 22 * mm
PAGE_TOTAL_FORM = "pageTotal"
SHADE = colors.HexColor("#EEEEEE")
CACHE_LIMIT = 5000
# A PDF string holds any byte; parentheses, the backslash and the unprintable ones are escaped (PDF 1.7, 7.3.4.2).
PDF_ESCAPES = str.maketrans(
    {
        **{code: f"\\{code:03o}" for code in range(256) if not 32 <= code < 127},
        **{ord(c): "\\" + c for c in "()\\"},
    }
)


@dataclass(frozen=True)
class Column:
    title: str  # "\n" breaks the header in two lines
    width: float  # mm
    align: str = "left"


def main_columns(*, taxable: bool) -> list[Column]:
    columns = [
        Column("序号", 9, "center"),
        Column("姓名", 15),
        Column("身份证号码", 29),
        Column("工作单位", 33),
        Column("所属期/月数", 29),
        Column("标准\n（元/月）", 13, "right"),
        Column("应发", 15, "right"),
        Column("抵扣\n追回", 13, "right"),
        Column("代扣个人\n所得税", 14, "right"),
        Column("实发", 15, "right"),
        Column("开户行", 28),
        Column("银行账号", 29),
        Column("状态", 13, "center"),
        Column("退票原因", 0),
    ]
    if not taxable:
        columns = [c for c in columns if not c.title.startswith("代扣")]
    return _fill(columns)


def _fill(columns: list[Column]) -> list[Column]:
    """The last column takes what the others leave of the frame."""
    frame = (PAGE[0] - 2 * MARGIN_X) / mm
    rest = frame - sum(c.width for c in columns[:-1])
    return [*columns[:-1], Column(columns[-1].title, rest, columns[-1].align)]


HELD_COLUMNS = _fill(
    [
        Column("序号", 9, "center"),
        Column("姓名", 15),
        Column("身份证号码", 29),
        Column("工作单位", 45),
        Column("所属期/月数", 40),
        Column("标准\n（元/月）", 15, "right"),
        Column("应发", 17, "right"),
        Column("暂缓原因", 0),
    ]
)


def money(value: Decimal | None) -> str:
    return "" if value is None else f"{value:,.2f}"


class SheetCanvas:
    """A landscape canvas that knows where the next row goes, breaks pages, repeats the table header."""

    def __init__(self, buffer, *, heading: SheetHeading):
        register_cjk_font()
        self.chain = font_chain(FONT_NAME)
        self.heading = heading
        self.canvas = Canvas(
            buffer, pagesize=PAGE, initialFontName=FONT_NAME, pageCompression=1, lang="zh-CN"
        )
        self.canvas.setTitle(f"{heading.title}（{heading.number}）")
        self.canvas.setAuthor(heading.title.removesuffix("首席技师津贴发放表"))
        self.canvas.setCreator(site_name())
        self.page = 0
        self.columns: list[Column] = []
        self.edges: list[float] = []
        self.table_top = 0.0
        self.y = 0.0
        self._runs: dict[str, list[tuple[str, str]]] = {}
        self._fitted: dict[tuple, tuple[str, float, float | None]] = {}
        self._fonts: dict[str, object] = {}
        self._shown: dict[tuple[str, float], str] = {}
        self._ascii_widths = {chr(c): stringWidth(chr(c), FONT_NAME, 1000) for c in range(128)}
        self._new_page(first=True)

    # --- text ---------------------------------------------------------------------------------------

    def runs(self, text: str) -> list[tuple[str, str]]:
        if text.isascii():
            return [(FONT_NAME, text)]
        runs = self._runs.get(text)
        if runs is None:
            runs = self.chain.runs(text)
            if (
                len(self._runs) < CACHE_LIMIT
            ):  # enterprise names and banks repeat; a person's name rarely does
                self._runs[text] = runs
        return runs

    def width(self, runs, size: float) -> float:
        if len(runs) == 1 and runs[0][0] == FONT_NAME and runs[0][1].isascii():
            # ID numbers, accounts and amounts: a sum over a table of the font's ASCII advances.
            return sum(map(self._ascii_widths.__getitem__, runs[0][1])) * size / 1000
        return sum(stringWidth(run, font, size) for font, run in runs)

    def _fit(self, text: str, size: float, room: float, measure: bool) -> tuple[str, float, float | None]:
        """`text` shrunk, then cut with "…", until it fits `room` (0: any width); its width when measured."""
        width = None
        # A wide character is at most one em: only a text that might not fit is measured.
        if room and len(text) * size > room:
            width = self.width(self.runs(text), size)
            if width > room:
                size = max(MIN_SIZE, size * room / width)
                width = self.width(self.runs(text), size)
                while width > room and len(text) > 1:
                    text = text[:-2] + "…"
                    width = self.width(self.runs(text), size)
        if measure and width is None:
            width = self.width(self.runs(text), size)
        return text, size, width

    def text(
        self, x: float, y: float, text: str, *, size: float, align: str = "left", room: float = 0, into=None
    ):
        """Draw `text` at (x, y), `align` "left", "center" or "right" of x; with `room`, shrink or cut it to
        fit that width. Amounts and dates repeat on every page, so what fitting and measuring found is kept.
        With `into` (a list), the operators go there, for one text block per table row."""
        if not text:
            return
        key = (text, size, room, align)
        fitted = self._fitted.get(key)
        if fitted is None:
            fitted = self._fit(text, size, room, align != "left")
            if len(self._fitted) < CACHE_LIMIT:
                self._fitted[key] = fitted
        text, size, width = fitted
        if align == "right":
            x -= width
        elif align == "center":
            x -= width / 2
        # The text operators written straight into the page: reportlab's text objects format every number
        # and escape every string in Python, which is most of the time of a 10,000-line sheet.
        shown = self._shown.get((text, size))
        if shown is None:
            shown = self._show(text, size)
        if into is not None:
            into.append(f"1 0 0 1 {x:.2f} {y:.2f} Tm {shown}")
        else:
            self.canvas._code.append(f"BT 1 0 0 1 {x:.2f} {y:.2f} Tm {shown} ET")

    def _show(self, text: str, size: float) -> str:
        """The operators that set `text` in its fonts; a character keeps its code in the subset once it has one,
        so the same text is the same operators for the whole document."""
        doc = self.canvas._doc
        parts = []
        for name, run in self.runs(text):
            font = self._fonts.get(name) or self._fonts.setdefault(name, getFont(name))
            for subset, chunk in font.splitString(run, doc):
                escaped = chunk.decode("latin-1").translate(PDF_ESCAPES)
                parts.append(f"{font.getSubsetInternalName(subset, doc)} {size:.2f} Tf ({escaped}) Tj")
        shown = " ".join(parts)
        if len(self._shown) < CACHE_LIMIT:
            self._shown[(text, size)] = shown
        return shown

    def line(self, x1: float, y1: float, x2: float, y2: float, width: float) -> None:
        self.canvas._code.append(f"{width:.2f} w {x1:.2f} {y1:.2f} m {x2:.2f} {y2:.2f} l S")

    # --- pages --------------------------------------------------------------------------------------

    def _new_page(self, *, first: bool = False) -> None:
        if not first:
            self._close_page()
            self._show_page()
        self.page += 1
        top = PAGE[1] - MARGIN_TOP
        if first:
            self.text(PAGE[0] / 2, top - 7 * mm, self.heading.title, size=16, align="center")
            self.text(MARGIN_X, top - 14 * mm, self.heading.info, size=9, room=PAGE[0] - 2 * MARGIN_X)
            self.y = top - 17 * mm
        else:
            self.text(
                MARGIN_X, top - 4 * mm, f"{self.heading.title}（续）　批次号：{self.heading.number}", size=9
            )
            self.y = top - 7 * mm
        if self.columns:
            self._header()

    def _close_page(self) -> None:
        self._close_table()
        canvas = self.canvas
        canvas.setFillColor(colors.HexColor("#444444"))
        self.text(PAGE[0] / 2 - 1 * mm, FOOTER_Y, f"第 {self.page} 页", size=8.5, align="right")
        self.text(PAGE[0] / 2 + 1 * mm, FOOTER_Y, "共", size=8.5)
        canvas.doForm(PAGE_TOTAL_FORM)
        canvas.setFillColor(colors.black)

    def _show_page(self) -> None:
        """End the page and deflate its content at once: reportlab would keep every page's text until the file
        is written (about 1 MiB per 1,000 lines), so memory would grow with the batch."""
        self.canvas.showPage()
        page = self.canvas._doc.Pages.pages[-1]
        if page.stream and not page.Contents:
            contents = PDFStream(
                dictionary=PDFDictionary({"Filter": PDFArray([PDFName("FlateDecode")])}),
                content=zlib.compress(page.stream.encode("latin-1")),
            )
            contents.__Comment__ = "page stream"
            page.Contents, page.stream = contents, None

    def room(self, height: float) -> bool:
        return self.y - height >= BOTTOM

    def need(self, height: float) -> None:
        if not self.room(height):
            self._new_page()

    # --- tables -------------------------------------------------------------------------------------

    def start_table(self, columns: list[Column]) -> None:
        self.columns = columns
        x = MARGIN_X
        self.edges = [x]
        for column in columns:
            x += column.width * mm
            self.edges.append(x)
        self.need(HEADER_HEIGHT + ROW_HEIGHT)
        self._header()

    def _header(self) -> None:
        canvas = self.canvas
        self.table_top = self.y
        canvas.setFillColor(SHADE)
        canvas.rect(
            self.edges[0], self.y - HEADER_HEIGHT, self.edges[-1] - self.edges[0], HEADER_HEIGHT, 0, 1
        )
        canvas.setFillColor(colors.black)
        for column, left, right in zip(self.columns, self.edges, self.edges[1:], strict=False):
            parts = column.title.split("\n")
            middle = self.y - HEADER_HEIGHT / 2
            first = middle + (len(parts) - 1) * 4.5 - 2.8
            for index, part in enumerate(parts):
                self.text((left + right) / 2, first - index * 9, part, size=8, align="center")
        self.y -= HEADER_HEIGHT
        self.line(self.edges[0], self.y, self.edges[-1], self.y, 0.5)

    def row(self, values: list[str], *, bold_line: bool = False) -> None:
        if not self.room(ROW_HEIGHT):
            self._new_page()
        baseline = self.y - ROW_HEIGHT + 1.9 * mm
        ops: list[str] = []
        for column, left, right, value in zip(self.columns, self.edges, self.edges[1:], values, strict=False):
            if not value:
                continue
            room = right - left - 2 * PAD
            if column.align == "right":
                self.text(right - PAD, baseline, value, size=CELL_SIZE, align="right", room=room, into=ops)
            elif column.align == "center":
                x = (left + right) / 2
                self.text(x, baseline, value, size=CELL_SIZE, align="center", room=room, into=ops)
            else:
                self.text(left + PAD, baseline, value, size=CELL_SIZE, room=room, into=ops)
        if ops:
            self.canvas._code.append(f"BT {' '.join(ops)} ET")
        self.y -= ROW_HEIGHT
        self.line(self.edges[0], self.y, self.edges[-1], self.y, 1.0 if bold_line else 0.4)

    def _close_table(self) -> None:
        if not self.columns or self.table_top <= self.y:
            return
        canvas = self.canvas
        for x in self.edges:
            self.line(x, self.table_top, x, self.y, 0.5)
        canvas.setLineWidth(1.0)
        canvas.rect(self.edges[0], self.y, self.edges[-1] - self.edges[0], self.table_top - self.y, 1, 0)
        self.table_top = self.y

    def end_table(self) -> None:
        self._close_table()
        self.columns = []
        self.y -= 4 * mm

    def caption(self, text: str) -> None:
        self.need(7 * mm + HEADER_HEIGHT + ROW_HEIGHT)
        self.text(MARGIN_X, self.y - 5 * mm, text, size=10)
        self.y -= 7 * mm

    def signatures(self) -> None:
        self.need(SIGNATURE_HEIGHT)
        width = (PAGE[0] - 2 * MARGIN_X) / 3
        for index, signature in enumerate(self.heading.signatures):
            x = MARGIN_X + index * width
            self.text(x, self.y - 8 * mm, f"{signature.role}：{signature.name or BLANK_SIGNATURE}", size=10)
            self.text(x, self.y - 16 * mm, f"日期：{signature.on or BLANK_DATE}", size=10)
        self.y -= SIGNATURE_HEIGHT

    def finish(self) -> None:
        self._close_page()
        canvas = self.canvas
        self._show_page()
        # The form every page placed after "共": the page count, known only now.
        canvas.beginForm(PAGE_TOTAL_FORM)
        canvas.setFillColor(colors.HexColor("#444444"))
        x = PAGE[0] / 2 + 1 * mm + self.width(self.runs("共"), 8.5)
        self.text(x, FOOTER_Y, f" {self.page} 页", size=8.5)
        canvas.endForm()
        canvas.save()


def _main_values(line: SheetLine, *, taxable: bool) -> list[str]:
    values = [
        str(line.seq),
        line.name,
        line.id_masked,
        line.enterprise,
        line.period,
        money(line.standard),
        money(line.gross),
        money(line.offset) if line.offset else "",
    ]
    if taxable:
        values.append(money(line.tax))
    values += [money(line.net), line.bank, line.account_masked, line.state_label, line.failure_reason]
    return values


def _totals_values(label: str, totals: Totals, *, taxable: bool) -> list[str]:
    values = [label, f"{totals.count}人", "", "", "", "", money(totals.gross), money(totals.offset)]
    if taxable:
        values.append(money(totals.tax))
    values.append(money(totals.net))
    return values


@contextmanager
def _binary_streams():
    """Page streams deflated but not ASCII85-armoured: reportlab encodes in Python, a third of a long sheet's
    time, for a file that is downloaded, never pasted into a mail. Restored at once for the other documents."""
    previous = rl_config.useA85
    rl_config.useA85 = 0
    try:
        yield
    finally:
        rl_config.useA85 = previous


def payroll_sheet_pdf(batch: PayrollBatch) -> bytes:
    """The batch's 发放表 as a printable PDF (A4 landscape)."""
    with _binary_streams():
        return _sheet_pdf(batch)


def _sheet_pdf(batch: PayrollBatch) -> bytes:
    heading = batch_heading(batch)
    taxable = heading.taxable
    buffer = BytesIO()
    sheet = SheetCanvas(buffer, heading=heading)

    sheet.start_table(main_columns(taxable=taxable))
    totals, failed = Totals(), Totals()
    for line in line_rows(batch, held=False):
        totals.add(line)
        if line.state == PayrollLineState.FAILED:
            failed.add(line)
        sheet.row(_main_values(line, taxable=taxable))
    # The labels stay within the narrow 序号 column: "合计", and "失败" for the lines the bank returned.
    sheet.row(_totals_values("合计", totals, taxable=taxable), bold_line=True)
    if failed.count:
        sheet.row(_totals_values("失败", failed, taxable=taxable))
    sheet.end_table()

    held = Totals()
    rows = line_rows(batch, held=True)
    first = next(rows, None)
    if first is not None:
        sheet.caption("暂缓发放（不报送银行，原因消除后在以后批次发放）")
        sheet.start_table(HELD_COLUMNS)
        for line in itertools.chain([first], rows):
            held.add(line)
            sheet.row(
                [
                    str(line.seq),
                    line.name,
                    line.id_masked,
                    line.enterprise,
                    line.period,
                    money(line.standard),
                    money(line.gross),
                    line.hold_reason,
                ]
            )
        sheet.row(["合计", f"{held.count}人", "", "", "", "", money(held.gross), ""], bold_line=True)
        sheet.end_table()

    sheet.signatures()
    sheet.finish()
    return buffer.getvalue()
