"""The 申报表 as a PDF: one continuous ruled form on A4, sections stacked so their borders join."""

import re

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Spacer, Table

from chieftech.core.pdf import (
    FRAME_WIDTH,
    LINE_COLOR,
    SHADE,
    SealPlace,
    grid_style,
    para,
    pdf_build,
    pdf_styles,
    plain_style,
)
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

# Labels that would otherwise wrap in the middle of a word.
LABEL_BREAKS = {"从事本工种年限": "从事本工种\n年限", "最高技能等级": "最高技能\n等级"}
# A row of the deeds holds at most this many characters, so no single row outgrows a page.
DEEDS_CHUNK = 240
SEAL_DIAMETER = 30 * mm
_SENTENCE_END = re.compile(r"(?<=[。！？；])")


def _widths(*millimetres: float) -> list[float]:
    scale = FRAME_WIDTH / (sum(millimetres) * mm)
    return [m * mm * scale for m in millimetres]


def _section_row(title: str, columns: int, s) -> list:
    return [para(title, s.section)] + [""] * (columns - 1)


def _section_style(columns: int, *, keep_rows: int = 2) -> list[tuple]:
    """The title row spans the table; it never stays behind at the foot of a page without its rows."""
    return [
        ("SPAN", (0, 0), (columns - 1, 0)),
        ("BACKGROUND", (0, 0), (-1, 0), SHADE),
        ("NOSPLIT", (0, 0), (-1, keep_rows - 1)),
    ]


def _person_table(content: FormContent, s) -> Table:
    p = content.person

    def label(text):
        return para(LABEL_BREAKS.get(text, text), s.label)

    def value(key):
        return para(p[key], s.cell_center)

    # Smaller, so the longer of the two choices keeps to one line.
    route_style = ParagraphStyle("route", parent=s.cell, fontSize=9, leading=13)

    rows = [
        _section_row("一、基本情况", 7, s),
        [
            label("姓名"),
            value("姓名"),
            label("性别"),
            value("性别"),
            label("出生年月"),
            value("出生年月"),
            para("照片\n（一寸免冠）", s.label),
        ],
        [label("文化程度"), value("文化程度"), label("身份证号码"), value("身份证号码"), "", "", ""],
        [label("联系电话"), value("联系电话"), label("工作单位"), value("工作单位"), "", "", ""],
        [label("所在镇街"), value("所在镇街"), label("所属行业"), value("所属行业"), "", "", ""],
        [label("职业（工种）"), value("职业（工种）"), label("一线岗位"), value("一线岗位"), "", "", ""],
        [
            label("从事本工种年限"),
            value("从事本工种年限"),
            label("最高技能等级"),
            value("最高技能等级"),
            label("推荐方式"),
            para(p["推荐方式"], route_style),
            "",
        ],
    ]
    style = grid_style() + _section_style(7)
    style += [
        ("SPAN", (6, 1), (6, 4)),
        ("SPAN", (3, 2), (5, 2)),
        ("SPAN", (3, 3), (5, 3)),
        ("SPAN", (3, 4), (5, 4)),
        ("SPAN", (3, 5), (6, 5)),
        ("SPAN", (5, 6), (6, 6)),
        ("TOPPADDING", (0, 1), (-1, -1), 6),
        ("BOTTOMPADDING", (0, 1), (-1, -1), 6),
    ]
    return Table(rows, colWidths=_widths(25, 31, 22, 26, 20, 22, 28), style=style)


def _list_table(title: str, header: tuple, items: list[tuple], widths: list[float], s, *, blank: bool):
    columns = len(header)
    rows = [_section_row(title, columns, s), [para(h, s.label) for h in header]]
    style = grid_style() + _section_style(columns, keep_rows=3)
    if items:
        rows += [[para(value, s.cell_center) for value in item] for item in items]
        if blank:
            # Room to write by hand.
            heights = [None, None] + [9 * mm] * len(items)
            return Table(rows, colWidths=widths, rowHeights=heights, style=style, repeatRows=2)
    else:
        rows.append([para("无", s.cell_center)] + [""] * (columns - 1))
        style.append(("SPAN", (0, 2), (-1, 2)))
    return Table(rows, colWidths=widths, style=style, repeatRows=2)


