"""What each month of a term is owed (第4条, 第12条): a whole term, the re-review that gates the second year,
status changes confirmed and pending, the bank account, and the sibling programmes' policies."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from chieftech.policy.models import SubsidyCadence, SubsidyFirstMonth
from chieftech.subsidy.domain.entitlement import MonthState, entitlements_compute
from chieftech.tenure.domain.transitions import tenure_transition
from chieftech.tenure.models import AnnualReview, StatusChange, StatusChangeState, Tenure, TenureStatus
from tests.factories import make_bank_account, make_round, make_tenure

PASSED, FAILED, PENDING = AnnualReview.State.PASSED, AnnualReview.State.FAILED, AnnualReview.State.PENDING


@pytest.fixture
def tenure(alice, gina, olivia):
    tenure = make_tenure(alice, gina, officer=olivia, starts_on=date(2024, 12, 27))
    make_bank_account(tenure, number="6222 0216 0300 1234 567")
    return tenure


def compute(tenure, through=None):
    fresh = Tenure.objects.select_related("policy").get(pk=tenure.pk)
    return entitlements_compute(tenures=[fresh], through=through)[tenure.pk]


def review(tenure, state, year=1):
    AnnualReview.objects.create(tenure=tenure, review_year=year, state=state)


def states(entitlement):
    return [(m.month, m.state, m.code) for m in entitlement.months]


def month(year, m):
    return date(year, m, 1)


def months_between(first, count):
    index = first.year * 12 + first.month - 1
    return [date((index + k) // 12, (index + k) % 12 + 1, 1) for k in range(count)]


@pytest.mark.parametrize(
    ("starts_on", "first", "last"),
    [
        (date(2024, 12, 27), month(2025, 1), month(2026, 12)),
        (date(2025, 1, 1), month(2025, 1), month(2026, 12)),
    ],
)
def test_a_whole_term_pays_24_months_of_500_whichever_day_it_starts(
    alice, gina, olivia, starts_on, first, last
):
    tenure = make_tenure(alice, gina, officer=olivia, starts_on=starts_on)
    make_bank_account(tenure, number="6222021603001234567")
    review(tenure, PASSED)

    entitlement = compute(tenure)

    assert [m.month for m in entitlement.months] == months_between(first, 24)
    assert (entitlement.months[0].month, entitlement.months[-1].month) == (first, last)
    assert {m.state for m in entitlement.months} == {MonthState.PAYABLE}
    assert entitlement.standard == Decimal("500.00")
    assert entitlement.total_payable == Decimal("12000.00")


def test_the_start_month_rule_counts_the_month_the_term_starts(tenure):
    tenure.policy.subsidy_first_month = SubsidyFirstMonth.START_MONTH
    tenure.policy.save(update_fields=["subsidy_first_month"])
    review(tenure, PASSED)

    entitlement = compute(tenure)

    assert [m.month for m in entitlement.months] == months_between(month(2024, 12), 24)
    assert entitlement.total_payable == Decimal("12000.00")


@pytest.mark.parametrize(
    ("review_state", "state", "code", "reason"),
    [
        (None, MonthState.HELD, "review_pending", "管理期第1年复核认定尚未通过，通过后补发（第十二条）"),
        (PENDING, MonthState.HELD, "review_pending", "管理期第1年复核认定尚未通过，通过后补发（第十二条）"),
        (FAILED, MonthState.STOPPED, "review_failed", "管理期第1年复核认定未通过，不再发放（第十二条）"),
        (PASSED, MonthState.PAYABLE, "", ""),
    ],
)
def test_months_13_to_24_follow_the_first_re_review(tenure, review_state, state, code, reason):
    if review_state is not None:
        review(tenure, review_state)

    entitlement = compute(tenure)

    assert {(m.state, m.code) for m in entitlement.months[:12]} == {(MonthState.PAYABLE, "")}
    assert {(m.state, m.code, m.reason) for m in entitlement.months[12:]} == {(state, code, reason)}
    assert entitlement.months[12].month == month(2026, 1)


def test_a_suspension_stops_from_the_next_month_and_a_resumption_restarts_from_the_month_after(
    tenure, olivia
):
    review(tenure, PASSED)
    tenure_transition(
        actor=olivia, tenure=tenure, to_status=TenureStatus.SUSPENDED, effective_on=date(2025, 6, 16)
    )

    suspended = compute(tenure)

    by_month = {m.month: m for m in suspended.months}
    assert by_month[month(2025, 6)].state == MonthState.PAYABLE
    assert by_month[month(2025, 7)].state == MonthState.STOPPED
    assert by_month[month(2025, 7)].reason == "自2025年6月16日起保留资格、停止待遇，次月起停发（第十二条）"
    assert by_month[month(2026, 12)].state == MonthState.STOPPED
    assert suspended.total_payable == Decimal("3000.00")

    tenure.refresh_from_db()
    tenure_transition(
        actor=olivia, tenure=tenure, to_status=TenureStatus.ACTIVE, effective_on=date(2025, 9, 3)
    )

    resumed = {m.month: m.state for m in compute(tenure).months}
    assert [resumed[m] for m in months_between(month(2025, 6), 5)] == [
        MonthState.PAYABLE,  # June: the suspension's own month
        MonthState.STOPPED,  # July
        MonthState.STOPPED,  # August
        MonthState.STOPPED,  # September: the resumption's own month
        MonthState.PAYABLE,  # October
    ]


def test_a_pending_status_change_holds_the_months_after_its_effective_month(tenure, alice):
    review(tenure, PASSED)
    StatusChange.objects.create(
        tenure=tenure,
        kind="left_skill_post",
        state=StatusChangeState.REPORTED,
        effective_on=date(2025, 10, 8),
        reason="调离技能岗位",
        reported_by=alice,
        reported_as="enterprise",
        reporting_enterprise=tenure.enterprise,
        reported_at=timezone.now(),
    )

    by_month = {m.month: m for m in compute(tenure).months}

    assert by_month[month(2025, 10)].state == MonthState.PAYABLE
    assert (by_month[month(2025, 11)].state, by_month[month(2025, 11)].code) == (
        MonthState.HELD,
        "status_pending",
    )
    assert by_month[month(2025, 11)].reason == "人员变动待区人社局确认（第十六条）"


def test_without_a_confirmed_account_every_month_is_held(alice, gina, olivia):
    tenure = make_tenure(alice, gina, officer=olivia, starts_on=date(2024, 12, 27))

    entitlement = compute(tenure, through=month(2025, 3))

    assert states(entitlement) == [
        (m, MonthState.HELD, "no_account") for m in months_between(month(2025, 1), 3)
    ]
    assert entitlement.months[0].reason == "尚无已确认的津贴发放账户"


def test_an_account_from_a_later_month_leaves_the_earlier_months_held(alice, gina, olivia):
    tenure = make_tenure(alice, gina, officer=olivia, starts_on=date(2024, 12, 27))
    account = make_bank_account(tenure, number="6222021603001234567", applies_from=date(2025, 3, 1))

    entitlement = compute(tenure, through=month(2025, 4))

    assert [(m.state, m.bank_account_id) for m in entitlement.months] == [
        (MonthState.HELD, None),
        (MonthState.HELD, None),
        (MonthState.PAYABLE, account.pk),
        (MonthState.PAYABLE, account.pk),
    ]


@pytest.mark.parametrize("cadence", [SubsidyCadence.QUARTERLY, SubsidyCadence.YEARLY])
def test_a_deferred_first_year_is_due_from_the_next_first_of_january(alice, gina, olivia, cadence):
    tenure = make_tenure(alice, gina, officer=olivia, starts_on=date(2025, 3, 18))
    make_bank_account(tenure, number="6222021603001234567")
    policy = tenure.policy
    policy.subsidy_cadence = cadence
    policy.subsidy_first_year_deferred = True
    policy.save(update_fields=["subsidy_cadence", "subsidy_first_year_deferred"])

    entitlement = compute(tenure, through=month(2026, 2))

    assert [(m.month, m.due_from) for m in entitlement.months] == [
        *[(m, date(2026, 1, 1)) for m in months_between(month(2025, 4), 9)],
        (month(2026, 1), month(2026, 1)),
        (month(2026, 2), month(2026, 2)),
    ]


def test_a_province_like_policy_pays_1000_for_48_months_reviewed_every_12(alice, gina, olivia):
    tenure = make_tenure(alice, gina, officer=olivia, starts_on=date(2025, 1, 1))
    make_bank_account(tenure, number="6222021603001234567")
    policy = tenure.policy
    policy.monthly_subsidy = Decimal("1000.00")
    policy.management_period_months = 48
    policy.review_interval_months = 12
    policy.save(update_fields=["monthly_subsidy", "management_period_months", "review_interval_months"])
    review(tenure, PASSED, year=1)
    review(tenure, FAILED, year=2)

    entitlement = compute(tenure)

    assert len(entitlement.months) == 48
    assert [m.state for m in entitlement.months[::12]] == [
        MonthState.PAYABLE,
        MonthState.PAYABLE,
        MonthState.STOPPED,
        MonthState.HELD,
    ]
    assert entitlement.months[36].reason == "管理期第3年复核认定尚未通过，通过后补发（第十二条）"
    assert entitlement.total_payable == Decimal("24000.00")

    review(tenure, PASSED, year=3)
    AnnualReview.objects.filter(tenure=tenure, review_year=2).update(state=PASSED)
    assert compute(tenure).total_payable == Decimal("48000.00")


def test_the_query_count_does_not_grow_with_tenures(alice, gina, olivia, django_assert_num_queries):
    round_ = make_round(olivia)
    tenures = [make_tenure(alice, gina, round_=round_, name=f"张{k}") for k in range(3)]
    for t in tenures:
        make_bank_account(t, number=f"622202160300123456{len(t.application.name)}")
        review(t, PASSED)
    tenure_transition(
        actor=olivia, tenure=tenures[2], to_status=TenureStatus.SUSPENDED, effective_on=date(2025, 6, 1)
    )
    loaded = list(Tenure.objects.select_related("policy").filter(pk=tenures[0].pk))
    with django_assert_num_queries(4):
        entitlements_compute(tenures=loaded)
    loaded = list(Tenure.objects.select_related("policy").filter(pk__in=[t.pk for t in tenures]))
    with django_assert_num_queries(4):
        entitlements_compute(tenures=loaded)
