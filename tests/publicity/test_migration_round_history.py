"""The migration from one notice and one decision per round to their history keeps the rows already there.

Run against the test database itself: back to the one-to-one schema and forward again.
"""

from datetime import date

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from chieftech.publicity.domain.approval import leadership_decide
from chieftech.publicity.domain.notice import notice_prepare
from chieftech.publicity.models import LeadershipDecision, Notice
from chieftech.selection.domain.applications import application_transition
from chieftech.selection.domain.rounds import round_transition
from chieftech.selection.models import ApplicationState, RoundState
from tests.certificates.factories import make_approval_stage_round
from tests.evaluation.factories import AFTER_DEADLINE
from tests.factories import committee_chair
from tests.migrating import migrate_to_latest

BEFORE = [("publicity", "0003_objection_public_reply")]
AFTER = [("publicity", "0005_round_history_constraints")]


def migrate(targets) -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)


def columns(table: str) -> list[str]:
    with connection.cursor() as cursor:
        return [c.name for c in connection.introspection.get_table_description(cursor, table)]


def decide(leader, round_, outcome, note=""):
    return leadership_decide(
        actor=leader,
        round_=round_,
        outcome=outcome,
        meeting_date=date(2026, 12, 20),
        minutes_reference="会议纪要",
        note=note,
        now=AFTER_DEADLINE,
    )


@pytest.mark.django_db(transaction=True)
def test_rows_of_the_one_to_one_schema_come_through_and_a_rejection_is_superseded(olivia, alice, leo):
    rejected, _ = make_approval_stage_round(olivia, [alice], n=1, title="2026年度退回批次")
    approved, _ = make_approval_stage_round(olivia, [alice], n=1, title="2026年度同意批次", confirmed=True)
    rejection = decide(leo, rejected, LeadershipDecision.Outcome.REJECT, note="请重新评审。")
    approval = decide(leo, approved, LeadershipDecision.Outcome.APPROVE)
    notices = sorted(Notice.objects.values_list("pk", "round_id"))

    try:
        migrate(BEFORE)
        assert "superseded" not in columns("publicity_leadershipdecision")
        migrate(AFTER)
    finally:
        migrate_to_latest()

    assert sorted(Notice.objects.values_list("pk", "round_id")) == notices
    assert sorted(
        LeadershipDecision.objects.values_list("pk", "round_id", "outcome", "superseded")
    ) == sorted([(rejection.pk, rejected.pk, "reject", True), (approval.pk, approved.pk, "approve", False)])


@pytest.mark.django_db(transaction=True)
def test_going_back_is_refused_once_a_round_holds_two_notices(olivia, alice, leo):
    round_, proposed = make_approval_stage_round(olivia, [alice], n=1)
    decide(leo, round_, LeadershipDecision.Outcome.REJECT, note="请重新评审。")
    # The committee confirms its list again (states only, as its stage does).
    application_transition(
        actor=committee_chair(), application=proposed[0], to_state=ApplicationState.PROPOSED
    )
    round_transition(actor=committee_chair(), round_=round_, to_state=RoundState.NOTICE, now=AFTER_DEADLINE)
    notice_prepare(actor=olivia, round_=round_, starts_on=date(2026, 12, 21), now=AFTER_DEADLINE)

    try:
        with pytest.raises(RuntimeError) as refused:
            migrate(BEFORE)
    finally:
        migrate_to_latest()

    assert (
        str(refused.value) == f"Notice: rounds [{round_.pk}] hold more than one record; cannot migrate back."
    )
    assert Notice.objects.filter(round=round_).count() == 2
