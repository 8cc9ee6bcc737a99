"""Named permissions of the policy app (django-rules): asked about an authority."""

import rules

from chieftech.accounts.roles import Role, has_role, holds_role

rules.add_perm("policy.version_register", holds_role(Role.SYSADMIN))


@rules.predicate
def is_system_admin(user) -> bool:
    """The holiday calendar serves every authority: the installation's system admin keeps it."""
    return bool(getattr(user, "is_authenticated", False)) and has_role(user, Role.SYSADMIN)


rules.add_perm("policy.calendar_save", is_system_admin)
