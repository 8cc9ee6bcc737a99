"""The certificate as a printable A4 landscape PDF with a QR code to its public verification page.

Drawn on the canvas (a certificate is a fixed layout, not flowing text), in the serif (Ming) face with
its fallbacks for rare characters, embedded, under the authority's own title (Authority.title_name).
No photo and no ID number is printed: whoever holds the paper can check it at the QR target instead.
"""

import itertools
from collections.abc import Iterable
from io import BytesIO

from django.conf import settings
from django.urls import reverse
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.lib import colors
from reportlab.lib.enums import TA_JUSTIFY
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from chieftech.certificates.models import Certificate
from chieftech.core.dates import date_zh
from chieftech.core.pdf import ChineseParagraph, draw_text, markup, register_cjk_font, serif_font, text_width
from chieftech.core.site import site_name
from chieftech.policy.wording import authority_values, wording_render

PAGE = landscape(A4)
RED = colors.HexColor("#A61B1B")
GOLD = colors.HexColor("#B8862B")
INK = colors.HexColor("#1F2328")
MUTED = colors.HexColor("#5B6470")
QR_SIZE = 28 * mm
TITLE_SIZE = 40
MARGIN = 40 * mm
# The QR code's lower left corner on the page (points from the bottom left).
QR_AT = (MARGIN, 32 * mm)

# What a certificate needs, in one query for any number of them.
CERTIFICATE_RELATED = (
    "tenure__application__round__government_approval",
    "tenure__application__round__authority",
    "tenure__enterprise",
)


def verification_url(certificate: Certificate) -> str:
    """The public page the QR code leads to: at the issuing authority's own address when it has one."""
    base = (
        certificate.tenure.application.round.authority.public_base_url.rstrip("/") or settings.PUBLIC_BASE_URL
    )
    return base + reverse("verify:verify", args=[certificate.verification_code])


def certificate_qr(certificate: Certificate) -> QrCodeWidget:
    """The QR code of a certificate: its verification URL, error correction M (survives a worn print)."""
    return QrCodeWidget(verification_url(certificate), barLevel="M", barBorder=2)


def _draw_qr(canvas: Canvas, widget: QrCodeWidget, x: float, y: float, size: float) -> None:
    """The widget's modules as one filled path: encoded once, a run of dark modules in a row is one
    rectangle, and the path is drawn in module units (whole numbers, quick to write) scaled to `size`.
    The widget's own drawing encodes twice and builds a shape per run, about ten times slower."""
    qr = widget.qr
    qr.make()
    count = qr.getModuleCount()
    border = int(widget.barBorder)
    side = count + 2 * border
    path = canvas.beginPath()
    for r, row in enumerate(qr.modules):
        c = 0
        top = side - border - 1 - r
        for dark, run in itertools.groupby(bool(module) for module in row):
            length = len(list(run))
            if dark:
                path.rect(c + border, top, length, 1)
            c += length
    canvas.saveState()
    canvas.translate(x, y)
    canvas.scale(size / side, size / side)
    canvas.setFillColor(colors.black)
    canvas.drawPath(path, stroke=0, fill=1)
    canvas.restoreState()


def _body_style() -> ParagraphStyle:
    return ParagraphStyle(
        "certificate-body",
        fontName=serif_font(),
        fontSize=17,
        leading=30,
        alignment=TA_JUSTIFY,
        firstLineIndent=34,
        wordWrap="CJK",
        textColor=INK,
    )


def _frame(canvas: Canvas) -> None:
    width, height = PAGE
    canvas.setStrokeColor(RED)
    canvas.setLineWidth(6)
    canvas.rect(12 * mm, 12 * mm, width - 24 * mm, height - 24 * mm)
    canvas.setStrokeColor(GOLD)
    canvas.setLineWidth(1.2)
    canvas.rect(17 * mm, 17 * mm, width - 34 * mm, height - 34 * mm)
    # Corner ornaments: short gold strokes inside each corner.
    canvas.setLineWidth(2.4)
    for x, y, dx, dy in (
        (20 * mm, 20 * mm, 1, 1),
        (width - 20 * mm, 20 * mm, -1, 1),
        (20 * mm, height - 20 * mm, 1, -1),
        (width - 20 * mm, height - 20 * mm, -1, -1),
    ):
        canvas.line(x, y, x + dx * 14 * mm, y)
        canvas.line(x, y, x, y + dy * 14 * mm)


