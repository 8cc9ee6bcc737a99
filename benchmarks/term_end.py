"""The scheduled end-of-term work over 10,000 terms (target: under 5 s, and idempotent).

    .venv/bin/python benchmarks/term_end.py             # 10,000 terms, fresh temporary SQLite database
    .venv/bin/python benchmarks/term_end.py 2000        # another count
    DATABASE_URL=postgres://... .venv/bin/python benchmarks/term_end.py   # a scratch database

n running terms that all end on the same day (a cohort of n, the worst day for the jobs) are built, every
second holder with an account of their own (and an email address); then, with the clock set as the worker
would have it:
- the reminder job 60 days before the end (every term gets its reminder: n notifications), then again (nothing);
- the expiry job on an ordinary day (nothing due), on the day after the last day (all n expire, each through
  the audited transition), then again (nothing).
Each run's wall and CPU time is printed with what it reported, and the state after the second run is compared
with the state after the first (statuses, audit records, reminders, notifications); the audit chain is
verified at the end.
"""

import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._data import build_tenures, setup_django

SHANGHAI = ZoneInfo("Asia/Shanghai")
STARTS = date(2024, 12, 27)
TARGET_S = 5.0


def at(day: date, hour: int) -> datetime:
    return datetime(day.year, day.month, day.day, hour, 5, tzinfo=SHANGHAI)


def timed(label: str, job, now: datetime) -> float:
    wall, cpu = time.perf_counter(), time.process_time()
    report = job(now=now)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    verdict = "" if wall <= TARGET_S else f"  (over the {TARGET_S:.0f} s target)"
    print(f"  {label:<44} {wall:6.2f} s wall / {cpu:5.2f} s CPU  → {report}{verdict}")
    return wall


def state(ids: list[int]) -> tuple:
    from chieftech.audit.models import AuditRecord
    from chieftech.core.models import Notification
    from chieftech.tenure.models import Tenure, TermEndReminder

    statuses = tuple(Tenure.objects.filter(pk__in=ids).order_by("pk").values_list("status", "status_since"))
    return (
        statuses,
        AuditRecord.objects.filter(action="tenure.expire").count(),
        TermEndReminder.objects.count(),
        Notification.objects.count(),
    )


def holders(ids: list[int]) -> None:
    """An account for the holder of each term in `ids`, as the officer's invitation makes."""
    from django.contrib.auth.models import Group

    from chieftech.accounts.models import RoleGrant, User
    from chieftech.accounts.roles import Role
    from chieftech.tenure.models import Tenure

    users = User.objects.bulk_create(
        User(
            username=f"bench-holder-{pk}", real_name="首席技师", email=f"holder{pk}@example.cn", password="!"
        )
        for pk in ids
    )
    group = Group.objects.get(name=Role.TECHNICIAN)
    group.user_set.add(*users)
    RoleGrant.objects.bulk_create(RoleGrant(user=user, role=Role.TECHNICIAN) for user in users)
    Tenure.objects.bulk_update(
        [Tenure(pk=pk, user=user) for pk, user in zip(ids, users, strict=True)], ["user"], batch_size=1000
    )


def main(n: int) -> None:
    setup_django()
    from chieftech.tenure.domain.term_end import tenure_expire_due, tenure_remind_due

    built = time.perf_counter()
    ids = build_tenures(n, starts_on=STARTS)
    from chieftech.tenure.models import Tenure

    holders(ids[::2])
    ends_on = Tenure.objects.get(pk=ids[0]).ends_on
    print(f"{n} running terms, all ending on {ends_on} (built in {time.perf_counter() - built:.1f} s)")

    timed("reminders, 60 days before the end", tenure_remind_due, at(ends_on - timedelta(days=60), 8))
    first = state(ids)
    timed("reminders again the same day", tenure_remind_due, at(ends_on - timedelta(days=60), 9))
    print(
        f"  idempotent: {'yes' if state(ids) == first else 'NO'} ({first[2]} reminders, {first[3]} notifications)"
    )

    timed("expiry on an ordinary day (none due)", tenure_expire_due, at(ends_on - timedelta(days=10), 0))
    timed("expiry the day after the last day", tenure_expire_due, at(ends_on + timedelta(days=1), 0))
    first = state(ids)
    timed("expiry again the same day", tenure_expire_due, at(ends_on + timedelta(days=1), 1))
    expired = sum(status == "expired" for status, _ in first[0])
    print(
        f"  idempotent: {'yes' if state(ids) == first else 'NO'} ({expired} expired, {first[1]} audit records)"
    )

    from chieftech.audit.domain import audit_verify

    print(f"  audit chain: {audit_verify()}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)
