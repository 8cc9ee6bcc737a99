"""Rare characters in printed documents: drawn from a fallback font, or the document is refused by name."""

import re
import subprocess
from pathlib import Path

import pytest
from django.test import override_settings
from django.urls import reverse

from chieftech.certificates.documents import certificates_pdf, round_certificates
from chieftech.core.errors import DomainError
from chieftech.core.pdf_fonts import FONT_PACKAGES, font_chain
from chieftech.publicity.documents.notice_pdf import notice_pdf
from chieftech.publicity.domain.notice import notice_prepare
from chieftech.selection.models import Application
from tests.certificates.factories import make_approved_round
from tests.factories import make_application, make_round
from tests.publicity.factories import make_notice_stage_round
from tests.publicity.test_notice import PREPARED_AT, START

# 𪚥 and 𠀀 are in CJK Extension B, 𪜀 (U+2A700) in Extension C: WenQuanYi Micro Hei has none of them.
RARE_NAMES = ["欧阳𪚥", "𠀀明", "李𪜀"]
PRIVATE_USE = "\ue000"
UNASSIGNED = "\u0378"


def pdf_text(content: bytes, tmp_path: Path) -> str:
    path = tmp_path / "text.pdf"
    path.write_bytes(content)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def printed_lines(content: bytes, tmp_path: Path) -> list[str]:
    """Each printed line with its blanks removed (the layout pads labels and columns with spaces)."""
    return ["".join(line.split()) for line in pdf_text(content, tmp_path).splitlines() if line.strip()]


def embedded_fonts(content: bytes, tmp_path: Path) -> dict[str, str]:
    """Each font of the PDF without its subset tag, and whether it is embedded."""
    path = tmp_path / "fonts.pdf"
    path.write_bytes(content)
    output = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    return {row.split()[0].split("+")[-1]: row.split()[-5] for row in output.splitlines()[2:]}


def rename(application: Application, name: str) -> None:
    application.name = name
    application.save(update_fields=["name"])


def test_the_setup_installs_every_font_package():
    listed = (Path(__file__).resolve().parents[2] / "deploy" / "system-packages.txt").read_text().split()
    assert sorted(FONT_PACKAGES - set(listed)) == []
    assert sorted(FONT_PACKAGES) == ["fonts-arphic-uming", "fonts-hanazono", "fonts-wqy-microhei"]


def test_the_fallback_fonts_have_what_the_primary_lacks():
    chain = font_chain()
    assert [chain.font_for(c) for c in "欧𪚥𠀀𪜀"] == [
        "ChiefTechCJK",
        "ChiefTechHanaMinA",
        "ChiefTechHanaMinA",
        "ChiefTechHanaMinB",
    ]


def test_certificates_print_rare_names_from_the_fallback_fonts(olivia, leo, gina, alice, bob, tmp_path):
    round_, proposed = make_approved_round(olivia, leo, gina, [alice, bob], n=3)
    for application, name in zip(proposed, RARE_NAMES, strict=True):
        rename(application, name)
    content = certificates_pdf(round_certificates(round_), title="首席技师证书")

    lines = printed_lines(content, tmp_path)
    assert [line for line in lines if line.startswith("姓名：")] == [f"姓名：{name}" for name in RARE_NAMES]
    assert [line for line in lines if line.endswith("同志：")] == [f"{name}同志：" for name in RARE_NAMES]
    assert embedded_fonts(content, tmp_path) == {
        "UMingCN-0": "yes",
        "HanaMinA": "yes",
        "HanaMinB": "yes",
    }


