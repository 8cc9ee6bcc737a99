"""A chief technician's timeline: what happened to the person, from the application to the end of the term,
newest first, read from the records each step left.

Each source is a function of the tenure that returns its events; the timeline is the sources' events
together. A new kind of record joins the timeline by adding one function to TIMELINE_SOURCES. A source reads
what the tenure has joined in (TIMELINE_RELATED) or makes one query of its own, so the timeline costs the same
number of queries however long the history.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from itertools import chain

from django.core.exceptions import ObjectDoesNotExist
from django.utils import timezone

from chieftech.core.dates import date_zh
from chieftech.core.pii import mask_bank_account
from chieftech.tenure.models import (
    BankAccount,
    BankAccountState,
    StatusChange,
    Tenure,
    TenureStatus,
    TermEndReminder,
)

SYSTEM = "系统"

# What the sources read through the tenure: load the tenure with these and they cost no further query.
TIMELINE_RELATED = (
    "application",
    "application__created_by",
    "application__enterprise",
    "application__round",
    "application__round__government_approval",
    "application__round__government_approval__recorded_by",
    "certificate",
    "certificate__issued_by",
    "enterprise",
)


@dataclass(frozen=True)
class TimelineEvent:
    on: date
    title: str
    detail: str = ""
    actor: str = ""
    # Orders events of the same day: the later step of the term's life comes first.
    rank: int = 0


def _name(user) -> str:
    if user is None:
        return SYSTEM
    return user.real_name or user.username


def _day(moment: datetime) -> date:
    return timezone.localdate(moment)


def _related(obj, name: str):
    """A one-to-one the query joined in (or None when there is none)."""
    try:
        return getattr(obj, name)
    except ObjectDoesNotExist:
        return None


def application_events(tenure: Tenure) -> list[TimelineEvent]:
    application = tenure.application
    round_ = application.round
    events = []
    if application.submitted_at is not None:
        events.append(
            TimelineEvent(
                on=_day(application.submitted_at),
                title="提交推荐申报",
                detail=f"{round_.title}，推荐单位：{application.enterprise.name}",
                actor=_name(application.created_by),
                rank=10,
            )
        )
    approval = _related(round_, "government_approval")
    if approval is not None:
        events.append(
            TimelineEvent(
                on=approval.approved_on,
                title="区政府批准为首席技师",
                detail=f"{round_.title}，批准文号：{approval.document_number}",
                actor=_name(approval.recorded_by),
                rank=20,
            )
        )
    return events


def term_events(tenure: Tenure) -> list[TimelineEvent]:
    events = [
        TimelineEvent(
            on=tenure.starts_on,
            title="管理期开始",
            detail=f"管理期{date_zh(tenure.starts_on)}至{date_zh(tenure.ends_on)}",
            rank=30,
        )
    ]
    if tenure.status == TenureStatus.EXPIRED:
        events.append(
            TimelineEvent(
                on=tenure.status_since,
                title="管理期届满",
                detail="管理期届满，状态自动转为“管理期满”（第十六条（二））",
                actor=SYSTEM,
                rank=90,
            )
        )
    return events


def certificate_events(tenure: Tenure) -> list[TimelineEvent]:
    certificate = _related(tenure, "certificate")
    if certificate is None:
        return []
    events = [
        TimelineEvent(
            on=certificate.issued_on,
            title="颁发证书",
            detail=f"证书编号：{certificate.number}",
            actor=_name(certificate.issued_by),
            rank=40,
        )
    ]
    if certificate.withdrawn_at is not None:
        events.append(
            TimelineEvent(
                on=_day(certificate.withdrawn_at),
                title="收回证书",
                detail=certificate.withdrawn_reason,
                rank=80,
            )
        )
    return events


def _status_change_event(change: StatusChange) -> TimelineEvent:
    """A report of a change in the holder's work (第十六条(一)), on its effective date, with where it stands."""
    State = StatusChange.State
    reported = f"{_name(change.reported_by)}（{change.get_reported_as_display()}）于{date_zh(change.reported_at)}报告"
    decided = ""
    if change.state == State.CONFIRMED:
        decided = f"{_name(change.decided_by)}于{date_zh(change.decided_at)}确认"
        if change.outcome_reason:
            decided += f"（{change.get_outcome_display()}：{change.outcome_reason}）"
    elif change.state == State.RETURNED:
        decided = f"{_name(change.decided_by)}于{date_zh(change.decided_at)}退回：{change.return_reason}"
    elif change.state == State.REPORTED:
        decided = "待人社局确认"
    where = ""
    if change.new_enterprise_id is not None:
        where = f"调入{change.new_enterprise.name}"
    elif change.new_employer:
        where = f"调往{change.new_employer}"
    detail = "；".join(part for part in (where, change.reason, reported, decided) if part)
    return TimelineEvent(
        on=change.effective_on,
        title=f"人员变动：{change.get_kind_display()}（{change.get_state_display()}）",
        detail=detail,
        actor=_name(change.decided_by if change.decided_at is not None else change.reported_by),
        rank=60,
    )


