"""The committee's results, the ranking and the proposed list (第10条(四), 第7条(五), 第4条).

`results_compute` runs when the chair closes scoring, inside that transaction: it turns the submitted sheets of
the members who are not recused into `aggregation.Candidate`s, lets `aggregation.evaluate` do the arithmetic,
stores one `Result` per candidate and proposes the top `round.quota` (the 建议人选名单). The chair may then
propose another number with a reason and confirms the list, which moves the round to the public notice.

Who sees what: the figures exist for the committee's chair (acting as chair) and the officer, and only once the
committee is closed. Ordinary members never see them; anyone outside the committee does not learn the round has
one (`results_access`).

Ranking by the normalised score: when the round's scheme says `rank_by_normalised`, the results are re-sorted
by the normalised reference score (descending) with the same further rules as the composite (45 周岁 and under
first, then the on-site aggregate, the earlier submission, the application id), and `tie_break` names them as
ties on the normalised score. Otherwise the order is `evaluate()`'s, by composite.
"""

import enum
from datetime import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from chieftech.accounts.roles import Role, has_role_in, users_holding
from chieftech.audit.domain import audit_record, snapshot
from chieftech.core.errors import DomainError
from chieftech.core.notify import notify
from chieftech.evaluation.domain.aggregation import (
    Candidate,
    CandidateResult,
    ExpertScores,
    Scheme,
    evaluate,
)
from chieftech.evaluation.domain.scheme import comprehensive_max
from chieftech.evaluation.domain.transitions import committee_transition
from chieftech.evaluation.models import (
    Committee,
    CommitteeMember,
    CommitteeState,
    ProposedList,
    Recusal,
    Result,
    ScoreSheet,
    ScoringScheme,
)
from chieftech.evaluation.rules import MANAGE_COMMITTEE, is_chair
from chieftech.selection.domain.applications import application_transition
from chieftech.selection.domain.eligibility import has_age_priority
from chieftech.selection.domain.rounds import round_transition
from chieftech.selection.models import Application, ApplicationState, Round, RoundState
from chieftech.selection.rules import ROUND_VIEW_MATERIALS

RESULT_STATES = (CommitteeState.CLOSED, CommitteeState.CONFIRMED)

# The tie-break notes when the round ranks by the normalised reference score (see the module docstring).
TIE_BREAK_NORMALISED_AGE = "标准化参考分相同，属同等条件下年龄优先人选（第七条（五））"
TIE_BREAK_NORMALISED_ONSITE = "标准化参考分相同，现场技能考查得分较高"
TIE_BREAK_NORMALISED_SUBMITTED = "标准化参考分相同，申报提交时间较早"
TIE_BREAK_NORMALISED_ID = "标准化参考分、年龄条件、现场技能考查得分和提交时间均相同，按申报编号先后"
_NORMALISED_TIE_BREAKS = (
    "",
    TIE_BREAK_NORMALISED_AGE,
    TIE_BREAK_NORMALISED_ONSITE,
    TIE_BREAK_NORMALISED_SUBMITTED,
    TIE_BREAK_NORMALISED_ID,
)


# --- Who may see the results --------------------------------------------------------------------------


class ResultsAccess(enum.Enum):
    VISIBLE = "visible"
    FORBIDDEN = "forbidden"  # a member or the officer, but not (yet) allowed: 403
    HIDDEN = "hidden"  # outside the committee: 404


def results_access(*, user, committee: Committee) -> ResultsAccess:
    """The results, the ranking and the committee's documents: chair and officer, once the committee closed;
    the leadership and the government of the round's authority, once the round awaits their decision."""
    if not user.is_authenticated:
        return ResultsAccess.HIDDEN
    officer = user.has_perm(MANAGE_COMMITTEE)
    chair = is_chair(user, committee)
    if officer or chair:
        return ResultsAccess.VISIBLE if committee.state in RESULT_STATES else ResultsAccess.FORBIDDEN
    if user.has_perm(ROUND_VIEW_MATERIALS, committee.round):
        return ResultsAccess.VISIBLE
    if has_role_in(user, Role.LEADER, committee.round.authority) or has_role_in(
        user, Role.GOVERNMENT, committee.round.authority
    ):
        return ResultsAccess.FORBIDDEN  # the round has not reached the leadership's decision yet
    member = CommitteeMember.objects.filter(committee=committee, expert__user=user).exists()
    return ResultsAccess.FORBIDDEN if member else ResultsAccess.HIDDEN


