"""The payment periods of a policy's cadence (按月, 按季, 按年): which months one batch pays as its own.

A period is a pair of month-firsts (period_start, period_end): the month; the calendar quarter; the calendar
year. The cadence is the one of the authority's policy version in force on the period's first day, so a new
version that changes the cadence applies from the first period that starts under it.
"""

from datetime import date

from chieftech.core.errors import DomainError
from chieftech.policy.domain import policy_in_force
from chieftech.policy.models import Authority, SubsidyCadence

# How many months a period of each cadence covers; a period starts on a month that is a multiple of it.
CADENCE_MONTHS = {SubsidyCadence.MONTHLY: 1, SubsidyCadence.QUARTERLY: 3, SubsidyCadence.YEARLY: 12}


def period_of_cadence(*, cadence: str, day: date) -> tuple[date, date]:
    """The period of `cadence` containing `day`, as (its first month's 1st, its last month's 1st)."""
    length = CADENCE_MONTHS[cadence]
    first_month = (day.month - 1) // length * length + 1
    return date(day.year, first_month, 1), date(day.year, first_month + length - 1, 1)


def period_containing(*, authority: Authority, day: date) -> tuple[date, date, str]:
    """The authority's payment period containing `day` and its cadence: the cadence is the one of the policy
    version in force on the first day of the period, which depends on the cadence; a yearly or quarterly
    period is tried from the longest down, so the period found starts under the version that defines it.
    Raises DomainError "no_policy" when no version is in force."""
    for cadence in (SubsidyCadence.YEARLY, SubsidyCadence.QUARTERLY, SubsidyCadence.MONTHLY):
        start, end = period_of_cadence(cadence=cadence, day=day)
        try:
            policy = policy_in_force(authority=authority, on=start)
        except DomainError:  # no version on that first day: a shorter period may have one
            if cadence == SubsidyCadence.MONTHLY:
                raise
            continue
        if policy.subsidy_cadence == cadence:
            return start, end, cadence
    # The version in force on the month's first day pays by longer periods that started under another
    # version: the month is paid on its own until the new cadence's first full period.
    start, end = period_of_cadence(cadence=SubsidyCadence.MONTHLY, day=day)
    return start, end, SubsidyCadence.MONTHLY
