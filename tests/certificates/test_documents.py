"""The certificate PDF (A4 landscape, embedded Chinese font, QR code to its verification page) and its downloads."""

import re
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from PIL import Image

from chieftech.certificates.documents import (
    CERTIFICATE_RELATED,
    PAGE,
    QR_AT,
    QR_SIZE,
    certificate_pdf,
    certificate_qr,
    certificates_pdf,
    round_certificates,
)
from chieftech.certificates.models import Certificate
from tests.certificates.factories import make_approval_stage_round, make_approved_round
from tests.factories import make_bank_account, make_enterprise, make_user

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
MARGIN_PT = 40 * 72 / 25.4


def pdf_text(content: bytes, tmp_path: Path) -> str:
    path = tmp_path / "certificate.pdf"
    path.write_bytes(content)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def pdf_info(content: bytes, tmp_path: Path) -> dict[str, str]:
    path = tmp_path / "info.pdf"
    path.write_bytes(content)
    output = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return {k.strip(): v.strip() for k, _, v in (line.partition(":") for line in output.splitlines())}


def pdf_fonts(content: bytes, tmp_path: Path) -> list[list[str]]:
    path = tmp_path / "fonts.pdf"
    path.write_bytes(content)
    output = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    return [line.split() for line in output.splitlines()[2:]]


@pytest.fixture
def published(olivia, leo, gina, alice, bob):
    round_, proposed = make_approved_round(olivia, leo, gina, [alice, bob], n=3)
    return round_, [Certificate.objects.get(tenure__application=a) for a in proposed]


def test_the_certificate_pdf_shows_the_holder_number_term_and_authority(published, tmp_path):
    _, certificates = published
    certificate = round_certificates(certificates[0].tenure.application.round)[0]

    text = pdf_text(certificate_pdf(certificate), tmp_path)
    # Each printed line with its blanks removed (the layout pads labels and columns with spaces).
    lines = ["".join(line.split()) for line in text.splitlines() if line.strip()]

    assert lines[:11] == [
        "环翠区首席技师证书",
        "证书编号：HCSJ-2026-001",
        "王建国同志：",
        "经区委人才工作领导小组审定、区人民政府批准，您被评为2026年度环翠区首",
        "席技师。特发此证。",
        "姓名：王建国",
        "工作单位：威海甲精密机械有限公司",
        "职业（工种）：数控车工",
        "管理期：2026年12月31日至2028年12月30日",
        "批准文号：威环政字〔2026〕12号",
        "扫码查验证书",
    ]
    assert lines[11:] == [
        f"查验码：{certificate.verification_code}威海市环翠区人力资源和社会保障局",
        "或在门户网站“证书查验”输入查验码",
        "2026年12月31日",
    ]


def test_the_certificate_is_a4_landscape_with_only_embedded_fonts(published, tmp_path):
    _, certificates = published
    content = certificate_pdf(certificates[0])

    info = pdf_info(content, tmp_path)
    fonts = pdf_fonts(content, tmp_path)

    assert (info["Pages"], info["Page size"]) == ("1", "841.89 x 595.276 pts (A4)")
    assert info["Author"] == "威海市环翠区人力资源和社会保障局"
    # The serif (Ming) face of AR PL UMing, and nothing else.
    assert len(fonts) == 1
    assert fonts[0][0].split("+")[1] == "UMingCN-0"
    assert fonts[0][-5:-2] == ["yes", "yes", "yes"]  # embedded, subset, with a Unicode map


def test_the_certificate_renders_to_a_landscape_page_to_look_at(published, tmp_path):
    _, certificates = published
    application = certificates[0].tenure.application
    # A holder whose name needs the fallback font, to see it set beside the serif face.
    application.name = "欧阳𪚥"
    application.save(update_fields=["name"])
    path = tmp_path / "certificate.pdf"
    path.write_bytes(certificate_pdf(Certificate.objects.get(pk=certificates[0].pk)))
    ARTIFACTS.mkdir(exist_ok=True)
    subprocess.run(
        ["pdftoppm", "-r", "100", "-png", "-singlefile", str(path), str(ARTIFACTS / "certificate")],
        check=True,
    )
    # A4 landscape (842 x 595 pt) at 100 dpi.
    assert Image.open(ARTIFACTS / "certificate.png").size == (1170, 827)


