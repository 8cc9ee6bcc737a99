"""The payment periods: the month, the calendar quarter or the calendar year containing a day, by the cadence
of the authority's policy version in force on the period's first day."""

from datetime import date

import pytest

from chieftech.core.errors import DomainError
from chieftech.policy.models import PolicyVersion
from chieftech.subsidy.domain.periods import period_containing, period_of_cadence
from tests.factories import huancui, make_weihai


@pytest.mark.parametrize(
    ("cadence", "day", "period"),
    [
        ("monthly", date(2026, 12, 5), (date(2026, 12, 1), date(2026, 12, 1))),
        ("quarterly", date(2026, 5, 31), (date(2026, 4, 1), date(2026, 6, 1))),
        ("quarterly", date(2026, 12, 31), (date(2026, 10, 1), date(2026, 12, 1))),
        ("yearly", date(2026, 7, 1), (date(2026, 1, 1), date(2026, 12, 1))),
    ],
)
def test_the_period_of_a_cadence_containing_a_day(cadence, day, period):
    assert period_of_cadence(cadence=cadence, day=day) == period


@pytest.mark.parametrize("cadence", ["monthly", "quarterly", "yearly"])
def test_the_authoritys_cadence_decides_the_period(cadence):
    PolicyVersion.objects.filter(authority=huancui()).update(subsidy_cadence=cadence)

    start, end, found = period_containing(authority=huancui(), day=date(2026, 5, 20))

    assert (found, start, end) == {
        "monthly": ("monthly", date(2026, 5, 1), date(2026, 5, 1)),
        "quarterly": ("quarterly", date(2026, 4, 1), date(2026, 6, 1)),
        "yearly": ("yearly", date(2026, 1, 1), date(2026, 12, 1)),
    }[cadence]


def test_an_authority_without_a_policy_has_no_period():
    with pytest.raises(DomainError) as refused:
        period_containing(authority=make_weihai(), day=date(2026, 5, 20))

    assert refused.value.code == "no_policy"
