"""The main pages in a real Chromium under the Content-Security-Policy: nothing is refused, and what the
moved inline code did (the acting authority switch submitting on change) still happens."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from chieftech.accounts.roles import Role
from chieftech.policy.models import Authority, AuthorityLevel
from tests.browser.support import shot
from tests.factories import PASSWORD, make_enterprise, make_user
from tests.selection.test_enterprise_views import open_round as round_open_today

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

TODAY = timezone.localdate()
# Every refusal of the policy fires this event on the document; the page's own scripts cannot hide it.
RECORD_VIOLATIONS = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push(`${e.effectiveDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
});
"""
PUBLIC_PAGES = [
    "portal:index",
    "portal:call_list",
    "portal:showcase",
    "publicity_public:notice_list",
    "verify:lookup",
    "verify:roster",
    "accounts:login",
    "accounts:register",
]


class Watch:
    """The policy's refusals on one page, from the DOM event and from Chromium's console."""

    def __init__(self, page):
        self.page = page
        self.console: list[str] = []
        page.add_init_script(RECORD_VIOLATIONS)
        page.on(
            "console",
            lambda message: (
                self.console.append(message.text) if "Content Security Policy" in message.text else None
            ),
        )

    def visit(self, url: str) -> list[str]:
        response = self.page.goto(url)
        assert response is not None and response.status == 200, url
        assert "script-src 'self'" in response.headers["content-security-policy"], url
        self.page.wait_for_load_state("load")
        return self.violations()

    def violations(self) -> list[str]:
        return [*self.page.evaluate("window.__csp"), *self.console]


def log_in(page, base: str, username: str) -> None:
    page.goto(base + reverse("accounts:login"))
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(base + reverse("core:home"))


@pytest.fixture
def open_round():
    officer = make_user("olivia", Role.OFFICER, real_name="欧丽")
    return round_open_today(officer, title=f"{(TODAY + timedelta(days=20)).year}年度环翠区首席技师选拔")


def test_the_public_pages_raise_no_violation(live_server, page, open_round):
    watch = Watch(page)

    found = {name: watch.visit(live_server.url + reverse(name)) for name in PUBLIC_PAGES}
    found["call"] = watch.visit(live_server.url + reverse("portal:call_detail", args=[open_round.pk]))

    assert {name: v for name, v in found.items() if v} == {}
    shot(page, "csp-public-call")


@pytest.mark.parametrize(
    "role", [Role.ENTERPRISE, Role.OFFICER, Role.EXPERT, Role.LEADER, Role.AUDITOR, Role.SYSADMIN]
)
def test_every_page_of_a_roles_menu_raises_no_violation(live_server, page, open_round, role):
    enterprise = make_enterprise("威海甲精密机械有限公司") if role == Role.ENTERPRISE else None
    user = make_user(f"{role.value}-csp", role, enterprise=enterprise, real_name="测试")
    watch = Watch(page)
    log_in(page, live_server.url, user.username)

    menu = page.locator("nav.main-nav a").evaluate_all("links => links.map(a => a.href)")
    if role == Role.ENTERPRISE:
        # The long form with its own script: the live count of the deeds statement, "add a row".
        menu.append(live_server.url + reverse("selection:application_create", args=[open_round.pk]))
    found = {url: watch.visit(url) for url in menu}

    assert len(menu) >= 2
    assert {url: v for url, v in found.items() if v} == {}
    shot(page, f"csp-{role.value}-last-menu-page")


def test_choosing_another_authority_switches_at_once_without_inline_script(live_server, page):
    Authority.objects.create(
        code="weihai",
        name="威海市",
        level=AuthorityLevel.CITY,
        bureau_name="威海市人力资源和社会保障局",
        leadership_name="市委人才工作领导小组",
        government_name="市人民政府",
        title_name="威海市首席技师",
        site_name="威海市首席技师选拔管理系统",
        certificate_prefix="WHSJ",
    )
    make_user("sam-csp", Role.SYSADMIN, real_name="萨姆")
    watch = Watch(page)
    log_in(page, live_server.url, "sam-csp")
    assert watch.visit(live_server.url + reverse("policy:policy_list")) == []

    switch = page.get_by_label("办理机关")
    expect(switch.locator("option:checked")).to_have_text("威海市环翠区人力资源和社会保障局")
    with page.expect_navigation():
        switch.select_option(label="威海市人力资源和社会保障局")

    expect(page.get_by_label("办理机关").locator("option:checked")).to_have_text("威海市人力资源和社会保障局")
    assert page.url == live_server.url + reverse("policy:policy_list")
    assert watch.violations() == []
    shot(page, "csp-acting-authority-switched")
