"""The blank 申报表 of a call is made once per content and served from storage to every visitor."""

import subprocess

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse

from chieftech.selection.documents.blank import FOLDER
from tests.factories import make_round


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def round_(olivia):
    return make_round(olivia)


def stored() -> list[str]:
    if not default_storage.exists(FOLDER):
        return []
    return sorted(default_storage.listdir(FOLDER)[1])


def pdf_text(content: bytes, tmp_path) -> str:
    path = tmp_path / "blank.pdf"
    path.write_bytes(content)
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


@pytest.mark.parametrize(
    ("url_name", "kind"), [("selection:blank_form_pdf", "pdf"), ("selection:blank_form_docx", "docx")]
)
def test_two_downloads_render_the_form_once(client, media, round_, url_name, kind):
    url = reverse(url_name, args=[round_.pk])

    first = client.get(url)
    files = stored()
    modified = default_storage.get_modified_time(f"{FOLDER}/{files[0]}")
    second = client.get(url)

    assert [first.status_code, second.status_code] == [200, 200]
    assert len(files) == 1
    assert files[0].endswith(f".{kind}")
    # The second visitor got the very file the first one made: not rendered again.
    assert stored() == files
    assert default_storage.get_modified_time(f"{FOLDER}/{files[0]}") == modified
    assert second.content == first.content
    with default_storage.open(f"{FOLDER}/{files[0]}", "rb") as handle:
        assert handle.read() == first.content


def test_the_stored_form_carries_an_etag_and_answers_304_when_unchanged(client, media, round_):
    url = reverse("selection:blank_form_pdf", args=[round_.pk])

    first = client.get(url)
    again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    since = client.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])

    assert first["ETag"] == f'"{stored()[0].removesuffix(".pdf")}"'
    assert first["Cache-Control"] == "public, no-cache, max-age=0"
    assert [again.status_code, since.status_code] == [304, 304]
    assert again.content == b""


def test_a_changed_call_or_authority_wording_makes_a_new_form(client, media, round_, tmp_path):
    url = reverse("selection:blank_form_pdf", args=[round_.pk])
    before = client.get(url)

    round_.title = "2026年度环翠区首席技师选拔（补充）"
    round_.save(update_fields=["title"])
    retitled = client.get(url, HTTP_IF_NONE_MATCH=before["ETag"])
    authority = round_.authority
    authority.bureau_name = "威海市环翠区人力资源和社会保障局（新）"
    authority.save(update_fields=["bureau_name"])
    renamed = client.get(url)

    assert [retitled.status_code, renamed.status_code] == [200, 200]
    assert len({before["ETag"], retitled["ETag"], renamed["ETag"]}) == 3
    assert len(stored()) == 3
    assert "批次：2026年度环翠区首席技师选拔（补充）" in pdf_text(retitled.content, tmp_path)
    assert "批次：2026年度环翠区首席技师选拔（补充）" not in pdf_text(before.content, tmp_path)


def test_each_round_has_its_own_form(client, media, olivia, round_):
    other = make_round(olivia, title="2027年度环翠区首席技师选拔", year=2027, confirmed=True)

    client.get(reverse("selection:blank_form_pdf", args=[round_.pk]))
    client.get(reverse("selection:blank_form_pdf", args=[other.pk]))

    assert len(stored()) == 2
