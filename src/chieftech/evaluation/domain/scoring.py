"""Scoring (第10条(四)): the chair opens and closes it; each expert fills, saves and submits their own sheets.

A sheet is one expert's score of one candidate for one part: the comprehensive evaluation (one score per
criterion of the round's scheme) or the on-site skill assessment (one score, or "absent" when the expert was not
present at that candidate's assessment). Points run from 0 to the maximum in steps of 0.5. A draft may be saved
half filled; submitting locks it. Only the chair can send a submitted sheet back, with a reason, while scoring is
open.

Conflicts of interest: a recused member (employer, or declared here) has no sheets for that candidate. A
declaration deletes the member's drafts for the candidate; a sheet they had already submitted is kept for the
record and never counts (results leave recused members out).

Locking: a sheet action locks the sheet row and then reads the committee's state; closing locks the committee
and every sheet of it. So a submit racing a close either lands before the close counts the sheets or is refused
because the committee closed, and the same sheet submitted twice at once is submitted once.

What each person sees of scoring (progress, the missing sheets, an expert's work list) is read by
chieftech.evaluation.selectors.
"""

from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from chieftech.audit.domain import audit_record
from chieftech.core.errors import DomainError
from chieftech.core.notify import notify
from chieftech.evaluation.domain.committee import (
    committee_assignments_sync,
    committee_candidates,
    committee_problems,
)
from chieftech.evaluation.domain.scheme import points_text, scheme_default_create
from chieftech.evaluation.domain.transitions import committee_transition, sheet_transition
from chieftech.evaluation.models import (
    Assignment,
    Committee,
    CommitteeMember,
    CommitteeState,
    Criterion,
    Recusal,
    Score,
    ScoreSheet,
    ScoringScheme,
)
from chieftech.evaluation.rules import is_chair
from chieftech.evaluation.selectors import missing_by_expert, scoring_missing
from chieftech.selection.models import Application, Round, RoundState

COMPREHENSIVE = ScoreSheet.Part.COMPREHENSIVE
ONSITE = ScoreSheet.Part.ONSITE
DRAFT = ScoreSheet.State.DRAFT
SUBMITTED = ScoreSheet.State.SUBMITTED
ABSENT = ScoreSheet.State.ABSENT

STEP = Decimal("0.5")
ONSITE_FIELD = "onsite"
ONSITE_LABEL = "现场技能考查"
OPEN_PROBLEMS = "评审委员会尚有以下问题，不能开始评分（请区人社局经办人在评审委员会页面处理）："


def criterion_field(criterion_id: int) -> str:
    """The form field of one criterion; refusals name it so the form shows them beside the input."""
    return f"criterion_{criterion_id}"


def sheet_url(sheet: ScoreSheet) -> str:
    return reverse("evaluation:sheet", args=[sheet.member.committee.round_id, sheet.application_id])


def _chair_url(round_id: int) -> str:
    return reverse("evaluation:chair", args=[round_id])


# --- Points ----------------------------------------------------------------------------------------


def points_error(value, *, maximum: Decimal, label: str) -> str | None:
    """Why `value` is not an acceptable score for an item out of `maximum`, or None when it is."""
    try:
        points = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return f"“{label}”的得分须为数字。"
    if not points.is_finite():
        return f"“{label}”的得分须为数字。"
    if points < 0 or points > maximum:
        return f"“{label}”的得分须在0至{points_text(maximum)}分之间。"
    if points % STEP != 0:
        return f"“{label}”的得分须为0.5分的整数倍。"
    return None


def _items(sheet: ScoreSheet, scheme: ScoringScheme) -> dict[int | None, tuple[str, Decimal, str]]:
    """criterion id (None for the on-site score) → (label, maximum, form field), in the scheme's order."""
    if sheet.part == ONSITE:
        return {None: (ONSITE_LABEL, scheme.onsite_max, ONSITE_FIELD)}
    return {
        c.pk: (c.name, c.max_points, criterion_field(c.pk))
        for c in Criterion.objects.filter(scheme=scheme).order_by("order", "pk")
    }


