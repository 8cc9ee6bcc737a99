"""The bank account in a real browser: the holder asks with a wrong name and sees the error at the field,
corrects it, and the officer reveals the number with a reason and confirms the change after the question."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from chieftech.accounts.roles import Role
from chieftech.tenure.models import BankAccount, BankAccountState, Tenure
from tests.browser.support import confirm_irreversible, shot
from tests.browser.test_application_flow import log_in
from tests.factories import make_enterprise, make_tenure, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

NUMBER = "6228480438019876543"


@pytest.fixture
def people():
    alice = make_user("alice", Role.ENTERPRISE, enterprise=make_enterprise("威海甲精密机械有限公司"))
    olivia = make_user("olivia", Role.OFFICER, real_name="欧丽")
    gina = make_user("gina", Role.GOVERNMENT)
    tenure = make_tenure(alice, gina, officer=olivia, name="王建国")
    holder = make_user("tech1", Role.TECHNICIAN, real_name="王建国")
    Tenure.objects.filter(pk=tenure.pk).update(user=holder)
    return holder, olivia


def test_the_holder_asks_and_the_officer_reveals_and_confirms(people, live_server, page):
    base = live_server.url
    log_in(page, base, "tech1")
    page.get_by_role("navigation", name="主菜单").get_by_role("link", name="银行账户").click()
    page.get_by_label("开户银行").fill("中国农业银行")
    page.get_by_label("开户网点（支行）").fill("威海环翠支行")
    page.get_by_label("银行账号").fill("6228 4804 3801 9876 543")
    page.get_by_label("户名").fill("王建华")
    page.get_by_role("button", name="提交申请").click()

    expect(page.locator(".has-error")).to_contain_text("户名必须为首席技师本人姓名")
    expect(page.get_by_label("银行账号")).to_have_value("")
    shot(page, "bank-account-name-refused")
    page.get_by_label("银行账号").fill("6228 4804 3801 9876 543")
    page.get_by_label("户名").fill("王建国")
    page.get_by_role("button", name="提交申请").click()
    expect(page.locator("#pending-request")).to_contain_text("6228 **** **** 6543")
    expect(page.locator("#pending-request")).to_contain_text("待确认")
    shot(page, "bank-account-holder-pending")
    assert NUMBER not in page.content()

    page.context.clear_cookies()
    log_in(page, base, "olivia")
    page.get_by_role("link", name="银行账户变更").click()
    page.get_by_role("link", name="核对处理").click()
    expect(page.locator("#account-number")).to_have_text("6228 **** **** 6543")
    page.get_by_label("查看理由").fill("核对开户信息")
    page.get_by_role("button", name="查看完整账号").click()
    expect(page.locator("#account-number")).to_have_text(NUMBER)
    page.get_by_label("确认：核对无误，自下一个未发放月份起使用该账户").check()
    page.get_by_role("button", name="提交").click()
    confirm_irreversible(page, "确认变更", screenshot="bank-account-confirm-question")

    page.wait_for_url(base + reverse("tenure:bank_queue"))
    expect(page.locator(".messages")).to_contain_text("王建国的银行账户变更申请已确认")
    shot(page, "bank-account-queue-after")
    assert BankAccount.objects.get().state == BankAccountState.CONFIRMED
