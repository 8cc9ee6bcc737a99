"""Uploaded documents are parsed, not sniffed.

A file that starts with `%PDF-` and ends with `%%EOF` may still carry a program, run script when opened or
hide another file inside; a PNG may carry a web page after its last chunk. A PDF is opened with pypdf and
every object reachable from its trailer is read; an image is decoded in full by Pillow and its chunks (PNG)
or segments (JPEG) walked to the end marker. Anything active, embedded, unreadable or trailing is refused
with the reason, in Chinese, at the upload's field.
"""

import struct
from io import BytesIO

from PIL import Image, UnidentifiedImageError
from pypdf import PdfReader
from pypdf.errors import PyPdfError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

from chieftech.core.errors import DomainError

MB = 1024 * 1024

# Markup that turns a "document" into something a browser would run if it ever rendered it.
ACTIVE_MARKUP = (b"<html", b"<script", b"<!doctype html", b"<svg", b"<iframe", b"javascript:")

# PDF names that run code or carry other files: as a dictionary key (/JS, /AA, /EmbeddedFiles) or as the
# value of /S, /Type or /Subtype (/JavaScript, /Launch, /EmbeddedFile, /FileAttachment).
_PDF_ACTIVE = {
    "/JS": "JavaScript脚本",
    "/JavaScript": "JavaScript脚本",
    "/AA": "自动执行的动作",
    "/Launch": "启动外部程序的动作",
    "/EmbeddedFiles": "嵌入的附件",
    "/EmbeddedFile": "嵌入的附件",
    "/FileAttachment": "附件注释",
    "/RichMedia": "多媒体内容",
    "/XFA": "XFA动态表单",
    # Actions that reach outside the file: a reader sends data or fetches a remote file (over SMB, the
    # Windows sign-in hash) as soon as the action runs.
    "/SubmitForm": "向外部地址提交数据的动作",
    "/ImportData": "从外部导入数据的动作",
    "/GoToR": "打开外部文件的动作",
    "/GoToE": "打开嵌入文件的动作",
}
# An action run on opening is refused unless it only goes to a page of the file itself (/GoTo, or a bare
# destination array, which is how ordinary PDFs open at a page and zoom).
_PDF_OPEN_ACTION_SAFE = ("/GoTo",)
_PDF_NAME_KEYS = ("/S", "/Type", "/Subtype")
# A well-formed evidence scan has hundreds of objects; a file with far more is not a scan.
_PDF_MAX_OBJECTS = 200_000