# --- Loading and checking --------------------------------------------------------------------------


def _committee_of(round_: Round, *, lock: bool = False) -> Committee:
    committees = Committee.objects.select_related("round", "chair__user")
    if lock:
        committees = committees.select_for_update(of=("self",))
    committee = committees.filter(round_id=round_.pk).first()
    if committee is None:
        raise DomainError("本批次尚未组建评审委员会。")
    return committee


def _require_chair(actor, committee: Committee, what: str) -> None:
    if not is_chair(actor, committee):
        raise DomainError(f"只有评审委员会主任可以{what}。")


def _locked_sheet(sheet: ScoreSheet) -> ScoreSheet:
    """The sheet row locked for this transaction, then its committee read as it stands now."""
    locked = ScoreSheet.objects.select_for_update(of=("self",)).filter(pk=sheet.pk).first()
    if locked is None:
        raise DomainError("评分表不存在（可能因回避已删除）。")
    member = CommitteeMember.objects.select_related("expert__user", "committee__round").get(
        pk=locked.member_id
    )
    locked.member = member
    locked.application = Application.objects.only("pk", "name", "round_id").get(pk=locked.application_id)
    return locked


def _require_own(actor, sheet: ScoreSheet) -> None:
    if sheet.member.expert.user_id is None or sheet.member.expert.user_id != actor.pk:
        raise DomainError("只能填写本人的评分表。")


def _require_scoring(committee: Committee) -> None:
    if committee.state == CommitteeState.FORMING:
        raise DomainError("评分尚未开始。")
    if committee.state != CommitteeState.SCORING:
        raise DomainError("评分已经结束，评分表不能再修改。")


def _require_draft(sheet: ScoreSheet) -> None:
    if sheet.state == SUBMITTED:
        raise DomainError("评分表已提交，不能修改。如需更正，请联系评审委员会主任退回重评。")
    if sheet.state == ABSENT:
        raise DomainError("该评分表已标记为未到场，不能修改。如需更正，请联系评审委员会主任退回重评。")


def _scheme(round_id: int) -> ScoringScheme:
    return ScoringScheme.objects.get(round_id=round_id)


# --- Opening ---------------------------------------------------------------------------------------


def scoring_open(*, actor, round_: Round, now: datetime | None = None) -> Committee:
    """The chair opens scoring: assignments synced, scheme frozen, an empty draft per non-recused assignment
    and part; every member is told their sheets are waiting.

    Refused, naming each problem, while `committee_problems` finds any: a member who cannot log in to score,
    a chair without the chair role, a candidate nobody scores.
    """
    now = now or timezone.now()
    with transaction.atomic():
        committee = _committee_of(round_, lock=True)
        _require_chair(actor, committee, "开始评分")
        round_state = Round.objects.values_list("state", flat=True).get(pk=round_.pk)
        if round_state != RoundState.EVALUATION:
            raise DomainError(f"批次当前为“{RoundState(round_state).label}”，不在评审阶段，不能开始评分。")
        if committee.state != CommitteeState.FORMING:
            raise DomainError(f"评审委员会当前为“{committee.get_state_display()}”，不能再次开始评分。")
        members = list(committee.members.select_related("expert__user").order_by("pk"))
        if not members:
            raise DomainError("评审委员会还没有委员，不能开始评分。")
        candidates = list(committee_candidates(committee).order_by("pk").only("pk", "name"))
        if not candidates:
            raise DomainError("本批次没有资格审查合格的候选人，不能开始评分。")
        problems = committee_problems(committee, members=members)
        if problems:
            raise DomainError(OPEN_PROBLEMS + "".join(problems))

        committee_assignments_sync(committee=committee)
        recused = set(
            Recusal.objects.filter(member__committee=committee).values_list("member_id", "application_id")
        )
        pairs = sorted(
            pair
            for pair in Assignment.objects.filter(member__committee=committee).values_list(
                "member_id", "application_id"
            )
            if pair not in recused
        )

        scheme = scheme_default_create(round_=committee.round)
        scheme = ScoringScheme.objects.select_for_update().get(pk=scheme.pk)
        if not scheme.criteria.exists():
            raise DomainError("评分方案没有综合评审评分项，不能开始评分。")
        scheme.frozen_at = now
        scheme.save(update_fields=["frozen_at"])

        ScoreSheet.objects.bulk_create(
            ScoreSheet(member_id=m, application_id=a, part=part, state=DRAFT)
            for m, a in pairs
            for part in (COMPREHENSIVE, ONSITE)
        )
        committee_transition(
            actor=actor,
            committee=committee,
            to_state=CommitteeState.SCORING,
            now=now,
            after={
                "members": len(members),
                "candidates": len(candidates),
                "sheets": 2 * len(pairs),
                "scheme_frozen_at": now,
            },
        )
        waiting: dict[int, int] = {}
        for member_id, _application in pairs:
            waiting[member_id] = waiting.get(member_id, 0) + 1
        url = reverse("evaluation:my_work")
        title = committee.round.title
        for member in members:
            count = waiting.get(member.pk, 0)
            notify(
                users=[member.expert.user],
                subject=f"评分已开始：{title}",
                body=f"{title}评审委员会已开始评分，您有{count}名候选人的评分表（综合评审、现场技能考查）待填写。"
                if count
                else f"{title}评审委员会已开始评分，本次没有分配给您的候选人。",
                url=url,
            )
    return committee


