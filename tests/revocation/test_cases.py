"""A revocation case through its three steps (第十七条): refusals at each step, the effects of the approval, and a
case rejected at any step leaving the term as it was."""

from datetime import date, datetime

import pytest
from django.core.exceptions import PermissionDenied

from chieftech.accounts.roles import Role
from chieftech.audit.models import AuditRecord
from chieftech.certificates.domain import certificate_issue
from chieftech.certificates.models import Certificate
from chieftech.core.errors import DomainError
from chieftech.core.models import Notification
from chieftech.revocation.domain.cases import (
    revocation_certificate_returned,
    revocation_finding_record,
    revocation_government_decide,
    revocation_leadership_decide,
    revocation_statement_submit,
)
from chieftech.revocation.models import CaseDocument, RevocationCase
from chieftech.tenure.models import Tenure
from tests.factories import SHANGHAI, grant, make_tenure, make_user, make_weihai
from tests.revocation.factories import (
    AFTER_DEADLINE,
    EVIDENCE,
    OPENED,
    case_endorsed,
    case_found,
    case_opened,
)


@pytest.fixture
def tenure(alice, gina, olivia):
    tenure = make_tenure(alice, gina, officer=olivia, name="王建国")
    certificate_issue(actor=gina, tenure=tenure, issued_on=date(2024, 12, 27))
    holder = make_user("hank", Role.TECHNICIAN, real_name="王建国")
    Tenure.objects.filter(pk=tenure.pk).update(user=holder)
    tenure.refresh_from_db()
    return tenure


def test_opening_a_case_sets_the_statement_deadline_on_the_calendar_and_tells_the_holder(tenure, olivia):
    case = case_opened(tenure, olivia)

    assert (case.state, case.grounds, case.statement_deadline) == ("open", ["3"], date(2026, 3, 9))
    assert CaseDocument.objects.filter(case=case, step="open").count() == 1
    told = Notification.objects.filter(user=tenure.user).get()
    assert told.subject == "关于王建国首席技师资格的调查告知"
    assert "2026年3月9日24时前" in told.body
    # Nothing public changes while the case runs.
    assert Tenure.objects.get(pk=tenure.pk).status == "active"


@pytest.mark.parametrize(
    ("overrides", "errors"),
    [
        ({"grounds": []}, {"grounds": ["请选择第十七条规定的取消情形（可多选）。"]}),
        ({"grounds": ["5"]}, {"grounds": ["取消情形应为第十七条（一）至（四）项。"]}),
        ({"facts": " "}, {"facts": ["请写明事实与依据。"]}),
        ({"files": []}, {"files": ["请上传证据材料（PDF、JPG或PNG）。"]}),
    ],
)
def test_a_case_without_grounds_facts_or_evidence_is_refused_at_the_field(tenure, olivia, overrides, errors):
    with pytest.raises(DomainError) as refused:
        case_opened(tenure, olivia, **overrides)
    assert refused.value.message_dict == errors
    assert not RevocationCase.objects.exists()


def test_only_the_officer_of_the_terms_authority_opens_a_case_and_only_one_at_a_time(
    tenure, olivia, alice, leo
):
    walter = make_user("walter-rev")
    grant(walter, Role.OFFICER, authority=make_weihai())
    for outsider in (alice, leo, walter):
        with pytest.raises(PermissionDenied):
            case_opened(tenure, outsider)
    case_opened(tenure, olivia)
    with pytest.raises(DomainError, match="已有正在办理的取消资格案件"):
        case_opened(tenure, olivia)


def test_the_holder_states_their_case_once_before_the_deadline(tenure, olivia):
    case = case_opened(tenure, olivia)
    holder = tenure.user

    with pytest.raises(DomainError, match="已过截止时间"):
        revocation_statement_submit(
            actor=holder, case=case, statement="证书为真。", files=[], now=AFTER_DEADLINE
        )
    revocation_statement_submit(
        actor=holder, case=case, statement="证书由大赛组委会颁发，附说明。", files=EVIDENCE, now=OPENED
    )
    with pytest.raises(DomainError, match="不能重复提交"):
        revocation_statement_submit(actor=holder, case=case, statement="补充。", files=[], now=OPENED)
    case.refresh_from_db()
    assert (case.statement, case.statement_by) == ("证书由大赛组委会颁发，附说明。", holder)


def test_another_user_cannot_state_the_holders_case(tenure, olivia, alice):
    case = case_opened(tenure, olivia)
    with pytest.raises(PermissionDenied):
        revocation_statement_submit(actor=alice, case=case, statement="代为申辩。", files=[], now=OPENED)


