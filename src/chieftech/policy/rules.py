"""Named permissions of the policy app (django-rules): asked about an authority."""

import rules

from chieftech.accounts.roles import Role, holds_role

rules.add_perm("policy.version_register", holds_role(Role.SYSADMIN))
