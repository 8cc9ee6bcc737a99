"""Opening and closing a cohort's re-review (复核认定工作, 第8条, 第11条).

The officer of the round's authority opens the review of one year of the cohort's term: one `AnnualReview` per
term that keeps the title (active, or suspended: 第16条(一) keeps the title while the benefits stop), each with
its own period and the campaign's deadline for the material, counted on the working-day calendar from the day
after opening. Terms ended, not renewed or revoked are not reviewed. The campaign is closed once every review
is decided.
"""

from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

import chieftech.review.rules  # noqa: F401  (declares the rules asked here)
from chieftech.accounts.roles import Role, users_holding
from chieftech.audit.domain import audit_record
from chieftech.audit.transitions import transition
from chieftech.core.dates import date_zh
from chieftech.core.errors import DomainError
from chieftech.core.notify import Message, notify_many
from chieftech.core.permissions import require_perm
from chieftech.policy.calendar import CalendarDataMissing, nth_working_day
from chieftech.review.domain.schedule import REVIEWED_STATUSES, review_years
from chieftech.review.models import CampaignState, ReviewCampaign
from chieftech.selection.models import Round
from chieftech.tenure.domain.terms import review_period
from chieftech.tenure.models import AnnualReview, Tenure

DECIDED = (AnnualReview.State.PASSED, AnnualReview.State.FAILED)

REVIEW_CAMPAIGN_TRANSITIONS: dict[str, frozenset[str]] = {
    CampaignState.OPEN: frozenset({CampaignState.CLOSED}),
    CampaignState.CLOSED: frozenset(),
}


def review_campaign_transition(*, actor, campaign: ReviewCampaign, to: str, check=None, changes=None):
    """The one way a campaign changes state (locked, re-checked, audited)."""
    return transition(
        campaign,
        to=to,
        table=REVIEW_CAMPAIGN_TRANSITIONS,
        what="复核认定工作",
        actor=actor,
        action="review.campaign_close",
        check=check,
        changes=changes,
    )


def campaign_title(round_: Round, review_year: int) -> str:
    return f"{round_.title}管理期第{review_year}年复核认定"


def _deadline(opened_on, working_days: int):
    try:
        return nth_working_day(start=opened_on + timedelta(days=1), n=working_days)
    except CalendarDataMissing as exc:
        raise DomainError(
            f"无法计算材料报送截止日期：系统中缺少{exc.year}年的节假日安排。"
            f"请系统管理员先在“工作日历”中录入{exc.year}年的放假和调休安排，再开启复核。",
            code="calendar_missing",
        ) from None


