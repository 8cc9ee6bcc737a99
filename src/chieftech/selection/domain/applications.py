"""Applications (第10条(二)): enterprises recommend their own staff; submission locks; one per ID per round.

Every change of an application's state goes through application_transition.
"""

from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from chieftech.accounts.models import Enterprise
from chieftech.accounts.roles import Role, authority_ids_for, has_role, users_holding
from chieftech.audit.domain import audit_record, snapshot
from chieftech.core.dates import date_zh
from chieftech.core.errors import DomainError
from chieftech.core.notify import notify
from chieftech.core.permissions import require_perm
from chieftech.core.pii import parse_resident_id, pii_hash, validate_phone
from chieftech.policy.calendar import end_of_day
from chieftech.policy.selectors import town_within
from chieftech.revocation.domain.bar import fraud_bar_check
from chieftech.selection.domain.eligibility import age_in_full_years
from chieftech.selection.domain.rounds import application_deadline_at
from chieftech.selection.models import (
    EDITABLE_STATES,
    Achievement,
    Application,
    ApplicationState,
    CompetitionResult,
    Round,
    RoundState,
    Route,
    SkillCertificate,
)
from chieftech.selection.rules import APPLICATION_MOVE_PERM

PERSON_FIELDS = [
    "route",
    "name",
    "id_number",
    "phone",
    "education",
    "occupation",
    "post",
    "is_frontline",
    "years_in_trade",
    "competition_name",
    "competition_level",
    "competition_rank",
    "competition_year",
    "apprentices_trained",
    "apprentices_summary",
    "deeds",
    "enterprise_notice_starts_on",
    "enterprise_notice_ends_on",
    "enterprise_notice_outcome",
    "enterprise_opinion",
]
AUDIT_FIELDS = ["state", "enterprise", "gender", "birth_date", *PERSON_FIELDS]
AUDIT_FIELDS.remove("deeds")  # long text: its length is what the log needs
AUDIT_FIELDS.remove("apprentices_summary")

# The application's state machine: (from, to) -> audit action.
APPLICATION_TRANSITIONS: dict[tuple[str, str], str] = {
    (ApplicationState.DRAFT, ApplicationState.SUBMITTED): "application.submit",
    (ApplicationState.RETURNED, ApplicationState.SUBMITTED): "application.resubmit",
    (ApplicationState.DRAFT, ApplicationState.WITHDRAWN): "application.withdraw",
    (ApplicationState.SUBMITTED, ApplicationState.WITHDRAWN): "application.withdraw",
    (ApplicationState.RETURNED, ApplicationState.WITHDRAWN): "application.withdraw",
    (ApplicationState.SUBMITTED, ApplicationState.QUALIFIED): "application.qualify",
    (ApplicationState.SUBMITTED, ApplicationState.NOT_QUALIFIED): "application.disqualify",
    (ApplicationState.SUBMITTED, ApplicationState.RETURNED): "application.return",
    (ApplicationState.SUBMITTED, ApplicationState.FRAUD): "application.fraud",
    # The committee's proposed list (第10条(四)), the public notice (第10条(五)) and the approval (第10条(六)).
    (ApplicationState.QUALIFIED, ApplicationState.PROPOSED): "application.propose",
    (ApplicationState.QUALIFIED, ApplicationState.NOT_PROPOSED): "application.not_propose",
    (ApplicationState.PROPOSED, ApplicationState.REMOVED): "application.remove_after_objection",
    (ApplicationState.PROPOSED, ApplicationState.APPROVED): "application.approve",
    (ApplicationState.PROPOSED, ApplicationState.NOT_APPROVED): "application.not_approve",
    # The leadership sends the whole list back to the committee (审定不同意).
    (ApplicationState.PROPOSED, ApplicationState.QUALIFIED): "application.return_to_committee",
    (ApplicationState.NOT_PROPOSED, ApplicationState.QUALIFIED): "application.return_to_committee",
    # The government sends the leadership's list back: those the leadership removed are on it again.
    (ApplicationState.NOT_APPROVED, ApplicationState.PROPOSED): "application.return_to_leadership",
}


def deeds_char_count(text: str) -> int:
    """Characters of the deeds statement, white space not counted (as a word processor's 字数 does)."""
    return len("".join((text or "").split()))


@dataclass(frozen=True)
class DeedsLimits:
    soft_min: int
    soft_max: int
    hard_max: int
    raw_max: int  # every character, white space included


