"""The 2024 cohort's two years of the management period, as the people concerned would have recorded them.

Loaded after the completed 2024 round (chieftech.publicity.demo), through the domain functions, each called
with the moment it would have happened:
- the officer invited three holders to their own accounts in January 2025; they set their passwords and sign in
  as `tech1`, `tech2` and `tech3`;
- 于海燕 moved to another enterprise of the district on 1 April 2025 (reported by her employer, confirmed);
- 宋建军 left his skill post on 16 June 2025: benefits suspended from then, the title kept (第十六条（一）);
- the reminders 60 and 30 days before the end of the term (26 December 2026) went out when they were due;
- two requests wait for the officer: 于海燕's new bank account and 林晓红's own report of a secondment;
- the records of the term (chieftech.duties.demo) and the year-1 re-review of December 2025
  (chieftech.review.demo): four passed, 鞠文涛 not renewed.

Idempotent: nothing is written when `tech1` exists. Steps dated after today are left for later (the scheduled
jobs send the reminders and end the terms on their days).
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import partial

from django.db import transaction
from django.utils import timezone

from chieftech.accounts.demo import HOLDER_USERNAMES
from chieftech.accounts.domain.activation import account_activate, activation_link_make
from chieftech.accounts.models import User
from chieftech.certificates.domain import round_tenures_in_rank_order
from chieftech.core.pdf import para, pdf_build, pdf_styles
from chieftech.duties.demo import duty_events
from chieftech.policy.calendar import DEADLINE_TZ
from chieftech.review.demo import review_events
from chieftech.revocation.demo import revocation_events
from chieftech.selection.models import Round
from chieftech.subsidy.demo import payroll_events
from chieftech.tenure.domain.bank_accounts import bank_account_request
from chieftech.tenure.domain.holders import InviteChannel, holder_invite
from chieftech.tenure.domain.status_change_checks import EvidenceUpload, Report
from chieftech.tenure.domain.status_changes import status_change_confirm, status_change_report
from chieftech.tenure.domain.term_end import tenure_expire_due, tenure_remind_due
from chieftech.tenure.models import StatusChange, Tenure

COHORT_TITLE = "2024年度环翠区首席技师选拔"  # chieftech.publicity.demo.REAL_TITLE


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=DEADLINE_TZ)


@dataclass(frozen=True)
class Change:
    """A status change of the cohort: whose (rank), what, reported by whom and when, confirmed when."""

    rank: int
    kind: str
    effective_on: date
    reason: str
    evidence: str
    reporter: str
    reported_at: datetime
    confirmed_at: datetime | None = None
    new_enterprise_user: str = ""  # for a transfer in the district: a user of the new enterprise


# The holders invited (rank in the cohort → user name, email).
HOLDERS = {0: ("quzhigang@example.cn", _at(date(2025, 1, 13), 10)),
           1: ("yuhaiyan@example.cn", _at(date(2025, 1, 13), 10)),
           3: ("linxiaohong@example.cn", _at(date(2025, 1, 14), 9))}  # fmt: skip
CHANGES = [
    Change(
        rank=1,
        kind=StatusChange.Kind.TRANSFER_IN_DISTRICT,
        effective_on=date(2025, 4, 1),
        reason="经本人申请、两单位协商，于海燕同志调入威海鑫材新材料科技有限公司，从事医用复合材料部件装配岗位。",
        evidence="调动审批表",
        reporter="ent2",
        reported_at=_at(date(2025, 4, 3), 10),
        confirmed_at=_at(date(2025, 4, 8), 15),
        new_enterprise_user="ent6",
    ),
    Change(
        rank=2,
        kind=StatusChange.Kind.LEFT_SKILL_POST,
        effective_on=date(2025, 6, 16),
        reason="宋建军同志自2025年6月16日起任公司生产管理部副经理，不再从事技能岗位工作。",
        evidence="公司任职文件",
        reporter="ent3",
        # Reported late, after July's subsidy was paid: that month is recovered (chieftech.subsidy.demo).
        reported_at=_at(date(2025, 7, 15), 9),
        confirmed_at=_at(date(2025, 7, 18), 11),
    ),
    Change(
        rank=3,
        kind=StatusChange.Kind.OTHER,
        effective_on=date(2026, 11, 2),
        reason="受公司派遣，赴荣成分公司指导新生产线调试三个月，仍从事水产品加工技能岗位工作。",
        evidence="公司派遣通知",
        reporter="tech3",
        reported_at=_at(date(2026, 11, 5), 16),
    ),
]
BANK_REQUEST = {
    "rank": 1,
    "bank": "中国建设银行",
    "branch": "威海桥头支行",
    "number": "6217002020098765432",
    "at": _at(date(2026, 11, 18), 20),
}


def _evidence_pdf(title: str, name: str) -> bytes:
    """A stand-in for the scanned letter the reporter uploads (the demo has no scanner)."""
    styles = pdf_styles()
    return pdf_build(
        [para(f"{title}（{name}）", styles.title), para("（演示数据：扫描件）", styles.body)], title=title
    )


def load_demo(*, password: str, now: datetime | None = None) -> None:
    """`now`: the moment the demo is loaded (a test fixes it); what would happen after it is left out.

    Every step is an event at the moment it happened, run in time order together with the subsidy's
    (chieftech.subsidy.demo: the monthly batches must meet each change where it fell between them)."""
    if User.objects.filter(username=HOLDER_USERNAMES[0]).exists():
        return
    round_ = Round.objects.filter(title=COHORT_TITLE).first()
    if round_ is None:
        return
    cohort = list(round_tenures_in_rank_order(round_))
    users = {u.username: u for u in User.objects.filter(is_active=True)}
    officer = users["officer"]
    now = now or timezone.now()
    events: list[tuple[datetime, Callable[[], None]]] = []

    def holder(username: str, rank: int, email: str, at: datetime) -> Callable[[], None]:
        def run() -> None:
            users[username] = _holder_account(
                officer=officer, tenure=cohort[rank], username=username, email=email, at=at, password=password
            )

        return run

    for username, (rank, (email, at)) in zip(HOLDER_USERNAMES, HOLDERS.items(), strict=True):
        events.append((at, holder(username, rank, email, at)))
    reports: dict[int, StatusChange] = {}
    for n, change in enumerate(CHANGES):
        events.append(
            (
                change.reported_at,
                partial(_report, change=change, cohort=cohort, users=users, into=(reports, n)),
            )
        )
        if change.confirmed_at is not None:
            events.append(
                (
                    change.confirmed_at,
                    lambda n=n, change=change: status_change_confirm(
                        actor=officer, change=reports[n], now=change.confirmed_at
                    ),
                )
            )
    events.append((BANK_REQUEST["at"], partial(_bank_request, tenure_id=cohort[BANK_REQUEST["rank"]].pk)))
    # The reminders went out on their days.
    for days in sorted(round_.policy.term_end_reminder_days, reverse=True):
        due = _at(cohort[0].ends_on - timedelta(days=int(days)), 8)
        events.append((due, partial(tenure_remind_due, now=due)))
    events += payroll_events(authority=round_.authority, cohort=cohort, users=users)
    events += duty_events(cohort=cohort, users=users)
    events += review_events(round_=round_, cohort=cohort, users=users)
    events += revocation_events(cohort=cohort, users=users)
    with transaction.atomic():
        for at, run in sorted(events, key=lambda event: event[0]):
            if at <= now:
                run()
        # A term whose last day has passed has ended.
        tenure_expire_due(now=now)


def _report(*, change: Change, cohort: list[Tenure], users: dict, into: tuple[dict, int]) -> None:
    tenure = Tenure.objects.get(pk=cohort[change.rank].pk)
    reports, n = into
    reports[n] = status_change_report(
        actor=users[change.reporter],
        tenure=tenure,
        report=Report(
            kind=change.kind,
            effective_on=change.effective_on,
            reason=change.reason,
            new_enterprise=(
                users[change.new_enterprise_user].enterprise if change.new_enterprise_user else None
            ),
        ),
        files=[
            EvidenceUpload(
                name=f"{change.evidence}.pdf", content=_evidence_pdf(change.evidence, tenure.application.name)
            )
        ],
        now=change.reported_at,
    )


def _bank_request(*, tenure_id: int) -> None:
    tenure = Tenure.objects.select_related("application", "user").get(pk=tenure_id)
    bank_account_request(
        actor=tenure.user,
        tenure=tenure,
        bank=BANK_REQUEST["bank"],
        branch=BANK_REQUEST["branch"],
        number=BANK_REQUEST["number"],
        account_name=tenure.application.name,
        now=BANK_REQUEST["at"],
    )


def _holder_account(
    *, officer, tenure: Tenure, username: str, email: str, at: datetime, password: str
) -> User:
    """The officer's invitation by email, and the holder setting their password through the link that day."""
    invitation = holder_invite(actor=officer, tenure=tenure, channel=InviteChannel.EMAIL, email=email, now=at)
    user = invitation.user
    User.objects.filter(pk=user.pk).update(username=username)
    user.refresh_from_db()
    # The link the email carried (the command line may hold a link: actor None), used an hour later.
    link = activation_link_make(actor=None, user=user, now=at)
    return account_activate(
        uidb64=link.uidb64, token=link.token, password=password, now=at + timedelta(hours=1)
    )