# --- Computing the results ------------------------------------------------------------------------------


def scheme_for_arithmetic(scheme: ScoringScheme) -> Scheme:
    return Scheme(
        comprehensive_max=comprehensive_max(scheme),
        onsite_max=scheme.onsite_max,
        comprehensive_weight=scheme.comprehensive_weight,
        onsite_weight=scheme.onsite_weight,
        trimmed_mean=scheme.trimmed_mean,
        trim_min_sheets=scheme.trim_min_sheets,
    )


def _candidates(committee: Committee, applications: list[Application]) -> list[Candidate]:
    """Each candidate's valid values: submitted sheets (an absent on-site sheet is no value) of members who
    are not recused from that candidate."""
    round_ = committee.round
    recused = set(
        Recusal.objects.filter(member__committee=committee).values_list("member_id", "application_id")
    )
    sheets = ScoreSheet.objects.filter(
        member__committee=committee,
        application__in=[a.pk for a in applications],
        state=ScoreSheet.State.SUBMITTED,
        total__isnull=False,
    ).values_list("member_id", "member__expert_id", "application_id", "part", "total")
    values: dict[int, dict[int, dict[str, object]]] = {a.pk: {} for a in applications}
    for member_id, expert_id, application_id, part, total in sheets:
        if (member_id, application_id) in recused:
            continue
        values[application_id].setdefault(expert_id, {})[part] = total

    missing = {ScoreSheet.Part.COMPREHENSIVE: [], ScoreSheet.Part.ONSITE: []}
    for application in applications:
        by_expert = values[application.pk]
        for part, names in missing.items():
            if not any(part in parts for parts in by_expert.values()):
                names.append(application.name)
    problems = [
        f"{ScoreSheet.Part(part).label}：{'、'.join(names)}" for part, names in missing.items() if names
    ]
    if problems:
        raise DomainError("以下候选人没有有效评分，无法计算结果——" + "；".join(problems) + "。")

    return [
        Candidate(
            application_id=application.pk,
            age_priority=has_age_priority(
                birth_date=application.birth_date,
                reference_date=round_.age_reference_date,
                policy=round_.policy,
            ),
            submitted_at=application.submitted_at,
            sheets=[
                ExpertScores(
                    expert_id=expert_id,
                    comprehensive=parts.get(ScoreSheet.Part.COMPREHENSIVE),
                    onsite=parts.get(ScoreSheet.Part.ONSITE),
                )
                for expert_id, parts in sorted(values[application.pk].items())
            ],
        )
        for application in applications
    ]


def _rank_by_normalised(results: list[CandidateResult], candidates: list[Candidate]) -> list[CandidateResult]:
    by_id = {c.application_id: c for c in candidates}

    def key(result: CandidateResult):
        candidate = by_id[result.application_id]
        return (
            -result.normalised,
            not candidate.age_priority,
            -result.onsite,
            candidate.submitted_at,
            result.application_id,
        )

    ranked = sorted(results, key=key)
    above = None
    for rank, result in enumerate(ranked, start=1):
        mine = key(result)
        result.rank = rank
        result.tie_break = (
            ""
            if above is None
            else next(
                _NORMALISED_TIE_BREAKS[i] for i, (a, b) in enumerate(zip(above, mine, strict=True)) if a != b
            )
        )
        above = mine
    return ranked


def _default_size(round_: Round, candidates: int) -> tuple[int, str]:
    size = min(round_.quota, candidates)
    if size == round_.quota:
        return size, ""
    return (
        size,
        f"资格审查合格的候选人共{candidates}人，少于本批次选拔名额{round_.quota}人，全部列入建议名单。",
    )


