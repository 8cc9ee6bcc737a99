"""The chains of TrueType fonts every printed character is drawn with, and the runs of text per font.

No single font holds every Chinese character a name may use: WenQuanYi Micro Hei has the common ones,
HanaMin A and B (fonts-hanazono) hold the CJK extensions (欧阳𪚥, 𠀀明, Extension B and beyond). A text is
cut into runs, each set in the first font of the chain that has a glyph for every character of the run;
a character no font has refuses the document with a message naming it, so a PDF never drops a glyph
silently. Only TrueType-outline fonts are used: reportlab cannot embed CFF/OpenType (Noto CJK) fonts.

Fonts are looked up by file name in the directories of settings.PDF_FONT_DIRS (CHIEFTECH_FONT_DIRS adds
more in front); the primary font is settings.PDF_FONT_PATH and must exist, the others are used when
installed. Each is registered with reportlab once per process, when a document first needs it, and
embedded as a subset. They come from Debian packages (deploy/system-packages.txt): no maintained PyPI
package ships TrueType Chinese fonts with the CJK extensions.
"""

import logging
import threading
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import SUBSETN, TTFont, makeToUnicodeCMap

from chieftech.core.errors import DomainError

logger = logging.getLogger(__name__)

FONT_NAME = "ChiefTechCJK"
SERIF_FONT_NAME = "ChiefTechSerif"
FONT_PACKAGE = "fonts-wqy-microhei"
# The DomainError code of a document refused for a character no font can draw.
GLYPH_MISSING = "glyph_missing"


class PdfFontMissing(ImproperlyConfigured):
    pass


@dataclass(frozen=True)
class FontFile:
    """One font as reportlab registers it: its name in our documents, its file, the face in a collection."""

    name: str
    filename: str
    package: str
    subfont_index: int = 0


HANAMIN_A = FontFile("ChiefTechHanaMinA", "HanaMinA.ttf", "fonts-hanazono")
HANAMIN_B = FontFile("ChiefTechHanaMinB", "HanaMinB.ttf", "fonts-hanazono")
# Index 0 of the collection is AR PL UMing CN, the mainland forms.
UMING = FontFile(SERIF_FONT_NAME, "uming.ttc", "fonts-arphic-uming")

# Each chain by the name of its first font: the font a style or a canvas call names.
CHAIN_FILES: dict[str, tuple[str, ...]] = {
    # The sans face of forms, notices and records.
    FONT_NAME: (FONT_NAME, HANAMIN_A.name, HANAMIN_B.name),
    # The serif (Ming/Song) face of the certificate; Micro Hei last, for the few symbols UMing lacks.
    SERIF_FONT_NAME: (SERIF_FONT_NAME, HANAMIN_A.name, HANAMIN_B.name, FONT_NAME),
}

# The Debian packages of every font above, which the project's setup installs.
FONT_PACKAGES = frozenset({FONT_PACKAGE, UMING.package, HANAMIN_A.package, HANAMIN_B.package})

# Characters that take the font of the text around them: any font draws a blank or a line break.
_NEUTRAL_CATEGORIES = {"Zs", "Zl", "Zp", "Cc"}


def glyph_missing_message(character: str) -> str:
    return (
        f"无法生成文件：字符“{character}”（U+{ord(character):04X}）在已安装的字体中均无字形，"
        "请联系系统管理员安装字体"
    )


class _Fonts:
    """The fonts of one configuration by name, each registered with reportlab when first needed: the
    fallbacks are large (HanaMin A and B, 53 MB) and most documents never need them."""

    def __init__(self, files: dict[str, tuple[Path, int]]):
        self.files = files
        self._cmaps: dict[str, dict] = {}
        self._lock = threading.Lock()

    def cmap(self, name: str) -> dict:
        """The characters `name` has a glyph for (code point to glyph), registering the font if need be."""
        cmap = self._cmaps.get(name)
        if cmap is None:
            with self._lock:
                if name not in self._cmaps:
                    path, subfont_index = self.files[name]
                    _register(name, path, subfont_index)
                    self._cmaps[name] = pdfmetrics.getFont(name).face.charToGlyph
                cmap = self._cmaps[name]
        return cmap


