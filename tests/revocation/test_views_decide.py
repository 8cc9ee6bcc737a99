"""The leadership's 审定 and the government's 批准 of a revocation case through their pages, and the queue they
work from (第十七条). The holder's statement page is in test_views_decide_statement.py."""

from datetime import date, datetime

import lxml.html
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from chieftech.accounts.roles import Role
from chieftech.audit.models import AuditRecord
from chieftech.certificates.domain import certificate_issue
from chieftech.certificates.models import Certificate
from chieftech.revocation.domain.cases import revocation_annulment_open, revocation_finding_record
from chieftech.revocation.models import CaseDocument, RevocationCase
from chieftech.tenure.models import Tenure
from tests.factories import PDF_BYTES, SHANGHAI, make_round, make_tenure, make_user, make_weihai
from tests.revocation.factories import EVIDENCE, case_approved, case_endorsed, case_found, case_opened

LIST = reverse("revocation:decision_list")
# Measured with 1 and 3 cases: the same.
QUERIES_DECISION_LIST = 10
APPROVAL_QUESTION = (
    "批准后自批准日期起取消其首席技师资格，证书作废，停止待遇，已发放的津贴将予追回。此操作不可撤回。"
)


@pytest.fixture
def tenure(alice, gina, olivia):
    tenure = make_tenure(alice, gina, officer=olivia, name="王建国")
    certificate_issue(actor=gina, tenure=tenure, issued_on=date(2024, 12, 27))
    return tenure


def _doc(response):
    return lxml.html.fromstring(response.content.decode())


def _rows(response, table_id: str) -> list[list[str]]:
    return [
        [" ".join(td.text_content().split()) for td in tr.xpath("./td")]
        for tr in _doc(response).get_element_by_id(table_id).xpath(".//tbody/tr")
    ]


def _text(response, element_id: str) -> str:
    return " ".join(_doc(response).get_element_by_id(element_id).text_content().split())


