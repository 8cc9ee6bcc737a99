"""The batch between its build and the bank: 经办 submits, a second officer checks (复核), the role the authority
names approves (审批); returned with a reason, or cancelled before export with its months released.

Named users: olivia builds (officer), oscar checks (a second officer of Huancui), april approves (payroll
approver), leo and gina (leadership, government) approve only where the authority names them, walter is an
officer of Weihai.
"""

import itertools
from decimal import Decimal

import pytest
import rules
from django.core.exceptions import PermissionDenied

from chieftech.accounts.roles import Role
from chieftech.audit.models import AuditRecord
from chieftech.core.errors import DomainError
from chieftech.core.models import Notification
from chieftech.policy.models import PayrollApproverRole
from chieftech.subsidy.domain import workflow
from chieftech.subsidy.models import PayrollBatch, PayrollBatchState, PayrollLine, PayrollMonth
from tests.factories import huancui, make_payroll_batch, make_tenure, make_user
from tests.subsidy.conftest import DEC, NOV

S = PayrollBatchState


def moved(batch: PayrollBatch, state: str, *, checker=None) -> PayrollBatch:
    """The batch put in `state` directly (test set-up for a step's starting point)."""
    fields = {"state": state}
    if state not in (S.DRAFT, S.SUBMITTED):
        fields["checked_by"] = checker
    PayrollBatch.objects.filter(pk=batch.pk).update(**fields)
    return PayrollBatch.objects.select_related("authority").get(pk=batch.pk)


def actions(batch: PayrollBatch) -> list[tuple[str, str]]:
    return list(
        AuditRecord.objects.filter(object_type="subsidy.payrollbatch", object_id=str(batch.pk))
        .order_by("pk")
        .values_list("action", "actor_username")
    )


def notified(subject_start: str) -> list[str]:
    return sorted(
        Notification.objects.filter(subject__startswith=subject_start).values_list(
            "user__username", flat=True
        )
    )


# --- The rules: every step against every state and every person ----------------------------------------

STEPS = list(workflow.STEP_FROM)
PEOPLE = ["olivia", "oscar", "april", "leo", "gina", "alice", "stranger", "walter", "wendy"]


@pytest.fixture
def people(olivia, oscar, april, leo, gina, alice, stranger, walter, wendy):
    return {u.username: u for u in (olivia, oscar, april, leo, gina, alice, stranger, walter, wendy)}


def _expected(step: str, state: str, who: str, approver: str = "april") -> bool:
    """olivia built the batch; oscar checked it once it is past 待复核."""
    officer = who in ("olivia", "oscar")
    if step == "submit":
        return who == "olivia" and state == S.DRAFT
    if step == "check":
        return who == "oscar" and state == S.SUBMITTED
    if step == "approve":
        return who == approver and state == S.CHECKED
    if step == "return":
        return (who == "oscar" and state == S.SUBMITTED) or (who == approver and state == S.CHECKED)
    return officer and state in (S.DRAFT, S.SUBMITTED, S.CHECKED, S.APPROVED)


def _unsaved(state: str, olivia, oscar, authority=None) -> PayrollBatch:
    checked = state not in (S.DRAFT, S.SUBMITTED)
    return PayrollBatch(
        authority=authority or huancui(),
        state=state,
        built_by=olivia,
        checked_by=oscar if checked else None,
        period_start=DEC,
        period_end=DEC,
    )


@pytest.mark.parametrize("step", STEPS)
def test_each_step_is_allowed_to_exactly_its_person_in_exactly_its_states(step, people):
    table = {}
    for state, who in itertools.product(S.values, PEOPLE):
        obj = _unsaved(state, people["olivia"], people["oscar"])
        table[(state, who)] = rules.has_perm(f"subsidy.batch_{step}", people[who], obj)
    assert table == {(state, who): _expected(step, state, who) for state, who in table}


@pytest.mark.parametrize(
    ("role", "approver"), [(PayrollApproverRole.LEADER, "leo"), (PayrollApproverRole.GOVERNMENT, "gina")]
)
def test_the_authority_names_who_approves(role, approver, people):
    authority = huancui()
    authority.payroll_approver_role = role
    for step in ("approve", "return"):
        table = {
            (state, who): rules.has_perm(
                f"subsidy.batch_{step}",
                people[who],
                _unsaved(state, people["olivia"], people["oscar"], authority=authority),
            )
            for state, who in itertools.product(S.values, PEOPLE)
        }
        assert table == {(s, w): _expected(step, s, w, approver=approver) for s, w in table}


