"""The migration that adds employment spans gives every existing term the span of its current enterprise, from
the term's start, so the enterprise keeps seeing the terms it saw before.

Run against the test database itself: back to the schema without spans and forward again.
"""

from datetime import date

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from chieftech.tenure.models import TenureEmployment
from tests.factories import make_round, make_tenure
from tests.migrating import migrate_to_latest

BEFORE = [("tenure", "0003_termendreminder")]
AFTER = [("tenure", "0004_status_change_workflow")]


def migrate(targets) -> None:
    MigrationExecutor(connection).migrate(targets)


@pytest.mark.django_db(transaction=True)
def test_each_existing_term_gets_the_open_span_of_its_enterprise(alice, bob, gina, olivia):
    round_ = make_round(olivia)
    first = make_tenure(alice, gina, round_=round_)
    second = make_tenure(bob, gina, round_=round_, name="李四", starts_on=date(2025, 1, 2))
    try:
        migrate(BEFORE)
        migrate(AFTER)
    finally:
        migrate_to_latest()
    assert sorted(TenureEmployment.objects.values_list("tenure", "enterprise", "starts_on", "ends_on")) == [
        (first.pk, alice.enterprise_id, date(2024, 12, 27), None),
        (second.pk, bob.enterprise_id, date(2025, 1, 2), None),
    ]
