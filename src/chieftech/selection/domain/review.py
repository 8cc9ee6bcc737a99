"""The qualification review (第10条(三)): the officer's decision on each submitted application."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from chieftech.core.errors import DomainError
from chieftech.core.permissions import require_perm
from chieftech.selection.domain.applications import application_transition, application_url
from chieftech.selection.domain.eligibility import application_checks
from chieftech.selection.models import (
    Application,
    ApplicationState,
    ConditionVerdict,
    ReviewDecision,
    RoundState,
)

OUTCOME_STATES = {
    ReviewDecision.Outcome.QUALIFIED: ApplicationState.QUALIFIED,
    ReviewDecision.Outcome.NOT_QUALIFIED: ApplicationState.NOT_QUALIFIED,
    ReviewDecision.Outcome.RETURNED: ApplicationState.RETURNED,
    ReviewDecision.Outcome.FRAUD: ApplicationState.FRAUD,
}
REASON_REQUIRED = {
    ReviewDecision.Outcome.NOT_QUALIFIED: "不予通过须填写理由。",
    ReviewDecision.Outcome.RETURNED: "退回补正须填写需要补正的内容。",
    ReviewDecision.Outcome.FRAUD: "认定弄虚作假须填写事实和理由。",
}


def review_checklist(application: Application, officer_verdicts: dict[str, dict] | None = None) -> dict:
    """The automatic verdict beside the officer's own, per condition, as stored with the decision."""
    officer_verdicts = officer_verdicts or {}
    checklist = {}
    for check in application_checks(application):
        own = officer_verdicts.get(check.code, {})
        checklist[check.code] = {
            "title": check.title,
            "article": check.article,
            "auto": check.verdict,
            "auto_reason": check.reason,
            "officer": own.get("verdict", ""),
            "note": own.get("note", ""),
        }
    return checklist


def _condition_name(item: dict) -> str:
    return f"{item['article']}“{item['title']}”"


def _require_verdict_reasons(checklist: dict) -> None:
    """An officer's verdict on a condition is a finding: it carries its reason, whatever the outcome."""
    errors = {}
    for code, item in checklist.items():
        if item["officer"] and not item["note"].strip():
            errors[f"note_{code}"] = f"{_condition_name(item)}：已给出审查意见，须填写理由。"
    if errors:
        raise DomainError.fields(errors, code="verdict_reason")


def _require_judged_to_qualify(checklist: dict) -> None:
    """第10条(三): "通过" needs every condition met. One left to judgement is met only when the officer
    says so, with a reason; a condition found unmet (by the system or the officer) forbids "通过"."""
    failing, judging = {}, {}
    for code, item in checklist.items():
        verdict = item["officer"] or item["auto"]
        if verdict == ConditionVerdict.FAIL:
            failing[f"verdict_{code}"] = f"{_condition_name(item)}判定为不符合，不能认定资格审查通过。"
        elif verdict == ConditionVerdict.JUDGE:
            judging[f"verdict_{code}"] = (
                f"{_condition_name(item)}需研判：请选择“符合”或“不符合”并填写理由后，才能认定资格审查通过。"
            )
    if failing or judging:
        counts = [
            f"{len(found)}项条件{label}"
            for found, label in ((failing, "不符合"), (judging, "需研判"))
            if found
        ]
        summary = f"不能认定资格审查通过：{'，'.join(counts)}，见各条件的审查意见。"
        raise DomainError.fields({"outcome": summary, **failing, **judging}, code="needs_judgement")


def review_decide(
    *,
    actor,
    application: Application,
    outcome: str,
    reason: str = "",
    officer_verdicts: dict[str, dict] | None = None,
    now: datetime | None = None,
) -> ReviewDecision:
    """Record one decision: qualified, not qualified, returned for correction, or fraud."""
    require_perm(
        actor, "selection.application_review", application, "只有本机关的人社局经办人可以作出资格审查结论。"
    )
    now = now or timezone.now()
    reason = reason.strip()
    if outcome not in OUTCOME_STATES:
        raise DomainError("请选择审查结论。", field="outcome")
    if outcome in REASON_REQUIRED and not reason:
        raise DomainError(REASON_REQUIRED[outcome], field="reason")
    if application.round.state not in (RoundState.OPEN, RoundState.REVIEW):
        raise DomainError("本批次当前不在资格审查阶段。")
    checklist = review_checklist(application, officer_verdicts)
    _require_verdict_reasons(checklist)
    if outcome == ReviewDecision.Outcome.QUALIFIED:
        _require_judged_to_qualify(checklist)
    with transaction.atomic():
        application = application_transition(
            actor=actor, application=application, to_state=OUTCOME_STATES[outcome], reason=reason, now=now
        )
        decision = ReviewDecision.objects.create(
            application=application,
            policy=application.round.policy,
            correction_round=application.correction_round,
            outcome=outcome,
            reason=reason,
            checklist=checklist,
            decided_by=actor,
            decided_at=now,
        )
    from chieftech.core.notify import notify

    notify(
        users=application.enterprise.users.filter(is_active=True),
        subject=f"资格审查结果：{application.name} {decision.get_outcome_display()}",
        body=f"{application.round.title}：{application.name}的申报资格审查结论为“{decision.get_outcome_display()}”。"
        + (f"意见：{reason}" if reason else ""),
        url=application_url(application),
    )
    return decision