def file_size_text(size: int) -> str:
    """A size as the user should read it against a limit: megabytes rounded up, and the exact bytes."""
    hundredths = -(-size * 100 // MB)  # ceiling: 10 MB + 1 byte is 10.01 MB, never "10.00"
    return f"{hundredths // 100}.{hundredths % 100:02d} MB（{size:,} 字节）"


def _refuse(name: str, reason: str) -> DomainError:
    return DomainError(f"“{name}”{reason}", field="file", code="unsafe_file")


def pdf_check(*, name: str, content: bytes) -> None:
    """Open the PDF fully and refuse it if it is unreadable, encrypted, empty or active."""
    try:
        reader = PdfReader(BytesIO(content), strict=False)
        if reader.is_encrypted:
            raise _refuse(name, "已加密，请上传未加密的PDF文件。")
        pages = list(reader.pages)
        if not pages:
            raise _refuse(name, "没有任何页面，不是有效的PDF文件。")
        found = _pdf_active_content(reader.trailer)
        for page in pages:
            page.get_contents()  # every page's content must decode
    except DomainError:
        raise
    except (
        PyPdfError,
        ValueError,
        TypeError,
        KeyError,
        AttributeError,
        IndexError,
        struct.error,
        RecursionError,
    ):
        raise _refuse(name, "无法作为PDF文件打开（文件已损坏或内容被伪装），请重新导出后上传。") from None
    if found:
        raise _refuse(name, f"含有{found}，不能作为证明材料上传。请打印为普通PDF或扫描后再上传。")


def _pdf_active_content(trailer) -> str | None:
    """The first active or embedded content reachable from the trailer, described in Chinese."""
    seen: set[tuple[int, int]] = set()
    stack = [trailer]
    visited = 0
    acts_on_opening = False
    while stack:
        item = stack.pop()
        if isinstance(item, IndirectObject):
            key = (item.idnum, item.generation)
            if key in seen:
                continue
            seen.add(key)
            visited += 1
            if visited > _PDF_MAX_OBJECTS:
                return "过多的对象"
            item = item.get_object()
        if isinstance(item, DictionaryObject):
            for key, value in item.items():
                if key in _PDF_ACTIVE:
                    return _PDF_ACTIVE[key]
                if key == "/OpenAction" and _pdf_open_action_acts(value):
                    acts_on_opening = True  # named after the walk, which may find what it does by name
                if key in _PDF_NAME_KEYS and str(value) in _PDF_ACTIVE:
                    return _PDF_ACTIVE[str(value)]
                if key == "/Parent":
                    continue  # reached from above already; skipping keeps the walk short
                stack.append(value)
        elif isinstance(item, ArrayObject):
            stack.extend(item)
    return "打开文件时自动执行的动作" if acts_on_opening else None


def _pdf_open_action_acts(value, depth: int = 0) -> bool:
    """Whether the opening action, or an action it chains through /Next, does more than go to a page."""
    action = value.get_object() if isinstance(value, IndirectObject) else value
    if isinstance(action, ArrayObject):
        return any(_pdf_open_action_acts(item, depth + 1) for item in action if depth < 8)
    if not isinstance(action, DictionaryObject) or "/S" not in action:
        return False  # a destination, not an action
    if depth >= 8 or str(action["/S"]) not in _PDF_OPEN_ACTION_SAFE:
        return True
    return "/Next" in action and _pdf_open_action_acts(action["/Next"], depth + 1)


def image_check(*, name: str, content: bytes, kind: str) -> None:
    """Decode the whole image and refuse data after its end marker or markup in its text."""
    try:
        with Image.open(BytesIO(content)) as image:
            if image.format != kind:
                raise _refuse(name, "的内容与扩展名不符。")
            image.load()
    except DomainError:
        raise
    except Image.DecompressionBombError:
        # Pillow's guard against a tiny file that decodes to billions of pixels; not an OSError.
        raise _refuse(name, "的图片像素过多，请缩小后再上传。") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, struct.error):
        raise _refuse(name, "不是有效的图片文件（文件已损坏或内容被伪装）。") from None
    texts, end = _png_parts(content) if kind == "PNG" else _jpeg_parts(content)
    if end is None:
        raise _refuse(name, "不是完整的图片文件（缺少结束标记）。")
    trailing = content[end:]
    if trailing.strip(b"\x00\r\n\t "):
        raise _refuse(name, f"在图片结束标记之后还附带了{len(trailing):,}字节的其他数据，不能上传。")
    if any(marker in text.lower() for text in texts for marker in ACTIVE_MARKUP):
        raise _refuse(name, "的图片说明中含有网页代码，不能上传。")


def _png_parts(content: bytes) -> tuple[list[bytes], int | None]:
    """The text chunks and the offset just past IEND (None when there is none)."""
    texts, offset = [], 8
    while offset + 12 <= len(content):
        (length,) = struct.unpack(">I", content[offset : offset + 4])
        chunk_type = content[offset + 4 : offset + 8]
        data = content[offset + 8 : offset + 8 + length]
        offset += 12 + length
        if chunk_type in (b"tEXt", b"zTXt", b"iTXt", b"eXIf", b"iCCP"):
            texts.append(data)
        if chunk_type == b"IEND":
            return texts, offset
    return texts, None


_JPEG_STANDALONE = {0x01, *range(0xD0, 0xD8)}  # TEM and RST0–RST7 carry no length


def _jpeg_parts(content: bytes) -> tuple[list[bytes], int | None]:
    """The comment and application segments and the offset just past EOI (None when there is none)."""
    texts, offset, size = [], 2, len(content)
    while offset + 1 < size:
        if content[offset] != 0xFF:
            offset += 1  # entropy-coded data of a scan
            continue
        marker = content[offset + 1]
        if marker == 0xD9:
            return texts, offset + 2
        if marker in (0x00, 0xFF) or marker in _JPEG_STANDALONE:
            offset += 1 if marker == 0xFF else 2
            continue
        if offset + 4 > size:
            break
        (length,) = struct.unpack(">H", content[offset + 2 : offset + 4])
        if marker == 0xFE or 0xE0 <= marker <= 0xEF:
            texts.append(content[offset + 4 : offset + 2 + length])
        offset += 2 + length
    return texts, None