def test_the_finding_waits_for_the_holder_to_be_heard(tenure, olivia):
    case = case_opened(tenure, olivia)

    with pytest.raises(DomainError, match="本人提交陈述申辩或期限届满后方可初步认定"):
        revocation_finding_record(
            actor=olivia, case=case, revoke=True, finding="拟取消。", files=[], now=OPENED
        )
    found = revocation_finding_record(
        actor=olivia, case=case, revoke=True, finding="拟取消。", files=[], now=AFTER_DEADLINE
    )

    assert found.state == "found"
    # An initial finding alone changes nothing public: the title stands.
    assert Tenure.objects.get(pk=tenure.pk).status == "active"


def test_the_leadership_decides_the_case_not_the_office(tenure, olivia, leo):
    case = case_found(tenure, olivia)
    with pytest.raises(PermissionDenied):
        revocation_leadership_decide(
            actor=olivia,
            case=case,
            approve=True,
            meeting_on=date(2026, 3, 12),
            minutes="纪要",
            reason="",
            files=[],
        )
    with pytest.raises(DomainError) as refused:
        revocation_leadership_decide(
            actor=leo,
            case=case,
            approve=False,
            meeting_on=None,
            minutes="",
            reason="",
            files=[],
            now=datetime(2026, 3, 13, 10, 0, tzinfo=SHANGHAI),
        )
    assert refused.value.message_dict == {
        "meeting_on": ["请填写领导小组会议日期。"],
        "minutes": ["请填写会议纪要名称或编号。"],
        "reason": ["不同意取消的，请写明理由。"],
    }


@pytest.mark.parametrize("step", ["finding", "leadership", "government"])
def test_a_case_rejected_at_any_step_closes_and_leaves_the_term_untouched(tenure, olivia, leo, gina, step):
    before = Tenure.objects.values("status", "status_since").get(pk=tenure.pk)
    if step == "finding":
        case = revocation_finding_record(
            actor=olivia,
            case=case_opened(tenure, olivia),
            revoke=False,
            finding="证据不足。",
            files=[],
            now=AFTER_DEADLINE,
        )
    elif step == "leadership":
        case = revocation_leadership_decide(
            actor=leo,
            case=case_found(tenure, olivia),
            approve=False,
            meeting_on=date(2026, 3, 12),
            minutes="纪要",
            reason="证据不足以认定弄虚作假。",
            files=[],
            now=datetime(2026, 3, 13, 10, 0, tzinfo=SHANGHAI),
        )
    else:
        case = revocation_government_decide(
            actor=gina,
            case=case_endorsed(tenure, olivia, leo),
            approve=False,
            document_number="",
            approved_on=None,
            reason="请补充核查。",
            files=[],
            now=datetime(2026, 3, 20, 10, 0, tzinfo=SHANGHAI),
        )

    assert case.state == "closed"
    assert Tenure.objects.values("status", "status_since").get(pk=tenure.pk) == before
    assert Certificate.objects.get(tenure=tenure).withdrawn_at is None


def test_the_governments_approval_revokes_the_title_withdraws_the_certificate_and_tells_them(
    tenure, olivia, leo, gina
):
    case = case_endorsed(tenure, olivia, leo)

    approved = revocation_government_decide(
        actor=gina,
        case=case,
        approve=True,
        document_number="威环政字[2026]15号",
        approved_on=date(2026, 3, 18),
        reason="",
        files=EVIDENCE,
        now=datetime(2026, 3, 20, 10, 0, tzinfo=SHANGHAI),
    )

    assert (approved.state, approved.government_document_number, approved.effective_on) == (
        "approved",
        "威环政字〔2026〕15号",
        date(2026, 3, 18),
    )
    saved = Tenure.objects.get(pk=tenure.pk)
    assert (saved.status, saved.status_since) == ("revoked", date(2026, 3, 18))
    certificate = Certificate.objects.get(tenure=tenure)
    assert certificate.withdrawn_reason == "依威环政字〔2026〕15号取消资格，证书收回"
    assert Notification.objects.filter(user=tenure.user, subject="王建国的首席技师资格已被取消").count() == 1
    assert list(
        AuditRecord.objects.filter(object_id=str(case.pk), action__startswith="revocation.")
        .values_list("action", flat=True)
        .order_by("pk")
    ) == ["revocation.open", "revocation.finding", "revocation.endorsed", "revocation.approved"]


