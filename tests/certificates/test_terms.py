"""A term starts on the government's approval date and lasts the policy's management period (第4条)."""

from datetime import date

import pytest

from chieftech.audit.models import AuditRecord
from chieftech.tenure.domain.terms import months_later, tenure_start, term_ends_on
from chieftech.tenure.models import TenureStatus
from tests.certificates.factories import make_approval_stage_round, make_approved_round


@pytest.mark.parametrize(
    ("starts_on", "months", "ends_on"),
    [
        (date(2026, 12, 31), 24, date(2028, 12, 30)),
        (date(2026, 3, 15), 24, date(2028, 3, 14)),
        (date(2027, 1, 1), 24, date(2028, 12, 31)),
        # No 31 February: the anniversary is 1 March, so the term ends on the last day of February.
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2024, 2, 29), 24, date(2026, 2, 28)),
        (date(2024, 2, 29), 48, date(2028, 2, 28)),
    ],
)
def test_a_term_ends_the_day_before_the_same_date_n_months_later(starts_on, months, ends_on):
    assert term_ends_on(starts_on=starts_on, months=months) == ends_on


def test_months_later_crosses_years():
    assert months_later(date(2026, 11, 30), 3) == date(2027, 3, 1)
    assert months_later(date(2026, 11, 15), 14) == date(2028, 1, 15)
    assert months_later(date(2026, 8, 31), 1) == date(2026, 10, 1)


def test_the_terms_start_on_the_approval_date_for_the_policy_period(olivia, leo, gina, alice, bob):
    round_, proposed = make_approved_round(olivia, leo, gina, [alice, bob], n=2, publish=False)

    tenures = [a.tenure for a in proposed]

    assert round_.policy.management_period_months == 24
    assert [(t.starts_on, t.ends_on, t.status, t.status_since, t.policy_id) for t in tenures] == [
        (date(2026, 12, 31), date(2028, 12, 30), TenureStatus.ACTIVE, date(2026, 12, 31), round_.policy_id)
    ] * 2
    assert [t.enterprise for t in tenures] == [alice.enterprise, bob.enterprise]


def test_a_longer_policy_period_gives_a_longer_term(olivia, gina, alice):
    round_, proposed = make_approval_stage_round(olivia, [alice], n=1)
    policy = round_.policy
    policy.management_period_months = 36
    policy.save(update_fields=["management_period_months"])

    tenure = tenure_start(application=proposed[0], starts_on=date(2027, 3, 1), actor=gina)

    assert (tenure.starts_on, tenure.ends_on) == (date(2027, 3, 1), date(2030, 2, 28))
    record = AuditRecord.objects.filter(action="tenure.start").latest("id")
    assert record.after["starts_on"] == "2027-03-01"
    assert record.after["ends_on"] == "2030-02-28"
    assert record.actor_username == "gina"
