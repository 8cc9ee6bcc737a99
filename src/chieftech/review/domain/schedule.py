"""Which re-reviews fall due (第8条, 第12条): for each cohort of an authority, the years of the term the policy
reviews, the period each looks at, and whether the officer has opened it yet.

A policy reviews every `review_interval_months` of the term, never at its very end (the term then ends, 第16条):
Huancui's 24 months with 12 give one review, after year 1; a 48-month term with 12 gives years 1, 2 and 3;
an interval of 0 reviews nothing.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Min, Q

from chieftech.review.models import ReviewCampaign
from chieftech.selection.models import Round
from chieftech.tenure.domain.terms import review_period
from chieftech.tenure.models import TenureStatus

# An officer sees a review coming this many days before its period ends, time to open it as the year closes.
DUE_WITHIN_DAYS = 60
# Terms that keep the title (第16条(一): a suspended holder keeps it) and so are reviewed.
REVIEWED_STATUSES = (TenureStatus.ACTIVE, TenureStatus.SUSPENDED)


@dataclass(frozen=True)
class DueReview:
    round: Round
    review_year: int
    period_start: date
    period_end: date
    terms: int  # the terms it concerns: the campaign's reviews once opened, the reviewable terms before
    campaign: ReviewCampaign | None

    @property
    def due(self) -> bool:
        return self.campaign is None


def review_years(*, management_period_months: int, interval_months: int) -> list[int]:
    """The years k of the term reviewed: k * interval before the term's end."""
    if not interval_months:
        return []
    return [
        k
        for k in range(1, management_period_months // interval_months + 1)
        if k * interval_months < management_period_months
    ]


def reviews_due(*, authority, today: date) -> list[DueReview]:
    """The authority's opened campaigns and the reviews due to be opened: a period ending within
    DUE_WITHIN_DAYS or already ended, with terms left to review. In the order of their periods."""
    rounds = (
        Round.objects.filter(authority=authority)
        .select_related("policy")
        .annotate(
            first_start=Min("applications__tenure__starts_on"),
            reviewable=Count(
                "applications__tenure", filter=Q(applications__tenure__status__in=REVIEWED_STATUSES)
            ),
        )
        .filter(first_start__isnull=False)
    )
    campaigns = {
        (c.round_id, c.review_year): c
        for c in ReviewCampaign.objects.filter(authority=authority).annotate(review_count=Count("reviews"))
    }
    horizon = today + timedelta(days=DUE_WITHIN_DAYS)
    items = []
    for round_ in rounds:
        policy = round_.policy
        for year in review_years(
            management_period_months=policy.management_period_months,
            interval_months=policy.review_interval_months,
        ):
            start, end = review_period(
                starts_on=round_.first_start, review_year=year, interval_months=policy.review_interval_months
            )
            campaign = campaigns.get((round_.pk, year))
            if campaign is not None:
                items.append(DueReview(round_, year, start, end, campaign.review_count, campaign))
            elif end <= horizon and round_.reviewable:
                items.append(DueReview(round_, year, start, end, round_.reviewable, None))
    items.sort(key=lambda item: (item.period_end, item.round.pk, item.review_year))
    return items
