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


def datetime_zh(value: datetime | None) -> str:
    """ "2026年12月5日 14:03" in local time; "" for no moment."""
    if value is None or value == "":
        return ""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return f"{date_zh(value.date())} {value:%H:%M}"