def _pdf(name: str = "会议纪要.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def _lead(**overrides) -> dict:
    data = {
        "outcome": "approve",
        "meeting_on": "2026-03-12",
        "minutes": "区委人才工作领导小组2026年第2次会议纪要",
        "reason": "",
        "confirmed": "yes",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def _govern(**overrides) -> dict:
    data = {
        "outcome": "approve",
        "document_number": "威环政字〔2026〕15号",
        "approved_on": "2026-03-18",
        "reason": "",
        "confirmed": "yes",
        "files": _pdf("批复.pdf"),
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


# --- The queue ---------------------------------------------------------------------------------------------


def test_the_leader_sees_the_case_awaiting_審定_then_as_decided(client, tenure, olivia, leo):
    case = case_found(tenure, olivia)
    client.force_login(leo)

    response = client.get(LIST)

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert _rows(response, "decision-awaiting") == [
        [
            "王建国",
            tenure.enterprise.name,
            "取消资格",
            "（三）采取弄虚作假、谎报成果等不正当手段骗取资格",
            "2026年3月10日",
            "已初步认定，待领导小组审定",
            "审定",
        ]
    ]
    assert _doc(response).xpath('//table[@id="decision-awaiting"]//a/@href') == [
        reverse("revocation:leadership", args=[case.pk])
    ]

    client.post(reverse("revocation:leadership", args=[case.pk]), _lead())
    response = client.get(LIST)

    assert _text(response, "decision-awaiting-empty") == "目前没有待审定或待批准的取消资格案件。"
    assert _rows(response, "decision-done")[0][5] == "领导小组审定同意，待政府批准 领导小组审定：同意"


def test_the_government_sees_only_endorsed_cases_to_approve(client, tenure, olivia, leo, gina, alice):
    endorsed = case_endorsed(tenure, olivia, leo)
    case_found(make_tenure(alice, gina, round_=tenure.application.round, name="李明"), olivia)
    client.force_login(gina)

    response = client.get(LIST)

    assert [row[0] for row in _rows(response, "decision-awaiting")] == ["王建国"]
    assert _rows(response, "decision-awaiting")[0][6] == "批准"
    assert _doc(response).xpath('//table[@id="decision-awaiting"]//a/@href') == [
        reverse("revocation:government", args=[endorsed.pk])
    ]


def test_another_authoritys_leader_sees_none_of_the_cases(client, tenure, olivia):
    case_found(tenure, olivia)
    walter = make_user("wlee", Role.LEADER, authority=make_weihai())
    client.force_login(walter)

    response = client.get(LIST)

    assert response.status_code == 200
    assert "王建国" not in response.content.decode()


@pytest.mark.parametrize("who", ["olivia", "alice", "stranger"])
def test_the_queue_is_the_leaderships_and_the_governments_alone(client, who, request):
    client.force_login(request.getfixturevalue(who))
    assert client.get(LIST).status_code == 403


@pytest.mark.parametrize("n", [1, 3])
def test_the_queue_reads_the_same_queries_for_1_and_3_cases(
    client, olivia, leo, alice, gina, django_assert_num_queries, n
):
    round_ = make_round(olivia)
    for k in range(n):
        case_found(make_tenure(alice, gina, round_=round_, name=f"张{k}"), olivia)
    client.force_login(leo)
    client.get(LIST)

    with django_assert_num_queries(QUERIES_DECISION_LIST):
        response = client.get(LIST)
    assert len(_rows(response, "decision-awaiting")) == n


# --- 领导小组审定 ------------------------------------------------------------------------------------------


def test_the_leadership_page_summarises_the_case_with_the_id_number_masked(client, tenure, olivia, leo):
    case = case_found(tenure, olivia)
    client.force_login(leo)

    response = client.get(reverse("revocation:leadership", args=[case.pk]))

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    page = response.content.decode()
    id_number = tenure.application.id_number
    assert id_number not in page
    assert _text(response, "case-id-number") == id_number[:4] + "*" * 10 + id_number[-4:]
    assert _text(response, "case-facts") == "申报所附市级技能大赛获奖证书经核查系伪造。"
    assert _text(response, "case-finding") == "2026年3月10日：证据确凿，拟取消资格。"
    assert _text(response, "case-statement") == "未提交（期限至2026年3月9日24时）"
    detail = _doc(response).get_element_by_id("case-detail")
    assert (detail.text, detail.get("href")) == (
        "查看案件全部材料",
        reverse("revocation:case_detail", args=[case.pk]),
    )
    labels = _doc(response).xpath('//input[@name="outcome"]/../text()')
    assert [label.strip() for label in labels] == ["同意取消资格", "不同意，结案"]


def test_the_leadership_is_asked_to_confirm_before_anything_changes(client, tenure, olivia, leo):
    case = case_found(tenure, olivia)
    client.force_login(leo)

    response = client.post(reverse("revocation:leadership", args=[case.pk]), _lead(confirmed=None))

    assert response.status_code == 200
    assert _text(response, "confirm-question") == (
        "即将同意取消王建国的首席技师资格，案件报送政府批准；政府批准前资格和待遇不变。"
    )
    assert RevocationCase.objects.get(pk=case.pk).state == "found"


def test_the_leadership_approves_through_the_page(client, tenure, olivia, leo):
    case = case_found(tenure, olivia)
    client.force_login(leo)

    response = client.post(reverse("revocation:leadership", args=[case.pk]), _lead(files=_pdf()), follow=True)

    assert response.redirect_chain == [(LIST, 302)]
    assert [str(m) for m in response.context["messages"]] == [
        "已登记领导小组审定同意（王建国），案件已报送政府批准。"
    ]
    case.refresh_from_db()
    assert (case.state, case.leadership_meeting_on, case.leadership_by) == (
        "endorsed",
        date(2026, 3, 12),
        leo,
    )
    assert list(
        CaseDocument.objects.filter(case=case, step="leadership").values_list("file_name", flat=True)
    ) == ["会议纪要.pdf"]
    assert AuditRecord.objects.filter(action="revocation.endorsed", object_id=str(case.pk)).count() == 1


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"meeting_on": ""}, "meeting_on", "请填写领导小组会议日期。"),
        ({"meeting_on": "2026-03-09"}, "meeting_on", "会议日期不能早于初步认定日期。"),
        ({"meeting_on": "12/03/2026"}, "meeting_on", "会议日期格式不正确，请按“2026-03-12”填写。"),
        ({"minutes": ""}, "minutes", "请填写会议纪要名称或编号。"),
        ({"outcome": "reject", "reason": ""}, "reason", "不同意取消的，请写明理由。"),
    ],
)
def test_a_leadership_decision_the_domain_refuses_is_shown_at_its_field(
    client, tenure, olivia, leo, overrides, field, message
):
    case = case_found(tenure, olivia)
    client.force_login(leo)

    response = client.post(reverse("revocation:leadership", args=[case.pk]), _lead(**overrides))

    assert response.status_code == 400
    assert response.context["form"].errors[field] == [message]
    summary = _doc(response).xpath("//div[@data-error-summary]//a")
    assert [a.get("href") for a in summary] == [f"#id_{field}"]
    assert RevocationCase.objects.get(pk=case.pk).state == "found"


