"""Enterprises, their self-registration on the portal, and user accounts with their roles.

Each function checks who may do it, validates and normalises its input (raising DomainError naming each bad
field, in Chinese, before anything is saved), changes the data and writes the audit record inside one
transaction. `actor=None` means the command line (the demo loader, an operator's shell); views always pass
the signed-in user.
"""

from chieftech.accounts.domain.activation import (
    ActivationLink,
    account_activate,
    account_activated,
    activation_link_resend,
    activation_user,
)
from chieftech.accounts.domain.enterprises import (
    ENTERPRISE_AUDIT_FIELDS,
    ENTERPRISE_TRANSITIONS,
    enterprise_create,
    enterprise_reactivate,
    enterprise_registration_approve,
    enterprise_registration_refuse,
    enterprise_registration_resubmit,
    enterprise_registration_submit,
    enterprise_suspend,
    enterprise_transition,
    enterprise_update,
)
from chieftech.accounts.domain.registration import enterprise_registration_request
from chieftech.accounts.domain.role_proposals import (
    role_proposal_approve,
    role_proposal_create,
    role_proposal_refuse,
)
from chieftech.accounts.domain.users import (
    USER_AUDIT_FIELDS,
    NewAccount,
    grantable_roles,
    phone_reveal,
    role_grant_add,
    role_grants_set,
    session_record,
    user_create,
    user_deactivate,
    user_password_change,
    user_set_roles,
    user_update,
)

__all__ = [
    "ENTERPRISE_AUDIT_FIELDS",
    "ENTERPRISE_TRANSITIONS",
    "USER_AUDIT_FIELDS",
    "ActivationLink",
    "NewAccount",
    "account_activate",
    "account_activated",
    "activation_link_resend",
    "activation_user",
    "enterprise_create",
    "enterprise_reactivate",
    "enterprise_registration_approve",
    "enterprise_registration_refuse",
    "enterprise_registration_request",
    "enterprise_registration_resubmit",
    "enterprise_registration_submit",
    "enterprise_suspend",
    "enterprise_transition",
    "enterprise_update",
    "grantable_roles",
    "phone_reveal",
    "role_grant_add",
    "role_grants_set",
    "role_proposal_approve",
    "role_proposal_create",
    "role_proposal_refuse",
    "session_record",
    "user_create",
    "user_deactivate",
    "user_password_change",
    "user_set_roles",
    "user_update",
]
