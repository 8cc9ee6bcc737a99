"""The working-day calendar: every deadline in the system is computed here (SPEC.md §3 step 5, §5)."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from chieftech.policy.calendar import (
    CalendarDataMissing,
    WorkingCalendar,
    calendar_next_year_warning,
    end_of_day,
    is_working_day,
    nth_working_day,
    working_days_between,
)
from chieftech.policy.domain import calendar_year_save
from chieftech.policy.models import CalendarDay

HOLIDAY, WORKDAY = CalendarDay.Kind.HOLIDAY, CalendarDay.Kind.WORKDAY
MISSING_2027 = "缺少2027年的节假日安排：请系统管理员先录入2027年的放假和调休安排。"


# --- The library's data (2026 is the last year it covers) ----------------------------------------------


def test_notice_starting_before_mid_autumn_and_national_day_2026_ends_on_8_october(db):
    # 9-24 Thu counts; 9-25..9-27 Mid-autumn; 9-28, 9-29, 9-30; 10-1..10-7 National Day; 10-8 is the 5th.
    assert nth_working_day(start=date(2026, 9, 24), n=5) == date(2026, 10, 8)


def test_start_counts_when_it_is_a_working_day(db):
    assert nth_working_day(start=date(2026, 9, 24), n=1) == date(2026, 9, 24)


def test_start_on_a_holiday_does_not_count(db):
    assert nth_working_day(start=date(2026, 10, 1), n=1) == date(2026, 10, 8)
    assert nth_working_day(start=date(2026, 10, 1), n=5) == date(2026, 10, 13)  # 10-10 Sat is a 调休 day


def test_the_example_of_spec_five_working_days_from_a_monday(db):
    # "公示时间为4月18日至4月22日（五个工作日）" — the same shape in 2022: Monday to Friday.
    assert nth_working_day(start=date(2022, 4, 18), n=5) == date(2022, 4, 22)


def test_n_must_be_positive(db):
    with pytest.raises(ValueError) as exc:
        nth_working_day(start=date(2026, 9, 24), n=0)
    assert str(exc.value) == "工作日数应为正整数。"


def test_tiaoxiu_weekend_days_of_2026_are_working_days(db):
    assert date(2026, 9, 20).weekday() == 6  # Sunday worked before National Day
    assert is_working_day(date(2026, 9, 20)) is True
    assert date(2026, 10, 10).weekday() == 5  # Saturday worked after National Day
    assert is_working_day(date(2026, 10, 10)) is True
    assert is_working_day(date(2026, 10, 11)) is False  # the Sunday after stays a rest day


def test_weekday_holidays_of_2026_are_not_working_days(db):
    assert date(2026, 10, 1).weekday() == 3  # Thursday
    assert is_working_day(date(2026, 10, 1)) is False
    assert is_working_day(date(2026, 10, 7)) is False
    assert is_working_day(date(2026, 9, 25)) is False  # Mid-autumn, Friday
    assert is_working_day(date(2026, 10, 8)) is True


def test_a_tiaoxiu_day_counts_towards_a_deadline(db):
    # From Friday 10-9: 10-9, 10-10 (Saturday worked), 10-12.
    assert nth_working_day(start=date(2026, 10, 9), n=3) == date(2026, 10, 12)


# --- The admin's entries win over the library ------------------------------------------------------------


def test_admin_holiday_beats_the_library_working_day(sam):
    calendar_year_save(
        actor=sam,
        year=2026,
        source="区政府临时通知（测试）",
        complete=False,
        days=[(date(2026, 10, 8), HOLIDAY, "临时放假")],
    )
    assert is_working_day(date(2026, 10, 8)) is False
    assert nth_working_day(start=date(2026, 9, 24), n=5) == date(2026, 10, 9)


def test_admin_working_day_beats_the_library_holiday(sam):
    calendar_year_save(
        actor=sam,
        year=2026,
        source="更正（测试）",
        complete=False,
        days=[(date(2026, 10, 3), WORKDAY, "调休上班")],
    )
    assert is_working_day(date(2026, 10, 3)) is True
    assert nth_working_day(start=date(2026, 9, 24), n=5) == date(2026, 10, 3)
    # Dates the admin did not enter still come from the library.
    assert is_working_day(date(2026, 10, 2)) is False


# --- A year without data is an error, never a guess --------------------------------------------------


def test_a_year_without_data_raises_naming_the_year(db):
    with pytest.raises(CalendarDataMissing) as exc:
        is_working_day(date(2027, 1, 4))
    assert exc.value.year == 2027
    assert str(exc.value) == MISSING_2027


def test_a_deadline_running_into_a_year_without_data_raises(db):
    # 2026-12-28..31 are four working days; the fifth would fall in 2027.
    with pytest.raises(CalendarDataMissing) as exc:
        nth_working_day(start=date(2026, 12, 28), n=5)
    assert exc.value.year == 2027


def test_a_year_before_the_library_raises_too(db):
    with pytest.raises(CalendarDataMissing) as exc:
        working_days_between(date(2003, 12, 29), date(2004, 1, 2))
    assert exc.value.year == 2003
    assert str(exc.value) == "缺少2003年的节假日安排：请系统管理员先录入2003年的放假和调休安排。"


def test_a_year_entered_by_the_admin_then_works(sam):
    # Sample entries for the test, not the State Council's 2027 schedule.
    calendar_year_save(
        actor=sam,
        year=2027,
        source="国务院办公厅关于2027年部分节假日安排的通知（测试数据）",
        complete=True,
        days=[(date(2027, 1, 1), HOLIDAY, "元旦"), (date(2027, 1, 9), WORKDAY, "调休上班")],
    )
    assert nth_working_day(start=date(2026, 12, 28), n=5) == date(2027, 1, 4)
    assert is_working_day(date(2027, 1, 1)) is False  # Friday, entered as a holiday
    assert is_working_day(date(2027, 1, 9)) is True  # Saturday, entered as a working day
    assert is_working_day(date(2027, 1, 10)) is False  # Sunday, not entered
    assert is_working_day(date(2027, 1, 11)) is True  # Monday, not entered


def test_an_incomplete_year_answers_only_the_entered_days(sam):
    calendar_year_save(
        actor=sam, year=2027, source="录入中", complete=False, days=[(date(2027, 1, 1), HOLIDAY, "元旦")]
    )
    assert is_working_day(date(2027, 1, 1)) is False
    with pytest.raises(CalendarDataMissing) as exc:
        is_working_day(date(2027, 1, 4))
    assert str(exc.value) == MISSING_2027


# --- Counting ----------------------------------------------------------------------------------------


def test_working_days_between_counts_both_ends(db):
    assert working_days_between(date(2026, 9, 24), date(2026, 10, 8)) == 5
    assert working_days_between(date(2026, 10, 8), date(2026, 10, 8)) == 1


def test_working_days_between_edges(db):
    assert working_days_between(date(2026, 10, 1), date(2026, 10, 7)) == 0  # all National Day
    assert working_days_between(date(2026, 10, 3), date(2026, 10, 3)) == 0  # a single holiday
    assert working_days_between(date(2026, 9, 20), date(2026, 9, 20)) == 1  # a single 调休 Sunday
    assert working_days_between(date(2026, 1, 1), date(2026, 12, 31)) == 248


def test_working_days_between_refuses_a_reversed_range(db):
    with pytest.raises(ValueError) as exc:
        working_days_between(date(2026, 10, 8), date(2026, 9, 24))
    assert str(exc.value) == "结束日期2026-09-24早于开始日期2026-10-08。"


def test_end_of_day_is_the_last_instant_in_shanghai():
    deadline = end_of_day(date(2026, 10, 8))
    assert deadline == datetime(2026, 10, 8, 23, 59, 59, 999999, tzinfo=ZoneInfo("Asia/Shanghai"))
    assert deadline.utcoffset() == timedelta(hours=8)


def test_one_query_per_year_however_many_days(db, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert working_days_between(date(2026, 1, 1), date(2026, 12, 31)) == 248
    calendar = WorkingCalendar()
    with django_assert_num_queries(2):
        assert calendar.working_days_between(date(2025, 12, 1), date(2026, 1, 31)) == 44
    with django_assert_num_queries(0):
        assert calendar.is_working_day(date(2026, 10, 8)) is True


# --- The admin is warned before next year starts without data ------------------------------------------


def test_next_year_without_data_is_flagged(sam):
    assert calendar_next_year_warning(today=date(2026, 11, 24)) == (
        "2027年的节假日安排尚未完整录入：跨入2027年的公示期等期限将无法计算。"
        "国务院办公厅发布2027年部分节假日安排的通知后，请及时录入。"
    )
    calendar_year_save(actor=sam, year=2027, source="通知（测试数据）", complete=True, days=[])
    assert calendar_next_year_warning(today=date(2026, 11, 24)) == ""


def test_next_year_in_the_library_is_not_flagged(db):
    assert calendar_next_year_warning(today=date(2025, 6, 1)) == ""
