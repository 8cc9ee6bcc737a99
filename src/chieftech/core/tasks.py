"""Background tasks (django-tasks, database backend), run by `chieftech worker`.

Tasks are thin: each calls a domain function of chieftech.core.outbox or chieftech.core.schedule and queues
what comes next (a retry at its time, a claimed scheduled run).
"""

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from chieftech.core.models import ScheduledRun
from chieftech.core.outbox import outbox_attempt, outbox_lost
from chieftech.core.schedule import schedule_claim, schedule_due, schedule_run


@task()
def outbox_deliver(message_id: int) -> None:
    retry_at = outbox_attempt(message_id=message_id, now=timezone.now())
    if retry_at is not None:
        outbox_deliver.using(run_after=retry_at).enqueue(message_id=message_id)


def outbox_deliver_on_commit(message_id: int) -> None:
    """Queue the delivery once the caller's transaction commits (at once outside a transaction)."""
    transaction.on_commit(lambda: outbox_deliver.enqueue(message_id=message_id))


@task()
def outbox_deliver_many(message_ids: list[int]) -> None:
    """One task for a batch of messages (a scheduled job's reminders); a message to retry goes on alone."""
    for message_id in message_ids:
        retry_at = outbox_attempt(message_id=message_id, now=timezone.now())
        if retry_at is not None:
            outbox_deliver.using(run_after=retry_at).enqueue(message_id=message_id)


def outbox_deliver_many_on_commit(message_ids: list[int]) -> None:
    transaction.on_commit(lambda: outbox_deliver_many.enqueue(message_ids=list(message_ids)))


def outbox_requeue_lost(*, now: datetime) -> str:
    """The periodic sweep: a new task for every message whose task was lost."""
    ids = list(outbox_lost(now=now).values_list("pk", flat=True))
    for message_id in ids:
        outbox_deliver.enqueue(message_id=message_id)
    return f"重新排队{len(ids)}条消息"


@task()
def scheduled_job_run(run_id: int) -> str:
    return schedule_run(run_id=run_id, now=timezone.now())


def schedule_enqueue_due(*, now: datetime) -> list[ScheduledRun]:
    """Claim every due job's run for its period and queue it, claim and task in one transaction; a run
    another server claimed first is left to it."""
    started = []
    for job, period in schedule_due(now=now):
        with transaction.atomic():
            run = schedule_claim(job=job, period=period, now=now)
            if run is not None:
                scheduled_job_run.enqueue(run_id=run.pk)
                started.append(run)
    return started
