"""The 复核申请表 as PDF and Word: the authority's title, the person (ID masked), the period, the achievements,
the ledger's counts, the declaration, the opinions; downloaded with a Chinese name and never stored."""

import subprocess
from datetime import date
from io import BytesIO
from urllib.parse import quote

import pytest
from django.urls import reverse
from django.utils import timezone
from docx import Document

from chieftech.review.documents.form_docx import review_form_docx
from chieftech.review.documents.form_pdf import review_form_pdf
from chieftech.review.models import ReviewAchievement
from tests.factories import make_apprentice
from tests.review.conftest import filled


@pytest.fixture
def complete(review, harry):
    filled(review, enterprise_opinion="同意报送，该同志履职尽责。")
    ReviewAchievement.objects.create(
        review=review,
        kind="award",
        title="市职工技术创新成果二等奖",
        achieved_on=date(2025, 6, 18),
        issuer="威海市总工会",
        file="reviews/x.pdf",
        file_name="x.pdf",
        file_size=1,
        file_type="application/pdf",
        added_by=harry,
        added_at=timezone.now(),
    )
    make_apprentice(
        review.tenure, by=harry, name="刘小军", certificates=[(4, date(2025, 9, 1), "S2025090100001")]
    )
    make_apprentice(
        review.tenure, by=harry, name="周小燕", certificates=[(3, date(2025, 3, 1), "S2025030100002")]
    )
    # Dated after the period: not in this year's form.
    make_apprentice(
        review.tenure, by=harry, name="吴小刚", certificates=[(4, date(2026, 1, 5), "S2026010500003")]
    )
    return review


def _pdf_text(content: bytes, tmp_path) -> str:
    path = tmp_path / "form.pdf"
    path.write_bytes(content)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return "".join(text.split())


def _docx_text(content: bytes) -> str:
    document = Document(BytesIO(content))
    cells = []
    for table in document.tables:
        for row in table.rows:
            cells += [cell.text for cell in row.cells]
    return "".join("".join(p.text for p in document.paragraphs).split()) + "".join("".join(cells).split())


EXPECTED = [
    "环翠区首席技师复核申请表",
    "王建国",
    "身份证号码",
    "威海甲精密机械有限公司",
    "数控车间主操作手",
    "2024年12月27日至2025年12月26日（管理期第1年）",
    "市职工技术创新成果二等奖",
    "威海市总工会",
    "2025年6月18日",
    "复核期间带徒协议3份，徒弟取得技能等级证书2本，其中取得高级工（三级）及以上等级证书的徒弟1人。",
    "刘小军",
    "S2025090100001",
    "本人承诺：复核期间未发生本人负直接责任的生产安全事故或技术责任事故，无违法违纪行为",
    "同意报送，该同志履职尽责。",
    "人社部门复核意见",
]


def test_the_pdf_holds_the_form(complete, tmp_path):
    text = _pdf_text(review_form_pdf(complete), tmp_path)

    assert [part for part in EXPECTED if part not in text] == []
    id_number = complete.tenure.application.id_number
    assert id_number not in text
    assert f"{id_number[:4]}**********{id_number[-4:]}" in text
    assert "S2026010500003" not in text


def test_the_word_document_holds_the_same_form(complete):
    text = _docx_text(review_form_docx(complete))

    assert [part for part in EXPECTED if part not in text] == []
    assert complete.tenure.application.id_number not in text


def test_a_decided_review_prints_the_result(complete, olivia, tmp_path):
    complete.state = "passed"
    complete.decided_by = olivia
    complete.decided_at = timezone.now()
    complete.reason = "符合第八条规定的各项条件。"
    complete.save(update_fields=["state", "decided_by", "decided_at", "reason"])

    text = _pdf_text(review_form_pdf(complete), tmp_path)

    assert ("复核结论：复核通过" in text, "理由：符合第八条规定的各项条件。" in text) == (True, True)


@pytest.mark.parametrize("who", ["harry", "alice", "olivia"])
@pytest.mark.parametrize(
    ("name", "extension", "content_type"),
    [
        ("review:form_pdf", "pdf", "application/pdf"),
        (
            "review:form_docx",
            "docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
    ],
)
def test_the_holder_the_enterprise_and_the_officer_download_it(
    client, request, complete, who, name, extension, content_type
):
    client.force_login(request.getfixturevalue(who))

    response = client.get(reverse(name, args=[complete.pk]))

    filename = quote(f"环翠区首席技师复核申请表_王建国_管理期第1年.{extension}", safe="")
    assert (response.status_code, response["Content-Type"]) == (200, content_type)
    assert response["Content-Disposition"] == (
        f"attachment; filename=\"review-form-{complete.pk}.{extension}\"; filename*=UTF-8''{filename}"
    )
    assert "no-store" in response["Cache-Control"]
