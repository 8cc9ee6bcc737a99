"""The notice as an A4 PDF for one applying enterprise to post (在申报单位公示, 第10条(五)).

The same text and table as the portal's notice page, headed with the enterprise it is meant for, with the
Chinese font embedded so it prints the same anywhere.
"""

from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Spacer, Table

from chieftech.accounts.models import Enterprise
from chieftech.core.pdf import FRAME_WIDTH, grid_style, para, pdf_build, pdf_styles
from chieftech.publicity.domain.notice import NOTICE_TABLE_HEADER, notice_table, notice_text_parts
from chieftech.publicity.models import Notice

POSTING_HINT = "请在本单位显著位置张贴"
REMOVED_MARK = "已取消"


def _widths(*millimetres: float) -> list[float]:
    scale = FRAME_WIDTH / (sum(millimetres) * mm)
    return [m * mm * scale for m in millimetres]


def notice_pdf(notice: Notice, *, enterprise: Enterprise) -> bytes:
    s = pdf_styles()
    heading = ParagraphStyle("posting", parent=s.subtitle, fontSize=11, leading=16, alignment=TA_CENTER)
    right = ParagraphStyle("closing", parent=s.body, alignment=TA_RIGHT, firstLineIndent=0)
    caption = ParagraphStyle("caption", parent=s.section, spaceBefore=6, spaceAfter=4)
    story = [
        para(f"{enterprise.name}：{POSTING_HINT}", heading),
        Spacer(1, 4 * mm),
        para(notice.title, s.title),
        Spacer(1, 3 * mm),
    ]
    paragraphs, closing = notice_text_parts(notice.body)
    story += [para(text, s.body) for text in paragraphs]
    if closing:
        story += [Spacer(1, 3 * mm), *(para(text, right) for text in closing)]
    rows = notice_table(notice)
    removed_any = any(row.removed for row in rows)
    header = [*NOTICE_TABLE_HEADER, *(["备注"] if removed_any else [])]
    table_rows = [[para(h, s.label) for h in header]]
    for row in rows:
        cells = [str(row.order), row.name, row.gender, row.enterprise, row.occupation, row.skill_level]
        if removed_any:
            cells.append(REMOVED_MARK if row.removed else "")
        table_rows.append([para(cell, s.cell_center) for cell in cells])
    widths = _widths(12, 22, 12, 60, 34, 34, *([18] if removed_any else []))
    story += [
        Spacer(1, 6 * mm),
        para(f"{notice.round.title}建议人选名单", caption),
        Table(table_rows, colWidths=widths, style=grid_style(header_rows=1), repeatRows=1),
    ]
    draft = notice.state == Notice.State.DRAFT
    return pdf_build(
        story,
        title=notice.title,
        subject=f"{enterprise.name}张贴用",
        footer=f"{notice.issued_by}{'（草稿，未发布）' if draft else ''}",
    )