# --- The expert's sheets ---------------------------------------------------------------------------


def sheet_save(*, actor, sheet: ScoreSheet, points: dict) -> ScoreSheet:
    """Save a draft: `points` maps criterion id → points (on-site: None → points); a blank value (None or "")
    clears that item. Items not in `points` stay as they were. The whole save is refused on one bad value."""
    with transaction.atomic():
        sheet = _locked_sheet(sheet)
        _require_own(actor, sheet)
        _require_scoring(sheet.member.committee)
        _require_draft(sheet)
        items = _items(sheet, _scheme(sheet.member.committee.round_id))
        wanted: dict[int | None, Decimal | None] = {}
        for key, value in points.items():
            if key not in items:
                raise DomainError("评分项不属于本批次的评分方案。")
            label, maximum, field_name = items[key]
            if value is None or (isinstance(value, str) and not value.strip()):
                wanted[key] = None
                continue
            message = points_error(value, maximum=maximum, label=label)
            if message:
                raise DomainError(message, field=field_name)
            wanted[key] = Decimal(str(value).strip()).quantize(Decimal("0.01"))
        existing = {s.criterion_id: s for s in Score.objects.filter(sheet=sheet)}
        before = {_score_key(k): s.points for k, s in existing.items()}
        after = dict(before)
        for key, value in wanted.items():
            if value is None:
                after.pop(_score_key(key), None)
            else:
                after[_score_key(key)] = value
        cleared = [existing[k].pk for k, v in wanted.items() if v is None and k in existing]
        if cleared:
            Score.objects.filter(pk__in=cleared).delete()
        changed = []
        for key, value in wanted.items():
            if value is None:
                continue
            if key in existing:
                if existing[key].points != value:
                    existing[key].points = value
                    changed.append(existing[key])
            else:
                Score.objects.create(sheet=sheet, criterion_id=key, points=value)
        if changed:
            Score.objects.bulk_update(changed, ["points"])
        sheet.save(update_fields=["updated_at"])
        if after != before:
            # A draft is not yet a score, but who changed which points when is evidence if a sheet is disputed.
            audit_record(
                action="sheet.draft_save",
                actor=actor,
                obj=sheet,
                before={"part": sheet.part, "scores": before},
                after={"part": sheet.part, "scores": after},
            )
    return sheet


def _score_key(criterion_id: int | None) -> str:
    """A score's key in audit records: the criterion id, or the on-site field for the on-site score."""
    return str(criterion_id) if criterion_id is not None else ONSITE_FIELD