def deeds_limits(policy) -> DeedsLimits:
    """The measures ask for "about" the policy's target (1000 字左右); the system reads that as 80–150 % of
    it, with a hard stop at three times the target. White space is not counted, so the text as typed is
    bounded too, at twice the hard stop: room for paragraphs and indents, none for megabytes of padding."""
    target = policy.deeds_target_chars
    return DeedsLimits(
        soft_min=target * 8 // 10, soft_max=target * 15 // 10, hard_max=target * 3, raw_max=target * 6
    )


def deeds_note(*, text: str, policy) -> str:
    count = deeds_char_count(text)
    limits = deeds_limits(policy)
    if count < limits.soft_min:
        return f"事迹材料{count}字，少于建议的{limits.soft_min}–{limits.soft_max}字。"
    if count > limits.soft_max:
        return f"事迹材料{count}字，多于建议的{limits.soft_min}–{limits.soft_max}字。"
    return f"事迹材料{count}字。"


def application_url(application: Application) -> str:
    """Where a notification about an application leads (officers are sent on to their review page)."""
    return reverse("selection:application_detail", args=[application.pk])


def applications_visible_to(user):
    """Officers see the applications to their own authorities' rounds; an enterprise user only its own
    enterprise's (to any authority); anyone else none."""
    qs = Application.objects.select_related("round", "enterprise")
    if not user.is_authenticated:
        return qs.none()
    if user.has_perm("selection.review_application"):
        return qs.filter(round__authority_id__in=authority_ids_for(user, "selection.review_application"))
    if user.has_perm("selection.submit_application") and user.enterprise_id:
        return qs.filter(enterprise_id=user.enterprise_id)
    return qs.none()


def _actor_enterprise(actor) -> Enterprise:
    if not has_role(actor, Role.ENTERPRISE) or actor.enterprise_id is None:
        raise DomainError("只有企业经办人可以填报推荐申报。")
    enterprise = actor.enterprise
    if enterprise.status != Enterprise.Status.ACTIVE:
        raise DomainError("您的企业尚未通过审核，暂不能填报。")
    return enterprise


DUPLICATE_PERSON = "该人员在本批次已有申报，不能重复申报。如有疑问，请联系区人力资源和社会保障局。"


def _duplicate_message(*, round_: Round, id_hash: str, exclude_pk: int | None) -> str | None:
    existing = (
        Application.objects.filter(round=round_, id_hash=id_hash)
        .exclude(state=ApplicationState.WITHDRAWN)
        .exclude(pk=exclude_pk)
        .first()
    )
    if existing is None:
        return None
    if existing.state == ApplicationState.FRAUD:
        return "该身份证号码因申报材料弄虚作假，已被取消本批次申报资格，不能再次申报。"
    return DUPLICATE_PERSON


def _clean_person(data: dict, *, round_: Round, exclude_pk: int | None) -> dict:
    cleaned = {name: data[name] for name in PERSON_FIELDS if name in data}
    if "id_number" in cleaned:
        try:
            person = parse_resident_id(cleaned["id_number"])
        except ValidationError as exc:
            raise DomainError(exc.messages[0], field="id_number") from None
        cleaned["id_number"] = person.number
        cleaned["id_hash"] = pii_hash(person.number)
        cleaned["birth_date"] = person.birth_date
        cleaned["gender"] = person.gender
        message = _duplicate_message(round_=round_, id_hash=cleaned["id_hash"], exclude_pk=exclude_pk)
        if message:
            raise DomainError(message, field="id_number")
    if cleaned.get("phone"):
        try:
            validate_phone(cleaned["phone"])
        except ValidationError as exc:
            raise DomainError(exc.messages[0], field="phone") from None
    limits = deeds_limits(round_.policy)
    if "deeds" in cleaned and len(cleaned["deeds"] or "") > limits.raw_max:
        raise DomainError(
            f"事迹材料连同空格、换行共{len(cleaned['deeds']):,}个字符，超过上限{limits.raw_max:,}个字符。"
            "请删除多余的空格和空行后再保存。",
            field="deeds",
            code="deeds_too_long",
        )
    if "deeds" in cleaned and deeds_char_count(cleaned["deeds"]) > limits.hard_max:
        raise DomainError(
            f"事迹材料最多{limits.hard_max}字，当前{deeds_char_count(cleaned['deeds'])}字。", field="deeds"
        )
    starts, ends = cleaned.get("enterprise_notice_starts_on"), cleaned.get("enterprise_notice_ends_on")
    if starts and ends and ends < starts:
        raise DomainError("单位内部公示结束日期不能早于开始日期。", field="enterprise_notice_ends_on")
    return cleaned


