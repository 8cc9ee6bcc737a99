"""The material page of the holder and the enterprise: saving, adding evidence, sending with confirmation; who
finds it (404) and who may act (403); the evidence download."""

from datetime import timedelta

import lxml.html
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from chieftech.audit.models import AuditRecord
from chieftech.core.dates import date_zh
from chieftech.review.models import ReviewAchievement
from chieftech.tenure.models import AnnualReview
from tests.factories import PDF_BYTES, make_annual_review, make_apprentice
from tests.review.conftest import filled
from tests.test_irreversible_actions import asked, confirm

# Measured with 1 and 3 achievements, agreements and certificates: the same. Ten of them count the
# qualifying apprentices as 第八条（五） does (review.domain.checks: the status history, the ledger, the claims
# on other ledgers), so the holder sees the number the officer will see.
QUERIES_MATERIAL = 24


def _url(review, name="review:material"):
    return reverse(name, args=[review.pk])


def _form(**overrides):
    return {
        "post": "数控车间主操作手",
        "performance": "带徒4人。",
        "achievements": "",
        "mentoring_summary": "与4名徒弟签订带徒协议。",
        "declared_no_accident": "yes",
        "declared_no_violation": "yes",
        "declaration_note": "",
        **overrides,
    }


def _text(response, element_id: str) -> str:
    doc = lxml.html.fromstring(response.content.decode())
    return " ".join(doc.get_element_by_id(element_id).text_content().split())


def test_the_holder_fills_adds_evidence_and_submits_after_confirming(client, review, harry, olivia):
    client.force_login(harry)
    page = client.get(_url(review))
    assert (
        _text(page, "review-deadline") == f"材料报送截止时间：{date_zh(review.deadline)}24时，逾期不能报送。"
    )

    assert client.post(_url(review), _form())["Location"] == _url(review)
    response = client.post(
        _url(review, "review:achievement_add"),
        {
            "kind": "award",
            "title": "市职工技术创新成果二等奖",
            "achieved_on": "2025-06-18",
            "issuer": "威海市总工会",
            "description": "",
            "file": SimpleUploadedFile("获奖证书.pdf", PDF_BYTES, content_type="application/pdf"),
        },
    )
    assert response.status_code == 302
    response = client.post(_url(review, "review:material_submit"))
    assert asked(response)[2] == "确认报送"
    review.refresh_from_db()
    assert review.state == "pending"

    response = confirm(client, response)

    review.refresh_from_db()
    assert (response["Location"], review.state, review.submitted_as) == (_url(review), "submitted", "holder")
    page = client.get(_url(review))
    assert "保存复核申请表" not in page.content.decode()
    assert 'id="achievement-form"' not in page.content.decode()
    # Repeating the confirmed POST does not send it twice.
    client.post(_url(review, "review:material_submit"), {"confirmed": "yes"})
    assert AuditRecord.objects.filter(action="review.submit").count() == 1


def test_an_incomplete_form_is_refused_at_its_fields(client, review, harry):
    client.force_login(harry)

    response = client.post(_url(review, "review:material_submit"), {"confirmed": "yes"})

    assert response.status_code == 200
    doc = lxml.html.fromstring(response.content.decode())
    assert [
        " ".join(e.text_content().split())
        for e in doc.xpath('//div[@id="field-post"]//ul[@class="errorlist"]')
    ] == ["请填写现岗位。"]
    review.refresh_from_db()
    assert review.state == "pending"


def test_an_achievement_outside_the_period_is_refused_at_the_date(client, review, harry):
    client.force_login(harry)

    response = client.post(
        _url(review, "review:achievement_add"),
        {
            "kind": "award",
            "title": "某奖",
            "achieved_on": "2026-01-05",
            "file": SimpleUploadedFile("证书.pdf", PDF_BYTES, content_type="application/pdf"),
        },
    )

    doc = lxml.html.fromstring(response.content.decode())
    assert [" ".join(e.text_content().split()) for e in doc.xpath('//div[@id="field-achieved_on"]//ul')] == [
        "取得日期应在本次复核期间（2024年12月27日至2025年12月26日）内。"
    ]
    assert ReviewAchievement.objects.count() == 0


def test_after_the_deadline_the_page_is_read_only_and_says_so(client, cohort, harry):
    review = make_annual_review(cohort[0], state="pending", deadline=timezone.localdate() - timedelta(days=1))
    client.force_login(harry)

    page = client.get(_url(review))

    assert (
        _text(page, "review-deadline")
        == f"材料报送截止时间：{date_zh(review.deadline)}24时，已过截止时间，不能再报送或修改。"
    )
    filled(review)
    response = client.post(_url(review, "review:material_submit"), {"confirmed": "yes"})
    assert (
        f"材料报送截止时间为{date_zh(review.deadline)}24时，已过截止时间，不能报送。"
        in response.content.decode()
    )
    review.refresh_from_db()
    assert review.state == "pending"