def status_change_events(tenure: Tenure) -> list[TimelineEvent]:
    """The reported status changes (第十六条(一)), each on its effective date, whatever their state; one query."""
    changes = StatusChange.objects.filter(tenure=tenure).select_related(
        "reported_by", "decided_by", "new_enterprise"
    )
    return [_status_change_event(change) for change in changes]


def bank_account_events(tenure: Tenure) -> list[TimelineEvent]:
    """The accounts the subsidy is paid into as the officer confirmed (from which month) or returned them, the
    number masked; one query. (An account carried over from before, with no decision of record, is not an
    event.)"""
    events = []
    accounts = BankAccount.objects.filter(tenure=tenure, decided_by__isnull=False).select_related(
        "decided_by"
    )
    for account in accounts.order_by("decided_at", "pk"):
        number = mask_bank_account(account.number)
        if account.state == BankAccountState.RETURNED:
            title, detail = "银行账户变更退回", f"{account.bank} {number}；{account.return_reason}"
        else:
            applies = f"自{account.applies_from:%Y年%m月}起发放至该账户" if account.applies_from else ""
            title, detail = "银行账户确认", "；".join(p for p in (f"{account.bank} {number}", applies) if p)
        events.append(
            TimelineEvent(
                on=_day(account.decided_at),
                title=title,
                detail=detail,
                actor=_name(account.decided_by),
                rank=65,
            )
        )
    return events


def reminder_events(tenure: Tenure) -> list[TimelineEvent]:
    """The end-of-term reminders, sent or skipped; one query. The nearer reminder first: a day's events keep
    their sources' order."""
    events = []
    for reminder in TermEndReminder.objects.filter(tenure=tenure).order_by("days_before"):
        sent = reminder.outcome == TermEndReminder.Outcome.SENT
        events.append(
            TimelineEvent(
                on=_day(reminder.recorded_at),
                title=f"管理期届满前{reminder.days_before}天提醒",
                detail=(
                    f"已提醒本人、工作单位和经办人：管理期将于{date_zh(tenure.ends_on)}届满"
                    if sent
                    else "未发送：已到后一提醒的时间，改发后一提醒"
                ),
                actor=SYSTEM,
                rank=70,
            )
        )
    return events


def showcase_events(tenure: Tenure) -> list[TimelineEvent]:
    if not tenure.showcase_consent or tenure.showcase_consent_at is None:
        return []
    return [
        TimelineEvent(
            on=_day(tenure.showcase_consent_at),
            title="同意在门户展示",
            detail="本人同意在门户网站展示姓名、照片和事迹简介",
            rank=50,
        )
    ]


TIMELINE_SOURCES: list[Callable[[Tenure], list[TimelineEvent]]] = [
    application_events,
    term_events,
    certificate_events,
    status_change_events,
    bank_account_events,
    reminder_events,
    showcase_events,
]


def tenure_timeline(tenure: Tenure) -> list[TimelineEvent]:
    """Every source's events, newest first (the later step first within a day; a stable sort keeps a
    source's own order among equals)."""
    events = chain.from_iterable(source(tenure) for source in TIMELINE_SOURCES)
    return sorted(events, key=lambda event: (event.on, event.rank), reverse=True)
