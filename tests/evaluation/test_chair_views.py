"""The chair's page: progress without points, declarations, open, reopen and close; nobody else gets in."""

import lxml.html
import pytest
from django.urls import reverse

from chieftech.accounts.roles import Role
from chieftech.audit.models import AuditRecord
from chieftech.evaluation.domain.results import proposed_list_confirm
from chieftech.evaluation.domain.scoring import scoring_close, sheet_save
from chieftech.evaluation.models import Committee, CommitteeState, ScoreSheet
from tests.evaluation.factories import make_expert_user
from tests.evaluation.test_scoring import ONSITE, scoring_setup


def _url(s, name="chair"):
    return reverse(f"evaluation:{name}", args=[s.round_.pk])


def test_the_chair_opens_scoring_from_the_page(client, olivia, alice):
    s = scoring_setup(olivia, [alice], n=1, open_scoring=False)
    client.force_login(s.chair)
    page = client.get(_url(s)).content.decode()
    assert 'id="open-form"' in page

    response = client.post(_url(s, "scoring_open"), follow=True)

    assert response.redirect_chain == [(_url(s), 302)]
    assert "评分已开始，各位委员已收到通知。评分方案已冻结。" in response.content.decode()
    assert Committee.objects.get(pk=s.committee.pk).state == CommitteeState.SCORING
    assert ScoreSheet.objects.count() == 3 * 2


def test_a_refused_open_is_shown_as_a_message(client, olivia, alice):
    s = scoring_setup(olivia, [alice], n=1)
    client.force_login(s.chair)

    response = client.post(_url(s, "scoring_open"), follow=True)

    assert "评审委员会当前为“评分中”，不能再次开始评分。" in response.content.decode()


def test_the_chair_sees_what_stops_scoring_and_a_refused_open_says_it(client, olivia, alice):
    s = scoring_setup(olivia, [alice], n=1, open_scoring=False)
    s.experts[0].groups.clear()
    client.force_login(s.chair)

    page = client.get(_url(s)).content.decode()

    problems = page.split('id="problems"')[1].split("</div>")[0]
    assert "<li>专家1没有可用的评审专家登录账号，无法评分。</li>" in problems
    response = client.post(_url(s, "scoring_open"), follow=True)
    assert (
        "评审委员会尚有以下问题，不能开始评分（请区人社局经办人在评审委员会页面处理）："
        "专家1没有可用的评审专家登录账号，无法评分。"
    ) in response.content.decode()
    assert Committee.objects.get(pk=s.committee.pk).state == CommitteeState.FORMING


def test_a_ready_committee_shows_no_problems(client, olivia, alice):
    s = scoring_setup(olivia, [alice], n=1, open_scoring=False)
    client.force_login(s.chair)

    page = client.get(_url(s)).content.decode()

    assert 'id="problems"' not in page
    assert 'id="open-form"' in page


def test_the_progress_shows_who_submitted_what_and_never_the_points(client, olivia, alice, bob):
    s = scoring_setup(olivia, [alice, bob], n=2)
    s.submit(s.experts[0], s.applications[0], values=["9.5", "28.5", "23.5", "17.5", "13.5"], onsite="93.5")
    s.submit(s.experts[1], s.applications[0], onsite=None)
    sheet_save(actor=s.chair, sheet=s.sheet(s.chair, s.applications[1]), points={s.criteria[1].pk: "21.5"})
    client.force_login(s.chair)

    page = client.get(_url(s)).content.decode()

    assert '<dd id="done-count">4 / 12</dd>' in page
    progress = page.split('id="progress"')[1].split("</table>")[0]
    assert (
        '<td data-label="委员">专家1</td>\n        <td data-label="综合评审 已提交">1</td>\n'
        '        <td data-label="综合评审 草稿">1</td>\n        <td data-label="现场考查 已提交">1</td>\n'
        '        <td data-label="现场考查 未到场">0</td>\n        <td data-label="现场考查 草稿">1</td>'
    ) in progress
    for secret in ("9.5", "28.5", "23.5", "17.5", "13.5", "93.5", "92.5", "21.5"):
        assert secret not in page, secret
    missing = page.split('<ul id="missing">')[1].split("</ul>")[0]
    assert missing == (
        "<li>专家1：2份（综合评审、现场技能考查：李秀英）</li>"
        "<li>专家2：2份（综合评审、现场技能考查：李秀英）</li>"
        "<li>主任甲：4份（综合评审、现场技能考查：李秀英、王建国）</li>"
    )
    assert "尚有8份评分表未提交（按委员）：" in page


