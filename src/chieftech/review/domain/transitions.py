"""The states of one holder's re-review and the one function that moves them.

待报送材料 → 已报送待审 (the holder or the enterprise sends the material, before the deadline)
已报送待审 → 复核通过 / 复核未通过 (the officer's decision) or 退回补正 (with a reason and a new deadline)
退回补正 → 已报送待审 (corrected and sent again, before the correction's deadline)

Each step's own rules (who may, by when, what must be there) live in the function of that step
(chieftech.review.domain.material, .decision); every one of them ends here: row locked, state re-checked against
the table, changed fields saved, one audit record in the authority's chain.
"""

from collections.abc import Callable, Mapping
from typing import Any

from chieftech.audit.transitions import transition
from chieftech.tenure.models import AnnualReview

S = AnnualReview.State

ANNUAL_REVIEW_TRANSITIONS: dict[str, frozenset[str]] = {
    S.PENDING: frozenset({S.SUBMITTED}),
    S.SUBMITTED: frozenset({S.PASSED, S.FAILED, S.RETURNED}),
    S.RETURNED: frozenset({S.SUBMITTED}),
    S.PASSED: frozenset(),
    S.FAILED: frozenset(),
}
ANNUAL_REVIEW_ACTIONS: dict[str, str] = {
    S.SUBMITTED: "review.submit",
    S.RETURNED: "review.return",
    S.PASSED: "review.pass",
    S.FAILED: "review.fail",
}
AUDIT_FIELDS = ["review_year", "deadline", "returned_count"]


def annual_review_transition(
    *,
    actor,
    review: AnnualReview,
    to: str,
    reason: str = "",
    check: Callable[[AnnualReview], None] | None = None,
    changes: Mapping[str, Any] | Callable[[AnnualReview], Mapping[str, Any]] | None = None,
    after: Mapping[str, Any] | Callable[[AnnualReview], Mapping[str, Any]] | None = None,
) -> AnnualReview:
    """Move `review` to `to`; the caller has checked the actor's permission and passes its other rules as
    `check(locked)` (raise DomainError to refuse). Call inside the caller's transaction when more changes
    (the tenure's status on a failed review) must happen with it."""
    return transition(
        review,
        to=to,
        table=ANNUAL_REVIEW_TRANSITIONS,
        what="复核认定",
        actor=actor,
        action=ANNUAL_REVIEW_ACTIONS.get(to, "review.transition"),
        reason=reason,
        check=check,
        changes=changes,
        audit_fields=AUDIT_FIELDS,
        after=after,
    )
