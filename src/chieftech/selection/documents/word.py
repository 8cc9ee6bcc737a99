"""The 申报表 as a Word document (.docx), the same sections as the PDF, for offices that fill forms in Word."""

from io import BytesIO

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from chieftech.selection.documents.form import (
    ACHIEVEMENT_HEADER,
    CERTIFICATE_HEADER,
    COMPETITION_HEADER,
    DATE_LINE,
    REVIEW_AUTHORITY,
    FormContent,
    application_form_content,
    blank_form_content,
)
from chieftech.selection.models import Application, Round

BODY_FONT = "宋体"
HEADING_FONT = "黑体"
LATIN_FONT = "Times New Roman"
TEXT_WIDTH_MM = 174  # A4 less 18 mm margins, as the PDF
SHADE = "E6E6E6"


def _set_run_font(run, east_asian: str, size: float | None = None, bold: bool = False) -> None:
    run.font.name = LATIN_FONT
    # Word picks Chinese glyphs from w:eastAsia; without it, it falls back to the theme font.
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), east_asian)
    if size:
        run.font.size = Pt(size)
    run.bold = bold


def _setup(document) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(18)
    section.top_margin, section.bottom_margin = Mm(18), Mm(20)
    normal = document.styles["Normal"]
    normal.font.name = LATIN_FONT
    normal.font.size = Pt(10.5)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.space_before = Pt(0)


def _paragraph(container, text: str, *, align=None, size=None, font=BODY_FONT, bold=False, indent=False):
    paragraph = container.add_paragraph()
    if align is not None:
        paragraph.alignment = align
    if indent:
        paragraph.paragraph_format.first_line_indent = Pt(21)
    _set_run_font(paragraph.add_run(text), font, size, bold)
    return paragraph


def _write(cell, text: str, *, align=WD_ALIGN_PARAGRAPH.CENTER, font=BODY_FONT, bold=False) -> None:
    """Replace a cell's text; line breaks become separate paragraphs."""
    lines = (text or "").split("\n")
    first = cell.paragraphs[0]
    first.alignment = align
    _set_run_font(first.add_run(lines[0]), font, None, bold)
    for line in lines[1:]:
        _paragraph(cell, line, align=align, font=font, bold=bold)
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER


def _shade(cell) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), SHADE)
    cell._tc.get_or_add_tcPr().append(shading)


def _row_height(row, millimetres: float) -> None:
    row.height = Mm(millimetres)


def _table(document, rows: int, widths_mm: list[float]):
    table = document.add_table(rows=rows, cols=len(widths_mm))
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _widths(table, [width * TEXT_WIDTH_MM / sum(widths_mm) for width in widths_mm])
    return table


def _widths(table, widths_mm: list[float]) -> None:
    # Word lays out a fixed table by its grid (w:gridCol); other programs read each cell's width.
    for column, width in zip(table.columns, widths_mm, strict=True):
        column.width = Mm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths_mm, strict=True):
            cell.width = Mm(width)


def _section_title(table, row: int, title: str) -> None:
    cell = table.cell(row, 0).merge(table.cell(row, len(table.columns) - 1))
    _write(cell, title, align=WD_ALIGN_PARAGRAPH.LEFT, font=HEADING_FONT)
    _shade(cell)


def _person(document, content: FormContent) -> None:
    p = content.person
    table = _table(document, 7, [25, 31, 22, 26, 20, 22, 28])
    _section_title(table, 0, "一、基本情况")
    layout = [
        (1, [("姓名", 0), ("性别", 2), ("出生年月", 4)]),
        (2, [("文化程度", 0), ("身份证号码", 2)]),
        (3, [("联系电话", 0), ("工作单位", 2)]),
        (4, [("所在镇街", 0), ("所属行业", 2)]),
        (5, [("职业（工种）", 0), ("一线岗位", 2)]),
        (6, [("从事本工种年限", 0), ("最高技能等级", 2), ("推荐方式", 4)]),
    ]
    merges = {(2, 3): 5, (3, 3): 5, (4, 3): 5, (5, 3): 6, (6, 5): 6}
    for row, fields in layout:
        _row_height(table.rows[row], 9)
        for label, column in fields:
            _write(table.cell(row, column), label)
            end = merges.get((row, column + 1), column + 1)
            cell = table.cell(row, column + 1)
            if end != column + 1:
                cell = cell.merge(table.cell(row, end))
            align = WD_ALIGN_PARAGRAPH.LEFT if label == "推荐方式" else WD_ALIGN_PARAGRAPH.CENTER
            _write(cell, p[label], align=align)
    photo = table.cell(1, 6).merge(table.cell(4, 6))
    _write(photo, "照片\n（一寸免冠）")


def _list(document, title: str, header: tuple, items: list[tuple], widths: list[float], *, blank: bool):
    rows = max(len(items), 1)
    table = _table(document, rows + 2, widths)
    _section_title(table, 0, title)
    for column, text in enumerate(header):
        _write(table.cell(1, column), text)
    if not items:
        _write(table.cell(2, 0).merge(table.cell(2, len(header) - 1)), "无")
        return
    for offset, item in enumerate(items):
        for column, text in enumerate(item):
            _write(table.cell(2 + offset, column), text)
        if blank:
            _row_height(table.rows[2 + offset], 9)


