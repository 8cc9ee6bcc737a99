"""Evidence files are parsed, not sniffed: each hostile file is built here and refused with its reason, and
nothing of it is stored; the size limit says the real size of a refused file."""

import os
import zlib
from io import BytesIO

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image
from PIL.PngImagePlugin import PngInfo
from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    NameObject,
    TextStringObject,
)

from chieftech.core.errors import DomainError
from chieftech.selection.domain.evidence import MAX_FILE_BYTES, evidence_add
from chieftech.selection.models import EvidenceFile
from tests.factories import PDF_BYTES, PNG_BYTES, make_application, make_round


@pytest.fixture
def application(alice, olivia):
    return make_application(alice, make_round(olivia))


def _write(writer: PdfWriter) -> bytes:
    buffer = BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _one_page() -> PdfWriter:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    return writer


def pdf_with_open_action_javascript() -> bytes:
    writer = _one_page()
    action = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Action"),
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject("app.alert('x');"),
        }
    )
    writer._root_object[NameObject("/OpenAction")] = writer._add_object(action)
    return _write(writer)


def pdf_with_page_additional_action() -> bytes:
    writer = _one_page()
    launch = DictionaryObject(
        {NameObject("/S"): NameObject("/Launch"), NameObject("/F"): TextStringObject("cmd.exe")}
    )
    writer.pages[0][NameObject("/AA")] = DictionaryObject({NameObject("/O"): writer._add_object(launch)})
    return _write(writer)


def pdf_with_embedded_file() -> bytes:
    writer = _one_page()
    writer.add_attachment("payload.exe", b"MZ\x90\x00" + b"\x00" * 64)
    return _write(writer)


def pdf_with_file_attachment_annotation() -> bytes:
    writer = _one_page()
    annotation = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/FileAttachment"),
            NameObject("/Rect"): ArrayObject([]),
        }
    )
    writer.pages[0][NameObject("/Annots")] = ArrayObject([writer._add_object(annotation)])
    return _write(writer)


def elf_wrapped_as_pdf() -> bytes:
    return b"%PDF-1.4\n" + b"\x7fELF\x02\x01\x01\x00" + os.urandom(4096) + b"\n%%EOF\n"


def png_with_html_after_4_kb() -> bytes:
    return PNG_BYTES + b"\x00" * 4096 + b"<html><script>alert(document.cookie)</script></html>"


def png_with_markup_in_a_text_chunk() -> bytes:
    info = PngInfo()
    info.add_text("Description", "证书扫描件" * 1000)  # beyond the first 4 KB that a sniffer reads
    info.add_text("Comment", "<script>alert(1)</script>")
    buffer = BytesIO()
    Image.new("RGB", (8, 8), "white").save(buffer, "PNG", pnginfo=info)
    return buffer.getvalue()


def jpeg_with_data_after_eoi() -> bytes:
    buffer = BytesIO()
    Image.new("RGB", (8, 8), "white").save(buffer, "JPEG")
    return buffer.getvalue() + b"PK\x03\x04" + zlib.compress(b"<html>" * 100)


REFUSED = {
    "open_action_javascript": (
        "证书.pdf",
        pdf_with_open_action_javascript,
        "“证书.pdf”含有JavaScript脚本，不能作为证明材料上传。请打印为普通PDF或扫描后再上传。",
    ),
    "page_additional_action": (
        "证书.pdf",
        pdf_with_page_additional_action,
        "“证书.pdf”含有自动执行的动作，不能作为证明材料上传。请打印为普通PDF或扫描后再上传。",
    ),
    "embedded_file": (
        "证书.pdf",
        pdf_with_embedded_file,
        "“证书.pdf”含有嵌入的附件，不能作为证明材料上传。请打印为普通PDF或扫描后再上传。",
    ),
    "file_attachment_annotation": (
        "证书.pdf",
        pdf_with_file_attachment_annotation,
        "“证书.pdf”含有附件注释，不能作为证明材料上传。请打印为普通PDF或扫描后再上传。",
    ),
    "elf_wrapped_in_pdf_markers": (
        "证书.pdf",
        elf_wrapped_as_pdf,
        "“证书.pdf”无法作为PDF文件打开（文件已损坏或内容被伪装），请重新导出后上传。",
    ),
    "png_with_html_after_4_kb": (
        "证书.png",
        png_with_html_after_4_kb,
        "“证书.png”在图片结束标记之后还附带了4,148字节的其他数据，不能上传。",
    ),
    "png_markup_in_text_chunk": (
        "证书.png",
        png_with_markup_in_a_text_chunk,
        "“证书.png”的图片说明中含有网页代码，不能上传。",
    ),
    "jpeg_with_data_after_eoi": (
        "证书.jpg",
        jpeg_with_data_after_eoi,
        None,  # the trailing size depends on zlib's output: checked by its start and end
    ),
}


