"""The committee's critical path in a real browser: an expert opens the candidate waiting on their work list,
fills every criterion and the on-site score, saves a draft and submits; the chair closes scoring, opens the
results and confirms the proposed list, and the round moves to the public notice."""

from decimal import Decimal

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from chieftech.accounts.roles import Role, roles_sync
from chieftech.evaluation.domain.scoring import scoring_open, sheet_save, sheet_submit
from chieftech.evaluation.models import Committee, CommitteeState, Criterion, ProposedList, ScoreSheet
from chieftech.selection.models import Application, ApplicationState, Round, RoundState
from tests.browser.conftest import new_context
from tests.browser.support import confirm_irreversible, shot
from tests.browser.test_round_and_call import sign_in
from tests.evaluation.factories import make_committee, make_evaluation_round, make_expert_user
from tests.factories import make_enterprise, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

# What the expert types for the candidate left to them: 职业道德, 技能水平, 技术创新与攻关, 传技带徒, 业绩贡献.
TYPED = {"职业道德": "8.5", "技能水平": "26", "技术创新与攻关": "21.5", "传技带徒": "17", "业绩贡献": "12.5"}
TYPED_ONSITE = "88.5"


@pytest.fixture
def scoring(transactional_db):
    """Three candidates, a committee of three with scoring open; every sheet is in but the expert's two for
    the last candidate."""
    roles_sync()
    olivia = make_user("olivia", Role.OFFICER, real_name="欧丽")
    alice = make_user("alice", Role.ENTERPRISE, enterprise=make_enterprise("威海甲精密机械有限公司"))
    bob = make_user("bob", Role.ENTERPRISE, enterprise=make_enterprise("威海乙海洋科技有限公司"))
    round_, applications = make_evaluation_round(olivia, [alice, bob], n=3)
    chair_user, chair = make_expert_user("zhou", role=Role.CHAIR, real_name="周国华")
    expert_user, expert = make_expert_user("li", real_name="李红梅")
    other_user, other = make_expert_user("wang", real_name="王海涛")
    make_committee(round_, officer=olivia, chair=chair, experts=[expert, other])
    scoring_open(actor=chair_user, round_=round_)
    criteria = list(Criterion.objects.filter(scheme__round=round_).order_by("order", "pk"))
    left = applications[-1]
    for n, user in enumerate([chair_user, other_user, expert_user]):
        for sheet in ScoreSheet.objects.filter(member__expert__user=user).order_by("application_id", "part"):
            if user == expert_user and sheet.application_id == left.pk:
                continue
            if sheet.part == ScoreSheet.Part.ONSITE:
                points = {None: Decimal(80 + n)}
            else:
                points = {c.pk: c.max_points * Decimal("0.8") - n for c in criteria}
            sheet_save(actor=user, sheet=sheet, points=points)
            sheet_submit(actor=user, sheet=sheet)
    return round_, left, chair_user, expert_user


