"""Named permissions of the subsidy (django-rules), asked by its domain functions about a batch or a format."""

import rules

from chieftech.accounts.roles import Role, holds_role

# --- bank
# The officer of the batch's authority writes the bank file, downloads it again and imports the bank's return;
# the approver, who approved the batch, never does. The system admin keeps the formats of every authority.
rules.add_perm("subsidy.bank_file_export", holds_role(Role.OFFICER))
rules.add_perm("subsidy.bank_format_manage", holds_role(Role.SYSADMIN))
# --- end bank
