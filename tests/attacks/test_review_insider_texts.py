"""Insiders writing markup into every free text of a re-review, and the personal data around it: the pages
show the markup as text, the PDF, the Word form and the results Excel keep it as text; the apprentices' full ID
numbers reach no page, file, notice or audit record; the pages with masked numbers are not cached; nothing of
the review reaches the public verification page; each state change writes one audit record with its actor."""

import subprocess
from datetime import date, datetime
from io import BytesIO

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from docx import Document
from openpyxl import load_workbook

from chieftech.audit.models import AuditRecord
from chieftech.audit.verify import audit_verify
from chieftech.core.models import Notification, OutboxMessage
from chieftech.duties.domain.files import Upload
from chieftech.review.domain.decision import review_decide
from chieftech.review.domain.material import review_achievement_add, review_form_save, review_submit
from chieftech.review.models import AchievementKind
from chieftech.tenure.models import AnnualReview
from tests.factories import PDF_BYTES, SHANGHAI, make_annual_review, make_id_number
from tests.review import decision_fixtures as fixtures
from tests.review.decision_fixtures import IN_PERIOD, SENIOR, TECHNICIAN, apprentice

campaign = fixtures.campaign
henry = fixtures.henry
tenure = fixtures.tenure

SCRIPT = '<script>alert("x")</script><img src=x onerror=alert(1)>'
ESCAPED = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"
APPRENTICE_IDS = [make_id_number(date(2001, 4, 12), serial=515), make_id_number(date(2002, 8, 3), serial=626)]
VERDICTS = {n: {"verdict": "pass", "note": SCRIPT} for n in (2, 3)}


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def decided(tenure, campaign, henry, alice, olivia):
    """A review whose every free text carries markup, sent, returned, sent again and not passed."""
    # A name holds 50 characters (PostgreSQL enforces it): the script tag alone.
    apprentice(tenure, alice, SCRIPT[:27] + "甲", (SENIOR, IN_PERIOD), id_number=APPRENTICE_IDS[0])
    apprentice(tenure, alice, "周晓红", (TECHNICIAN, date(2025, 9, 1)), id_number=APPRENTICE_IDS[1])
    review = make_annual_review(
        tenure, state="pending", campaign=campaign, deadline=timezone.localdate() + date.resolution * 10
    )
    texts = {"post": "车间" + SCRIPT[:80], "performance": SCRIPT, "achievements": SCRIPT}
    review_form_save(
        actor=henry,
        review=review,
        data={
            **texts,
            "mentoring_summary": SCRIPT,
            "declared_no_accident": True,
            "declared_no_violation": False,
            "declaration_note": SCRIPT,
        },
    )
    review_form_save(actor=alice, review=review, data={"enterprise_opinion": SCRIPT})
    review_achievement_add(
        actor=henry,
        review=review,
        kind=AchievementKind.values[0],
        title=SCRIPT,
        achieved_on=IN_PERIOD,
        issuer=SCRIPT,
        description=SCRIPT,
        upload=Upload(name="成果.pdf", content=PDF_BYTES),
    )
    review_submit(actor=henry, review=review)
    review_decide(actor=olivia, review=review, outcome="returned", verdicts={}, reason=SCRIPT)
    review_submit(actor=alice, review=review)
    review_decide(
        actor=olivia,
        review=review,
        outcome="failed",
        verdicts={**VERDICTS, 4: {"verdict": "fail", "note": SCRIPT}},
        reason=SCRIPT,
    )
    return AnnualReview.objects.get(pk=review.pk)


def pages(review) -> dict[str, tuple[str, str]]:
    """Each page of the review by the user who reads it (the decided review's material page is read-only)."""
    return {
        "material": ("henry", reverse("review:material", args=[review.pk])),
        "material_enterprise": ("alice", reverse("review:material", args=[review.pk])),
        "holder_reviews": ("henry", reverse("tenure:holder_reviews")),
        "enterprise_tenure": ("alice", reverse("tenure:enterprise_tenure", args=[review.tenure_id])),
        "review_detail": ("olivia", reverse("review:review_detail", args=[review.pk])),
        "campaign_detail": ("olivia", reverse("review:campaign_detail", args=[review.campaign_id])),
        "results": ("olivia", reverse("review:results", args=[review.campaign_id])),
        "tenure_detail": ("olivia", reverse("tenure:tenure_detail", args=[review.tenure_id])),
        "ledger": ("olivia", reverse("duties:ledger", args=[review.tenure_id])),
    }


def test_markup_in_every_free_text_is_shown_as_text_on_every_page(request, decided):
    shown = {}
    for name, (who, url) in pages(decided).items():
        response = logged_in(request.getfixturevalue(who)).get(url)
        page = response.content.decode()
        shown[name] = (response.status_code, "<script>alert" in page, "onerror=alert(1)>" in page)

    assert shown == dict.fromkeys(shown, (200, False, False))
    officer_page = logged_in(request.getfixturevalue("olivia")).get(pages(decided)["review_detail"][1])
    assert ESCAPED in officer_page.content.decode()


def _pdf_text(content: bytes, tmp_path) -> str:
    path = tmp_path / "form.pdf"
    path.write_bytes(content)
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


def _docx_text(content: bytes) -> str:
    document = Document(BytesIO(content))
    texts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            texts += [cell.text for cell in row.cells]
    return "\n".join(texts)


