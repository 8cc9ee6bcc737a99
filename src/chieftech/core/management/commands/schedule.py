"""`chieftech schedule`: start the scheduled jobs that are due now, once each (for a cron line or a systemd
timer where no `chieftech worker` runs the schedule itself). Safe to run on several servers at once: a job's
run for a period is claimed once. The runs are queued for the worker; `--list` shows the table instead."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from chieftech.core.schedule import SCHEDULE, schedule_last_runs
from chieftech.core.tasks import schedule_enqueue_due


class Command(BaseCommand):
    help = "启动已到期的定时任务（每个任务每个周期只运行一次，多台服务器同时运行也安全）。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--list", action="store_true", dest="show_list", help="列出定时任务及其最近一次运行。"
        )

    def handle(self, *args, show_list: bool = False, **options):
        if show_list:
            last_runs = schedule_last_runs()
            for job in SCHEDULE:
                run = last_runs.get(job.name)
                last = f"{run.period} {run.outcome or run.error}" if run else "尚未运行"
                self.stdout.write(f"{job.name}\t{job.cadence}\t{job.label}\t{last}")
            return
        for run in schedule_enqueue_due(now=timezone.now()):
            self.stdout.write(f"{run.job} {run.period}")
