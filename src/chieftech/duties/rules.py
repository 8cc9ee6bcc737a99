"""Named permissions of the management period's records (django-rules), asked about a term.

A holder's records are kept by the holder (their own login) or by a user of the enterprise the holder works for
now, and read by those and by the officer of the term's authority.
"""

import rules

from chieftech.accounts.roles import Role, holds_role
from chieftech.duties.models import RecordedAs
from chieftech.tenure.models import TenureStatus
from chieftech.tenure.rules import is_current_enterprise_user, is_the_holder

# --- The mentorship ledger and the duties log (第8条(五), 第15条) ------------------------------------------
# Asked about the term (`tenure.Tenure`), except `duties.activity_edit`, asked about the log entry.

# A term that ended, was not renewed or revoked keeps its records as they were when it closed.
LEDGER_OPEN_STATUSES = frozenset({TenureStatus.ACTIVE, TenureStatus.SUSPENDED})


@rules.predicate
def ledger_is_open(user, tenure) -> bool:
    return tenure is not None and tenure.status in LEDGER_OPEN_STATUSES


@rules.predicate
def is_keeper(user, tenure) -> bool:
    return is_the_holder(user, tenure) or is_current_enterprise_user(user, tenure)


@rules.predicate
def is_activity_keeper(user, activity) -> bool:
    """Whoever logged the entry, or (for an entry the enterprise logged) a user of that same enterprise while the
    holder still works there: a former employer's entries are the new one's to read, not to rewrite."""
    if activity is None:
        return False
    if not (ledger_is_open(user, activity.tenure) and is_keeper(user, activity.tenure)):
        return False
    if activity.logged_by_id == user.pk:
        return True
    return (
        activity.logged_as == RecordedAs.ENTERPRISE
        and user.enterprise_id is not None
        and activity.logged_by.enterprise_id == user.enterprise_id
    )


rules.add_perm("duties.ledger_view", is_keeper | holds_role(Role.OFFICER))
rules.add_perm("duties.ledger_edit", is_keeper & ledger_is_open)
rules.add_perm("duties.activity_edit", is_activity_keeper)
