"""Scheduled work: each job runs once per period, however many servers start it at the same moment."""

import signal
import threading
from datetime import UTC, datetime, time, timedelta

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from chieftech.core.models import OutboxMessage, ScheduledRun
from chieftech.core.schedule import (
    SCHEDULE,
    Daily,
    Every,
    Monthly,
    schedule_claim,
    schedule_due,
    schedule_job,
)
from chieftech.core.tasks import schedule_enqueue_due, scheduled_job_run
from tests.factories import SHANGHAI
from tests.tasks import run_tasks, run_worker

# 03:30 in Shanghai: the daily end of terms (00:05), anchor (00:20) and purge (03:10) are due, and the 10-minute sweep's slot is 03:30.
MORNING = datetime(2026, 12, 5, 3, 30, 20, tzinfo=SHANGHAI)


def local(*args) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)


@pytest.mark.parametrize(
    ("cadence", "moment", "period"),
    [
        (Daily(at=time(3, 10)), local(2026, 12, 5, 3, 9, 59), None),
        (Daily(at=time(3, 10)), local(2026, 12, 5, 3, 10), "2026-12-05"),
        (Daily(at=time(3, 10)), local(2026, 12, 5, 23, 59), "2026-12-05"),
        (Monthly(day=5, at=time(2, 0)), local(2026, 12, 4, 23, 0), None),
        (Monthly(day=5, at=time(2, 0)), local(2026, 12, 5, 1, 59), None),
        (Monthly(day=5, at=time(2, 0)), local(2026, 12, 5, 2, 0), "2026-12"),
        (Monthly(day=5, at=time(2, 0)), local(2026, 12, 31, 0, 0), "2026-12"),
        (Every(minutes=10), local(2026, 12, 5, 0, 0), "2026-12-05T00:00"),
        (Every(minutes=10), local(2026, 12, 5, 13, 29, 59), "2026-12-05T13:20"),
    ],
)
def test_a_cadence_names_the_period_that_has_begun(cadence, moment, period):
    assert cadence.period(moment) == period


def test_periods_are_counted_in_shanghai_time():
    # 19:30 UTC on 4 December is 03:30 on 5 December in Shanghai: the 5th's purge is due.
    due = schedule_due(now=datetime(2026, 12, 4, 19, 30, tzinfo=UTC))
    assert [(job.name, period) for job, period in due] == [
        ("outbox.requeue", "2026-12-05T03:30"),
        ("outbox.purge", "2026-12-05"),
        ("audit.anchor", "2026-12-05"),
        ("tenure.expire", "2026-12-05"),
    ]


def test_a_minute_count_that_does_not_divide_a_day_is_refused():
    with pytest.raises(ValueError, match="7 minutes do not divide a day"):
        Every(minutes=7)


def test_a_claimed_run_is_no_longer_due_and_the_next_period_is():
    assert [run.job for run in schedule_enqueue_due(now=MORNING)] == [
        "outbox.requeue",
        "outbox.purge",
        "audit.anchor",
        "tenure.expire",
    ]

    assert schedule_enqueue_due(now=MORNING + timedelta(minutes=5)) == []
    later = schedule_enqueue_due(now=MORNING + timedelta(minutes=10))
    assert [(run.job, run.period) for run in later] == [("outbox.requeue", "2026-12-05T03:40")]
    assert schedule_enqueue_due(now=MORNING + timedelta(days=1, minutes=10)) != []


def test_the_daily_purge_removes_old_sent_mail_and_old_run_records_only():
    now = timezone.now()
    old, recent = now - timedelta(days=31), now - timedelta(days=29)

    def message(state, sent_at=None):
        return OutboxMessage.objects.create(
            recipients=["a@example.cn"],
            subject=state,
            body="",
            state=state,
            next_attempt_at=now + timedelta(hours=1),  # the pending one is not due: only the four jobs run
            sent_at=sent_at,
        )

    kept = [message("sent", recent).pk, message("pending").pk, message("failed").pk]
    message("sent", old)
    ScheduledRun.objects.create(job="outbox.purge", period="2026-10-01", claimed_at=old, finished_at=old)
    schedule_enqueue_due(now=timezone.localtime(now).replace(hour=3, minute=30))

    assert run_tasks() == 4

    run = ScheduledRun.objects.get(job="outbox.purge")
    assert (run.outcome, run.error) == ("删除1条已发送消息，0条后台任务记录，1条定时任务记录", "")
    assert sorted(OutboxMessage.objects.values_list("pk", flat=True)) == kept


