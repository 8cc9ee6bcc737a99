"""A round whose committee has confirmed its proposed list: the start of the public notice stage.

The proposed list is written with plain ORM rows and the states moved through the selection domain's
transition functions, so these tests do not depend on how the committee reached its list.
"""

from django.utils import timezone

from chieftech.evaluation.models import ProposedList
from chieftech.selection.domain.applications import application_transition
from chieftech.selection.domain.rounds import round_transition
from chieftech.selection.models import ApplicationState, RoundState
from tests.evaluation.factories import AFTER_DEADLINE, make_evaluation_round
from tests.factories import committee_chair


def make_notice_stage_round(officer, enterprise_users, *, n: int = 5, proposed: int | None = None, **fields):
    """A round in the notice stage: `n` qualified candidates, the first `proposed` (all by default) proposed."""
    round_, applications = make_evaluation_round(officer, enterprise_users, n=n, **fields)
    proposed = n if proposed is None else proposed
    plist = ProposedList.objects.create(
        round=round_, size=proposed, confirmed_by=officer, confirmed_at=timezone.now()
    )
    for i, application in enumerate(applications):
        to_state = ApplicationState.PROPOSED if i < proposed else ApplicationState.NOT_PROPOSED
        application_transition(
            actor=committee_chair(round_.authority),
            application=application,
            to_state=to_state,
            now=AFTER_DEADLINE,
        )
        application.refresh_from_db()
    plist.applications.set(applications[:proposed])
    round_transition(
        actor=committee_chair(round_.authority), round_=round_, to_state=RoundState.NOTICE, now=AFTER_DEADLINE
    )
    round_.refresh_from_db()
    return round_, applications[:proposed]
