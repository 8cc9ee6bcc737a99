"""The office's steps on the case page (第十七条): the initial finding, the certificate's return, and the
documents behind the page with who may download which."""

from datetime import date, timedelta

from django.urls import reverse
from django.utils import timezone

from chieftech.audit.models import AuditRecord
from chieftech.core.confirm import IRREVERSIBLE
from chieftech.revocation.domain.cases import revocation_statement_submit
from chieftech.revocation.models import CaseDocument, RevocationCase
from tests.factories import PDF_BYTES
from tests.revocation import office_fixtures as fixtures
from tests.revocation.factories import (
    OPENED,
    case_approved,
    case_found,
    case_opened,
)
from tests.revocation.office_fixtures import another, downloaded, logged_in, page, pdf, text
from tests.test_irreversible_actions import asked, confirm

# The fixtures the tests below ask for by name.
calendar_known = fixtures.calendar_known
tenure = fixtures.tenure
walter = fixtures.walter


# --- The finding ------------------------------------------------------------------------------------------


def test_the_finding_asks_for_the_confirmation_then_goes_to_the_leadership(olivia, tenure):
    case = case_opened(tenure, olivia)
    client = logged_in(olivia)
    url = reverse("revocation:finding", args=[case.pk])
    data = {"outcome": "revoke", "finding": "证据确凿，拟取消资格。", "files": [pdf("认定意见.pdf")]}

    unconfirmed = client.post(url, data)
    assert (unconfirmed.status_code, unconfirmed.context["finding_form"].errors) == (
        200,
        {"confirmed": ["请勾选确认后提交。"]},
    )
    assert RevocationCase.objects.get(pk=case.pk).state == "open"

    done = client.post(url, {**data, "files": [pdf("认定意见.pdf")], "confirmed": "yes"}, follow=True)

    assert done.redirect_chain == [(reverse("revocation:case_detail", args=[case.pk]), 302)]
    assert [m.message for m in done.context["messages"]] == ["已作出初步认定：拟取消资格，已报领导小组审定。"]
    case.refresh_from_db()
    assert (case.state, case.finding, case.found_by) == ("found", "证据确凿，拟取消资格。", olivia)
    assert list(
        CaseDocument.objects.filter(case=case, step="finding").values_list("file_name", flat=True)
    ) == ["认定意见.pdf"]
    assert text(done, "case-next") == "下一步：待领导小组审定"
    assert page(done).xpath('//form[@id="finding-form"]') == []


def test_a_finding_not_to_revoke_closes_the_case(olivia, tenure):
    case = case_opened(tenure, olivia)

    response = logged_in(olivia).post(
        reverse("revocation:finding", args=[case.pk]),
        {"outcome": "keep", "finding": "证书经复核属实。", "confirmed": "yes"},
        follow=True,
    )

    case.refresh_from_db()
    assert (case.state, case.closed_reason) == ("closed", "证书经复核属实。")
    assert text(response, "step-closed").startswith("结案 结案理由 证书经复核属实。")


def test_the_finding_before_the_holder_is_heard_is_refused_at_the_top_of_the_form(
    olivia, tenure, calendar_known
):
    case = case_opened(tenure, olivia, now=timezone.now())

    response = logged_in(olivia).post(
        reverse("revocation:finding", args=[case.pk]),
        {"outcome": "revoke", "finding": "拟取消。", "confirmed": "yes"},
    )

    deadline = case.statement_deadline
    message = (
        f"陈述申辩期至{deadline.year}年{deadline.month}月{deadline.day}日24时，"
        "本人提交陈述申辩或期限届满后方可初步认定。"
    )
    assert response.status_code == 200
    assert response.context["finding_form"].non_field_errors() == [message]
    assert (
        " ".join(
            page(response)
            .xpath('//form[@id="finding-form"]/ul[@class="errorlist nonfield"]')[0]
            .text_content()
            .split()
        )
        == message
    )
    assert RevocationCase.objects.get(pk=case.pk).state == "open"


def test_a_finding_without_its_text_or_outcome_is_refused_at_the_fields(olivia, tenure):
    case = case_opened(tenure, olivia)
    client = logged_in(olivia)
    url = reverse("revocation:finding", args=[case.pk])

    no_outcome = client.post(url, {"finding": "拟取消。", "confirmed": "yes"})
    no_text = client.post(url, {"outcome": "revoke", "finding": " ", "confirmed": "yes"})

    assert no_outcome.context["finding_form"].errors == {"outcome": ["请选择初步认定结论。"]}
    assert no_text.context["finding_form"].errors == {"finding": ["请填写初步认定意见。"]}
    assert RevocationCase.objects.get(pk=case.pk).state == "open"