def review_campaign_open(
    *, actor, round_: Round, review_year: int, now: datetime | None = None
) -> ReviewCampaign:
    """Open the re-review of `round_`'s cohort for year `review_year` of the term."""
    require_perm(actor, "review.campaign_open", round_, "只有本机关的区人社局经办人可以开启复核认定。")
    now = now or timezone.now()
    policy = round_.policy
    years = review_years(
        management_period_months=policy.management_period_months,
        interval_months=policy.review_interval_months,
    )
    if review_year not in years:
        allowed = "、".join(f"第{k}年" for k in years) or "不进行年度复核"
        raise DomainError(
            f"《{policy.title}》规定的复核年度为：{allowed}，不能开启管理期第{review_year}年的复核。",
            code="not_a_review_year",
        )
    opened_on = timezone.localdate(now)
    deadline = _deadline(opened_on, policy.review_submission_working_days)
    with transaction.atomic():
        Round.objects.select_for_update().get(pk=round_.pk)
        if ReviewCampaign.objects.filter(round=round_, review_year=review_year).exists():
            raise DomainError(
                f"{round_.title}管理期第{review_year}年的复核认定已经开启，不能重复开启。", code="exists"
            )
        tenures = list(
            Tenure.objects.filter(application__round=round_, status__in=REVIEWED_STATUSES)
            .exclude(reviews__review_year=review_year)
            .select_related("application", "user")
            .order_by("application__name", "pk")
        )
        if not tenures:
            raise DomainError(f"{round_.title}没有需要复核的首席技师（在管理期内的）。", code="no_terms")
        first, last = review_period(
            starts_on=min(t.starts_on for t in tenures),
            review_year=review_year,
            interval_months=policy.review_interval_months,
        )
        try:
            with transaction.atomic():
                campaign = ReviewCampaign.objects.create(
                    authority_id=round_.authority_id,
                    round=round_,
                    policy=policy,
                    review_year=review_year,
                    title=campaign_title(round_, review_year),
                    period_start=first,
                    period_end=last,
                    working_days=policy.review_submission_working_days,
                    deadline=deadline,
                    opened_by=actor,
                    opened_at=now,
                )
        except IntegrityError:
            raise DomainError(
                f"{round_.title}管理期第{review_year}年的复核认定已经开启，不能重复开启。", code="exists"
            ) from None
        reviews = []
        for tenure in tenures:
            start, end = review_period(
                starts_on=tenure.starts_on,
                review_year=review_year,
                interval_months=policy.review_interval_months,
            )
            reviews.append(
                AnnualReview(
                    tenure=tenure,
                    review_year=review_year,
                    campaign=campaign,
                    policy=policy,
                    period_start=start,
                    period_end=end,
                    deadline=deadline,
                )
            )
        AnnualReview.objects.bulk_create(reviews)
        audit_record(
            action="review.campaign_open",
            actor=actor,
            obj=campaign,
            after={
                "review_year": review_year,
                "period_start": first.isoformat(),
                "period_end": last.isoformat(),
                "deadline": deadline.isoformat(),
                "working_days": campaign.working_days,
                "reviews": len(reviews),
                "policy": policy.pk,
            },
        )
        _notify_opened(campaign, reviews)
    return campaign


def _notify_opened(campaign: ReviewCampaign, reviews: list[AnnualReview]) -> None:
    enterprise_users: dict[int, list] = {}
    for user in users_holding(Role.ENTERPRISE, campaign.authority_id).filter(
        enterprise_id__in={r.tenure.enterprise_id for r in reviews}
    ):
        enterprise_users.setdefault(user.enterprise_id, []).append(user)
    messages = []
    for review in reviews:
        tenure = review.tenure
        body = (
            f"{tenure.application.name}的管理期第{review.review_year}年复核认定已开启，复核期间为"
            f"{date_zh(review.period_start)}至{date_zh(review.period_end)}。请于{date_zh(review.deadline)}24时前"
            f"在线报送复核申请表、主要技术成果和奖励、带徒协议及徒弟技能等级证书等材料，逾期不能报送。"
        )
        url = reverse("review:material", args=[review.pk])
        subject = f"请报送复核认定材料：{tenure.application.name}（截止{date_zh(review.deadline)}）"
        users = [*enterprise_users.get(tenure.enterprise_id, [])]
        if tenure.user is not None:
            users.append(tenure.user)
        messages.append(Message(users=users, subject=subject, body=body, url=url))
    notify_many(messages)


def review_campaign_close(*, actor, campaign: ReviewCampaign, now: datetime | None = None) -> ReviewCampaign:
    """Close the campaign once every one of its reviews is decided (passed or not passed)."""
    require_perm(actor, "review.campaign_close", campaign, "只有本机关的区人社局经办人可以结束复核认定工作。")
    now = now or timezone.now()

    def check(locked: ReviewCampaign) -> None:
        open_count = AnnualReview.objects.filter(campaign=locked).exclude(state__in=DECIDED).count()
        if open_count:
            raise DomainError(f"尚有{open_count}人未作出复核结论，不能结束复核认定工作。", code="undecided")

    with transaction.atomic():
        return review_campaign_transition(
            actor=actor,
            campaign=campaign,
            to=CampaignState.CLOSED,
            check=check,
            changes={"closed_by": actor, "closed_at": now},
        )
