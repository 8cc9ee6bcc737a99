"""The audit admin finds a submission in the log by its Chinese name and reads what changed."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from chieftech.accounts.roles import Role
from tests.browser.support import shot
from tests.factories import PASSWORD, make_application, make_enterprise, make_round, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_the_auditor_filters_by_action_and_reads_the_change_in_chinese(live_server, page):
    olivia = make_user("olivia", Role.OFFICER, real_name="欧丽")
    alice = make_user("alice", Role.ENTERPRISE, enterprise=make_enterprise("威海甲精密机械有限公司"))
    application = make_application(alice, make_round(olivia), submit=True)
    make_user("aubrey", Role.AUDITOR, real_name="奥布里")

    page.goto(live_server.url + reverse("accounts:login"))
    page.get_by_label("用户名").fill("aubrey")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.goto(live_server.url + reverse("audit:record_list"))
    page.get_by_label("操作", exact=True).select_option(label="提交申报")
    page.get_by_label("对象类型").select_option(label="推荐申报")
    page.get_by_role("button", name="筛选").click()

    rows = page.locator("table.data tbody tr").filter(has_text="提交申报")
    expect(rows).to_have_count(1)
    expect(rows.locator('td[data-label="对象"]')).to_have_text(f"{application}推荐申报 #{application.pk}")
    shot(page, "audit-list-filtered-in-chinese")

    rows.get_by_role("link").click()
    expect(page.locator(".change-summary li")).to_have_text(["状态：草稿 → 已提交待审"])
    expect(page.locator("dl.kv").first).to_contain_text("提交申报")
    shot(page, "audit-record-in-chinese")