def test_an_officer_of_the_authority_and_its_named_approver_see_the_batch_and_no_one_else(people):
    obj = _unsaved(S.SUBMITTED, people["olivia"], people["oscar"])
    assert {who: rules.has_perm("subsidy.batch_view", people[who], obj) for who in PEOPLE} == {
        who: who in ("olivia", "oscar", "april") for who in PEOPLE
    }


@pytest.mark.parametrize(("step", "state"), list(itertools.product(STEPS, S.values)))
def test_each_domain_step_from_each_state_moves_or_refuses_saying_why(
    step, state, batch, olivia, oscar, april
):
    """The person the step is for, on a real batch in `state`: it moves from its own states only."""
    start = moved(batch, state, checker=oscar)
    actor = {"submit": olivia, "check": oscar, "approve": april, "cancel": olivia}.get(step)
    if step == "return":
        actor = april if state == S.CHECKED else oscar
    call = {
        "submit": lambda: workflow.payroll_batch_submit(actor=actor, batch=start),
        "check": lambda: workflow.payroll_batch_check(actor=actor, batch=start),
        "approve": lambda: workflow.payroll_batch_approve(actor=actor, batch=start),
        "return": lambda: workflow.payroll_batch_return(actor=actor, batch=start, reason="金额有误"),
        "cancel": lambda: workflow.payroll_batch_cancel(actor=actor, batch=start, reason="所属期有误"),
    }[step]
    target = {"submit": S.SUBMITTED, "check": S.CHECKED, "approve": S.APPROVED, "return": S.DRAFT}.get(
        step, S.CANCELLED
    )
    if state in workflow.STEP_FROM[step]:
        assert call().state == target
        assert PayrollBatch.objects.get(pk=batch.pk).state == target
    else:
        with pytest.raises(PermissionDenied) as refused:
            call()
        label = S(state).label
        assert str(refused.value) == f"津贴发放表当前为“{label}”，不能{workflow.STEP_LABEL[step]}。"
        assert PayrollBatch.objects.get(pk=batch.pk).state == state


# --- The path ------------------------------------------------------------------------------------------


def test_submitted_checked_and_approved_by_three_people_signed_audited_and_announced(
    batch, olivia, oscar, april
):
    make_user("olga", Role.OFFICER, real_name="奥尔加")

    workflow.payroll_batch_submit(actor=olivia, batch=batch)
    assert notified("津贴发放表待复核") == ["olga", "oscar"]
    workflow.payroll_batch_check(actor=oscar, batch=batch)
    assert notified("津贴发放表待审批") == ["april"]
    workflow.payroll_batch_approve(actor=april, batch=batch)
    assert notified("津贴发放表已审批") == ["olga", "olivia", "oscar"]

    batch.refresh_from_db()
    assert (batch.state, batch.built_by, batch.checked_by, batch.approved_by) == (
        S.APPROVED,
        olivia,
        oscar,
        april,
    )
    assert None not in (batch.submitted_at, batch.checked_at, batch.approved_at)
    assert actions(batch) == [
        ("payroll.submit", "olivia"),
        ("payroll.check", "oscar"),
        ("payroll.approve", "april"),
    ]


def test_a_batch_with_no_payable_line_cannot_be_submitted(olivia, alice, gina):
    no_account = make_tenure(alice, gina, officer=olivia, name="孙晓梅")
    held = make_payroll_batch(olivia, period=DEC, lines=[(no_account, [DEC])])
    assert held.held_count == 1

    with pytest.raises(DomainError) as refused:
        workflow.payroll_batch_submit(actor=olivia, batch=held)

    assert (refused.value.message, refused.value.code) == (
        "本发放表没有可发放的明细，不能提交复核。",
        "no_payable_line",
    )
    assert (PayrollBatch.objects.get(pk=held.pk).state, actions(held)) == (S.DRAFT, [])


def test_a_returned_batch_goes_back_to_its_builder_with_the_reason_and_its_check_undone(
    batch, olivia, oscar, april
):
    checked = moved(batch, S.CHECKED, checker=oscar)

    workflow.payroll_batch_return(actor=april, batch=checked, reason="  第2行账户待核实  ")

    batch.refresh_from_db()
    assert (batch.state, batch.return_reason, batch.checked_by, batch.checked_at, batch.submitted_at) == (
        S.DRAFT,
        "第2行账户待核实",
        None,
        None,
        None,
    )
    assert notified("津贴发放表已退回") == ["olivia"]
    record = AuditRecord.objects.get(action="payroll.return")
    assert (record.actor_username, record.reason) == ("april", "第2行账户待核实")


