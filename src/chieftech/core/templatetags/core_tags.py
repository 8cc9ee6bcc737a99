"""The template side of the helpers that live once in core: Chinese dates, state badges, error summaries."""

from django import template

from chieftech.core.badges import badge_css
from chieftech.core.dates import date_zh as _date_zh
from chieftech.core.dates import datetime_zh as _datetime_zh
from chieftech.core.error_summary import error_summary_items

register = template.Library()


@register.filter(expects_localtime=True)
def date_zh(value) -> str:
    """{{ round.application_deadline|date_zh }} → 2026年12月5日."""
    return _date_zh(value)


@register.filter(expects_localtime=True)
def datetime_zh(value) -> str:
    """{{ version.created_at|datetime_zh }} → 2026年12月5日 14:03."""
    return _datetime_zh(value)


@register.filter
def badge(state, kind: str) -> str:
    """{{ application.state|badge:"application" }} → status-ok; views that build rows call badge_css."""
    return badge_css(kind, state)


@register.inclusion_tag("core/_error_summary.html", takes_context=True)
def error_summary(context) -> dict:
    """{% error_summary %} in base.html: the errors of every bound form on the page, linked to their fields."""
    return {"error_items": error_summary_items(context.flatten().values())}
