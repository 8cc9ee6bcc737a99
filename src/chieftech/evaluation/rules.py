"""Who may do what on a committee: named checks combining the role capability and the committee's rows.

Views look the round up first; a user who is not a member of its committee gets 404 before any action check,
a member who may not take the action 403.
"""

import rules

from chieftech.accounts.roles import Role, holds_role
from chieftech.evaluation.models import Assignment, Committee, CommitteeMember, Recusal

SCORE = "evaluation.score"
CHAIR_COMMITTEE = "evaluation.chair_committee"
MANAGE_COMMITTEE = "evaluation.manage_committee"


@rules.predicate
def is_member(user, committee: Committee) -> bool:
    """An expert with the scoring capability who holds a seat on this committee."""
    return (
        user.is_authenticated
        and user.has_perm(SCORE)
        and CommitteeMember.objects.filter(committee=committee, expert__user=user).exists()
    )


@rules.predicate
def is_chair(user, committee: Committee) -> bool:
    """The chair acting as chair: holds the chair capability and is this committee's chair."""
    return (
        user.is_authenticated
        and user.has_perm(CHAIR_COMMITTEE)
        and committee.chair.user_id is not None
        and committee.chair.user_id == user.pk
    )


def candidate_seat(user, committee: Committee, application) -> CommitteeMember | None:
    """The user's seat on the committee when they may open the candidate, else None."""
    if not user.is_authenticated or not user.has_perm(SCORE):
        return None
    member = (
        CommitteeMember.objects.select_related("expert")
        .filter(committee=committee, expert__user=user)
        .first()
    )
    if member is None:
        return None
    assigned = Assignment.objects.filter(member=member, application=application).exists()
    if not assigned or Recusal.objects.filter(member=member, application=application).exists():
        return None
    return member


def may_open_candidate(user, committee: Committee, application) -> bool:
    """A member assigned to score the candidate and not recused from it (employer or declared)."""
    return candidate_seat(user, committee, application) is not None


# The officer of the round's authority keeps the pool, forms the committee and sets the scheme (asked about
# the authority, an expert, a round, a committee or a scheme).
COMMITTEE_MANAGE = "evaluation.committee_manage"
NOT_THE_OFFICER = "只有本机关的人社局经办人可以管理评审专家和评审委员会。"
rules.add_perm(COMMITTEE_MANAGE, holds_role(Role.OFFICER))


# The committee's own moves (open and close scoring, confirm the list) are its chair's; sending a confirmed list
# back is the leadership's, for the round's authority. A sheet is submitted by its own expert and sent back to
# draft by the committee's chair.
@rules.predicate
def is_sheet_holder(user, sheet) -> bool:
    return user.is_authenticated and user.has_perm(SCORE) and sheet.member.expert.user_id == user.pk


@rules.predicate
def chairs_sheet_committee(user, sheet) -> bool:
    return is_chair(user, sheet.member.committee)


rules.add_perm("evaluation.committee_move", is_chair)
rules.add_perm("evaluation.committee_send_back", holds_role(Role.LEADER))
rules.add_perm("evaluation.sheet_submit", is_sheet_holder)
rules.add_perm("evaluation.sheet_reopen", chairs_sheet_committee)
