"""The end of the term (第十六条(二)): the daily expiry of every term whose management period is over, and the
reminders sent a set number of days before (the policy's `term_end_reminder_days`).

Both are scheduled jobs (chieftech.core.schedule.SCHEDULE) and catch up by themselves: expiry ends every term
due up to today, the reminder job sends the latest reminder due and records the earlier ones it skipped.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from chieftech.accounts.models import User
from chieftech.accounts.roles import Role, users_holding
from chieftech.core.dates import date_zh
from chieftech.core.errors import DomainError
from chieftech.core.notify import Message, notify_many
from chieftech.policy.models import PolicyVersion
from chieftech.tenure.domain.transitions import tenure_transition, tenures_transition
from chieftech.tenure.models import Tenure, TenureStatus, TermEndReminder

RUNNING = (TenureStatus.ACTIVE, TenureStatus.SUSPENDED)
# Terms ended per transaction: a batch is a few queries, so a cohort of 10,000 ends in a few seconds.
BATCH = 500
# Names listed in a reminder to an enterprise or an officer; the rest are counted and found in the register.
LISTED = 50


def _expiry_day(tenure: Tenure):
    return max(tenure.ends_on + timedelta(days=1), tenure.status_since)


def tenure_expire_due(*, now: datetime) -> str:
    """Every running term whose last day is before today (Asia/Shanghai) becomes 已期满, effective the day
    after its last day, by the system. A term ended already (or revoked, or not renewed) is not touched.
    Terms end in batches, each all or none; a batch that another run changed meanwhile is retried one by
    one, skipping what that run ended."""
    today = timezone.localdate(now)
    reason = "管理期届满，系统自动转为已期满（第十六条（二））。"
    due = list(
        Tenure.objects.filter(status__in=RUNNING, ends_on__lt=today)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    expired = 0
    for start in range(0, len(due), BATCH):
        batch = [Tenure(pk=pk) for pk in due[start : start + BATCH]]
        try:
            tenures_transition(
                actor=None,
                tenures=batch,
                to_status=TenureStatus.EXPIRED,
                effective_on=_expiry_day,
                reason=reason,
            )
            expired += len(batch)
        except DomainError:
            for tenure in batch:
                try:
                    tenure_transition(
                        actor=None,
                        tenure=tenure,
                        to_status=TenureStatus.EXPIRED,
                        effective_on=_expiry_day(
                            Tenure.objects.only("ends_on", "status_since").get(pk=tenure.pk)
                        ),
                        reason=reason,
                    )
                except DomainError:
                    continue
                expired += 1
    return f"{expired}名首席技师管理期届满"


def _thresholds(policy: PolicyVersion) -> list[int]:
    return sorted({int(days) for days in policy.term_end_reminder_days}, reverse=True)


@dataclass(frozen=True)
class _Due:
    tenure: Tenure
    days_before: int
    days_left: int
    sent: bool


def _line(due: _Due) -> str:
    tenure = due.tenure
    return f"{tenure.application.name}（{tenure.enterprise.name}）：{date_zh(tenure.ends_on)}届满，还有{due.days_left}天"


def _message(items: list[_Due]) -> tuple[str, str]:
    """One term: its own wording; several (an enterprise's or an authority's): one message listing them."""
    closing = "管理期届满后自动转为“已期满”；可在以后批次重新申报（第十六条（二））。"
    if len(items) == 1:
        tenure, days_left = items[0].tenure, items[0].days_left
        name = tenure.application.name
        return (
            f"{name}的首席技师管理期将于{date_zh(tenure.ends_on)}届满",
            f"{name}的首席技师管理期将于{date_zh(tenure.ends_on)}届满，还有{days_left}天。{closing}",
        )
    items = sorted(items, key=lambda due: (due.tenure.ends_on, due.tenure.application.name, due.tenure.pk))
    lines = [_line(due) for due in items[:LISTED]]
    if len(items) > LISTED:
        lines.append(f"……等{len(items)}名，详见首席技师名册。")
    return (
        f"{len(items)}名首席技师的管理期即将届满",
        f"以下{len(items)}名首席技师的管理期即将届满：\n" + "\n".join(lines) + f"\n{closing}",
    )


def _notify_all(sent: list[_Due]) -> None:
    """The holder gets their own reminder; each enterprise's users one listing their holders; each
    authority's officers one listing the authority's (so a cohort of hundreds is one message, not hundreds)."""
    if not sent:
        return
    by_enterprise: dict[int, list[_Due]] = defaultdict(list)
    by_authority: dict[int, list[_Due]] = defaultdict(list)
    messages = []
    for due in sent:
        if due.tenure.user_id is not None:
            messages.append(Message([due.tenure.user], *_message([due])))
        by_enterprise[due.tenure.enterprise_id].append(due)
        by_authority[due.tenure.authority_id].append(due)
    enterprise_users: dict[int, list[User]] = defaultdict(list)
    for user in users_holding(Role.ENTERPRISE, None).filter(enterprise_id__in=by_enterprise).order_by("pk"):
        enterprise_users[user.enterprise_id].append(user)
    for enterprise_id, items in by_enterprise.items():
        messages.append(Message(enterprise_users[enterprise_id], *_message(items)))
    for authority_id, items in by_authority.items():
        messages.append(
            Message(list(users_holding(Role.OFFICER, authority_id).order_by("pk")), *_message(items))
        )
    notify_many(messages)


def _due(tenure: Tenure, *, today) -> list[_Due]:
    """The thresholds of `tenure` reached and not yet recorded: the latest to send, earlier ones superseded."""
    days_left = (tenure.ends_on - today).days
    reached = [days for days in _thresholds(tenure.policy) if days_left <= days]
    if not reached:
        return []
    latest = min(reached)
    recorded = {reminder.days_before for reminder in tenure.term_end_reminders.all()}
    return [
        _Due(tenure=tenure, days_before=days, days_left=days_left, sent=days == latest)
        for days in reached
        if days not in recorded
    ]


def _record(items: list[_Due], *, now: datetime) -> None:
    TermEndReminder.objects.bulk_create(
        [
            TermEndReminder(
                tenure=due.tenure,
                days_before=due.days_before,
                outcome=TermEndReminder.Outcome.SENT if due.sent else TermEndReminder.Outcome.SUPERSEDED,
                recorded_at=now,
            )
            for due in items
        ],
        batch_size=1000,
    )


def tenure_remind_due(*, now: datetime) -> str:
    """For each running term, the latest reminder due (days left ≤ threshold) is sent once; an earlier
    threshold not yet recorded (a day the worker did not run) is recorded as superseded, never sent late.
    Each (term, threshold) is claimed by inserting its unique row with its messages, all in one transaction
    (so each enterprise and officer gets one message for the run); if another run claimed some meanwhile, the
    run is redone one term at a time, so two runs never send twice."""
    today = timezone.localdate(now)
    running = Tenure.objects.filter(status__in=RUNNING, ends_on__gte=today)
    # Only the terms with a threshold reached and not yet recorded are read: on the days between two
    # thresholds a cohort of thousands costs one query.
    wanted = Q(pk__in=[])
    for policy in PolicyVersion.objects.filter(pk__in=running.values("policy")).only(
        "term_end_reminder_days"
    ):
        for days in _thresholds(policy):
            recorded = TermEndReminder.objects.filter(tenure=OuterRef("pk"), days_before=days)
            wanted |= Q(policy=policy.pk, ends_on__lte=today + timedelta(days=days)) & ~Exists(recorded)
    tenures = (
        running.filter(wanted)
        .select_related("policy", "application", "enterprise", "user")
        .only(
            "pk",
            "authority_id",
            "enterprise_id",
            "ends_on",
            "user",
            "policy__term_end_reminder_days",
            "application__name",
            "enterprise__name",
        )
        .prefetch_related("term_end_reminders")
        .order_by("pk")
    )
    due = [item for tenure in tenures for item in _due(tenure, today=today)]
    try:
        # The whole run at once: each enterprise and each officer gets one message listing all their terms.
        with transaction.atomic():
            _record(due, now=now)
            _notify_all([item for item in due if item.sent])
        return f"发送{sum(item.sent for item in due)}条管理期届满提醒"
    except IntegrityError:
        pass  # another run claimed some of them a moment ago: one term at a time, skipping those
    sent = 0
    for tenure_pk in dict.fromkeys(item.tenure.pk for item in due):
        items = [item for item in due if item.tenure.pk == tenure_pk]
        try:
            with transaction.atomic():
                _record(items, now=now)
                _notify_all([item for item in items if item.sent])
        except IntegrityError:
            continue  # another run recorded it a moment ago
        sent += sum(item.sent for item in items)
    return f"发送{sent}条管理期届满提醒"
