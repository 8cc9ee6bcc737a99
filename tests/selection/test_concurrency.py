"""Two simultaneous submits of one application leave one submission and one audit record (SQLite and PostgreSQL)."""

import threading

import pytest
from django.db import connection

from chieftech.audit.models import AuditRecord
from chieftech.core.errors import DomainError
from chieftech.selection.domain.applications import application_submit
from chieftech.selection.models import Application
from tests.factories import IN_WINDOW, make_application, make_round


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_submits_make_one_submission(alice, olivia):
    round_ = make_round(olivia)
    application = make_application(alice, round_)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def submit() -> None:
        copy = Application.objects.get(pk=application.pk)
        barrier.wait()
        try:
            application_submit(actor=alice, application=copy, now=IN_WINDOW)
            outcomes.append("submitted")
        except DomainError as exc:
            outcomes.append(exc.message)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == sorted(["submitted", "申报当前为“已提交待审”，不能变更为“已提交待审”。"])
    assert AuditRecord.objects.filter(action="application.submit").count() == 1
    assert Application.objects.get(pk=application.pk).state == "submitted"