def test_files_sent_unconfirmed_are_refused_at_the_confirmation_box(client, tenure, olivia, leo):
    case = case_found(tenure, olivia)
    client.force_login(leo)

    response = client.post(
        reverse("revocation:leadership", args=[case.pk]), _lead(confirmed=None, files=_pdf())
    )

    assert response.status_code == 400
    assert response.context["form"].errors["confirmed"] == [
        "请勾选“我已知晓上述后果，确认提交”，并重新选择要上传的文件。"
        "即将同意取消王建国的首席技师资格，案件报送政府批准；政府批准前资格和待遇不变。"
    ]
    assert not CaseDocument.objects.filter(case=case, step="leadership").exists()


def test_the_leadership_rejecting_closes_the_case(client, tenure, olivia, leo):
    case = case_found(tenure, olivia)
    client.force_login(leo)

    response = client.post(
        reverse("revocation:leadership", args=[case.pk]), _lead(outcome="reject", reason="证据不足。")
    )

    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.state, case.closed_reason) == ("closed", "证据不足。")
    assert Tenure.objects.get(pk=tenure.pk).status == "active"


def test_only_the_leadership_of_the_cases_authority_decides(client, tenure, olivia, gina, leo):
    case = case_found(tenure, olivia)
    url = reverse("revocation:leadership", args=[case.pk])
    walter = make_user("wlee", Role.LEADER, authority=make_weihai())

    for user, status in ((olivia, 403), (gina, 403), (walter, 404)):
        client.force_login(user)
        assert (client.get(url).status_code, client.post(url, _lead()).status_code) == (status, status)
    assert RevocationCase.objects.get(pk=case.pk).state == "found"


def test_a_case_past_the_leadership_is_read_only_and_a_post_gets_the_refusal_at_the_top(
    client, tenure, olivia, leo
):
    case = case_endorsed(tenure, olivia, leo)
    url = reverse("revocation:leadership", args=[case.pk])
    client.force_login(leo)

    response = client.get(url)

    assert response.status_code == 200
    assert _text(response, "where") == (
        "该案件当前为“领导小组审定同意，待政府批准”，不在待领导小组审定环节，不能登记审定结果。"
    )
    assert _text(response, "leadership-outcome") == "同意"
    assert not _doc(response).xpath('//form[@id="leadership-form"]')

    response = client.post(url, _lead())

    assert response.status_code == 400
    assert response.context["form"].non_field_errors() == [
        "取消资格案件当前为“领导小组审定同意，待政府批准”，不能变更为“领导小组审定同意，待政府批准”。"
    ]
    assert _doc(response).xpath("//div[@data-error-summary]//li/text()") == [
        "取消资格案件当前为“领导小组审定同意，待政府批准”，不能变更为“领导小组审定同意，待政府批准”。"
    ]