def test_the_pdf_the_word_form_and_the_excel_keep_the_markup_as_text(decided, henry, olivia, tmp_path):
    client = logged_in(henry)
    pdf = client.get(reverse("review:form_pdf", args=[decided.pk]))
    docx = client.get(reverse("review:form_docx", args=[decided.pk]))
    xlsx = logged_in(olivia).get(reverse("review:results_xlsx", args=[decided.campaign_id]))
    cells = [
        str(cell.value)
        for row in load_workbook(BytesIO(xlsx.content)).active.iter_rows()
        for cell in row
        if cell.value is not None
    ]

    assert "".join(SCRIPT.split()) in "".join(_pdf_text(pdf.content, tmp_path).split())
    assert SCRIPT in _docx_text(docx.content)
    assert SCRIPT in cells
    # No cell is a formula a spreadsheet would run.
    assert [c for c in cells if c.startswith("=")] == []


def test_no_full_apprentice_id_number_reaches_a_page_a_file_a_notice_or_the_audit_log(
    request, decided, henry, olivia, tmp_path
):
    texts = []
    for who, url in pages(decided).values():
        texts.append(logged_in(request.getfixturevalue(who)).get(url).content.decode())
    texts.append(logged_in(henry).get(reverse("duties:my_ledger")).content.decode())
    texts.append(
        _pdf_text(logged_in(henry).get(reverse("review:form_pdf", args=[decided.pk])).content, tmp_path)
    )
    texts.append(_docx_text(logged_in(olivia).get(reverse("review:form_docx", args=[decided.pk])).content))
    xlsx = logged_in(olivia).get(reverse("review:results_xlsx", args=[decided.campaign_id])).content
    texts += [str(c.value) for row in load_workbook(BytesIO(xlsx)).active.iter_rows() for c in row]
    texts += [f"{n.subject} {n.body}" for n in Notification.objects.all()]
    texts += [str(vars(m)) for m in OutboxMessage.objects.all()]
    texts += [f"{r.object_repr} {r.reason} {r.before} {r.after}" for r in AuditRecord.objects.all()]

    assert [number for number in APPRENTICE_IDS if any(number in text for text in texts)] == []


def test_the_pages_with_masked_numbers_are_not_kept_in_caches(request, decided):
    for name in ("review_detail", "results", "material", "ledger"):
        who, url = pages(decided)[name]
        response = logged_in(request.getfixturevalue(who)).get(url)
        assert "no-store" in response.get("Cache-Control", ""), name
    xlsx = logged_in(request.getfixturevalue("olivia")).get(
        reverse("review:results_xlsx", args=[decided.campaign_id])
    )
    assert "no-store" in xlsx.get("Cache-Control", "")


def test_nothing_of_the_review_reaches_the_public_verification_page(client, olivia, leo, gina, alice, bob):
    from chieftech.certificates.models import Certificate
    from tests.certificates.factories import make_approved_round

    _, proposed = make_approved_round(olivia, leo, gina, [alice, bob], n=1)
    certificate = Certificate.objects.get(tenure__application=proposed[0])
    tenure = certificate.tenure
    apprentice(tenure, alice, "孙小明", (SENIOR, IN_PERIOD.replace(year=2027)), id_number=APPRENTICE_IDS[0])
    review = fixtures.submitted_review(
        tenure, declared_no_violation=False, declaration_note="声明说明" + SCRIPT, performance=SCRIPT
    )
    review_decide(
        actor=olivia,
        review=review,
        outcome="failed",
        verdicts={**VERDICTS, 4: {"verdict": "fail", "note": "说明" + SCRIPT}},
        reason="理由" + SCRIPT,
        now=datetime(2027, 12, 20, 15, 0, tzinfo=SHANGHAI),
    )

    response = client.get(reverse("verify:verify", args=[certificate.verification_code]))

    page = response.content.decode()
    assert response.status_code == 200
    assert "不再保留首席技师称号" in page
    leaks = ("声明说明", "理由", "说明<", "alert", "onerror", tenure.application.id_number, *APPRENTICE_IDS)
    assert [leak for leak in leaks if leak in page] == []


def test_each_state_change_writes_one_audit_record_with_its_actor_and_the_chain_holds(decided):
    records = list(
        AuditRecord.objects.filter(object_type="tenure.annualreview", object_id=str(decided.pk))
        .filter(action__in=["review.submit", "review.return", "review.pass", "review.fail"])
        .order_by("pk")
        .values_list("action", "actor_username")
    )

    assert records == [
        ("review.submit", "henry"),
        ("review.return", "olivia"),
        ("review.submit", "alice"),
        ("review.fail", "olivia"),
    ]
    assert audit_verify().ok


def test_a_reason_written_as_a_formula_stays_text_in_the_results_excel(tenure, campaign, alice, olivia):
    fixtures.two_apprentices(tenure, alice)
    review = fixtures.submitted_review(tenure, campaign=campaign)
    formula = '=HYPERLINK("http://example.com/x","点击查看")'
    review_decide(actor=olivia, review=review, outcome="returned", verdicts={}, reason=formula)

    xlsx = logged_in(olivia).get(reverse("review:results_xlsx", args=[campaign.pk]))
    sheet = load_workbook(BytesIO(xlsx.content)).active
    cells = [cell for row in sheet.iter_rows() for cell in row if cell.value == formula]

    assert [(cell.value, cell.data_type) for cell in cells] == [(formula, "s")]
