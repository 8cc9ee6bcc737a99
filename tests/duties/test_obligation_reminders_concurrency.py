# ruff: noqa: F811  (the fixtures imported from tests/duties/support_fixtures.py are the tests' parameters)
"""Two runs of the employers' reminder job at once (two workers) send each reminder once."""

import threading
from datetime import date

import pytest
from django.db import connection

from chieftech.core.models import Notification
from chieftech.duties.domain.obligation_reminders import employer_records_remind_due
from chieftech.duties.models import ObligationReminder
from tests.duties.support_fixtures import at, wang, yu  # noqa: F401  (fixtures)


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_runs_remind_once(alice, bob, wang, yu):
    barrier = threading.Barrier(2)
    sent: list[int] = []

    def run() -> None:
        barrier.wait()
        try:
            sent.append(employer_records_remind_due(now=at(date(2025, 12, 1), 8)))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert (sum(sent), ObligationReminder.objects.count()) == (3, 3)
    assert sorted(Notification.objects.values_list("user__username", flat=True)) == ["alice", "bob"]
