"""The budget figure, the spending against it and next year's forecast (chieftech.subsidy.domain.budget)."""

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from chieftech.accounts.roles import Role
from chieftech.audit.models import AuditRecord
from chieftech.core.errors import DomainError
from chieftech.policy.models import Authority
from chieftech.subsidy.domain.budget import (
    Spending,
    budget_set,
    forecast_year,
    spending_by_month,
    spending_by_year,
)
from chieftech.subsidy.models import PayrollLine, SubsidyBudget
from chieftech.tenure.models import AnnualReview
from tests.factories import (
    SHANGHAI,
    make_bank_account,
    make_payroll_batch,
    make_round,
    make_tenure,
    make_user,
)

D = Decimal
NOW = datetime(2026, 12, 3, 9, 0, tzinfo=SHANGHAI)


@pytest.fixture
def huancui_authority(db):
    return Authority.objects.get(code="huancui")


def five_terms(alice, gina, olivia):
    """Five terms of December 2024 (months 1–12 in 2025, 13–24 in 2026): three passed the first re-review, two
    wait for it; the fifth has no bank account, so its 2025 months are held (arrears)."""
    round_ = make_round(olivia)
    tenures = [make_tenure(alice, gina, round_=round_, name=f"持证人{i}") for i in range(1, 6)]
    for i, tenure in enumerate(tenures[:4], start=1):
        make_bank_account(tenure, number=f"62220203000000{i:04d}")
    for tenure, state in zip(tenures, ["passed"] * 3 + ["submitted", "pending"], strict=True):
        AnnualReview.objects.create(tenure=tenure, review_year=1, state=state)
    return tenures


def test_the_forecast_counts_the_passed_as_certain_and_the_pending_as_uncertain(
    alice, gina, olivia, huancui_authority
):
    tenures = five_terms(alice, gina, olivia)
    # 2025 paid in one batch for the four with an account; January 2026 for the three who passed.
    make_payroll_batch(
        olivia,
        period=date(2025, 12, 1),
        lines=[(t, [date(2025, m, 1) for m in range(1, 13)]) for t in tenures[:4]],
        state="completed",
    )
    make_payroll_batch(
        olivia,
        period=date(2026, 1, 1),
        lines=[(t, [date(2026, 1, 1)]) for t in tenures[:3]],
        state="completed",
    )

    forecast = forecast_year(authority=huancui_authority, year=2026)

    assert forecast.certain == [D("0.00")] + [D("1500.00")] * 11
    assert forecast.uncertain == [D("1000.00")] * 12
    assert (forecast.arrears_certain, forecast.arrears_uncertain) == (D("6000.00"), D("0.00"))
    assert (forecast.certain_total, forecast.uncertain_total, forecast.total) == (
        D("22500.00"),
        D("12000.00"),
        D("34500.00"),
    )
    assert (forecast.people, forecast.people_uncertain) == (5, 2)


def test_the_forecast_leaves_out_failed_reviews_stopped_months_and_other_authorities(
    alice, gina, olivia, huancui_authority
):
    from tests.factories import make_weihai

    tenures = five_terms(alice, gina, olivia)
    AnnualReview.objects.filter(tenure=tenures[3]).update(state="failed")
    weihai = make_weihai()
    tenures[4].authority = weihai
    tenures[4].save(update_fields=["authority"])

    forecast = forecast_year(authority=huancui_authority, year=2026)

    assert forecast.certain == [D("1500.00")] * 12
    assert forecast.uncertain == [D("0.00")] * 12
    # The four with an account: 2025 payable and not paid, but not held: this year's business, not arrears.
    assert (forecast.arrears_certain, forecast.arrears_uncertain, forecast.people) == (
        D("0.00"),
        D("0.00"),
        3,
    )
    assert forecast_year(authority=weihai, year=2026).uncertain == [D("500.00")] * 12


def test_a_year_after_the_terms_forecasts_only_the_arrears(alice, gina, olivia, huancui_authority):
    five_terms(alice, gina, olivia)

    forecast = forecast_year(authority=huancui_authority, year=2027)

    assert (forecast.certain, forecast.uncertain) == ([D("0.00")] * 12, [D("0.00")] * 12)
    # The fifth holder's 2025 (no account) is certain; the 2026 months of the two pending are uncertain.
    assert (forecast.arrears_certain, forecast.arrears_uncertain) == (D("6000.00"), D("12000.00"))
    assert (forecast.people, forecast.people_uncertain) == (2, 2)


