"""The officer invites a chief technician by email; the holder opens the link, sets a password, signs in and
sees their own term."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from chieftech.accounts.roles import Role, roles_sync
from chieftech.core.models import OutboxMessage
from tests.browser.support import shot
from tests.factories import PASSWORD, make_enterprise, make_tenure, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

HOLDER_PASSWORD = "Huancui-holder-2026"


def sign_in(page, live_server, username: str, password: str) -> None:
    page.goto(live_server.url + reverse("accounts:login"))
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(live_server.url + reverse("core:home"))


def test_the_officer_invites_and_the_holder_signs_in_to_their_term(transactional_db, live_server, page):
    roles_sync()
    alice = make_user("alice", Role.ENTERPRISE, enterprise=make_enterprise("威海甲精密机械有限公司"))
    olivia = make_user("olivia", Role.OFFICER, real_name="欧丽")
    gina = make_user("gina", Role.GOVERNMENT, real_name="吉娜")
    tenure = make_tenure(alice, gina, officer=olivia)

    sign_in(page, live_server, "olivia", PASSWORD)
    page.goto(live_server.url + reverse("tenure:holder_invite", args=[tenure.pk]))
    expect(page.locator("#phone-on-record")).to_have_text("138****2345")
    page.get_by_label("电子邮件").check()
    page.get_by_label("本人电子邮箱").fill("wang@example.cn")
    page.get_by_role("button", name="发送邀请").click()
    expect(page.locator(".msg-success")).to_contain_text(
        "已发送：激活链接已通过电子邮件发送至w***@example.cn"
    )
    expect(page.locator("#account-state")).to_contain_text("已发送激活链接，本人尚未设置密码")
    assert "/accounts/activate/" not in page.content()
    shot(page, "holder-invite-sent")
    page.get_by_role("button", name="退出").click()

    body = OutboxMessage.objects.get(recipients=["wang@example.cn"]).body
    path = body[body.index("/accounts/activate/") :].split()[0]
    page.goto(live_server.url + path)
    expect(page.locator("main h1")).to_have_text("激活账号")
    page.get_by_label("新密码", exact=True).fill(HOLDER_PASSWORD)
    page.get_by_label("新密码确认").fill(HOLDER_PASSWORD)
    shot(page, "holder-activate")
    page.get_by_role("button", name="设置密码并激活").click()
    page.wait_for_url(live_server.url + reverse("accounts:login"))

    tenure.refresh_from_db()
    sign_in(page, live_server, tenure.user.username, HOLDER_PASSWORD)
    expect(page.locator("header .who")).to_have_text("王建国（首席技师本人）")
    shot(page, "holder-home-dashboard")
    page.get_by_role("link", name="我的管理期").first.click()
    expect(page.locator("main h1")).to_contain_text("我的管理期")
    expect(page.locator("#term-dates")).to_have_text("2024年12月27日至2026年12月26日")
    expect(page.locator("#status-since")).to_have_text(
        "有效（自2024年12月27日起）：保留首席技师称号，享受津贴待遇"
    )
    expect(page.locator("#enterprise")).to_have_text("威海甲精密机械有限公司")
    shot(page, "holder-term")
    page.get_by_role("link", name="津贴发放记录").first.click()
    expect(page.locator("#no-payments")).to_contain_text("暂无发放记录")
    shot(page, "holder-payments")
