# ruff: noqa: F811  (the fixtures imported from tests/subsidy/conftest.py are the tests' parameters)
"""Insiders on a payroll batch's 复核 and 审批: the builder checking their own batch, the checker approving it, an
approver of another authority, an officer approving, a holder or an enterprise user posting to each step,
steps skipped or taken twice, a POST replayed, a batch cancelled after the bank has its file.

Named users as in tests/subsidy/conftest.py: olivia builds, oscar checks, april approves; walter and wendy are
Weihai's officer and payroll approver.
"""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from chieftech.accounts.roles import Role
from chieftech.audit.models import AuditRecord
from chieftech.subsidy.domain import workflow
from chieftech.subsidy.models import PayrollBatch, PayrollBatchState, PayrollMonth
from chieftech.tenure.models import Tenure
from tests.factories import form_token_of, make_user
from tests.subsidy.conftest import april, batch, oscar, tenures, walter, weihai, wendy  # noqa: F401  (fixtures)
from tests.subsidy.test_workflow import moved

S = PayrollBatchState
STEPS = ["submit", "check", "approve", "return", "cancel"]
REASONS = {"return-reason": "理由", "cancel-reason": "理由"}


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def post(user, step: str, batch: PayrollBatch, **data):
    return logged_in(user).post(
        reverse(f"subsidy:batch_{step}", args=[batch.pk]), {**REASONS, "confirmed": "yes", **data}
    )


def state_of(batch: PayrollBatch) -> str:
    return PayrollBatch.objects.get(pk=batch.pk).state


def audited(action: str) -> int:
    return AuditRecord.objects.filter(action=action).count()


def test_the_builder_cannot_check_their_own_batch(batch, olivia):
    submitted = moved(batch, S.SUBMITTED)

    response = post(olivia, "check", submitted)

    assert (response.status_code, response.context["message"]) == (403, "复核人不能是本发放表的经办人。")
    with pytest.raises(PermissionDenied) as refused:
        workflow.payroll_batch_check(actor=olivia, batch=submitted)
    assert str(refused.value) == "复核人不能是本发放表的经办人。"
    assert (state_of(batch), audited("payroll.check")) == (S.SUBMITTED, 0)


def test_the_checker_cannot_approve_even_holding_the_approver_role_by_a_grant_made_behind_the_role_table(
    batch, olivia
):
    """Officer and payroll approver are incompatible roles; a grant written straight into the table (an insider
    with database access) still meets the rule that the approver is not the checker."""
    both = make_user("oskar", Role.OFFICER, Role.PAYROLL_APPROVER, real_name="双岗")
    submitted = moved(batch, S.SUBMITTED)
    workflow.payroll_batch_check(actor=both, batch=submitted)

    response = post(both, "approve", batch)

    assert (response.status_code, response.context["message"]) == (403, "审批人不能是本发放表的复核人。")
    with pytest.raises(PermissionDenied):
        workflow.payroll_batch_approve(actor=both, batch=PayrollBatch.objects.get(pk=batch.pk))
    assert (state_of(batch), audited("payroll.approve")) == (S.CHECKED, 0)


def test_another_authoritys_approver_gets_404_and_the_function_refuses(batch, oscar, wendy):
    checked = moved(batch, S.CHECKED, checker=oscar)

    assert post(wendy, "approve", checked).status_code == 404
    with pytest.raises(PermissionDenied) as refused:
        workflow.payroll_batch_approve(actor=wendy, batch=checked)
    assert str(refused.value) == "只有本机关的“津贴发放审批人”可以审批津贴发放表。"
    assert state_of(batch) == S.CHECKED


def test_another_authoritys_officer_can_take_no_step(batch, walter):
    for state, step in (
        (S.DRAFT, "submit"),
        (S.SUBMITTED, "check"),
        (S.SUBMITTED, "return"),
        (S.DRAFT, "cancel"),
    ):
        start = moved(batch, state)
        assert post(walter, step, start).status_code == 404
        with pytest.raises(PermissionDenied):
            getattr(workflow, f"payroll_batch_{step}")(actor=walter, batch=start, **_reason(step))
        assert state_of(batch) == state


