"""考察公示 (第10条(五)): the notice of the proposed list, its period on the working-day calendar, its end.

The period: `policy.notice_working_days` working days counted by chieftech.policy.calendar. The first day
counts when it is a working day ("公示时间为4月18日至4月22日（五个工作日）"); a notice that starts on a
weekend or holiday is shown, and open to objections, from that day, but its working days are counted from
the next working day, so the public never gets less than the policy's days. The window closes at the end
of the last day, Asia/Shanghai. A year without a holiday schedule raises CalendarDataMissing (the
calendar's own Chinese message): the period is never guessed.
"""

from dataclasses import dataclass
from datetime import date, datetime
from typing import NamedTuple

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

import chieftech.publicity.rules  # noqa: F401  (declares the rules asked here)
from chieftech.accounts.models import User
from chieftech.accounts.roles import roles_with
from chieftech.audit.domain import audit_record, snapshot
from chieftech.core.dates import date_zh
from chieftech.core.errors import DomainError
from chieftech.core.notify import notify
from chieftech.core.permissions import require_perm
from chieftech.policy.calendar import DEADLINE_TZ, CalendarDataMissing, WorkingCalendar, end_of_day
from chieftech.policy.models import SkillLevel
from chieftech.policy.wording import authority_values, wording_render
from chieftech.publicity.domain.current import round_current_notice
from chieftech.publicity.domain.transitions import FINDING_STATES, NOTICE_FIELDS, notice_transition
from chieftech.publicity.models import Notice, NoticeEntry
from chieftech.selection.domain.rounds import round_transition
from chieftech.selection.models import Application, ApplicationState, Round, RoundState

MANAGE_NOTICE = "publicity.manage_notice"

_DIGITS = "零一二三四五六七八九"


class NoticePeriod(NamedTuple):
    first_day: date  # the first working day counted
    ends_on: date  # the last working day; the window closes at its end, Asia/Shanghai
    working_days: int


def cn_number(n: int) -> str:
    """1–99 in Chinese numerals, as official text writes a count of days ("五个工作日", "十个工作日")."""
    if not 0 < n < 100:
        return str(n)
    tens, units = divmod(n, 10)
    if tens == 0:
        return _DIGITS[units]
    return ("" if tens == 1 else _DIGITS[tens]) + "十" + (_DIGITS[units] if units else "")


def notice_period(*, starts_on: date, policy) -> NoticePeriod:
    """The notice period starting on `starts_on` under `policy`; raises CalendarDataMissing for a year the
    calendar does not know."""
    calendar = WorkingCalendar()
    n = policy.notice_working_days
    first_day = calendar.nth_working_day(start=starts_on, n=1)
    ends_on = calendar.nth_working_day(start=first_day, n=n)
    return NoticePeriod(first_day=first_day, ends_on=ends_on, working_days=n)


def period_text(*, starts_on: date, ends_on: date, working_days: int) -> str:
    """公示时间为2026年9月24日至10月8日（五个工作日）: the year again only when the period crosses one."""
    end = date_zh(ends_on) if ends_on.year != starts_on.year else f"{ends_on.month}月{ends_on.day}日"
    return f"公示时间为{date_zh(starts_on)}至{end}（{cn_number(working_days)}个工作日）"


def period_label(notice: Notice) -> str:
    """The period as refusals and lists name it: 2026年9月24日至2026年10月8日."""
    return f"{date_zh(notice.starts_on)}至{date_zh(notice.ends_on)}"


def notice_is_running(notice: Notice, now: datetime | None = None) -> bool:
    """Published, its first day reached and its last day not yet over (Asia/Shanghai)."""
    now = now or timezone.now()
    if notice.state != Notice.State.PUBLISHED:
        return False
    return notice.starts_on <= now.astimezone(DEADLINE_TZ).date() and now <= end_of_day(notice.ends_on)


