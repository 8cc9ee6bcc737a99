"""The budget page (subsidy:budget), its chart, and the officer's budget form (subsidy:budget_edit)."""

from datetime import date
from decimal import Decimal

import lxml.html
import pytest
from django.urls import reverse

from chieftech.accounts.roles import Role
from chieftech.policy.models import Authority
from chieftech.subsidy.domain.budget import budget_set
from chieftech.subsidy.models import SubsidyBudget
from chieftech.tenure.models import AnnualReview
from tests.factories import (
    make_bank_account,
    make_payroll_batch,
    make_round,
    make_tenure,
    make_user,
    make_weihai,
)

BUDGET = reverse("subsidy:budget")
EDIT = reverse("subsidy:budget_edit")


@pytest.fixture
def huancui(db):
    return Authority.objects.get(code="huancui")


@pytest.fixture
def paid_2026(alice, gina, olivia, huancui):
    """Three holders: January 2026 paid to all three in March (one batch), the re-review passed for two; the
    budgets of 2026 (120,000) and 2027 (60,000) entered."""
    round_ = make_round(olivia)
    tenures = [
        make_tenure(alice, gina, round_=round_, name=f"持证人{i}", starts_on=date(2025, 1, 1))
        for i in range(3)
    ]
    for i, tenure in enumerate(tenures):
        make_bank_account(tenure, number=f"62220203000000{i:04d}")
    for tenure, state in zip(tenures, ["passed", "passed", "submitted"], strict=True):
        AnnualReview.objects.create(tenure=tenure, review_year=1, state=state)
    make_payroll_batch(
        olivia, period=date(2026, 3, 1), lines=[(t, [date(2026, 1, 1)]) for t in tenures], state="completed"
    )
    budget_set(actor=olivia, authority=huancui, year=2026, amount="120000", note="环财预〔2026〕3号")
    budget_set(actor=olivia, authority=huancui, year=2027, amount="60000")
    return tenures


def rects(response, chart_id: str) -> list[tuple[str, str, str, str]]:
    doc = lxml.html.fromstring(response.content.decode())
    return [
        (r.getparent().get("data-month"), r.get("class"), r.get("height"), r.get("data-value"))
        for r in doc.xpath(f'//figure[@id="{chart_id}"]//rect[contains(@class, "bar ")]')
    ]


def test_the_officer_sees_the_years_spending_against_the_budget(client, olivia, paid_2026):
    client.force_login(olivia)

    response = client.get(BUDGET, {"year": 2026})

    assert response.status_code == 200
    # Three lines of 500.00, no tax under the 800 threshold: 1,500.00 spent in March (paid_on is the period).
    assert response.context["months"][2] == {
        "month": "3月",
        "lines": 3,
        "gross": "1,500.00",
        "offset": "0.00",
        "tax": "0.00",
        "net": "1,500.00",
        "spent": "1,500.00",
    }
    assert response.context["this_year"] == {
        "budget": "120,000.00",
        "remaining": "118,500.00",
        "share": "1.2%",
        "over": False,
    }
    assert response.context["years"] == [
        {
            "year": "2026年",
            "lines": 3,
            "gross": "1,500.00",
            "offset": "0.00",
            "tax": "0.00",
            "net": "1,500.00",
            "spent": "1,500.00",
            "budget": "120,000.00",
            "remaining": "118,500.00",
            "share": "1.2%",
            "over": False,
        }
    ]
    # Monthly share of the budget 10,000 → axis top 10,000; 1,500 of 236 px = 35.4 px.
    assert rects(response, "spending-chart") == [("3", "bar bar-paid", "35.4", "1500.00")]
    chart = response.context["spending_chart"]
    assert (chart["budget"], chart["budget_y"]) == (Decimal("10000.00"), 24.0)


def test_the_forecast_shows_certain_and_uncertain_months_stacked(client, olivia, paid_2026):
    client.force_login(olivia)

    response = client.get(BUDGET, {"year": 2026})

    forecast = response.context["forecast"]
    # The terms started 2025-01-01 and end with 2026: 2027 owes only the third holder's eleven months that wait
    # for the re-review (arrears, uncertain).
    assert (
        forecast["certain"],
        forecast["uncertain"],
        forecast["arrears_uncertain"],
        forecast["people"],
    ) == (
        "0.00",
        "5,500.00",
        "5,500.00",
        1,
    )
    response = client.get(BUDGET, {"year": 2025})
    forecast = response.context["forecast"]
    # 2026: two passed × 11 unpaid months (January paid) certain; the third's 11 months wait for the re-review.
    assert forecast["months"][0] == {"month": "1月", "certain": "0.00", "uncertain": "0.00", "total": "0.00"}
    assert forecast["months"][1] == {
        "month": "2月",
        "certain": "1,000.00",
        "uncertain": "500.00",
        "total": "1,500.00",
    }
    assert (forecast["certain"], forecast["uncertain"], forecast["total"]) == (
        "11,000.00",
        "5,500.00",
        "16,500.00",
    )
    assert (forecast["people"], forecast["people_uncertain"]) == (3, 1)
    assert forecast["against_total"] == {
        "budget": "120,000.00",
        "remaining": "103,500.00",
        "share": "13.8%",
        "over": False,
    }
    # Axis top 10,000 (the monthly budget); certain 1,000 = 23.6 px, the uncertain 500 stacked on it = 11.8 px.
    bars = rects(response, "forecast-chart")
    assert bars[:2] == [
        ("2", "bar bar-certain", "23.6", "1000.00"),
        ("2", "bar bar-uncertain", "11.8", "500.00"),
    ]
    assert len(bars) == 22
    doc = lxml.html.fromstring(response.content.decode())
    [uncertain] = doc.xpath(
        '//figure[@id="forecast-chart"]//g[@data-month="2"]/rect[contains(@class, "bar-uncertain")]'
    )
    [certain] = doc.xpath(
        '//figure[@id="forecast-chart"]//g[@data-month="2"]/rect[contains(@class, "bar-certain")]'
    )
    assert float(uncertain.get("y")) + float(uncertain.get("height")) == pytest.approx(
        float(certain.get("y"))
    )
    assert uncertain.get("fill") == "url(#forecast-chart-hatch)"
    assert (
        doc.xpath('//figure[@id="forecast-chart"]//desc')[0]
        .text_content()
        .startswith("1月：无。2月：确定应发1000.00元；待复核认定（可能不发）500.00元。")
    )


