"""Each automatic eligibility rule at its boundaries (第6条, 第7条), parameterised by the 2022 policy."""

from datetime import date

import pytest

from chieftech.accounts.models import IndustryFocus
from chieftech.policy.models import PolicyVersion, SkillLevel
from chieftech.policy.territory import OUTSIDE_TOWN
from chieftech.selection.domain.eligibility import (
    age_in_full_years,
    check_age,
    check_district,
    check_industry_focus,
    check_skill_level,
    has_age_priority,
)
from tests.factories import make_enterprise

REFERENCE = date(2026, 12, 15)


@pytest.fixture
def policy(db):
    return PolicyVersion.objects.get(document_number="威环人社字〔2022〕26号")


def test_full_years_complete_on_the_birthday_itself():
    assert age_in_full_years(birth_date=date(1971, 12, 15), on=REFERENCE) == 55
    assert age_in_full_years(birth_date=date(1971, 12, 16), on=REFERENCE) == 54
    assert age_in_full_years(birth_date=date(2000, 2, 29), on=date(2026, 2, 28)) == 25
    assert age_in_full_years(birth_date=date(2000, 2, 29), on=date(2026, 3, 1)) == 26


def test_exactly_55_on_the_reference_date_passes(policy):
    check = check_age(birth_date=date(1971, 12, 15), reference_date=REFERENCE, policy=policy)
    assert check.verdict == "pass"
    assert check.reason == "第七条（五）：申报人截至2026年12月15日为55周岁。"


def test_the_day_before_the_56th_birthday_still_passes(policy):
    check = check_age(birth_date=date(1970, 12, 16), reference_date=REFERENCE, policy=policy)
    assert check.verdict == "pass"


def test_one_day_over_55_full_years_needs_judgement_not_rejection(policy):
    # 56 周岁 on the reference date: 第7条 says "一般", so the reviewer judges.
    check = check_age(birth_date=date(1970, 12, 15), reference_date=REFERENCE, policy=policy)
    assert check.verdict == "judge"
    assert check.reason == (
        "第七条（五）：年龄一般不超过55周岁，申报人截至2026年12月15日为56周岁，超过一般年龄上限，由审查人员研判。"
    )


def test_45_marks_priority_and_46_does_not(policy):
    at_45 = check_age(birth_date=date(1981, 12, 15), reference_date=REFERENCE, policy=policy)
    assert (
        at_45.reason
        == "第七条（五）：申报人截至2026年12月15日为45周岁，属于45周岁（含）以下，同等条件下优先。"
    )
    assert has_age_priority(birth_date=date(1981, 12, 15), reference_date=REFERENCE, policy=policy) is True
    assert has_age_priority(birth_date=date(1980, 12, 15), reference_date=REFERENCE, policy=policy) is False


def test_senior_worker_fails_and_technician_passes(policy):
    senior = check_skill_level(skill_level=SkillLevel.SENIOR, policy=policy)
    assert senior.verdict == "fail"
    assert senior.reason == "第六条：须具有技师（二级）以上职业资格，申报人最高为高级工（三级）。"
    technician = check_skill_level(skill_level=SkillLevel.TECHNICIAN, policy=policy)
    assert technician.verdict == "pass"
    assert check_skill_level(skill_level=None, policy=policy).verdict == "fail"


def test_enterprise_outside_the_district_fails(policy):
    district = policy.authority
    outside = make_enterprise("荣成某机械有限公司", town=OUTSIDE_TOWN)
    inside = make_enterprise("威海某机械有限公司", town="zhangcun")
    assert check_district(enterprise=outside, authority=district).verdict == "fail"
    assert (
        check_district(enterprise=outside, authority=district).reason
        == "第六条：选拔范围为全区各类所有制经济企业，推荐单位不在本区。"
    )
    assert check_district(enterprise=inside, authority=district).verdict == "pass"


def test_industry_outside_the_focus_is_for_judgement(db):
    other = make_enterprise(industry_focus=IndustryFocus.NONE)
    pillar = make_enterprise(industry_focus=IndustryFocus.PILLAR)
    assert check_industry_focus(enterprise=other).verdict == "judge"
    assert check_industry_focus(enterprise=pillar).verdict == "pass"
