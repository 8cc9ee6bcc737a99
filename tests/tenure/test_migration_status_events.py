"""The migration that backfills the confirmed status history: one event per confirmed change that moved the
term (a transfer in the district moves nothing), and one at status_since for a terminal status no change
explains. Run against the test database itself: back to the schema before it and forward again."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from chieftech.tenure.models import StatusChange, Tenure, TenureStatusEvent
from tests.factories import make_round, make_tenure
from tests.migrating import migrate_to_latest

BEFORE = [("tenure", "0006_status_events_payroll_moved")]
AFTER = [("tenure", "0007_status_events_backfill")]
DECIDED = datetime(2025, 7, 1, 9, tzinfo=ZoneInfo("Asia/Shanghai"))


def migrate(targets) -> None:
    MigrationExecutor(connection).migrate(targets)


def confirmed(tenure, user, kind, effective_on, outcome=""):
    StatusChange.objects.create(
        tenure=tenure,
        kind=kind,
        state="confirmed",
        effective_on=effective_on,
        reason=f"{kind}说明",
        reported_by=user,
        reported_as="enterprise",
        reporting_enterprise=tenure.enterprise,
        reported_at=DECIDED,
        decided_by=user,
        decided_at=DECIDED,
        outcome=outcome,
    )


@pytest.mark.django_db(transaction=True)
def test_the_history_is_rebuilt_from_confirmed_changes_and_terminal_statuses(alice, gina, olivia):
    round_ = make_round(olivia)
    moved = make_tenure(alice, gina, round_=round_, name="张一")
    transferred = make_tenure(alice, gina, round_=round_, name="张二")
    expired = make_tenure(alice, gina, round_=round_, name="张三")
    untouched = make_tenure(alice, gina, round_=round_, name="张四")
    confirmed(moved, alice, "left_skill_post", date(2025, 6, 16))
    confirmed(moved, alice, "resumed", date(2025, 9, 3))
    confirmed(transferred, alice, "transfer_in_district", date(2025, 4, 1))
    Tenure.objects.filter(pk=moved.pk).update(status="active", status_since=date(2025, 9, 3))
    Tenure.objects.filter(pk=expired.pk).update(status="expired", status_since=date(2026, 12, 27))
    try:
        migrate(BEFORE)
        migrate(AFTER)
    finally:
        migrate_to_latest()

    events = list(
        TenureStatusEvent.objects.order_by("tenure_id", "effective_on").values_list(
            "tenure_id", "from_status", "status", "effective_on"
        )
    )
    assert events == [
        (moved.pk, "active", "suspended", date(2025, 6, 16)),
        (moved.pk, "suspended", "active", date(2025, 9, 3)),
        (expired.pk, "active", "expired", date(2026, 12, 27)),
    ]
    assert not TenureStatusEvent.objects.filter(tenure__in=[transferred, untouched]).exists()
