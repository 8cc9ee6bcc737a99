"""A re-review of the cross-authority world's term (tests/accounts/test_authorities.py): its campaign, the
holder's review and one achievement, made once per test on first use."""

from datetime import date

from django.core.files.base import ContentFile
from django.utils import timezone

from chieftech.review.models import ReviewAchievement, ReviewCampaign
from tests.factories import PDF_BYTES, make_annual_review


def review_of(world):
    tenure = world.tenure
    review = tenure.reviews.filter(review_year=1).first()
    if review is not None:
        return review
    officer = next(iter(world.staff.values()))
    campaign = ReviewCampaign.objects.create(
        authority=tenure.authority,
        round=world.round,
        policy=tenure.policy,
        review_year=1,
        title="管理期第1年复核认定",
        period_start=tenure.starts_on,
        period_end=tenure.starts_on.replace(year=tenure.starts_on.year + 1),
        working_days=15,
        deadline=date(2099, 12, 31),
        opened_by=officer,
        opened_at=timezone.now(),
    )
    review = make_annual_review(tenure, state="pending", campaign=campaign, deadline=date(2099, 12, 31))
    item = ReviewAchievement(
        review=review,
        kind="award",
        title="技术创新成果奖",
        achieved_on=tenure.starts_on,
        file_name="证书.pdf",
        file_size=len(PDF_BYTES),
        file_type="application/pdf",
        added_by=officer,
        added_at=timezone.now(),
    )
    item.file.save("certificate.pdf", ContentFile(PDF_BYTES))
    return review


def campaign_of(world):
    return review_of(world).campaign


def achievement_of(world):
    return review_of(world).achievement_items.get()
