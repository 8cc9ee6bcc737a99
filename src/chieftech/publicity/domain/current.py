"""A round's notices and leadership decisions: which one is current, which ones are history.

When the leadership rejects the list (审定不同意), the round goes back to the committee and, once a new list is
confirmed, through the notice stage again: a second notice runs and the leadership decides a second time. The
earlier records stay as they were, for the audit:

- a round has at most one notice not yet closed (database constraint). Its current notice is that one; once
  the round has gone on to approval, the notice that closed to get it there (the latest). While the round is
  back in evaluation or waits for its new notice, it has none: every closed notice is history.
- a rejection is recorded as superseded at once (the list it judged no longer stands), so the current decision
  is the one decision not superseded (database constraint), or none; the superseded ones are history.
"""

from django.db.models import Exists, OuterRef

from chieftech.publicity.models import LeadershipDecision, Notice
from chieftech.selection.models import Round, RoundState

# The stages a rejected list goes back through: a closed notice is not the round's current one there.
_BEFORE_APPROVAL = (RoundState.EVALUATION, RoundState.NOTICE)


def round_notices(round_: Round):
    """All the round's notices, latest first."""
    return Notice.objects.filter(round=round_).order_by("-pk")


def round_current_notice(round_: Round) -> Notice | None:
    """The notice of the round's current pass through the notice stage (see the module's text), or None."""
    latest = round_notices(round_).first()
    if latest is None:
        return None
    if latest.state == Notice.State.CLOSED and round_.state in _BEFORE_APPROVAL:
        return None
    return latest


def round_earlier_notices(round_: Round, current: Notice | None) -> list[Notice]:
    """The round's notices other than the current one, latest first: each closed, the record of a list the
    leadership sent back."""
    notices = round_notices(round_)
    if current is not None:
        notices = notices.exclude(pk=current.pk)
    return list(notices)


def round_current_decision(round_: Round) -> LeadershipDecision | None:
    """The leadership's decision the round rests on (approve, or approve with removals), or None."""
    return (
        LeadershipDecision.objects.filter(round=round_, superseded=False).select_related("decided_by").first()
    )


def round_earlier_decisions(round_: Round) -> list[LeadershipDecision]:
    """The decisions that sent the list back, latest first."""
    return list(
        LeadershipDecision.objects.filter(round=round_, superseded=True)
        .select_related("decided_by")
        .order_by("-decided_at", "-pk")
    )


def decision_current_exists(*outcomes: str) -> Exists:
    """For a Round queryset: the round has a current leadership decision (of one of `outcomes`, if given)."""
    decisions = LeadershipDecision.objects.filter(round=OuterRef("pk"), superseded=False)
    if outcomes:
        decisions = decisions.filter(outcome__in=outcomes)
    return Exists(decisions)