def _annulment_found(tenure, olivia, leo, gina) -> RevocationCase:
    """An approved revocation of the term, its annulment opened on 1 June 2026 and found on the 2nd."""
    annulment = revocation_annulment_open(
        actor=olivia,
        case=case_approved(tenure, olivia, leo, gina),
        facts="威海市人民政府行政复议决定书（威政复决字〔2026〕8号）撤销该取消资格决定。",
        files=EVIDENCE,
        now=datetime(2026, 6, 1, 9, 0, tzinfo=SHANGHAI),
    )
    return revocation_finding_record(
        actor=olivia,
        case=annulment,
        revoke=True,
        finding="依复议决定，应予撤销。",
        files=[],
        now=datetime(2026, 6, 2, 9, 0, tzinfo=SHANGHAI),
    )


def test_an_annulment_through_both_pages_restores_the_term(client, tenure, olivia, leo, gina):
    annulment = _annulment_found(tenure, olivia, leo, gina)
    client.force_login(leo)

    response = client.get(reverse("revocation:leadership", args=[annulment.pk]))

    labels = _doc(response).xpath('//input[@name="outcome"]/../text()')
    assert [label.strip() for label in labels] == ["同意撤销取消资格决定", "不同意撤销"]
    assert _text(response, "case-kind") == "撤销取消资格决定（撤销威环政字〔2026〕15号）"
    assert _text(response, "case-statement") == "无（撤销取消资格决定不经陈述申辩）"
    response = client.post(
        reverse("revocation:leadership", args=[annulment.pk]),
        _lead(meeting_on="2026-06-04", minutes="区委人才工作领导小组2026年第5次会议纪要"),
    )
    assert response.status_code == 302

    client.force_login(gina)
    url = reverse("revocation:government", args=[annulment.pk])
    assert "批准后恢复其首席技师资格，此前停发的津贴将予补发。" in _text(client.get(url), "confirm-box")
    response = client.post(
        url, _govern(document_number="威环政字〔2026〕30号", approved_on="2026-06-09"), follow=True
    )

    assert [str(m) for m in response.context["messages"]] == [
        "已登记政府批准，取消资格决定已撤销，已通知本人和用人单位。"
    ]
    assert RevocationCase.objects.get(pk=annulment.pk).state == "approved"
    assert Tenure.objects.get(pk=tenure.pk).status == "active"


# --- 政府批准 ----------------------------------------------------------------------------------------------


def test_the_government_page_says_what_an_approval_does(client, tenure, olivia, leo, gina):
    case = case_endorsed(tenure, olivia, leo)
    client.force_login(gina)

    response = client.get(reverse("revocation:government", args=[case.pk]))

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert APPROVAL_QUESTION in _text(response, "confirm-box")


def test_the_government_is_asked_to_confirm_a_refusal(client, tenure, olivia, leo, gina):
    case = case_endorsed(tenure, olivia, leo)
    client.force_login(gina)

    response = client.post(
        reverse("revocation:government", args=[case.pk]),
        _govern(outcome="reject", reason="事实不清。", files=None, confirmed=None),
    )

    assert _text(response, "confirm-question") == (
        "即将不予批准，案件结案，王建国的首席技师资格不受影响，并通知本人和用人单位。"
    )
    assert RevocationCase.objects.get(pk=case.pk).state == "endorsed"


