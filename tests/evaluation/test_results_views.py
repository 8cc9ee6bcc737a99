"""The results page, the chair's proposed-list actions, and who may open any of the committee's results URLs."""

from datetime import date

import lxml.html
import pytest
from django.urls import reverse

from chieftech.accounts.roles import Role
from chieftech.audit.models import AuditRecord
from chieftech.evaluation.domain.aggregation import TIE_BREAK_AGE
from chieftech.evaluation.domain.results import results_compute
from chieftech.evaluation.models import CommitteeState, ProposedList, ScoringScheme
from chieftech.selection.models import Application, ApplicationState, RoundState
from tests.evaluation.test_results_helpers import CLOSED_AT, make_scored_round, make_worked_example
from tests.factories import make_user

PAGE_QUERIES = 17
GET_URLS = ["results", "score_sheets_xlsx", "committee_record_pdf"]


def url(name: str, round_) -> str:
    return reverse(f"evaluation:{name}", args=[round_.pk])


MEMBER_GROUP = "各委员综合评审合计"


def _texts(row) -> list[str]:
    return [" ".join(cell.text_content().split()) for cell in row.xpath("th|td")]


def cells(response) -> list[list[str]]:
    """The results table as rows of cell texts. The header comes as one row: the members' names (its second
    row) stand where their group's heading spans them."""
    table = lxml.html.fromstring(response.content.decode()).xpath('//table[@id="results"]')[0]
    head = [_texts(row) for row in table.xpath("thead/tr")]
    header = head[0]
    if len(head) == 2:
        at = header.index(MEMBER_GROUP)
        header = [*header[:at], *head[1], *header[at + 1 :]]
    return [header, *(_texts(row) for row in table.xpath("tbody/tr"))]


def text_of(response, xpath: str) -> str:
    doc = lxml.html.fromstring(response.content.decode())
    return " ".join(" ".join(node.text_content().split()) for node in doc.xpath(xpath))


@pytest.fixture
def scored(olivia, alice, bob, chris):
    return make_worked_example(olivia, alice, bob, chris)


def test_the_chair_reads_every_figure_of_the_worked_example(client, scored, chris):
    client.force_login(chris)
    response = client.get(url("results", scored.round))

    assert response.status_code == 200
    assert cells(response) == [
        [
            "排名",
            "姓名",
            "推荐单位",
            "克里斯（主任）",
            "专家乙",
            "专家甲",
            "综合评审",
            "现场技能考查",
            "综合得分",
            "标准差",
            "极差",
            "标准化参考分（仅供参考，不用于排名）",
        ],
        [
            "1",
            "王建国 建议人选",
            "威海甲精密机械有限公司",
            "80.00",
            "85.00",
            "90.00",
            "85.00有效3份",
            "80.00有效3份",
            "83.00",
            "4.08",
            "10.00",
            "59.67",
        ],
        [
            "2",
            "李秀英 建议人选",
            "威海乙海洋科技有限公司",
            "70.00",
            "回避",
            "95.00",
            "82.50有效2份",
            "67.50有效2份",
            "76.50",
            "12.50",
            "25.00 分歧较大",
            "53.59",
        ],
        [
            "3",
            "张志强",
            "威海甲精密机械有限公司",
            "60.00",
            "70.00",
            "65.00",
            "65.00有效3份",
            "55.00有效3份",
            "61.00",
            "4.08",
            "10.00",
            "37.94",
        ],
    ]
    doc = lxml.html.fromstring(response.content.decode())
    assert [tr.get("class") for tr in doc.xpath('//table[@id="results"]/tbody/tr')] == [
        "proposed",
        "proposed",
        None,
    ]
    assert text_of(response, '//ol[@class="proposed-names"]') == "王建国李秀英"
    assert doc.xpath('//div[@id="tie-notes"]') == []
    assert [th.text_content() for th in doc.xpath('//table[@id="results"]/thead/tr[1]/th[@colspan="3"]')] == [
        MEMBER_GROUP
    ]
    assert text_of(response, '//p[@id="spread-note"]') == (
        "有1名候选人的各委员综合评审合计极差较大（标注“分歧较大”），建议委员会讨论后再确认名单。"
    )
    # The chair's forms: the size with a reason, and the confirmation.
    assert [form.get("action") for form in doc.xpath('//section[@id="proposed-list"]//form')] == [
        url("proposed_list", scored.round),
        url("proposed_list", scored.round),
    ]


def test_the_scheme_line_gives_the_maxima_as_written(client, scored, chris):
    client.force_login(chris)
    response = client.get(url("results", scored.round))

    assert "综合评审（满分100）权重60%，现场技能考查（满分100）权重40%" in response.content.decode()