def sheet_submit(*, actor, sheet: ScoreSheet, now: datetime | None = None) -> ScoreSheet:
    """Lock the sheet with its total once every item has a score. Submitting it a second time is refused."""
    now = now or timezone.now()
    with transaction.atomic():
        sheet = _locked_sheet(sheet)
        _require_own(actor, sheet)
        _require_scoring(sheet.member.committee)
        if sheet.state != DRAFT:
            raise DomainError(
                f"评分表当前为“{sheet.get_state_display()}”，不能重复提交。"
                if sheet.state == SUBMITTED
                else f"评分表当前为“{sheet.get_state_display()}”，不能提交。"
            )
        items = _items(sheet, _scheme(sheet.member.committee.round_id))
        scores = {s.criterion_id: s.points for s in Score.objects.filter(sheet=sheet)}
        blank = [label for key, (label, _max, _field) in items.items() if key not in scores]
        if blank:
            raise DomainError("尚有评分项未填写：" + "、".join(blank) + "。填写完整后才能提交。")
        total = sum((scores[key] for key in items), Decimal("0"))
        _sheet_done(
            actor=actor,
            sheet=sheet,
            state=SUBMITTED,
            total=total,
            submitted_at=now,
            scores={_score_key(k): scores[k] for k in items},
        )
    return sheet


def sheet_mark_absent(*, actor, sheet: ScoreSheet) -> ScoreSheet:
    """The expert was not present at this candidate's on-site assessment: the sheet is done without a value.

    Recorded like a submission (audit action "sheet.submit", state absent); any points typed are removed.
    """
    with transaction.atomic():
        sheet = _locked_sheet(sheet)
        _require_own(actor, sheet)
        if sheet.part != ONSITE:
            raise DomainError("只有现场技能考查评分表可以标记未到场。")
        _require_scoring(sheet.member.committee)
        _require_draft(sheet)
        Score.objects.filter(sheet=sheet).delete()
        _sheet_done(actor=actor, sheet=sheet, state=ABSENT, total=None, submitted_at=None)
    return sheet


def _sheet_done(
    *, actor, sheet: ScoreSheet, state: str, total: Decimal | None, submitted_at: datetime | None, scores=None
) -> None:
    """A draft leaves the expert's hands (submitted, or absent on site): saved and audited as "sheet.submit"."""
    after = {"part": sheet.part}
    if scores is not None:
        after |= {"total": total, "scores": scores}
    sheet_transition(actor=actor, sheet=sheet, to_state=state, total=total, now=submitted_at, after=after)


# --- Conflicts of interest -------------------------------------------------------------------------


def recusal_declare(*, actor, round_: Round, application: Application, reason: str) -> Recusal:
    """A member declares a conflict of interest on one of their candidates (a reason is required).

    Their drafts for the candidate are deleted; a sheet already submitted is kept for the record and does not
    count, as no sheet of a recused member does. The chair is told.
    """
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("申明回避须填写理由。", field="reason")
    with transaction.atomic():
        committee = _committee_of(round_)
        member = (
            CommitteeMember.objects.select_for_update(of=("self",))
            .select_related("expert")
            .filter(committee=committee, expert__user_id=actor.pk)
            .first()
        )
        if member is None:
            raise DomainError("您不是本批次评审委员会委员。")
        state = Committee.objects.values_list("state", flat=True).get(pk=committee.pk)
        if state not in (CommitteeState.FORMING, CommitteeState.SCORING):
            raise DomainError("评分已经结束，不能再申明回避。")
        if not Assignment.objects.filter(member=member, application_id=application.pk).exists():
            raise DomainError("该候选人不在您的评审范围内。")
        if Recusal.objects.filter(member=member, application_id=application.pk).exists():
            raise DomainError(f"您已回避候选人{application.name}。")
        drafts = ScoreSheet.objects.filter(member=member, application_id=application.pk, state=DRAFT)
        deleted = sorted(drafts.values_list("part", flat=True))
        drafts.delete()
        kept = sorted(
            ScoreSheet.objects.filter(member=member, application_id=application.pk).values_list(
                "part", "state"
            )
        )
        recusal = Recusal.objects.create(
            member=member, application_id=application.pk, kind=Recusal.Kind.DECLARED, reason=reason
        )
        audit_record(
            action="recusal.declare",
            actor=actor,
            obj=recusal,
            reason=reason,
            after={
                "member": member.pk,
                "expert": member.expert.name,
                "application": application.pk,
                "deleted_drafts": deleted,
                "kept_sheets": [f"{part}:{state}" for part, state in kept],
            },
        )
        notify(
            users=[committee.chair.user],
            subject=f"回避申明：{member.expert.name}申明回避{application.name}",
            body=f"{committee.round.title}：委员{member.expert.name}申明回避候选人{application.name}。理由：{reason}",
            url=_chair_url(committee.round_id),
        )
    return recusal