def notice_has_ended(notice: Notice, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    return now > end_of_day(notice.ends_on)


def notice_entries_for(round_: Round) -> list[Application]:
    """The round's proposed candidates in the committee's rank order (application order where no rank exists)."""
    return list(
        Application.objects.filter(round=round_, state=ApplicationState.PROPOSED)
        .select_related("enterprise")
        .only("pk", "name", "round_id", "enterprise__name")
        .order_by(F("result__rank").asc(nulls_last=True), "pk")
    )


@dataclass(frozen=True)
class NoticeRow:
    """One line of the notice's table: what the public may see of a candidate, and nothing more."""

    order: int
    name: str
    gender: str
    enterprise: str
    occupation: str
    skill_level: str
    removed: bool


NOTICE_TABLE_HEADER = ("序号", "姓名", "性别", "工作单位", "职业（工种）", "技能等级")
_LEVEL_LABELS = dict(SkillLevel.choices)


def notice_public_url(notice: Notice) -> str:
    """The absolute address of the notice's public page, printed with its QR code on the posted copy: at the
    issuing authority's own address when it has one."""
    base = notice.round.authority.public_base_url.rstrip("/") or settings.PUBLIC_BASE_URL
    return base + reverse("publicity_public:notice_detail", args=[notice.pk])


def notice_table(notice: Notice) -> list[NoticeRow]:
    """The notice's candidates in order, one query; the personal data columns are never even loaded."""
    entries = (
        NoticeEntry.objects.filter(notice=notice)
        .select_related("application__enterprise")
        .only(
            "order",
            "removed",
            "notice_id",
            "application__name",
            "application__gender",
            "application__occupation",
            "application__skill_level",
            "application__enterprise__name",
        )
        .order_by("order", "pk")
    )
    return [
        NoticeRow(
            order=e.order,
            name=e.application.name,
            gender=e.application.gender,
            enterprise=e.application.enterprise.name,
            occupation=e.application.occupation,
            skill_level=_LEVEL_LABELS.get(e.application.skill_level, ""),
            removed=e.removed,
        )
        for e in entries
    ]


def notice_text_parts(body: str) -> tuple[list[str], list[str]]:
    """The text's paragraphs, and its closing (the issuing office and the date: its last two lines, when they
    stand together after a blank line), which the page and the PDF set on the right."""
    lines = [line.strip() for line in body.replace("\r\n", "\n").split("\n")]
    while lines and not lines[-1]:
        lines.pop()
    closing = lines[-2:] if len(lines) >= 3 and all(lines[-2:]) and not lines[-3] else []
    paragraphs = [line for line in (lines[: -len(closing)] if closing else lines) if line]
    return paragraphs, closing


def notice_title(round_: Round) -> str:
    return f"关于{round_.year}年度{round_.authority.title_name}建议人选的公示"


def notice_body_render(*, round_: Round, starts_on: date, period: NoticePeriod, count: int) -> str:
    """The notice in the authority's wording: purpose, the period, how to object, the issuing office and date.

    The table of candidates follows the text as its attachment, rendered from the notice's entries.
    """
    policy = round_.policy
    authority = round_.authority
    values = {
        **authority_values(authority),
        "year": round_.year,
        "round_title": round_.title,
        "policy_title": policy.title,
        "policy_number": policy.document_number,
        "count": count,
        "period": period_text(starts_on=starts_on, ends_on=period.ends_on, working_days=period.working_days),
        "closes": f"{period.ends_on.month}月{period.ends_on.day}日24时",
        "contact": round_.contact.strip() or authority.bureau_name,
        "issued_on": date_zh(starts_on),
    }
    return wording_render(authority.notice_wording, values)


def _require_officer(actor, obj) -> None:
    require_perm(actor, "publicity.notice_manage", obj, "只有本机关的人社局经办人可以办理考察公示。")


def _computed_period(*, starts_on: date | None, policy) -> NoticePeriod:
    if starts_on is None:
        raise DomainError("请选择公示开始日期。", field="starts_on")
    try:
        return notice_period(starts_on=starts_on, policy=policy)
    except CalendarDataMissing as exc:
        raise DomainError(str(exc), field="starts_on") from None


def _check_start(starts_on: date, now: datetime) -> None:
    today = now.astimezone(DEADLINE_TZ).date()
    if starts_on < today:
        raise DomainError(
            f"公示开始日期{date_zh(starts_on)}已过，请选择今天或以后的日期。", field="starts_on"
        )


def notice_prepare(*, actor, round_: Round, starts_on: date | None, now: datetime | None = None) -> Notice:
    """The draft notice of the round's proposed list, one entry per proposed candidate in rank order.

    After the leadership sent a list back, the committee's new list gets a notice of its own."""
    _require_officer(actor, round_)
    now = now or timezone.now()
    if round_.state != RoundState.NOTICE:
        raise DomainError(f"批次当前为“{round_.get_state_display()}”，不在考察公示阶段。")
    period = _computed_period(starts_on=starts_on, policy=round_.policy)
    _check_start(starts_on, now)
    with transaction.atomic():
        locked = Round.objects.select_for_update().select_related("policy", "authority").get(pk=round_.pk)
        # A notice closed before the leadership sent the list back stays as the record; a new one is prepared.
        if Notice.objects.filter(round=locked).exclude(state=Notice.State.CLOSED).exists():
            raise DomainError("本批次已有考察公示，请在原公示上修改。")
        candidates = notice_entries_for(locked)
        if not candidates:
            raise DomainError("建议人选名单中没有人选，不能发布公示。")
        notice = Notice.objects.create(
            round=locked,
            policy=locked.policy,
            title=notice_title(locked),
            body=notice_body_render(round_=locked, starts_on=starts_on, period=period, count=len(candidates)),
            starts_on=starts_on,
            ends_on=period.ends_on,
            working_days=period.working_days,
            issued_by=locked.authority.bureau_name,
        )
        NoticeEntry.objects.bulk_create(
            [NoticeEntry(notice=notice, application=a, order=i) for i, a in enumerate(candidates, start=1)]
        )
        after = snapshot(notice, NOTICE_FIELDS)
        after["entries"] = [a.pk for a in candidates]
        audit_record(action="notice.prepare", actor=actor, obj=notice, after=after)
    return notice


def _same_text(a: str, b: str) -> bool:
    return a.replace("\r\n", "\n").strip() == b.replace("\r\n", "\n").strip()


def notice_update(
    *,
    actor,
    notice: Notice,
    starts_on: date | None = None,
    title: str | None = None,
    body: str | None = None,
    regenerate: bool = False,
    now: datetime | None = None,
) -> Notice:
    """Edit a draft: its start date (the period follows), title and text.

    A text still exactly as generated follows a new start date; an edited one gets its period sentence and
    date line replaced where they still read as generated, and `regenerate` asks for a fresh text.
    """
    _require_officer(actor, notice)
    now = now or timezone.now()
    with transaction.atomic():
        locked = (
            Notice.objects.select_for_update()
            .select_related("round__policy", "round__authority")
            .get(pk=notice.pk)
        )
        if locked.state != Notice.State.DRAFT:
            raise DomainError("公示发布后不能再修改。")
        round_ = locked.round
        starts_on = starts_on or locked.starts_on
        period = _computed_period(starts_on=starts_on, policy=locked.policy)
        if starts_on != locked.starts_on:
            _check_start(starts_on, now)
        count = locked.entries.count()
        old_period = NoticePeriod(locked.starts_on, locked.ends_on, locked.working_days)
        old_generated = notice_body_render(
            round_=round_, starts_on=locked.starts_on, period=old_period, count=count
        )
        fresh = notice_body_render(round_=round_, starts_on=starts_on, period=period, count=count)
        new_body = (
            locked.body if body is None or _same_text(body, locked.body) else body.replace("\r\n", "\n")
        )
        if regenerate or _same_text(new_body, old_generated):
            new_body = fresh
        elif starts_on != locked.starts_on:
            replacements = [
                (
                    period_text(
                        starts_on=locked.starts_on, ends_on=locked.ends_on, working_days=locked.working_days
                    ),
                    period_text(
                        starts_on=starts_on, ends_on=period.ends_on, working_days=period.working_days
                    ),
                ),
                (
                    f"截至{locked.ends_on.month}月{locked.ends_on.day}日24时",
                    f"截至{period.ends_on.month}月{period.ends_on.day}日24时",
                ),
                (f"\n{date_zh(locked.starts_on)}\n", f"\n{date_zh(starts_on)}\n"),
            ]
            for old, new in replacements:
                new_body = new_body.replace(old, new)
        new_title = (title or "").strip() or locked.title
        if not new_body.strip():
            raise DomainError("公示正文不能为空。", field="body")
        before = snapshot(locked, NOTICE_FIELDS)
        changes = {
            "title": new_title,
            "body": new_body,
            "starts_on": starts_on,
            "ends_on": period.ends_on,
            "working_days": period.working_days,
        }
        changed = [name for name, value in changes.items() if getattr(locked, name) != value]
        if not changed:
            return locked
        for name in changed:
            setattr(locked, name, changes[name])
        locked.save(update_fields=changed)
        audit_record(
            action="notice.update",
            actor=actor,
            obj=locked,
            before=before,
            after=snapshot(locked, NOTICE_FIELDS),
        )
    notice.refresh_from_db()
    return notice


def notice_text_problem(notice: Notice) -> str:
    """Why the text cannot be published as it stands: it must name the period it runs for."""
    needed = [
        f"{notice.starts_on.month}月{notice.starts_on.day}日",
        f"{notice.ends_on.month}月{notice.ends_on.day}日",
    ]
    missing = [text for text in needed if text not in notice.body]
    if missing:
        return (
            f"公示正文须写明公示时间（{period_label(notice)}），正文中未见“{'”“'.join(missing)}”。"
            "请修改正文或重新生成正文。"
        )
    return ""


def _applying_enterprise_users(round_: Round):
    submitted = Application.objects.filter(round=round_).exclude(
        state__in=[ApplicationState.DRAFT, ApplicationState.WITHDRAWN]
    )
    return User.objects.filter(enterprise__in=submitted.values("enterprise_id"), is_active=True)


def notice_publish(*, actor, notice: Notice, now: datetime | None = None) -> Notice:
    """Put the notice on the portal; it runs from its start date. Applying enterprises are asked to post it."""
    _require_officer(actor, notice)
    now = now or timezone.now()
    with transaction.atomic():
        locked = Notice.objects.select_for_update().select_related("round").get(pk=notice.pk)
        if locked.state != Notice.State.DRAFT:
            raise DomainError(f"公示当前为“{locked.get_state_display()}”，不能再发布。")
        if locked.round.state != RoundState.NOTICE:
            raise DomainError(f"批次当前为“{locked.round.get_state_display()}”，不在考察公示阶段。")
        if now.astimezone(DEADLINE_TZ).date() > locked.starts_on:
            raise DomainError(
                f"公示开始日期{date_zh(locked.starts_on)}已过，公示期将不足{locked.working_days}个工作日。"
                "请修改开始日期后再发布。",
                field="starts_on",
            )
        problem = notice_text_problem(locked)
        if problem:
            raise DomainError(problem, field="body")
        notice_transition(actor=actor, notice=locked, to_state=Notice.State.PUBLISHED, now=now)
        notify(
            users=_applying_enterprise_users(locked.round),
            subject=f"考察公示已发布：{locked.title}",
            body=(
                f"{locked.round.title}建议人选名单公示期为{period_label(locked)}。"
                "请下载本单位的公示打印文本，在本单位显著位置张贴，接受职工监督。"
            ),
            url=reverse("publicity:notice_copy", args=[locked.pk]),
        )
    notice.refresh_from_db()
    return notice


def _leaders(round_: Round):
    return User.objects.filter(
        groups__permissions__content_type__app_label="publicity",
        groups__permissions__codename="decide_leadership",
        role_grants__authority_id=round_.authority_id,
        role_grants__role__in=roles_with("publicity.decide_leadership"),
        is_active=True,
    ).distinct()


def notice_finish(*, actor, round_: Round, now: datetime | None = None) -> Notice:
    """End the notice: once its period is over and every objection has a finding; the round goes to approval."""
    _require_officer(actor, round_)
    now = now or timezone.now()
    with transaction.atomic():
        current = round_current_notice(Round.objects.select_for_update().get(pk=round_.pk))
        notice = Notice.objects.select_for_update().get(pk=current.pk) if current is not None else None
        if notice is None or notice.state == Notice.State.DRAFT:
            raise DomainError("本批次的考察公示尚未发布。")
        if notice.state == Notice.State.CLOSED:
            raise DomainError("本批次的考察公示已经结束。")
        if not notice_has_ended(notice, now):
            raise DomainError(
                f"公示期为{period_label(notice)}，须到{date_zh(notice.ends_on)}24时公示期满后方可结束公示。"
            )
        open_count = notice.objections.exclude(state__in=FINDING_STATES).count()
        if open_count:
            raise DomainError(f"还有{open_count}件异议尚未作出处理结论，全部处理后方可结束公示。")
        remaining = notice.entries.filter(removed=False).count()
        notice_transition(
            actor=actor, notice=notice, to_state=Notice.State.CLOSED, now=now, after={"remaining": remaining}
        )
        round_transition(actor=actor, round_=round_, to_state=RoundState.APPROVAL, now=now)
        notify(
            users=_leaders(round_),
            subject=f"{round_.title}：建议人选名单公示期满，请审定",
            body=f"{round_.title}考察公示已结束（{period_label(notice)}），{remaining}名建议人选提交{round_.authority.leadership_name}审定。",
            url=reverse("publicity:approval", args=[round_.pk]),
        )
    return notice
