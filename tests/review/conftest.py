"""The people and the cohort of the re-review's tests.

olivia is Huancui's officer, walter Weihai's (who must find nothing of Huancui's). The 2024 cohort (one round,
terms from 2024-12-27) has three holders at alice's enterprise: 王建国 (harry, with his own login), 李秀英 and
赵立新; bob's enterprise is another company's, and tina holds a term of another cohort.
"""

from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from chieftech.accounts.roles import Role
from tests.factories import make_annual_review, make_tenure, make_user, make_weihai

TERM_START = date(2024, 12, 27)
NAMES = ["王建国", "李秀英", "赵立新"]


def at(year: int, month: int, day: int, hour: int = 10, minute: int = 0, second: int = 0) -> datetime:
    """A moment in Asia/Shanghai, as the bureau reads a deadline."""
    from chieftech.policy.calendar import DEADLINE_TZ

    return datetime(year, month, day, hour, minute, second, tzinfo=DEADLINE_TZ)


def cohort_of(alice, gina, olivia, n: int, *, names=NAMES, starts_on: date = TERM_START) -> list:
    first = make_tenure(alice, gina, officer=olivia, name=names[0], starts_on=starts_on)
    tenures = [first]
    for name in names[1:n]:
        tenures.append(
            make_tenure(alice, gina, round_=first.application.round, name=name, starts_on=starts_on)
        )
    return tenures


@pytest.fixture
def cohort(alice, gina, olivia):
    return cohort_of(alice, gina, olivia, 3)


@pytest.fixture
def harry(cohort):
    """王建国's own login."""
    user = make_user("harry", Role.TECHNICIAN, real_name="王建国")
    tenure = cohort[0]
    tenure.user = user
    tenure.save(update_fields=["user"])
    return user


@pytest.fixture
def tina(alice, gina, olivia):
    """A holder of another cohort (a second round) with her own login."""
    from tests.factories import make_round

    round_ = make_round(olivia, title="2025年度环翠区首席技师选拔", year=2025, confirmed=True)
    tenure = make_tenure(alice, gina, round_=round_, name="田晓梅", starts_on=TERM_START)
    user = make_user("tina", Role.TECHNICIAN, real_name="田晓梅")
    tenure.user = user
    tenure.save(update_fields=["user"])
    return user


@pytest.fixture
def weihai(db):
    return make_weihai()


@pytest.fixture
def walter(weihai):
    return make_user("walter", Role.OFFICER, authority=weihai, real_name="沃尔特")


@pytest.fixture
def review(cohort, harry):
    """王建国's year-1 review, waiting for material, its deadline ten days from today."""
    return make_annual_review(cohort[0], state="pending", deadline=timezone.localdate() + timedelta(days=10))


def filled(review, **overrides):
    """The 复核申请表 filled in as the holder would (test set-up)."""
    values = {
        "post": "数控车间主操作手",
        "performance": "带徒4人，攻关曲轴加工变形难题，在全区技能展示周作示范。",
        "achievements": "曲轴精车工艺改进获市职工技术创新成果二等奖。",
        "mentoring_summary": "与4名徒弟签订带徒协议，2人取得高级工证书。",
        "declared_no_accident": True,
        "declared_no_violation": True,
        **overrides,
    }
    for field, value in values.items():
        setattr(review, field, value)
    review.save(update_fields=list(values))
    return review
