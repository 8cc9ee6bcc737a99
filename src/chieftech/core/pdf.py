"""Shared plumbing for printable PDFs (forms, notices, certificates): the Chinese font, styles, page frame.

The font is a TrueType collection registered with reportlab once per process and embedded (subset) in
every PDF, so a document prints with the same glyphs on any machine. reportlab's built-in CID font
(STSong-Light) is never embedded and the Noto CJK OpenType (CFF) files cannot be read by reportlab, so
neither is used.
"""

import threading
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from xml.sax.saxutils import escape

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate

from chieftech.core.site import site_authority, site_name

FONT_NAME = "ChiefTechCJK"
FONT_PACKAGE = "fonts-wqy-microhei"

PAGE_SIZE = A4
MARGIN_X = 18 * mm
MARGIN_TOP = 18 * mm
MARGIN_BOTTOM = 20 * mm
FRAME_WIDTH = PAGE_SIZE[0] - 2 * MARGIN_X

LINE_COLOR = colors.black
SHADE = colors.HexColor("#EEEEEE")

_lock = threading.Lock()
_registered: str | None = None


class PdfFontMissing(ImproperlyConfigured):
    pass


def register_cjk_font() -> str:
    """Register the Chinese font (settings.PDF_FONT_PATH) once; returns its reportlab font name."""
    global _registered
    path = Path(settings.PDF_FONT_PATH)
    with _lock:
        if _registered == str(path):
            return FONT_NAME
        if not path.is_file():
            raise PdfFontMissing(
                f"The Chinese PDF font {path} is missing: install the {FONT_PACKAGE} package "
                f"(apt-get install {FONT_PACKAGE}) or set CHIEFTECH_PDF_FONT to a TrueType Chinese font."
            )
        # subfontIndex 0 of the collection: WenQuanYi Micro Hei (the second is its monospaced variant).
        pdfmetrics.registerFont(TTFont(FONT_NAME, str(path), subfontIndex=0))
        # The font has no bold or italic face; map them to it so <b> in a paragraph never fails.
        pdfmetrics.registerFontFamily(
            FONT_NAME, normal=FONT_NAME, bold=FONT_NAME, italic=FONT_NAME, boldItalic=FONT_NAME
        )
        _registered = str(path)
    return FONT_NAME


@dataclass(frozen=True)
class PdfStyles:
    title: ParagraphStyle
    subtitle: ParagraphStyle
    section: ParagraphStyle
    label: ParagraphStyle
    cell: ParagraphStyle
    cell_center: ParagraphStyle
    cell_right: ParagraphStyle
    body: ParagraphStyle
    note: ParagraphStyle


def _style(name: str, **kwargs) -> ParagraphStyle:
    # wordWrap="CJK" breaks lines between any two Chinese characters (and keeps 。，from starting a line).
    defaults = {"fontName": FONT_NAME, "fontSize": 10, "leading": 14, "wordWrap": "CJK"}
    return ParagraphStyle(name, **{**defaults, **kwargs})


def pdf_styles() -> PdfStyles:
    register_cjk_font()
    return PdfStyles(
        title=_style("title", fontSize=20, leading=28, alignment=TA_CENTER, spaceAfter=4),
        subtitle=_style("subtitle", fontSize=10.5, leading=15, alignment=TA_LEFT),
        section=_style("section", fontSize=11, leading=15, alignment=TA_LEFT),
        label=_style("label", fontSize=10, leading=13, alignment=TA_CENTER),
        cell=_style("cell", fontSize=10, leading=14, alignment=TA_LEFT),
        cell_center=_style("cell_center", fontSize=10, leading=14, alignment=TA_CENTER),
        cell_right=_style("cell_right", fontSize=10.5, leading=16, alignment=TA_RIGHT),
        # Chinese prose: justified, first line indented by two characters.
        body=_style("body", fontSize=10.5, leading=18, alignment=TA_JUSTIFY, firstLineIndent=21),
        note=_style("note", fontSize=9, leading=13, alignment=TA_LEFT),
    )


