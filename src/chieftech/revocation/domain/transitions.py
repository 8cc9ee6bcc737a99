"""The states of a revocation case and the one function that moves them (第十七条).

已立案 → 已初步认定 (the office's finding) → 领导小组审定同意 → 政府已批准; from each of the first three the case may
close (不予取消) with a reason, and the term is untouched. Each step's rules live in chieftech.revocation.domain.
cases; every step ends here: row locked, state re-checked against the table, changed fields saved, one audit
record in the authority's chain.
"""

from collections.abc import Callable, Mapping
from typing import Any

from chieftech.audit.transitions import transition
from chieftech.revocation.models import CaseKind, CaseState, RevocationCase

S = CaseState

REVOCATION_TRANSITIONS: dict[str, frozenset[str]] = {
    S.OPEN: frozenset({S.FOUND, S.CLOSED}),
    S.FOUND: frozenset({S.ENDORSED, S.CLOSED}),
    S.ENDORSED: frozenset({S.APPROVED, S.CLOSED}),
    S.APPROVED: frozenset(),
    S.CLOSED: frozenset(),
}
REVOCATION_ACTIONS: dict[tuple[str, str], str] = {
    (S.OPEN, S.FOUND): "revocation.finding",
    (S.OPEN, S.CLOSED): "revocation.dropped",
    (S.FOUND, S.ENDORSED): "revocation.endorsed",
    (S.FOUND, S.CLOSED): "revocation.leadership_rejected",
    (S.ENDORSED, S.APPROVED): "revocation.approved",
    (S.ENDORSED, S.CLOSED): "revocation.government_rejected",
}
# The same steps undoing an approved revocation (a case of kind annul) are recorded under their own names.
ANNULMENT_ACTIONS: dict[tuple[str, str], str] = {
    (S.OPEN, S.FOUND): "revocation.annulment_finding",
    (S.OPEN, S.CLOSED): "revocation.annulment_dropped",
    (S.FOUND, S.ENDORSED): "revocation.annulment_endorsed",
    (S.FOUND, S.CLOSED): "revocation.annulment_leadership_rejected",
    (S.ENDORSED, S.APPROVED): "revocation.annulment_approved",
    (S.ENDORSED, S.CLOSED): "revocation.annulment_government_rejected",
}
AUDIT_FIELDS = ["kind", "grounds", "effective_on", "government_document_number"]


def revocation_case_transition(
    *,
    actor,
    case: RevocationCase,
    to: str,
    reason: str = "",
    check: Callable[[RevocationCase], None] | None = None,
    changes: Mapping[str, Any] | Callable[[RevocationCase], Mapping[str, Any]] | None = None,
) -> RevocationCase:
    """Move `case` to `to`; the caller has checked the actor's permission and passes its other rules as
    `check(locked)`. Call inside the caller's transaction when the term changes with it."""
    return transition(
        case,
        to=to,
        table=REVOCATION_TRANSITIONS,
        what="取消资格案件",
        actor=actor,
        action=ANNULMENT_ACTIONS if case.kind == CaseKind.ANNUL else REVOCATION_ACTIONS,
        reason=reason,
        check=check,
        changes=changes,
        audit_fields=AUDIT_FIELDS,
    )
