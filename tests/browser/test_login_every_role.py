"""Every role signs in through the real login form and lands on its own home page (工作台)."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from chieftech.accounts.roles import Role, roles_sync
from tests.browser.support import shot
from tests.factories import PASSWORD, make_enterprise, make_user

# transactional_db empties every table after each test; serialized_rollback puts back what the migrations
# seeded (the policy in force, the role groups), so every page shows what it would in production.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

REAL_NAMES = {
    Role.ENTERPRISE: "艾丽",
    Role.OFFICER: "欧丽",
    Role.EXPERT: "尔琳",
    Role.CHAIR: "克里斯",
    Role.LEADER: "黎奥",
    Role.GOVERNMENT: "吉娜",
    Role.PAYROLL_APPROVER: "艾普丽",
    Role.AUDITOR: "奥布里",
    Role.SYSADMIN: "萨姆",
    Role.TECHNICIAN: "田师傅",
}


@pytest.fixture
def role_groups(transactional_db):
    # The groups must exist and match ROLE_CAPABILITIES whatever the previous test left behind.
    roles_sync()


@pytest.mark.parametrize("role", list(Role), ids=[role.value for role in Role])
def test_every_role_signs_in_and_sees_its_home_page(role_groups, live_server, page, role):
    enterprise = make_enterprise("威海甲精密机械有限公司") if role == Role.ENTERPRISE else None
    user = make_user(f"{role.value}-user", role, enterprise=enterprise, real_name=REAL_NAMES[role])

    page.goto(live_server.url + reverse("accounts:login"))
    page.get_by_label("用户名").fill(user.username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()

    page.wait_for_url(live_server.url + reverse("core:home"))
    expect(page.locator("main h1")).to_have_text("工作台")
    expect(page.locator("header .who")).to_have_text(f"{REAL_NAMES[role]}（{role.label}）")
    section_title = page.locator(f'section[data-role="{role.value}"] h2')
    if section_title.count():
        expect(section_title).to_have_text(role.label)
    shot(page, f"home-{role.value}")


def test_login_page_fits_a_phone(live_server, phone_page):
    phone_page.goto(live_server.url + reverse("accounts:login"))

    expect(phone_page.locator("main h1")).to_have_text("登录")
    expect(phone_page.get_by_role("button", name="登录")).to_be_visible()
    # Nothing sticks out sideways: the page scrolls only vertically.
    assert phone_page.evaluate("document.documentElement.scrollWidth") == 375
    shot(phone_page, "login-375")
