"""Chinese line breaking (避头尾) for reportlab paragraphs.

reportlab 5.1's CJK wrapping breaks after any character once a line is full: only a few marks (the
ASCII ones, 、。」』】〕）) may not start a line, so "，；：？！》" do; nothing stops "（《“" from ending one,
and a Latin word or a number is cut unless a space lies in the second half of the line. Here a line
breaks only where the rules allow: not before closing punctuation, not after opening punctuation, not
inside a run of Latin letters and digits, not between the two halves of "——" or "……". When a line has
no allowed break (a word longer than the line), it is cut where it is full.
"""

from reportlab.platypus.paragraph import Paragraph, ParaLines, cjkU, makeCJKParaLine
from reportlab.rl_config import _FUZZ

CANNOT_START = frozenset(
    "，。、；：？！）》」』】〕〉〗〙〛］｝”’…‥·・％‰℃°～｡｣､"  # full-width closing marks
    "!),.:;?]}%"  # their ASCII forms
    "ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶー々"  # small kana and iteration marks
)
CANNOT_END = frozenset("（《「『【〔〈〖〘〚［｛“‘([{￥＄$£@#§")
# Marks that come in pairs ("——", "……") and are never parted.
PAIRED = frozenset("—…")


def _in_word(character: str) -> bool:
    # Letters, digits and the marks inside a Latin word or a number (e.g. ISO9001, 3.5, A-1), not CJK.
    return bool(character) and ord(character) < 0x2E80 and not character.isspace()


def break_allowed(before: str, after: str) -> bool:
    """May a line end after `before` with `after` starting the next one?"""
    if not before or not after:
        return True
    if after in CANNOT_START or before in CANNOT_END or after.isspace():
        return False
    if before == after and before in PAIRED:
        return False
    return not (_in_word(before) and _in_word(after))


def kinsoku_split(frags, max_widths, calc_bounds: bool) -> ParaLines:
    """The fragments' characters set in lines no wider than `max_widths` (one per line, the last
    repeated), each ending where `break_allowed` says it may, or where a <br/> stands."""
    chars = []
    for frag in frags:
        text = frag.text.decode("utf8") if isinstance(frag.text, bytes) else frag.text
        if text:
            chars.extend(cjkU(t, frag, "utf8") for t in text)
        else:
            chars.append(cjkU(text, frag, "utf8"))

    lines = []

    def close(end: int, width: float, line_break: bool) -> None:
        max_width = max_widths[min(len(lines), len(max_widths) - 1)]
        lines.append(
            makeCJKParaLine(chars[start:end], max_width, width, max_width - width, line_break, calc_bounds)
        )

    start = i = 0
    used = 0.0
    while i < len(chars):
        char = chars[i]
        if hasattr(char.frag, "lineBreak"):
            close(i + 1, used, True)
            start = i = i + 1
            used = 0.0
            continue
        max_width = max_widths[min(len(lines), len(max_widths) - 1)]
        if used + char.width > max_width + _FUZZ and i > start:
            end = i
            while end > start and not break_allowed(chars[end - 1], chars[end]):
                end -= 1
            if end == start:
                end = i  # no allowed break in the line: cut where it is full
            width = sum(c.width for c in chars[start:end])
            close(end, width, False)
            start = end
            used = sum(c.width for c in chars[start:i])
            continue
        used += char.width
        i += 1
    if start < len(chars):
        close(len(chars), used, False)
    return ParaLines(kind=1, lines=lines)


class ChineseParagraph(Paragraph):
    """A Paragraph (style wordWrap="CJK") whose lines break by the Chinese rules of `kinsoku_split`."""

    def breakLinesCJK(self, maxWidths):
        if not self.frags or any(hasattr(f, "cbDefn") for f in self.frags) or self.style.endDots:
            return super().breakLinesCJK(maxWidths)
        if hasattr(self, "blPara") and getattr(self, "_splitpara", 0):
            return self.blPara
        if not isinstance(maxWidths, list | tuple):
            maxWidths = [maxWidths]
        auto_leading = getattr(self, "autoLeading", getattr(self.style, "autoLeading", ""))
        self.height = 0
        return kinsoku_split(self.frags, maxWidths, auto_leading not in ("", "off"))
