"""Dates are written one way everywhere: 2026年12月5日, no leading zeros, read in Asia/Shanghai."""

from datetime import UTC, date, datetime

from django.template import Context, Template

from chieftech.core.dates import date_zh, datetime_zh


def test_a_date_has_no_leading_zeros():
    assert date_zh(date(2026, 12, 5)) == "2026年12月5日"
    assert date_zh(date(2027, 1, 9)) == "2027年1月9日"


def test_no_date_is_empty():
    assert date_zh(None) == ""
    assert datetime_zh(None) == ""


def test_an_aware_moment_is_read_in_local_time():
    # 17:30 UTC on 4 December is already 5 December in Asia/Shanghai.
    moment = datetime(2026, 12, 4, 17, 30, tzinfo=UTC)
    assert date_zh(moment) == "2026年12月5日"
    assert datetime_zh(moment) == "2026年12月5日 01:30"


def test_the_template_filters_write_the_same():
    template = Template("{% load core_tags %}{{ d|date_zh }}|{{ m|datetime_zh }}|{{ none|date_zh }}")
    moment = datetime(2026, 12, 4, 17, 30, tzinfo=UTC)
    rendered = template.render(Context({"d": date(2026, 9, 24), "m": moment, "none": None}))
    assert rendered == "2026年9月24日|2026年12月5日 01:30|"


def test_the_filter_writes_what_the_old_date_format_wrote():
    # The pages used |date:"Y年n月j日" before; the output must not change.
    template = Template('{% load core_tags %}{{ d|date_zh }}={{ d|date:"Y年n月j日" }}')
    assert template.render(Context({"d": date(2026, 1, 2)})) == "2026年1月2日=2026年1月2日"