def test_the_leadership_reads_the_case_but_may_not_make_the_finding(olivia, tenure, leo, gina):
    case = case_opened(tenure, olivia)

    for user in (leo, gina):
        response = logged_in(user).post(
            reverse("revocation:finding", args=[case.pk]),
            {"outcome": "revoke", "finding": "拟取消。", "confirmed": "yes"},
        )
        assert response.status_code == 403
    assert RevocationCase.objects.get(pk=case.pk).state == "open"


def test_the_finding_is_post_only(olivia, tenure):
    case = case_opened(tenure, olivia)

    assert logged_in(olivia).get(reverse("revocation:finding", args=[case.pk])).status_code == 405


def test_the_statement_shows_on_the_case_page(olivia, tenure):
    case = case_opened(tenure, olivia)
    revocation_statement_submit(actor=tenure.user, case=case, statement="证书为真。", files=[], now=OPENED)

    response = logged_in(olivia).get(reverse("revocation:case_detail", args=[case.pk]))

    assert (
        text(response, "step-statement") == "陈述申辩 提交 王建国，2026年3月2日 09:00 陈述申辩意见 证书为真。"
    )
    assert text(response, "case-next") == "下一步：待初步认定"


# --- The certificate's return -----------------------------------------------------------------------------


def test_the_certificates_return_asks_first_then_is_recorded_once(olivia, tenure, leo, gina):
    case = case_approved(tenure, olivia, leo, gina)
    client = logged_in(olivia)

    response = client.post(
        reverse("revocation:certificate_return", args=[case.pk]),
        {"returned_on": "2026-03-25", "note": "本人交回。"},
    )

    assert asked(response) == (
        "即将登记王建国的纸质证书已于2026年3月25日收回，登记后不能修改。",
        IRREVERSIBLE,
        "确认登记",
    )
    assert RevocationCase.objects.get(pk=case.pk).certificate_returned_on is None
    done = confirm(client, response, follow=True)
    assert [m.message for m in done.context["messages"]] == ["已登记证书于2026年3月25日收回。"]
    case.refresh_from_db()
    assert (case.certificate_returned_on, case.certificate_return_note) == (date(2026, 3, 25), "本人交回。")
    assert text(done, "step-return") == "证书收回 收回日期 2026年3月25日 收回说明 本人交回。"
    assert page(done).xpath('//form[@id="return-form"]') == []
    assert AuditRecord.objects.filter(action="revocation.certificate_returned").count() == 1


def test_a_return_before_the_approval_is_refused_at_the_field(olivia, tenure, leo, gina):
    case = case_approved(tenure, olivia, leo, gina)

    response = logged_in(olivia).post(
        reverse("revocation:certificate_return", args=[case.pk]),
        {"returned_on": "2026-03-01", "confirmed": "yes"},
    )
    empty = logged_in(olivia).post(reverse("revocation:certificate_return", args=[case.pk]), {"note": "x"})

    assert (response.status_code, response.context["return_form"].errors) == (
        200,
        {"returned_on": ["收回日期不能早于政府批准日期。"]},
    )
    assert empty.context["return_form"].errors == {"returned_on": ["请填写收回日期。"]}
    assert RevocationCase.objects.get(pk=case.pk).certificate_returned_on is None


def test_only_the_officer_records_the_return(olivia, tenure, leo, gina):
    case = case_approved(tenure, olivia, leo, gina)

    response = logged_in(leo).post(
        reverse("revocation:certificate_return", args=[case.pk]),
        {"returned_on": "2026-03-25", "confirmed": "yes"},
    )

    assert response.status_code == 403
    assert RevocationCase.objects.get(pk=case.pk).certificate_returned_on is None


# --- The documents ----------------------------------------------------------------------------------------


def test_the_staff_download_every_document_never_inline_never_cached(olivia, tenure, leo, gina):
    case = case_approved(tenure, olivia, leo, gina)
    evidence = CaseDocument.objects.get(case=case, step="open")
    url = reverse("revocation:document", args=[case.pk, evidence.pk])

    for user in (olivia, leo, gina):
        response = logged_in(user).get(url)
        assert (response.status_code, downloaded(response)) == (200, PDF_BYTES)
        assert response["Content-Disposition"].startswith("attachment;")
        assert "no-store" in response["Cache-Control"]


