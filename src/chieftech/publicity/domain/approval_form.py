"""The facts a 呈批表 (approval form) puts before the leadership or the government: how the round went, who is
proposed and what the office proposes. Gathered once here; chieftech.publicity.documents.approval_form lays
them out. The list carries no ID number and no phone number."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, F, Q
from django.utils import timezone

from chieftech.core.dates import date_zh
from chieftech.core.errors import DomainError
from chieftech.evaluation.models import Committee, Result
from chieftech.publicity.domain.current import round_current_decision, round_current_notice
from chieftech.publicity.models import LeadershipDecision, Objection
from chieftech.selection.models import Application, ApplicationState, Round, RoundState

LEADERSHIP = "leadership"
GOVERNMENT = "government"
STAGES = (LEADERSHIP, GOVERNMENT)

SUBMITTED_STATES = [
    s for s in ApplicationState.values if s not in (ApplicationState.DRAFT, ApplicationState.WITHDRAWN)
]
QUALIFIED_STATES = (
    ApplicationState.QUALIFIED,
    ApplicationState.PROPOSED,
    ApplicationState.NOT_PROPOSED,
    ApplicationState.APPROVED,
    ApplicationState.NOT_APPROVED,
    ApplicationState.REMOVED,
)
# The list each form puts forward: the leadership decides on the committee's list as it stood after the
# notice; the government on what the leadership kept.
LISTED = {
    LEADERSHIP: (ApplicationState.PROPOSED, ApplicationState.APPROVED, ApplicationState.NOT_APPROVED),
    GOVERNMENT: (ApplicationState.PROPOSED, ApplicationState.APPROVED),
}


@dataclass(frozen=True)
class Candidate:
    name: str
    gender: str
    enterprise: str
    occupation: str
    skill_level: str
    composite: str
    rank: str


@dataclass(frozen=True)
class ApprovalFormFacts:
    stage: str
    title: str
    authority: str
    bureau: str
    leadership: str
    government: str
    round_title: str
    prepared_on: date
    process: list[str]
    objections: list[str]
    candidates: list[Candidate]
    proposal: str
    leadership_opinion: str  # filled on the government's form with the leadership's decision


def _objection_lines(round_: Round) -> tuple[str, list[str]]:
    objections = list(
        Objection.objects.filter(notice__round=round_)
        .select_related("entry__application")
        .only("state", "finding_reason", "entry__application__name")
        .order_by("submitted_at", "pk")
    )
    if not objections:
        return "公示期间未收到异议。", []
    upheld = sum(1 for o in objections if o.state == Objection.State.UPHELD)
    dismissed = sum(1 for o in objections if o.state == Objection.State.NOT_UPHELD)
    summary = f"公示期间收到异议{len(objections)}件，经调查核实，异议成立{upheld}件、不成立{dismissed}件"
    pending = len(objections) - upheld - dismissed
    summary += f"、尚未办结{pending}件。" if pending else "。"
    lines = [
        f"{n}. 反映{o.entry.application.name}：{o.get_state_display()}。{o.finding_reason}".rstrip()
        for n, o in enumerate(objections, start=1)
    ]
    return summary, lines


def approval_form_facts(*, round_: Round, stage: str) -> ApprovalFormFacts:
    """The facts of the 呈批表 for `stage` (the leadership's decision or the government's approval)."""
    if stage not in STAGES:
        raise DomainError("未知的呈批表。")
    if round_.state not in (RoundState.APPROVAL, RoundState.PUBLISHED):
        raise DomainError("批次进入审定审批阶段后，方可生成呈批表。")
    authority = round_.authority
    decision = round_current_decision(round_)
    approving = decision is not None and decision.outcome != LeadershipDecision.Outcome.REJECT
    if stage == GOVERNMENT and not approving:
        raise DomainError(
            f"{authority.leadership_name}审定同意后，方可生成报{authority.government_name}审批的呈批表。"
        )

    counts = Application.objects.filter(round=round_).aggregate(
        submitted=Count("pk", filter=Q(state__in=SUBMITTED_STATES)),
        qualified=Count("pk", filter=Q(state__in=QUALIFIED_STATES)),
    )
    scored = Result.objects.filter(application__round=round_).count()
    committee = Committee.objects.filter(round=round_).only("scoring_closed_at").first()
    notice = round_current_notice(round_)
    rows = list(
        Application.objects.filter(round=round_, state__in=LISTED[stage])
        .select_related("enterprise", "result")
        .only(
            "name",
            "gender",
            "occupation",
            "skill_level",
            "enterprise__name",
            "result__composite",
            "result__rank",
        )
        .order_by(F("result__rank").asc(nulls_last=True), "pk")
    )
    candidates = [
        Candidate(
            name=a.name,
            gender=a.gender,
            enterprise=a.enterprise.name,
            occupation=a.occupation,
            skill_level=a.get_skill_level_display() if a.skill_level else "",
            composite=str(a.result.composite) if getattr(a, "result", None) else "",
            rank=str(a.result.rank) if getattr(a, "result", None) else "",
        )
        for a in rows
    ]

    called = (
        f"{date_zh(timezone.localdate(round_.call_published_at))}发布申报通知"
        if round_.call_published_at
        else "发布申报通知"
    )
    process = [
        f"{round_.title}于{called}，申报截止日期为{date_zh(round_.application_deadline)}，"
        f"共收到推荐申报{counts['submitted']}份。",
        f"经资格审查，符合条件{counts['qualified']}人。",
        f"评审委员会{f'于{date_zh(timezone.localdate(committee.scoring_closed_at))}' if committee and committee.scoring_closed_at else ''}"
        f"完成评审，评分{scored}人，按综合得分排名提出建议人选。",
    ]
    if notice is not None:
        process.append(
            f"考察公示自{date_zh(notice.starts_on)}至{date_zh(notice.ends_on)}（{notice.working_days}个工作日）。"
        )
    objection_summary, objection_lines = _objection_lines(round_)
    process.append(objection_summary)

    listed = len(candidates)
    title_name = authority.title_name
    if stage == LEADERSHIP:
        title = f"关于{title_name}拟认定人选的呈批表"
        proposal = (
            f"经资格审查、专家评审和考察公示，上述{listed}名同志符合{title_name}选拔条件，"
            f"拟认定为{title_name}。妥否，请{authority.leadership_name}审定。"
        )
        leadership_opinion = ""
    else:
        title = f"关于{title_name}认定人选的呈批表"
        proposal = (
            f"上述{listed}名同志已经{authority.leadership_name}{date_zh(decision.meeting_date)}会议审定同意"
            f"（{decision.minutes_reference}），拟认定为{title_name}。妥否，请{authority.government_name}审批。"
        )
        removed = "、".join(a.name for a in decision.removed.all())
        leadership_opinion = f"{decision.get_outcome_display()}（{date_zh(decision.meeting_date)}，{decision.minutes_reference}）"
        if removed:
            leadership_opinion += f"。取消人选：{removed}"
        if decision.note:
            leadership_opinion += f"。{decision.note}"
    return ApprovalFormFacts(
        stage=stage,
        title=title,
        authority=authority.name,
        bureau=authority.bureau_name,
        leadership=authority.leadership_name,
        government=authority.government_name,
        round_title=round_.title,
        prepared_on=timezone.localdate(),
        process=process,
        objections=objection_lines,
        candidates=candidates,
        proposal=proposal,
        leadership_opinion=leadership_opinion,
    )