def _draw_certificate(canvas: Canvas, certificate: Certificate, style: ParagraphStyle) -> None:
    tenure = certificate.tenure
    application = tenure.application
    round_ = application.round
    approval = getattr(round_, "government_approval", None)
    width = PAGE[0]
    left, right = MARGIN, width - MARGIN

    authority = round_.authority
    font = style.fontName
    _frame(canvas)
    canvas.setFillColor(RED)
    title = f"{authority.title_name}证书"
    # 40 pt, smaller for a long title so that it stays inside the frame.
    title_size = min(TITLE_SIZE, TITLE_SIZE * (right - left) / text_width(title, font=font, size=TITLE_SIZE))
    draw_text(canvas, width / 2, 165 * mm, title, font=font, size=title_size, align="center")
    canvas.setFillColor(MUTED)
    draw_text(
        canvas, width / 2, 155 * mm, f"证书编号：{certificate.number}", font=font, size=12, align="center"
    )

    # The salutation, then the text with its two-character indent.
    canvas.setFillColor(INK)
    draw_text(canvas, left, 140 * mm, f"{application.name}同志：", font=font, size=style.fontSize)
    wording = wording_render(
        authority.certificate_wording, {**authority_values(authority), "year": round_.year}
    )
    body = ChineseParagraph(markup(wording, font=font), style)
    _, body_height = body.wrap(right - left, 40 * mm)
    body.drawOn(canvas, left, 140 * mm - 4 * mm - body_height)

    rows = [
        ("姓　　名", application.name),
        ("工作单位", tenure.enterprise.name),
        ("职业（工种）", application.occupation),
        ("管 理 期", f"{date_zh(tenure.starts_on)}至{date_zh(tenure.ends_on)}"),
        ("批准文号", approval.document_number if approval else ""),
    ]
    y = 104 * mm
    for label, value in rows:
        canvas.setFillColor(MUTED)
        draw_text(canvas, left, y, f"{label}：", font=font, size=13)
        canvas.setFillColor(INK)
        draw_text(canvas, left + 34 * mm, y, value, font=font, size=13)
        y -= 8 * mm

    # The issuing authority and date, bottom right, where the seal goes.
    draw_text(canvas, right, 44 * mm, authority.bureau_name, font=font, size=15, align="right")
    draw_text(
        canvas, right - 14 * mm, 35 * mm, date_zh(certificate.issued_on), font=font, size=13, align="right"
    )
    canvas.saveState()
    canvas.setStrokeColor(colors.HexColor("#C9A0A0"))
    canvas.setDash(2, 2)
    canvas.setLineWidth(0.6)
    canvas.circle(right - 28 * mm, 44 * mm, 19 * mm, stroke=1, fill=0)
    canvas.restoreState()

    # The QR code to the public verification page, bottom left, the code printed under it.
    qr_x, qr_y = QR_AT
    _draw_qr(canvas, certificate_qr(certificate), qr_x, qr_y, QR_SIZE)
    canvas.setFillColor(MUTED)
    for offset, line in (
        (16 * mm, "扫码查验证书"),
        (11 * mm, f"查验码：{certificate.verification_code}"),
        (6 * mm, "或在门户网站“证书查验”输入查验码"),
    ):
        draw_text(canvas, qr_x + QR_SIZE + 4 * mm, qr_y + offset, line, font=font, size=9)


def certificates_pdf(certificates: Iterable[Certificate], *, title: str) -> bytes:
    """One landscape A4 page per certificate; the certificates should come with CERTIFICATE_RELATED."""
    certificates = list(certificates)
    register_cjk_font()
    buffer = BytesIO()
    canvas = Canvas(buffer, pagesize=PAGE, initialFontName=serif_font(), lang="zh-CN", pageCompression=1)
    canvas.setTitle(title)
    if certificates:
        canvas.setAuthor(certificates[0].tenure.application.round.authority.bureau_name)
    canvas.setCreator(site_name())
    style = _body_style()
    pages = 0
    for certificate in certificates:
        _draw_certificate(canvas, certificate, style)
        canvas.showPage()
        pages += 1
    if not pages:
        raise ValueError("a certificate PDF needs at least one certificate")
    canvas.save()
    return buffer.getvalue()


def certificate_pdf(certificate: Certificate) -> bytes:
    return certificates_pdf([certificate], title=f"首席技师证书 {certificate.number}")


def round_certificates(round_) -> list[Certificate]:
    """The round's certificates in number order, with everything the page needs."""
    return list(
        Certificate.objects.filter(tenure__application__round=round_)
        .select_related(*CERTIFICATE_RELATED)
        .order_by("number")
    )
