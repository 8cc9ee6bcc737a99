"""Scored committees for the results tests: submitted sheets written as plain ORM rows, so these tests do not
depend on how experts fill in their sheets. No tests here; the results, proposed-list and document tests use it.

The worked example (`make_worked_example`): three candidates, three members, no trimming (fewer than five
sheets), default scheme (comprehensive out of 100 weighted 60 %, on-site out of 100 weighted 40 %).

    candidate (enterprise)   克里斯（主任）  专家甲      专家乙 (employed by B)   comprehensive  on-site  composite
    王建国 (A)               80 / 70        90 / 80     85 / 90                  85.00          80.00    83.00
    李秀英 (B)               70 / 60        95 / 75     回避 (sheet 10 / 10)      82.50          67.50    76.50
    张志强 (A)               60 / 50        65 / 55     70 / 60                  65.00          55.00    61.00

Standard deviation of the comprehensive totals: √(50/3) = 4.08 for 王建国 and 张志强, 12.50 for 李秀英 (spread 25,
more than 15 points: flagged). The round's quota is 2: 王建国 and 李秀英 are proposed.
"""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from chieftech.evaluation.domain.results import results_compute
from chieftech.evaluation.models import (
    Committee,
    CommitteeMember,
    CommitteeState,
    Criterion,
    Score,
    ScoreSheet,
)
from tests.evaluation.factories import (
    AFTER_DEADLINE,
    make_committee,
    make_evaluation_round,
    make_expert,
    make_expert_user,
)

ABSENT = "absent"
CLOSED_AT = AFTER_DEADLINE + timedelta(days=10)


def split(total: Decimal, criteria: list[Criterion]) -> list[Decimal]:
    """Points per criterion adding up to `total`, each criterion filled to its maximum in order."""
    left, points = Decimal(total), []
    for criterion in criteria:
        given = min(left, criterion.max_points)
        points.append(given)
        left -= given
    assert left == 0, "total above the scheme's maximum"
    return points


def submit_sheet(member: CommitteeMember, application, part: str, value, *, at=AFTER_DEADLINE) -> ScoreSheet:
    """A submitted sheet (or an absent on-site one) with its Score rows and total."""
    if value == ABSENT:
        return ScoreSheet.objects.create(
            member=member, application=application, part=part, state=ScoreSheet.State.ABSENT, submitted_at=at
        )
    value = Decimal(value)
    sheet = ScoreSheet.objects.create(
        member=member,
        application=application,
        part=part,
        state=ScoreSheet.State.SUBMITTED,
        total=value,
        submitted_at=at,
    )
    if part == ScoreSheet.Part.COMPREHENSIVE:
        criteria = list(Criterion.objects.filter(scheme__round=application.round_id))
        Score.objects.bulk_create(
            Score(sheet=sheet, criterion=c, points=p)
            for c, p in zip(criteria, split(value, criteria), strict=True)
        )
    else:
        Score.objects.create(sheet=sheet, criterion=None, points=value)
    return sheet


@dataclass
class Scored:
    round: object
    committee: Committee
    applications: list
    members: dict  # expert name -> CommitteeMember
    users: dict  # expert name -> User


def make_scored_round(
    officer,
    enterprise_users,
    *,
    chair_user,
    scores: dict[str, list],
    n: int,
    employers: dict | None = None,
    close: bool = True,
    compute: bool = True,
    **round_fields,
) -> Scored:
    """`scores`: expert name → per candidate (comprehensive total, on-site value or ABSENT) or None (no sheet).
    The first name is the chair (`chair_user`'s expert); the others get their own expert logins."""
    employers = employers or {}
    round_, applications = make_evaluation_round(officer, enterprise_users, n=n, **round_fields)
    names = list(scores)
    chair = make_expert(names[0], user=chair_user, employer_enterprise=employers.get(names[0]))
    users, experts = {names[0]: chair_user}, []
    for i, name in enumerate(names[1:], start=1):
        user, expert = make_expert_user(f"expert{i}", real_name=name, employer_enterprise=employers.get(name))
        users[name] = user
        experts.append(expert)
    committee = make_committee(round_, officer=officer, chair=chair, experts=experts)
    committee.state = CommitteeState.SCORING
    committee.scoring_opened_at = AFTER_DEADLINE
    committee.save()
    members = {m.expert.name: m for m in committee.members.select_related("expert")}
    for name, per_candidate in scores.items():
        for application, pair in zip(applications, per_candidate, strict=True):
            if pair is None:
                continue
            comprehensive, onsite = pair
            if comprehensive is not None:
                submit_sheet(members[name], application, ScoreSheet.Part.COMPREHENSIVE, comprehensive)
            if onsite is not None:
                submit_sheet(members[name], application, ScoreSheet.Part.ONSITE, onsite)
    if close:
        committee.state = CommitteeState.CLOSED
        committee.scoring_closed_at = CLOSED_AT
        committee.save()
        if compute:
            results_compute(committee=committee, now=CLOSED_AT)
    round_.refresh_from_db()
    return Scored(round_, committee, applications, members, users)


WORKED_EXAMPLE = {
    "克里斯": [(80, 70), (70, 60), (60, 50)],
    "专家甲": [(90, 80), (95, 75), (65, 55)],
    "专家乙": [(85, 90), (10, 10), (70, 60)],
}


def make_worked_example(officer, alice, bob, chris, **kwargs) -> Scored:
    kwargs.setdefault("quota", 2)
    kwargs.setdefault("quota_reason", "本批次合格人数较少")
    return make_scored_round(
        officer,
        [alice, bob],
        chair_user=chris,
        scores=WORKED_EXAMPLE,
        n=3,
        employers={"专家乙": bob.enterprise},
        **kwargs,
    )
