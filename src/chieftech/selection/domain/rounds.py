"""Rounds and the call (第4条, 第10条(一)). Every change of a round's state goes through round_transition."""

from datetime import date, datetime

from django.db import transaction
from django.utils import timezone

from chieftech.audit.domain import audit_record, snapshot
from chieftech.core.dates import date_zh
from chieftech.core.errors import DomainError, NeedsConfirmation
from chieftech.core.permissions import require_perm
from chieftech.policy.calendar import end_of_day
from chieftech.policy.domain import policy_in_force
from chieftech.policy.models import SkillLevel
from chieftech.policy.wording import authority_values, wording_render
from chieftech.selection.models import ApplicationState, Round, RoundState
from chieftech.selection.rules import round_move_perm

ROUND_FIELDS = [
    "title",
    "year",
    "state",
    "policy",
    "quota",
    "quota_reason",
    "application_opens_on",
    "application_deadline",
    "review_ends_on",
    "evaluation_ends_on",
    "age_reference_date",
    "contact",
]

# Which state may follow which; the later issues fill in what each later step requires.
ROUND_TRANSITIONS: dict[str, set[str]] = {
    RoundState.DRAFT: {RoundState.OPEN, RoundState.CANCELLED},
    RoundState.OPEN: {RoundState.REVIEW, RoundState.CANCELLED},
    RoundState.REVIEW: {RoundState.EVALUATION, RoundState.CANCELLED},
    RoundState.EVALUATION: {RoundState.NOTICE},
    RoundState.NOTICE: {RoundState.APPROVAL},
    RoundState.APPROVAL: {RoundState.PUBLISHED, RoundState.EVALUATION},
    RoundState.PUBLISHED: set(),
    RoundState.CANCELLED: set(),
}

TRANSITION_ACTIONS = {
    RoundState.OPEN: "round.publish_call",
    RoundState.REVIEW: "round.start_review",
    RoundState.EVALUATION: "round.start_evaluation",
    RoundState.NOTICE: "round.start_notice",
    RoundState.APPROVAL: "round.start_approval",
    RoundState.PUBLISHED: "round.publish_roster",
    RoundState.CANCELLED: "round.cancel",
}


def application_deadline_at(round_: Round) -> datetime:
    """Submissions close at the end of the deadline day, Asia/Shanghai."""
    return end_of_day(round_.application_deadline)


def _check_timeline(*, opens: date, deadline: date, review_ends: date, evaluation_ends: date) -> None:
    if deadline < opens:
        raise DomainError("申报截止日期不能早于申报开始日期。", field="application_deadline")
    if review_ends < deadline:
        raise DomainError("资格审查截止日期不能早于申报截止日期。", field="review_ends_on")
    if evaluation_ends < review_ends:
        raise DomainError("评审截止日期不能早于资格审查截止日期。", field="evaluation_ends_on")