# --- The chair's control of scoring ----------------------------------------------------------------


def sheet_reopen(*, actor, sheet: ScoreSheet, reason: str) -> ScoreSheet:
    """The chair sends one submitted (or absent) sheet back to its expert as a draft, with a reason."""
    reason = (reason or "").strip()
    with transaction.atomic():
        sheet = _locked_sheet(sheet)
        committee = sheet.member.committee
        committee = Committee.objects.select_related("chair__user", "round").get(pk=committee.pk)
        _require_chair(actor, committee, "退回评分表")
        if committee.state != CommitteeState.SCORING:
            raise DomainError("只有评分进行中才能退回评分表。")
        if not reason:
            raise DomainError("退回重评须填写理由。", field="reason")
        if sheet.state == DRAFT:
            raise DomainError("该评分表尚未提交，无需退回。")
        if Recusal.objects.filter(member_id=sheet.member_id, application_id=sheet.application_id).exists():
            raise DomainError("该委员已回避该候选人，其评分表不计入结果，不能退回重评。")
        sheet_transition(actor=actor, sheet=sheet, to_state=DRAFT, reason=reason)
        part = sheet.get_part_display()
        notify(
            users=[sheet.member.expert.user],
            subject=f"评分表退回重评：{sheet.application.name}（{part}）",
            body=f"{committee.round.title}：评审委员会主任退回了您对{sheet.application.name}的{part}评分表，"
            f"请修改后重新提交。理由：{reason}",
            url=sheet_url(sheet),
        )
    return sheet


def scoring_close(*, actor, round_: Round, reason: str = "", now: datetime | None = None) -> Committee:
    """The chair closes scoring and the results are computed in the same transaction.

    Allowed when every sheet of a member not recused is submitted (on-site: submitted or absent); otherwise
    only with a reason, and the refusal names the missing sheets. Drafts left open never count.
    """
    now = now or timezone.now()
    reason = (reason or "").strip()
    with transaction.atomic():
        committee = _committee_of(round_, lock=True)
        _require_chair(actor, committee, "结束评分")
        if committee.state == CommitteeState.FORMING:
            raise DomainError("评分尚未开始。")
        if committee.state != CommitteeState.SCORING:
            raise DomainError("评分已经结束。")
        # Wait for any sheet action in flight, so the count below sees it.
        list(
            ScoreSheet.objects.select_for_update(of=("self",))
            .filter(member__committee=committee)
            .values_list("pk", flat=True)
        )
        missing = scoring_missing(committee)
        if missing and not reason:
            raise DomainError(
                f"尚有{len(missing)}份评分表未提交："
                + "；".join(str(group) for group in missing_by_expert(missing))
                + "。如需提前结束评分，请填写理由。",
                field="reason",
            )
        committee_transition(
            actor=actor,
            committee=committee,
            to_state=CommitteeState.CLOSED,
            reason=reason if missing else "",
            now=now,
            after={"missing": [str(m) for m in missing]},
        )
        from chieftech.evaluation.domain.results import results_compute

        results_compute(committee=committee, now=now)
    return committee
