"""Read-only views of scoring: the chair's progress (who has submitted what, never the points), the sheets still
missing, and an expert's own rounds, candidates and sheets.

Each selector runs a fixed number of queries whatever the number of members, candidates or sheets.
"""

from dataclasses import dataclass, field
from datetime import datetime

from chieftech.evaluation.domain.committee import committee_candidates
from chieftech.evaluation.models import (
    Assignment,
    Committee,
    CommitteeMember,
    CommitteeState,
    Recusal,
    ScoreSheet,
)
from chieftech.selection.models import Application, Round

Part = ScoreSheet.Part
State = ScoreSheet.State


@dataclass(frozen=True)
class MissingSheet:
    member_id: int
    expert: str
    candidate: str
    part: str  # label

    def __str__(self) -> str:
        return f"{self.expert}—{self.candidate}（{self.part}）"


@dataclass(frozen=True)
class MissingOfExpert:
    """One expert's missing sheets: how many, and per part (in the scheme's order) the candidates."""

    expert: str
    count: int
    parts: tuple[tuple[str, tuple[str, ...]], ...]  # (part label, candidate names)

    def __str__(self) -> str:
        parts = "，".join(f"{label}：{'、'.join(names)}" for label, names in self.parts)
        return f"{self.expert}：{self.count}份（{parts}）"


def committees_for(user, *capabilities: str):
    """The committees of the rounds of the authorities where `user` holds a role with one of
    `capabilities`: a committee of another authority is a 404."""
    from chieftech.accounts.roles import authority_ids_for

    return Committee.objects.filter(round__authority_id__in=authority_ids_for(user, *capabilities))