def test_weihais_officer_has_no_material_page_and_finds_no_form(client, review, walter):
    client.force_login(walter)

    assert [
        client.get(_url(review)).status_code,
        client.get(_url(review, "review:form_pdf")).status_code,
        client.get(_url(review, "review:form_docx")).status_code,
        client.post(_url(review, "review:material_submit"), {"confirmed": "yes"}).status_code,
    ] == [403, 404, 404, 403]
    review.refresh_from_db()
    assert review.state == "pending"


def test_another_enterprise_and_another_holder_get_404(client, review, bob, tina):
    for user in (bob, tina):
        client.force_login(user)
        assert [
            client.get(_url(review)).status_code,
            client.get(_url(review, "review:form_pdf")).status_code,
            client.post(_url(review, "review:material_submit"), {"confirmed": "yes"}).status_code,
        ] == [404, 404, 404]


def test_weihais_officer_gets_404_for_the_documents_and_files(client, review, harry, walter):
    client.force_login(harry)
    client.post(
        _url(review, "review:achievement_add"),
        {
            "kind": "award",
            "title": "某奖",
            "achieved_on": "2025-06-18",
            "file": SimpleUploadedFile("证书.pdf", PDF_BYTES, content_type="application/pdf"),
        },
    )
    item = ReviewAchievement.objects.get()
    client.force_login(walter)

    assert [
        client.get(_url(review, "review:form_pdf")).status_code,
        client.get(reverse("review:achievement_file", args=[item.pk])).status_code,
    ] == [404, 404]


def test_the_officer_reads_the_evidence_but_keeps_no_material(client, review, harry, olivia):
    client.force_login(harry)
    client.post(
        _url(review, "review:achievement_add"),
        {
            "kind": "award",
            "title": "某奖",
            "achieved_on": "2025-06-18",
            "file": SimpleUploadedFile("证书.pdf", PDF_BYTES, content_type="application/pdf"),
        },
    )
    item = ReviewAchievement.objects.get()
    client.force_login(olivia)

    response = client.get(reverse("review:achievement_file", args=[item.pk]))

    assert (response.status_code, response["Content-Type"], b"".join(response.streaming_content)) == (
        200,
        "application/pdf",
        PDF_BYTES,
    )
    assert "no-store" in response["Cache-Control"]
    assert client.post(_url(review), _form()).status_code == 403


def test_the_enterprise_writes_its_opinion_and_the_holder_cannot(client, review, alice, harry):
    client.force_login(harry)
    assert 'name="enterprise_opinion"' not in client.get(_url(review)).content.decode()
    client.force_login(alice)
    assert client.post(_url(review), _form(enterprise_opinion="同意报送。")).status_code == 302
    review.refresh_from_db()
    assert review.enterprise_opinion == "同意报送。"


def test_the_holders_review_list_and_the_enterprises_page_link_the_material(client, review, harry, alice):
    client.force_login(harry)
    assert _url(review) in client.get(reverse("tenure:holder_reviews")).content.decode()
    client.force_login(alice)
    assert (
        _url(review)
        in client.get(reverse("tenure:enterprise_tenure", args=[review.tenure_id])).content.decode()
    )


@pytest.mark.parametrize("n", [1, 3])
def test_the_material_page_reads_the_same_queries_for_1_and_3_items(
    client, review, harry, django_assert_num_queries, n
):
    from datetime import date

    for k in range(n):
        ReviewAchievement.objects.create(
            review=review,
            kind="award",
            title=f"奖{k}",
            achieved_on=date(2025, 6, 1 + k),
            file="reviews/x.pdf",
            file_name="x.pdf",
            file_size=1,
            file_type="application/pdf",
            added_by=harry,
            added_at=timezone.now(),
        )
        make_apprentice(review.tenure, by=harry, name=f"徒{k}", certificates=[(4, date(2025, 7, 1 + k))])
    client.force_login(harry)
    client.get(_url(review))

    with django_assert_num_queries(QUERIES_MATERIAL):
        page = client.get(_url(review))
    doc = lxml.html.fromstring(page.content.decode())
    assert [
        len(doc.xpath(f'//table[@id="{t}"]/tbody/tr'))
        for t in ("achievement-list", "agreements", "certificates")
    ] == [n, n, n]
    assert _text(page, "qualifying") == str(n)


def test_a_returned_review_shows_its_correction_deadline_and_reason(client, cohort, harry):
    review = make_annual_review(
        cohort[0],
        state=AnnualReview.State.RETURNED,
        deadline=timezone.localdate() + timedelta(days=3),
        return_reason="请补充获奖证书。",
    )
    client.force_login(harry)

    page = client.get(_url(review))

    assert (_text(page, "review-deadline"), _text(page, "return-reason")) == (
        f"补正材料报送截止时间：{date_zh(review.deadline)}24时，逾期不能报送。",
        "退回补正理由：请补充获奖证书。",
    )
