"""Named permissions of the management period's records (django-rules), asked about a term or a record.

A holder's records are kept by the holder (their own login) or by a user of the enterprise the holder works for
now, and read by those and by the officer of the term's authority.
"""

import rules

from chieftech.accounts.models import Enterprise
from chieftech.accounts.roles import Role, authority_of, has_role_in, holds_role
from chieftech.duties.models import RecordedAs
from chieftech.tenure.models import TenureStatus
from chieftech.tenure.rules import is_current_enterprise_user, is_tenure_holder, is_the_holder

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


# --- The employer's obligations (第13条), the departments' support and the liaison cadre (第14条) ---------
# The yearly record is kept by each enterprise that employed the holder in the year (a holder who moved
# within the district has two employers that year, each owing its own part); which years it may record is
# the domain's (duties.domain.obligations), since a rule sees the term and not the year.


@rules.predicate
def is_employer_user(user, tenure) -> bool:
    """A user of an active enterprise with an employment span of the term, former or current."""
    if tenure is None or user.enterprise_id is None:
        return False
    return (
        has_role_in(user, Role.ENTERPRISE, authority_of(tenure))
        and user.enterprise.status == Enterprise.Status.ACTIVE
        and tenure.employments.filter(enterprise_id=user.enterprise_id).exists()
    )


@rules.predicate
def is_support_recorder(user, record) -> bool:
    """Who recorded a support record, while they still act for it (the officer of the term's authority, or a
    user of the holder's current enterprise)."""
    if record is None or record.recorded_by_id != user.pk:
        return False
    tenure = record.tenure
    return has_role_in(user, Role.OFFICER, authority_of(tenure)) or is_current_enterprise_user(user, tenure)


@rules.predicate
def is_record_tenure_holder(user, record) -> bool:
    return record is not None and is_the_holder(user, record.tenure)


@rules.predicate
def is_record_tenure_officer(user, record) -> bool:
    return record is not None and has_role_in(user, Role.OFFICER, authority_of(record.tenure))


@rules.predicate
def is_record_current_enterprise_user(user, record) -> bool:
    return record is not None and is_current_enterprise_user(user, record.tenure)


rules.add_perm("duties.employer_record_edit", is_employer_user)
rules.add_perm("duties.employer_record_view", holds_role(Role.OFFICER) | is_employer_user)
rules.add_perm("duties.obligations_view", holds_role(Role.OFFICER))
rules.add_perm("duties.support_record_add", holds_role(Role.OFFICER) | is_current_enterprise_user)
rules.add_perm("duties.support_view", holds_role(Role.OFFICER) | is_current_enterprise_user | is_the_holder)
rules.add_perm("duties.support_record_remove", is_support_recorder)
rules.add_perm(
    "duties.support_file_download",
    is_record_tenure_officer | is_record_current_enterprise_user | is_record_tenure_holder,
)
# Never on their own term: a holder's login that became an officer's is still the term's holder.
rules.add_perm("duties.liaison_assign", holds_role(Role.OFFICER) & ~is_tenure_holder)
rules.add_perm("duties.liaison_contact_add", holds_role(Role.OFFICER) & ~is_tenure_holder)
rules.add_perm("duties.liaison_view", holds_role(Role.OFFICER))
