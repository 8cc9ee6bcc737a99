"""The people and terms of the decision's tests (import the fixtures by name in each test module).

olivia decides (Huancui's officer, tests/conftest.py); walter is Weihai's officer, who must reach nothing of
Huancui's; alice is the user of the holder's enterprise, bob of another. The 2024 cohort's terms start on
2024-12-27, so year 1 under review runs from 2024-12-27 to 2025-12-26 and is decided on 2025-12-23.
"""

from datetime import date, datetime

import pytest
from django.core.files.base import ContentFile

from chieftech.accounts.roles import Role
from chieftech.duties.models import ApprenticeCertificate
from chieftech.policy.models import SkillLevel
from tests.factories import (
    PDF_BYTES,
    SHANGHAI,
    make_annual_review,
    make_apprentice,
    make_tenure,
    make_user,
    make_weihai,
)

DECIDED_AT = datetime(2025, 12, 23, 10, 0, tzinfo=SHANGHAI)
SENIOR, TECHNICIAN, INTERMEDIATE = SkillLevel.SENIOR, SkillLevel.TECHNICIAN, SkillLevel.INTERMEDIATE
IN_PERIOD = date(2025, 6, 18)
NAMES = ["张海峰", "李秀英", "赵立新"]


def scanned(apprentice):
    """The apprentice's certificates with their scans on file (the factory leaves them without)."""
    ApprenticeCertificate.objects.filter(apprentice=apprentice).update(
        file="duties/2025/scan.pdf", file_name="证书.pdf", file_size=1024, file_type="application/pdf"
    )
    return apprentice


def apprentice(tenure, by, name: str, *certificates, **fields):
    return scanned(make_apprentice(tenure, by=by, name=name, certificates=list(certificates), **fields))


def two_apprentices(tenure, by, *, second: date = date(2025, 9, 1)) -> list:
    """The ledger of a holder who meets 第八条（五）: two apprentices reached 高级工 or above in year 1."""
    return [
        apprentice(tenure, by, "孙小明", (SENIOR, IN_PERIOD)),
        apprentice(tenure, by, "周晓红", (TECHNICIAN, second)),
    ]


def submitted_review(tenure, **fields):
    fields.setdefault("declared_no_accident", True)
    fields.setdefault("declared_no_violation", True)
    fields.setdefault("post", "数控车间机床操作")
    fields.setdefault("performance", "带领班组完成关键零件加工攻关。")
    return make_annual_review(tenure, review_year=1, state="submitted", **fields)


@pytest.fixture
def weihai(db):
    return make_weihai()


@pytest.fixture
def walter(weihai):
    return make_user("walter", Role.OFFICER, authority=weihai, real_name="沃尔特")


@pytest.fixture
def henry(db):
    """The holder's own login."""
    return make_user("henry", Role.TECHNICIAN, real_name="张海峰")


@pytest.fixture
def tenure(alice, gina, olivia, henry):
    tenure = make_tenure(alice, gina, officer=olivia, name=NAMES[0])
    tenure.user = henry
    tenure.save(update_fields=["user"])
    return tenure


@pytest.fixture
def review(tenure, alice):
    two_apprentices(tenure, alice)
    return submitted_review(tenure)


@pytest.fixture
def campaign(tenure, olivia):
    """The 2024 cohort's year-1 re-review (test set-up; in the system the officer opens it)."""
    from django.utils import timezone

    from chieftech.review.models import ReviewCampaign

    return ReviewCampaign.objects.create(
        authority=tenure.authority,
        round=tenure.application.round,
        policy=tenure.policy,
        review_year=1,
        title="2024年度首席技师管理期第1年复核认定",
        period_start=date(2024, 12, 27),
        period_end=date(2025, 12, 26),
        working_days=15,
        deadline=date(2025, 12, 19),
        opened_by=olivia,
        opened_at=timezone.now(),
    )


# --- For the walks over every staff URL (tests/accounts/test_authorities.py) -----------------------------------


def world_review(tenure):
    """`tenure`'s year-1 review, submitted, in a campaign of its round, with a scanned certificate on the
    ledger; made once, found again on later calls."""
    from django.utils import timezone

    from chieftech.review.models import ReviewCampaign
    from chieftech.tenure.models import AnnualReview

    found = AnnualReview.objects.filter(tenure=tenure, review_year=1).first()
    if found is not None:
        return found
    campaign = ReviewCampaign.objects.create(
        authority=tenure.authority,
        round=tenure.application.round,
        policy=tenure.policy,
        review_year=1,
        title="管理期第1年复核认定",
        period_start=tenure.starts_on,
        period_end=tenure.starts_on.replace(year=tenure.starts_on.year + 1),
        working_days=15,
        deadline=tenure.starts_on.replace(year=tenure.starts_on.year + 1),
        opened_by=tenure.application.round.created_by,
        opened_at=timezone.now(),
    )
    make_apprentice(tenure, by=campaign.opened_by, name="孙小明", certificates=[(SENIOR, tenure.starts_on)])
    certificate = ApprenticeCertificate.objects.get(apprentice__tenure=tenure)
    certificate.file_name, certificate.file_type = "证书.pdf", "application/pdf"
    certificate.file.save("scan.pdf", ContentFile(PDF_BYTES))
    return submitted_review(tenure, campaign=campaign)


def world_certificate(tenure):
    return ApprenticeCertificate.objects.filter(apprentice__tenure=world_review(tenure).tenure).first()