def test_an_expert_submits_their_sheet_and_the_chair_closes_scoring_and_confirms_the_list(
    live_server, browser, page, scoring
):
    round_, left, chair_user, expert_user = scoring
    url = live_server.url

    # The expert finds the candidate waiting on their work list.
    sign_in(page, live_server, expert_user)
    page.goto(url + reverse("evaluation:my_work"))
    expect(page.locator(".waiting-count")).to_have_text("待完成1人")
    row = page.locator("table.work tbody tr.waiting")
    expect(row).to_have_count(1)
    expect(row.locator("td").first).to_have_text(left.name)
    shot(page, "evaluation-my-work")
    row.get_by_role("link", name="评分").click()
    page.wait_for_url(url + reverse("evaluation:sheet", args=[round_.pk, left.pk]))
    expect(page.locator("main h1")).to_have_text(f"候选人评分：{left.name}")
    expect(page.locator("#comprehensive-state")).to_have_text("草稿")

    # Every criterion filled, saved as a draft, then submitted.
    form = page.locator("#comprehensive-form")
    for name, points in TYPED.items():
        form.get_by_label(name, exact=True).fill(points)
    shot(page, "evaluation-sheet-filled")
    form.get_by_role("button", name="保存草稿").click()
    expect(page.locator(".msg-success")).to_have_text(f"已保存{left.name}的综合评审评分草稿。")
    form = page.locator("#comprehensive-form")
    for name, points in TYPED.items():
        expect(form.get_by_label(name, exact=True)).to_have_value(points)
    form.get_by_role("button", name="提交评分表").click()
    confirm_irreversible(page, "确认提交评分表", "evaluation-confirm-sheet")
    expect(page.locator(".msg-success")).to_have_text(
        f"已提交{left.name}的综合评审评分表，合计85.5分。提交后不能修改。"
    )
    expect(page.locator("#comprehensive-state")).to_have_text("已提交")
    expect(page.locator("#comprehensive-form")).to_have_count(0)
    expect(page.locator("#comprehensive .sheet-total")).to_contain_text("本人合计：85.5分")

    # The on-site score: a draft first, then submitted.
    onsite = page.locator("#onsite-form")
    onsite.get_by_label("现场技能考查得分（满分100分）").fill(TYPED_ONSITE)
    onsite.get_by_role("button", name="保存草稿").click()
    expect(page.locator(".msg-success")).to_have_text(f"已保存{left.name}的现场技能考查评分草稿。")
    onsite = page.locator("#onsite-form")
    expect(onsite.get_by_label("现场技能考查得分（满分100分）")).to_have_value(TYPED_ONSITE)
    onsite.get_by_role("button", name="提交评分表").click()
    confirm_irreversible(page, "确认提交评分表")
    expect(page.locator(".msg-success")).to_have_text(
        f"已提交{left.name}的现场技能考查评分表，合计88.5分。提交后不能修改。"
    )
    expect(page.locator("#onsite-state")).to_have_text("已提交")
    shot(page, "evaluation-sheet-submitted")
    page.goto(url + reverse("evaluation:my_work"))
    expect(page.locator(".waiting-count")).to_have_text("待完成0人")

    # The chair: every sheet in, scoring closed, results computed.
    context = new_context(browser)
    chair_page = context.new_page()
    chair_page.set_default_timeout(10_000)
    sign_in(chair_page, live_server, chair_user)
    chair_page.goto(url + reverse("evaluation:chair", args=[round_.pk]))
    expect(chair_page.locator("#committee-state")).to_have_text("评分中")
    expect(chair_page.locator("#done-count")).to_have_text("18 / 18")
    expect(chair_page.locator("#close")).to_contain_text("全部评分表均已提交")
    shot(chair_page, "evaluation-chair-before-close")
    chair_page.get_by_role("button", name="结束评分并计算结果").click()
    expect(chair_page.locator(".msg-success")).to_have_text("评分已结束，评审结果已计算。")
    expect(chair_page.locator("#committee-state")).to_have_text("评分已结束")
    shot(chair_page, "evaluation-chair-closed")

    # The results and the proposed list, confirmed.
    chair_page.get_by_role("link", name="查看评审结果").click()
    chair_page.wait_for_url(url + reverse("evaluation:results", args=[round_.pk]))
    expect(chair_page.locator("#results tbody tr")).to_have_count(3)
    expect(chair_page.locator(".proposed-names li")).to_have_count(3)
    shot(chair_page, "evaluation-results")
    chair_page.get_by_role("button", name="确认建议人选名单").click()
    confirm_irreversible(chair_page, "确认建议人选名单", "evaluation-confirm-proposed-list")
    expect(chair_page.locator(".msg-success")).to_have_text("建议人选名单已确认，批次进入考察公示阶段。")
    expect(chair_page.locator("#proposed-list")).to_contain_text("已由评审委员会主任")
    expect(chair_page.get_by_role("button", name="确认建议人选名单")).to_have_count(0)
    shot(chair_page, "evaluation-results-confirmed")
    context.close()

    assert Round.objects.get(pk=round_.pk).state == RoundState.NOTICE
    assert Committee.objects.get(round=round_).state == CommitteeState.CONFIRMED
    assert ProposedList.objects.get(round=round_).confirmed_by_id == chair_user.pk
    assert (
        sorted(Application.objects.filter(round=round_).values_list("state", flat=True))
        == [ApplicationState.PROPOSED] * 3
    )
    sheet = ScoreSheet.objects.get(member__expert__user=expert_user, application=left, part="comprehensive")
    assert (sheet.state, sheet.total) == (ScoreSheet.State.SUBMITTED, Decimal("85.50"))