def _apprentices_table(content: FormContent, s) -> Table:
    rows = [
        _section_row("五、传技带徒", 4, s),
        [
            para("带徒人数", s.label),
            para(content.apprentices_trained, s.cell_center),
            para("带徒成效", s.label),
            para(content.apprentices_summary, s.cell),
        ],
    ]
    style = grid_style() + _section_style(4)
    heights = [None, 22 * mm] if content.blank else None
    return Table(rows, colWidths=_widths(25, 31, 22, 96), rowHeights=heights, style=style)


def _deeds_chunks(text: str) -> list[tuple[str, bool]]:
    """(text, starts a paragraph) pieces of the deeds, each short enough to sit in one table row."""
    pieces = []
    for paragraph in (line.strip() for line in text.replace("\r\n", "\n").split("\n")):
        if not paragraph:
            continue
        current, first = "", True
        for sentence in _SENTENCE_END.split(paragraph):
            while len(sentence) > DEEDS_CHUNK:
                head, sentence = sentence[:DEEDS_CHUNK], sentence[DEEDS_CHUNK:]
                if current:
                    pieces.append((current, first))
                    current, first = "", False
                pieces.append((head, first))
                first = False
            if current and len(current) + len(sentence) > DEEDS_CHUNK:
                pieces.append((current, first))
                current, first = "", False
            current += sentence
        if current:
            pieces.append((current, first))
    return pieces


def _deeds_table(content: FormContent, s) -> Table:
    continued = ParagraphStyle("deeds_continued", parent=s.body, firstLineIndent=0)
    rows = [[para(f"六、{content.deeds_heading}", s.section)]]
    style = [
        *plain_style(),
        ("BOX", (0, 0), (-1, -1), 1.0, LINE_COLOR),
        ("LINEBELOW", (0, 0), (-1, 0), 0.5, LINE_COLOR),
        ("BACKGROUND", (0, 0), (-1, 0), SHADE),
        ("LEFTPADDING", (0, 0), (-1, -1), 6),
        ("RIGHTPADDING", (0, 0), (-1, -1), 6),
        ("TOPPADDING", (0, 0), (-1, -1), 1),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
        ("TOPPADDING", (0, 0), (-1, 0), 4),
        ("BOTTOMPADDING", (0, 0), (-1, 0), 4),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("NOSPLIT", (0, 0), (-1, 1)),
    ]
    heights = None
    chunks = _deeds_chunks(content.deeds)
    if chunks:
        rows += [[para(text, s.body if first else continued)] for text, first in chunks]
        style += [("TOPPADDING", (0, 1), (-1, 1), 6), ("BOTTOMPADDING", (0, -1), (-1, -1), 8)]
    else:
        rows.append([""])
        heights = [None, 55 * mm if content.blank else 12 * mm]
    return Table(rows, colWidths=[FRAME_WIDTH], rowHeights=heights, style=style)


def _notice_table(content: FormContent, s) -> Table:
    rows = [
        _section_row("七、单位内部公示情况", 4, s),
        [
            para("公示时间", s.label),
            para(content.notice_period, s.cell_center),
            para("公示结果", s.label),
            para(content.notice_outcome, s.cell_center),
        ],
    ]
    style = grid_style() + _section_style(4) + [("TOPPADDING", (0, 1), (-1, 1), 7)]
    style.append(("BOTTOMPADDING", (0, 1), (-1, 1), 7))
    return Table(rows, colWidths=_widths(25, 72, 22, 55), style=style)


