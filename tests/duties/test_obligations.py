# ruff: noqa: F811  (the fixtures imported from tests/duties/support_fixtures.py are the tests' parameters)
"""The employer's yearly record (第13条): who records which year, what each field accepts, and who has recorded
nothing."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from chieftech.audit.models import AuditRecord
from chieftech.core.errors import DomainError
from chieftech.duties.domain.obligations import employer_record_save, employer_records_missing
from chieftech.duties.models import EmployerDutyRecord
from chieftech.tenure.models import Tenure, TenureStatus
from tests.duties.support_fixtures import RECORD, at, tech1, walter, wang, weihai, yu  # noqa: F401  (fixtures)
from tests.factories import huancui, make_tenure, make_user

NOW = at(date(2025, 12, 10))


def save(actor, tenure, year=2025, now=NOW, **changes):
    return employer_record_save(actor=actor, tenure=tenure, year=year, data={**RECORD, **changes}, now=now)


def refusal(actor, tenure, year=2025, **changes) -> dict:
    with pytest.raises(DomainError) as caught:
        save(actor, tenure, year, **changes)
    return caught.value.message_dict


def test_the_employer_records_its_year_and_changes_it_with_before_and_after(alice, wang):
    record = save(alice, wang)

    assert (record.enterprise_id, record.year, record.medical_subsidy, record.paid_leave_days) == (
        alice.enterprise_id,
        2025,
        Decimal("1200.50"),
        10,
    )
    changed = save(alice, wang, paid_leave_days="12")

    assert (changed.pk, EmployerDutyRecord.objects.count(), changed.paid_leave_days) == (record.pk, 1, 12)
    audits = list(AuditRecord.objects.filter(action__startswith="duties.employer_record").order_by("pk"))
    assert [a.action for a in audits] == ["duties.employer_record_save", "duties.employer_record_change"]
    assert (audits[1].before["paid_leave_days"], audits[1].after["paid_leave_days"]) == (10, 12)


def test_saving_the_same_values_again_writes_nothing(alice, wang):
    save(alice, wang)
    save(alice, wang)

    assert AuditRecord.objects.filter(action__startswith="duties.employer_record").count() == 1


def test_each_bad_field_is_refused_at_its_field_and_nothing_is_saved(alice, wang):
    errors = refusal(
        alice,
        wang,
        medical_subsidy="-5",
        health_check_on=date(2024, 5, 1),
        paid_leave_days="400",
    )

    assert errors == {
        "medical_subsidy": ["补助金额不能为负数。"],
        "health_check_on": ["健康查体日期应在2025年内。"],
        "paid_leave_days": ["带薪休假天数应为 0 至 365 之间的整数。"],
    }
    assert EmployerDutyRecord.objects.count() == 0


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        (
            {"medical_subsidy": ""},
            {
                "medical_subsidy": [
                    "已建立补充医疗保险的，请填写本年度给予的医疗费用补助（元），没有补助填 0。"
                ]
            },
        ),
        (
            {"has_supplementary_insurance": False},
            {
                "medical_subsidy": [
                    "未建立补充医疗保险的单位不填写医疗费用补助（第十三条适用于建立补充医疗保险的用人单位）。"
                ]
            },
        ),
        ({"medical_subsidy": "12.345"}, {"medical_subsidy": ["补助金额精确到分（最多两位小数）。"]}),
        ({"medical_subsidy": "一千"}, {"medical_subsidy": ["请填写补助金额（元），如 1200.00。"]}),
        ({"health_check_on": None}, {"health_check_note": ["本年度未安排健康查体的，请说明原因。"]}),
        ({"health_check_on": date(2025, 12, 11)}, {"health_check_on": ["健康查体日期不能晚于今天。"]}),
        ({"paid_leave_days": ""}, {"paid_leave_days": ["请填写本年度安排的带薪休假天数，没有安排填 0。"]}),
        ({"paid_leave_days": 0}, {"paid_leave_note": ["本年度未安排带薪休假的，请说明原因。"]}),
    ],
)
def test_a_missing_or_wrong_value_is_named_at_its_field(alice, wang, changes, expected):
    assert refusal(alice, wang, **changes) == expected


def test_an_employer_without_insurance_records_no_subsidy_and_explains_no_check_or_leave(alice, wang):
    record = save(
        alice,
        wang,
        has_supplementary_insurance=False,
        medical_subsidy="",
        health_check_on=None,
        health_check_note="本人年内已参加社区查体",
        paid_leave_days=0,
        paid_leave_note="本人自愿放弃，已书面确认",
    )

    assert (record.has_supplementary_insurance, record.medical_subsidy, record.health_check_on) == (
        False,
        None,
        None,
    )


@pytest.mark.parametrize(
    ("year", "expected"),
    [
        (2026, "不能登记尚未开始的年度。"),
        (2023, "2023年不在管理期（2024年至2026年）内。"),
    ],
)
def test_a_year_in_the_future_or_outside_the_term_is_refused(alice, wang, year, expected):
    assert refusal(alice, wang, year=year) == {"year": [expected]}


def test_a_transferred_holder_is_recorded_by_both_employers_each_its_own(alice, bob, yu):
    mine = save(alice, yu, health_check_on=date(2025, 3, 1))
    theirs = save(bob, yu, health_check_on=date(2025, 9, 1))

    rows = EmployerDutyRecord.objects.filter(tenure=yu, year=2025).order_by("pk")
    assert [(r.enterprise_id, r.health_check_on) for r in rows] == [
        (alice.enterprise_id, date(2025, 3, 1)),
        (bob.enterprise_id, date(2025, 9, 1)),
    ]
    assert (mine.pk, theirs.pk) == (rows[0].pk, rows[1].pk)


def test_the_former_employer_may_not_record_a_year_after_the_holder_left(alice, yu):
    now = at(date(2026, 12, 1))

    with pytest.raises(DomainError) as caught:
        save(alice, yu, year=2026, now=now, health_check_on=date(2026, 3, 1))

    assert caught.value.message_dict == {"year": ["2026年首席技师不在本单位工作，无需本单位登记。"]}


def test_the_holder_another_enterprise_and_weihais_officer_may_not_record(bob, tech1, walter, wang):
    carol = make_user("carol", "enterprise", enterprise=bob.enterprise)
    for outsider in (bob, carol, tech1, walter):
        with pytest.raises(PermissionDenied):
            save(outsider, wang)

    assert EmployerDutyRecord.objects.count() == 0


def test_a_suspended_enterprise_may_not_record(alice, wang):
    alice.enterprise.status = "suspended"
    alice.enterprise.save(update_fields=["status"])

    with pytest.raises(PermissionDenied):
        save(alice, wang)


# --- Who has recorded nothing ----------------------------------------------------------------------------


def missing(year: int) -> list[tuple[str, str]]:
    return [
        (m.name, m.enterprise_name) for m in employer_records_missing(authority_ids=[huancui().pk], year=year)
    ]


def test_every_employer_of_the_year_without_a_record_is_missing(alice, bob, wang, yu):
    assert missing(2025) == [
        ("于海燕", alice.enterprise.name),
        ("于海燕", bob.enterprise.name),
        ("王建国", alice.enterprise.name),
    ]
    save(alice, yu)

    assert missing(2025) == [("于海燕", bob.enterprise.name), ("王建国", alice.enterprise.name)]
    # In 2024 (the term's first five days) 于海燕 worked at A only.
    assert missing(2024) == [("于海燕", alice.enterprise.name), ("王建国", alice.enterprise.name)]


def test_a_term_ended_before_the_year_began_owes_nothing_and_weihai_sees_none(alice, gina, wang, weihai):
    Tenure.objects.filter(pk=wang.pk).update(status=TenureStatus.NOT_RENEWED, status_since=date(2026, 1, 1))

    assert (missing(2025), missing(2026)) == ([("王建国", alice.enterprise.name)], [])
    assert employer_records_missing(authority_ids=[weihai.pk], year=2025) == []


def test_the_missing_list_costs_one_query_however_many_terms(alice, gina, wang, django_assert_num_queries):
    for name in ("李秀英", "赵立新"):
        make_tenure(alice, gina, round_=wang.application.round, name=name)

    authority_ids = [huancui().pk]

    with django_assert_num_queries(1):
        assert len(employer_records_missing(authority_ids=authority_ids, year=2025)) == 3


def test_a_year_after_the_term_ended_owes_no_record(alice, wang):
    Tenure.objects.filter(pk=wang.pk).update(status=TenureStatus.NOT_RENEWED, status_since=date(2026, 1, 1))
    wang.refresh_from_db()

    with pytest.raises(DomainError) as caught:
        save(alice, wang, year=2026, now=at(date(2026, 6, 1)), health_check_on=date(2026, 3, 1))

    assert caught.value.message_dict == {"year": ["管理期已于2025年12月31日结束，2026年无需登记。"]}