def test_the_matrix_has_a_row_per_candidate_and_marks_the_recused(client, olivia, alice, bob, enterprise_a):
    # Candidates 0 and 2 come from alice's enterprise A, where expert1 works: no sheets, a recusal.
    s = scoring_setup(olivia, [alice, bob], expert_employers={1: enterprise_a})
    s.submit(s.experts[1], s.applications[0], onsite=None)
    client.force_login(s.chair)

    doc = lxml.html.fromstring(client.get(_url(s)).content.decode())

    rows = [
        [" ".join(cell.text_content().split()) for cell in tr.xpath("th|td")]
        for tr in doc.xpath('//table[@id="matrix"]//tr')
    ]
    assert rows == [
        ["候选人", "专家1", "专家2", "主任甲"],
        ["王建国", "回避", "综合 已提交现场 未到场", "综合 草稿现场 草稿"],
        ["李秀英", "综合 草稿现场 草稿", "综合 草稿现场 草稿", "综合 草稿现场 草稿"],
        ["张志强", "回避", "综合 草稿现场 草稿", "综合 草稿现场 草稿"],
    ]


def test_the_chair_reopens_a_sheet_from_the_page(client, olivia, alice):
    s = scoring_setup(olivia, [alice], n=1)
    s.submit(s.experts[0], s.applications[0])
    sheet = s.sheet(s.experts[0], s.applications[0], ONSITE)
    client.force_login(s.chair)
    page = client.get(_url(s)).content.decode()
    assert f'<option value="{sheet.pk}">专家1—王建国（现场技能考查，已提交）</option>' in page

    response = client.post(
        _url(s, "sheet_reopen"), {"sheet": sheet.pk, "reason": "分数录入有误"}, follow=True
    )

    assert "已退回专家1对王建国的现场技能考查评分表，该委员将收到通知。" in response.content.decode()
    sheet.refresh_from_db()
    assert (sheet.state, sheet.reopened_reason) == (ScoreSheet.State.DRAFT, "分数录入有误")


def test_reopening_from_the_page_needs_a_reason_and_a_submitted_sheet_of_this_committee(
    client, olivia, alice
):
    s = scoring_setup(olivia, [alice], n=1)
    s.submit(s.experts[0], s.applications[0])
    sheet = s.sheet(s.experts[0], s.applications[0])
    draft = s.sheet(s.experts[1], s.applications[0])
    client.force_login(s.chair)

    no_reason = client.post(_url(s, "sheet_reopen"), {"sheet": sheet.pk, "reason": ""})
    a_draft = client.post(_url(s, "sheet_reopen"), {"sheet": draft.pk, "reason": "x"})
    unknown = client.post(_url(s, "sheet_reopen"), {"sheet": "987654", "reason": "x"})
    garbage = client.post(_url(s, "sheet_reopen"), {"sheet": "abc", "reason": "x"})

    assert no_reason.status_code == 200
    assert "退回重评须填写理由。" in no_reason.content.decode()
    for response in (a_draft, unknown, garbage):
        assert response.status_code == 200
        assert "选择一个有效的选项" in response.content.decode()
    assert AuditRecord.objects.filter(action="sheet.reopen").count() == 0


def test_closing_early_from_the_page_needs_the_reason_and_lists_the_missing(client, olivia, alice):
    s = scoring_setup(olivia, [alice], n=1)
    s.submit(s.chair, s.applications[0])
    s.submit(s.experts[0], s.applications[0])
    client.force_login(s.chair)

    refused = client.post(_url(s, "scoring_close"), {"reason": ""})

    assert refused.status_code == 200
    assert (
        "尚有2份评分表未提交：专家2：2份（综合评审、现场技能考查：王建国）。如需提前结束评分，请填写理由。"
    ) in refused.content.decode()
    assert Committee.objects.get(pk=s.committee.pk).state == CommitteeState.SCORING

    response = client.post(_url(s, "scoring_close"), {"reason": "专家2因病缺席"}, follow=True)

    assert "评分已结束，评审结果已计算。" in response.content.decode()
    committee = Committee.objects.get(pk=s.committee.pk)
    assert (committee.state, committee.close_reason) == (CommitteeState.CLOSED, "专家2因病缺席")
    page = response.content.decode()
    assert "提前结束，理由：专家2因病缺席" in page
    assert 'id="close-form"' not in page
    assert 'id="reopen-form"' not in page


def test_the_closed_committee_page_links_the_results(client, olivia, alice):
    s = scoring_setup(olivia, [alice], n=1)
    for user in s.members:
        s.submit(user, s.applications[0])
    client.force_login(s.chair)

    page = client.post(_url(s, "scoring_close"), {"reason": ""}, follow=True).content.decode()

    assert f'href="{reverse("evaluation:results", args=[s.round_.pk])}"' in page


