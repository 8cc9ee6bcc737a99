"""Named permissions of the subsidy (django-rules): asked about a payroll batch.

Separation of duties on a batch (经办 → 复核 → 审批): the officer who built it submits it; a different officer
of its authority checks it or returns it; the approver holds the role its authority names
(Authority.payroll_approver_role: the payroll approver by default, the leadership or the government where the
authority says so) and was neither its builder nor its checker. Each rule also names the state the step starts
from, so a skipped or repeated step is refused before the transition table is asked.
"""

import rules

from chieftech.accounts.roles import Role, authority_ids_for, authority_of, has_role_in, holds_role
from chieftech.subsidy.models import PayrollBatchState
from chieftech.tenure.rules import is_the_holder

S = PayrollBatchState

is_officer = holds_role(Role.OFFICER)


@rules.predicate
def is_batch_approver(user, batch) -> bool:
    """The user holds, for the batch's authority, the role that authority names to approve its batches."""
    authority = authority_of(batch)
    return (
        authority is not None
        and bool(getattr(user, "is_authenticated", False))
        and has_role_in(user, authority.payroll_approver_role, authority)
    )


@rules.predicate
def is_builder(user, batch) -> bool:
    return batch is not None and batch.built_by_id == user.pk


@rules.predicate
def is_checker(user, batch) -> bool:
    return batch is not None and batch.checked_by_id is not None and batch.checked_by_id == user.pk


def state_in(*states: str):
    @rules.predicate(name=f"state_in_{'_'.join(states)}")
    def predicate(user, batch) -> bool:
        return batch is not None and batch.state in states

    return predicate


# States in which the batch has not reached the bank: it may still be cancelled.
BEFORE_EXPORT = (S.DRAFT, S.SUBMITTED, S.CHECKED, S.APPROVED)

# --- 经办, 复核, 审批 ---------------------------------------------------------------------------------------
rules.add_perm("subsidy.batch_view", is_officer | is_batch_approver)
rules.add_perm("subsidy.batch_submit", is_officer & is_builder & state_in(S.DRAFT))
rules.add_perm("subsidy.batch_check", is_officer & ~is_builder & state_in(S.SUBMITTED))
rules.add_perm("subsidy.batch_approve", is_batch_approver & ~is_builder & ~is_checker & state_in(S.CHECKED))
# Returned by whoever would take the next step: a second officer before the check, the approver after it.
rules.add_perm(
    "subsidy.batch_return",
    (is_officer & ~is_builder & state_in(S.SUBMITTED))
    | (is_batch_approver & ~is_builder & ~is_checker & state_in(S.CHECKED)),
)
rules.add_perm("subsidy.batch_cancel", is_officer & state_in(*BEFORE_EXPORT))


# --- build and recovery
# 经办: the officer of the batch's (or recovery's tenure's) authority, whose role carries run_payroll.


@rules.predicate
def can_run_payroll(user, obj=None) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.has_perm("subsidy.run_payroll")


rules.add_perm("subsidy.batch_build", holds_role(Role.OFFICER) & can_run_payroll)
rules.add_perm("subsidy.recovery_refund", holds_role(Role.OFFICER) & can_run_payroll)
# --- end of build and recovery


# --- bank
# The officer of the batch's authority writes the bank file, downloads it again and imports the bank's return;
# the approver, who approved the batch, never does. The system admin keeps the formats of every authority.
rules.add_perm("subsidy.bank_file_export", holds_role(Role.OFFICER))
rules.add_perm("subsidy.bank_format_manage", holds_role(Role.SYSADMIN))
# --- end bank


# --- documents -------------------------------------------------------------------------------------------
# The 发放表 is read by the officers of the batch's authority and by whoever approves its batches (the role the
# authority names, Authority.payroll_approver_role). The annual statement: the holder of their own term, the
# officer for any term of the authority. The withholding list holds full ID numbers: only those who may
# export the authority's bank files take it.


@rules.predicate
def exports_bank_files_of(user, obj) -> bool:
    authority = authority_of(obj)
    return authority is not None and authority.pk in authority_ids_for(user, "subsidy.export_bank_file")


rules.add_perm("subsidy.batch_sheet_download", holds_role(Role.OFFICER) | is_batch_approver)
rules.add_perm("subsidy.statement_download", is_the_holder | holds_role(Role.OFFICER))
rules.add_perm("subsidy.withholding_export", exports_bank_files_of)
# --- end documents


# --- views
# The budget is the officer's figure, entered for the officer's own authority (the payroll approver reads the
# page through subsidy.view_payroll, scoped to their authorities, but enters nothing).
rules.add_perm("subsidy.budget_set", holds_role(Role.OFFICER))
# --- end views
