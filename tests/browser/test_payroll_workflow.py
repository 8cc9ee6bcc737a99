"""A payroll batch in a real browser: the officer who built it submits it, a second officer finds it on the home
page and checks it after the question, the payroll approver approves it after the question; the batch's page is
photographed at each step."""

from datetime import date

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from chieftech.accounts.roles import Role
from chieftech.subsidy.models import PayrollBatch, PayrollBatchState
from tests.browser.support import confirm_irreversible, shot
from tests.browser.test_application_flow import log_in
from tests.factories import make_bank_account, make_enterprise, make_payroll_batch, make_tenure, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

DEC = date(2026, 12, 1)


@pytest.fixture
def batch():
    alice = make_user("alice", Role.ENTERPRISE, enterprise=make_enterprise("威海甲精密机械有限公司"))
    olivia = make_user("olivia", Role.OFFICER, real_name="欧丽")
    make_user("oscar", Role.OFFICER, real_name="欧阳晨")
    make_user("april", Role.PAYROLL_APPROVER, real_name="艾普丽")
    gina = make_user("gina", Role.GOVERNMENT)
    first = make_tenure(alice, gina, officer=olivia, name="张海峰")
    second = make_tenure(alice, gina, round_=first.application.round, name="李秀英")
    held = make_tenure(alice, gina, round_=first.application.round, name="孙晓梅")
    make_bank_account(first, number="6222020611001234567")
    make_bank_account(second, number="6222020611007654321")
    return make_payroll_batch(
        olivia, period=DEC, lines=[(first, [DEC]), (second, [DEC]), (held, [DEC])], number="HCJT-202612-01"
    )


def test_built_submitted_checked_and_approved_by_three_people(batch, live_server, page):
    base = live_server.url
    detail = base + reverse("subsidy:batch_detail", args=[batch.pk])

    log_in(page, base, "olivia")
    page.get_by_role("navigation", name="主菜单").get_by_role("link", name="津贴发放").click()
    page.get_by_role("link", name="HCJT-202612-01").click()
    expect(page.locator("#batch-state")).to_have_text("经办中")
    expect(page.locator("#held-table")).to_contain_text("尚无已确认的津贴发放账户")
    shot(page, "payroll-1-draft")
    page.get_by_role("button", name="提交复核").click()
    expect(page.locator("#batch-state")).to_have_text("待复核")
    expect(page.locator("#batch-actions form")).to_have_count(
        1
    )  # only the cancellation is left to the builder
    shot(page, "payroll-2-submitted")

    page.context.clear_cookies()
    log_in(page, base, "oscar")
    page.get_by_role("link", name="待复核的津贴发放表：HCJT-202612-01（2026年12月）").click()
    page.get_by_role("button", name="复核通过").click()
    expect(page.locator("#confirm-question")).to_contain_text("即将复核通过津贴发放表HCJT-202612-01")
    confirm_irreversible(page, "确认复核通过", screenshot="payroll-3-check-question")
    page.wait_for_url(detail)
    expect(page.locator("#batch-state")).to_have_text("待审批")
    shot(page, "payroll-4-checked")

    page.context.clear_cookies()
    log_in(page, base, "april")
    page.get_by_role("link", name="待审批的津贴发放表：HCJT-202612-01（2026年12月）").click()
    page.get_by_role("button", name="审批通过").click()
    confirm_irreversible(page, "确认审批通过", screenshot="payroll-5-approve-question")
    page.wait_for_url(detail)
    expect(page.locator("#batch-state")).to_have_text("已审批待报盘")
    expect(page.locator("#signatures")).to_contain_text("欧阳晨")
    expect(page.locator("#signatures")).to_contain_text("艾普丽")
    shot(page, "payroll-6-approved")
    assert "6222020611001234567" not in page.content()

    approved = PayrollBatch.objects.get(pk=batch.pk)
    assert (
        approved.state,
        approved.built_by.username,
        approved.checked_by.username,
        approved.approved_by.username,
    ) == (
        PayrollBatchState.APPROVED,
        "olivia",
        "oscar",
        "april",
    )
