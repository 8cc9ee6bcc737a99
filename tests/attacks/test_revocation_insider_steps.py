"""Insiders skipping or repeating the steps of a revocation case (第十七条): the leadership on an open case, the
government on a found one, the certificate's return before the approval or after an annulment, a finding before
the holder was heard, an annulment of a case not approved or already annulled; each form posted twice, the
statement twice, the approval twice — one record, one status event, one set of messages."""

from datetime import date, datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from chieftech.audit.models import AuditRecord
from chieftech.core.errors import DomainError
from chieftech.core.models import Notification
from chieftech.revocation.domain.cases import (
    revocation_annulment_open,
    revocation_case_open,
    revocation_certificate_returned,
    revocation_finding_record,
    revocation_government_decide,
    revocation_leadership_decide,
    revocation_statement_submit,
)
from chieftech.revocation.models import RevocationCase
from chieftech.tenure.models import TenureStatusEvent
from tests.attacks.test_revocation_insider import FIND, MEETING, MINUTES, _govern, _lead, snapshot, tenure
from tests.factories import SHANGHAI
from tests.revocation.factories import (
    AFTER_DEADLINE,
    APPROVED_AT,
    APPROVED_ON,
    DOCUMENT_NUMBER,
    ENDORSED_AT,
    EVIDENCE,
    case_annulled,
    case_approved,
    case_endorsed,
    case_found,
    case_opened,
)
from tests.revocation.office_fixtures import calendar_known, logged_in, page, pdf

__all__ = ["calendar_known", "tenure"]

IN_DEADLINE = datetime(2026, 3, 5, 9, 0, tzinfo=SHANGHAI)
REOPENED = datetime(2026, 6, 1, 9, 0, tzinfo=SHANGHAI)


def summary(response) -> list[str]:
    """The errors listed at the top of the page."""
    return [
        " ".join(li.text_content().split())
        for li in page(response).xpath('//div[@class="error-summary"]//li')
    ]


def words(response, element_id: str) -> str:
    """An element's text with the template's line breaks and indentation taken out."""
    return "".join(page(response).get_element_by_id(element_id).text_content().split())


def audits(action: str) -> int:
    return AuditRecord.objects.filter(action=action).count()


# --- Skipped steps ----------------------------------------------------------------------------------------


def test_the_leadership_may_not_decide_an_open_case(tenure, olivia, leo):
    opened = case_opened(tenure, olivia)
    before = snapshot()

    with pytest.raises(DomainError) as refused:
        revocation_leadership_decide(
            actor=leo,
            case=opened,
            approve=True,
            meeting_on=MEETING,
            minutes=MINUTES,
            reason="",
            files=[],
            now=ENDORSED_AT,
        )
    response = logged_in(leo).post(reverse("revocation:leadership", args=[opened.pk]), _lead())

    message = "取消资格案件当前为“已立案，待陈述申辩”，不能变更为“领导小组审定同意，待政府批准”。"
    assert refused.value.message == message
    assert response.status_code == 400
    assert summary(response) == [message]
    assert snapshot() == before


def test_the_government_may_not_approve_a_case_the_leadership_has_not_endorsed(tenure, olivia, gina):
    found = case_found(tenure, olivia)
    before = snapshot()

    with pytest.raises(DomainError) as refused:
        revocation_government_decide(
            actor=gina,
            case=found,
            approve=True,
            document_number=DOCUMENT_NUMBER,
            approved_on=APPROVED_ON,
            reason="",
            files=EVIDENCE,
            now=APPROVED_AT,
        )
    response = logged_in(gina).post(reverse("revocation:government", args=[found.pk]), _govern())

    message = "取消资格案件当前为“已初步认定，待领导小组审定”，不能变更为“政府已批准”。"
    assert refused.value.message == message
    assert response.status_code == 400
    assert summary(response) == [message]
    assert snapshot() == before


def test_the_certificate_is_not_returned_before_the_approval(tenure, olivia, leo):
    endorsed = case_endorsed(tenure, olivia, leo)
    before = snapshot()

    with pytest.raises(DomainError) as refused:
        revocation_certificate_returned(actor=olivia, case=endorsed, returned_on=date(2026, 3, 25), note="")
    response = logged_in(olivia).post(
        reverse("revocation:certificate_return", args=[endorsed.pk]),
        {"returned_on": "2026-03-25", "confirmed": "yes"},
    )

    assert refused.value.message == "取消资格经政府批准后方可登记证书收回。"
    assert response.status_code == 403
    assert "取消资格经政府批准后方可登记证书收回。" in response.content.decode()
    assert snapshot() == before