def test_the_holder_downloads_the_evidence_told_to_them_but_not_the_offices_finding(olivia, tenure):
    case = case_opened(tenure, olivia)
    client = logged_in(olivia)
    client.post(
        reverse("revocation:finding", args=[case.pk]),
        {"outcome": "revoke", "finding": "拟取消。", "files": [pdf("认定.pdf")], "confirmed": "yes"},
    )
    evidence = CaseDocument.objects.get(case=case, step="open")
    finding = CaseDocument.objects.get(case=case, step="finding")
    holder = logged_in(tenure.user)

    own = holder.get(reverse("revocation:document", args=[case.pk, evidence.pk]))
    office = holder.get(reverse("revocation:document", args=[case.pk, finding.pk]))

    assert (own.status_code, downloaded(own), office.status_code) == (200, PDF_BYTES, 404)


def test_a_document_of_another_case_or_for_an_outsider_is_404(olivia, tenure, alice, gina, walter):
    case = case_opened(tenure, olivia)
    other = case_opened(another(tenure, alice, gina, "李秀英"), olivia)
    evidence = CaseDocument.objects.get(case=case)

    crossed = logged_in(olivia).get(reverse("revocation:document", args=[other.pk, evidence.pk]))
    url = reverse("revocation:document", args=[case.pk, evidence.pk])

    assert (
        crossed.status_code,
        logged_in(alice).get(url).status_code,
        logged_in(walter).get(url).status_code,
    ) == (
        404,
        404,
        404,
    )


def test_a_finding_or_a_return_out_of_its_step_is_refused(olivia, tenure):
    case = case_found(tenure, olivia)
    client = logged_in(olivia)

    finding = client.post(
        reverse("revocation:finding", args=[case.pk]),
        {"outcome": "keep", "finding": "不予取消。", "confirmed": "yes"},
    )
    returned = client.post(
        reverse("revocation:certificate_return", args=[case.pk]),
        {"returned_on": "2026-03-25", "confirmed": "yes"},
    )

    assert (finding.status_code, returned.status_code) == (403, 403)
    case.refresh_from_db()
    assert (case.state, case.certificate_returned_on) == ("found", None)


def test_the_finding_is_offered_only_once_the_holder_was_heard(olivia, tenure):
    case = case_opened(tenure, olivia)
    RevocationCase.objects.filter(pk=case.pk).update(
        statement_deadline=timezone.localdate() + timedelta(days=3)
    )
    client = logged_in(olivia)
    url = reverse("revocation:case_detail", args=[case.pk])

    during = client.get(url)

    assert "finding-form" not in during.content.decode()
    assert text(during, "case-state") == "已立案，待陈述申辩"
    refused = client.post(
        reverse("revocation:finding", args=[case.pk]),
        {"outcome": "revoke", "finding": "拟取消。", "confirmed": "yes"},
    )
    assert "本人提交陈述申辩或期限届满后方可初步认定" in refused.content.decode()
    assert RevocationCase.objects.get(pk=case.pk).state == "open"


def test_the_finding_of_an_annulment_speaks_of_undoing_the_revocation(olivia, leo, gina, tenure):
    from chieftech.revocation.domain.cases import revocation_annulment_open
    from tests.revocation.factories import EVIDENCE

    annulment = revocation_annulment_open(
        actor=olivia, case=case_approved(tenure, olivia, leo, gina), facts="复议撤销。", files=EVIDENCE
    )
    client = logged_in(olivia)

    shown = client.get(reverse("revocation:case_detail", args=[annulment.pk]))
    assert [label for _, label in shown.context["finding_form"].fields["outcome"].choices] == [
        "拟撤销取消资格决定，报领导小组审定",
        "不予撤销，结案",
    ]
    done = client.post(
        reverse("revocation:finding", args=[annulment.pk]),
        {"outcome": "revoke", "finding": "依复议决定应予撤销。", "confirmed": "yes"},
        follow=True,
    )
    assert "已作出初步认定：拟撤销取消资格决定，已报领导小组审定。" in done.content.decode()
    assert RevocationCase.objects.get(pk=annulment.pk).state == "found"
