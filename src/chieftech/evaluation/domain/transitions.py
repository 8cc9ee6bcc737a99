"""The committee's and the score sheet's states: which may follow which, and the one function that moves each.

Every change of a committee's or a sheet's state goes through `committee_transition` or `sheet_transition`
(chieftech.audit.transitions: row locked, state re-checked, changed fields saved, one audit record). The
actions that lead to them (opening and closing scoring, confirming the list, the leadership sending it back,
submitting and reopening a sheet) keep their own rules and call these.
"""

from datetime import datetime

from django.utils import timezone

import chieftech.evaluation.rules  # noqa: F401  (declares the rules asked here)
from chieftech.audit.transitions import transition
from chieftech.core.errors import DomainError
from chieftech.core.permissions import require_perm
from chieftech.evaluation.models import Committee, CommitteeState, ScoreSheet

# The committee scores once; the leadership may send a confirmed list back, and the chair confirms a new one.
COMMITTEE_TRANSITIONS: dict[str, frozenset[str]] = {
    CommitteeState.FORMING: frozenset({CommitteeState.SCORING}),
    CommitteeState.SCORING: frozenset({CommitteeState.CLOSED}),
    CommitteeState.CLOSED: frozenset({CommitteeState.CONFIRMED}),
    CommitteeState.CONFIRMED: frozenset({CommitteeState.CLOSED}),
}
COMMITTEE_ACTIONS: dict[tuple[str, str], str] = {
    (CommitteeState.FORMING, CommitteeState.SCORING): "scoring.open",
    (CommitteeState.SCORING, CommitteeState.CLOSED): "scoring.close",
    (CommitteeState.CLOSED, CommitteeState.CONFIRMED): "committee.confirm",
    (CommitteeState.CONFIRMED, CommitteeState.CLOSED): "committee.return_by_leadership",
}

_SHEET = ScoreSheet.State
# A draft leaves the expert's hands submitted (or, on site, absent); only the chair sends it back as a draft.
SHEET_TRANSITIONS: dict[str, frozenset[str]] = {
    _SHEET.DRAFT: frozenset({_SHEET.SUBMITTED, _SHEET.ABSENT}),
    _SHEET.SUBMITTED: frozenset({_SHEET.DRAFT}),
    _SHEET.ABSENT: frozenset({_SHEET.DRAFT}),
}
SHEET_ACTIONS: dict[tuple[str, str], str] = {
    (_SHEET.DRAFT, _SHEET.SUBMITTED): "sheet.submit",
    # Absent on site is recorded like a submission: the sheet is done, without a value.
    (_SHEET.DRAFT, _SHEET.ABSENT): "sheet.submit",
    (_SHEET.SUBMITTED, _SHEET.DRAFT): "sheet.reopen",
    (_SHEET.ABSENT, _SHEET.DRAFT): "sheet.reopen",
}


def committee_transition(
    *,
    actor,
    committee: Committee,
    to_state: str,
    reason: str = "",
    now: datetime | None = None,
    after: dict | None = None,
) -> Committee:
    """The one way a committee changes state. Opening records `now` as the opening time; closing records
    it as the closing time and `reason` as the reason for closing early (empty when nothing was missing)."""
    now = now or timezone.now()

    def check(locked: Committee) -> None:
        sent_back = locked.state == CommitteeState.CONFIRMED and to_state == CommitteeState.CLOSED
        perm = "evaluation.committee_send_back" if sent_back else "evaluation.committee_move"
        require_perm(actor, perm, locked)

    def fields(locked: Committee) -> dict:
        # Decided on the locked row: a stale copy must not make a return to closed look like a close.
        if to_state == CommitteeState.CLOSED and locked.state == CommitteeState.SCORING:
            return {"scoring_closed_at": now, "close_reason": reason}
        return {"scoring_opened_at": now} if to_state == CommitteeState.SCORING else {}

    return transition(
        committee,
        to=to_state,
        table=COMMITTEE_TRANSITIONS,
        what="评审委员会",
        actor=actor,
        action=COMMITTEE_ACTIONS,
        reason=reason,
        check=check,
        changes=fields,
        after=after,
    )


def sheet_transition(
    *,
    actor,
    sheet: ScoreSheet,
    to_state: str,
    total=None,
    now: datetime | None = None,
    reason: str = "",
    after: dict | None = None,
) -> ScoreSheet:
    """The one way a score sheet changes state.

    Submitted: the sheet keeps its `total` and the submission time `now`. Absent (on-site sheets only): done
    without a value. Back to draft (the chair's 退回重评): the total and the submission time are cleared and
    `reason` kept on the sheet.
    """
    now = now or timezone.now()

    def check(locked: ScoreSheet) -> None:
        perm = "evaluation.sheet_reopen" if to_state == _SHEET.DRAFT else "evaluation.sheet_submit"
        require_perm(actor, perm, locked)
        if to_state == _SHEET.ABSENT and locked.part != ScoreSheet.Part.ONSITE:
            raise DomainError("只有现场技能考查评分表可以标记未到场。", code="invalid_transition")

    if to_state == _SHEET.SUBMITTED:
        changes = {"total": total, "submitted_at": now}
    elif to_state == _SHEET.ABSENT:
        changes = {"total": None, "submitted_at": None}
    else:
        changes = {"total": None, "submitted_at": None, "reopened_reason": reason}
    reopen = to_state == _SHEET.DRAFT
    return transition(
        sheet,
        to=to_state,
        table=SHEET_TRANSITIONS,
        what="评分表",
        actor=actor,
        action=SHEET_ACTIONS,
        reason=reason if reopen else "",
        check=check,
        changes=changes,
        before=(lambda s: {"total": s.total, "submitted_at": s.submitted_at}) if reopen else None,
        after=after if after is not None else ({} if reopen else {"part": sheet.part}),
    )