@dataclass
class FontChain:
    """Fonts in order of preference; a character is set in the first that has a glyph for it."""

    names: tuple[str, ...]
    fonts: _Fonts
    _chosen: dict[str, str] = field(default_factory=dict)

    @property
    def primary(self) -> str:
        return self.names[0]

    def font_for(self, character: str) -> str:
        """The first font of the chain with a glyph for `character`; DomainError when none has one."""
        chosen = self._chosen.get(character)
        if chosen is None:
            code = ord(character)
            chosen = next((name for name in self.names if code in self.fonts.cmap(name)), "")
            if not chosen:
                raise DomainError(glyph_missing_message(character), code=GLYPH_MISSING)
            self._chosen[character] = chosen
        return chosen

    def runs(self, text: str) -> list[tuple[str, str]]:
        """`text` as (font name, text) runs; blanks and line breaks join the run they stand in."""
        runs: list[tuple[str, str]] = []
        for character in text:
            if unicodedata.category(character) in _NEUTRAL_CATEGORIES:
                font = runs[-1][0] if runs else self.primary
            else:
                font = self.font_for(character)
            if runs and runs[-1][0] == font:
                runs[-1] = (font, runs[-1][1] + character)
            else:
                runs.append((font, character))
        return runs


_lock = threading.Lock()
_chains: dict[tuple, dict[str, FontChain]] = {}


def font_dirs() -> list[Path]:
    return [Path(directory) for directory in settings.PDF_FONT_DIRS]


def _find(font: FontFile) -> Path | None:
    for directory in font_dirs():
        path = directory / font.filename
        if path.is_file():
            return path
    return None


class AstralTTFont(TTFont):
    """A TrueType font whose ToUnicode map also names characters beyond U+FFFF rightly.

    reportlab 5.1 writes such a code point as five hex digits (<2A6A5>), which readers take as U+2A6A: the
    PDF would show 𪚥 but copy, search and extract as ⩪. The map must give it as UTF-16 (<D869DEA5>)."""

    def addObjects(self, doc):
        state = self.state.get(doc)
        subsets = list(state.subsets) if state is not None else []
        names = [
            b"".join((SUBSETN(n), b"+", self.face.name, self.face.subfontNameX)).decode("pdfdoc")
            for n in range(len(subsets))
        ]
        super().addObjects(doc)
        for name, subset in zip(names, subsets, strict=True):
            if any(code > 0xFFFF for code in subset):
                doc.idToObject["toUnicodeCMap:" + name].content = _to_unicode_cmap(name, subset)


def _to_unicode_cmap(name: str, subset: list[int]) -> str:
    cmap = makeToUnicodeCMap(name, subset).split("\n")
    start = cmap.index(f"{len(subset)} beginbfchar") + 1
    cmap[start : start + len(subset)] = [
        f"<{i:02X}> <{chr(code).encode('utf-16-be').hex().upper()}>" for i, code in enumerate(subset)
    ]
    return "\n".join(cmap)


def _register(name: str, path: Path, subfont_index: int) -> None:
    pdfmetrics.registerFont(AstralTTFont(name, str(path), subfontIndex=subfont_index))
    # None of these fonts has a bold or italic face; map them to the font so <b> in a paragraph never fails.
    pdfmetrics.registerFontFamily(name, normal=name, bold=name, italic=name, boldItalic=name)


def font_chains() -> dict[str, FontChain]:
    """Every chain by the name of its first font, once per configuration; the fonts are registered when
    first used."""
    primary_path = Path(settings.PDF_FONT_PATH)
    key = (str(primary_path), tuple(str(d) for d in font_dirs()))
    with _lock:
        chains = _chains.get(key)
        if chains is not None:
            return chains
        if not primary_path.is_file():
            raise PdfFontMissing(
                f"The Chinese PDF font {primary_path} is missing: install the {FONT_PACKAGE} package "
                f"(apt-get install {FONT_PACKAGE}) or set CHIEFTECH_PDF_FONT to a TrueType Chinese font."
            )
        # subfontIndex 0 of the collection: WenQuanYi Micro Hei (the second is its monospaced variant).
        files = {FONT_NAME: (primary_path, 0)}
        for font in (UMING, HANAMIN_A, HANAMIN_B):
            path = _find(font)
            if path is None:
                logger.warning(
                    "PDF font %s not found in %s: install the %s package (apt-get install %s)",
                    font.filename,
                    ", ".join(map(str, font_dirs())),
                    font.package,
                    font.package,
                )
            else:
                files[font.name] = (path, font.subfont_index)
        fonts = _Fonts(files)
        chains = {}
        for head, members in CHAIN_FILES.items():
            chains[head] = FontChain(names=tuple(name for name in members if name in files), fonts=fonts)
        # Without UMing the serif chain starts with HanaMin: a style names that font, found here too.
        for chain in list(chains.values()):
            chains.setdefault(chain.primary, chain)
        _chains.clear()
        _chains[key] = chains
    fonts.cmap(FONT_NAME)
    return chains


def font_chain(font: str = FONT_NAME) -> FontChain:
    """The chain that starts with `font` (FONT_NAME or SERIF_FONT_NAME), its first font registered."""
    chain = font_chains()[font]
    chain.fonts.cmap(chain.primary)
    return chain