def stored_files() -> set[str]:
    found = set()
    for folder, _, names in os.walk(settings.MEDIA_ROOT):
        found.update(os.path.join(folder, name) for name in names)
    return found


def upload(user, application, name: str, content: bytes):
    client = Client()
    client.force_login(user)
    return client.post(
        reverse("selection:evidence_upload", args=[application.pk]),
        {"kind": "certificate", "file": SimpleUploadedFile(name, content, "application/octet-stream")},
    )


@pytest.mark.parametrize("case", REFUSED.keys())
def test_a_hostile_file_is_refused_at_the_field_and_nothing_is_stored(alice, application, case):
    name, build, message = REFUSED[case]
    before_rows, before_files = EvidenceFile.objects.count(), stored_files()

    response = upload(alice, application, name, build())

    assert response.status_code == 200
    errors = response.context["evidence_form"].errors["file"]
    if message is None:
        assert len(errors) == 1
        assert errors[0].startswith("“证书.jpg”在图片结束标记之后还附带了")
        assert errors[0].endswith("字节的其他数据，不能上传。")
    else:
        assert errors == [message]
    assert EvidenceFile.objects.count() == before_rows
    assert stored_files() == before_files


@pytest.mark.parametrize(
    ("name", "content"),
    [("证书.pdf", PDF_BYTES), ("证书.png", PNG_BYTES), ("证书.jpg", None)],
    ids=["pdf", "png", "jpeg"],
)
def test_an_ordinary_pdf_png_and_jpeg_are_accepted(alice, application, name, content):
    if content is None:
        buffer = BytesIO()
        Image.new("RGB", (8, 8), "white").save(buffer, "JPEG", exif=Image.Exif())
        content = buffer.getvalue()
    response = upload(alice, application, name, content)
    assert response.status_code == 302
    assert list(application.evidence.order_by("pk").values_list("original_name", flat=True)) == [
        "技师证书.png",
        name,
    ]


def test_a_pdf_with_a_go_to_page_open_action_is_accepted(alice, application):
    """Opening at a page is what most exported PDFs do: not active content."""
    writer = _one_page()
    writer._root_object[NameObject("/OpenAction")] = ArrayObject(
        [writer.pages[0].indirect_reference, NameObject("/Fit")]
    )
    evidence = evidence_add(
        actor=alice, application=application, kind="certificate", name="证书.pdf", content=_write(writer)
    )
    assert evidence.content_type == "application/pdf"


def pdf_of_size(size: int) -> bytes:
    """A valid one-page PDF of exactly `size` bytes, padded by a comment in its content stream."""

    def build(padding: int) -> bytes:
        writer = _one_page()
        stream = DecodedStreamObject()
        stream.set_data(b"%" + b"x" * padding + b"\n")
        writer.pages[0][NameObject("/Contents")] = writer._add_object(stream)
        return _write(writer)

    padding = size
    content = build(padding)
    while len(content) != size:  # the offsets' digit counts move with the padding
        padding -= len(content) - size
        content = build(padding)
    return content


def test_a_file_of_exactly_the_limit_is_accepted(alice, application):
    response = upload(alice, application, "证书.pdf", pdf_of_size(MAX_FILE_BYTES))
    assert response.status_code == 302
    assert application.evidence.filter(original_name="证书.pdf").get().size == 10 * 1024 * 1024


def test_one_byte_over_the_limit_is_refused_with_its_real_size(alice, application):
    response = upload(alice, application, "证书.pdf", pdf_of_size(MAX_FILE_BYTES + 1))
    assert response.context["evidence_form"].errors["file"] == [
        "“证书.pdf”的文件大小为 10.01 MB（10,485,761 字节），超过上限 10 MB。"
    ]
    assert list(application.evidence.values_list("original_name", flat=True)) == ["技师证书.png"]


def test_the_domain_refuses_a_hostile_pdf_whatever_the_view(alice, application):
    with pytest.raises(DomainError) as refused:
        evidence_add(
            actor=alice,
            application=application,
            kind="certificate",
            name="证书.pdf",
            content=pdf_with_open_action_javascript(),
        )
    assert (refused.value.field, refused.value.code) == ("file", "unsafe_file")
    assert list(application.evidence.values_list("original_name", flat=True)) == ["技师证书.png"]
