"""Insiders tampering with the posts of a revocation case (第十七条): a state, kind, authority, term or effective
date the form does not offer, an outcome or a ground not in the choices, another case's document, a case moved
to another authority, files of the wrong type or too large; markup in every free text, escaped on every page
that shows it and on no public page; no full ID number on any case page, and every case page kept out of
caches."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from chieftech.certificates.models import Certificate
from chieftech.core.errors import DomainError
from chieftech.core.models import Notification
from chieftech.revocation.domain.cases import revocation_statement_submit
from chieftech.revocation.models import CaseDocument, RevocationCase
from chieftech.selection.domain.evidence import MAX_FILE_BYTES
from chieftech.tenure.models import Tenure
from tests.attacks.test_revocation_insider import FIND, _govern, _lead, at_step, case_urls, snapshot, tenure
from tests.attacks.test_revocation_insider_steps import IN_DEADLINE, summary
from tests.factories import make_tenure, make_weihai
from tests.revocation.factories import case_approved, case_endorsed, case_opened
from tests.revocation.office_fixtures import calendar_known, logged_in, pdf

__all__ = ["calendar_known", "tenure"]

MARKUP = '<script>alert("x")</script><img src=x onerror=alert(1)>'
ESCAPED = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"


def fake_pdf() -> SimpleUploadedFile:
    return SimpleUploadedFile(
        "证据.pdf", b"<html><script>alert(1)</script></html>", content_type="application/pdf"
    )


def too_large() -> SimpleUploadedFile:
    return SimpleUploadedFile(
        "扫描件.pdf", b"%PDF-1.4\n" + b"0" * MAX_FILE_BYTES, content_type="application/pdf"
    )


# --- Fields the forms do not offer ------------------------------------------------------------------------


def test_an_approval_keeps_to_what_the_form_offers_whatever_else_is_posted(tenure, olivia, leo, gina, alice):
    endorsed = case_endorsed(tenure, olivia, leo)
    other = make_tenure(alice, gina, round_=tenure.application.round, name="李秀英")
    weihai = make_weihai()

    response = logged_in(gina).post(
        reverse("revocation:government", args=[endorsed.pk]),
        _govern(
            state="closed",
            kind="annul",
            authority=weihai.pk,
            authority_id=weihai.pk,
            tenure=other.pk,
            tenure_id=other.pk,
            effective_on="2025-01-01",
            annuls=endorsed.pk,
        ),
    )

    assert response.status_code == 302
    saved = RevocationCase.objects.get(pk=endorsed.pk)
    assert (saved.state, saved.kind, saved.authority_id, saved.tenure_id, saved.annuls_id) == (
        "approved",
        "revoke",
        tenure.authority_id,
        tenure.pk,
        None,
    )
    assert (saved.government_approved_on, saved.effective_on) == (date(2026, 3, 18), date(2026, 3, 18))
    assert Tenure.objects.get(pk=other.pk).status == "active"


def test_a_case_opened_keeps_to_the_term_of_its_address_and_the_grounds_offered(
    tenure, olivia, alice, gina, calendar_known
):
    other = make_tenure(alice, gina, round_=tenure.application.round, name="李秀英")
    client = logged_in(olivia)
    url = reverse("revocation:case_open", args=[tenure.pk])
    before = snapshot()

    refused = client.post(url, {"grounds": ["5"], "facts": "伪造。", "files": pdf(), "confirmed": "yes"})
    assert refused.status_code == 200
    assert list(refused.context["form"].errors) == ["grounds"]
    assert snapshot() == before

    opened = client.post(
        url,
        {
            "grounds": ["3"],
            "facts": "伪造。",
            "files": pdf(),
            "confirmed": "yes",
            "tenure": other.pk,
            "kind": "annul",
            "state": "approved",
            "statement_deadline": "2099-01-01",
        },
    )
    assert opened.status_code == 302
    case = RevocationCase.objects.get()
    assert (case.tenure_id, case.kind, case.state) == (tenure.pk, "revoke", "open")
    assert case.statement_deadline < date(2099, 1, 1)


@pytest.mark.parametrize(
    ("url_name", "step", "who", "data", "field"),
    [
        ("finding", "open", "olivia", {**FIND, "outcome": "approved"}, "outcome"),
        ("leadership", "found", "leo", _lead(outcome="endorsed"), "outcome"),
        ("government", "endorsed", "gina", {"outcome": "approved", "confirmed": "yes"}, "outcome"),
    ],
)
def test_an_outcome_not_offered_is_refused_at_its_field(
    tenure, olivia, leo, gina, url_name, step, who, data, field, request
):
    case = at_step(step, tenure, olivia, leo, gina)
    client = logged_in(request.getfixturevalue(who))
    before = snapshot()

    response = client.post(reverse(f"revocation:{url_name}", args=[case.pk]), data)

    assert response.status_code in (200, 400)
    assert list(response.context["form"].errors) == [field]
    assert snapshot() == before


def test_a_document_is_only_reached_through_its_own_case(tenure, olivia, alice, gina, leo):
    first = case_approved(tenure, olivia, leo, gina)
    other = make_tenure(alice, gina, round_=tenure.application.round, name="李秀英")
    second = case_opened(other, olivia)
    approval = CaseDocument.objects.get(case=first, step="government")
    client = logged_in(olivia)

    assert client.get(reverse("revocation:document", args=[second.pk, approval.pk])).status_code == 404
    assert client.get(reverse("revocation:document", args=[first.pk, approval.pk])).status_code == 200
    # The holder of the other term reaches none of this case's documents, whatever case they name.
    holder = logged_in(tenure.user)
    assert holder.get(reverse("revocation:document", args=[second.pk, approval.pk])).status_code == 404


def test_a_case_of_another_authority_is_a_404_at_every_address_for_the_authoritys_staff(
    tenure, olivia, leo, gina
):
    case = case_endorsed(tenure, olivia, leo)
    RevocationCase.objects.filter(pk=case.pk).update(authority=make_weihai())
    case.refresh_from_db()
    before = snapshot()

    owned = {
        olivia: ["case_detail", "finding", "certificate_return", "annulment_open", "document"],
        leo: ["case_detail", "leadership"],
        gina: ["case_detail", "government"],
    }
    urls = case_urls(case)
    for user, names in owned.items():
        client = logged_in(user)
        for name in names:
            got = {
                client.get(urls[name]).status_code,
                client.post(urls[name], {"confirmed": "yes"}).status_code,
            }
            assert got - {405} == {404}, (user, name)
    assert snapshot() == before


@pytest.mark.parametrize("upload", [fake_pdf, too_large], ids=["not-a-pdf", "too-large"])
def test_a_file_of_the_wrong_type_or_too_large_is_refused_at_the_files_field(
    tenure, olivia, leo, gina, upload
):
    endorsed = case_endorsed(tenure, olivia, leo)
    before = snapshot()

    response = logged_in(gina).post(
        reverse("revocation:government", args=[endorsed.pk]), _govern(files=upload())
    )

    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["files"]
    assert len(summary(response)) == 1
    assert snapshot() == before


@pytest.mark.parametrize("upload", [fake_pdf, too_large], ids=["not-a-pdf", "too-large"])
def test_the_office_refuses_the_same_files_when_opening_or_finding(tenure, olivia, upload, calendar_known):
    before = snapshot()
    response = logged_in(olivia).post(
        reverse("revocation:case_open", args=[tenure.pk]),
        {"grounds": ["3"], "facts": "伪造。", "files": upload(), "confirmed": "yes"},
    )
    assert list(response.context["form"].errors) == ["files"]
    assert snapshot() == before


# --- Markup in the free texts -----------------------------------------------------------------------------


def test_markup_in_every_text_is_escaped_on_every_page(tenure, olivia, leo, gina, alice):
    from chieftech.revocation.domain.cases import (
        revocation_finding_record,
        revocation_leadership_decide,
    )
    from tests.revocation.factories import AFTER_DEADLINE, ENDORSED_AT

    case = case_opened(tenure, olivia, facts=f"事实{MARKUP}")
    revocation_statement_submit(
        actor=tenure.user, case=case, statement=f"申辩{MARKUP}", files=[], now=IN_DEADLINE
    )
    found = revocation_finding_record(
        actor=olivia, case=case, revoke=True, finding=f"认定{MARKUP}", files=[], now=AFTER_DEADLINE
    )
    closed = revocation_leadership_decide(
        actor=leo,
        case=found,
        approve=False,
        meeting_on=date(2026, 3, 12),
        minutes=f"纪要{MARKUP}"[:200],
        reason=f"理由{MARKUP}",
        files=[],
        now=ENDORSED_AT,
    )
    pages = {
        "case_detail": logged_in(olivia).get(reverse("revocation:case_detail", args=[closed.pk])),
        "leadership": logged_in(leo).get(reverse("revocation:leadership", args=[closed.pk])),
        "decision_list": logged_in(leo).get(reverse("revocation:decision_list")),
        "statement": logged_in(tenure.user).get(reverse("revocation:statement", args=[closed.pk])),
        "holder_notifications": logged_in(tenure.user).get(reverse("core:notifications")),
        "enterprise_notifications": logged_in(alice).get(reverse("core:notifications")),
    }

    for name, response in pages.items():
        body = response.content.decode()
        assert response.status_code == 200, name
        assert "<script>alert" not in body, name
        assert "<img src=x" not in body, name
    for name in ("case_detail", "leadership", "statement", "holder_notifications"):
        assert ESCAPED in pages[name].content.decode(), name
    assert Notification.objects.filter(user=tenure.user, body__contains=MARKUP).exists()


def test_markup_in_the_governments_refusal_is_escaped(tenure, olivia, leo, gina):
    endorsed = case_endorsed(tenure, olivia, leo)
    response = logged_in(gina).post(
        reverse("revocation:government", args=[endorsed.pk]),
        _govern(outcome="reject", reason=f"不予批准{MARKUP}", document_number="", approved_on="", files=None),
    )
    assert response.status_code == 302

    for user, url in (
        (gina, reverse("revocation:government", args=[endorsed.pk])),
        (olivia, reverse("revocation:case_detail", args=[endorsed.pk])),
        (tenure.user, reverse("core:notifications")),
    ):
        body = logged_in(user).get(url).content.decode()
        assert "<script>alert" not in body
        assert ESCAPED in body


# --- Personal data and the public pages -------------------------------------------------------------------


def _case_pages(case, tenure, olivia, leo, gina) -> dict:
    return {
        "case_list": (olivia, reverse("revocation:case_list")),
        "case_open": (olivia, reverse("revocation:case_open", args=[tenure.pk])),
        "case_detail": (olivia, reverse("revocation:case_detail", args=[case.pk])),
        "annulment_open": (olivia, reverse("revocation:annulment_open", args=[case.pk])),
        "decision_list": (leo, reverse("revocation:decision_list")),
        "leadership": (leo, reverse("revocation:leadership", args=[case.pk])),
        "government": (gina, reverse("revocation:government", args=[case.pk])),
        "statement": (tenure.user, reverse("revocation:statement", args=[case.pk])),
    }


def test_no_case_page_shows_the_full_id_number_or_may_be_cached(tenure, olivia, leo, gina):
    case = case_approved(tenure, olivia, leo, gina)
    id_number = tenure.application.id_number

    for name, (user, url) in _case_pages(case, tenure, olivia, leo, gina).items():
        response = logged_in(user).get(url)
        assert response.status_code == 200, name
        assert id_number not in response.content.decode(), name
        assert "no-store" in response["Cache-Control"], name
    document = CaseDocument.objects.filter(case=case).first()
    download = logged_in(olivia).get(reverse("revocation:document", args=[case.pk, document.pk]))
    assert download["Content-Disposition"].startswith("attachment")
    assert "no-store" in download["Cache-Control"]


@pytest.mark.parametrize("approve", [False, True], ids=["while-open", "after-approval"])
def test_no_public_page_shows_the_grounds_facts_finding_or_statement(
    client, olivia, leo, gina, alice, bob, approve
):
    from tests.certificates.factories import make_approved_round
    from tests.revocation.factories import AFTER_DEADLINE

    _, proposed = make_approved_round(olivia, leo, gina, [alice, bob], n=3)
    certificate = Certificate.objects.get(tenure__application=proposed[0])
    Tenure.objects.filter(pk=certificate.tenure_id).update(
        starts_on=date(2024, 12, 27), ends_on=date(2026, 12, 26), status_since=date(2024, 12, 27)
    )
    term = Tenure.objects.get(pk=certificate.tenure_id)
    secrets = ["秘密事实甲", "秘密申辩乙", "秘密认定丙"]
    case = case_opened(term, olivia, facts=secrets[0], grounds=["1", "3"])
    if term.user_id:
        revocation_statement_submit(
            actor=term.user, case=case, statement=secrets[1], files=[], now=IN_DEADLINE
        )
    from chieftech.revocation.domain.cases import (
        revocation_finding_record,
        revocation_government_decide,
        revocation_leadership_decide,
    )
    from tests.revocation.factories import APPROVED_AT, APPROVED_ON, DOCUMENT_NUMBER, ENDORSED_AT, EVIDENCE

    case = revocation_finding_record(
        actor=olivia, case=case, revoke=True, finding=secrets[2], files=[], now=AFTER_DEADLINE
    )
    if approve:
        case = revocation_leadership_decide(
            actor=leo,
            case=case,
            approve=True,
            meeting_on=date(2026, 3, 12),
            minutes="纪要",
            reason="",
            files=[],
            now=ENDORSED_AT,
        )
        revocation_government_decide(
            actor=gina,
            case=case,
            approve=True,
            document_number=DOCUMENT_NUMBER,
            approved_on=APPROVED_ON,
            reason="",
            files=EVIDENCE,
            now=APPROVED_AT,
        )

    pages = [
        reverse("verify:verify", args=[certificate.verification_code]),
        reverse("portal:index"),
        reverse("portal:showcase"),
    ]
    for url in pages:
        response = client.get(url)
        body = response.content.decode()
        assert response.status_code == 200, url
        assert [s in body for s in secrets] == [False, False, False], url
        assert "弄虚作假" not in body and "违法违纪" not in body, url


@pytest.mark.parametrize("upload", [fake_pdf, too_large], ids=["not-a-pdf", "too-large"])
def test_the_annulments_decision_of_the_wrong_type_or_too_large_is_refused(tenure, olivia, leo, gina, upload):
    revoked = case_approved(tenure, olivia, leo, gina)
    before = snapshot()

    response = logged_in(olivia).post(
        reverse("revocation:annulment_open", args=[revoked.pk]),
        {"facts": "复议决定撤销。", "files": upload(), "confirmed": "on"},
    )

    assert response.status_code == 400
    assert len(summary(response)) == 1
    assert snapshot() == before


def test_the_holder_reaches_only_the_documents_told_to_them_and_no_statement_on_an_annulment(
    tenure, olivia, leo, gina
):
    from chieftech.revocation.domain.cases import revocation_annulment_open
    from tests.attacks.test_revocation_insider_steps import REOPENED
    from tests.revocation.factories import EVIDENCE

    revoked = case_approved(tenure, olivia, leo, gina)
    CaseDocument.objects.create(
        case=revoked,
        step="finding",
        file=CaseDocument.objects.filter(case=revoked).first().file,
        file_name="内部认定.pdf",
        file_size=10,
        file_type="application/pdf",
        uploaded_by=olivia,
        uploaded_at=REOPENED,
    )
    internal = CaseDocument.objects.get(case=revoked, file_name="内部认定.pdf")
    told = CaseDocument.objects.filter(case=revoked, step="government").first()
    annulment = revocation_annulment_open(
        actor=olivia, case=revoked, facts="复议决定撤销。", files=EVIDENCE, now=REOPENED
    )
    holder = logged_in(tenure.user)
    before = snapshot()

    assert holder.get(reverse("revocation:document", args=[revoked.pk, internal.pk])).status_code == 404
    assert holder.get(reverse("revocation:document", args=[revoked.pk, told.pk])).status_code == 200
    statement = reverse("revocation:statement", args=[annulment.pk])
    assert (holder.get(statement).status_code, holder.post(statement, {"statement": "x"}).status_code) == (
        404,
        404,
    )
    with pytest.raises(DomainError) as refused:
        revocation_statement_submit(actor=tenure.user, case=annulment, statement="x", files=[], now=REOPENED)
    assert refused.value.message == "撤销取消资格决定的程序无需陈述申辩。"
    assert snapshot() == before


def test_markup_in_a_file_name_is_escaped_on_the_page_and_harmless_in_the_download(
    tenure, olivia, calendar_known
):
    name = "<img src=x onerror=alert(1)>.pdf"
    upload = SimpleUploadedFile(name, pdf().read(), content_type="application/pdf")
    client = logged_in(olivia)
    response = client.post(
        reverse("revocation:case_open", args=[tenure.pk]),
        {"grounds": ["3"], "facts": "伪造。", "files": upload, "confirmed": "yes"},
    )
    case = RevocationCase.objects.get()
    document = CaseDocument.objects.get(case=case)

    page = client.get(reverse("revocation:case_detail", args=[case.pk])).content.decode()
    download = client.get(reverse("revocation:document", args=[case.pk, document.pk]))

    assert response.status_code == 302
    assert "<img src=x" not in page
    assert download.status_code == 200
    assert document.file_name == name
    assert "&lt;img src=x onerror=alert(1)&gt;.pdf" in page
    assert download["Content-Disposition"].startswith("attachment")
