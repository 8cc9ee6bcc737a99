"""The 复核申请表 as a Word document (.docx): the same table as the PDF, for offices that fill forms in Word.

The page set-up, fonts and cell writing are the 申报表's (chieftech.selection.documents.word), so both forms of
the programme print alike."""

from io import BytesIO

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from chieftech.review.documents.form_content import (
    ACHIEVEMENT_HEADER,
    LEDGER_HEADER,
    ReviewFormContent,
    review_form_content,
)
from chieftech.selection.documents.word import (
    HEADING_FONT,
    _paragraph,
    _section_title,
    _setup,
    _table,
    _write,
)
from chieftech.tenure.models import AnnualReview

LEFT = WD_ALIGN_PARAGRAPH.LEFT


def _person(document, content: ReviewFormContent) -> None:
    p = content.person
    table = _table(document, 4, [24, 34, 20, 26, 26, 44])
    cells = [
        [
            ("姓名", 0, 0),
            (p["姓名"], 1, 1),
            ("性别", 2, 2),
            (p["性别"], 3, 3),
            ("出生年月", 4, 4),
            (p["出生年月"], 5, 5),
        ],
        [("身份证号码", 0, 0), (p["身份证号码"], 1, 3), ("职业（工种）", 4, 4), (p["职业（工种）"], 5, 5)],
        [("工作单位", 0, 0), (p["工作单位"], 1, 3), ("现岗位", 4, 4), (p["现岗位"], 5, 5)],
        [("管理期", 0, 0), (content.term, 1, 2), ("复核期间", 3, 3), (content.period, 4, 5)],
    ]
    for row, items in enumerate(cells):
        for text, first, last in items:
            cell = table.cell(row, first)
            if last != first:
                cell = cell.merge(table.cell(row, last))
            _write(cell, text)


def _text(document, title: str, text: str, *, room: float = 60) -> None:
    table = _table(document, 2, [174])
    _section_title(table, 0, title)
    _write(table.cell(1, 0), text, align=LEFT)
    if not text:
        table.cell(1, 0).paragraphs[0].paragraph_format.space_after = Pt(room)


def _list(document, title: str, lead: str, header: tuple, items: list[tuple], widths: list[float]) -> None:
    extra = 1 if lead else 0
    table = _table(document, 2 + extra + max(len(items), 1), widths)
    _section_title(table, 0, title)
    if lead:
        _write(table.cell(1, 0).merge(table.cell(1, len(header) - 1)), lead, align=LEFT)
    for column, text in enumerate(header):
        _write(table.cell(1 + extra, column), text, font=HEADING_FONT)
    for row, item in enumerate(items, start=2 + extra):
        for column, text in enumerate(item):
            _write(table.cell(row, column), text)
    if not items:
        _write(table.cell(2 + extra, 0).merge(table.cell(2 + extra, len(header) - 1)), "无")


def _signed(document, title: str, body: list[str], signer: str, date_text: str, *, seal: bool) -> None:
    table = _table(document, 2, [174])
    _section_title(table, 0, title)
    cell = table.cell(1, 0)
    paragraph = cell.paragraphs[0]
    for number, text in enumerate(body):
        if number:
            paragraph = cell.add_paragraph()
        paragraph.paragraph_format.first_line_indent = Pt(21)
        paragraph.add_run(text)
    paragraph.paragraph_format.space_after = Pt(24 if body else 48)
    if seal:
        _paragraph(cell, "（盖章）", align=WD_ALIGN_PARAGRAPH.RIGHT).paragraph_format.space_before = Pt(18)
    _paragraph(cell, signer, align=LEFT).paragraph_format.space_before = Pt(6)
    _paragraph(cell, date_text, align=WD_ALIGN_PARAGRAPH.RIGHT).paragraph_format.space_after = Pt(6)


def review_form_docx_build(content: ReviewFormContent) -> bytes:
    document = Document()
    _setup(document)
    name = content.person["姓名"]
    document.core_properties.title = f"{content.title}（{name}）"
    title = _paragraph(document, content.title, align=WD_ALIGN_PARAGRAPH.CENTER, size=20, font=HEADING_FONT)
    title.paragraph_format.space_after = Pt(6)
    _paragraph(document, f"填报日期：{content.filled_on}", align=WD_ALIGN_PARAGRAPH.RIGHT)
    _person(document, content)
    _text(document, "一、履行首席技师职责情况", content.performance)
    _list(
        document,
        "二、主要技术成果与奖励",
        content.achievements_summary,
        ACHIEVEMENT_HEADER,
        content.achievements,
        [26, 70, 50, 28],
    )
    lead = "\n".join(filter(None, [content.mentoring_summary, content.ledger_counts]))
    _list(
        document, "三、技能培训和名师带徒情况", lead, LEDGER_HEADER, content.ledger_rows, [26, 34, 34, 48, 32]
    )
    declaration = [content.declaration] + (
        [f"说明：{content.declaration_note}"] if content.declaration_note else []
    )
    _signed(document, "四、本人声明", declaration, "本人签名：", content.filled_on, seal=False)
    opinion = [content.enterprise_opinion] if content.enterprise_opinion else []
    _signed(document, "五、用人单位意见", opinion, "单位负责人（签字）：", content.filled_on, seal=True)
    decision = []
    if content.result:
        decision = [f"复核结论：{content.result}"] + (
            [f"理由：{content.result_reason}"] if content.result_reason else []
        )
    _signed(document, "六、人社部门复核意见", decision, "经办人：", content.decided_on, seal=True)
    buffer = BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def review_form_docx(review: AnnualReview) -> bytes:
    return review_form_docx_build(review_form_content(review))