def _parts_named(parts: dict[str, list[str]]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Per part (in the scheme's order) the candidates; parts missing for the same candidates share one entry."""
    order = {label: i for i, label in enumerate(Part.labels)}
    merged: list[tuple[str, tuple[str, ...]]] = []
    for label, names in sorted(parts.items(), key=lambda p: order[p[0]]):
        if merged and merged[-1][1] == tuple(names):
            merged[-1] = (f"{merged[-1][0]}、{label}", merged[-1][1])
        else:
            merged.append((label, tuple(names)))
    return tuple(merged)


def missing_by_expert(missing: list[MissingSheet]) -> list[MissingOfExpert]:
    """The missing sheets grouped by expert (in the order given), e.g. "专家2：3份（综合评审：王建国、李秀英，
    现场技能考查：王建国）", or "专家3：4份（综合评审、现场技能考查：王建国、李秀英）" when both parts miss alike."""
    grouped: dict[int, tuple[str, dict[str, list[str]]]] = {}
    for m in missing:
        _expert, parts = grouped.setdefault(m.member_id, (m.expert, {}))
        parts.setdefault(m.part, []).append(m.candidate)
    return [
        MissingOfExpert(
            expert=expert, count=sum(len(names) for names in parts.values()), parts=_parts_named(parts)
        )
        for expert, parts in grouped.values()
    ]


def scoring_missing(committee: Committee) -> list[MissingSheet]:
    """The sheets still in draft of members who are not recused from the candidate, by expert then candidate."""
    recused = set(
        Recusal.objects.filter(member__committee=committee).values_list("member_id", "application_id")
    )
    rows = (
        ScoreSheet.objects.filter(member__committee=committee, state=State.DRAFT)
        .order_by("member__expert__name", "member_id", "application__name", "application_id", "part")
        .values_list("member_id", "application_id", "member__expert__name", "application__name", "part")
    )
    return [
        MissingSheet(
            member_id=member_id, expert=expert, candidate=candidate, part=ScoreSheet.Part(part).label
        )
        for member_id, application_id, expert, candidate, part in rows
        if (member_id, application_id) not in recused
    ]


@dataclass
class PartCounts:
    submitted: int = 0
    draft: int = 0
    absent: int = 0
    recused: int = 0

    @property
    def done(self) -> int:
        return self.submitted + self.absent


@dataclass
class ProgressRow:
    """One member's or one candidate's sheets, counted per part."""

    pk: int
    name: str
    comprehensive: PartCounts = field(default_factory=PartCounts)
    onsite: PartCounts = field(default_factory=PartCounts)

    def part(self, part: str) -> PartCounts:
        return self.comprehensive if part == Part.COMPREHENSIVE else self.onsite


@dataclass
class SheetState:
    """One sheet as the chair sees it: whose, whom, which part, which state — never the points."""

    pk: int
    member_id: int
    expert: str
    application_id: int
    candidate: str
    part: str
    state: str
    submitted_at: datetime | None
    reopened_reason: str
    recused: bool

    @property
    def part_label(self) -> str:
        return ScoreSheet.Part(self.part).label

    @property
    def state_label(self) -> str:
        return ScoreSheet.State(self.state).label


@dataclass
class ScoringProgress:
    members: list[ProgressRow]
    candidates: list[ProgressRow]
    sheets: list[SheetState]
    missing: list[MissingSheet]
    recused: set[tuple[int, int]]  # (member id, application id)

    @property
    def total(self) -> int:
        return sum(1 for s in self.sheets if not s.recused)

    @property
    def done(self) -> int:
        return sum(1 for s in self.sheets if not s.recused and s.state != State.DRAFT)


def scoring_progress(committee: Committee) -> ScoringProgress:
    """Who has submitted what, per member and per candidate, in a fixed number of queries.

    A recusal counts once per part for the member and the candidate (whatever sheets it left behind), and the
    recused member's remaining sheets count as recused, not as submitted.
    """
    members = {
        m.pk: ProgressRow(pk=m.pk, name=m.expert.name)
        for m in committee.members.select_related("expert").order_by("expert__name", "pk")
    }
    candidates = {
        a.pk: ProgressRow(pk=a.pk, name=a.name)
        for a in committee_candidates(committee).order_by("pk").only("pk", "name")
    }
    recused = set(
        Recusal.objects.filter(member__committee=committee).values_list("member_id", "application_id")
    )
    for member_id, application_id in recused:
        for row in (members.get(member_id), candidates.get(application_id)):
            if row is not None:
                row.comprehensive.recused += 1
                row.onsite.recused += 1
    sheets = []
    rows = (
        ScoreSheet.objects.filter(member__committee=committee)
        .order_by("member__expert__name", "member_id", "application_id", "part")
        .values_list(
            "pk",
            "member_id",
            "member__expert__name",
            "application_id",
            "application__name",
            "part",
            "state",
            "submitted_at",
            "reopened_reason",
        )
    )
    for pk, member_id, expert, application_id, candidate, part, state, submitted_at, reopened in rows:
        is_recused = (member_id, application_id) in recused
        sheets.append(
            SheetState(
                pk=pk,
                member_id=member_id,
                expert=expert,
                application_id=application_id,
                candidate=candidate,
                part=part,
                state=state,
                submitted_at=submitted_at,
                reopened_reason=reopened,
                recused=is_recused,
            )
        )
        if is_recused:
            continue
        for row in (members.get(member_id), candidates.get(application_id)):
            if row is None:
                continue
            counts = row.part(part)
            if state == State.SUBMITTED:
                counts.submitted += 1
            elif state == State.ABSENT:
                counts.absent += 1
            else:
                counts.draft += 1
    missing = [
        MissingSheet(member_id=s.member_id, expert=s.expert, candidate=s.candidate, part=s.part_label)
        for s in sorted(sheets, key=lambda s: (s.expert, s.member_id, s.candidate, s.application_id, s.part))
        if s.state == State.DRAFT and not s.recused
    ]
    return ScoringProgress(
        members=list(members.values()),
        candidates=list(candidates.values()),
        sheets=sheets,
        missing=missing,
        recused=recused,
    )


@dataclass
class CandidateWork:
    """One of the expert's candidates in a round, with the state of their own two sheets."""

    application_id: int
    name: str
    enterprise: str
    occupation: str
    recused: bool
    recusal_kind: str
    comprehensive: ScoreSheet | None
    onsite: ScoreSheet | None

    @property
    def waiting(self) -> bool:
        return not self.recused and any(s is not None and s.state == State.DRAFT for s in self.sheets)

    @property
    def sheets(self) -> list[ScoreSheet | None]:
        return [self.comprehensive, self.onsite]


@dataclass
class RoundWork:
    committee: Committee
    member: CommitteeMember
    candidates: list[CandidateWork]

    @property
    def waiting(self) -> int:
        return sum(1 for c in self.candidates if c.waiting)


def _work(memberships: list[CommitteeMember]) -> list[RoundWork]:
    """The candidates and own sheets of each membership, in four queries whatever their number."""
    ids = [m.pk for m in memberships]
    assigned: dict[int, list[Application]] = {pk: [] for pk in ids}
    for assignment in (
        Assignment.objects.filter(member_id__in=ids)
        .select_related("application__enterprise")
        .only(
            "member_id",
            "application__name",
            "application__occupation",
            "application__enterprise__name",
        )
        .order_by("application_id")
    ):
        assigned[assignment.member_id].append(assignment.application)
    recusals = {
        (r.member_id, r.application_id): r.kind
        for r in Recusal.objects.filter(member_id__in=ids).only("member_id", "application_id", "kind")
    }
    sheets = {
        (s.member_id, s.application_id, s.part): s for s in ScoreSheet.objects.filter(member_id__in=ids)
    }
    kinds = dict(Recusal.Kind.choices)
    work = []
    for member in memberships:
        candidates = [
            CandidateWork(
                application_id=a.pk,
                name=a.name,
                enterprise=a.enterprise.name,
                occupation=a.occupation,
                recused=(member.pk, a.pk) in recusals,
                recusal_kind=kinds.get(recusals.get((member.pk, a.pk), ""), ""),
                comprehensive=sheets.get((member.pk, a.pk, Part.COMPREHENSIVE)),
                onsite=sheets.get((member.pk, a.pk, Part.ONSITE)),
            )
            for a in assigned[member.pk]
        ]
        work.append(RoundWork(committee=member.committee, member=member, candidates=candidates))
    return work


def _scoring_ids(user) -> set[int]:
    from chieftech.accounts.roles import authority_ids_for

    return authority_ids_for(user, "evaluation.score", "evaluation.chair_committee")


def my_rounds(user) -> list[RoundWork]:
    """Every committee the user sits on, with their candidates and own sheets: those scoring now first (where
    work may wait), then the newest round first."""
    memberships = list(
        CommitteeMember.objects.filter(
            expert__user_id=user.pk, committee__round__authority_id__in=_scoring_ids(user)
        )
        .select_related("committee__round", "committee__chair", "expert")
        .order_by("-committee__round__year", "-committee__round_id")
    )
    memberships.sort(key=lambda m: m.committee.state != CommitteeState.SCORING)
    return _work(memberships)


def my_sheets(user, round_: Round) -> list[CandidateWork]:
    """The user's candidates in one round with their own sheets (empty when not a member)."""
    memberships = list(
        CommitteeMember.objects.filter(
            expert__user_id=user.pk,
            committee__round_id=round_.pk,
            committee__round__authority_id__in=_scoring_ids(user),
        ).select_related("committee__round", "expert")
    )
    work = _work(memberships)
    return work[0].candidates if work else []