# reportlab collapses runs of white space, the ideographic space (U+3000) included; the no-break space is
# kept, and four of them are about as wide as one ideographic space in the font.
IDEOGRAPHIC_SPACE_KEPT = "\u00a0" * 4


def markup(text: str | None) -> str:
    """Plain text made safe for a Paragraph: XML special characters escaped, line breaks and the blanks
    of a form ("　　年　　月　　日") kept."""
    text = escape(text or "").replace("\r\n", "\n").replace("\n", "<br/>")
    return text.replace("\u3000", IDEOGRAPHIC_SPACE_KEPT)


def para(text: str | None, style: ParagraphStyle) -> Paragraph:
    return Paragraph(markup(text), style)


def plain_style() -> list[tuple]:
    """For any Table: a cell holding a plain string (even "") is set in the table's font, Helvetica unless
    told otherwise, which would put a font in the PDF that is not embedded."""
    return [("FONTNAME", (0, 0), (-1, -1), FONT_NAME)]


def grid_style(*, header_rows: int = 0) -> list[tuple]:
    """The lines of an official form: thin inner grid, heavier outer box, text centred vertically."""
    commands = [
        *plain_style(),
        ("GRID", (0, 0), (-1, -1), 0.5, LINE_COLOR),
        ("BOX", (0, 0), (-1, -1), 1.0, LINE_COLOR),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        ("TOPPADDING", (0, 0), (-1, -1), 4),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
    ]
    if header_rows:
        commands.append(("BACKGROUND", (0, 0), (-1, header_rows - 1), SHADE))
    return commands


class SealPlace(Flowable):
    """Where the seal goes: a dashed circle with a grey hint (e.g. "盖章") that the stamp covers."""

    def __init__(self, *, diameter: float = 34 * mm, hint: str = "（盖章）"):
        super().__init__()
        self.diameter = diameter
        self.hint = hint
        self.width = self.height = diameter

    def wrap(self, available_width, available_height):
        return self.diameter, self.diameter

    def draw(self):
        canvas = self.canv
        radius = self.diameter / 2
        canvas.saveState()
        canvas.setStrokeColor(colors.HexColor("#9A9A9A"))
        canvas.setLineWidth(0.6)
        canvas.setDash(2, 2)
        canvas.circle(radius, radius, radius - 1, stroke=1, fill=0)
        canvas.setFillColor(colors.HexColor("#9A9A9A"))
        canvas.setFont(FONT_NAME, 9)
        canvas.drawCentredString(radius, radius - 3, self.hint)
        canvas.restoreState()


def _numbered_canvas(footer: str):
    class NumberedCanvas(Canvas):
        """Holds the pages back until the end so each footer can say how many pages there are."""

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []

        def showPage(self):
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._pages)
            for number, page in enumerate(self._pages, start=1):
                self.__dict__.update(page)
                self.setFont(FONT_NAME, 8.5)
                self.setFillColor(colors.HexColor("#444444"))
                text = f"第 {number} 页 共 {total} 页"
                if footer:
                    text = f"{footer}    {text}"
                self.drawCentredString(PAGE_SIZE[0] / 2, MARGIN_BOTTOM / 2, text)
                super().showPage()
            super().save()

    return NumberedCanvas


def pdf_build(story: list, *, title: str, subject: str = "", footer: str = "") -> bytes:
    """Lay `story` out on A4 pages with the standard margins and a page-number footer; returns the PDF."""
    register_cjk_font()
    buffer = BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=PAGE_SIZE,
        leftMargin=MARGIN_X,
        rightMargin=MARGIN_X,
        topMargin=MARGIN_TOP,
        bottomMargin=MARGIN_BOTTOM,
        title=title,
        author=site_authority(),
        subject=subject,
        creator=site_name(),
        lang="zh-CN",
        # The canvas otherwise opens every page with Helvetica, a font the PDF would name but not embed.
        initialFontName=FONT_NAME,
    )
    document.build(story, canvasmaker=_numbered_canvas(footer))
    return buffer.getvalue()
