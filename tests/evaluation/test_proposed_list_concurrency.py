"""Two simultaneous confirmations of the proposed list make one transition (SQLite and PostgreSQL)."""

import threading

import pytest
from django.db import connection

from chieftech.audit.models import AuditRecord
from chieftech.core.errors import DomainError
from chieftech.evaluation.domain.results import proposed_list_confirm
from chieftech.selection.models import Application, ApplicationState, Round, RoundState
from tests.evaluation.test_results_helpers import CLOSED_AT, make_worked_example


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_confirmations_make_one(olivia, alice, bob, chris):
    scored = make_worked_example(olivia, alice, bob, chris)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def confirm() -> None:
        round_ = Round.objects.get(pk=scored.round.pk)
        barrier.wait()
        try:
            proposed_list_confirm(actor=chris, round_=round_, now=CLOSED_AT)
            outcomes.append("confirmed")
        except DomainError as exc:
            outcomes.append(exc.message)
        finally:
            connection.close()

    threads = [threading.Thread(target=confirm) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == sorted(["confirmed", "建议人选名单已确认。"])
    assert AuditRecord.objects.filter(action="proposed_list.confirm").count() == 1
    assert AuditRecord.objects.filter(action="round.start_notice").count() == 1
    assert (
        AuditRecord.objects.filter(action__in=["application.propose", "application.not_propose"]).count() == 3
    )
    assert Round.objects.get(pk=scored.round.pk).state == RoundState.NOTICE
    assert sorted(Application.objects.filter(round=scored.round).values_list("state", flat=True)) == sorted(
        [ApplicationState.PROPOSED, ApplicationState.PROPOSED, ApplicationState.NOT_PROPOSED]
    )