def _signature_block(left: str, date_text: str, s) -> Table:
    """Signer on the left; the seal over the date on the right."""
    right = [SealPlace(diameter=SEAL_DIAMETER), Spacer(1, 1 * mm), para(date_text, s.cell_center)]
    block = Table(
        [[para(left, s.cell), right]],
        colWidths=[FRAME_WIDTH - 22 - 56 * mm, 56 * mm],
        style=[
            *plain_style(),
            ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
            ("ALIGN", (1, 0), (1, 0), "CENTER"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ],
    )
    block.hAlign = "LEFT"
    return block


def _opinion_table(title: str, body: list, signer: str, date_text: str, s) -> Table:
    # The seal's place leaves room enough to write an opinion by hand.
    cell = [*body, _signature_block(signer, date_text, s)]
    rows = [[para(title, s.section)], [cell]]
    style = [
        *grid_style(),
        ("BACKGROUND", (0, 0), (-1, 0), SHADE),
        ("NOSPLIT", (0, 0), (-1, -1)),
        ("VALIGN", (0, 1), (-1, 1), "TOP"),
        ("LEFTPADDING", (0, 1), (-1, 1), 8),
        ("RIGHTPADDING", (0, 1), (-1, 1), 14),
        ("TOPPADDING", (0, 1), (-1, 1), 8),
        ("BOTTOMPADDING", (0, 1), (-1, 1), 8),
    ]
    return Table(rows, colWidths=[FRAME_WIDTH], style=style)


def _enterprise_box(content: FormContent, s) -> Table:
    body = [para(content.enterprise_opinion, s.body)] if content.enterprise_opinion else []
    return _opinion_table(
        "八、推荐单位意见",
        body,
        "推荐单位负责人（签字）：",
        DATE_LINE,
        s,
    )


def _review_box(content: FormContent, s) -> Table:
    review = content.review
    title = f"九、{REVIEW_AUTHORITY}审查意见"
    if review is None:
        return _opinion_table(title, [], "经办人：", DATE_LINE, s)
    body = [para(f"审查结论：{review.outcome}", s.cell)]
    if review.reason:
        body.append(para(f"审查意见：{review.reason}", s.cell))
    return _opinion_table(title, body, f"经办人：{review.officer}", review.decided_on, s)


def _heading(content: FormContent, s) -> list:
    info = Table(
        [
            [para(f"批次：{content.round_title}", s.subtitle), para(f"编号：{content.number}", s.subtitle)],
            [para("推荐单位（盖章）：", s.subtitle), para(f"填报日期：{content.filled_on}", s.subtitle)],
        ],
        colWidths=[FRAME_WIDTH * 0.62, FRAME_WIDTH * 0.38],
        style=[
            *plain_style(),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ],
    )
    return [para(content.title, s.title), Spacer(1, 4 * mm), info, Spacer(1, 2 * mm)]


def form_pdf(content: FormContent) -> bytes:
    s = pdf_styles()
    blank = content.blank
    story = [
        *_heading(content, s),
        _person_table(content, s),
        _list_table(
            "二、职业资格/技能等级证书",
            CERTIFICATE_HEADER,
            content.certificates,
            _widths(28, 30, 44, 44, 28),
            s,
            blank=blank,
        ),
        _list_table(
            "三、职业技能竞赛成绩",
            COMPETITION_HEADER,
            content.competitions,
            _widths(74, 30, 40, 30),
            s,
            blank=blank,
        ),
        _list_table(
            "四、技术创新革新成果、专利、标准工艺与操作法、获奖情况",
            ACHIEVEMENT_HEADER,
            content.achievements,
            _widths(30, 50, 34, 26, 34),
            s,
            blank=blank,
        ),
        _apprentices_table(content, s),
        _deeds_table(content, s),
        _notice_table(content, s),
        _enterprise_box(content, s),
        _review_box(content, s),
    ]
    if content.notes:
        story += [Spacer(1, 3 * mm), para("填表说明：", s.note)]
        story += [para(f"{i}. {note}", s.note) for i, note in enumerate(content.notes, start=1)]
    name = content.person.get("姓名") or ""
    return pdf_build(
        story,
        title=f"{content.title}（{name}）" if name else content.title,
        subject=content.round_title,
        footer=f"{content.title}{' · ' + name if name else ''}",
    )


def application_form_pdf(application: Application, *, reveal: bool = False) -> bytes:
    return form_pdf(application_form_content(application, reveal=reveal))


def blank_form_pdf(round_: Round) -> bytes:
    return form_pdf(blank_form_content(round_))
