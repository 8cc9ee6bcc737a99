"""The budget page in a real browser: the officer follows the menu, enters next year's budget, and the two
server-drawn charts render (non-empty boxes, the uncertain part hatched) without a Content-Security-Policy
refusal and without fetching anything from elsewhere."""

from datetime import date
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from chieftech.accounts.roles import Role
from chieftech.policy.models import Authority
from chieftech.subsidy.domain.budget import budget_set
from chieftech.tenure.models import AnnualReview
from tests.browser.support import shot
from tests.browser.test_application_flow import log_in
from tests.browser.test_content_security_policy import Watch
from tests.factories import (
    make_bank_account,
    make_enterprise,
    make_payroll_batch,
    make_round,
    make_tenure,
    make_user,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def year_paid():
    """Three terms of 2025: January–March paid in March to all three; two passed the first re-review."""
    alice = make_user("alice", Role.ENTERPRISE, enterprise=make_enterprise("威海甲精密机械有限公司"))
    olivia = make_user("olivia", Role.OFFICER, real_name="欧丽")
    gina = make_user("gina", Role.GOVERNMENT)
    round_ = make_round(olivia)
    tenures = [
        make_tenure(alice, gina, round_=round_, name=name, starts_on=date(2025, 1, 1))
        for name in ("王建国", "李强", "赵敏")
    ]
    for i, (tenure, state) in enumerate(zip(tenures, ["passed", "passed", "submitted"], strict=True)):
        make_bank_account(tenure, number=f"62220203000000{i:04d}")
        AnnualReview.objects.create(tenure=tenure, review_year=1, state=state)
    make_payroll_batch(
        olivia,
        period=date(2025, 3, 1),
        lines=[(t, [date(2025, 1, 1), date(2025, 2, 1), date(2025, 3, 1)]) for t in tenures],
        state="completed",
    )
    budget_set(actor=olivia, authority=Authority.objects.get(code="huancui"), year=2025, amount="24000")
    return olivia


def test_the_officer_enters_a_budget_and_sees_both_charts(year_paid, live_server, page):
    base = live_server.url
    watch = Watch(page)
    requested = []
    page.on("request", lambda request: requested.append(urlsplit(request.url).netloc))
    log_in(page, base, "olivia")
    page.get_by_role("navigation", name="主菜单").get_by_role("link", name="津贴预算").click()
    page.goto(base + reverse("subsidy:budget") + "?year=2025")
    page.get_by_role("link", name="登记或调整").nth(1).click()
    page.get_by_label("预算金额（元）").fill("-1")
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".has-error")).to_contain_text("预算金额不能为负数。")
    page.get_by_label("预算金额（元）").fill("30000")
    page.get_by_label("依据").fill("环财预〔2026〕3号")
    page.get_by_role("button", name="保存").click()

    expect(page.locator("h1")).to_have_text("2026年津贴预算与支出")
    page.goto(base + reverse("subsidy:budget") + "?year=2025")
    expect(page.locator("#forecast-figures")).to_contain_text("30,000.00")
    spending = page.locator("#spending-chart svg")
    forecast = page.locator("#forecast-chart svg")
    for chart in (spending, forecast):
        box = chart.bounding_box()
        assert box is not None and box["width"] > 300 and box["height"] > 100
    # 2025: 4,500.00 in March against a monthly 2,000.00 of budget; the bar is drawn and has a height.
    paid = page.locator("#spending-chart rect.bar-paid")
    expect(paid).to_have_count(1)
    assert paid.get_attribute("data-value") == "4500.00"
    assert paid.bounding_box()["height"] > 50
    # 2026: January–December of the second year, the third holder's months hatched above the certain ones.
    expect(page.locator("#forecast-chart rect.bar-certain")).to_have_count(12)
    expect(page.locator("#forecast-chart rect.bar-uncertain")).to_have_count(12)
    assert page.locator("#forecast-chart rect.bar-uncertain").first.bounding_box()["height"] > 10
    assert page.locator("#forecast-chart .budget-line").bounding_box()["width"] > 300
    shot(page, "budget-chart")
    assert watch.violations() == []
    assert set(requested) == {urlsplit(base).netloc}
