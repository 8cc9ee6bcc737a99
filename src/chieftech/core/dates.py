"""Dates as the bureau writes them in every page, notice and document: 2026年12月5日."""

from datetime import date, datetime

from django.utils import timezone


def date_zh(value: date | datetime | None) -> str:
    """ "2026年12月5日" (no leading zeros); "" for no date. An aware datetime is read in local time."""
    if value is None or value == "":
        return ""
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        value = value.date()
    return f"{value.year}年{value.month}月{value.day}日"


def month_zh(day: date) -> str:
    """ "2026年12月": the month a subsidy month, a period or an account's first month is named by."""
    return f"{day.year}年{day.month}月"


def period_zh(first: date, last: date) -> str:
    """A span of months: "2026年11月", "2026年10月至12月", "2025年12月至2026年2月"."""
    if first == last:
        return month_zh(first)
    if first.year == last.year:
        return f"{month_zh(first)}至{last.month}月"
    return f"{month_zh(first)}至{month_zh(last)}"


def month_next(day: date) -> date:
    """The 1st of the month after `day`'s."""
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def datetime_zh(value: datetime | None) -> str:
    """ "2026年12月5日 14:03" in local time; "" for no moment."""
    if value is None or value == "":
        return ""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return f"{date_zh(value.date())} {value:%H:%M}"
