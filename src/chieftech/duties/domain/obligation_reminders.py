"""The yearly reminder to the enterprises that have recorded nothing of their obligations (第13条).

A (term, enterprise, year) still without a record is reminded once: from the 1st of the policy's
`employer_record_reminder_month` of that year (Asia/Shanghai) to the end of the next January. The January of
the next year catches what December could not: a day the job did not run, a holder who joined the enterprise
in the last days of the year. After January the officer's list (duties:obligations) still shows the year as
missing, and the officer follows it up; the enterprise is not reminded again. One ObligationReminder row per
(term, enterprise, year), unique in the database, so two runs of the job at once never send twice.
"""

from collections import defaultdict
from datetime import datetime

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from chieftech.accounts.roles import Role, users_holding
from chieftech.core.notify import Message, notify_many
from chieftech.duties.domain.obligations import Missing, employer_records_missing
from chieftech.duties.models import ObligationReminder

# Names listed in one enterprise's reminder; the rest are counted.
LISTED = 50


def _due(*, now: datetime) -> list[Missing]:
    local = timezone.localtime(now)
    due = [
        m
        for m in employer_records_missing(authority_ids=None, year=local.year)
        if local.month >= m.reminder_month
    ]
    if local.month == 1:
        due += employer_records_missing(authority_ids=None, year=local.year - 1)
    return [m for m in due if m.reminded_at is None]


def _message(items: list[Missing]) -> tuple[str, str, str]:
    year = items[0].year
    lines = [f"{m.name}（{m.year}年）" for m in items[:LISTED]]
    if len(items) > LISTED:
        lines.append(f"……等{len(items)}名。")
    subject = f"请登记{len(items)}名首席技师的用人单位履职情况"
    body = (
        f"根据《{items[0].measures}》第十三条，请登记本单位为以下首席技师提供的医疗费用补助、"
        "健康查体和带薪休假情况：\n" + "\n".join(lines) + "\n请在“本单位首席技师”页面逐人登记。"
    )
    url = reverse("duties:employer_record", args=[items[0].tenure_id, year]) if len(items) == 1 else ""
    return subject, body, url or reverse("tenure:enterprise_tenures")


def _send(items: list[Missing], *, now: datetime) -> None:
    ObligationReminder.objects.bulk_create(
        [
            ObligationReminder(tenure_id=m.tenure_id, enterprise_id=m.enterprise_id, year=m.year, sent_at=now)
            for m in items
        ],
        batch_size=1000,
    )
    by_enterprise: dict[int, list[Missing]] = defaultdict(list)
    for m in items:
        by_enterprise[m.enterprise_id].append(m)
    users: dict[int, list] = defaultdict(list)
    for user in users_holding(Role.ENTERPRISE, None).filter(enterprise_id__in=by_enterprise).order_by("pk"):
        users[user.enterprise_id].append(user)
    notify_many(
        Message(users[enterprise_id], *_message(group)) for enterprise_id, group in by_enterprise.items()
    )


def employer_records_remind_due(*, now: datetime) -> int:
    """Remind each enterprise of every (term, year) it owes and has not recorded, once; returns how many
    (term, enterprise, year) were reminded by this run. The whole run is one transaction (each enterprise
    one message); if another run recorded some a moment ago, it is redone one (term, enterprise, year) at a
    time, skipping those."""
    due = _due(now=now)
    if not due:
        return 0
    try:
        with transaction.atomic():
            _send(due, now=now)
        return len(due)
    except IntegrityError:
        pass
    sent = 0
    for item in due:
        try:
            with transaction.atomic():
                _send([item], now=now)
        except IntegrityError:
            continue  # reminded by the other run
        sent += 1
    return sent


def employer_records_remind_job(*, now: datetime) -> str:
    """The scheduled job (chieftech.core.schedule.SCHEDULE): daily, so a new holder's year is caught too."""
    return f"发送{employer_records_remind_due(now=now)}条用人单位履职登记提醒"