def test_the_officer_reads_the_results_but_acts_on_nothing(client, scored, olivia):
    client.force_login(olivia)
    response = client.get(url("results", scored.round))

    assert response.status_code == 200
    assert cells(response)[1][8] == "83.00"
    assert text_of(response, '//section[@id="proposed-list"]//form') == ""
    assert "待评审委员会主任确认。" in text_of(response, '//section[@id="proposed-list"]')


def test_the_tie_break_that_decided_the_place_is_shown(client, olivia, alice, bob, chris):
    scored = make_scored_round(
        olivia,
        [alice, bob],
        chair_user=chris,
        scores={"克里斯": [(80, 70), (80, 70)], "专家甲": [(90, 80), (90, 80)]},
        n=2,
        compute=False,
    )
    older, younger = scored.applications
    Application.objects.filter(pk=older.pk).update(birth_date=date(1980, 1, 1))  # 46 on the reference date
    Application.objects.filter(pk=younger.pk).update(birth_date=date(1981, 12, 15))  # 45 that day
    results_compute(committee=scored.committee, now=CLOSED_AT)
    client.force_login(chris)

    response = client.get(url("results", scored.round))

    # The mark at the lower place's rank leads to a note that says which rule put the one above ahead.
    assert [(row[0], row[1], row[7]) for row in cells(response)[1:]] == [
        ("1", "李秀英 建议人选", "81.00"),
        ("2同分", "王建国 建议人选", "81.00"),
    ]
    doc = lxml.html.fromstring(response.content.decode())
    assert doc.xpath('//td[@class="rank"]/a/@href') == [f"#tie-{older.pk}"]
    assert [(li.get("id"), li.text_content()) for li in doc.xpath('//div[@id="tie-notes"]//li')] == [
        (f"tie-{older.pk}", f"第1名李秀英排在第2名王建国之前：{TIE_BREAK_AGE}。")
    ]


def test_the_normalised_score_is_labelled_as_the_ranking_basis_when_the_round_ranks_by_it(
    client, olivia, alice, bob, chris
):
    scored = make_worked_example(olivia, alice, bob, chris, compute=False)
    ScoringScheme.objects.filter(round=scored.round).update(rank_by_normalised=True)
    results_compute(committee=scored.committee, now=CLOSED_AT)
    client.force_login(chris)

    response = client.get(url("results", scored.round))

    assert cells(response)[0][11] == "标准化参考分（本批次排名依据）"
    assert text_of(response, '//dd[@id="ranking-rule"]').startswith("按标准化参考分从高到低排序；")


@pytest.mark.parametrize("n", [1, 3])
def test_the_page_costs_the_same_queries_for_one_or_three_candidates(
    client, olivia, alice, bob, chris, django_assert_num_queries, n
):
    scores = {
        "克里斯": [(80, 70)] * n,
        "专家甲": [(90, 80)] * n,
        "专家乙": [(85, 90)] * n,
    }
    scored = make_scored_round(
        olivia, [alice, bob], chair_user=chris, scores=scores, n=n, employers={"专家乙": bob.enterprise}
    )
    client.force_login(chris)
    with django_assert_num_queries(PAGE_QUERIES):
        response = client.get(url("results", scored.round))
    assert len(cells(response)) == n + 1


# --- Who may open what ------------------------------------------------------------------------------


def _assert_refused(response, status: int) -> None:
    assert response.status_code == status
    body = response.content.decode()
    for secret in ("83.00", "76.50", "61.00", "王建国", "李秀英", "张志强"):
        assert secret not in body


@pytest.mark.parametrize("name", GET_URLS)
def test_before_close_the_chair_and_the_officer_are_refused_every_url(
    client, olivia, alice, bob, chris, name
):
    # The results exist: the committee is (again) scoring, so they must not show.
    scored = make_worked_example(olivia, alice, bob, chris)
    scored.committee.state = CommitteeState.SCORING
    scored.committee.save()
    for user in (chris, olivia):
        client.force_login(user)
        _assert_refused(client.get(url(name, scored.round)), 403)
    assert not AuditRecord.objects.filter(action="evaluation.export").exists()


