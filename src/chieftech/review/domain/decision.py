"""The officer's decision on a submitted re-review (第十一条, 第十二条): passed, not passed, or returned.

The officer gives a verdict on every condition the checks leave to them (the judge ones and those always
checked by hand: the declarations, the holder's role) and may overturn an automatic pass or fail only with a
note. Passed needs every condition met; not passed needs one not met and a reason, and ends the title: the
term becomes not renewed from the decision's day, in the same transaction, so the subsidy stops (第十二条);
returned needs a reason and gives a new deadline on the working-day calendar. The holder and the enterprise
are told. The checks and verdicts are kept on the review as they stood when the officer decided.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

import chieftech.review.rules  # noqa: F401  (declares the rules asked here)
from chieftech.accounts.roles import Role, users_holding
from chieftech.core.dates import date_zh
from chieftech.core.errors import DomainError
from chieftech.core.notify import notify
from chieftech.core.permissions import require_perm
from chieftech.core.pii import mask_id_number
from chieftech.policy.calendar import CalendarDataMissing, nth_working_day
from chieftech.review.domain.checks import (
    ARTICLES,
    FAIL,
    JUDGE,
    PASS,
    VERDICT_LABELS,
    CheckResult,
    review_checks_compute,
)
from chieftech.review.domain.transitions import annual_review_transition
from chieftech.tenure.domain.transitions import tenure_transition
from chieftech.tenure.models import AnnualReview, Tenure, TenureStatus

S = AnnualReview.State
OUTCOMES = {S.PASSED: "复核通过", S.FAILED: "复核未通过", S.RETURNED: "退回补正"}
OFFICER_VERDICTS = (PASS, FAIL)


def review_decide(
    *,
    actor,
    review: AnnualReview,
    outcome: str,
    verdicts: Mapping[int, Mapping[str, str]] | None,
    reason: str,
    now: datetime | None = None,
) -> AnnualReview:
    """Decide `review`; `verdicts` maps a condition's number to {"verdict": "pass"|"fail", "note": "..."}."""
    require_perm(
        actor,
        "review.decide",
        review,
        "只有本机关的区人社局经办人可以对已报送的复核材料作出结论，且不能认定本人或本单位的首席技师。",
    )
    if outcome not in OUTCOMES:
        raise DomainError("请选择复核结论。", field="outcome")
    reason = reason.strip()
    now = now or timezone.now()
    today = timezone.localdate(now)
    results = review_checks_compute(reviews=[review])[review.pk]
    if outcome == S.RETURNED:
        return _return(actor=actor, review=review, results=results, reason=reason, now=now, today=today)
    snapshot = _verdicts(results, verdicts or {})
    failing = [ARTICLES[int(n)] for n, item in snapshot.items() if item["verdict"] == FAIL]
    if outcome == S.PASSED and failing:
        raise DomainError(f"{'、'.join(failing)}认定为不符合，不能作出“复核通过”的结论。", field="outcome")
    if outcome == S.FAILED:
        if not failing:
            raise DomainError("各项条件均认定为符合，不能作出“复核未通过”的结论。", field="outcome")
        if not reason:
            raise DomainError("请填写复核未通过的理由，告知本人和用人单位。", field="reason")
    with transaction.atomic():
        decided = annual_review_transition(
            actor=actor,
            review=review,
            to=outcome,
            reason=reason,
            changes={"checks": snapshot, "reason": reason, "decided_by": actor, "decided_at": now},
        )
        tenure = Tenure.objects.select_related("application").get(pk=decided.tenure_id)
        if outcome == S.FAILED:
            tenure_transition(
                actor=actor,
                tenure=tenure,
                to_status=TenureStatus.NOT_RENEWED,
                effective_on=today,
                reason=f"管理期第{decided.review_year}年复核认定未通过：{reason}",
            )
        _notify(decided, tenure=tenure, body=_outcome_body(decided, today=today))
    return decided


def _return(*, actor, review, results, reason: str, now: datetime, today) -> AnnualReview:
    if not reason:
        raise DomainError("请填写退回补正的理由，说明需要补正什么。", field="reason")
    policy = review.policy or review.tenure.policy
    try:
        deadline = nth_working_day(start=today + timedelta(days=1), n=policy.review_correction_working_days)
    except CalendarDataMissing as exc:
        raise DomainError(str(exc), code="calendar_missing") from exc
    with transaction.atomic():
        returned = annual_review_transition(
            actor=actor,
            review=review,
            to=S.RETURNED,
            reason=reason,
            changes=lambda locked: {
                "checks": _automatic(results),
                "return_reason": reason,
                "deadline": deadline,
                "returned_count": locked.returned_count + 1,
            },
        )
        tenure = Tenure.objects.select_related("application").get(pk=returned.tenure_id)
        _notify(
            returned,
            tenure=tenure,
            body=f"退回理由：{reason}\n请于{date_zh(deadline)}前补正后重新报送，逾期不再受理。",
        )
    return returned