def test_the_notice_prints_rare_names(olivia, alice, bob, tmp_path):
    round_, applications = make_notice_stage_round(olivia, [alice, bob], n=3)
    for application, name in zip(applications, RARE_NAMES, strict=True):
        rename(application, name)
    notice = notice_prepare(actor=olivia, round_=round_, starts_on=START, now=PREPARED_AT)
    content = notice_pdf(notice, enterprise=alice.enterprise)

    text = "".join(printed_lines(content, tmp_path))
    assert [name for name in RARE_NAMES if name in text] == RARE_NAMES
    assert embedded_fonts(content, tmp_path) == {
        "WenQuanYiMicroHei-0": "yes",
        "HanaMinA": "yes",
        "HanaMinB": "yes",
    }


@pytest.mark.parametrize("name", RARE_NAMES[:2])
def test_the_application_form_prints_a_rare_name(client, alice, olivia, name, tmp_path):
    application = make_application(alice, make_round(olivia), name=name)
    client.force_login(alice)
    content = client.get(reverse("selection:application_pdf", args=[application.pk])).content

    lines = printed_lines(content, tmp_path)
    assert lines[4] == f"姓名{name}性别男出生年月1980年5月"
    assert [line for line in lines if line.startswith("环翠区首席技师申报表·")] == [
        f"环翠区首席技师申报表·{name}第1页共2页",
        f"环翠区首席技师申报表·{name}第2页共2页",
    ]
    assert embedded_fonts(content, tmp_path) == {"WenQuanYiMicroHei-0": "yes", "HanaMinA": "yes"}


@pytest.mark.parametrize(
    ("character", "code_point"), [(PRIVATE_USE, "U+E000"), (UNASSIGNED, "U+0378"), ("\U000f0000", "U+F0000")]
)
def test_a_character_no_font_has_refuses_the_document_naming_it(
    olivia, leo, gina, alice, character, code_point
):
    round_, proposed = make_approved_round(olivia, leo, gina, [alice], n=1)
    rename(proposed[0], f"王{character}")

    with pytest.raises(DomainError) as refused:
        certificates_pdf(round_certificates(round_), title="首席技师证书")
    assert refused.value.message == (
        f"无法生成文件：字符“{character}”（{code_point}）在已安装的字体中均无字形，请联系系统管理员安装字体"
    )


def test_the_refused_form_download_says_which_character(client, alice, olivia):
    application = make_application(alice, make_round(olivia), name=f"王{PRIVATE_USE}")
    client.force_login(alice)
    response = client.get(reverse("selection:application_pdf", args=[application.pk]))

    assert response.status_code == 422
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert (
        "无法生成文件：字符“\ue000”（U+E000）在已安装的字体中均无字形，请联系系统管理员安装字体"
        in response.content.decode()
    )


def test_without_the_fallback_fonts_a_rare_name_is_refused_not_dropped(alice, olivia, tmp_path):
    # A machine with only the primary font: the documents that need no fallback still print.
    with override_settings(PDF_FONT_DIRS=[str(tmp_path)]):
        chain = font_chain()
        assert chain.names == ("ChiefTechCJK",)
        assert chain.runs("王建国") == [("ChiefTechCJK", "王建国")]
        with pytest.raises(DomainError) as refused:
            chain.runs("欧阳𪚥")
    assert refused.value.message == (
        "无法生成文件：字符“𪚥”（U+2A6A5）在已安装的字体中均无字形，请联系系统管理员安装字体"
    )


def test_every_document_draws_its_text_through_the_font_chains():
    """A string drawn on the canvas or a reportlab Paragraph made outside core.pdf would skip the fallback
    fonts and print a rare character as nothing."""
    source = Path(__file__).resolve().parents[2] / "src" / "chieftech"
    helpers = {source / "core" / name for name in ("pdf.py", "pdf_fonts.py", "pdf_linebreak.py")}
    drawing = re.compile(r"\.draw(String|CentredString|RightString)\(|\.setFont\(|\.textOut\(|\bParagraph\(")
    offending = [
        f"{path.relative_to(source)}:{number}"
        for path in sorted(source.rglob("*.py"))
        if path not in helpers
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if drawing.search(line)
    ]
    assert offending == []
