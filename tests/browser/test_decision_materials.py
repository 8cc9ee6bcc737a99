"""The leader opens the materials from the decision page (results, a candidate's masked dossier, the
objections with their findings, the 呈批表) and approves; the government sends the list back with a reason."""

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from chieftech.accounts.roles import Role, roles_sync
from tests.browser.conftest import new_context
from tests.browser.support import shot
from tests.browser.test_round_and_call import sign_in
from tests.factories import make_enterprise, make_user
from tests.publicity.decision_factories import FINDING, make_decision_stage_round

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

REASON = "名单中一名人选的技能等级证书尚在核查，请领导小组重新审定。"


@pytest.fixture
def people(transactional_db):
    roles_sync()
    enterprise_a = make_enterprise("威海甲精密机械有限公司")
    enterprise_b = make_enterprise("威海乙海洋科技有限公司")
    return {
        "officer": make_user("olivia", Role.OFFICER, real_name="欧丽"),
        "chair": make_user("chris", Role.CHAIR, real_name="克里斯"),
        "leader": make_user("leo", Role.LEADER, real_name="黎奥"),
        "government": make_user("gina", Role.GOVERNMENT, real_name="吉娜"),
        "alice": make_user("alice", Role.ENTERPRISE, enterprise=enterprise_a, real_name="艾丽"),
        "bob": make_user("bob", Role.ENTERPRISE, enterprise=enterprise_b, real_name="鲍勃"),
    }


def test_the_leader_decides_with_the_materials_and_the_government_sends_the_list_back(
    live_server, browser, page, people
):
    stage = make_decision_stage_round(people["officer"], people["alice"], people["bob"], people["chair"])
    approval_url = live_server.url + reverse("publicity:approval", args=[stage.round.pk])
    first = stage.proposed[0]

    sign_in(page, live_server, people["leader"])
    page.goto(approval_url)
    expect(page.locator("#materials a")).to_have_count(4)
    shot(page, "decide-leader-materials")

    page.get_by_role("link", name="评审结果与排名").click()
    expect(page.locator("main h1")).to_contain_text("评审结果")
    expect(page.get_by_role("link", name="导出评分表（Excel）")).to_have_count(0)
    shot(page, "decide-leader-results")

    page.goto(approval_url)
    page.locator("#candidates").get_by_role("link", name=first.name).click()
    expect(page.locator("#id-number")).to_have_text(first.id_number_masked)
    expect(page.get_by_role("button", name="显示完整号码")).to_have_count(0)
    shot(page, "decide-leader-dossier")

    page.goto(approval_url)
    page.get_by_role("link", name="考察公示期间的异议及处理结论").click()
    expect(page.locator("#objections tbody tr")).to_have_count(1)
    expect(page.locator("#objections td[data-label='处理结论理由']")).to_have_text(FINDING)
    shot(page, "decide-leader-objections")

    page.goto(approval_url)
    page.get_by_label("审定同意").check()
    page.get_by_label("会议日期").fill(timezone.localdate().isoformat())
    page.get_by_label("会议纪要").fill("区委人才工作领导小组2026年第4次会议纪要")
    page.get_by_role("button", name="登记审定结论").click()
    expect(page.locator("#decide-form")).to_have_count(0)

    government = new_context(browser)
    gov_page = government.new_page()
    gov_page.set_default_timeout(10_000)
    sign_in(gov_page, live_server, people["government"])
    gov_page.goto(approval_url)
    expect(gov_page.get_by_role("link", name="报区政府审批的呈批表（PDF）")).to_have_count(1)
    gov_page.get_by_role("button", name="退回领导小组").click()
    expect(gov_page.locator("#field-reason .errorlist")).to_have_text(
        "退回须写明理由，领导小组将据此重新审定。"
    )
    gov_page.get_by_label("退回理由").fill(REASON)
    gov_page.get_by_role("button", name="退回领导小组").click()
    expect(gov_page.locator(".msg-success")).to_have_text(
        "已将建议人选名单退回领导小组重新审定，区人社局经办人和领导小组已收到通知。"
    )
    expect(gov_page.locator("#send-backs td[data-label='退回理由']")).to_have_text(REASON)
    expect(gov_page.locator("#approve-form")).to_have_count(0)
    shot(gov_page, "decide-government-sent-back")
    government.close()

    page.goto(approval_url)
    expect(page.locator("#decide-form")).to_have_count(1)
    shot(page, "decide-leader-after-send-back")
