"""The holder's statement on a revocation case (陈述申辩, 第十七条) through their own page, the banner on their home
page and the items the case adds to the home pages of the holder, the leadership and the government.

The cases are opened on the fixed March 2026 dates; where the page's clock matters (the deadline), the case's
deadline is moved relative to today in the database."""

from datetime import date, datetime, timedelta

import lxml.html
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from chieftech.accounts.roles import Role
from chieftech.audit.models import AuditRecord
from chieftech.certificates.domain import certificate_issue
from chieftech.revocation.domain.cases import revocation_annulment_open
from chieftech.revocation.models import CaseDocument, RevocationCase
from chieftech.tenure.models import Tenure
from tests.factories import PDF_BYTES, SHANGHAI, make_tenure, make_user
from tests.revocation.factories import EVIDENCE, case_approved, case_endorsed, case_found, case_opened

HOME = reverse("core:home")
QUESTION = "陈述申辩意见和证据材料提交后不能修改，区人社局将在初步认定时一并审查。"


@pytest.fixture
def tenure(alice, gina, olivia):
    tenure = make_tenure(alice, gina, officer=olivia, name="王建国")
    certificate_issue(actor=gina, tenure=tenure, issued_on=date(2024, 12, 27))
    holder = make_user("hank", Role.TECHNICIAN, real_name="王建国")
    Tenure.objects.filter(pk=tenure.pk).update(user=holder)
    tenure.refresh_from_db()
    return tenure


def _due(case: RevocationCase, days: int = 5) -> RevocationCase:
    """The case's deadline moved to `days` from today (negative: already passed)."""
    RevocationCase.objects.filter(pk=case.pk).update(
        statement_deadline=timezone.localdate() + timedelta(days=days)
    )
    case.refresh_from_db()
    return case


def _doc(response):
    return lxml.html.fromstring(response.content.decode())


def _text(response, element_id: str) -> str:
    return " ".join(_doc(response).get_element_by_id(element_id).text_content().split())


def _state(**overrides) -> dict:
    data = {"statement": "获奖证书系主办方补发，原件遗失，附主办方证明。", "confirmed": "yes"}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_the_holder_reads_the_notice_with_the_evidence_and_the_deadline(client, tenure, olivia):
    case = case_opened(tenure, olivia)
    evidence = CaseDocument.objects.get(case=case, step="open")
    client.force_login(tenure.user)

    response = client.get(reverse("revocation:statement", args=[case.pk]))

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert _text(response, "grounds") == "（三）采取弄虚作假、谎报成果等不正当手段骗取资格"
    assert _text(response, "facts") == "申报所附市级技能大赛获奖证书经核查系伪造。"
    assert _text(response, "deadline") == "请于2026年3月9日24时前提交"
    assert _doc(response).xpath('//dd[@id="evidence"]//a/@href') == [
        reverse("revocation:document", args=[case.pk, evidence.pk])
    ]
    assert _text(response, "evidence") == "核查报告.pdf"
    # The factory's deadline (9 March 2026) is behind us: the page says why there is no form.
    assert _text(response, "closed") == "陈述申辩截止时间为2026年3月9日24时，已过截止时间。"
    assert not _doc(response).xpath('//form[@id="statement-form"]')


def test_the_holder_confirms_then_states_once_and_reads_it_back(client, tenure, olivia):
    case = _due(case_opened(tenure, olivia))
    url = reverse("revocation:statement", args=[case.pk])
    client.force_login(tenure.user)

    asked = client.post(url, _state(confirmed=None))

    assert _text(asked, "confirm-question") == QUESTION
    assert RevocationCase.objects.get(pk=case.pk).statement_at is None

    files = [SimpleUploadedFile("主办方证明.pdf", PDF_BYTES, content_type="application/pdf")]
    response = client.post(url, _state(files=files), follow=True)

    assert response.redirect_chain == [(url, 302)]
    assert [str(m) for m in response.context["messages"]] == [
        "陈述申辩已提交，区人社局将在初步认定时一并审查。"
    ]
    assert _text(response, "statement-text") == "获奖证书系主办方补发，原件遗失，附主办方证明。"
    assert _text(response, "statement-files") == "主办方证明.pdf"
    assert _text(response, "closed") == "陈述申辩已提交，不能重复提交。"
    assert AuditRecord.objects.filter(action="revocation.statement", object_id=str(case.pk)).count() == 1

    again = client.post(url, _state(statement="补充意见。"))

    assert again.status_code == 400
    assert again.context["form"].non_field_errors() == ["陈述申辩已提交，不能重复提交。"]
    assert (
        RevocationCase.objects.get(pk=case.pk).statement == "获奖证书系主办方补发，原件遗失，附主办方证明。"
    )


def test_an_empty_statement_is_refused_at_the_field(client, tenure, olivia):
    case = _due(case_opened(tenure, olivia))
    client.force_login(tenure.user)

    response = client.post(reverse("revocation:statement", args=[case.pk]), _state(statement=" "))

    assert response.status_code == 400
    assert response.context["form"].errors["statement"] == ["请填写陈述申辩意见。"]
    assert [a.get("href") for a in _doc(response).xpath("//div[@data-error-summary]//a")] == ["#id_statement"]