def results_compute(*, committee: Committee, now: datetime) -> list[Result]:
    """Compute and store every qualified candidate's result and propose the top `round.quota`.

    Replaces the round's results; the proposed list is set back to the default size. Refused once the list
    is confirmed, and when a candidate has no valid value for a part (the message names them).
    """
    with transaction.atomic():
        committee = (
            Committee.objects.select_for_update(of=("self",))
            .select_related("round__policy", "round__scoring_scheme")
            .get(pk=committee.pk)
        )
        if committee.state == CommitteeState.CONFIRMED:
            raise DomainError("建议人选名单已确认，评审结果不能再重新计算。")
        round_ = committee.round
        try:
            scheme = round_.scoring_scheme
        except ScoringScheme.DoesNotExist:
            raise DomainError("本批次尚未设置评分方案。") from None
        applications = list(
            Application.objects.filter(round=round_, state=ApplicationState.QUALIFIED)
            .only("pk", "name", "birth_date", "submitted_at", "round_id")
            .order_by("pk")
        )
        if not applications:
            raise DomainError("本批次没有资格审查合格的候选人，无法计算结果。")
        candidates = _candidates(committee, applications)
        try:
            ranked = evaluate(candidates, scheme_for_arithmetic(scheme))
        except ValueError as exc:
            raise DomainError(str(exc)) from None
        if scheme.rank_by_normalised:
            ranked = _rank_by_normalised(ranked, candidates)

        onsite_counts = {c.application_id: sum(s.onsite is not None for s in c.sheets) for c in candidates}
        Result.objects.filter(application__round=round_).delete()
        results = Result.objects.bulk_create(
            Result(
                application_id=r.application_id,
                comprehensive=r.comprehensive,
                onsite=r.onsite,
                composite=r.composite,
                std_dev=r.std_dev,
                spread=r.spread,
                spread_flagged=r.spread_flagged,
                normalised=r.normalised,
                valid_sheets=r.valid_sheets,
                onsite_valid_sheets=onsite_counts[r.application_id],
                expert_totals={str(expert): str(total) for expert, total in r.expert_totals.items()},
                rank=r.rank,
                tie_break=r.tie_break,
                computed_at=now,
            )
            for r in ranked
        )

        size, reason = _default_size(round_, len(ranked))
        plist, _ = ProposedList.objects.get_or_create(round=round_, defaults={"size": size})
        plist.size, plist.size_reason = size, reason
        plist.save(update_fields=["size", "size_reason", "updated_at"])
        proposed = [r.application_id for r in ranked[:size]]
        plist.applications.set(proposed)
        audit_record(
            action="results.compute",
            actor=None,
            obj=committee,
            after={
                "candidates": len(ranked),
                "ranked_by": "normalised" if scheme.rank_by_normalised else "composite",
                "ranking": [r.application_id for r in ranked],
                "proposed_size": size,
                "proposed": proposed,
            },
        )
    return results


# --- The proposed list ----------------------------------------------------------------------------------


def _chair_committee(*, actor, round_: Round, what: str) -> Committee:
    """The round's committee, locked, with the checks every chair action on the list shares."""
    committee = (
        Committee.objects.select_for_update(of=("self",))
        .select_related("chair", "round__policy")
        .filter(round_id=round_.pk)
        .first()
    )
    if committee is None:
        raise DomainError("本批次尚未组建评审委员会。")
    if not is_chair(actor, committee):
        raise DomainError(f"只有评审委员会主任可以{what}。")
    if committee.state == CommitteeState.CONFIRMED:
        raise DomainError("建议人选名单已确认。")
    if committee.state != CommitteeState.CLOSED:
        raise DomainError(f"评分结束后方可{what}。")
    return committee


def _ranked_ids(round_: Round) -> list[int]:
    return list(
        Result.objects.filter(application__round=round_)
        .order_by("rank")
        .values_list("application_id", flat=True)
    )


def proposed_list_update(*, actor, round_: Round, size: int, reason: str) -> ProposedList:
    """The chair proposes `size` candidates, the top `size` of the ranking; a size other than the round's
    quota needs a reason (第4条: "5人左右")."""
    reason = (reason or "").strip()
    with transaction.atomic():
        committee = _chair_committee(actor=actor, round_=round_, what="调整建议人数")
        round_ = committee.round
        ranked = _ranked_ids(round_)
        if not 1 <= size <= len(ranked):
            raise DomainError(
                f"建议人数须在1至{len(ranked)}人之间（候选人共{len(ranked)}人）。", field="size"
            )
        if size != round_.quota and not reason:
            raise DomainError(
                f"本批次选拔名额为{round_.quota}人左右，建议人数与名额不同须填写理由。", field="reason"
            )
        plist = ProposedList.objects.select_for_update().get(round=round_)
        before = {
            "size": plist.size,
            "size_reason": plist.size_reason,
            "applications": sorted(plist.applications.values_list("pk", flat=True)),
        }
        plist.size = size
        plist.size_reason = reason
        plist.save(update_fields=["size", "size_reason", "updated_at"])
        plist.applications.set(ranked[:size])
        audit_record(
            action="proposed_list.update",
            actor=actor,
            obj=plist,
            reason=reason,
            before=before,
            after={"size": size, "size_reason": reason, "applications": sorted(ranked[:size])},
        )
    return plist