def test_a_long_authority_title_stays_inside_the_frame(published, tmp_path):
    _, certificates = published
    authority = certificates[0].tenure.application.round.authority
    authority.title_name = "中国（山东）自由贸易试验区威海片区高技能人才队伍建设首席技师"
    authority.save(update_fields=["title_name"])
    path = tmp_path / "title.pdf"
    path.write_bytes(certificate_pdf(Certificate.objects.get(pk=certificates[0].pk)))
    html = subprocess.run(
        ["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    words = re.findall(r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)<', html)
    top = min(float(y) for _, y, _, _ in words)
    title = [(float(x0), float(x1), text) for x0, y, x1, text in words if float(y) == top]

    assert "".join(text for _, _, text in title) == f"{authority.title_name}证书"
    # Within the margins of the text (40 mm each side of the landscape page).
    left, right = min(x0 for x0, _, _ in title), max(x1 for _, x1, _ in title)
    assert round(left, 2) >= round(MARGIN_PT, 2)
    assert round(right, 2) <= round(PAGE[0] - MARGIN_PT, 2)


def test_the_certificate_carries_no_id_number_phone_or_bank_account(published, tmp_path):
    _, certificates = published
    certificate = certificates[0]
    tenure = certificate.tenure
    make_bank_account(tenure, number="6222021602001234567")
    application = tenure.application

    text = pdf_text(certificate_pdf(Certificate.objects.get(pk=certificate.pk)), tmp_path)

    assert [s for s in (application.id_number, application.phone, "6222021602001234567") if s in text] == []


def test_the_qr_code_leads_to_the_certificates_verification_page(client, published, settings):
    _, certificates = published
    certificate = certificates[0]

    value = certificate_qr(certificate).value

    assert value == f"{settings.PUBLIC_BASE_URL}/verify/{certificate.verification_code}/"
    response = client.get(urlsplit(value).path)
    assert response.status_code == 200
    assert response.context["status"].label == "有效"


def test_the_batch_pdf_has_one_page_per_certificate_in_number_order(published, tmp_path):
    round_, _ = published
    certificates = round_certificates(round_)

    content = certificates_pdf(certificates, title="批量")

    assert pdf_info(content, tmp_path)["Pages"] == "3"
    pages = pdf_text(content, tmp_path).split("\f")
    assert [next(line.strip() for line in page.splitlines() if "证书编号" in line) for page in pages[:3]] == [
        "证书编号：HCSJ-2026-001",
        "证书编号：HCSJ-2026-002",
        "证书编号：HCSJ-2026-003",
    ]


# --- Downloads ------------------------------------------------------------------------------------


def test_the_officer_downloads_a_certificate_and_the_rounds_batch(client, published, olivia, tmp_path):
    round_, certificates = published
    client.force_login(olivia)

    single = client.get(reverse("certificates:certificate_pdf", args=[certificates[1].pk]))
    batch = client.get(reverse("certificates:round_batch_pdf", args=[round_.pk]))

    assert (single.status_code, single["Content-Type"]) == (200, "application/pdf")
    assert "HCSJ-2026-002" in pdf_text(single.content, tmp_path)
    assert single["Content-Disposition"] == "inline; filename*=UTF-8''HCSJ-2026-002.pdf"
    assert (batch.status_code, pdf_info(batch.content, tmp_path)["Pages"]) == (200, "3")


def test_an_enterprise_downloads_only_its_own_peoples_certificates(client, published, alice):
    _, certificates = published
    own = [c for c in certificates if c.tenure.enterprise_id == alice.enterprise_id]
    other = [c for c in certificates if c.tenure.enterprise_id != alice.enterprise_id]
    client.force_login(alice)

    assert [client.get(reverse("certificates:certificate_pdf", args=[c.pk])).status_code for c in own] == [
        200,
        200,
    ]
    assert [client.get(reverse("certificates:certificate_pdf", args=[c.pk])).status_code for c in other] == [
        404
    ]
    assert (
        client.get(
            reverse("certificates:round_batch_pdf", args=[certificates[0].tenure.application.round_id])
        ).status_code
        == 403
    )


def test_a_user_of_an_unrelated_enterprise_gets_404(client, published):
    _, certificates = published
    carol = make_user("carol", "enterprise", enterprise=make_enterprise("威海丙化工有限公司"))
    client.force_login(carol)

    assert client.get(reverse("certificates:certificate_pdf", args=[certificates[0].pk])).status_code == 404


@pytest.mark.parametrize("who", ["leo", "gina", "erin", "stranger"])
def test_other_roles_cannot_download_certificates(client, published, request, who):
    round_, certificates = published
    client.force_login(request.getfixturevalue(who))

    assert client.get(reverse("certificates:certificate_pdf", args=[certificates[0].pk])).status_code == 403
    assert client.get(reverse("certificates:round_batch_pdf", args=[round_.pk])).status_code == 403


def test_a_round_without_certificates_has_no_batch(client, olivia, alice):
    round_, _ = make_approval_stage_round(olivia, [alice], n=1)
    client.force_login(olivia)

    assert client.get(reverse("certificates:round_batch_pdf", args=[round_.pk])).status_code == 404


def test_the_printed_qr_code_has_exactly_the_modules_of_its_encoding(published, tmp_path):
    """Without a QR decoder at hand: the page is rasterised and every module's centre is read back; they
    must be the modules reportlab's encoder computed for the verification URL (the widget's value)."""
    _, certificates = published
    certificate = Certificate.objects.select_related(*CERTIFICATE_RELATED).get(pk=certificates[0].pk)
    widget = certificate_qr(certificate)
    widget.qr.make()
    modules = [[bool(m) for m in row] for row in widget.qr.modules]
    border = int(widget.barBorder)
    side = len(modules) + 2 * border
    path = tmp_path / "qr.pdf"
    path.write_bytes(certificate_pdf(certificate))
    dpi = 300
    subprocess.run(
        ["pdftoppm", "-r", str(dpi), "-gray", "-png", "-singlefile", str(path), str(tmp_path / "page")],
        check=True,
    )
    image = Image.open(tmp_path / "page.png").convert("L")
    scale = dpi / 72
    box = QR_SIZE / side
    left, top = QR_AT[0], PAGE[1] - QR_AT[1] - QR_SIZE

    read = [
        [
            image.getpixel(
                (
                    round((left + (c + border + 0.5) * box) * scale),
                    round((top + (r + border + 0.5) * box) * scale),
                )
            )
            < 128
            for c in range(len(modules))
        ]
        for r in range(len(modules))
    ]

    assert read == modules
    # The quiet zone around it is white.
    assert image.getpixel((round((left + 0.5 * box) * scale), round((top + 0.5 * box) * scale))) > 200
