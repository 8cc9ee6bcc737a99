"""Shared plumbing for printable PDFs (forms, notices, certificates): the Chinese fonts, styles, page frame.

Every character is drawn through the font chains of `pdf_fonts`: a rare character of a name falls back to
a font that has it, or the document is refused. The fonts are TrueType, registered with reportlab once per
process and embedded (subset) in every PDF, so a document prints with the same glyphs on any machine.
reportlab's built-in CID font (STSong-Light) is never embedded and the Noto CJK OpenType (CFF) files
cannot be read by reportlab, so neither is used. Paragraphs break their lines by the Chinese rules of
`pdf_linebreak`.
"""

from dataclasses import dataclass
from io import BytesIO
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate

from chieftech.core.pdf_fonts import FONT_NAME, SERIF_FONT_NAME, font_chain, font_chains
from chieftech.core.pdf_fonts import FONT_PACKAGE as FONT_PACKAGE
from chieftech.core.pdf_fonts import PdfFontMissing as PdfFontMissing
from chieftech.core.pdf_linebreak import ChineseParagraph
from chieftech.core.site import site_authority, site_name

PAGE_SIZE = A4
MARGIN_X = 18 * mm
MARGIN_TOP = 18 * mm
MARGIN_BOTTOM = 20 * mm
FRAME_WIDTH = PAGE_SIZE[0] - 2 * MARGIN_X

LINE_COLOR = colors.black
SHADE = colors.HexColor("#EEEEEE")


def register_cjk_font() -> str:
    """Register the primary font (settings.PDF_FONT_PATH; PdfFontMissing when it is absent) and find the
    others, registered when a document first needs them; returns the primary's name."""
    font_chains()
    return FONT_NAME


def serif_font() -> str:
    """The name of the serif face (AR PL UMing; HanaMin when UMing is not installed)."""
    return font_chain(SERIF_FONT_NAME).primary


def text_width(text: str, *, font: str = FONT_NAME, size: float) -> float:
    """The width of `text` set in the chain of `font`, each run in its own font."""
    return sum(stringWidth(run, name, size) for name, run in font_chain(font).runs(text))


def draw_text(
    canvas: Canvas, x: float, y: float, text: str, *, font: str = FONT_NAME, size: float, align: str = "left"
) -> None:
    """Draw one line of `text` at (x, y) in the chain of `font`: `align` "left", "center" or "right" of x.
    A character no font of the chain has refuses the document (DomainError) before anything is drawn."""
    runs = font_chain(font).runs(text)
    if align != "left":
        width = sum(stringWidth(run, name, size) for name, run in runs)
        x -= width / 2 if align == "center" else width
    line = canvas.beginText(x, y)
    for name, run in runs:
        line.setFont(name, size)
        line.textOut(run)
    canvas.drawText(line)


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
    # wordWrap="CJK": a ChineseParagraph breaks between Chinese characters by the 避头尾 rules.
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


def markup(text: str | None, *, font: str = FONT_NAME) -> str:
    """Plain text made safe for a Paragraph set in `font`: XML special characters escaped, line breaks and
    the blanks of a form ("　　年　　月　　日") kept, and each character the font lacks set in the next font
    of its chain that has it (DomainError naming the character when none does)."""
    text = (text or "").replace("\r\n", "\n").replace("\u3000", IDEOGRAPHIC_SPACE_KEPT)
    chain = font_chain(font)
    parts = []
    for name, run in chain.runs(text):
        run = escape(run).replace("\n", "<br/>")
        parts.append(run if name == chain.primary else f'<font face="{name}">{run}</font>')
    return "".join(parts)


def para(text: str | None, style: ParagraphStyle) -> Paragraph:
    return ChineseParagraph(markup(text, font=style.fontName), style)


def plain_style() -> list[tuple]:
    """For any Table: a cell holding a plain string (even "") is set in the table's font, Helvetica unless
    told otherwise, which would put a font in the PDF that is not embedded. A plain string is drawn
    without the fallback fonts: any text in a cell goes through para()."""
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
        draw_text(canvas, radius, radius - 3, self.hint, size=9, align="center")
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
                self.setFillColor(colors.HexColor("#444444"))
                text = f"第 {number} 页 共 {total} 页"
                if footer:
                    text = f"{footer}    {text}"
                draw_text(self, PAGE_SIZE[0] / 2, MARGIN_BOTTOM / 2, text, size=8.5, align="center")
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
