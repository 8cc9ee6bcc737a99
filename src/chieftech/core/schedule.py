"""Scheduled work: which jobs run when, and the claim that makes each run happen once.

Every worker (and `chieftech schedule`, for a cron line) asks every minute which jobs are due
(`schedule_due`) and claims each (job, period) by inserting its ScheduledRun row: a unique row, so when two
app servers ask at the same moment, one insert wins and the other server does nothing. The claimed run is
queued as a task in the same transaction (chieftech.core.tasks.schedule_enqueue_due), so a claim is never
left without its run.

A job is a plain function taking `now` (keyword) and returning a short summary for the record; it lives in
the app it concerns and is named here by its dotted path, so core imports no app. A job must be idempotent
and catch up by itself (e.g. end every term due up to today, not just today's), because a day on which no
worker ran is not run again later.
"""

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks_db.models import DBTaskResult

from chieftech.core.models import ScheduledRun
from chieftech.core.outbox import outbox_purge


@dataclass(frozen=True)
class Daily:
    """Once a day, from `at` (Asia/Shanghai) on."""

    at: time

    def period(self, local: datetime) -> str | None:
        return local.date().isoformat() if local.time() >= self.at else None

    def __str__(self) -> str:
        return f"每天{self.at:%H:%M}"


@dataclass(frozen=True)
class Monthly:
    """Once a month, from day `day` at `at` (Asia/Shanghai) on."""

    day: int
    at: time

    def period(self, local: datetime) -> str | None:
        return f"{local.year}-{local.month:02d}" if (local.day, local.time()) >= (self.day, self.at) else None

    def __str__(self) -> str:
        return f"每月{self.day}日{self.at:%H:%M}"


@dataclass(frozen=True)
class Every:
    """Once in every slot of `minutes` minutes counted from midnight (a divisor of a day's 1,440)."""

    minutes: int

    def __post_init__(self) -> None:
        if self.minutes <= 0 or 1440 % self.minutes:
            raise ValueError(f"{self.minutes} minutes do not divide a day")

    def period(self, local: datetime) -> str:
        start = (local.hour * 60 + local.minute) // self.minutes * self.minutes
        return f"{local.date().isoformat()}T{start // 60:02d}:{start % 60:02d}"

    def __str__(self) -> str:
        return f"每{self.minutes}分钟"


@dataclass(frozen=True)
class Job:
    name: str
    function: str  # dotted path of `function(*, now) -> str`
    cadence: Daily | Monthly | Every
    label: str


# The monthly payroll joins this table as it is built.
SCHEDULE: tuple[Job, ...] = (
    Job(
        name="outbox.requeue",
        function="chieftech.core.tasks.outbox_requeue_lost",
        cadence=Every(minutes=10),
        label="重新排队遗失的外发消息",
    ),
    Job(
        name="outbox.purge",
        function="chieftech.core.schedule.schedule_purge",
        cadence=Daily(at=time(3, 10)),
        label="清理已发送消息和已完成的后台任务记录",
    ),
    Job(
        name="audit.anchor",
        function="chieftech.audit.anchors.anchor_daily",
        cadence=Daily(at=time(0, 20)),
        label="校验审计链并写入当天的锚点文件",
    ),
    Job(
        name="tenure.expire",
        function="chieftech.tenure.domain.term_end.tenure_expire_due",
        cadence=Daily(at=time(0, 5)),
        label="管理期届满的首席技师自动转为已期满",
    ),
    Job(
        name="tenure.remind",
        function="chieftech.tenure.domain.term_end.tenure_remind_due",
        cadence=Daily(at=time(8, 0)),
        label="管理期届满前提醒",
    ),
    # 第13条: the enterprises that have recorded nothing of the year are reminded once per holder and year.
    Job(
        name="duties.employer_remind",
        function="chieftech.duties.domain.obligation_reminders.employer_records_remind_job",
        cadence=Daily(at=time(8, 30)),
        label="提醒用人单位登记首席技师年度履职情况",
    ),
)


def schedule_last_runs() -> dict[str, ScheduledRun]:
    """Each job's latest run (claims are inserted in order, so the highest id), in one query."""
    latest = ScheduledRun.objects.values("job").annotate(last=models.Max("pk")).values("last")
    return {run.job: run for run in ScheduledRun.objects.filter(pk__in=latest)}


def schedule_job(name: str) -> Job:
    for job in SCHEDULE:
        if job.name == name:
            return job
    raise LookupError(f"no scheduled job is named {name!r}")


def schedule_due(*, now: datetime) -> list[tuple[Job, str]]:
    """The jobs whose period has begun and whose run for it is not claimed yet."""
    local = timezone.localtime(now)
    due = [(job, period) for job in SCHEDULE if (period := job.cadence.period(local)) is not None]
    claimed = set(
        ScheduledRun.objects.filter(
            job__in=[job.name for job, _ in due], period__in=[period for _, period in due]
        ).values_list("job", "period")
    )
    return [(job, period) for job, period in due if (job.name, period) not in claimed]


def schedule_claim(*, job: Job, period: str, now: datetime) -> ScheduledRun | None:
    """Claim the job's run for the period, inside the caller's transaction; None when it was already
    claimed (by another server, a moment ago). The caller must be in `transaction.atomic()`."""
    try:
        with transaction.atomic():
            return ScheduledRun.objects.create(job=job.name, period=period, claimed_at=now)
    except IntegrityError:
        return None


def schedule_run(*, run_id: int, now: datetime) -> str:
    """Run a claimed job once and record how it ended. A run that was finished already is not repeated."""
    run = ScheduledRun.objects.get(pk=run_id)
    if run.finished_at is not None:
        return run.outcome
    try:
        # Looked up when it runs: a job renamed or removed by a release after the claim fails visibly.
        outcome = import_string(schedule_job(run.job).function)(now=now)
    except Exception as exc:
        ScheduledRun.objects.filter(pk=run.pk).update(
            finished_at=timezone.now(), error=f"{type(exc).__name__}: {exc}"[:2000]
        )
        raise
    ScheduledRun.objects.filter(pk=run.pk).update(finished_at=timezone.now(), outcome=outcome or "")
    return outcome or ""


def schedule_purge(*, now: datetime) -> str:
    """The daily clean-up: sent messages, finished background tasks and old scheduled-run records."""
    cutoff = now - timedelta(days=settings.OUTBOX_KEEP_DAYS)
    messages = outbox_purge(now=now)
    tasks, _ = DBTaskResult.objects.finished().filter(finished_at__lt=cutoff).delete()
    runs, _ = ScheduledRun.objects.filter(claimed_at__lt=cutoff, finished_at__isnull=False).delete()
    return f"{messages}，{tasks}条后台任务记录，{runs}条定时任务记录"
