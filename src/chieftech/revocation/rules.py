"""Named permissions of a revocation case (django-rules), asked about a term or a case.

第十七条: the selection office (the officer) opens the case and makes the initial finding, the leadership
(区委人才工作领导小组) decides, the government approves. The holder states their case on their own term.
"""

import rules

from chieftech.accounts.roles import Role, holds_role
from chieftech.tenure.rules import is_tenure_holder, is_the_holder


@rules.predicate
def is_case_holder(user, case) -> bool:
    return case is not None and is_the_holder(user, case.tenure)


@rules.predicate
def is_not_the_cases_holder(user, case) -> bool:
    # A holder's login never acts on their own case in any role (roles are incompatible; this says it by name).
    return case is None or not is_tenure_holder(user, case.tenure)


rules.add_perm("revocation.case_open", holds_role(Role.OFFICER) & ~is_tenure_holder)
rules.add_perm("revocation.finding", holds_role(Role.OFFICER) & is_not_the_cases_holder)
rules.add_perm("revocation.leadership", holds_role(Role.LEADER) & is_not_the_cases_holder)
rules.add_perm("revocation.government", holds_role(Role.GOVERNMENT) & is_not_the_cases_holder)
rules.add_perm("revocation.statement", is_case_holder)
rules.add_perm("revocation.certificate_return", holds_role(Role.OFFICER) & is_not_the_cases_holder)
rules.add_perm("revocation.annulment_open", holds_role(Role.OFFICER) & is_not_the_cases_holder)