def test_an_officer_cannot_approve(batch, olivia, oscar):
    checked = moved(batch, S.CHECKED, checker=oscar)
    make_user("olga", Role.OFFICER)

    for officer in (olivia, oscar):
        assert post(officer, "approve", checked).status_code == 403
        with pytest.raises(PermissionDenied):
            workflow.payroll_batch_approve(actor=officer, batch=checked)
    assert (state_of(batch), audited("payroll.approve")) == (S.CHECKED, 0)


@pytest.fixture
def holder(tenures):
    user = make_user("tech1", Role.TECHNICIAN, real_name="张海峰")
    Tenure.objects.filter(pk=tenures[0].pk).update(user=user)
    return user


@pytest.mark.parametrize("step", STEPS)
@pytest.mark.parametrize("who", ["holder", "alice"])
def test_a_holder_or_an_enterprise_user_posting_to_a_step_is_refused(step, who, batch, holder, alice):
    """The holder is on the batch and alice's enterprise employs both paid holders: neither takes a step."""
    start = moved(batch, workflow.STEP_FROM[step][0])
    user = holder if who == "holder" else alice

    assert post(user, step, start).status_code == 403
    assert logged_in(user).get(reverse("subsidy:batch_detail", args=[batch.pk])).status_code == 403
    assert state_of(batch) == start.state


@pytest.mark.parametrize(
    ("step", "state", "who"),
    [
        ("approve", S.DRAFT, "april"),
        ("approve", S.SUBMITTED, "april"),
        ("check", S.DRAFT, "oscar"),
        ("check", S.CHECKED, "oscar"),
        ("submit", S.SUBMITTED, "olivia"),
        ("return", S.DRAFT, "oscar"),
        ("return", S.APPROVED, "april"),
    ],
)
def test_a_skipped_or_repeated_step_is_refused_saying_where_the_batch_stands(
    step, state, who, batch, olivia, oscar, april
):
    start = moved(batch, state, checker=oscar if state != S.CHECKED else olivia)
    user = {"olivia": olivia, "oscar": oscar, "april": april}[who]

    response = post(user, step, start)

    label = {"approve": "审批", "check": "复核", "submit": "提交复核", "return": "退回"}[step]
    assert (response.status_code, response.context["message"]) == (
        403,
        f"津贴发放表当前为“{S(state).label}”，不能{label}。",
    )
    assert state_of(batch) == state


def test_checking_twice_checks_once(batch, olivia, oscar):
    workflow.payroll_batch_submit(actor=olivia, batch=batch)
    workflow.payroll_batch_check(actor=oscar, batch=batch)

    with pytest.raises(PermissionDenied):
        workflow.payroll_batch_check(actor=oscar, batch=batch)

    assert audited("payroll.check") == 1


def test_a_replayed_approval_post_approves_once(batch, oscar, april):
    moved(batch, S.CHECKED, checker=oscar)
    client = logged_in(april)
    page = client.get(reverse("subsidy:batch_detail", args=[batch.pk]))
    data = {"confirmed": "yes", "form_token": form_token_of(page, "batch-approve-form")}
    url = reverse("subsidy:batch_approve", args=[batch.pk])

    first = client.post(url, data)
    second = client.post(url, data)

    assert (first.status_code, first["Location"]) == (302, reverse("subsidy:batch_detail", args=[batch.pk]))
    assert (second.status_code, second["Location"]) == (302, first["Location"])
    assert (state_of(batch), audited("payroll.approve")) == (S.APPROVED, 1)


def test_a_batch_the_bank_has_cannot_be_cancelled_and_keeps_its_months(batch, olivia, oscar):
    for state in (S.EXPORTED, S.COMPLETED):
        exported = moved(batch, state, checker=oscar)

        response = post(olivia, "cancel", exported)

        assert (response.status_code, response.context["message"]) == (
            403,
            f"津贴发放表当前为“{S(state).label}”，不能作废。",
        )
        with pytest.raises(PermissionDenied):
            workflow.payroll_batch_cancel(actor=olivia, batch=exported, reason="误操作")
        assert state_of(batch) == state
    assert list(PayrollMonth.objects.filter(line__batch=batch).values_list("live", flat=True)) == [True, True]
    assert audited("payroll.cancel") == 0


def _reason(step: str) -> dict:
    return {"reason": "理由"} if step in ("return", "cancel") else {}
