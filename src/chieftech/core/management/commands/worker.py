"""`chieftech worker`: django-tasks-db's worker (`db_worker`, same options) that also starts the scheduled
jobs when they are due.

A thread asks every minute which jobs are due and claims them (chieftech.core.schedule); a claim is unique
per job and period, so every app server may run a worker and each job still runs once. With `--batch` the
schedule is asked once before the queue is emptied.
"""

import logging
import os
import threading
import time

from django.db import connections
from django.utils import timezone
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands.db_worker import Command as DatabaseWorkerCommand

from chieftech.core.tasks import schedule_enqueue_due

logger = logging.getLogger(__name__)

TICK_SECONDS = 60


def schedule_tick() -> None:
    try:
        for run in schedule_enqueue_due(now=timezone.now()):
            logger.info("scheduled job %s started for %s", run.job, run.period)
    except Exception:  # the next tick tries again; the worker itself must keep running
        logger.exception("scheduled jobs could not be started")


def _tick_forever() -> None:
    while True:
        schedule_tick()
        connections.close_all()  # this thread's own: a minute idle is longer than a connection should wait
        time.sleep(TICK_SECONDS - timezone.now().second % TICK_SECONDS)  # on the minute


class Command(DatabaseWorkerCommand):
    help = "运行后台任务（邮件发送等），并在到期时启动定时任务。"

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--no-schedule",
            action="store_false",
            dest="schedule",
            help="不启动定时任务，只运行后台任务（定时任务改由 cron 运行 `chieftech schedule`）。",
        )

    def handle(self, *args, schedule: bool = True, **options):
        if schedule and options["batch"]:
            schedule_tick()
        elif schedule and (not options["reload"] or os.environ.get(DJANGO_AUTORELOAD_ENV) == "true"):
            # With --reload the process that only watches files starts none: its child does.
            threading.Thread(target=_tick_forever, name="chieftech-schedule", daemon=True).start()
        super().handle(*args, **options)
