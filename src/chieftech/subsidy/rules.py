"""Named permissions of the subsidy (django-rules), asked about a batch, a line or the authority."""

import rules

from chieftech.accounts.roles import Role, holds_role

# --- views
# The budget is the officer's figure, entered for the officer's own authority; the payroll approver reads it
# beside the officer (the page shows what the approver's batches spend against it).
rules.add_perm("subsidy.budget_set", holds_role(Role.OFFICER))
rules.add_perm("subsidy.budget_view", holds_role(Role.OFFICER) | holds_role(Role.PAYROLL_APPROVER))
# --- end views