@pytest.mark.parametrize("step", ["return", "cancel"])
def test_return_and_cancel_need_a_reason_at_its_field(step, batch, olivia, oscar):
    submitted = moved(batch, S.SUBMITTED)
    function = workflow.payroll_batch_return if step == "return" else workflow.payroll_batch_cancel

    with pytest.raises(DomainError) as refused:
        function(actor=oscar, batch=submitted, reason="   ")

    assert (refused.value.field, refused.value.code) == ("reason", "reason_required")
    assert PayrollBatch.objects.get(pk=batch.pk).state == S.SUBMITTED


def test_cancelling_cancels_every_line_and_releases_its_months_for_another_batch(
    batch, olivia, oscar, tenures, alice, gina
):
    no_account = make_tenure(alice, gina, round_=tenures[0].application.round, name="孙晓梅")
    with_held = make_payroll_batch(olivia, period=NOV, lines=[(tenures[0], [NOV]), (no_account, [NOV])])

    workflow.payroll_batch_cancel(actor=oscar, batch=with_held, reason="所属期有误，重新编制")

    assert sorted(PayrollLine.objects.filter(batch=with_held).values_list("state", flat=True)) == [
        "cancelled",
        "cancelled",
    ]
    assert list(PayrollMonth.objects.filter(line__batch=with_held).values_list("live", flat=True)) == [
        False,
        False,
    ]
    again = make_payroll_batch(olivia, period=NOV, lines=[(tenures[0], [NOV])])
    assert (again.line_count, again.net_total) == (1, Decimal("500.00"))
    record = AuditRecord.objects.get(action="payroll.cancel")
    assert (record.reason, record.after["lines_cancelled"], record.after["state"]) == (
        "所属期有误，重新编制",
        2,
        "cancelled",
    )
    assert PayrollBatch.objects.get(pk=with_held.pk).cancel_reason == "所属期有误，重新编制"


def test_a_checker_who_became_the_batchs_builder_meanwhile_is_refused_on_the_locked_row(batch, olivia, oscar):
    """The page was loaded while olivia was the builder; the rebuild made oscar the builder since."""
    submitted = moved(batch, S.SUBMITTED)
    PayrollBatch.objects.filter(pk=batch.pk).update(built_by=oscar)

    with pytest.raises(DomainError) as refused:
        workflow.payroll_batch_check(actor=oscar, batch=submitted)

    assert refused.value.message == "复核人不能是本发放表的经办人。"
    assert PayrollBatch.objects.get(pk=batch.pk).state == S.SUBMITTED


def test_the_leadership_approves_where_the_authority_names_it_and_is_notified(
    batch, olivia, oscar, april, leo
):
    huancui_ = huancui()
    huancui_.payroll_approver_role = PayrollApproverRole.LEADER
    huancui_.save(update_fields=["payroll_approver_role"])
    submitted = moved(batch, S.SUBMITTED)

    workflow.payroll_batch_check(actor=oscar, batch=submitted)
    assert notified("津贴发放表待审批") == ["leo"]
    with pytest.raises(PermissionDenied) as refused:
        workflow.payroll_batch_approve(actor=april, batch=PayrollBatch.objects.get(pk=batch.pk))
    assert str(refused.value) == "只有本机关的“区委人才工作领导小组”可以审批津贴发放表。"

    approved = workflow.payroll_batch_approve(actor=leo, batch=PayrollBatch.objects.get(pk=batch.pk))
    assert (approved.state, approved.approved_by) == (S.APPROVED, leo)


def test_what_awaits_each_person(batch, olivia, oscar, april, tenures):
    other = make_payroll_batch(oscar, period=NOV, lines=[(tenures[2], [NOV])])
    moved(batch, S.SUBMITTED)
    moved(other, S.CHECKED, checker=olivia)

    awaiting = {
        who.username: sorted(workflow.payroll_batches_awaiting(who).values_list("number", flat=True))
        for who in (olivia, oscar, april)
    }
    assert awaiting == {"olivia": [], "oscar": [batch.number], "april": [other.number]}


@pytest.mark.parametrize("step", STEPS)
@pytest.mark.parametrize("who", ["stranger", "alice", None])
def test_each_step_refuses_an_actor_without_a_role_and_changes_nothing(step, who, request, batch, oscar):
    start = moved(batch, workflow.STEP_FROM[step][-1], checker=oscar)
    actor = request.getfixturevalue(who) if who else None
    reason = {"reason": "理由"} if step in ("return", "cancel") else {}

    with pytest.raises(PermissionDenied):
        getattr(workflow, f"payroll_batch_{step}")(actor=actor, batch=start, **reason)

    assert (PayrollBatch.objects.get(pk=batch.pk).state, actions(batch)) == (start.state, [])