def round_create(
    *,
    actor,
    authority,
    title: str,
    year: int,
    application_opens_on: date,
    application_deadline: date,
    review_ends_on: date,
    evaluation_ends_on: date,
    age_reference_date: date | None = None,
    quota: int | None = None,
    quota_reason: str = "",
    contact: str = "",
    confirmed: bool = False,
    is_demo: bool = False,
) -> Round:
    """Create a draft round under the policy in force when applications open.

    Refused when no policy is in force or the policy ends before the round's evaluation can finish; a round
    sooner than the policy's selection interval after the previous one needs `confirmed=True`.
    """
    require_perm(actor, "selection.round_create", authority, "只有本机关的人社局经办人可以创建选拔批次。")
    _check_timeline(
        opens=application_opens_on,
        deadline=application_deadline,
        review_ends=review_ends_on,
        evaluation_ends=evaluation_ends_on,
    )
    try:
        policy = policy_in_force(authority=authority, on=application_opens_on)
    except DomainError as exc:
        raise DomainError(exc.message, field="application_opens_on", code=exc.code) from None
    if policy.valid_until < evaluation_ends_on:
        raise DomainError(
            f"《{policy.title}》有效期至{date_zh(policy.valid_until)}，早于本批次评审截止日期{date_zh(evaluation_ends_on)}，"
            "批次无法在政策有效期内完成。请系统管理员先登记新的政策版本。",
            field="evaluation_ends_on",
        )
    if quota is None:
        quota = policy.quota_per_round
    if quota != policy.quota_per_round and not quota_reason.strip():
        raise DomainError(
            f"政策规定每次选拔{policy.quota_per_round}人左右，调整名额须填写理由。", field="quota_reason"
        )
    if Round.objects.filter(title=title).exists():
        raise DomainError("已有同名批次，请修改名称。", field="title")
    if not is_demo and not confirmed:
        previous = (
            Round.objects.filter(authority=authority, is_demo=False)
            .exclude(state=RoundState.CANCELLED)
            .order_by("-year")
            .first()
        )
        if previous is not None and year - previous.year < policy.selection_interval_years:
            raise NeedsConfirmation(
                f"政策规定每{policy.selection_interval_years}年选拔一次，上一批次为{previous.year}年度"
                f"（{previous.title}），距本批次不足{policy.selection_interval_years}年。确认仍要创建吗？",
                field="year",
            )
    with transaction.atomic():
        round_ = Round.objects.create(
            authority=authority,
            policy=policy,
            year=year,
            title=title,
            is_demo=is_demo,
            quota=quota,
            quota_reason=quota_reason.strip(),
            application_opens_on=application_opens_on,
            application_deadline=application_deadline,
            review_ends_on=review_ends_on,
            evaluation_ends_on=evaluation_ends_on,
            age_reference_date=age_reference_date or application_deadline,
            contact=contact,
            created_by=actor,
        )
        round_.call_text = call_text_render(round_)
        round_.save(update_fields=["call_text"])
        audit_record(action="round.create", actor=actor, obj=round_, after=snapshot(round_, ROUND_FIELDS))
    return round_


def call_text_render(round_: Round) -> str:
    """The 申报通知 generated from the round, its policy and its authority's call wording; the officer may edit
    it before publishing."""
    p = round_.policy
    authority = round_.authority
    values = {
        **authority_values(authority),
        "year": round_.year,
        "policy_title": p.title,
        "policy_number": p.document_number,
        "min_skill_level": SkillLevel(p.min_skill_level).label,
        "quota": round_.quota,
        "management_years": p.management_period_months // 12,
        "monthly_subsidy": f"{p.monthly_subsidy:.0f}",
        "max_age": p.max_age,
        "age_reference_date": date_zh(round_.age_reference_date),
        "priority_age": p.priority_age,
        "deeds_chars": p.deeds_target_chars,
        "opens_on": date_zh(round_.application_opens_on),
        "deadline": date_zh(round_.application_deadline),
        "review_ends_on": date_zh(round_.review_ends_on),
        "evaluation_ends_on": date_zh(round_.evaluation_ends_on),
        "notice_working_days": p.notice_working_days,
        "contact": round_.contact or authority.contact,
    }
    return wording_render(authority.call_wording, values)


def _same_text(a: str, b: str) -> bool:
    return a.replace("\r\n", "\n").strip() == b.replace("\r\n", "\n").strip()