def test_a_run_whose_job_is_gone_records_the_error_for_the_admin():
    run = ScheduledRun.objects.create(job="tenure.renamed", period="2026-12-05", claimed_at=MORNING)
    scheduled_job_run.enqueue(run_id=run.pk)

    run_tasks()

    run.refresh_from_db()
    assert run.finished_at is not None
    assert run.error == "LookupError: no scheduled job is named 'tenure.renamed'"
    assert DBTaskResult.objects.get().status == "FAILED"


def test_a_second_claim_of_the_same_period_gets_nothing():
    job = schedule_job("outbox.purge")
    with transaction.atomic():
        first = schedule_claim(job=job, period="2026-12-05", now=MORNING)
    with transaction.atomic():
        second = schedule_claim(job=job, period="2026-12-05", now=MORNING + timedelta(seconds=1))

    assert (first.period, second) == ("2026-12-05", None)
    assert ScheduledRun.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_servers_starting_the_schedule_at_once_run_each_job_once():
    OutboxMessage.objects.create(
        recipients=["a@example.cn"],
        subject="旧",
        body="",
        state="sent",
        next_attempt_at=timezone.now(),
        sent_at=timezone.now() - timedelta(days=40),
    )
    barrier = threading.Barrier(2)
    started: list[tuple[str, str]] = []

    def server() -> None:
        try:
            barrier.wait()
            started.extend((run.job, run.period) for run in schedule_enqueue_due(now=MORNING))
        finally:
            connection.close()

    threads = [threading.Thread(target=server) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    run_worker()

    assert sorted(started) == [
        ("audit.anchor", "2026-12-05"),
        ("outbox.purge", "2026-12-05"),
        ("outbox.requeue", "2026-12-05T03:30"),
        ("tenure.expire", "2026-12-05"),
    ]
    assert sorted(ScheduledRun.objects.values_list("job", "period")) == sorted(started)
    assert list(
        DBTaskResult.objects.filter(task_path="chieftech.core.tasks.scheduled_job_run").values_list(
            "status", flat=True
        )
    ) == ["SUCCESSFUL", "SUCCESSFUL", "SUCCESSFUL", "SUCCESSFUL"]
    assert ScheduledRun.objects.get(job="outbox.purge").outcome.startswith("删除1条已发送消息")
    assert OutboxMessage.objects.count() == 0


@pytest.fixture
def keep_signal_handlers():
    """The worker command installs its own SIGINT/SIGTERM handlers; give pytest its own back."""
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    yield
    for sig, handler in saved.items():
        signal.signal(sig, handler)


@pytest.mark.django_db(transaction=True)
def test_the_worker_command_starts_due_jobs_and_a_lost_message_goes_out(keep_signal_handlers, mailoutbox):
    # Written by an action whose task was lost (a worker killed in the middle of it).
    OutboxMessage.objects.create(
        recipients=["penny@example.cn"],
        subject="遗失的通知",
        body="正文",
        next_attempt_at=timezone.now() - timedelta(minutes=6),
    )

    call_command("worker", "--batch", "--no-startup-delay", verbosity=0)

    requeue = ScheduledRun.objects.get(job="outbox.requeue")
    assert (requeue.outcome, requeue.error) == ("重新排队1条消息", "")
    assert [(m.subject, m.to) for m in mailoutbox] == [("遗失的通知", ["penny@example.cn"])]
    assert OutboxMessage.objects.get().state == "sent"


def test_the_schedule_command_lists_the_jobs(capsys):
    call_command("schedule", "--list")
    assert capsys.readouterr().out.splitlines() == [
        "outbox.requeue\t每10分钟\t重新排队遗失的外发消息\t尚未运行",
        "outbox.purge\t每天03:10\t清理已发送消息和已完成的后台任务记录\t尚未运行",
        "audit.anchor\t每天00:20\t校验审计链并写入当天的锚点文件\t尚未运行",
        "tenure.expire\t每天00:05\t管理期届满的首席技师自动转为已期满\t尚未运行",
        "tenure.remind\t每天08:00\t管理期届满前提醒\t尚未运行",
        "duties.employer_remind\t每天08:30\t提醒用人单位登记首席技师年度履职情况\t尚未运行",
    ]


def test_the_table_names_each_job_once():
    names = [job.name for job in SCHEDULE]
    assert len(names) == len(set(names))


def test_the_daily_anchor_writes_the_day_s_file_of_every_chain_head(settings, tmp_path):
    from chieftech.audit.anchors import anchor_daily, anchors_read
    from chieftech.audit.domain import audit_record

    settings.AUDIT_ANCHOR_DIR = str(tmp_path)
    audit_record(action="test.anchored", actor=None, object_type="test", object_id="1")
    outcome = anchor_daily(now=MORNING)

    files, problems = anchors_read()
    assert problems == []
    assert [f.name for f in files] == ["2026-12-05.json"]
    assert outcome == f"锚点 2026-12-05.json（校验码 {files[0].mac}）"
