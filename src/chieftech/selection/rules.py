"""Named permission checks that combine role and state (django-rules).

Object lookups go through applications_visible_to(user) first, so an outsider gets 404 before any of these is
asked; these decide which actions a user who may see the object may take (403 otherwise).
"""

import rules

from chieftech.selection.models import EDITABLE_STATES, ApplicationState, RoundState


@rules.predicate
def is_officer(user) -> bool:
    return user.has_perm("selection.review_application")


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


rules.add_perm("selection.view_application", is_officer | (is_enterprise_user & is_own_enterprise))
rules.add_perm("selection.edit_application", is_enterprise_user & is_own_enterprise & is_editable)
rules.add_perm("selection.withdraw_application", is_enterprise_user & is_own_enterprise & is_withdrawable)
rules.add_perm("selection.decide_application", is_officer & awaits_review)
