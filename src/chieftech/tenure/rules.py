"""Named permissions of the term (django-rules): asked about an application or tenure.

A term starts with the government's approval of the list (第十条（六）), so starting it is the government
approver's, for the authority of the round.
"""

import rules

from chieftech.accounts.roles import Role, holds_role

rules.add_perm("tenure.tenure_start", holds_role(Role.GOVERNMENT))
rules.add_perm("tenure.showcase_manage", holds_role(Role.OFFICER))
rules.add_perm("tenure.tenure_move", holds_role(Role.OFFICER))


@rules.predicate
def is_tenure_holder(user, obj=None) -> bool:
    """The user is the chief technician the tenure (or the bank account's tenure) belongs to."""
    tenure = getattr(obj, "tenure", obj)
    return tenure is not None and tenure.user_id is not None and tenure.user_id == getattr(user, "pk", None)


@rules.predicate
def may_reveal_personal_data(user, obj=None) -> bool:
    return user.has_perm("accounts.reveal_personal_data")


# The holder keeps their own account; the officer of the tenure's authority confirms it, never the holder.
rules.add_perm("tenure.bank_account_request", holds_role(Role.TECHNICIAN) & is_tenure_holder)
rules.add_perm("tenure.bank_account_decide", holds_role(Role.OFFICER) & ~is_tenure_holder)
rules.add_perm("tenure.bank_account_reveal", holds_role(Role.OFFICER) & may_reveal_personal_data)
