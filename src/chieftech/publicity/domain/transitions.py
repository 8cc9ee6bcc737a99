"""The notice's and the objection's states: which may follow which, and the one function that moves each.

Every change of a notice's or an objection's state goes through `notice_transition` or `objection_transition`
(chieftech.audit.transitions: row locked, state re-checked, changed fields saved, one audit record). The
committee's state belongs to evaluation: publicity moves it only through evaluation's committee_transition.
"""

from datetime import datetime

from django.utils import timezone

import chieftech.publicity.rules  # noqa: F401  (declares the rules asked here)
from chieftech.audit.transitions import transition
from chieftech.core.errors import DomainError
from chieftech.core.permissions import require_perm
from chieftech.publicity.models import Notice, Objection

NOTICE_FIELDS = [
    "title",
    "body",
    "starts_on",
    "ends_on",
    "working_days",
    "state",
    "issued_by",
    "published_at",
]
OBJECTION_FIELDS = [
    "state",
    "investigation_notes",
    "finding_reason",
    "public_reply",
    "handled_by",
    "handled_at",
]

# A notice is prepared, published and closed once its period is over; a closed notice stays as the record.
NOTICE_TRANSITIONS: dict[str, frozenset[str]] = {
    Notice.State.DRAFT: frozenset({Notice.State.PUBLISHED}),
    Notice.State.PUBLISHED: frozenset({Notice.State.CLOSED}),
    Notice.State.CLOSED: frozenset(),
}
NOTICE_ACTIONS: dict[str, str] = {
    Notice.State.PUBLISHED: "notice.publish",
    Notice.State.CLOSED: "notice.close",
}

_OBJECTION = Objection.State
# Investigating → investigating records a further finding of the investigation; a finding is final.
OBJECTION_TRANSITIONS: dict[str, frozenset[str]] = {
    _OBJECTION.RECEIVED: frozenset({_OBJECTION.INVESTIGATING, _OBJECTION.UPHELD, _OBJECTION.NOT_UPHELD}),
    _OBJECTION.INVESTIGATING: frozenset({_OBJECTION.INVESTIGATING, _OBJECTION.UPHELD, _OBJECTION.NOT_UPHELD}),
    _OBJECTION.UPHELD: frozenset(),
    _OBJECTION.NOT_UPHELD: frozenset(),
}
OBJECTION_ACTIONS: dict[str, str] = {
    _OBJECTION.INVESTIGATING: "objection.investigate",
    _OBJECTION.UPHELD: "objection.uphold",
    _OBJECTION.NOT_UPHELD: "objection.dismiss",
}
FINDING_STATES = (_OBJECTION.UPHELD, _OBJECTION.NOT_UPHELD)


def notice_transition(
    *, actor, notice: Notice, to_state: str, now: datetime | None = None, after: dict | None = None
) -> Notice:
    """The one way a notice changes state; publishing records `now` as the publication time. The officer of
    the notice's authority makes every change."""
    require_perm(actor, "publicity.notice_manage", notice, "只有本机关的人社局经办人可以办理考察公示。")
    now = now or timezone.now()
    return transition(
        notice,
        to=to_state,
        table=NOTICE_TRANSITIONS,
        what="考察公示",
        actor=actor,
        action=NOTICE_ACTIONS.get(to_state, "notice.transition"),
        changes={"published_at": now} if to_state == Notice.State.PUBLISHED else None,
        audit_fields=NOTICE_FIELDS,
        after=after,
    )


def objection_transition(
    *,
    actor,
    objection: Objection,
    to_state: str,
    notes: str | None = None,
    reason: str = "",
    public_reply: str = "",
    now: datetime | None = None,
) -> Objection:
    """The one way an objection changes state, while its notice is not closed.

    Investigating records the `notes` so far; a finding (upheld or not) records its `reason` and the
    `public_reply` the objector reads with the receipt code, and `notes` when given. Either way the handler
    and the time are recorded. The officer of the objection's authority handles it.
    """
    require_perm(actor, "publicity.objection_handle", objection, "只有本机关的人社局经办人可以处理异议。")
    now = now or timezone.now()

    def check(locked: Objection) -> None:
        if locked.notice.state == Notice.State.CLOSED:
            raise DomainError("考察公示已经结束，不能再处理异议。", code="notice_closed")

    changes: dict = {"handled_by": actor, "handled_at": now}
    if to_state in FINDING_STATES:
        changes |= {"finding_reason": reason, "public_reply": public_reply}
    if notes is not None and notes.strip():
        changes["investigation_notes"] = notes.strip()
    return transition(
        objection,
        to=to_state,
        table=OBJECTION_TRANSITIONS,
        what="异议",
        actor=actor,
        action=OBJECTION_ACTIONS.get(to_state, "objection.transition"),
        reason=reason,
        queryset=Objection.objects.select_related("notice"),
        check=check,
        changes=changes,
        audit_fields=OBJECTION_FIELDS,
    )
