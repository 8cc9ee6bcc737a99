"""Named permissions of the subsidy (django-rules): asked about an authority, a batch or a recovery."""

import rules

from chieftech.accounts.roles import Role, holds_role

# --- build and recovery ----------------------------------------------------------------------------------
# 经办: the officer of the batch's (or recovery's tenure's) authority, whose role carries run_payroll.


@rules.predicate
def can_run_payroll(user, obj=None) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.has_perm("subsidy.run_payroll")


rules.add_perm("subsidy.batch_build", holds_role(Role.OFFICER) & can_run_payroll)
rules.add_perm("subsidy.recovery_refund", holds_role(Role.OFFICER) & can_run_payroll)
# --- end of build and recovery
