"""Named permission checks that combine role and state (django-rules).

Object lookups go through applications_visible_to(user) first, so an outsider gets 404 before any of these is
asked; these decide which actions a user who may see the object may take (403 otherwise).
"""

import rules

from chieftech.accounts.roles import Role, holds_role
from chieftech.selection.models import EDITABLE_STATES, ApplicationState, RoundState


@rules.predicate
def is_enterprise_user(user) -> bool:
    return user.has_perm("selection.submit_application") and user.enterprise_id is not None


@rules.predicate
def is_own_enterprise(user, application) -> bool:
    return application is not None and user.enterprise_id == application.enterprise_id


@rules.predicate
def is_editable(user, application) -> bool:
    return application is not None and application.state in EDITABLE_STATES


@rules.predicate
def is_withdrawable(user, application) -> bool:
    return application is not None and application.state in (
        ApplicationState.DRAFT,
        ApplicationState.SUBMITTED,
        ApplicationState.RETURNED,
    )


@rules.predicate
def awaits_review(user, application) -> bool:
    return (
        application is not None
        and application.state == ApplicationState.SUBMITTED
        and application.round.state in (RoundState.OPEN, RoundState.REVIEW)
    )


rules.add_perm(
    "selection.view_application", holds_role(Role.OFFICER) | (is_enterprise_user & is_own_enterprise)
)
rules.add_perm("selection.edit_application", is_enterprise_user & is_own_enterprise & is_editable)
rules.add_perm("selection.withdraw_application", is_enterprise_user & is_own_enterprise & is_withdrawable)
rules.add_perm("selection.decide_application", holds_role(Role.OFFICER) & awaits_review)
# The domain's own guard: the officer of the application's authority; the stage is the domain's to refuse.
rules.add_perm("selection.application_review", holds_role(Role.OFFICER))

# Rounds: the officer of the round's authority creates (asked about the authority) and runs it. Who may move a
# round to a state is by the state: the chair's confirmed list opens the notice, the leadership's rejection
# sends the list back; every other move is the officer's.
rules.add_perm("selection.round_create", holds_role(Role.OFFICER))
rules.add_perm("selection.round_manage", holds_role(Role.OFFICER))
ROUND_MOVE_ROLE: dict[str, str] = {
    RoundState.OPEN: Role.OFFICER,
    RoundState.REVIEW: Role.OFFICER,
    RoundState.EVALUATION: Role.OFFICER,  # from review; from approval it is the leadership's rejection
    RoundState.NOTICE: Role.CHAIR,
    RoundState.APPROVAL: Role.OFFICER,
    RoundState.PUBLISHED: Role.OFFICER,
    RoundState.CANCELLED: Role.OFFICER,
}


def round_move_perm(round_, to_state: str) -> str:
    """The named permission a move of `round_` to `to_state` needs."""
    if to_state == RoundState.EVALUATION and round_.state == RoundState.APPROVAL:
        return "selection.round_send_back"
    return f"selection.round_move_by_{ROUND_MOVE_ROLE[to_state]}"


for _role in sorted(set(ROUND_MOVE_ROLE.values())):
    rules.add_perm(f"selection.round_move_by_{_role}", holds_role(_role))
rules.add_perm("selection.round_send_back", holds_role(Role.LEADER))


# Who moves an application, by the move's audit action (selection.domain.applications.APPLICATION_TRANSITIONS):
# its own enterprise submits and withdraws; the officer reviews and removes a candidate after an upheld
# objection; the chair's confirmed list proposes; the leadership approves with removals or sends the list back;
# the government approves.
rules.add_perm("selection.application_own", is_enterprise_user & is_own_enterprise)
rules.add_perm("selection.application_propose", holds_role(Role.CHAIR))
rules.add_perm("selection.application_leadership", holds_role(Role.LEADER))
rules.add_perm("selection.application_approve", holds_role(Role.GOVERNMENT))
APPLICATION_MOVE_PERM: dict[str, str] = {
    "application.submit": "selection.application_own",
    "application.resubmit": "selection.application_own",
    "application.withdraw": "selection.application_own",
    "application.qualify": "selection.application_review",
    "application.disqualify": "selection.application_review",
    "application.return": "selection.application_review",
    "application.fraud": "selection.application_review",
    "application.propose": "selection.application_propose",
    "application.not_propose": "selection.application_propose",
    "application.remove_after_objection": "selection.application_review",
    "application.approve": "selection.application_approve",
    "application.not_approve": "selection.application_leadership",
    "application.return_to_committee": "selection.application_leadership",
    "application.return_to_leadership": "selection.application_approve",
}


# The leadership (审定) and the government (批准) decide on the committee's record: once the round has reached
# their stage (and after it), those of the round's authority read the results, the committee record, the
# candidates' dossiers (personal data masked) and the objections with their findings. Reading only: no officer
# capability comes with it. Asked about a round.
ROUND_VIEW_MATERIALS = "selection.round_view_materials"
DECISION_STATES = (RoundState.APPROVAL, RoundState.PUBLISHED)


@rules.predicate
def round_at_decision(user, round_) -> bool:
    return round_ is not None and round_.state in DECISION_STATES


rules.add_perm(
    ROUND_VIEW_MATERIALS, (holds_role(Role.LEADER) | holds_role(Role.GOVERNMENT)) & round_at_decision
)
