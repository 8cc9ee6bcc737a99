"""Named permissions of the re-review (django-rules): asked about a tenure.AnnualReview."""

import rules

from chieftech.accounts.roles import Role, holds_role
from chieftech.tenure.rules import is_current_enterprise_user, is_tenure_holder

# --- The officer's decision (review.domain.decision) --------------------------------------------------------
# The officer of the term's authority decides a submitted review. Officers never submit material, and the
# holder's login or an enterprise's user holds no officer role (accounts.roles COMPATIBLE_ROLES); the rule
# still refuses them by name, so a future change of roles cannot let anyone decide their own title.


@rules.predicate
def is_submitted(user, review) -> bool:
    return review is not None and review.state == "submitted"


@rules.predicate
def is_party_of_term(user, review) -> bool:
    return review is not None and (
        is_tenure_holder(user, review.tenure) or is_current_enterprise_user(user, review.tenure)
    )


is_review_officer = holds_role(Role.OFFICER)
rules.add_perm("review.decide", is_review_officer & is_submitted & ~is_party_of_term)
# --- end of the officer's decision