def test_the_certificate_of_an_annulled_revocation_is_not_returned(tenure, olivia, leo, gina):
    revoked = case_approved(tenure, olivia, leo, gina)
    case_annulled(revoked, olivia, leo, gina)
    before = snapshot()

    with pytest.raises(DomainError) as refused:
        revocation_certificate_returned(actor=olivia, case=revoked, returned_on=date(2026, 6, 2), note="")
    response = logged_in(olivia).post(
        reverse("revocation:certificate_return", args=[revoked.pk]),
        {"returned_on": "2026-06-02", "confirmed": "yes"},
    )

    assert refused.value.message == "该取消资格决定已经撤销，证书无需收回。"
    assert refused.value.code == "annulled"
    assert response.status_code == 403
    assert snapshot() == before


def test_no_finding_before_the_holder_was_heard(tenure, olivia):
    opened = case_opened(tenure, olivia)
    before = snapshot()

    with pytest.raises(DomainError) as refused:
        revocation_finding_record(
            actor=olivia, case=opened, revoke=True, finding="拟取消。", files=[], now=IN_DEADLINE
        )

    assert refused.value.message == "陈述申辩期至2026年3月9日24时，本人提交陈述申辩或期限届满后方可初步认定。"
    assert refused.value.code == "not_heard"
    assert snapshot() == before


def test_the_finding_page_refuses_before_the_holder_was_heard(tenure, olivia, calendar_known):
    opened = revocation_case_open(actor=olivia, tenure=tenure, grounds=["3"], facts="伪造。", files=EVIDENCE)
    before = snapshot()

    response = logged_in(olivia).post(reverse("revocation:finding", args=[opened.pk]), FIND)

    assert response.status_code == 200
    [message] = summary(response)
    assert message.startswith("陈述申辩期至")
    assert message.endswith("24时，本人提交陈述申辩或期限届满后方可初步认定。")
    assert snapshot() == before


def test_an_annulment_needs_an_approved_revocation_not_yet_annulled(tenure, olivia, leo, gina):
    endorsed = case_endorsed(tenure, olivia, leo)
    before = snapshot()
    with pytest.raises(DomainError, match="只有经政府批准的取消资格决定可以撤销。"):
        revocation_annulment_open(actor=olivia, case=endorsed, facts="复议。", files=EVIDENCE, now=REOPENED)
    form = {"facts": "复议。", "files": pdf(), "confirmed": "on"}
    response = logged_in(olivia).post(reverse("revocation:annulment_open", args=[endorsed.pk]), form)
    assert response.status_code == 200
    assert words(response, "annulment-refused") == "只有经政府批准的取消资格决定可以撤销。"
    assert snapshot() == before

    revoked = revocation_government_decide(
        actor=gina,
        case=endorsed,
        approve=True,
        document_number=DOCUMENT_NUMBER,
        approved_on=APPROVED_ON,
        reason="",
        files=EVIDENCE,
        now=APPROVED_AT,
    )
    annulment = case_annulled(revoked, olivia, leo, gina)
    before = snapshot()
    with pytest.raises(DomainError, match="该取消资格决定已经撤销。"):
        revocation_annulment_open(actor=olivia, case=revoked, facts="再撤销。", files=EVIDENCE, now=REOPENED)
    with pytest.raises(DomainError, match="只有经政府批准的取消资格决定可以撤销。"):
        revocation_annulment_open(
            actor=olivia, case=annulment, facts="撤销撤销。", files=EVIDENCE, now=REOPENED
        )
    response = logged_in(olivia).post(
        reverse("revocation:annulment_open", args=[revoked.pk]), {**form, "files": pdf()}
    )
    assert response.status_code == 200
    assert words(response, "annulment-refused") == "该决定已有撤销程序（政府已批准），不能重复发起。"
    assert snapshot() == before


# --- Repeated requests ------------------------------------------------------------------------------------


def test_the_finding_posted_twice_is_recorded_once(tenure, olivia):
    opened = case_opened(tenure, olivia)
    client = logged_in(olivia)
    url = reverse("revocation:finding", args=[opened.pk])

    first = client.post(url, FIND)
    after_first = snapshot()
    second = client.post(url, FIND)

    assert first.status_code == 302
    assert second.status_code == 403
    assert "该案件当前为“已初步认定，待领导小组审定”，不能再作出初步认定。" in second.content.decode()
    assert snapshot() == after_first
    assert audits("revocation.finding") == 1


