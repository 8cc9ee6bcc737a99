"""The officer's pages: the reviews due and opened, opening one with confirmation, a campaign's reviews."""

from datetime import date, timedelta

import lxml.html
import pytest
from django.urls import reverse
from django.utils import timezone

from chieftech.core.dates import date_zh
from chieftech.review.domain.campaigns import review_campaign_open
from chieftech.review.models import ReviewCampaign
from chieftech.tenure.domain.terms import review_period
from chieftech.tenure.models import AnnualReview
from tests.publicity.test_notice import calendar_known_from_today
from tests.review.conftest import at, cohort_of
from tests.test_irreversible_actions import asked, confirm

LIST = reverse("review:campaign_list")
OPEN = reverse("review:campaign_open")
# Measured with 1 and 3 rows: the same.
QUERIES_CAMPAIGN_DETAIL = 12
QUERIES_CAMPAIGN_LIST = 12


@pytest.fixture
def due_cohort(alice, gina, olivia):
    """A cohort whose year 1 ends within the next 60 days, whatever today is."""
    calendar_known_from_today()
    return cohort_of(alice, gina, olivia, 3, starts_on=timezone.localdate() - timedelta(days=340))


def _rows(response, table_id: str) -> list[list[str]]:
    doc = lxml.html.fromstring(response.content.decode())
    return [
        [" ".join(td.text_content().split()) for td in tr.xpath("./td")]
        for tr in doc.get_element_by_id(table_id).xpath(".//tbody/tr")
    ]


def test_the_officer_opens_a_due_review_after_confirming(client, olivia, due_cohort):
    round_ = due_cohort[0].application.round
    start, end = review_period(starts_on=due_cohort[0].starts_on, review_year=1, interval_months=12)
    client.force_login(olivia)

    assert _rows(client.get(LIST), "campaign-list")[0][:4] == [
        round_.title,
        "管理期第1年",
        f"{date_zh(start)}至{date_zh(end)}",
        "3",
    ]
    response = client.post(OPEN, {"round": round_.pk, "review_year": 1})
    assert asked(response)[2] == "确认开启复核"
    assert ReviewCampaign.objects.count() == 0

    response = confirm(client, response)

    campaign = ReviewCampaign.objects.get()
    assert response["Location"] == reverse("review:campaign_detail", args=[campaign.pk])
    assert AnnualReview.objects.filter(campaign=campaign).count() == 3
    # The same confirmation sent again opens nothing more.
    client.post(OPEN, {"round": round_.pk, "review_year": 1, "confirmed": "yes"})
    assert (ReviewCampaign.objects.count(), AnnualReview.objects.count()) == (1, 3)


def test_another_authoritys_officer_cannot_open_or_see_it(client, walter, olivia, cohort):
    round_ = cohort[0].application.round
    client.force_login(walter)

    response = client.post(OPEN, {"round": round_.pk, "review_year": 1, "confirmed": "yes"})

    assert response.status_code == 404
    assert ReviewCampaign.objects.count() == 0
    campaign = review_campaign_open(actor=olivia, round_=round_, review_year=1, now=at(2025, 12, 1))
    assert client.get(reverse("review:campaign_detail", args=[campaign.pk])).status_code == 404
    assert "2026年度环翠区首席技师选拔" not in client.get(LIST).content.decode()


@pytest.mark.parametrize("who", ["alice", "harry"])
def test_enterprise_users_and_holders_are_refused_the_officers_pages(client, request, cohort, harry, who):
    client.force_login(request.getfixturevalue(who))

    assert client.get(LIST).status_code == 403
    assert client.post(OPEN, {"round": cohort[0].application.round_id, "review_year": 1}).status_code == 403


def test_the_campaign_page_lists_each_review(client, olivia, cohort, harry):
    campaign = review_campaign_open(
        actor=olivia, round_=cohort[0].application.round, review_year=1, now=at(2025, 12, 1)
    )
    client.force_login(olivia)

    response = client.get(reverse("review:campaign_detail", args=[campaign.pk]))

    assert _rows(response, "campaign-reviews") == [
        [name, occupation, "威海甲精密机械有限公司", "待报送材料", "2025年12月22日", "—", "—", "查看"]
        for name, occupation in sorted((t.application.name, t.application.occupation) for t in cohort)
    ]


def _campaign_with(olivia, alice, gina, n: int) -> ReviewCampaign:
    tenures = cohort_of(alice, gina, olivia, n)
    return review_campaign_open(
        actor=olivia, round_=tenures[0].application.round, review_year=1, now=at(2025, 12, 1)
    )


@pytest.mark.parametrize("n", [1, 3])
def test_the_campaign_page_reads_the_same_queries_for_1_and_3_reviews(
    client, olivia, alice, gina, django_assert_num_queries, n
):
    campaign = _campaign_with(olivia, alice, gina, n)
    client.force_login(olivia)
    url = reverse("review:campaign_detail", args=[campaign.pk])
    client.get(url)

    with django_assert_num_queries(QUERIES_CAMPAIGN_DETAIL):
        response = client.get(url)
    assert len(_rows(response, "campaign-reviews")) == n


@pytest.mark.parametrize("n", [1, 3])
def test_the_campaign_list_reads_the_same_queries_for_1_and_3_cohorts(
    client, olivia, alice, gina, django_assert_num_queries, n
):
    from tests.factories import make_round, make_tenure

    for k in range(n):
        round_ = make_round(olivia, title=f"第{k}批环翠区首席技师选拔", year=2020 + 2 * k, confirmed=True)
        tenure = make_tenure(alice, gina, round_=round_, name=f"张{k}", starts_on=date(2024, 12, 27))
        review_campaign_open(
            actor=olivia, round_=tenure.application.round, review_year=1, now=at(2025, 12, 1)
        )
    client.force_login(olivia)
    client.get(LIST)

    with django_assert_num_queries(QUERIES_CAMPAIGN_LIST):
        response = client.get(LIST)
    assert len(_rows(response, "campaign-list")) == n
