"""The re-review's named permissions against every role and every state of the review."""

from datetime import timedelta

import pytest
from django.utils import timezone

import chieftech.review.rules  # noqa: F401  (declares the rules asked here)
from chieftech.tenure.models import AnnualReview
from tests.factories import make_annual_review

STATES = list(AnnualReview.State.values)
OPEN = {AnnualReview.State.PENDING, AnnualReview.State.RETURNED}
PARTIES = {"harry": True, "alice": True, "bob": False, "tina": False, "olivia": False, "walter": False}


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("who", list(PARTIES))
def test_material_is_kept_by_the_holder_and_the_current_enterprise_while_it_is_awaited(
    request, cohort, harry, tina, walter, state, who
):
    user = request.getfixturevalue(who)
    review = make_annual_review(cohort[0], state=state, deadline=timezone.localdate() + timedelta(days=1))

    assert (
        user.has_perm("review.material_edit", review),
        user.has_perm("review.material_view", review),
        user.has_perm("review.enterprise_opinion_edit", review),
    ) == (PARTIES[who] and state in OPEN, PARTIES[who], who == "alice")


@pytest.mark.parametrize("who", list(PARTIES))
def test_nobody_keeps_material_after_the_deadline(request, cohort, harry, tina, walter, who):
    review = make_annual_review(cohort[0], state="pending", deadline=timezone.localdate() - timedelta(days=1))

    assert request.getfixturevalue(who).has_perm("review.material_edit", review) is False


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("olivia", True),
        ("walter", False),
        ("alice", False),
        ("harry", False),
        ("gina", False),
        ("sam", False),
    ],
)
def test_only_the_rounds_authoritys_officer_opens_and_closes(request, cohort, harry, walter, who, allowed):
    user = request.getfixturevalue(who)
    round_ = cohort[0].application.round

    assert (
        user.has_perm("review.campaign_open", round_),
        user.has_perm("review.campaign_close", round_),
    ) == (
        allowed,
        allowed,
    )


@pytest.mark.parametrize(
    ("who", "allowed"),
    [("harry", True), ("alice", True), ("olivia", True), ("bob", False), ("walter", False)],
)
def test_the_form_is_downloaded_by_the_parties_and_the_authoritys_officer(
    request, cohort, harry, walter, who, allowed
):
    review = make_annual_review(cohort[0], state="submitted")

    assert request.getfixturevalue(who).has_perm("review.form_download", review) is allowed
