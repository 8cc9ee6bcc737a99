"""An enterprise reports that its chief technician left the skill post, with a letter as evidence; the officer
confirms it after the confirmation question; the enterprise sees the benefits suspended."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from chieftech.accounts.roles import Role
from tests.browser.support import confirm_irreversible, shot
from tests.browser.test_application_flow import log_in
from tests.factories import PDF_BYTES, make_enterprise, make_tenure, make_user

# Starts from the database as the migrations left it: the policy in force and the role groups.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def people():
    enterprise = make_enterprise("威海甲精密机械有限公司")
    alice = make_user("alice", Role.ENTERPRISE, enterprise=enterprise, real_name="艾丽")
    olivia = make_user("olivia", Role.OFFICER, real_name="欧丽")
    gina = make_user("gina", Role.GOVERNMENT, real_name="吉娜")
    tenure = make_tenure(alice, gina, officer=olivia)
    return alice, olivia, tenure


def test_report_confirm_and_the_status_shows(people, live_server, page, browser, tmp_path):
    _, _, tenure = people
    base = live_server.url
    letter = tmp_path / "离岗证明.pdf"
    letter.write_bytes(PDF_BYTES)

    log_in(page, base, "alice")
    page.get_by_role("link", name="本单位首席技师").first.click()
    page.get_by_role("link", name="报告人员变动").click()
    page.get_by_label("变动类型").select_option(label="不再从事技能或技术岗位工作")
    page.get_by_label("生效日期").fill("2025-06-15")
    page.get_by_label("变动说明").fill("自2025年6月15日起调整至生产管理岗位。")
    page.get_by_label("证明材料").set_input_files(str(letter))
    shot(page, "status-change-1-report")
    page.get_by_role("button", name="提交报告").click()
    expect(page.locator("#change-state")).to_have_text("待确认")
    expect(page.locator("#evidence")).to_contain_text("离岗证明.pdf")
    shot(page, "status-change-2-reported")

    page.context.clear_cookies()
    log_in(page, base, "olivia")
    page.get_by_role("link", name="人员变动确认").first.click()
    page.get_by_role("link", name="王建国").click()
    expect(page.locator("#tenure-status")).to_have_text("有效")
    shot(page, "status-change-3-decide")
    page.locator("#status-confirm-form").get_by_role("button", name="确认人员变动").click()
    confirm_irreversible(page, "确认人员变动", screenshot="status-change-4-confirm")
    expect(page.locator("#change-state")).to_have_text("已确认")
    expect(page.locator("#tenure-status")).to_have_text("保留资格、停止待遇")

    page.context.clear_cookies()
    log_in(page, base, "alice")
    page.goto(base + reverse("tenure:enterprise_tenure", args=[tenure.pk]))
    expect(page.locator("#tenure-status")).to_have_text("保留资格、停止待遇")
    expect(page.locator("#status-changes")).to_contain_text("已确认")
    shot(page, "status-change-5-enterprise")
