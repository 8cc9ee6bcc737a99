"""The printed notice: its web address and QR code, and the applying enterprise's own copy to post."""

import subprocess
from urllib.parse import urlsplit

import pytest
import zxingcpp
from django.urls import reverse
from PIL import Image

from chieftech.accounts.roles import Role
from chieftech.core.models import Notification
from chieftech.publicity.documents.notice_pdf import notice_pdf, notice_qr
from chieftech.publicity.domain.notice import notice_public_url
from chieftech.publicity.models import Notice
from tests.factories import make_enterprise, make_user
from tests.publicity.test_notice import prepared_notice, published_notice


def pdf_text(content: bytes, tmp_path) -> str:
    path = tmp_path / "notice.pdf"
    path.write_bytes(content)
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


def pdf_qr_codes(content: bytes, tmp_path) -> list[str]:
    """Every QR code a reader finds on the printed pages (rasterised at 200 dpi, as a phone would see it)."""
    path = tmp_path / "scan.pdf"
    path.write_bytes(content)
    subprocess.run(["pdftoppm", "-r", "200", "-gray", "-png", str(path), str(tmp_path / "page")], check=True)
    return [
        code.text
        for page in sorted(tmp_path.glob("page*.png"))
        for code in zxingcpp.read_barcodes(Image.open(page))
        if code.format == zxingcpp.BarcodeFormat.QRCode
    ]


@pytest.fixture
def carol():
    """Enterprise user of an enterprise that recommended nobody to the round."""
    return make_user("carol", Role.ENTERPRISE, enterprise=make_enterprise("威海丙没有申报有限公司"))


# --- The web address and the QR code ------------------------------------------------------------------


def test_the_printed_notice_carries_its_web_address_and_a_qr_code_of_it(olivia, alice, bob, tmp_path):
    _, notice, _ = published_notice(olivia, [alice, bob], n=2)

    content = notice_pdf(
        Notice.objects.select_related("round__authority").get(pk=notice.pk), enterprise=alice.enterprise
    )

    url = f"http://127.0.0.1:8000/publicity/{notice.pk}/"
    assert notice_public_url(notice) == url
    assert url in pdf_text(content, tmp_path).split()
    assert pdf_qr_codes(content, tmp_path) == [url]


def test_the_address_is_the_authoritys_own_when_it_has_one(client, olivia, alice, bob, tmp_path):
    round_, notice, _ = published_notice(olivia, [alice, bob], n=2)
    authority = round_.authority
    authority.public_base_url = "https://rsj.huancui.gov.cn/"
    authority.save(update_fields=["public_base_url"])

    content = notice_pdf(
        Notice.objects.select_related("round__authority").get(pk=notice.pk), enterprise=bob.enterprise
    )

    url = f"https://rsj.huancui.gov.cn/publicity/{notice.pk}/"
    assert pdf_qr_codes(content, tmp_path) == [url]
    assert notice_qr(notice).value == url
    # The address leads to the notice's public page.
    assert client.get(urlsplit(url).path).status_code == 200


# --- The enterprise's own copy --------------------------------------------------------------------------


def copy_url(round_, enterprise_id: int) -> str:
    return reverse("publicity:notice_pdf", args=[round_.pk, enterprise_id])


def test_an_applying_enterprise_downloads_its_own_copy_once_published(client, olivia, alice, bob, tmp_path):
    round_, _notice, applications = published_notice(olivia, [alice, bob], n=2)
    client.force_login(alice)

    response = client.get(copy_url(round_, alice.enterprise_id))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    flat = "".join(pdf_text(response.content, tmp_path).split())
    assert flat.startswith(f"{alice.enterprise.name}：请在本单位显著位置张贴")
    # The whole notice, every enterprise's candidates, as the notice on the portal.
    assert [a.name in flat for a in applications] == [True, True]


@pytest.mark.parametrize(
    ("username", "whose", "status"),
    [
        ("alice", "alice", 200),
        ("alice", "bob", 404),
        ("bob", "bob", 200),
        ("bob", "alice", 404),
        ("carol", "carol", 404),
        ("carol", "alice", 404),
        ("olivia", "alice", 200),
        ("olivia", "carol", 404),
        ("erin", "alice", 403),
        ("leo", "alice", 403),
        ("gina", "alice", 403),
        ("stranger", "alice", 403),
    ],
)
def test_who_may_download_which_copy(client, request, olivia, alice, bob, carol, username, whose, status):
    round_, _, _ = published_notice(olivia, [alice, bob], n=2)
    client.force_login(request.getfixturevalue(username))

    assert client.get(copy_url(round_, request.getfixturevalue(whose).enterprise_id)).status_code == status


def test_an_enterprise_gets_no_copy_of_a_draft(client, olivia, alice, bob):
    round_, notice, _ = prepared_notice(olivia, [alice, bob], n=2)
    client.force_login(alice)

    assert client.get(copy_url(round_, alice.enterprise_id)).status_code == 404
    assert client.get(reverse("publicity:notice_copy", args=[notice.pk])).status_code == 404
    client.force_login(olivia)
    assert client.get(copy_url(round_, alice.enterprise_id)).status_code == 200


def test_anonymous_visitors_are_sent_to_sign_in_for_a_copy(client, olivia, alice, bob):
    round_, notice, _ = published_notice(olivia, [alice, bob], n=2)

    for url in (copy_url(round_, alice.enterprise_id), reverse("publicity:notice_copy", args=[notice.pk])):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_the_notifications_link_gives_each_enterprise_its_own_copy(
    client, olivia, alice, bob, carol, tmp_path
):
    _, notice, _ = published_notice(olivia, [alice, bob], n=2)

    for user in (alice, bob):
        note = Notification.objects.get(user=user, subject__startswith="考察公示已发布")
        assert note.body.endswith("请下载本单位的公示打印文本，在本单位显著位置张贴，接受职工监督。")
        client.force_login(user)
        response = client.get(note.url)
        assert response.status_code == 200
        flat = "".join(pdf_text(response.content, tmp_path).split())
        assert flat.startswith(f"{user.enterprise.name}：请在本单位显著位置张贴")
    # An enterprise that did not apply has no copy of this notice to post.
    client.force_login(carol)
    assert client.get(reverse("publicity:notice_copy", args=[notice.pk])).status_code == 404