def _dates_plausible(
    *, birth_date: date, today: date, data: dict, certificates, competitions, achievements
) -> None:
    """Dates of things the person has already done lie between their birth and today (Asia/Shanghai): a
    certificate dated 2030, or before its holder was born, is a typing error or worse.

    Refusals name the row and field (`certificates.0.issued_on`), which the form shows in that cell.
    """
    errors: dict[str, str] = {}

    def check_day(field: str, label: str, value: date | None) -> None:
        if value is None:
            return
        if value > today:
            errors[field] = f"{label}{date_zh(value)}晚于今天（{date_zh(today)}），不能是将来的日期，请核对。"
        elif value < birth_date:
            errors[field] = f"{label}{date_zh(value)}早于申报人出生日期（{date_zh(birth_date)}），请核对。"

    def check_year(field: str, label: str, value: int | None) -> None:
        if value is None:
            return
        if value > today.year:
            errors[field] = f"{label}{value}年晚于今年（{today.year}年），不能是将来的年份，请核对。"
        elif value < birth_date.year:
            errors[field] = f"{label}{value}年早于申报人出生年份（{birth_date.year}年），请核对。"

    for index, row in enumerate(certificates or []):
        check_day(f"certificates.{index}.issued_on", "发证日期", row.get("issued_on"))
    for index, row in enumerate(competitions or []):
        check_year(f"competitions.{index}.year", "竞赛年份", row.get("year"))
    for index, row in enumerate(achievements or []):
        check_day(f"achievements.{index}.achieved_on", "取得日期", row.get("achieved_on"))
    check_year("competition_year", "竞赛年份", data.get("competition_year"))
    if errors:
        raise DomainError.fields(errors, code="implausible_date")


def _replace_children(application: Application, *, certificates, competitions, achievements) -> None:
    if certificates is not None:
        application.certificates.all().delete()
        SkillCertificate.objects.bulk_create(
            [SkillCertificate(application=application, **c) for c in certificates]
        )
        best = max((c["level"] for c in certificates), default=None)
        application.skill_level = best
        application.save(update_fields=["skill_level"])
    if competitions is not None:
        application.competitions.all().delete()
        CompetitionResult.objects.bulk_create(
            [CompetitionResult(application=application, **c) for c in competitions]
        )
    if achievements is not None:
        application.achievements.all().delete()
        Achievement.objects.bulk_create([Achievement(application=application, **a) for a in achievements])


@contextmanager
def _one_per_person():
    """Two saves for the same person can race past the duplicate check; the unique constraint keeps one
    and the other gets the same message as the check would have given."""
    try:
        yield
    except IntegrityError:
        raise DomainError(DUPLICATE_PERSON, field="id_number") from None


def _save_children_and_audit(application: Application, *, actor, action: str, before, children: dict) -> None:
    _replace_children(application, **children)
    audit_record(
        action=action, actor=actor, obj=application, before=before, after=snapshot(application, AUDIT_FIELDS)
    )


def application_create(
    *,
    actor,
    round_: Round,
    data: dict,
    certificates: list[dict] | None = None,
    competitions: list[dict] | None = None,
    achievements: list[dict] | None = None,
    now: datetime | None = None,
) -> Application:
    """Save a new draft for one of the actor's own staff."""
    enterprise = _actor_enterprise(actor)
    now = now or timezone.now()
    if round_.state != RoundState.OPEN or now > application_deadline_at(round_):
        raise DomainError(f"“{round_.title}”当前不接受申报。")
    if not town_within(enterprise.town, round_.authority_id):
        raise DomainError(f"贵单位所在镇街不在“{round_.authority.bureau_name}”的辖区内，不能向该批次推荐。")
    if not data.get("id_number"):
        raise DomainError("请填写身份证号码。", field="id_number")
    cleaned = _clean_person(data, round_=round_, exclude_pk=None)
    _dates_plausible(
        birth_date=cleaned["birth_date"],
        today=timezone.localdate(now),
        data=cleaned,
        certificates=certificates,
        competitions=competitions,
        achievements=achievements,
    )
    with _one_per_person(), transaction.atomic():
        application = Application.objects.create(
            round=round_, enterprise=enterprise, created_by=actor, state=ApplicationState.DRAFT, **cleaned
        )
        _save_children_and_audit(
            application,
            actor=actor,
            action="application.create",
            before=None,
            children={
                "certificates": certificates,
                "competitions": competitions,
                "achievements": achievements,
            },
        )
    return application


