"""The 复核申请表 as a PDF: one ruled form on A4 portrait, sections stacked so their borders join."""

from reportlab.lib.units import mm
from reportlab.platypus import Spacer, Table

from chieftech.core.pdf import (
    FRAME_WIDTH,
    SHADE,
    SealPlace,
    grid_style,
    para,
    pdf_build,
    pdf_styles,
    plain_style,
)
from chieftech.review.documents.form_content import (
    ACHIEVEMENT_HEADER,
    LEDGER_HEADER,
    ReviewFormContent,
    review_form_content,
)
from chieftech.tenure.models import AnnualReview

SEAL_DIAMETER = 28 * mm


def _widths(*millimetres: float) -> list[float]:
    scale = FRAME_WIDTH / (sum(millimetres) * mm)
    return [m * mm * scale for m in millimetres]


def _person_table(content: ReviewFormContent, s) -> Table:
    p = content.person

    def label(text):
        return para(text, s.label)

    def value(text):
        return para(text, s.cell_center)

    rows = [
        [
            label("姓名"),
            value(p["姓名"]),
            label("性别"),
            value(p["性别"]),
            label("出生年月"),
            value(p["出生年月"]),
        ],
        [
            label("身份证号码"),
            value(p["身份证号码"]),
            "",
            "",
            label("职业（工种）"),
            value(p["职业（工种）"]),
        ],
        [label("工作单位"), value(p["工作单位"]), "", "", label("现岗位"), value(p["现岗位"])],
        [label("管理期"), value(content.term), "", label("复核期间"), value(content.period), ""],
    ]
    style = [
        *grid_style(),
        ("SPAN", (1, 1), (3, 1)),
        ("SPAN", (1, 2), (3, 2)),
        ("SPAN", (1, 3), (2, 3)),
        ("SPAN", (4, 3), (5, 3)),
        ("TOPPADDING", (0, 0), (-1, -1), 6),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
    ]
    return Table(rows, colWidths=_widths(24, 34, 20, 26, 26, 44), style=style)


def _text_table(title: str, text: str, s, *, min_height: float = 24 * mm) -> Table:
    rows = [[para(title, s.section)], [para(text or "", s.body)]]
    style = [*grid_style(), ("BACKGROUND", (0, 0), (-1, 0), SHADE), ("VALIGN", (0, 1), (-1, 1), "TOP")]
    heights = [None, None if text else min_height]
    return Table(rows, colWidths=[FRAME_WIDTH], rowHeights=heights, style=style)


def _list_table(
    title: str, header: tuple, items: list[tuple], widths: list[float], s, *, lead: str = ""
) -> Table:
    columns = len(header)
    rows = [[para(title, s.section)] + [""] * (columns - 1)]
    style = [*grid_style(), ("SPAN", (0, 0), (-1, 0)), ("BACKGROUND", (0, 0), (-1, 0), SHADE)]
    if lead:
        rows.append([para(lead, s.cell)] + [""] * (columns - 1))
        style.append(("SPAN", (0, len(rows) - 1), (-1, len(rows) - 1)))
    rows.append([para(h, s.label) for h in header])
    if items:
        rows += [[para(value, s.cell_center) for value in item] for item in items]
    else:
        rows.append([para("无", s.cell_center)] + [""] * (columns - 1))
        style.append(("SPAN", (0, len(rows) - 1), (-1, len(rows) - 1)))
    return Table(rows, colWidths=widths, style=style, repeatRows=1)


def _signature(left: str, date_text: str, s, *, seal: bool) -> Table:
    right = [SealPlace(diameter=SEAL_DIAMETER), Spacer(1, 1 * mm)] if seal else []
    right.append(para(date_text, s.cell_center))
    block = Table(
        [[para(left, s.cell), right]],
        colWidths=[FRAME_WIDTH - 22 - 56 * mm, 56 * mm],
        style=[*plain_style(), ("VALIGN", (0, 0), (-1, -1), "BOTTOM"), ("LEFTPADDING", (0, 0), (-1, -1), 0)],
    )
    block.hAlign = "LEFT"
    return block


def _box(title: str, body: list, signature: Table) -> Table:
    rows = [[para(title, pdf_styles().section)], [[*body, Spacer(1, 3 * mm), signature]]]
    style = [
        *grid_style(),
        ("BACKGROUND", (0, 0), (-1, 0), SHADE),
        ("NOSPLIT", (0, 0), (-1, -1)),
        ("VALIGN", (0, 1), (-1, 1), "TOP"),
        ("LEFTPADDING", (0, 1), (-1, 1), 8),
        ("TOPPADDING", (0, 1), (-1, 1), 8),
    ]
    return Table(rows, colWidths=[FRAME_WIDTH], style=style)


def review_form_pdf_build(content: ReviewFormContent) -> bytes:
    s = pdf_styles()
    declaration = [para(content.declaration, s.body)]
    if content.declaration_note:
        declaration.append(para(f"说明：{content.declaration_note}", s.cell))
    decision = []
    if content.result:
        decision.append(para(f"复核结论：{content.result}", s.cell))
        if content.result_reason:
            decision.append(para(f"理由：{content.result_reason}", s.cell))
    story = [
        para(content.title, s.title),
        Spacer(1, 2 * mm),
        para(f"填报日期：{content.filled_on}", s.cell_right),
        Spacer(1, 2 * mm),
        _person_table(content, s),
        _text_table("一、履行首席技师职责情况", content.performance, s, min_height=40 * mm),
        _list_table(
            "二、主要技术成果与奖励",
            ACHIEVEMENT_HEADER,
            content.achievements,
            _widths(26, 70, 50, 28),
            s,
            lead=content.achievements_summary,
        ),
        _list_table(
            "三、技能培训和名师带徒情况",
            LEDGER_HEADER,
            content.ledger_rows,
            _widths(26, 34, 34, 48, 32),
            s,
            lead="\n".join(filter(None, [content.mentoring_summary, content.ledger_counts])),
        ),
        _box("四、本人声明", declaration, _signature("本人签名：", content.filled_on, s, seal=False)),
        _box(
            "五、用人单位意见",
            [para(content.enterprise_opinion, s.body)]
            if content.enterprise_opinion
            else [Spacer(1, 12 * mm)],
            _signature("单位负责人（签字）：", content.filled_on, s, seal=True),
        ),
        _box(
            "六、人社部门复核意见",
            decision or [Spacer(1, 12 * mm)],
            _signature("经办人：", content.decided_on, s, seal=True),
        ),
    ]
    name = content.person["姓名"]
    return pdf_build(story, title=f"{content.title}（{name}）", footer=f"{content.title} · {name}")


def review_form_pdf(review: AnnualReview) -> bytes:
    return review_form_pdf_build(review_form_content(review))