def committee_return_by_leadership(*, actor, round_: Round, reason: str, now: datetime | None = None) -> None:
    """The leadership did not approve the list (审定不同意): the committee is back to closed and its list no
    longer confirmed, so the chair can confirm a new one. The caller (publicity) moves the round and the
    candidates; evaluation's own rows change only here."""
    now = now or timezone.now()
    with transaction.atomic():
        committee = Committee.objects.filter(round_id=round_.pk).first()
        if committee is not None and committee.state != CommitteeState.CLOSED:
            committee_transition(
                actor=actor, committee=committee, to_state=CommitteeState.CLOSED, reason=reason, now=now
            )
        plist = ProposedList.objects.select_for_update().filter(round_id=round_.pk).first()
        if plist is not None and plist.confirmed_at is not None:
            before = snapshot(plist, ["confirmed_by", "confirmed_at"])
            plist.confirmed_by = None
            plist.confirmed_at = None
            plist.save(update_fields=["confirmed_by", "confirmed_at", "updated_at"])
            audit_record(
                action="proposed_list.unconfirm",
                actor=actor,
                obj=plist,
                reason=reason,
                before=before,
                after=snapshot(plist, ["confirmed_by", "confirmed_at"]),
            )


def proposed_list_confirm(*, actor, round_: Round, now: datetime | None = None) -> ProposedList:
    """The chair confirms the 建议人选名单: the listed candidates are proposed, the other qualified ones not,
    the committee's work is done and the round moves to the public notice — one transaction, audited."""
    now = now or timezone.now()
    with transaction.atomic():
        committee = _chair_committee(actor=actor, round_=round_, what="确认建议人选名单")
        round_ = committee.round
        if round_.state != RoundState.EVALUATION:
            raise DomainError(f"批次当前为“{round_.get_state_display()}”，不能确认建议人选名单。")
        plist = ProposedList.objects.select_for_update().filter(round=round_).first()
        if plist is None:
            raise DomainError("尚未生成建议人选名单。")
        listed = set(plist.applications.values_list("pk", flat=True))
        if not listed:
            raise DomainError("建议人选名单为空。")
        ranked = _ranked_ids(round_)
        qualified = list(
            Application.objects.filter(round=round_, state=ApplicationState.QUALIFIED).order_by("pk")
        )
        order = {pk: i for i, pk in enumerate(ranked)}
        qualified.sort(key=lambda a: (order.get(a.pk, len(order)), a.pk))
        for application in qualified:
            to_state = (
                ApplicationState.PROPOSED if application.pk in listed else ApplicationState.NOT_PROPOSED
            )
            application_transition(actor=actor, application=application, to_state=to_state, now=now)

        committee_transition(actor=actor, committee=committee, to_state=CommitteeState.CONFIRMED, now=now)
        plist.confirmed_by = actor
        plist.confirmed_at = now
        plist.save(update_fields=["confirmed_by", "confirmed_at", "updated_at"])
        round_transition(actor=actor, round_=round_, to_state=RoundState.NOTICE, now=now)
        proposed = [pk for pk in ranked if pk in listed]
        audit_record(
            action="proposed_list.confirm",
            actor=actor,
            obj=plist,
            reason=plist.size_reason,
            before={"committee": CommitteeState.CLOSED.value, "round": RoundState.EVALUATION.value},
            after={
                "committee": CommitteeState.CONFIRMED.value,
                "round": RoundState.NOTICE.value,
                "size": plist.size,
                "proposed": proposed,
            },
        )
        officers = users_holding(Role.OFFICER, round_.authority_id)
        notify(
            users=officers,
            subject=f"{round_.title}：评审委员会已确认建议人选名单",
            body=(
                f"{committee.name}已确认建议人选名单（{plist.size}人），批次进入考察公示阶段，"
                "请发布考察公示。"
            ),
            url=reverse("evaluation:results", args=[round_.pk]),
        )
    return plist
