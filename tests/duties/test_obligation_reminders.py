# ruff: noqa: F811  (the fixtures imported from tests/duties/support_fixtures.py are the tests' parameters)
"""The yearly reminder to the enterprises that have recorded nothing (第13条): from the policy's month, once per
holder, enterprise and year, caught up in the next January, never twice."""

from datetime import UTC, date, datetime

import pytest
from django.db import IntegrityError, transaction

from chieftech.core.models import Notification, OutboxMessage
from chieftech.core.schedule import schedule_job
from chieftech.duties.domain.obligation_reminders import (
    employer_records_remind_due,
    employer_records_remind_job,
)
from chieftech.duties.domain.obligations import employer_record_save
from chieftech.duties.models import ObligationReminder
from chieftech.tenure.models import Tenure, TenureStatus
from tests.duties.support_fixtures import RECORD, at, wang, yu  # noqa: F401  (fixtures)
from tests.factories import make_user


def reminded() -> list[tuple[str, str, int]]:
    return [
        (r.tenure.application.name, r.enterprise.name, r.year)
        for r in ObligationReminder.objects.select_related("tenure__application", "enterprise").order_by(
            "year", "tenure__application__name", "enterprise_id"
        )
    ]


def test_the_job_runs_daily_at_half_past_eight():
    assert (
        str(schedule_job("duties.employer_remind").cadence),
        schedule_job("duties.employer_remind").label,
    ) == (
        "每天08:30",
        "提醒用人单位登记首席技师年度履职情况",
    )


def test_nothing_is_sent_before_the_reminder_month(wang):
    assert employer_records_remind_due(now=at(date(2025, 11, 30), 23)) == 0
    assert ObligationReminder.objects.count() == 0


def test_from_the_first_of_december_each_enterprise_is_reminded_once(alice, bob, wang, yu):
    make_user("alice2", "enterprise", enterprise=alice.enterprise, email="alice2@example.com")

    assert employer_records_remind_due(now=at(date(2025, 12, 1), 8)) == 3
    assert employer_records_remind_due(now=at(date(2025, 12, 2), 8)) == 0

    assert reminded() == [
        ("于海燕", alice.enterprise.name, 2025),
        ("于海燕", bob.enterprise.name, 2025),
        ("王建国", alice.enterprise.name, 2025),
    ]
    # Enterprise A's users get one message listing both holders; B's user one for 于海燕.
    notes = Notification.objects.order_by("user__username", "pk")
    assert [(n.user.username, n.subject) for n in notes] == [
        ("alice", "请登记2名首席技师的用人单位履职情况"),
        ("alice2", "请登记2名首席技师的用人单位履职情况"),
        ("bob", "请登记1名首席技师的用人单位履职情况"),
    ]
    assert notes[2].body.splitlines()[1] == "于海燕（2025年）"
    assert notes[2].url == f"/duties/tenures/{yu.pk}/employer/2025/"
    assert [m.recipients for m in OutboxMessage.objects.all()] == [["alice2@example.com"]]


def test_an_enterprise_that_has_recorded_is_not_reminded(alice, wang):
    employer_record_save(actor=alice, tenure=wang, year=2025, data=RECORD, now=at(date(2025, 11, 20)))

    assert employer_records_remind_due(now=at(date(2025, 12, 1), 8)) == 0


def test_january_catches_up_the_previous_year_once_and_no_later(alice, wang):
    # The worker did not run in December 2025.
    assert employer_records_remind_due(now=at(date(2026, 1, 5), 8)) == 1
    assert employer_records_remind_due(now=at(date(2026, 1, 6), 8)) == 0
    assert reminded() == [("王建国", alice.enterprise.name, 2025)]


def test_a_year_missed_through_january_is_left_to_the_officer(wang):
    assert employer_records_remind_due(now=at(date(2026, 2, 1), 8)) == 0


def test_a_term_ended_before_the_year_began_is_not_reminded(wang):
    Tenure.objects.filter(pk=wang.pk).update(status=TenureStatus.NOT_RENEWED, status_since=date(2025, 1, 1))

    assert employer_records_remind_due(now=at(date(2025, 12, 1), 8)) == 0


def test_the_database_holds_one_reminder_per_holder_enterprise_and_year(alice, wang):
    employer_records_remind_due(now=at(date(2025, 12, 1), 8))

    with pytest.raises(IntegrityError), transaction.atomic():
        ObligationReminder.objects.create(
            tenure=wang, enterprise=alice.enterprise, year=2025, sent_at=at(date(2025, 12, 1), 9)
        )


def test_the_job_says_what_it_sent(wang):
    assert employer_records_remind_job(now=at(date(2025, 12, 1), 8)) == "发送1条用人单位履职登记提醒"


def test_the_month_begins_in_shanghai_time(wang):
    # 16:00 UTC on 30 November is midnight of 1 December in Shanghai.
    assert employer_records_remind_due(now=datetime(2025, 11, 30, 15, 59, tzinfo=UTC)) == 0
    assert employer_records_remind_due(now=datetime(2025, 11, 30, 16, 0, tzinfo=UTC)) == 1