def application_update(
    *,
    actor,
    application: Application,
    data: dict,
    certificates: list[dict] | None = None,
    competitions: list[dict] | None = None,
    achievements: list[dict] | None = None,
) -> Application:
    """Edit a draft, or an application returned for correction.

    The form may have been opened before the application was submitted in another tab: the row is locked and
    read again, the edit refused unless it is still editable, and only the edited fields are saved, so a
    stale copy never writes back its state or submission time.
    """
    require_own_enterprise(actor, application)
    require_editable(application, "修改")
    cleaned = _clean_person(data, round_=application.round, exclude_pk=application.pk)
    _dates_plausible(
        birth_date=cleaned.get("birth_date", application.birth_date),
        today=timezone.localdate(),
        data=cleaned,
        certificates=certificates,
        competitions=competitions,
        achievements=achievements,
    )
    with _one_per_person(), transaction.atomic():
        locked = lock_editable(application, "修改")
        before = snapshot(locked, AUDIT_FIELDS)
        for name, value in cleaned.items():
            setattr(locked, name, value)
        locked.save(update_fields=[*cleaned, "updated_at"])
        _save_children_and_audit(
            locked,
            actor=actor,
            action="application.update",
            before=before,
            children={
                "certificates": certificates,
                "competitions": competitions,
                "achievements": achievements,
            },
        )
    return locked


def _not_editable(application: Application, verb: str) -> DomainError:
    if application.state == ApplicationState.SUBMITTED:
        message = f"申报已提交，不能再{verb}。"
    else:
        message = f"申报当前为“{application.get_state_display()}”，不能{verb}。"
    return DomainError(message, code="not_editable")


def require_editable(application: Application, verb: str) -> None:
    """A quick refusal on the copy at hand; the change itself re-checks under the lock (lock_editable)."""
    if application.state not in EDITABLE_STATES:
        raise _not_editable(application, verb)


def lock_editable(application: Application, verb: str) -> Application:
    """The application's row, locked for this transaction and read again: refused unless it is still a draft
    or returned for correction. A submission (application_transition) takes the same lock, so an edit and a
    submission of one application run one after the other."""
    locked = Application.objects.select_for_update().select_related("round__policy").get(pk=application.pk)
    if locked.state not in EDITABLE_STATES:
        raise _not_editable(locked, verb)
    return locked


def require_own_enterprise(actor, application: Application) -> None:
    if not has_role(actor, Role.ENTERPRISE) or actor.enterprise_id != application.enterprise_id:
        raise DomainError("只能操作本单位的申报。")


def application_missing(application: Application, *, today: date) -> list[str]:
    """What still keeps a draft from being submitted, in Chinese, in form order."""
    missing = []
    # A draft may be saved with only the ID number; the person must be complete before it is submitted.
    person = [
        ("姓名", application.name.strip()),
        ("手机号码", application.phone),
        ("文化程度", application.education),
        ("职业（工种）", application.occupation.strip()),
        ("一线岗位", application.post.strip()),
    ]
    blank = [label for label, value in person if not value]
    if blank:
        missing.append(f"请填写{'、'.join(blank)}。")
    if application.route == Route.COMPETITION and not (
        application.competition_name
        and application.competition_level
        and application.competition_rank
        and application.competition_year
    ):
        missing.append("竞赛推荐须填写竞赛名称、级别、名次和年份。")
    if not application.certificates.exists():
        missing.append("请至少填写一项职业资格/技能等级证书。")
    if not application.deeds.strip():
        missing.append("请填写事迹材料。")
    if not (
        application.enterprise_notice_starts_on
        and application.enterprise_notice_ends_on
        and application.enterprise_notice_outcome.strip()
    ):
        missing.append("推荐人选须经单位公示后上报：请填写单位内部公示的起止日期和结果。")
    elif application.enterprise_notice_ends_on > today:
        missing.append("单位内部公示尚未结束，公示结束后方可上报。")
    if not application.evidence.exists():
        missing.append("请上传职业资格证书、主要技术成果、获奖情况等证明材料。")
    return missing