def test_the_payroll_approver_reads_the_page_but_cannot_edit(client, huancui, paid_2026):
    approver = make_user("pat", Role.PAYROLL_APPROVER)
    client.force_login(approver)

    response = client.get(BUDGET, {"year": 2026})

    assert (response.status_code, response.context["may_edit"]) == (200, False)
    assert "登记或调整" not in response.content.decode()
    assert client.get(EDIT).status_code == 403
    assert client.post(EDIT, {"year": "2026", "amount": "1"}).status_code == 403


def test_another_authoritys_officer_sees_their_own_figures_only(client, paid_2026):
    weihai_officer = make_user("wendy", Role.OFFICER, authority=make_weihai())
    client.force_login(weihai_officer)

    response = client.get(BUDGET, {"year": 2026})

    page = response.content.decode()
    assert (
        response.context["authority"],
        response.context["this_year"]["budget"],
        response.context["years"],
    ) == (
        "威海市人力资源和社会保障局",
        "未登记",
        [],
    )
    assert ("120,000.00" in page, "1,500.00" in page) == (False, False)


def test_the_officer_enters_a_budget_through_the_form(client, olivia, huancui):
    client.force_login(olivia)
    assert client.get(EDIT, {"year": 2027}).context["form"].initial == {"year": 2027}

    response = client.post(EDIT, {"year": "2027", "amount": "360,000.50", "note": "环财预〔2027〕1号"})

    assert (response.status_code, response["Location"]) == (302, f"{BUDGET}?year=2027")
    budget = SubsidyBudget.objects.get(authority=huancui, year=2027)
    assert (budget.amount, budget.note, budget.entered_by) == (
        Decimal("360000.50"),
        "环财预〔2027〕1号",
        olivia,
    )
    assert client.get(EDIT, {"year": 2027}).context["form"].initial == {
        "year": 2027,
        "amount": "360000.50",
        "note": "环财预〔2027〕1号",
    }


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        ({"year": "2027", "amount": "-5"}, {"amount": ["预算金额不能为负数。"]}),
        ({"year": "2027", "amount": "1.005"}, {"amount": ["预算金额精确到分（最多两位小数）。"]}),
        ({"year": "", "amount": ""}, {"year": ["请填写年度。"], "amount": ["请填写预算金额。"]}),
    ],
)
def test_a_wrong_budget_is_refused_at_its_field(client, olivia, data, errors):
    client.force_login(olivia)

    response = client.post(EDIT, data)

    assert (response.status_code, response.context["form"].errors) == (200, errors)
    page = response.content.decode()
    assert 'href="#id_amount"' in page
    assert SubsidyBudget.objects.count() == 0


def test_the_budget_page_costs_the_same_queries_for_one_or_three_years(
    client, olivia, alice, gina, huancui, django_assert_num_queries
):
    tenure = make_tenure(alice, gina, officer=olivia)
    make_bank_account(tenure, number="6222020300009999")
    make_payroll_batch(
        olivia, period=date(2025, 1, 1), lines=[(tenure, [date(2025, 1, 1)])], state="completed"
    )
    client.force_login(olivia)
    client.get(BUDGET)
    with django_assert_num_queries(BUDGET_QUERIES):
        assert len(client.get(BUDGET, {"year": 2026}).context["years"]) == 1
    make_payroll_batch(
        olivia, period=date(2026, 1, 1), lines=[(tenure, [date(2026, 1, 1)])], state="completed"
    )
    make_payroll_batch(
        olivia, period=date(2027, 1, 1), lines=[(tenure, [date(2026, 2, 1)])], state="completed"
    )
    budget_set(actor=olivia, authority=huancui, year=2026, amount="1000")
    with django_assert_num_queries(BUDGET_QUERIES):
        assert len(client.get(BUDGET, {"year": 2026}).context["years"]) == 3


BUDGET_QUERIES = 19


@pytest.mark.parametrize("year", ["abc", "1999", "2101"])
def test_a_year_out_of_range_is_not_found(client, olivia, year):
    client.force_login(olivia)
    assert client.get(BUDGET, {"year": year}).status_code == 404


def test_the_officers_home_and_the_approvers_menu_lead_to_the_budget(client, olivia):
    client.force_login(olivia)
    [section] = client.get(reverse("core:home")).context["sections"]
    assert {"label": "津贴预算与支出", "url": BUDGET, "count": None} in section["links"]
    approver = make_user("pat", Role.PAYROLL_APPROVER)
    client.force_login(approver)
    assert client.get(reverse("core:home")).context["nav_items"] == [
        {"label": "津贴发放", "url": reverse("subsidy:batch_list")},
        {"label": "津贴预算", "url": BUDGET},
    ]
