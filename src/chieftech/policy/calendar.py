"""The working-day calendar: the one service every deadline in the system uses.

A date is a working day according to, in order of precedence:

1. the admin's entry for that date (CalendarDay: 放假 or 调休上班) — it corrects or completes the library;
2. the chinesecalendar library, for the years it covers (2004–2026 in the pinned release);
3. for a year the admin has marked complete (CalendarYear.complete), Monday to Friday;
4. otherwise the year has no data and CalendarDataMissing names it: a deadline is never guessed.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import chinese_calendar

from chieftech.policy.models import CalendarDay, CalendarYear

# Deadlines are Asia/Shanghai whatever TIME_ZONE a deployment sets (SPEC.md §3, the public notice).
DEADLINE_TZ = ZoneInfo("Asia/Shanghai")


class CalendarDataMissing(Exception):
    """A date falls in a year whose holiday schedule is neither in the library nor entered by the admin."""

    def __init__(self, year: int):
        self.year = year
        super().__init__(f"缺少{year}年的节假日安排：请系统管理员先录入{year}年的放假和调休安排。")


def library_covers(year: int) -> bool:
    """Whether the chinesecalendar library holds the State Council's schedule for `year`."""
    try:
        chinese_calendar.is_workday(date(year, 1, 1))
    except NotImplementedError:
        return False
    return True


@dataclass
class _AdminYear:
    entered: bool = False
    complete: bool = False
    days: dict[date, str] = field(default_factory=dict)


class WorkingCalendar:
    """Answers working-day questions, loading each year's admin entries once (one query per year).

    The module functions below create one per call; a caller asking many questions in a row (a
    report over many deadlines) may hold one instance for the duration of that work.
    """

    def __init__(self) -> None:
        self._years: dict[int, _AdminYear] = {}
        self._library: dict[int, bool] = {}

    def _admin_year(self, year: int) -> _AdminYear:
        loaded = self._years.get(year)
        if loaded is None:
            loaded = _AdminYear()
            # One LEFT JOIN: the year's flag and its days together; no row at all means nothing entered.
            rows = CalendarYear.objects.filter(year=year).values_list("complete", "days__date", "days__kind")
            for complete, day, kind in rows:
                loaded.entered = True
                loaded.complete = complete
                if day is not None:
                    loaded.days[day] = kind
            self._years[year] = loaded
        return loaded

    def _library_covers(self, year: int) -> bool:
        covered = self._library.get(year)
        if covered is None:
            covered = self._library[year] = library_covers(year)
        return covered

    def is_working_day(self, d: date) -> bool:
        admin = self._admin_year(d.year)
        kind = admin.days.get(d)
        if kind is not None:
            return kind == CalendarDay.Kind.WORKDAY
        if self._library_covers(d.year):
            return chinese_calendar.is_workday(d)
        if admin.complete:
            return d.weekday() < 5
        raise CalendarDataMissing(d.year)

    def nth_working_day(self, *, start: date, n: int) -> date:
        if n < 1:
            raise ValueError("工作日数应为正整数。")
        day, counted = start, 0
        while True:
            if self.is_working_day(day):
                counted += 1
                if counted == n:
                    return day
            day += timedelta(days=1)

    def working_days_between(self, start: date, end: date) -> int:
        if end < start:
            raise ValueError(f"结束日期{end.isoformat()}早于开始日期{start.isoformat()}。")
        count, day = 0, start
        while day <= end:
            count += self.is_working_day(day)
            day += timedelta(days=1)
        return count


def is_working_day(d: date) -> bool:
    return WorkingCalendar().is_working_day(d)


def nth_working_day(*, start: date, n: int) -> date:
    """The n-th working day counting from `start`, which counts itself when it is a working day.

    "公示时间为4月18日至4月22日（五个工作日）": nth_working_day(start=4月18日, n=5) is 4月22日.
    """
    return WorkingCalendar().nth_working_day(start=start, n=n)


def working_days_between(start: date, end: date) -> int:
    """Working days from `start` to `end`, both included."""
    return WorkingCalendar().working_days_between(start, end)


def end_of_day(d: date) -> datetime:
    """The last instant of `d` in Asia/Shanghai: a window that ends on `d` closes here."""
    return datetime.combine(d, time.max, tzinfo=DEADLINE_TZ)


# --- The admin's overview of which years have data ---------------------------------------------------


class YearSource:
    LIBRARY = "library"
    ADMIN = "admin"
    LIBRARY_AND_ADMIN = "library_admin"
    INCOMPLETE = "incomplete"
    MISSING = "missing"


YEAR_SOURCE_LABELS = {
    YearSource.LIBRARY: "内置数据（国务院办公厅通知）",
    YearSource.ADMIN: "管理员录入（已完整）",
    YearSource.LIBRARY_AND_ADMIN: "内置数据，并有管理员修订",
    YearSource.INCOMPLETE: "管理员录入中（未完整，未录入的日期无法计算）",
    YearSource.MISSING: "缺少数据",
}


@dataclass(frozen=True)
class YearStatus:
    year: int
    source: str
    label: str
    usable: bool  # every date of the year can be answered
    admin_source: str = ""
    admin_days: int = 0


def calendar_years_overview(*, today: date, span: int = 2) -> list[YearStatus]:
    """Each year from `span` years back to `span` years ahead of today, plus every admin-entered year,
    newest first. Two queries whatever the number of years."""
    from django.db.models import Count

    entered = {
        row["year"]: row
        for row in CalendarYear.objects.annotate(n_days=Count("days")).values(
            "year", "source", "complete", "n_days"
        )
    }
    years = sorted(set(range(today.year - span, today.year + span + 1)) | set(entered), reverse=True)
    statuses = []
    for year in years:
        row = entered.get(year)
        in_library = library_covers(year)
        if in_library:
            source = YearSource.LIBRARY_AND_ADMIN if row else YearSource.LIBRARY
        elif row and row["complete"]:
            source = YearSource.ADMIN
        elif row:
            source = YearSource.INCOMPLETE
        else:
            source = YearSource.MISSING
        statuses.append(
            YearStatus(
                year=year,
                source=source,
                label=YEAR_SOURCE_LABELS[source],
                usable=source in {YearSource.LIBRARY, YearSource.LIBRARY_AND_ADMIN, YearSource.ADMIN},
                admin_source=row["source"] if row else "",
                admin_days=row["n_days"] if row else 0,
            )
        )
    return statuses


def calendar_next_year_warning(*, today: date, overview: list[YearStatus] | None = None) -> str:
    """A warning when next year's schedule is not usable yet (the State Council publishes it in November)."""
    next_year = today.year + 1
    statuses = overview if overview is not None else calendar_years_overview(today=today)
    status = next((s for s in statuses if s.year == next_year), None)
    if status is None or status.usable:
        return ""
    return (
        f"{next_year}年的节假日安排尚未完整录入：跨入{next_year}年的公示期等期限将无法计算。"
        f"国务院办公厅发布{next_year}年部分节假日安排的通知后，请及时录入。"
    )