def _apprentices(document, content: FormContent) -> None:
    table = _table(document, 2, [25, 31, 22, 96])
    _section_title(table, 0, "五、传技带徒")
    _write(table.cell(1, 0), "带徒人数")
    _write(table.cell(1, 1), content.apprentices_trained)
    _write(table.cell(1, 2), "带徒成效")
    _write(table.cell(1, 3), content.apprentices_summary, align=WD_ALIGN_PARAGRAPH.LEFT)
    _row_height(table.rows[1], 22 if content.blank else 9)


def _deeds(document, content: FormContent) -> None:
    table = _table(document, 2, [174])
    _section_title(table, 0, f"六、{content.deeds_heading}")
    cell = table.cell(1, 0)
    paragraphs = [line.strip() for line in content.deeds.replace("\r\n", "\n").split("\n") if line.strip()]
    if paragraphs:
        first = cell.paragraphs[0]
        first.paragraph_format.first_line_indent = Pt(21)
        first.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        _set_run_font(first.add_run(paragraphs[0]), BODY_FONT)
        for text in paragraphs[1:]:
            _paragraph(cell, text, align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent=True)
    else:
        _row_height(table.rows[1], 95 if content.blank else 12)


def _notice(document, content: FormContent) -> None:
    table = _table(document, 2, [25, 72, 22, 55])
    _section_title(table, 0, "七、单位内部公示情况")
    _write(table.cell(1, 0), "公示时间")
    _write(table.cell(1, 1), content.notice_period)
    _write(table.cell(1, 2), "公示结果")
    _write(table.cell(1, 3), content.notice_outcome)
    _row_height(table.rows[1], 10)


def _opinion(document, title: str, body: list[str], signer: str, date_text: str, *, room: float) -> None:
    table = _table(document, 2, [174])
    _section_title(table, 0, title)
    cell = table.cell(1, 0)
    paragraph = cell.paragraphs[0]
    for number, text in enumerate(body):
        if number:
            paragraph = cell.add_paragraph()
        paragraph.paragraph_format.first_line_indent = Pt(21)
        _set_run_font(paragraph.add_run(text), BODY_FONT)
    # Room to write the opinion by hand, and for the seal.
    paragraph.paragraph_format.space_after = Pt(room)
    _paragraph(cell, "（盖章）", align=WD_ALIGN_PARAGRAPH.RIGHT).paragraph_format.space_before = Pt(24)
    _paragraph(cell, signer, align=WD_ALIGN_PARAGRAPH.LEFT).paragraph_format.space_before = Pt(6)
    _paragraph(cell, date_text, align=WD_ALIGN_PARAGRAPH.RIGHT).paragraph_format.space_after = Pt(6)


def _heading(document, content: FormContent) -> None:
    title = _paragraph(document, content.title, align=WD_ALIGN_PARAGRAPH.CENTER, size=20, font=HEADING_FONT)
    title.paragraph_format.space_after = Pt(12)
    table = document.add_table(rows=2, cols=2)
    table.autofit = False
    texts = [
        (f"批次：{content.round_title}", f"编号：{content.number}"),
        ("推荐单位（盖章）：", f"填报日期：{content.filled_on}"),
    ]
    _widths(table, [108, 66])
    for row, (left, right) in enumerate(texts):
        _write(table.cell(row, 0), left, align=WD_ALIGN_PARAGRAPH.LEFT)
        _write(table.cell(row, 1), right, align=WD_ALIGN_PARAGRAPH.LEFT)
    document.add_paragraph().paragraph_format.space_after = Pt(2)


def form_docx(content: FormContent) -> bytes:
    document = Document()
    _setup(document)
    name = content.person.get("姓名") or ""
    document.core_properties.title = f"{content.title}（{name}）" if name else content.title
    document.core_properties.subject = content.round_title
    document.core_properties.author = content.bureau
    _heading(document, content)
    _person(document, content)
    blank = content.blank
    _list(
        document,
        "二、职业资格/技能等级证书",
        CERTIFICATE_HEADER,
        content.certificates,
        [28, 30, 44, 44, 28],
        blank=blank,
    )
    _list(
        document,
        "三、职业技能竞赛成绩",
        COMPETITION_HEADER,
        content.competitions,
        [74, 30, 40, 30],
        blank=blank,
    )
    _list(
        document,
        "四、技术创新革新成果、专利、标准工艺与操作法、获奖情况",
        ACHIEVEMENT_HEADER,
        content.achievements,
        [30, 50, 34, 26, 34],
        blank=blank,
    )
    _apprentices(document, content)
    _deeds(document, content)
    _notice(document, content)
    opinion = [content.enterprise_opinion] if content.enterprise_opinion else []
    _opinion(
        document,
        "八、推荐单位意见",
        opinion,
        "推荐单位负责人（签字）：",
        DATE_LINE,
        room=0 if opinion else 48,
    )
    review = content.review
    title = f"九、{REVIEW_AUTHORITY}审查意见"
    if review is None:
        _opinion(document, title, [], "经办人：", DATE_LINE, room=60)
    else:
        body = [f"审查结论：{review.outcome}"] + ([f"审查意见：{review.reason}"] if review.reason else [])
        _opinion(document, title, body, f"经办人：{review.officer}", review.decided_on, room=0)
    if content.notes:
        _paragraph(document, "填表说明：", size=9).paragraph_format.space_before = Pt(6)
        for number, note in enumerate(content.notes, start=1):
            _paragraph(document, f"{number}. {note}", size=9)
    buffer = BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def application_form_docx(application: Application, *, reveal: bool = False) -> bytes:
    return form_docx(application_form_content(application, reveal=reveal))


def blank_form_docx(round_: Round) -> bytes:
    return form_docx(blank_form_content(round_))