@pytest.mark.parametrize(
    ("number", "approved_on", "error"),
    [
        (
            "威环政字2026年15号",
            date(2026, 3, 18),
            "批准文号格式不正确，应为“发文机关代字〔年份〕序号号”，如：威环政字〔2026〕12号。",
        ),
        ("威环政字〔2025〕15号", date(2026, 3, 18), "文号的年份应与批准日期的年份（2026年）一致。"),
    ],
)
def test_a_wrong_document_number_is_refused_at_its_field(
    tenure, olivia, leo, gina, number, approved_on, error
):
    case = case_endorsed(tenure, olivia, leo)
    with pytest.raises(DomainError) as refused:
        revocation_government_decide(
            actor=gina,
            case=case,
            approve=True,
            document_number=number,
            approved_on=approved_on,
            reason="",
            files=EVIDENCE,
            now=datetime(2026, 3, 20, 10, 0, tzinfo=SHANGHAI),
        )
    assert refused.value.message_dict == {"document_number": [error]}
    assert Tenure.objects.get(pk=tenure.pk).status == "active"


def test_the_paper_certificates_return_is_recorded_once_after_approval(tenure, olivia, leo, gina):
    case = case_endorsed(tenure, olivia, leo)
    with pytest.raises(DomainError, match="经政府批准后方可登记证书收回"):
        revocation_certificate_returned(actor=olivia, case=case, returned_on=date(2026, 3, 19), note="")
    revocation_government_decide(
        actor=gina,
        case=case,
        approve=True,
        document_number="威环政字〔2026〕15号",
        approved_on=date(2026, 3, 18),
        reason="",
        files=EVIDENCE,
        now=datetime(2026, 3, 20, 10, 0, tzinfo=SHANGHAI),
    )
    revocation_certificate_returned(
        actor=olivia,
        case=case,
        returned_on=date(2026, 3, 25),
        note="本人交回原件。",
        now=datetime(2026, 3, 25, 15, 0, tzinfo=SHANGHAI),
    )
    with pytest.raises(DomainError, match="证书已于2026年3月25日登记收回"):
        revocation_certificate_returned(
            actor=olivia,
            case=case,
            returned_on=date(2026, 3, 25),
            note="",
            now=datetime(2026, 3, 26, 9, 0, tzinfo=SHANGHAI),
        )


def test_verification_says_valid_until_the_approval_and_revoked_on_the_next_request_after_it(
    client, olivia, leo, gina, alice, bob, django_capture_on_commit_callbacks
):
    from django.urls import reverse

    from tests.certificates.factories import make_approved_round

    _, proposed = make_approved_round(olivia, leo, gina, [alice, bob], n=3)
    certificate = Certificate.objects.get(tenure__application=proposed[0])
    # The case's dates are in March 2026: the term is put back to the 2024 cohort's start.
    Tenure.objects.filter(pk=certificate.tenure_id).update(
        starts_on=date(2024, 12, 27), ends_on=date(2026, 12, 26), status_since=date(2024, 12, 27)
    )
    url = reverse("verify:verify", args=[certificate.verification_code])
    case = case_endorsed(certificate.tenure, olivia, leo)
    response = client.get(url)
    # An initial finding and the leadership's 审定 change nothing public.
    assert response.status_code == 200
    assert response.context["status"].label == "有效"

    with django_capture_on_commit_callbacks(execute=True):
        revocation_government_decide(
            actor=gina,
            case=case,
            approve=True,
            document_number="威环政字〔2026〕15号",
            approved_on=date(2026, 3, 18),
            reason="",
            files=EVIDENCE,
            now=datetime(2026, 3, 20, 10, 0, tzinfo=SHANGHAI),
        )

    response = client.get(url)
    page = response.content.decode()
    assert response.context["status"].label == "已取消资格"
    # The roster marks the person revoked, naming the government's document; the others stay as they were.
    roster = client.get(reverse("verify:roster")).context["rows"]
    assert (roster[0]["name"], roster[0]["status"], roster[0]["revoked_by"]) == (
        certificate.tenure.application.name,
        "已取消资格",
        "威环政字〔2026〕15号",
    )
    assert {row["revoked_by"] for row in roster[1:]} == {""}
    assert "自2026年3月18日起取消资格，证书已收回。" in page
    # No grounds, facts or finding on a public page.
    for private in ("弄虚作假", "伪造", "证据确凿", "第十七条"):
        assert private not in page
