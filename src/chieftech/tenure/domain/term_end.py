"""The end of the term (第十六条(二)): the daily expiry of every term whose management period is over, and the
reminders sent a set number of days before (the policy's `term_end_reminder_days`).

Both are scheduled jobs (chieftech.core.schedule.SCHEDULE) and catch up by themselves: expiry ends every term
due up to today, the reminder job sends the latest reminder due and records the earlier ones it skipped.
"""

from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from chieftech.accounts.models import User
from chieftech.accounts.roles import Role, users_holding
from chieftech.core.dates import date_zh
from chieftech.core.notify import notify
from chieftech.tenure.domain.transitions import tenure_transition
from chieftech.tenure.models import Tenure, TenureStatus, TermEndReminder

RUNNING = (TenureStatus.ACTIVE, TenureStatus.SUSPENDED)


def tenure_expire_due(*, now: datetime) -> str:
    """Every running term whose last day is before today (Asia/Shanghai) becomes 已期满, effective the day
    after its last day, by the system. A term ended already (or revoked, or not renewed) is not touched."""
    today = timezone.localdate(now)
    expired = 0
    for tenure in Tenure.objects.filter(status__in=RUNNING, ends_on__lt=today).order_by("pk"):
        tenure_transition(
            actor=None,
            tenure=tenure,
            to_status=TenureStatus.EXPIRED,
            effective_on=max(tenure.ends_on + timedelta(days=1), tenure.status_since),
            reason="管理期届满，系统自动转为已期满（第十六条（二））。",
        )
        expired += 1
    return f"{expired}名首席技师管理期届满"


def _thresholds(tenure: Tenure) -> list[int]:
    return sorted({int(days) for days in tenure.policy.term_end_reminder_days}, reverse=True)


def _recipients(tenure: Tenure) -> list[User]:
    users = {tenure.user} if tenure.user is not None else set()
    users |= set(users_holding(Role.ENTERPRISE, None).filter(enterprise_id=tenure.enterprise_id))
    users |= set(users_holding(Role.OFFICER, tenure.authority_id))
    return sorted(users, key=lambda user: user.pk)


def _send(tenure: Tenure, *, days_left: int) -> None:
    name = tenure.application.name
    notify(
        users=_recipients(tenure),
        subject=f"{name}的首席技师管理期将于{date_zh(tenure.ends_on)}届满",
        body=(
            f"{name}的首席技师管理期将于{date_zh(tenure.ends_on)}届满，还有{days_left}天。"
            "管理期届满后自动转为“已期满”；可在以后批次重新申报（第十六条（二））。"
        ),
    )


def tenure_remind_due(*, now: datetime) -> str:
    """For each running term, the latest reminder due (days left ≤ threshold) is sent once; an earlier
    threshold not yet recorded (a day the worker did not run) is recorded as superseded, never sent late.
    Each (term, threshold) is claimed by inserting its unique row first, so two runs never send twice."""
    today = timezone.localdate(now)
    sent = 0
    tenures = Tenure.objects.filter(status__in=RUNNING, ends_on__gte=today).select_related(
        "policy", "application"
    )
    for tenure in tenures:
        days_left = (tenure.ends_on - today).days
        due = [days for days in _thresholds(tenure) if days_left <= days]
        if not due:
            continue
        latest = min(due)
        recorded = set(tenure.term_end_reminders.values_list("days_before", flat=True))
        for days in due:
            if days in recorded:
                continue
            outcome = TermEndReminder.Outcome.SENT if days == latest else TermEndReminder.Outcome.SUPERSEDED
            try:
                with transaction.atomic():
                    TermEndReminder.objects.create(
                        tenure=tenure, days_before=days, outcome=outcome, recorded_at=now
                    )
                    if outcome == TermEndReminder.Outcome.SENT:
                        _send(tenure, days_left=days_left)
            except IntegrityError:
                continue  # another run recorded it a moment ago
            sent += outcome == TermEndReminder.Outcome.SENT
    return f"发送{sent}条管理期届满提醒"
