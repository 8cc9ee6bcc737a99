"""Named permissions of the term (django-rules): asked about an application or tenure.

A term starts with the government's approval of the list (第十条（六）), so starting it is the government
approver's, for the authority of the round.
"""

import rules

from chieftech.accounts.models import Enterprise
from chieftech.accounts.roles import Role, authority_of, has_role_in, holds_role

rules.add_perm("tenure.tenure_start", holds_role(Role.GOVERNMENT))
rules.add_perm("tenure.showcase_manage", holds_role(Role.OFFICER))
rules.add_perm("tenure.tenure_move", holds_role(Role.OFFICER))
# 第十七条: the title is withdrawn only once the government approves the revocation (chieftech.revocation),
# never by the office alone.
rules.add_perm("tenure.tenure_revoke", holds_role(Role.GOVERNMENT))


# --- Status changes (第16条(一)) -------------------------------------------------------------------------
# A change is reported by a user of the enterprise the holder works for now (the open employment span, which is
# Tenure.enterprise) or by the holder through their own login; the officer of the term's authority confirms or
# returns it, and never one they reported themselves.


@rules.predicate
def is_current_enterprise_user(user, tenure) -> bool:
    # A suspended enterprise's account is closed for business (its home page says so), reports included; the
    # holder and the officer are left to record what became of its chief technicians.
    return (
        tenure is not None
        and user.enterprise_id is not None
        and user.enterprise_id == tenure.enterprise_id
        and has_role_in(user, Role.ENTERPRISE, authority_of(tenure))
        and user.enterprise.status == Enterprise.Status.ACTIVE
    )


@rules.predicate
def is_the_holder(user, tenure) -> bool:
    return (
        tenure is not None
        and tenure.user_id is not None
        and tenure.user_id == user.pk
        and has_role_in(user, Role.TECHNICIAN, authority_of(tenure))
    )


@rules.predicate
def is_reporting_party(user, change) -> bool:
    """The enterprise that reported (any of its users, while the holder still works there), or the holder."""
    if change is None:
        return False
    tenure = change.tenure
    if change.reported_as == "holder":
        return is_the_holder(user, tenure)
    return change.reporting_enterprise_id == tenure.enterprise_id and is_current_enterprise_user(user, tenure)


@rules.predicate
def is_returned(user, change) -> bool:
    return change is not None and change.state == "returned"


@rules.predicate
def is_open(user, change) -> bool:
    return change is not None and change.state in ("reported", "returned")


@rules.predicate
def is_not_reporter(user, change) -> bool:
    return change is not None and change.reported_by_id != user.pk


@rules.predicate
def is_tenure_holder(user, obj=None) -> bool:
    """The user is the chief technician the tenure (or the status change's or bank account's tenure) belongs to."""
    tenure = getattr(obj, "tenure", obj)
    return tenure is not None and tenure.user_id is not None and tenure.user_id == getattr(user, "pk", None)


rules.add_perm("tenure.status_report_as_enterprise", is_current_enterprise_user)
rules.add_perm("tenure.status_report_as_holder", is_the_holder)
rules.add_perm("tenure.status_report", is_current_enterprise_user | is_the_holder)
rules.add_perm("tenure.status_change_correct", is_reporting_party & is_returned)
rules.add_perm("tenure.status_change_withdraw", is_reporting_party & is_open)
# Never on their own term: the holder's login turned into an officer's (the technician role given up, so no
# conflict of roles is left to refuse it) is still the term's holder.
rules.add_perm("tenure.status_decide", holds_role(Role.OFFICER) & is_not_reporter & ~is_tenure_holder)
# The officer of the term's authority invites its holder to their own account (tenure.domain.holders).
rules.add_perm("tenure.holder_invite", holds_role(Role.OFFICER))


@rules.predicate
def may_reveal_personal_data(user, obj=None) -> bool:
    return user.has_perm("accounts.reveal_personal_data")


# The holder keeps their own account; the officer of the tenure's authority confirms it, never the holder.
rules.add_perm("tenure.bank_account_request", holds_role(Role.TECHNICIAN) & is_tenure_holder)
rules.add_perm("tenure.bank_account_decide", holds_role(Role.OFFICER) & ~is_tenure_holder)
rules.add_perm("tenure.bank_account_reveal", holds_role(Role.OFFICER) & may_reveal_personal_data)
