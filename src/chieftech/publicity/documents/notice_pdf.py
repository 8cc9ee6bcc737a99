"""The notice as an A4 PDF for one applying enterprise to post (在申报单位公示, 第10条(五)).

The same text and table as the portal's notice page, headed with the enterprise it is meant for, with the
Chinese font embedded so it prints the same anywhere. It ends with the notice's web address and its QR code:
whoever reads the paper on the wall can open the portal's page, which carries the objection form.
"""

from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer, Table

from chieftech.accounts.models import Enterprise
from chieftech.core.pdf import FRAME_WIDTH, grid_style, para, pdf_build, pdf_styles, plain_style
from chieftech.publicity.domain.notice import (
    NOTICE_TABLE_HEADER,
    notice_public_url,
    notice_table,
    notice_text_parts,
)
from chieftech.publicity.models import Notice

POSTING_HINT = "请在本单位显著位置张贴"
REMOVED_MARK = "已取消"
QR_SIZE = 26 * mm
QR_HINT = "扫码或访问以下网址查看网上公示，对公示人选有异议的，可在网上公示页面提交："


def notice_qr(notice: Notice) -> QrCodeWidget:
    """The QR code of the notice's public page, error correction M (survives a creased or worn print)."""
    return QrCodeWidget(notice_public_url(notice), barLevel="M", barBorder=2)


class QrCode(Flowable):
    """A QR code drawn as filled squares on the canvas: reportlab's Drawing would name Helvetica in the file
    without embedding it, and every font of the notice is embedded."""

    def __init__(self, widget: QrCodeWidget, size: float):
        super().__init__()
        self.widget = widget
        self.width = self.height = size

    def wrap(self, available_width, available_height):
        return self.width, self.height

    def draw(self):
        qr = self.widget.qr
        qr.make()
        border = int(self.widget.barBorder)
        side = qr.getModuleCount() + 2 * border
        canvas = self.canv
        canvas.saveState()
        canvas.scale(self.width / side, self.height / side)
        canvas.setFillColor(colors.black)
        path = canvas.beginPath()
        for r, row in enumerate(qr.modules):
            for c, dark in enumerate(row):
                if dark:
                    path.rect(c + border, side - border - 1 - r, 1, 1)
        canvas.drawPath(path, stroke=0, fill=1)
        canvas.restoreState()


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
    link = ParagraphStyle("link", parent=s.body, firstLineIndent=0, fontSize=9.5, leading=14)
    story += [
        Spacer(1, 8 * mm),
        Table(
            [
                [
                    QrCode(notice_qr(notice), QR_SIZE),
                    [para(QR_HINT, link), para(notice_public_url(notice), link)],
                ]
            ],
            colWidths=[QR_SIZE + 4 * mm, FRAME_WIDTH - QR_SIZE - 4 * mm],
            style=[
                *plain_style(),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("LEFTPADDING", (0, 0), (0, 0), 0),
            ],
        ),
    ]
    draft = notice.state == Notice.State.DRAFT
    return pdf_build(
        story,
        title=notice.title,
        subject=f"{enterprise.name}张贴用",
        footer=f"{notice.issued_by}{'（草稿，未发布）' if draft else ''}",
    )
