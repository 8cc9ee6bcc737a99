"""Named permissions of the subsidy (django-rules), asked about a batch, a line or the authority."""

import rules

from chieftech.accounts.roles import Role, holds_role

# --- views
# The budget is the officer's figure, entered for the officer's own authority (the payroll approver reads the
# page through subsidy.view_payroll, scoped to their authorities, but enters nothing).
rules.add_perm("subsidy.budget_set", holds_role(Role.OFFICER))
# --- end views
