"""The office's pages of a revocation case (第十七条) through the browser's requests: the list, opening a case,
the case page and who reaches it, the term's page, the menu and the home page (test_views_office_steps.py: the
finding, the certificate's return and the documents)."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from chieftech.audit.models import AuditRecord
from chieftech.certificates.domain import certificate_issue
from chieftech.policy.calendar import library_covers, nth_working_day
from chieftech.policy.models import CalendarDay, CalendarYear
from chieftech.revocation.domain.cases import revocation_certificate_returned
from chieftech.revocation.models import CaseDocument, RevocationCase
from chieftech.revocation.views_office import next_step
from tests.factories import PDF_BYTES
from tests.revocation import office_fixtures as fixtures
from tests.revocation.factories import (
    OPENED,
    case_approved,
    case_endorsed,
    case_found,
    case_opened,
)
from tests.revocation.office_fixtures import another, logged_in, page, pdf, rows, text

# The fixtures the tests below ask for by name.
calendar_known = fixtures.calendar_known
tenure = fixtures.tenure
walter = fixtures.walter

QUERIES_CASE_LIST = 10
QUERIES_CASE_DETAIL = 13


# --- The list ---------------------------------------------------------------------------------------------


def test_the_list_shows_each_case_with_its_grounds_state_and_next_step(olivia, tenure, alice, gina):
    case_opened(tenure, olivia, grounds=["1", "3"])
    other = another(tenure, alice, gina, "李秀英")
    case_found(other, olivia)

    response = logged_in(olivia).get(reverse("revocation:case_list"))

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    occupation = tenure.application.occupation
    assert rows(response, "cases") == [
        [
            "李秀英",
            other.enterprise.name,
            occupation,
            "取消资格",
            "第十七条（三）",
            "已初步认定，待领导小组审定",
            "2026年3月2日",
            "待领导小组审定",
        ],
        [
            "王建国",
            tenure.enterprise.name,
            occupation,
            "取消资格",
            "第十七条（一）、第十七条（三）",
            "已立案，待初步认定",
            "2026年3月2日",
            "陈述申辩期已届满，待初步认定",
        ],
    ]


def test_the_list_filters_by_state_and_ignores_an_unknown_one(olivia, tenure, alice, gina):
    case_opened(tenure, olivia)
    case_found(another(tenure, alice, gina, "李秀英"), olivia)
    client = logged_in(olivia)
    url = reverse("revocation:case_list")

    found = client.get(url, {"state": "found"})
    unknown = client.get(url, {"state": "whatever"})
    none = client.get(url, {"state": "approved"})

    assert [r[0] for r in rows(found, "cases")] == ["李秀英"]
    assert [r[0] for r in rows(unknown, "cases")] == ["李秀英", "王建国"]
    assert text(none, "no-cases") == "没有该状态的取消资格案件。"


def test_the_next_step_names_the_statement_deadline_while_it_runs(olivia, tenure, leo, gina):
    case = case_opened(tenure, olivia)

    assert next_step(case, now=OPENED) == "陈述申辩至2026年3月9日24时"
    assert next_step(case_approved_later(tenure, olivia, leo, gina, case), now=OPENED) == "待登记证书收回"


def case_approved_later(tenure, olivia, leo, gina, case):
    # The open case closed directly, so the same term can be driven through to the government's approval.
    RevocationCase.objects.filter(pk=case.pk).update(state="closed")
    return case_approved(tenure, olivia, leo, gina)


@pytest.mark.parametrize("n", [1, 3])
def test_the_list_costs_the_same_queries_for_one_case_or_three(
    client, olivia, tenure, alice, gina, django_assert_num_queries, n
):
    case_opened(tenure, olivia)
    for i in range(1, n):
        case_opened(another(tenure, alice, gina, f"人员{i}"), olivia)
    client.force_login(olivia)

    with django_assert_num_queries(QUERIES_CASE_LIST):
        response = client.get(reverse("revocation:case_list"))

    assert len(rows(response, "cases")) == n


def test_the_list_is_the_officers_alone(leo, gina, alice):
    for user in (leo, gina, alice):
        assert logged_in(user).get(reverse("revocation:case_list")).status_code == 403


# --- Opening a case ---------------------------------------------------------------------------------------


def test_opening_asks_for_the_confirmation_first_and_saves_nothing_without_it(olivia, tenure, calendar_known):
    response = logged_in(olivia).post(
        reverse("revocation:case_open", args=[tenure.pk]),
        {"grounds": ["3"], "facts": "获奖证书系伪造。", "files": [pdf()]},
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {"confirmed": ["请勾选确认后提交。"]}
    assert not RevocationCase.objects.exists()


def test_opening_a_case_tells_the_deadline_and_leads_to_the_case_page(olivia, tenure, calendar_known):
    client = logged_in(olivia)
    url = reverse("revocation:case_open", args=[tenure.pk])
    form = client.get(url)
    assert (tenure.application.id_number in form.content.decode(), "no-store" in form["Cache-Control"]) == (
        False,
        True,
    )
    assert [box.get("value") for box in page(form).xpath('//input[@name="grounds"]')] == ["1", "2", "3", "4"]

    response = client.post(
        url,
        {
            "grounds": ["1", "3"],
            "facts": "获奖证书系伪造。",
            "files": [pdf("核查报告.pdf"), pdf("证明.pdf")],
            "confirmed": "yes",
        },
        follow=True,
    )

    case = RevocationCase.objects.get()
    deadline = nth_working_day(
        start=timezone.localdate() + timedelta(days=1), n=tenure.policy.revocation_statement_working_days
    )
    assert response.redirect_chain == [(reverse("revocation:case_detail", args=[case.pk]), 302)]
    assert [m.message for m in response.context["messages"]] == [
        f"已立案，已通知本人及所在单位；陈述申辩截止时间为{deadline.year}年{deadline.month}月{deadline.day}日24时。"
    ]
    assert (case.grounds, case.statement_deadline, case.opened_by) == (["1", "3"], deadline, olivia)
    assert sorted(
        CaseDocument.objects.filter(case=case, step="open").values_list("file_name", flat=True)
    ) == [
        "核查报告.pdf",
        "证明.pdf",
    ]
    assert AuditRecord.objects.filter(action="revocation.open").count() == 1
    assert text(response, "step-statement") == "陈述申辩 陈述申辩期未届满"


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        (
            {"facts": " "},
            {
                "grounds": ["请选择第十七条规定的取消情形（可多选）。"],
                "facts": ["请写明事实与依据。"],
                "files": ["请上传证据材料（PDF、JPG或PNG）。"],
            },
        ),
        ({"grounds": ["2"], "facts": "拒不履行带徒职责。"}, {"files": ["请上传证据材料（PDF、JPG或PNG）。"]}),
        (
            {"grounds": ["9"], "facts": "x"},
            {
                "grounds": ["选择一个有效的选项。 9 不在可用的选项中。"],
                "files": ["请上传证据材料（PDF、JPG或PNG）。"],
            },
        ),
    ],
)
def test_a_refused_opening_shows_its_errors_at_the_fields_and_saves_nothing(
    olivia, tenure, calendar_known, data, errors
):
    response = logged_in(olivia).post(
        reverse("revocation:case_open", args=[tenure.pk]), {**data, "confirmed": "yes"}
    )

    assert response.status_code == 200
    assert response.context["form"].errors == errors
    summary = [a.get("href") for a in page(response).xpath('//div[@class="error-summary"]//a')]
    # A group of checkboxes is reached at its first box.
    assert summary == [f"#id_{field}_0" if field == "grounds" else f"#id_{field}" for field in errors]
    assert not RevocationCase.objects.exists()


def test_a_term_with_a_live_case_or_a_revoked_title_offers_no_form(olivia, tenure, leo, gina, alice):
    case = case_opened(tenure, olivia)
    revoked = another(tenure, alice, gina, "李秀英")
    certificate_issue(actor=gina, tenure=revoked, issued_on=date(2024, 12, 27))
    case_approved(revoked, olivia, leo, gina)
    client = logged_in(olivia)

    live = client.get(reverse("revocation:case_open", args=[tenure.pk]))
    gone = client.get(reverse("revocation:case_open", args=[revoked.pk]))
    posted = client.post(
        reverse("revocation:case_open", args=[tenure.pk]),
        {"grounds": ["1"], "facts": "再次立案。", "files": [pdf()], "confirmed": "yes"},
    )

    assert (
        text(live, "open-refused")
        == "该首席技师已有正在办理的取消资格案件，办结后方可再立案。 查看正在办理的案件"
    )
    assert page(live).xpath('//a[text()="查看正在办理的案件"]/@href') == [
        reverse("revocation:case_detail", args=[case.pk])
    ]
    assert text(gone, "open-refused") == "该首席技师资格已被取消，不能再立案。"
    assert ("case-open-form" in live.content.decode(), posted.status_code) == (False, 200)
    assert RevocationCase.objects.filter(tenure=tenure).count() == 1


def test_another_authoritys_officer_cannot_open_a_case_on_the_term(walter, leo, tenure):
    url = reverse("revocation:case_open", args=[tenure.pk])

    assert logged_in(walter).get(url).status_code == 404
    assert logged_in(leo).get(url).status_code == 403


# --- The case page ----------------------------------------------------------------------------------------


def test_the_case_page_shows_the_person_masked_the_grounds_and_each_step(olivia, tenure, leo, gina):
    case = case_approved(tenure, olivia, leo, gina)

    response = logged_in(olivia).get(reverse("revocation:case_detail", args=[case.pk]))

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    id_number = tenure.application.id_number
    content = response.content.decode()
    assert id_number not in content
    assert f"{id_number[:4]}**********{id_number[-4:]}" in text(response, "person")
    assert text(response, "case-state") == "政府已批准"
    assert text(response, "tenure-status") == "已取消资格"
    assert text(response, "case-grounds") == "第十七条（三）采取弄虚作假、谎报成果等不正当手段骗取资格"
    assert [s.get("id") for s in page(response).xpath('//section[contains(@class, "case-step")]')] == [
        "step-open",
        "step-statement",
        "step-finding",
        "step-leadership",
        "step-government",
        "step-return",
    ]
    assert text(response, "step-open") == (
        "立案 经办 欧丽，2026年3月2日 09:00 陈述申辩期限 2026年3月9日24时 核查报告.pdf "
        + text(response, "documents-open").split(" ", 1)[1]
    )
    assert text(response, "step-statement") == "陈述申辩 未提交"
    assert text(response, "step-government") == (
        "政府批准 批准文号 威环政字〔2026〕15号 批准日期 2026年3月18日 生效日期 2026年3月18日 登记 吉娜，2026年3月20日 10:00 "
        + text(response, "documents-government")
    )
    assert text(response, "step-return") == "证书收回 尚未登记收回"
    # The officer's own forms and links on an approved case.
    assert (page(response).xpath('//form[@id="return-form"]') != [], text(response, "annul-link")) == (
        True,
        "发起撤销取消资格决定（行政复议、诉讼后）",
    )


def test_the_leadership_and_the_government_read_the_case_and_find_their_step(olivia, tenure, leo, gina):
    case = case_found(tenure, olivia)
    url = reverse("revocation:case_detail", args=[case.pk])

    for_leo = logged_in(leo).get(url)
    for_gina = logged_in(gina).get(url)

    assert (for_leo.status_code, for_gina.status_code) == (200, 200)
    assert page(for_leo).xpath('//a[@id="leadership-link"]/@href') == [
        reverse("revocation:leadership", args=[case.pk])
    ]
    assert page(for_gina).xpath('//a[@id="leadership-link"]') == []
    for response in (for_leo, for_gina):
        assert page(response).xpath("//form[@id='finding-form'] | //a[@id='annul-link']") == []


def test_the_government_finds_its_step_once_the_leadership_endorsed(olivia, tenure, leo, gina):
    case = case_endorsed(tenure, olivia, leo)

    response = logged_in(gina).get(reverse("revocation:case_detail", args=[case.pk]))

    assert page(response).xpath('//a[@id="government-link"]/@href') == [
        reverse("revocation:government", args=[case.pk])
    ]
    assert text(response, "step-leadership").startswith(
        "领导小组审定 审定结论 同意取消资格 会议日期 2026年3月12日"
    )


@pytest.mark.parametrize("who", ["walter", "alice", "bob", "hank"])
def test_outsiders_and_the_holder_get_404_on_the_case_pages(request, olivia, tenure, who):
    case = case_opened(tenure, olivia)
    user = tenure.user if who == "hank" else request.getfixturevalue(who)
    client = logged_in(user)

    answers = (
        client.get(reverse("revocation:case_detail", args=[case.pk])).status_code,
        client.post(
            reverse("revocation:finding", args=[case.pk]),
            {"outcome": "keep", "finding": "不予取消。", "confirmed": "yes"},
        ).status_code,
        client.post(
            reverse("revocation:certificate_return", args=[case.pk]), {"returned_on": "2026-03-25"}
        ).status_code,
    )

    assert answers == (404, 404, 404)
    assert RevocationCase.objects.get(pk=case.pk).state == "open"


@pytest.mark.parametrize("n", [1, 3])
def test_the_case_page_costs_the_same_queries_whatever_the_number_of_documents(
    client, olivia, tenure, django_assert_num_queries, n
):
    from chieftech.duties.domain.files import Upload

    case = case_opened(
        tenure, olivia, files=[Upload(name=f"证据{i}.pdf", content=PDF_BYTES) for i in range(n)]
    )
    client.force_login(olivia)

    with django_assert_num_queries(QUERIES_CASE_DETAIL):
        response = client.get(reverse("revocation:case_detail", args=[case.pk]))

    assert len(page(response).xpath('//ul[@id="documents-open"]/li')) == n


# --- The term's page, the menu and the home page ----------------------------------------------------------


def test_the_terms_page_lists_its_cases_and_offers_to_open_one_only_when_it_may(olivia, tenure):
    client = logged_in(olivia)
    url = reverse("tenure:tenure_detail", args=[tenure.pk])

    before = client.get(url)
    case = case_opened(tenure, olivia)
    during = client.get(url)

    assert page(before).xpath('//a[@id="revocation-open"]/@href') == [
        reverse("revocation:case_open", args=[tenure.pk])
    ]
    assert text(during, "revocation-cases") == "取消资格（2026年3月2日立案） 已立案，待陈述申辩"
    assert page(during).xpath('//ul[@id="revocation-cases"]//a/@href') == [
        reverse("revocation:case_detail", args=[case.pk])
    ]
    assert page(during).xpath('//a[@id="revocation-open"]') == []


def test_the_officers_menu_and_home_lead_to_the_cases_awaiting_the_office(olivia, tenure, alice, gina, leo):
    case_opened(tenure, olivia)
    returned = another(tenure, alice, gina, "李秀英")
    certificate_issue(actor=gina, tenure=returned, issued_on=date(2024, 12, 27))
    case_approved(returned, olivia, leo, gina)

    response = logged_in(olivia).get(reverse("core:home"))

    cases_url = reverse("revocation:case_list")
    links = {a.text_content().strip(): a.get("href") for a in page(response).xpath("//a")}
    assert links["取消资格"] == cases_url
    items = [
        " ".join(li.text_content().split())
        for li in page(response).xpath('//li[a[contains(@href, "/revocation/?state=")]]')
    ]
    assert items == ["待初步认定的取消资格案件 1", "待登记证书收回 1"]


def test_an_annulment_awaiting_its_finding_is_on_the_officers_home(olivia, tenure, leo, gina):
    from chieftech.revocation.domain.cases import revocation_annulment_open
    from tests.revocation.factories import EVIDENCE

    revoked = case_approved(tenure, olivia, leo, gina)
    revocation_certificate_returned(actor=olivia, case=revoked, returned_on=date(2026, 3, 25), note="")
    revocation_annulment_open(actor=olivia, case=revoked, facts="复议撤销。", files=EVIDENCE)

    response = logged_in(olivia).get(reverse("core:home"))

    items = [
        " ".join(li.text_content().split())
        for li in page(response).xpath('//li[a[contains(@href, "/revocation/?state=")]]')
    ]
    assert items == ["待初步认定的取消资格案件 1"]


def test_a_deadline_in_a_year_without_a_calendar_is_refused_at_the_top(olivia, tenure):
    today = timezone.localdate()
    if library_covers(today.year + 1):
        pytest.skip("the calendar library already covers next year")
    # Every day left this year a holiday: the deadline falls next year, whose schedule nobody entered.
    year, _ = CalendarYear.objects.get_or_create(
        year=today.year, defaults={"source": "测试", "complete": True}
    )
    days = (today + timedelta(days=i) for i in range(1, (date(today.year, 12, 31) - today).days + 1))
    CalendarDay.objects.bulk_create(CalendarDay(calendar_year=year, date=d, kind="holiday") for d in days)

    response = logged_in(olivia).post(
        reverse("revocation:case_open", args=[tenure.pk]),
        {"grounds": ["3"], "facts": "获奖证书系伪造。", "files": [pdf()], "confirmed": "yes"},
    )

    message = f"缺少{today.year + 1}年的节假日安排：请系统管理员先录入{today.year + 1}年的放假和调休安排。"
    assert (response.status_code, response.context["form"].non_field_errors()) == (200, [message])
    assert text(response, "error-summary-title") == "请修改以下 1 处错误"
    assert not RevocationCase.objects.exists()


def test_an_approved_revocation_and_its_annulment_link_to_each_other(olivia, tenure, leo, gina):
    revoked = case_approved(tenure, olivia, leo, gina)
    annulment = RevocationCase.objects.create(
        authority_id=revoked.authority_id,
        tenure=tenure,
        policy=revoked.policy,
        kind="annul",
        annuls=revoked,
        grounds=revoked.grounds,
        facts="行政复议决定撤销原取消资格决定。",
        opened_by=olivia,
        opened_at=OPENED + timedelta(days=30),
    )
    client = logged_in(olivia)

    original = client.get(reverse("revocation:case_detail", args=[revoked.pk]))
    annul = client.get(reverse("revocation:case_detail", args=[annulment.pk]))

    assert page(original).xpath('//ul[@id="annulments"]//a/@href') == [
        reverse("revocation:case_detail", args=[annulment.pk])
    ]
    assert page(original).xpath('//a[@id="annul-link"]') == []
    assert page(annul).xpath('//a[@id="annuls-link"]/@href') == [
        reverse("revocation:case_detail", args=[revoked.pk])
    ]
    # The holder gains from an annulment: it has no statement step and no certificate to take back.
    assert [s.get("id") for s in page(annul).xpath('//section[contains(@class, "case-step")]')] == [
        "step-open",
        "step-finding",
        "step-leadership",
        "step-government",
    ]


def test_the_annulment_is_offered_to_the_officer_only(olivia, tenure, leo, gina):
    case = case_approved(tenure, olivia, leo, gina)
    url = reverse("revocation:case_detail", args=[case.pk])

    assert page(logged_in(olivia).get(url)).xpath('//a[@id="annul-link"]/@href') == [
        reverse("revocation:annulment_open", args=[case.pk])
    ]
    for user in (leo, gina):
        own_page = page(logged_in(user).get(url))
        assert own_page.xpath('//a[@id="annul-link"] | //form[@id="return-form"]') == []


def test_an_approved_annulment_ends_the_offices_work_on_the_revocation(olivia, tenure, leo, gina):
    revoked = case_approved(tenure, olivia, leo, gina)
    annulment = RevocationCase.objects.create(
        authority_id=revoked.authority_id,
        tenure=tenure,
        policy=revoked.policy,
        kind="annul",
        annuls=revoked,
        grounds=revoked.grounds,
        facts="行政复议决定撤销原取消资格决定。",
        opened_by=olivia,
        opened_at=OPENED + timedelta(days=30),
        state="closed",
    )
    client = logged_in(olivia)
    url = reverse("revocation:case_detail", args=[revoked.pk])

    # A refused annulment leaves the revocation standing: another may be opened, the certificate still returned.
    refused = page(client.get(url))
    RevocationCase.objects.filter(pk=annulment.pk).update(state="approved")
    undone = client.get(url)

    assert (
        refused.xpath('//a[@id="annul-link"]') != [],
        refused.xpath('//form[@id="return-form"]') != [],
    ) == (
        True,
        True,
    )
    assert page(undone).xpath('//a[@id="annul-link"] | //form[@id="return-form"]') == []
    assert "case-next" not in undone.content.decode()
    home = client.get(reverse("core:home"))
    assert page(home).xpath('//li[a[contains(@href, "/revocation/?state=approved")]]') == []