def test_the_governments_approval_revokes_the_term_and_verification_says_so_next(
    client, olivia, leo, gina, alice, bob, django_capture_on_commit_callbacks
):
    from tests.certificates.factories import make_approved_round

    _, proposed = make_approved_round(olivia, leo, gina, [alice, bob], n=2)
    certificate = Certificate.objects.get(tenure__application=proposed[0])
    # The case's dates are in March 2026: the term is put back to the 2024 cohort's start.
    Tenure.objects.filter(pk=certificate.tenure_id).update(
        starts_on=date(2024, 12, 27), ends_on=date(2026, 12, 26), status_since=date(2024, 12, 27)
    )
    tenure = Tenure.objects.get(pk=certificate.tenure_id)
    case = case_endorsed(tenure, olivia, leo)
    verify = reverse("verify:verify", args=[certificate.verification_code])
    assert client.get(verify).context["status"].label == "有效"
    client.force_login(gina)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("revocation:government", args=[case.pk]), _govern(), follow=True)

    assert response.redirect_chain == [(LIST, 302)]
    assert [str(m) for m in response.context["messages"]] == [
        "已登记政府批准，首席技师资格自批准日期起取消，证书已作废，已通知本人和用人单位。"
    ]
    case.refresh_from_db()
    assert (case.state, case.government_document_number, case.effective_on) == (
        "approved",
        "威环政字〔2026〕15号",
        date(2026, 3, 18),
    )
    assert Tenure.objects.get(pk=tenure.pk).status == "revoked"
    client.logout()
    assert client.get(verify).context["status"].label == "已取消资格"


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"document_number": "威环政字2026-15"}, "document_number", None),
        (
            {"document_number": "威环政字〔2025〕15号"},
            "document_number",
            "文号的年份应与批准日期的年份（2026年）一致。",
        ),
        ({"approved_on": ""}, "approved_on", "请填写批准日期。"),
        ({"approved_on": "2026-03-11"}, "approved_on", "批准日期不能早于领导小组会议日期。"),
        ({"files": None}, "files", "请上传政府批准文件。"),
        ({"outcome": "reject", "reason": "", "files": None}, "reason", "不予批准的，请写明理由。"),
    ],
)
def test_an_approval_the_domain_refuses_is_shown_at_its_field(
    client, tenure, olivia, leo, gina, overrides, field, message
):
    case = case_endorsed(tenure, olivia, leo)
    client.force_login(gina)

    response = client.post(reverse("revocation:government", args=[case.pk]), _govern(**overrides))

    assert response.status_code == 400
    errors = response.context["form"].errors
    assert list(errors) == [field]
    if message is not None:
        assert errors[field] == [message]
    assert RevocationCase.objects.get(pk=case.pk).state == "endorsed"
    assert Tenure.objects.get(pk=tenure.pk).status == "active"


def test_a_document_number_another_case_used_is_refused_at_the_field(
    client, tenure, olivia, leo, gina, alice
):
    case_approved(make_tenure(alice, gina, round_=tenure.application.round, name="李明"), olivia, leo, gina)
    case = case_endorsed(tenure, olivia, leo)
    client.force_login(gina)

    response = client.post(reverse("revocation:government", args=[case.pk]), _govern())

    assert response.status_code == 400
    assert response.context["form"].errors["document_number"] == [
        "文号威环政字〔2026〕15号已用于另一案件，请核对。"
    ]
    assert RevocationCase.objects.get(pk=case.pk).state == "endorsed"


def test_only_the_government_of_the_cases_authority_approves(client, tenure, olivia, leo):
    case = case_endorsed(tenure, olivia, leo)
    url = reverse("revocation:government", args=[case.pk])
    wgov = make_user("wgov", Role.GOVERNMENT, authority=make_weihai())

    for user, status in ((olivia, 403), (leo, 403), (wgov, 404)):
        client.force_login(user)
        assert (client.get(url).status_code, client.post(url, _govern()).status_code) == (status, status)
    assert RevocationCase.objects.get(pk=case.pk).state == "endorsed"


def test_a_case_not_yet_endorsed_is_read_only_for_the_government(client, tenure, olivia, gina):
    case = case_opened(tenure, olivia)
    client.force_login(gina)

    response = client.get(reverse("revocation:government", args=[case.pk]))

    assert (
        _text(response, "where") == "该案件当前为“已立案，待陈述申辩”，不在待政府批准环节，不能登记批准结果。"
    )
    assert not _doc(response).xpath('//form[@id="government-form"]')
