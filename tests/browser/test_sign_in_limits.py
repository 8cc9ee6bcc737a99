"""In a real browser: a password due for its periodic change holds the user at the change form, which lists
the password rules; a locked user name says so in Chinese even with the right password."""

import pytest
from django.test import override_settings
from django.urls import reverse
from playwright.sync_api import expect

from chieftech.accounts.models import User
from tests.browser.support import shot
from tests.factories import PASSWORD, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _sign_in(page, live_server, username, password):
    page.goto(live_server.url + reverse("accounts:login"))
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()


@override_settings(PASSWORD_MAX_AGE_DAYS=90)
def test_an_expired_password_is_changed_before_anything_else(live_server, page):
    user = make_user("wangfang", real_name="王芳")
    User.objects.filter(pk=user.pk).update(password_changed_at=None)

    _sign_in(page, live_server, "wangfang", PASSWORD)

    page.wait_for_url(live_server.url + reverse("accounts:password_change"))
    expect(page.locator(".msg").first).to_have_text(
        "您的密码已超过90天未修改，按安全要求请先修改密码再继续使用。"
    )
    expect(page.get_by_text("你的密码须包含大写字母、小写字母、数字、符号中的至少3种。")).to_be_visible()
    page.get_by_label("旧密码").fill(PASSWORD)
    page.get_by_label("新密码", exact=True).fill("wangfang-2027")
    page.get_by_label("新密码确认").fill("wangfang-2027")
    page.get_by_role("button", name="保存").click()
    # At the top, in the summary that takes the focus, and at the field.
    expect(page.locator(".error-summary")).to_be_focused()
    expect(page.locator(".error-summary")).to_contain_text("密码不能包含用户名。")
    expect(page.locator(".errorlist").get_by_text("密码不能包含用户名。")).to_be_visible()
    shot(page, "password-expired-refused")

    page.get_by_label("旧密码").fill(PASSWORD)
    page.get_by_label("新密码", exact=True).fill("Weihai-skill-2027")
    page.get_by_label("新密码确认").fill("Weihai-skill-2027")
    page.get_by_role("button", name="保存").click()

    page.wait_for_url(live_server.url + reverse("core:home"))
    expect(page.locator("main h1")).to_have_text("工作台")


def test_a_locked_name_refuses_the_right_password_with_a_chinese_message(live_server, page):
    make_user("wangfang", real_name="王芳")
    for _ in range(5):
        _sign_in(page, live_server, "wangfang", "Wrong-guess-1")

    _sign_in(page, live_server, "ｗａｎｇｆａｎｇ", PASSWORD)

    expect(page.locator("main h1")).to_have_text("登录已临时锁定")
    expect(page.locator("main p").first).to_have_text(
        "用户名“wangfang”或您所在的网络地址连续登录失败次数过多，登录已被锁定15分钟。"
        "锁定期间不再核对密码，输入正确的密码也无法登录。"
    )
    shot(page, "login-locked")
