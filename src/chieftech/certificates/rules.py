"""Named permissions of certificates (django-rules): asked about a tenure or round.

Certificates are issued with the government's approval (publicity.domain.approval.government_approve), so
issuing is the government approver's, for the authority of the round.
"""

import rules

from chieftech.accounts.roles import Role, holds_role

rules.add_perm("certificates.certificate_issue", holds_role(Role.GOVERNMENT))
