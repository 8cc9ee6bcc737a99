"""A document the system made goes out as a never-sniffed attachment under its Chinese name."""

import io

from django.http import FileResponse, HttpResponse

from chieftech.core.downloads import content_disposition, document_download


def test_the_chinese_name_is_encoded_and_an_ascii_name_kept_for_older_clients():
    assert content_disposition("公示/名单.pdf", "notice-1.pdf") == (
        "attachment; filename=\"notice-1.pdf\"; filename*=UTF-8''%E5%85%AC%E7%A4%BA_%E5%90%8D%E5%8D%95.pdf"
    )


def test_bytes_become_an_attachment_that_is_never_sniffed():
    response = document_download(
        b"%PDF-1.7", content_type="application/pdf", filename="表.pdf", fallback="a.pdf"
    )
    assert type(response) is HttpResponse
    assert (response.content, response["Content-Type"], response["X-Content-Type-Options"]) == (
        b"%PDF-1.7",
        "application/pdf",
        "nosniff",
    )
    assert response["Content-Disposition"] == "attachment; filename=\"a.pdf\"; filename*=UTF-8''%E8%A1%A8.pdf"


def test_an_open_file_is_streamed_with_the_same_headers():
    response = document_download(
        io.BytesIO(b"xlsx"), content_type="application/octet-stream", filename="b.xlsx", fallback="b.xlsx"
    )
    assert type(response) is FileResponse
    assert b"".join(response.streaming_content) == b"xlsx"
    assert response["Content-Disposition"] == "attachment; filename=\"b.xlsx\"; filename*=UTF-8''b.xlsx"
    assert response["X-Content-Type-Options"] == "nosniff"
