"""Named permissions of the management period's records (django-rules), asked about a term or a record."""

import rules

from chieftech.accounts.models import Enterprise
from chieftech.accounts.roles import Role, authority_of, has_role_in, holds_role
from chieftech.tenure.rules import is_current_enterprise_user, is_tenure_holder, is_the_holder

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
