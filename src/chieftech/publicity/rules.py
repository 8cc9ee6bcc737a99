"""Named permissions of the notice and approval stages (django-rules): asked about a round, notice or
objection, each for the authority it belongs to."""

import rules

from chieftech.accounts.roles import Role, holds_role

rules.add_perm("publicity.notice_manage", holds_role(Role.OFFICER))
rules.add_perm("publicity.objection_handle", holds_role(Role.OFFICER))
rules.add_perm("publicity.leadership_decide", holds_role(Role.LEADER))
rules.add_perm("publicity.government_approve", holds_role(Role.GOVERNMENT))
rules.add_perm("publicity.roster_publish", holds_role(Role.OFFICER))
rules.add_perm("publicity.government_send_back", holds_role(Role.GOVERNMENT))