def resubmission_deadline_at(round_: Round) -> datetime:
    """Applications returned for correction may come back until the review period ends."""
    return end_of_day(round_.review_ends_on)


def application_transition(
    *, actor, application: Application, to_state: str, reason: str = "", now: datetime | None = None
) -> Application:
    """The one way an application changes state. Locks the row so two simultaneous requests do one change."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = (
            Application.objects.select_for_update().select_related("round__policy").get(pk=application.pk)
        )
        action = APPLICATION_TRANSITIONS.get((locked.state, to_state))
        if action is None:
            raise DomainError(
                f"申报当前为“{locked.get_state_display()}”，不能变更为“{ApplicationState(to_state).label}”。"
            )
        require_perm(actor, APPLICATION_MOVE_PERM[action], locked)
        before_state = locked.state
        fields = ["state", "updated_at"]
        if to_state == ApplicationState.SUBMITTED:
            fields += _prepare_submission(locked, now=now)
        locked.state = to_state
        # 审查时间 is the qualification review's: a list the leadership sends back (PROPOSED/NOT_PROPOSED →
        # QUALIFIED) returns the candidate to the committee without a new review, so it keeps that time.
        if before_state == ApplicationState.SUBMITTED and to_state in (
            ApplicationState.QUALIFIED,
            ApplicationState.NOT_QUALIFIED,
            ApplicationState.RETURNED,
            ApplicationState.FRAUD,
        ):
            locked.decided_at = now
            fields.append("decided_at")
            if to_state == ApplicationState.RETURNED:
                locked.correction_round += 1
                fields.append("correction_round")
        locked.save(update_fields=fields)
        audit_record(
            action=action,
            actor=actor,
            obj=locked,
            reason=reason,
            before={"state": before_state},
            after={"state": to_state},
        )
    application.refresh_from_db()
    return application


def _prepare_submission(application: Application, *, now: datetime) -> list[str]:
    round_ = application.round
    if application.state == ApplicationState.DRAFT:
        deadline = application_deadline_at(round_)
        if round_.state != RoundState.OPEN or now > deadline:
            raise DomainError(f"申报已于{date_zh(round_.application_deadline)}24时截止，不能再提交。")
    else:
        deadline = resubmission_deadline_at(round_)
        if round_.state not in (RoundState.OPEN, RoundState.REVIEW) or now > deadline:
            raise DomainError(f"补正材料须在{date_zh(round_.review_ends_on)}24时前提交，已逾期。")
    # 第十七条（三）: a person whose title was revoked for fraud may not apply again while barred.
    fraud_bar_check(id_hash=application.id_hash, authority_id=round_.authority_id, on=timezone.localdate(now))
    missing = application_missing(application, today=timezone.localdate(now))
    if missing:
        raise DomainError("尚不能提交：" + "".join(missing))
    application.age_on_reference_date = age_in_full_years(
        birth_date=application.birth_date, on=round_.age_reference_date
    )
    application.skill_level = application.certificates.aggregate(best=Max("level"))["best"]
    application.submitted_at = now
    return ["age_on_reference_date", "skill_level", "submitted_at"]


def application_submit(*, actor, application: Application, now: datetime | None = None) -> Application:
    """Submit (or resubmit after correction): locks the application for the review."""
    require_own_enterprise(actor, application)
    resubmission = application.state == ApplicationState.RETURNED
    application = application_transition(
        actor=actor, application=application, to_state=ApplicationState.SUBMITTED, now=now
    )
    officers = users_holding(Role.OFFICER, application.round.authority_id)
    verb = "重新提交了补正后的" if resubmission else "提交了"
    notify(
        users=[*officers, actor],
        subject=f"{application.enterprise.name}{verb}申报：{application.name}",
        body=f"{application.round.title}：{application.enterprise.name}{verb}{application.name}的推荐申报，等待资格审查。",
        url=application_url(application),
    )
    return application


def application_withdraw(*, actor, application: Application, reason: str) -> Application:
    """The enterprise withdraws its recommendation before the review decision."""
    require_own_enterprise(actor, application)
    if not reason.strip():
        raise DomainError("撤回申报须填写理由。", field="reason")
    return application_transition(
        actor=actor, application=application, to_state=ApplicationState.WITHDRAWN, reason=reason.strip()
    )
