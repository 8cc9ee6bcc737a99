"""Named permissions of the subsidy (django-rules), asked about a batch, a tenure or an authority."""

import rules

from chieftech.accounts.roles import Role, authority_ids_for, authority_of, has_role_in, holds_role

# --- documents -------------------------------------------------------------------------------------------
# The 发放表 is read by the officers of the batch's authority and by whoever approves its batches (the role the
# authority names, Authority.payroll_approver_role). The annual statement: the holder of their own term, the
# officer for any term of the authority. The withholding list holds full ID numbers: only those who may
# export the authority's bank files take it.


@rules.predicate
def is_payroll_approver_of(user, obj) -> bool:
    authority = authority_of(obj)
    return authority is not None and has_role_in(user, authority.payroll_approver_role, authority)


@rules.predicate
def is_own_term(user, tenure) -> bool:
    return (
        tenure is not None
        and tenure.user_id is not None
        and tenure.user_id == user.pk
        and has_role_in(user, Role.TECHNICIAN, authority_of(tenure))
    )


@rules.predicate
def exports_bank_files_of(user, obj) -> bool:
    authority = authority_of(obj)
    return authority is not None and authority.pk in authority_ids_for(user, "subsidy.export_bank_file")


rules.add_perm("subsidy.batch_sheet_download", holds_role(Role.OFFICER) | is_payroll_approver_of)
rules.add_perm("subsidy.statement_download", is_own_term | holds_role(Role.OFFICER))
rules.add_perm("subsidy.withholding_export", exports_bank_files_of)
# --- end documents