def _automatic(results: list[CheckResult]) -> dict:
    return {
        str(r.number): {"auto": r.verdict, "auto_reason": r.reason, "verdict": "", "note": ""}
        for r in results
    }


def _verdicts(results: list[CheckResult], verdicts: Mapping[int, Mapping[str, str]]) -> dict:
    """Each condition's final verdict: the officer's where needed or given, the automatic one otherwise. Every
    missing or unexplained verdict is named at its field, all at once."""
    snapshot, errors = {}, {}
    for result in results:
        given = verdicts.get(result.number) or {}
        verdict, note = (given.get("verdict") or "").strip(), (given.get("note") or "").strip()
        needed = result.officer_needed or result.verdict == JUDGE
        if verdict and verdict not in OFFICER_VERDICTS:
            errors[f"verdict_{result.number}"] = "请选择“符合”或“不符合”。"
        elif needed and not verdict:
            errors[f"verdict_{result.number}"] = f"请认定{result.article}（{result.title}）。"
        elif not needed and verdict and verdict != result.verdict and not note:
            errors[f"note_{result.number}"] = f"改变{result.article}的自动核查结果，须说明理由。"
        snapshot[str(result.number)] = {
            "auto": result.verdict,
            "auto_reason": result.reason,
            "verdict": verdict or result.verdict,
            "note": note,
        }
    if errors:
        raise DomainError.fields(errors)
    return snapshot


def _outcome_body(review: AnnualReview, *, today) -> str:
    if review.state == S.PASSED:
        return f"管理期第{review.review_year}年复核认定通过，继续享受首席技师待遇。"
    return (
        f"管理期第{review.review_year}年复核认定未通过，理由：{review.reason}\n"
        f"依第十二条，自{date_zh(today)}起不再保留首席技师称号，停止享受有关待遇。"
    )


def _notify(review: AnnualReview, *, tenure: Tenure, body: str) -> None:
    """The holder's own login and the users of the enterprise the holder works for now, each to their page."""
    subject = f"{tenure.application.name}管理期第{review.review_year}年复核认定：{OUTCOMES[review.state]}"
    if tenure.user_id is not None:
        notify(users=[tenure.user], subject=subject, body=body, url=reverse("tenure:holder_reviews"))
    notify(
        users=users_holding(Role.ENTERPRISE, tenure.authority_id).filter(enterprise_id=tenure.enterprise_id),
        subject=subject,
        body=body,
        url=reverse("tenure:enterprise_tenure", args=[tenure.pk]),
    )


# --- The results of a campaign ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ResultRow:
    review_id: int
    name: str
    id_number_masked: str
    enterprise: str
    occupation: str
    period: str
    verdicts: tuple[str, ...]  # (一)…(五): the decided verdicts, or the automatic ones while undecided
    state: str
    state_label: str
    reason: str
    decided_on: date | None


def campaign_results(*, campaign) -> list[ResultRow]:
    """One row per review of `campaign`, by name; undecided reviews show their automatic checks."""
    reviews = list(
        AnnualReview.objects.filter(campaign=campaign)
        .select_related("tenure__application", "tenure__enterprise")
        .order_by("tenure__application__name", "pk")
    )
    open_ = [r for r in reviews if r.state not in (S.PASSED, S.FAILED)]
    live = review_checks_compute(reviews=open_)
    rows = []
    for review in reviews:
        if review.pk in live:
            verdicts = tuple(VERDICT_LABELS[r.verdict] for r in live[review.pk])
        else:
            verdicts = tuple(
                VERDICT_LABELS.get(review.checks.get(str(n), {}).get("verdict", ""), "") for n in range(1, 6)
            )
        application = review.tenure.application
        rows.append(
            ResultRow(
                review_id=review.pk,
                name=application.name,
                id_number_masked=mask_id_number(application.id_number),
                enterprise=review.tenure.enterprise.name,
                occupation=application.occupation,
                period=f"{date_zh(review.period_start)}至{date_zh(review.period_end)}",
                verdicts=verdicts,
                state=review.state,
                state_label=review.get_state_display(),
                reason=review.reason if review.state in (S.PASSED, S.FAILED) else review.return_reason,
                decided_on=timezone.localdate(review.decided_at) if review.decided_at else None,
            )
        )
    return rows