def test_a_statement_after_the_deadline_is_refused_with_the_reason(client, tenure, olivia):
    case = _due(case_opened(tenure, olivia), days=-1)
    client.force_login(tenure.user)

    response = client.post(reverse("revocation:statement", args=[case.pk]), _state())

    assert response.status_code == 400
    deadline = case.statement_deadline
    assert response.context["form"].non_field_errors() == [
        f"陈述申辩截止时间为{deadline.year}年{deadline.month}月{deadline.day}日24时，已过截止时间。"
    ]
    assert RevocationCase.objects.get(pk=case.pk).statement_at is None


def test_a_case_past_its_finding_takes_no_statement(client, tenure, olivia):
    case = _due(case_found(tenure, olivia))
    client.force_login(tenure.user)

    response = client.get(reverse("revocation:statement", args=[case.pk]))

    assert _text(response, "closed") == "案件已进入初步认定之后的环节，不能再提交陈述申辩。"


def test_the_statement_page_is_the_holders_alone(client, tenure, olivia, alice, gina):
    case = _due(case_opened(tenure, olivia))
    url = reverse("revocation:statement", args=[case.pk])
    other = make_tenure(alice, gina, round_=tenure.application.round, name="李明")
    henry = make_user("henry", Role.TECHNICIAN, real_name="李明")
    Tenure.objects.filter(pk=other.pk).update(user=henry)

    for user in (alice, henry, olivia):
        client.force_login(user)
        assert (client.get(url).status_code, client.post(url, _state()).status_code) == (404, 404)
    assert RevocationCase.objects.get(pk=case.pk).statement_at is None


def test_an_annulment_has_no_statement_page(client, tenure, olivia, leo, gina):
    revoked = case_approved(tenure, olivia, leo, gina)
    annul = revocation_annulment_open(
        actor=olivia,
        case=revoked,
        facts="威海市人民政府行政复议决定书（威政复决字〔2026〕8号）撤销该取消资格决定。",
        files=EVIDENCE,
        now=datetime(2026, 6, 1, 9, 0, tzinfo=SHANGHAI),
    )
    client.force_login(tenure.user)

    assert client.get(reverse("revocation:statement", args=[annul.pk])).status_code == 404


# --- The holder's home page and the home pages ---------------------------------------------------------------


def test_the_holders_home_page_points_to_the_statement_until_it_is_sent(client, tenure, olivia):
    case = _due(case_opened(tenure, olivia))
    deadline = case.statement_deadline
    client.force_login(tenure.user)

    response = client.get(reverse("tenure:holder_home"))

    banner = _doc(response).get_element_by_id("revocation-banner")
    assert banner.text_content() == (
        "您有一项取消首席技师资格的调查（立案日期2026年3月2日），"
        f"请于{deadline.year}年{deadline.month}月{deadline.day}日24时前提交陈述申辩"
    )
    assert banner.xpath(".//a/@href") == [reverse("revocation:statement", args=[case.pk])]
    home = client.get(HOME).context["sections"]
    assert [i["label"] for s in home if s["role"] == Role.TECHNICIAN for i in s["items"]] == [
        "待提交的陈述申辩"
    ]

    client.post(reverse("revocation:statement", args=[case.pk]), _state())
    response = client.get(reverse("tenure:holder_home"))

    assert (
        _text(response, "revocation-banner")
        == "您有一项取消首席技师资格的调查（立案日期2026年3月2日），陈述申辩已提交"
    )
    home = client.get(HOME).context["sections"]
    assert [i["label"] for s in home if s["role"] == Role.TECHNICIAN for i in s["items"]] == []


def test_the_leaders_and_the_governments_home_pages_count_their_cases(
    client, tenure, olivia, leo, gina, alice
):
    case_found(tenure, olivia)
    case_endorsed(make_tenure(alice, gina, round_=tenure.application.round, name="李明"), olivia, leo)

    def items(user, role):
        client.force_login(user)
        sections = client.get(HOME).context["sections"]
        return [(i["label"], i["url"], i["count"]) for s in sections if s["role"] == role for i in s["items"]]

    assert items(leo, Role.LEADER) == [("待审定的取消资格案件", reverse("revocation:decision_list"), 1)]
    assert items(gina, Role.GOVERNMENT) == [("待批准的取消资格案件", reverse("revocation:decision_list"), 1)]


def test_the_menu_leads_the_leadership_and_the_government_to_their_queue(client, leo, gina, olivia):
    for user, shown in ((leo, True), (gina, True), (olivia, False)):
        client.force_login(user)
        labels = [item["label"] for item in client.get(HOME).context["nav_items"]]
        assert ("取消资格审定" in labels) is shown


@pytest.mark.parametrize("n", [1, 3])
def test_the_leaders_home_page_reads_the_same_queries_for_1_and_3_cases(
    client, olivia, leo, gina, alice, django_assert_num_queries, n
):
    from tests.factories import make_round

    round_ = make_round(olivia)
    for k in range(n):
        case_found(make_tenure(alice, gina, round_=round_, name=f"张{k}"), olivia)
    client.force_login(leo)
    client.get(HOME)

    with django_assert_num_queries(QUERIES_LEADER_HOME):
        sections = client.get(HOME).context["sections"]
    assert [i["count"] for s in sections for i in s["items"]] == [n]


# Measured with 1 and 3 cases: the same (one of them counts the cases awaiting the 审定).
QUERIES_LEADER_HOME = 12