def test_spending_is_what_the_bank_paid_by_month_and_by_year(alice, gina, olivia, huancui_authority):
    tenures = five_terms(alice, gina, olivia)
    make_payroll_batch(
        olivia, period=date(2025, 12, 1), lines=[(tenures[0], [date(2025, 12, 1)])], state="completed"
    )
    make_payroll_batch(
        olivia,
        period=date(2026, 3, 1),
        lines=[(t, [date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1)]) for t in tenures[:3]],
        state="completed",
    )
    # Offsets and tax are shown apart from the gross; an exported line is not spending yet.
    PayrollLine.objects.filter(tenure=tenures[0], batch__period_start=date(2026, 3, 1)).update(
        offset=D("500.00"), tax=D("100.00"), net=D("900.00")
    )
    make_payroll_batch(
        olivia, period=date(2026, 4, 1), lines=[(tenures[0], [date(2026, 4, 1)])], state="exported"
    )

    months = spending_by_month(authority=huancui_authority, year=2026)

    assert len(months) == 12
    # The seeded policy withholds 劳务报酬 tax: 1,500 yuan less 800, at 20% = 140.00 on each of the other two.
    assert months[2] == Spending(
        period=3, lines=3, gross=D("4500.00"), offset=D("500.00"), tax=D("380.00"), net=D("3620.00")
    )
    assert [m.gross for m in months] == [D("0.00")] * 2 + [D("4500.00")] + [D("0.00")] * 9
    assert spending_by_year(authority=huancui_authority) == [
        Spending(period=2025, lines=1, gross=D("500.00"), net=D("500.00")),
        Spending(
            period=2026, lines=3, gross=D("4500.00"), offset=D("500.00"), tax=D("380.00"), net=D("3620.00")
        ),
    ]


def test_the_officer_enters_the_budget_and_changes_it_audited(olivia, huancui_authority):
    budget = budget_set(
        actor=olivia, authority=huancui_authority, year=2027, amount="360000", note="财政预算批复", now=NOW
    )
    budget_set(actor=olivia, authority=huancui_authority, year=2027, amount="330000.50", note="调整", now=NOW)

    budget.refresh_from_db()
    assert (budget.amount, budget.note, budget.entered_by) == (D("330000.50"), "调整", olivia)
    records = AuditRecord.objects.filter(object_type="subsidy.subsidybudget").order_by("pk")
    assert [(r.action, r.before, r.after) for r in records] == [
        ("subsidy.budget_set", None, {"year": 2027, "amount": "360000.00", "note": "财政预算批复"}),
        (
            "subsidy.budget_change",
            {"year": 2027, "amount": "360000.00", "note": "财政预算批复"},
            {"year": 2027, "amount": "330000.50", "note": "调整"},
        ),
    ]
    # The same figure again changes nothing and records nothing.
    budget_set(actor=olivia, authority=huancui_authority, year=2027, amount="330000.50", note="调整", now=NOW)
    assert records.count() == 2


@pytest.mark.parametrize(
    ("amount", "code"),
    [
        ("-1", "negative_amount"),
        ("12.345", "fen"),
        ("abc", "invalid_amount"),
        ("", "invalid_amount"),
        ("1e20", "too_large"),
    ],
)
def test_a_budget_is_yuan_to_the_fen_and_not_negative(olivia, huancui_authority, amount, code):
    with pytest.raises(DomainError) as refused:
        budget_set(actor=olivia, authority=huancui_authority, year=2027, amount=amount, now=NOW)
    assert (refused.value.field, refused.value.code) == ("amount", code)
    assert SubsidyBudget.objects.count() == 0


@pytest.mark.parametrize("role", [Role.PAYROLL_APPROVER, Role.GOVERNMENT, Role.AUDITOR])
def test_only_the_authoritys_officer_enters_the_budget(db, huancui_authority, role):
    from tests.factories import make_weihai

    weihai_officer = make_user("weihai-officer", Role.OFFICER, authority=make_weihai())
    for actor in (make_user(f"{role}-user", role), weihai_officer):
        with pytest.raises(PermissionDenied):
            budget_set(actor=actor, authority=huancui_authority, year=2027, amount="1", now=NOW)
    assert SubsidyBudget.objects.count() == 0


def test_a_deferred_first_year_falls_due_the_next_january(alice, gina, olivia, huancui_authority):
    from chieftech.policy.models import PolicyVersion

    round_ = make_round(olivia)
    tenure = make_tenure(alice, gina, round_=round_, starts_on=date(2025, 7, 1))
    PolicyVersion.objects.filter(pk=tenure.policy_id).update(subsidy_first_year_deferred=True)
    make_bank_account(tenure, number="6222020300001111")

    forecast_2025 = forecast_year(authority=huancui_authority, year=2025)
    forecast_2026 = forecast_year(authority=huancui_authority, year=2026)

    # July–December 2025 are paid with January 2026; months 13–24 (from July 2026) wait for the re-review.
    assert (sum(forecast_2025.certain), forecast_2025.people) == (D("0.00"), 0)
    assert forecast_2026.certain == [D("3500.00")] + [D("500.00")] * 5 + [D("0.00")] * 6
    assert forecast_2026.uncertain == [D("0.00")] * 6 + [D("500.00")] * 6