def test_the_results_link_is_on_the_chair_page_once_closed_or_confirmed_and_never_on_the_work_list(
    client, olivia, alice
):
    s = scoring_setup(olivia, [alice], n=1)
    results = f'href="{reverse("evaluation:results", args=[s.round_.pk])}"'
    client.force_login(s.chair)
    assert results not in client.get(_url(s)).content.decode()
    for user in s.members:
        s.submit(user, s.applications[0])
    scoring_close(actor=s.chair, round_=s.round_)

    for state in (CommitteeState.CLOSED, CommitteeState.CONFIRMED):
        if state == CommitteeState.CONFIRMED:
            proposed_list_confirm(actor=s.chair, round_=s.round_)
        assert Committee.objects.get(pk=s.committee.pk).state == state
        client.force_login(s.chair)
        assert results in client.get(_url(s)).content.decode()
        assert results not in client.get(reverse("evaluation:my_work")).content.decode()
        client.force_login(s.experts[0])
        assert results not in client.get(reverse("evaluation:my_work")).content.decode()


# --- Who gets in -----------------------------------------------------------------------------------

ROUTES = ["chair", "scoring_open", "scoring_close", "sheet_reopen"]


@pytest.mark.parametrize("name", ROUTES)
def test_a_member_who_is_not_the_chair_gets_403(client, olivia, alice, name):
    s = scoring_setup(olivia, [alice], n=1, open_scoring=name == "chair")
    client.force_login(s.experts[0])

    response = client.post(_url(s, name), {"reason": "x"}) if name != "chair" else client.get(_url(s))

    assert response.status_code == 403
    assert Committee.objects.get(pk=s.committee.pk).state == (
        CommitteeState.SCORING if name == "chair" else CommitteeState.FORMING
    )


@pytest.mark.parametrize("name", ROUTES)
def test_a_chair_role_holder_who_only_sits_on_the_committee_gets_403(client, olivia, alice, name):
    # Holding the chair role is not enough: the committee's chair is someone else.
    s = scoring_setup(olivia, [alice], n=1)
    other_user, other = make_expert_user("chair2", role=Role.CHAIR)
    s.committee.members.create(expert=other)
    client.force_login(other_user)

    response = client.post(_url(s, name), {"reason": "x"}) if name != "chair" else client.get(_url(s))

    assert response.status_code == 403


@pytest.mark.parametrize("name", ROUTES)
def test_outside_the_committee_the_page_does_not_exist(client, olivia, alice, erin, name):
    s = scoring_setup(olivia, [alice], n=1)
    other_chair, _ = make_expert_user("chair2", role=Role.CHAIR)
    for user in (erin, other_chair):
        client.force_login(user)
        response = client.post(_url(s, name), {"reason": "x"}) if name != "chair" else client.get(_url(s))
        assert response.status_code == 404


@pytest.mark.parametrize("name", ROUTES)
def test_an_unknown_round_is_404_for_the_chair(client, olivia, alice, name):
    s = scoring_setup(olivia, [alice], n=1)
    client.force_login(s.chair)
    url = reverse(f"evaluation:{name}", args=[987654])

    assert (client.post(url) if name != "chair" else client.get(url)).status_code == 404


@pytest.mark.parametrize("name", ROUTES)
def test_the_officer_and_others_without_a_scoring_role_get_403(client, olivia, alice, leo, name):
    s = scoring_setup(olivia, [alice], n=1)
    for user in (olivia, alice, leo):
        client.force_login(user)
        response = client.post(_url(s, name), {"reason": "x"}) if name != "chair" else client.get(_url(s))
        assert response.status_code == 403


@pytest.mark.parametrize("n", [1, 3])
def test_the_chair_page_takes_the_same_queries_for_one_or_three_candidates(
    client, olivia, alice, bob, n, django_assert_num_queries
):
    s = scoring_setup(olivia, [alice, bob], n=n)
    s.submit(s.experts[0], s.applications[0])
    client.force_login(s.chair)

    with django_assert_num_queries(16):
        response = client.get(_url(s))

    assert response.status_code == 200


@pytest.mark.parametrize("n", [1, 3])
def test_the_forming_chair_page_takes_the_same_queries_for_one_or_three_candidates(
    client, olivia, alice, bob, n, django_assert_num_queries
):
    s = scoring_setup(olivia, [alice, bob], n=n, open_scoring=False)
    s.experts[0].groups.clear()
    client.force_login(s.chair)

    with django_assert_num_queries(21):
        response = client.get(_url(s))

    assert 'id="problems"' in response.content.decode()


def test_a_close_the_results_refuse_is_a_message_and_scoring_stays_open(client, olivia, alice, bob):
    # Nobody attended 李秀英's on-site assessment: there is no on-site value to aggregate.
    s = scoring_setup(olivia, [alice, bob], n=2)
    for user in s.members:
        s.submit(user, s.applications[0])
        s.submit(user, s.applications[1], onsite=None)
    client.force_login(s.chair)

    response = client.post(_url(s, "scoring_close"), {"reason": ""}, follow=True)

    assert response.redirect_chain == [(_url(s), 302)]
    page = response.content.decode()
    assert (
        '<li class="msg msg-error">以下候选人没有有效评分，无法计算结果——现场技能考查：李秀英。</li>' in page
    )
    assert Committee.objects.get(pk=s.committee.pk).state == CommitteeState.SCORING
    assert 'id="close-form"' in page
