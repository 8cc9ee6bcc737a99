"""Named permissions of the re-review (django-rules): asked about a selection round, a campaign or a review.

The officer of the authority opens a cohort's re-review and closes it; the holder (own term) or a user of the
enterprise the holder works for now keeps the material while the review waits for it (pending, or returned for
correction) and its deadline has not passed.
"""

import rules
from django.utils import timezone

from chieftech.accounts.roles import Role, holds_role
from chieftech.policy.calendar import end_of_day
from chieftech.tenure.models import AnnualReview
from chieftech.tenure.rules import is_current_enterprise_user, is_tenure_holder, is_the_holder

# --- Campaigns and material (review/domain/campaigns.py, material.py) ---------------------------------------
MATERIAL_OPEN_STATES = (AnnualReview.State.PENDING, AnnualReview.State.RETURNED)


@rules.predicate
def is_review_holder(user, review) -> bool:
    return review is not None and is_the_holder(user, review.tenure)


@rules.predicate
def is_review_enterprise_user(user, review) -> bool:
    return review is not None and is_current_enterprise_user(user, review.tenure)


@rules.predicate
def awaits_material(user, review) -> bool:
    return review is not None and review.state in MATERIAL_OPEN_STATES


@rules.predicate
def before_material_deadline(user, review) -> bool:
    # The deadline (or the correction's) ends at 24:00 Asia/Shanghai of its day.
    return (
        review is not None and review.deadline is not None and timezone.now() <= end_of_day(review.deadline)
    )


is_material_party = is_review_holder | is_review_enterprise_user

rules.add_perm("review.campaign_open", holds_role(Role.OFFICER))
rules.add_perm("review.campaign_view", holds_role(Role.OFFICER))
rules.add_perm("review.campaign_close", holds_role(Role.OFFICER))
rules.add_perm("review.material_view", is_material_party)
# Who may keep the material at all; the domain words the state's and the deadline's refusals itself.
rules.add_perm("review.material_party", is_material_party)
rules.add_perm("review.material_edit", is_material_party & awaits_material & before_material_deadline)
rules.add_perm("review.enterprise_opinion_edit", is_review_enterprise_user)
rules.add_perm("review.form_download", is_material_party | holds_role(Role.OFFICER))
# --- end of campaigns and material


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
