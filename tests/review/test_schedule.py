"""Which re-reviews fall due: one after year 1 of Huancui's 24-month term; years 1–3 of a 48-month term."""

from datetime import date

from chieftech.policy.models import PolicyVersion
from chieftech.review.domain.campaigns import review_campaign_open
from chieftech.review.domain.schedule import review_years, reviews_due
from chieftech.tenure.models import TenureStatus
from tests.factories import huancui
from tests.review.conftest import at


def _summary(items):
    return [
        (i.round.title, i.review_year, i.period_start, i.period_end, i.terms, i.campaign is not None)
        for i in items
    ]


def test_the_policy_reviews_every_interval_but_never_at_the_end_of_the_term():
    assert review_years(management_period_months=24, interval_months=12) == [1]
    assert review_years(management_period_months=48, interval_months=12) == [1, 2, 3]
    assert review_years(management_period_months=36, interval_months=18) == [1]
    assert review_years(management_period_months=24, interval_months=0) == []


def test_huancuis_year_1_review_is_due_sixty_days_before_its_period_ends(cohort):
    authority = huancui()
    round_title = cohort[0].application.round.title

    assert reviews_due(authority=authority, today=date(2025, 10, 26)) == []
    assert _summary(reviews_due(authority=authority, today=date(2025, 10, 27))) == [
        (round_title, 1, date(2024, 12, 27), date(2025, 12, 26), 3, False)
    ]
    # Past its period and still not opened: still due.
    assert _summary(reviews_due(authority=authority, today=date(2026, 3, 1))) == [
        (round_title, 1, date(2024, 12, 27), date(2025, 12, 26), 3, False)
    ]


def test_an_opened_review_is_listed_with_its_campaign_and_its_reviews(cohort, olivia):
    round_ = cohort[0].application.round
    cohort[2].status = TenureStatus.REVOKED
    cohort[2].save(update_fields=["status"])
    campaign = review_campaign_open(actor=olivia, round_=round_, review_year=1, now=at(2025, 12, 1))

    [item] = reviews_due(authority=huancui(), today=date(2025, 12, 1))

    assert (item.campaign, item.terms, item.due) == (campaign, 2, False)


def test_a_48_month_policy_reviews_years_1_2_and_3_each_in_its_turn(cohort):
    round_ = cohort[0].application.round
    PolicyVersion.objects.filter(pk=round_.policy_id).update(management_period_months=48)

    assert _summary(reviews_due(authority=huancui(), today=date(2026, 11, 1))) == [
        (round_.title, 1, date(2024, 12, 27), date(2025, 12, 26), 3, False),
        (round_.title, 2, date(2025, 12, 27), date(2026, 12, 26), 3, False),
    ]
    assert [i.review_year for i in reviews_due(authority=huancui(), today=date(2028, 12, 1))] == [1, 2, 3]


def test_a_cohort_with_no_term_left_to_review_is_not_due(cohort):
    for tenure in cohort:
        tenure.status = TenureStatus.NOT_RENEWED
        tenure.save(update_fields=["status"])

    assert reviews_due(authority=huancui(), today=date(2025, 12, 1)) == []


def test_another_authoritys_cohorts_are_not_listed(cohort, weihai):
    assert reviews_due(authority=weihai, today=date(2025, 12, 1)) == []
