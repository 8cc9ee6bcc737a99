"""The same sheet submitted twice at once leaves one submission and one audit record (SQLite and PostgreSQL)."""

import threading
from decimal import Decimal

import pytest
from django.db import connection

from chieftech.audit.models import AuditRecord
from chieftech.core.errors import DomainError
from chieftech.evaluation.domain.scoring import sheet_save, sheet_submit
from chieftech.evaluation.models import ScoreSheet
from tests.evaluation.test_scoring import SUBMITTED, scoring_setup


def _at_once(actions) -> list[str]:
    """Run each action in its own thread with its own connection, released together by a barrier."""
    barrier = threading.Barrier(len(actions))
    outcomes: list[str] = []

    def run(action) -> None:
        barrier.wait()
        try:
            outcomes.append(action())
        except DomainError as exc:
            outcomes.append(exc.message)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(action,)) for action in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_submits_of_one_sheet_make_one_submission(olivia, alice):
    s = scoring_setup(olivia, [alice], n=1)
    expert = s.experts[0]
    sheet = s.sheet(expert, s.applications[0])
    sheet_save(actor=expert, sheet=sheet, points=s.points())

    def submit() -> str:
        copy = ScoreSheet.objects.get(pk=sheet.pk)  # each request loads its own, still a draft
        sheet_submit(actor=expert, sheet=copy, now=SUBMITTED)
        return "submitted"

    outcomes = _at_once([submit, submit])

    assert sorted(outcomes) == sorted(["submitted", "评分表当前为“已提交”，不能重复提交。"])
    assert AuditRecord.objects.filter(action="sheet.submit", object_id=str(sheet.pk)).count() == 1
    sheet.refresh_from_db()
    assert (sheet.state, sheet.total, sheet.submitted_at) == (
        ScoreSheet.State.SUBMITTED,
        Decimal("84.00"),
        SUBMITTED,
    )