def test_the_leadership_posted_twice_is_recorded_once_and_the_government_told_once(tenure, olivia, leo, gina):
    found = case_found(tenure, olivia)
    client = logged_in(leo)
    url = reverse("revocation:leadership", args=[found.pk])

    first = client.post(url, _lead())
    after_first = snapshot()
    second = client.post(url, _lead())

    assert first.status_code == 302
    assert second.status_code == 400
    assert summary(second) == [
        "取消资格案件当前为“领导小组审定同意，待政府批准”，不能变更为“领导小组审定同意，待政府批准”。"
    ]
    assert snapshot() == after_first
    assert audits("revocation.endorsed") == 1
    assert Notification.objects.filter(user=gina, subject__endswith="案件待批准").count() == 1


def test_the_approval_posted_twice_revokes_once(tenure, olivia, leo, gina):
    endorsed = case_endorsed(tenure, olivia, leo)
    client = logged_in(gina)
    url = reverse("revocation:government", args=[endorsed.pk])

    first = client.post(url, _govern())
    after_first = snapshot()
    second = client.post(url, _govern())

    assert first.status_code == 302
    assert second.status_code == 400
    # The case's own number is not "another case's": the refusal says the case is approved already.
    assert summary(second) == ["取消资格案件当前为“政府已批准”，不能变更为“政府已批准”。"]
    assert second.context["form"].errors.get("document_number") is None
    assert snapshot() == after_first
    assert audits("revocation.approved") == 1
    assert audits("tenure.revoke") == 1
    assert TenureStatusEvent.objects.filter(tenure=tenure, status="revoked").count() == 1
    assert (
        Notification.objects.filter(user=tenure.user, subject__endswith="首席技师资格已被取消").count() == 1
    )


def test_the_approval_called_twice_in_the_domain_revokes_once(tenure, olivia, leo, gina):
    approved = case_approved(tenure, olivia, leo, gina)
    before = snapshot()

    with pytest.raises(DomainError) as refused:
        revocation_government_decide(
            actor=gina,
            case=approved,
            approve=True,
            document_number=DOCUMENT_NUMBER,
            approved_on=APPROVED_ON,
            reason="",
            files=EVIDENCE,
            now=APPROVED_AT,
        )

    assert refused.value.message == "取消资格案件当前为“政府已批准”，不能变更为“政府已批准”。"
    assert snapshot() == before


def test_a_replayed_confirmation_of_the_certificates_return_records_it_once(tenure, olivia, leo, gina):
    approved = case_approved(tenure, olivia, leo, gina)
    client = logged_in(olivia)
    url = reverse("revocation:certificate_return", args=[approved.pk])
    confirmed = {"returned_on": "2026-03-25", "note": "本人交回。", "confirmed": "yes"}

    asked = client.post(url, {"returned_on": "2026-03-25", "note": "本人交回。"})
    first = client.post(url, confirmed)
    after_first = snapshot()
    replayed = client.post(url, confirmed)

    assert (asked.status_code, first.status_code, replayed.status_code) == (200, 302, 403)
    assert "证书已于2026年3月25日登记收回。" in replayed.content.decode()
    assert snapshot() == after_first
    assert audits("revocation.certificate_returned") == 1


def test_the_statement_sent_twice_is_kept_once(tenure, olivia):
    opened = case_opened(tenure, olivia)
    revocation_statement_submit(
        actor=tenure.user, case=opened, statement="我有异议。", files=[], now=IN_DEADLINE
    )
    before = snapshot()

    with pytest.raises(DomainError) as refused:
        revocation_statement_submit(
            actor=tenure.user, case=opened, statement="补充意见。", files=[], now=IN_DEADLINE
        )

    assert (refused.value.message, refused.value.code) == ("陈述申辩已提交，不能重复提交。", "already_stated")
    assert snapshot() == before
    assert RevocationCase.objects.get().statement == "我有异议。"


def test_the_statement_page_posted_twice_keeps_the_first(tenure, olivia, calendar_known):
    case = revocation_case_open(actor=olivia, tenure=tenure, grounds=["3"], facts="伪造。", files=EVIDENCE)
    client = logged_in(tenure.user)
    url = reverse("revocation:statement", args=[case.pk])

    first = client.post(url, {"statement": "我有异议。", "confirmed": "yes"})
    after_first = snapshot()
    second = client.post(url, {"statement": "改一改。", "confirmed": "yes"})

    assert (first.status_code, second.status_code) == (302, 400)
    assert summary(second) == ["陈述申辩已提交，不能重复提交。"]
    assert snapshot() == after_first
    assert audits("revocation.statement") == 1
    assert Notification.objects.filter(user=olivia, subject__endswith="已提交陈述申辩").count() == 1


