"""Opening and closing a cohort's re-review: who may, the deadline on the working-day calendar, the reviews
made (suspended holders included, ended terms skipped), the notifications."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied

from chieftech.audit.models import AuditRecord
from chieftech.core.errors import DomainError
from chieftech.core.models import Notification
from chieftech.policy.models import CalendarYear
from chieftech.review.domain.campaigns import review_campaign_close, review_campaign_open
from chieftech.review.models import CampaignState, ReviewCampaign
from chieftech.tenure.models import AnnualReview, TenureStatus
from tests.factories import make_round, make_tenure
from tests.review.conftest import at


@pytest.fixture
def round_(cohort):
    return cohort[0].application.round


def test_opening_counts_the_deadline_on_the_calendar_across_national_day(round_, olivia, cohort, harry):
    # Opened on Friday 26 September 2025: 15 working days from the 27th, with 28 Sept and 11 Oct worked
    # (调休) and 1–8 October off.
    campaign = review_campaign_open(actor=olivia, round_=round_, review_year=1, now=at(2025, 9, 26))

    assert (campaign.deadline, campaign.working_days, campaign.state) == (date(2025, 10, 23), 15, "open")
    assert (campaign.period_start, campaign.period_end, campaign.title) == (
        date(2024, 12, 27),
        date(2025, 12, 26),
        "2026年度环翠区首席技师选拔管理期第1年复核认定",
    )
    reviews = AnnualReview.objects.filter(campaign=campaign).order_by("tenure__application__name")
    assert [
        (r.tenure.application.name, r.state, r.deadline, r.period_start, r.period_end, r.policy_id)
        for r in reviews
    ] == [
        (
            t.application.name,
            "pending",
            date(2025, 10, 23),
            date(2024, 12, 27),
            date(2025, 12, 26),
            round_.policy_id,
        )
        for t in sorted(cohort, key=lambda t: t.application.name)
    ]
    record = AuditRecord.objects.get(action="review.campaign_open")
    assert (record.after["reviews"], record.after["deadline"]) == (3, "2025-10-23")


def test_a_suspended_holder_is_reviewed_and_ended_terms_are_not(round_, olivia, cohort):
    cohort[1].status = TenureStatus.SUSPENDED
    cohort[2].status = TenureStatus.EXPIRED
    for tenure in cohort[1:]:
        tenure.save(update_fields=["status"])

    campaign = review_campaign_open(actor=olivia, round_=round_, review_year=1, now=at(2025, 12, 1))

    assert sorted(campaign.reviews.values_list("tenure__application__name", flat=True)) == sorted(
        [cohort[0].application.name, cohort[1].application.name]
    )


def test_the_holder_and_the_enterprise_are_told_the_deadline(round_, olivia, cohort, harry, alice, bob):
    campaign = review_campaign_open(actor=olivia, round_=round_, review_year=1, now=at(2025, 12, 1))
    review = campaign.reviews.get(tenure=cohort[0])

    assert [(n.subject, n.url) for n in Notification.objects.filter(user=harry)] == [
        (
            f"请报送复核认定材料：王建国（截止{campaign.deadline.year}年12月22日）",
            f"/review/reviews/{review.pk}/material/",
        )
    ]
    assert Notification.objects.filter(user=alice).count() == 3
    assert Notification.objects.filter(user=bob).count() == 0
    assert Notification.objects.get(user=harry).body == (
        "王建国的管理期第1年复核认定已开启，复核期间为2024年12月27日至2025年12月26日。请于2025年12月22日24时前"
        "在线报送复核申请表、主要技术成果和奖励、带徒协议及徒弟技能等级证书等材料，逾期不能报送。"
    )


def test_a_second_campaign_for_the_same_year_is_refused(round_, olivia, cohort):
    review_campaign_open(actor=olivia, round_=round_, review_year=1, now=at(2025, 12, 1))

    with pytest.raises(DomainError) as refused:
        review_campaign_open(actor=olivia, round_=round_, review_year=1, now=at(2025, 12, 2))

    assert refused.value.message == "2026年度环翠区首席技师选拔管理期第1年的复核认定已经开启，不能重复开启。"
    assert (ReviewCampaign.objects.count(), AnnualReview.objects.count()) == (1, 3)


def test_a_year_the_policy_does_not_review_is_refused(round_, olivia, cohort):
    with pytest.raises(DomainError) as refused:
        review_campaign_open(actor=olivia, round_=round_, review_year=2, now=at(2026, 12, 1))

    assert refused.value.message == (
        f"《{round_.policy.title}》规定的复核年度为：第1年，不能开启管理期第2年的复核。"
    )
    assert ReviewCampaign.objects.count() == 0


def test_a_cohort_with_no_term_to_review_is_refused(olivia, cohort):
    empty = make_round(olivia, title="2027年度环翠区首席技师选拔", year=2027, confirmed=True)

    with pytest.raises(DomainError) as refused:
        review_campaign_open(actor=olivia, round_=empty, review_year=1, now=at(2025, 12, 1))

    assert refused.value.message == "2027年度环翠区首席技师选拔没有需要复核的首席技师（在管理期内的）。"


def test_a_year_without_calendar_data_tells_the_admin_to_enter_it(round_, olivia, cohort):
    with pytest.raises(DomainError) as refused:
        review_campaign_open(actor=olivia, round_=round_, review_year=1, now=at(2029, 12, 20))

    assert refused.value.message == (
        "无法计算材料报送截止日期：系统中缺少2029年的节假日安排。"
        "请系统管理员先在“工作日历”中录入2029年的放假和调休安排，再开启复核。"
    )
    assert ReviewCampaign.objects.count() == 0
    CalendarYear.objects.create(year=2029, source="测试用：周一至周五", complete=True)
    CalendarYear.objects.create(year=2030, source="测试用：周一至周五", complete=True)
    assert review_campaign_open(
        actor=olivia, round_=round_, review_year=1, now=at(2029, 12, 20)
    ).deadline == date(2030, 1, 10)


@pytest.mark.parametrize("who", ["walter", "alice", "harry", "gina"])
def test_only_the_rounds_own_officer_opens_it(request, round_, cohort, harry, who):
    with pytest.raises(PermissionDenied):
        review_campaign_open(
            actor=request.getfixturevalue(who), round_=round_, review_year=1, now=at(2025, 12, 1)
        )
    assert ReviewCampaign.objects.count() == 0


def test_a_campaign_closes_only_once_every_review_is_decided(round_, olivia, walter, cohort):
    campaign = review_campaign_open(actor=olivia, round_=round_, review_year=1, now=at(2025, 12, 1))

    with pytest.raises(DomainError) as refused:
        review_campaign_close(actor=olivia, campaign=campaign)
    assert refused.value.message == "尚有3人未作出复核结论，不能结束复核认定工作。"

    AnnualReview.objects.filter(campaign=campaign).update(state="passed")
    with pytest.raises(PermissionDenied):
        review_campaign_close(actor=walter, campaign=campaign)
    review_campaign_close(actor=olivia, campaign=campaign)
    campaign.refresh_from_db()
    assert (campaign.state, campaign.closed_by) == (CampaignState.CLOSED, olivia)

    with pytest.raises(DomainError):
        review_campaign_close(actor=olivia, campaign=campaign)
    assert AuditRecord.objects.filter(action="review.campaign_close").count() == 1


def test_another_cohorts_terms_are_not_opened(round_, olivia, cohort, alice, gina):
    second = make_round(olivia, title="2025年度环翠区首席技师选拔", year=2025, confirmed=True)
    other = make_tenure(alice, gina, round_=second, name="孙立军", starts_on=date(2024, 12, 27))

    review_campaign_open(actor=olivia, round_=round_, review_year=1, now=at(2025, 12, 1))

    assert AnnualReview.objects.filter(tenure=other).count() == 0