def round_update(*, actor, round_: Round, data: dict, regenerate_call_text: bool = False) -> Round:
    """Edit a draft round's timeline, quota and call text before it is published.

    A call text still exactly as generated follows the new timeline and quota; one the officer has edited
    is kept unless `regenerate_call_text` asks for a fresh one.
    """
    require_perm(actor, "selection.round_manage", round_, "只有本机关的人社局经办人可以修改选拔批次。")
    if round_.state != RoundState.DRAFT:
        raise DomainError("申报通知发布后，批次信息不能再修改。")
    _check_timeline(
        opens=data.get("application_opens_on", round_.application_opens_on),
        deadline=data.get("application_deadline", round_.application_deadline),
        review_ends=data.get("review_ends_on", round_.review_ends_on),
        evaluation_ends=data.get("evaluation_ends_on", round_.evaluation_ends_on),
    )
    evaluation_ends = data.get("evaluation_ends_on", round_.evaluation_ends_on)
    opens = data.get("application_opens_on", round_.application_opens_on)
    policy = round_.policy
    if not policy.valid_from <= opens <= policy.valid_until:
        raise DomainError(
            f"申报开始日期须在《{policy.title}》有效期（{date_zh(policy.valid_from)}至{date_zh(policy.valid_until)}）内。",
            field="application_opens_on",
        )
    if policy.valid_until < evaluation_ends:
        raise DomainError(
            f"《{policy.title}》有效期至{date_zh(policy.valid_until)}，早于本批次评审截止日期{date_zh(evaluation_ends)}，"
            "批次无法在政策有效期内完成。",
            field="evaluation_ends_on",
        )
    title = data.get("title", round_.title)
    if title != round_.title and Round.objects.filter(title=title).exclude(pk=round_.pk).exists():
        raise DomainError("已有同名批次，请修改名称。", field="title")
    quota = data.get("quota", round_.quota)
    reason = data.get("quota_reason", round_.quota_reason)
    if quota != round_.policy.quota_per_round and not (reason or "").strip():
        raise DomainError(
            f"政策规定每次选拔{round_.policy.quota_per_round}人左右，调整名额须填写理由。",
            field="quota_reason",
        )
    editable = [*ROUND_FIELDS[:1], *ROUND_FIELDS[4:], "call_text"]
    with transaction.atomic():
        before = snapshot(round_, [*ROUND_FIELDS, "call_text"])
        text_was_generated = round_.call_text == call_text_render(round_)
        text_edited = "call_text" in data and not _same_text(data["call_text"], round_.call_text)
        if not text_edited:
            # A form gives back the text with its blanks trimmed and CRLF line ends: that is no edit.
            data = {name: value for name, value in data.items() if name != "call_text"}
        changed = []
        for name in editable:
            if name in data and getattr(round_, name) != data[name]:
                setattr(round_, name, data[name])
                changed.append(name)
        if regenerate_call_text or (text_was_generated and not text_edited):
            fresh = call_text_render(round_)
            if fresh != round_.call_text:
                round_.call_text = fresh
                changed = [*(name for name in changed if name != "call_text"), "call_text"]
        if not changed:
            return round_
        round_.save(update_fields=[*changed, "updated_at"])
        audit_record(
            action="round.update",
            actor=actor,
            obj=round_,
            before=before,
            after=snapshot(round_, [*ROUND_FIELDS, "call_text"]),
        )
    return round_


def round_transition(
    *, actor, round_: Round, to_state: str, reason: str = "", now: datetime | None = None
) -> Round:
    """The one way a round changes state: checks who may make the move and the rule, saves, audits."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = Round.objects.select_for_update().get(pk=round_.pk)
        if to_state in ROUND_TRANSITIONS[locked.state]:
            require_perm(actor, round_move_perm(locked, to_state), locked)
        if to_state not in ROUND_TRANSITIONS[locked.state]:
            raise DomainError(
                f"批次当前为“{locked.get_state_display()}”，不能变更为“{RoundState(to_state).label}”。"
            )
        _check_transition(locked, to_state, now=now, reason=reason)
        before_state = locked.state
        locked.state = to_state
        fields = ["state", "updated_at"]
        if to_state == RoundState.OPEN:
            locked.call_published_at = now
            fields.append("call_published_at")
        locked.save(update_fields=fields)
        audit_record(
            action=TRANSITION_ACTIONS[to_state],
            actor=actor,
            obj=locked,
            reason=reason,
            before={"state": before_state},
            after={"state": to_state},
        )
    round_.refresh_from_db()
    return round_


def _check_transition(round_: Round, to_state: str, *, now: datetime, reason: str) -> None:
    if to_state == RoundState.OPEN:
        if not round_.call_text.strip():
            raise DomainError("申报通知正文不能为空。", field="call_text")
        if timezone.localdate(now) > round_.application_deadline:
            raise DomainError(f"申报截止日期{date_zh(round_.application_deadline)}已过，请先修改时间安排。")
    elif to_state == RoundState.REVIEW:
        if now <= application_deadline_at(round_):
            raise DomainError(
                f"申报截止时间为{date_zh(round_.application_deadline)}24时，截止后方可开始资格审查。"
            )
    elif to_state == RoundState.EVALUATION:
        pending = round_.applications.filter(state=ApplicationState.SUBMITTED).count()
        if pending:
            raise DomainError(f"还有{pending}份申报未作出资格审查结论。")
    elif to_state == RoundState.CANCELLED and not reason.strip():
        raise DomainError("撤销批次须填写理由。", field="reason")


def round_publish_call(*, actor, round_: Round, now: datetime | None = None) -> Round:
    """部署申报: the call goes on the public portal and enterprises may apply."""
    return round_transition(actor=actor, round_=round_, to_state=RoundState.OPEN, now=now)


def round_accepts_applications(round_: Round, *, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    return round_.state == RoundState.OPEN and now <= application_deadline_at(round_)