@pytest.mark.parametrize("name", GET_URLS)
@pytest.mark.parametrize("state", [CommitteeState.SCORING, CommitteeState.CLOSED, CommitteeState.CONFIRMED])
def test_members_never_see_the_results_and_outsiders_do_not_find_them(
    client, olivia, alice, bob, chris, erin, stranger, name, state
):
    scored = make_worked_example(olivia, alice, bob, chris)
    scored.committee.state = state
    scored.committee.save()
    other_chair = make_user("chair2", Role.CHAIR, real_name="另一主任")
    expected = [
        (scored.users["专家甲"], 403),  # a member
        (scored.users["专家乙"], 403),
        (erin, 404),  # an expert outside this committee
        (other_chair, 404),  # a chair of no committee here
        (stranger, 403),  # no role at all
        (alice, 403),  # an enterprise
    ]
    for user, status in expected:
        client.force_login(user)
        _assert_refused(client.get(url(name, scored.round)), status)
    assert not AuditRecord.objects.filter(action="evaluation.export").exists()


@pytest.mark.parametrize("name", GET_URLS)
def test_an_unknown_round_or_one_without_a_committee_is_404(client, olivia, chris, name):
    from tests.evaluation.factories import make_evaluation_round

    round_, _ = make_evaluation_round(olivia, [], n=0)
    for user in (olivia, chris):
        client.force_login(user)
        assert client.get(reverse(f"evaluation:{name}", args=[987654])).status_code == 404
        assert client.get(url(name, round_)).status_code == 404


def test_after_confirmation_the_chair_and_the_officer_still_read_the_results(client, scored, chris, olivia):
    client.force_login(chris)
    client.post(url("proposed_list", scored.round), {"action": "confirm", "confirmed": "yes"})
    for user in (chris, olivia):
        client.force_login(user)
        response = client.get(url("results", scored.round))
        assert response.status_code == 200
        assert cells(response)[1][8] == "83.00"
        assert text_of(response, '//section[@id="proposed-list"]//form') == ""


# --- The chair's actions ------------------------------------------------------------------------------


def test_the_size_form_shows_the_missing_reason_at_its_field(client, scored, chris):
    client.force_login(chris)
    response = client.post(
        url("proposed_list", scored.round), {"action": "update", "size": "3", "reason": ""}
    )

    assert response.status_code == 200
    assert text_of(response, '//div[contains(@class, "has-error")]//ul[@class="errorlist"]') == (
        "本批次选拔名额为2人左右，建议人数与名额不同须填写理由。"
    )
    assert ProposedList.objects.get(round=scored.round).size == 2


def test_the_chair_changes_the_size_with_a_reason(client, scored, chris):
    client.force_login(chris)
    response = client.post(
        url("proposed_list", scored.round), {"action": "update", "size": "3", "reason": "第三名差距较小"}
    )

    assert response.status_code == 302
    assert response["Location"] == url("results", scored.round)
    page = client.get(response["Location"])
    assert text_of(page, '//ol[@class="proposed-names"]') == "王建国李秀英张志强"
    assert "说明：第三名差距较小" in text_of(page, '//section[@id="proposed-list"]')


def test_the_chair_confirms_the_list(client, scored, chris):
    client.force_login(chris)
    response = client.post(url("proposed_list", scored.round), {"action": "confirm", "confirmed": "yes"})

    assert response.status_code == 302
    scored.round.refresh_from_db()
    scored.committee.refresh_from_db()
    assert (scored.round.state, scored.committee.state) == (RoundState.NOTICE, CommitteeState.CONFIRMED)
    assert sorted(Application.objects.filter(round=scored.round).values_list("name", "state")) == [
        ("张志强", ApplicationState.NOT_PROPOSED),
        ("李秀英", ApplicationState.PROPOSED),
        ("王建国", ApplicationState.PROPOSED),
    ]


def test_confirm_before_close_is_refused(client, olivia, alice, bob, chris):
    scored = make_worked_example(olivia, alice, bob, chris, close=False)
    client.force_login(chris)
    response = client.post(url("proposed_list", scored.round), {"action": "confirm", "confirmed": "yes"})
    assert response.status_code == 403
    scored.round.refresh_from_db()
    assert scored.round.state == RoundState.EVALUATION


def test_only_the_chair_posts_to_the_proposed_list(client, scored, olivia, erin):
    other_chair = make_user("chair2", Role.CHAIR, real_name="另一主任")
    for user, status in [(olivia, 403), (scored.users["专家甲"], 403), (erin, 403), (other_chair, 404)]:
        client.force_login(user)
        for data in (
            {"action": "confirm", "confirmed": "yes"},
            {"action": "update", "size": "3", "reason": "理由"},
        ):
            assert client.post(url("proposed_list", scored.round), data).status_code == status
    assert ProposedList.objects.get(round=scored.round).size == 2
    scored.round.refresh_from_db()
    assert scored.round.state == RoundState.EVALUATION
