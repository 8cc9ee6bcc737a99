"""Named permissions of the term (django-rules): asked about an application or tenure.

A term starts with the government's approval of the list (第十条（六）), so starting it is the government
approver's, for the authority of the round.
"""

import rules

from chieftech.accounts.roles import Role, holds_role

rules.add_perm("tenure.tenure_start", holds_role(Role.GOVERNMENT))
rules.add_perm("tenure.showcase_manage", holds_role(Role.OFFICER))
rules.add_perm("tenure.tenure_move", holds_role(Role.OFFICER))
# The officer of the term's authority invites its holder to their own account (tenure.domain.holders).
rules.add_perm("tenure.holder_invite", holds_role(Role.OFFICER))
