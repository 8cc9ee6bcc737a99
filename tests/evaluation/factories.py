"""Factories for the evaluation stage: a round with qualified candidates and a committee ready to score.

Built through the selection domain functions; the committee rows are plain ORM rows (the committee's own
forming functions are tested on their own), then `committee_assignments_sync` adds assignments and
employer recusals exactly as the system does.
"""

from datetime import date, datetime

from chieftech.accounts.roles import Role
from chieftech.evaluation.domain.committee import committee_assignments_sync
from chieftech.evaluation.domain.scheme import scheme_default_create
from chieftech.evaluation.models import Committee, CommitteeMember, Expert
from chieftech.policy.models import Authority
from chieftech.selection.domain.review import review_decide
from chieftech.selection.domain.rounds import round_transition
from chieftech.selection.models import RoundState
from tests.factories import (
    IN_WINDOW,
    SHANGHAI,
    judged,
    make_application,
    make_id_number,
    make_round,
    make_user,
)

# After the default deadline (2026-12-15) and inside the review period.
AFTER_DEADLINE = datetime(2026, 12, 20, 10, 0, tzinfo=SHANGHAI)

CANDIDATE_NAMES = [
    "王建国",
    "李秀英",
    "张志强",
    "刘洋",
    "陈静怡",
    "杨光明",
    "赵海波",
    "孙丽华",
    "周大勇",
    "吴晓东",
]


def make_evaluation_round(
    officer, enterprise_users, *, n: int = 3, title: str = "2026年度环翠区首席技师选拔", **fields
):
    """A round in the evaluation stage with `n` qualified candidates, spread over `enterprise_users`.

    Candidate i is born in 1975 + 2·i (so the later ones are 45 or under on the reference date).
    """
    round_ = make_round(officer, title=title, **fields)
    applications = []
    for i in range(n):
        user = enterprise_users[i % len(enterprise_users)]
        application = make_application(
            user,
            round_,
            submit=True,
            name=CANDIDATE_NAMES[i % len(CANDIDATE_NAMES)] + ("" if i < len(CANDIDATE_NAMES) else str(i)),
            id_number=make_id_number(date(1975 + 2 * (i % 10), 3, 1 + i // 10), serial=100 + i),
        )
        review_decide(
            actor=officer,
            application=application,
            outcome="qualified",
            officer_verdicts=judged(application),
            now=IN_WINDOW,
        )
        application.refresh_from_db()
        applications.append(application)
    round_transition(actor=officer, round_=round_, to_state=RoundState.REVIEW, now=AFTER_DEADLINE)
    round_transition(actor=officer, round_=round_, to_state=RoundState.EVALUATION, now=AFTER_DEADLINE)
    round_.refresh_from_db()
    return round_, applications


def make_expert(
    name: str, *, user=None, employer_enterprise=None, field: str = "机械加工", authority=None
) -> Expert:
    """An entry of `authority`'s expert pool (default: Huancui)."""
    return Expert.objects.create(
        authority=authority or Authority.objects.get(code="huancui"),
        name=name,
        field=field,
        employer_enterprise=employer_enterprise,
        employer_name=employer_enterprise.name if employer_enterprise else "威海职业学院",
        title="正高级工程师",
        phone="13906310000",
        user=user,
    )


def make_expert_user(
    username: str, *, role: str = Role.EXPERT, employer_enterprise=None, real_name: str = ""
):
    """A login with the expert (or chair) role and its Expert pool entry."""
    user = make_user(username, role, real_name=real_name or username)
    expert = make_expert(real_name or username, user=user, employer_enterprise=employer_enterprise)
    return user, expert


def make_committee(round_, *, officer, chair: Expert, experts: list[Expert], sync: bool = True) -> Committee:
    """A forming committee of `chair` + `experts` with the default scheme; assignments synced."""
    committee = Committee.objects.create(
        round=round_, name=f"{round_.title}评审委员会", chair=chair, created_by=officer
    )
    for expert in [chair, *experts]:
        CommitteeMember.objects.create(committee=committee, expert=expert)
    scheme_default_create(round_=round_)
    if sync:
        committee_assignments_sync(committee=committee)
    return committee