def test_a_case_opened_twice_on_one_term_is_opened_once(tenure, olivia, calendar_known):
    client = logged_in(olivia)
    url = reverse("revocation:case_open", args=[tenure.pk])
    form = {"grounds": ["3"], "facts": "伪造。", "files": pdf(), "confirmed": "yes"}

    first = client.post(url, form)
    after_first = snapshot()
    second = client.post(url, {**form, "files": pdf()})

    assert first.status_code == 302
    assert second.status_code == 200
    assert "该首席技师已有正在办理的取消资格案件，办结后方可再立案。" in second.content.decode()
    assert snapshot() == after_first
    assert audits("revocation.open") == 1
    with pytest.raises(DomainError, match="该首席技师已有正在办理的取消资格案件。"):
        revocation_case_open(
            actor=olivia, tenure=tenure, grounds=["1"], facts="又一案。", files=EVIDENCE, now=timezone.now()
        )


def test_an_annulment_opened_twice_is_opened_once(tenure, olivia, leo, gina):
    revoked = case_approved(tenure, olivia, leo, gina)
    client = logged_in(olivia)
    url = reverse("revocation:annulment_open", args=[revoked.pk])

    first = client.post(url, {"facts": "复议决定撤销。", "files": pdf(), "confirmed": "on"})
    after_first = snapshot()
    second = client.post(url, {"facts": "复议决定撤销。", "files": pdf(), "confirmed": "on"})

    assert (first.status_code, second.status_code) == (302, 200)
    assert words(second, "annulment-refused") == "该决定已有撤销程序（已立案，待陈述申辩），不能重复发起。"
    assert snapshot() == after_first
    assert audits("revocation.annulment_open") == 1


def _closed_at(step: str, tenure, olivia, leo, gina) -> RevocationCase:
    if step == "finding":
        return revocation_finding_record(
            actor=olivia,
            case=case_opened(tenure, olivia),
            revoke=False,
            finding="不予取消。",
            files=[],
            now=AFTER_DEADLINE,
        )
    if step == "leadership":
        return revocation_leadership_decide(
            actor=leo,
            case=case_found(tenure, olivia),
            approve=False,
            meeting_on=MEETING,
            minutes=MINUTES,
            reason="证据不足。",
            files=[],
            now=ENDORSED_AT,
        )
    return revocation_government_decide(
        actor=gina,
        case=case_endorsed(tenure, olivia, leo),
        approve=False,
        document_number="",
        approved_on=None,
        reason="事实不清。",
        files=[],
        now=APPROVED_AT,
    )


@pytest.mark.parametrize("step", ["finding", "leadership", "government"])
def test_every_page_of_a_closed_case_reads_and_refuses_every_step_in_words(tenure, olivia, leo, gina, step):
    case = _closed_at(step, tenure, olivia, leo, gina)
    before = snapshot()

    reads = {
        "case_detail": logged_in(olivia).get(reverse("revocation:case_detail", args=[case.pk])).status_code,
        "leadership": logged_in(leo).get(reverse("revocation:leadership", args=[case.pk])).status_code,
        "government": logged_in(gina).get(reverse("revocation:government", args=[case.pk])).status_code,
        "statement": logged_in(tenure.user).get(reverse("revocation:statement", args=[case.pk])).status_code,
    }
    lead = logged_in(leo).post(reverse("revocation:leadership", args=[case.pk]), _lead())
    govern = logged_in(gina).post(reverse("revocation:government", args=[case.pk]), _govern())
    annul = logged_in(olivia).post(
        reverse("revocation:annulment_open", args=[case.pk]),
        {"facts": "复议。", "files": pdf(), "confirmed": "on"},
    )

    assert reads == {"case_detail": 200, "leadership": 200, "government": 200, "statement": 200}
    assert (lead.status_code, govern.status_code, annul.status_code) == (400, 400, 200)
    assert summary(lead) == [
        "取消资格案件当前为“不予取消，已结案”，不能变更为“领导小组审定同意，待政府批准”。"
    ]
    assert summary(govern) == ["取消资格案件当前为“不予取消，已结案”，不能变更为“政府已批准”。"]
    assert snapshot() == before
