"""追回: months already paid that a later-confirmed change stops become amounts to recover, at once; they are
offset against the next payment (settled by the bank's result) or recorded as refunded by the officer."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied

from chieftech.accounts.roles import Role
from chieftech.audit.models import AuditRecord
from chieftech.core.errors import DomainError
from chieftech.subsidy.domain.build import payroll_batch_build
from chieftech.subsidy.domain.recovery import recoveries_detect, recoveries_settle_for_lines, recovery_refund
from chieftech.subsidy.models import PayrollLine, Recovery
from chieftech.tenure.domain.transitions import tenure_transition
from chieftech.tenure.models import TenureStatus
from tests.factories import (
    huancui,
    make_bank_account,
    make_payroll_batch,
    make_tenure,
    make_user,
    make_weihai,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2025, 8, 20, 10, tzinfo=SHANGHAI)
REASON = "自2025年6月16日起保留资格、停止待遇，次月起停发（第十二条）"


@pytest.fixture
def tenure(alice, gina, olivia):
    tenure = make_tenure(alice, gina, officer=olivia, starts_on=date(2024, 12, 27))
    make_bank_account(tenure, number="6222021603001234567")
    make_payroll_batch(
        olivia,
        period=date(2025, 7, 1),
        lines=[(tenure, [date(2025, m, 1) for m in range(1, 8)])],
        state="completed",
    )
    return tenure


@pytest.fixture
def suspended(tenure, olivia):
    tenure_transition(
        actor=olivia, tenure=tenure, to_status=TenureStatus.SUSPENDED, effective_on=date(2025, 6, 16)
    )
    tenure.refresh_from_db()
    return tenure


def test_a_confirmed_suspension_turns_the_months_paid_after_it_into_recoveries_at_once(suspended):
    [recovery] = Recovery.objects.all()

    assert (recovery.tenure_id, recovery.month, recovery.amount, recovery.reason, recovery.state) == (
        suspended.pk,
        date(2025, 7, 1),
        Decimal("500.00"),
        REASON,
        "open",
    )
    assert recovery.paid_month.month == date(2025, 7, 1)


def test_detecting_again_finds_nothing_new(suspended):
    assert recoveries_detect(tenures=[suspended]) == []
    assert Recovery.objects.count() == 1


def test_the_next_payment_offsets_the_recovery_and_the_bank_settles_it(suspended, olivia):
    tenure_transition(
        actor=olivia, tenure=suspended, to_status=TenureStatus.ACTIVE, effective_on=date(2025, 7, 20)
    )

    batch = payroll_batch_build(actor=olivia, authority=huancui(), period_start=date(2025, 8, 1), now=NOW)

    [line] = batch.lines.all()
    assert (line.gross, line.offset, line.tax, line.net) == (
        Decimal("500.00"),
        Decimal("500.00"),
        Decimal("0.00"),
        Decimal("0.00"),
    )
    recovery = Recovery.objects.get()
    assert (recovery.state, recovery.offset_line_id) == ("open", line.pk)
    batch.refresh_from_db()
    assert (batch.gross_total, batch.offset_total, batch.net_total) == (
        Decimal("500.00"),
        Decimal("500.00"),
        Decimal("0.00"),
    )

    assert recoveries_settle_for_lines(lines=[line], paid=False, now=NOW) == 1
    assert Recovery.objects.values_list("state", "offset_line_id").get() == ("open", None)

    recovery.offset_line = line
    recovery.save(update_fields=["offset_line"])
    assert recoveries_settle_for_lines(lines=[line], paid=True, now=NOW) == 1
    assert Recovery.objects.values_list("state", "settled_at").get() == ("offset", NOW)


def test_an_offset_larger_than_the_payment_waits(suspended, olivia):
    Recovery.objects.update(amount=Decimal("800.00"))
    tenure_transition(
        actor=olivia, tenure=suspended, to_status=TenureStatus.ACTIVE, effective_on=date(2025, 7, 20)
    )

    line = payroll_batch_build(
        actor=olivia, authority=huancui(), period_start=date(2025, 8, 1), now=NOW
    ).lines.get()

    assert (line.offset, line.net) == (Decimal("0.00"), Decimal("500.00"))
    assert Recovery.objects.get().offset_line is None


def test_the_officer_records_a_refund(suspended, olivia):
    recovery = Recovery.objects.get()

    saved = recovery_refund(
        actor=olivia, recovery=recovery, refunded_on=date(2025, 8, 18), reference="非税缴款书0012345", now=NOW
    )

    assert (saved.state, saved.refunded_on, saved.refund_reference, saved.recorded_by, saved.settled_at) == (
        "refunded",
        date(2025, 8, 18),
        "非税缴款书0012345",
        olivia,
        NOW,
    )
    [record] = AuditRecord.objects.filter(action="recovery.refund")
    assert (record.before["state"], record.after["state"], record.after["amount"]) == (
        "open",
        "refunded",
        "500.00",
    )


@pytest.mark.parametrize(
    ("refunded_on", "reference", "code", "message"),
    [
        (date(2025, 8, 18), "  ", "required", "请填写退回凭证号（如缴款书号码）。"),
        (date(2025, 8, 21), "缴款书1", "bad_date", "退回日期不能晚于今天。"),
    ],
)
def test_a_refund_needs_a_reference_and_a_date_not_in_the_future(
    suspended, olivia, refunded_on, reference, code, message
):
    with pytest.raises(DomainError) as refused:
        recovery_refund(
            actor=olivia,
            recovery=Recovery.objects.get(),
            refunded_on=refunded_on,
            reference=reference,
            now=NOW,
        )

    assert (refused.value.code, refused.value.message) == (code, message)
    assert Recovery.objects.get().state == "open"


def test_a_refund_is_refused_while_an_offset_waits_for_the_bank_and_once_settled(suspended, olivia):
    tenure_transition(
        actor=olivia, tenure=suspended, to_status=TenureStatus.ACTIVE, effective_on=date(2025, 7, 20)
    )
    batch = payroll_batch_build(actor=olivia, authority=huancui(), period_start=date(2025, 8, 1), now=NOW)

    with pytest.raises(DomainError) as waiting:
        recovery_refund(
            actor=olivia,
            recovery=Recovery.objects.get(),
            refunded_on=date(2025, 8, 18),
            reference="1",
            now=NOW,
        )
    PayrollLine.objects.filter(batch=batch).update(state="paid")
    recoveries_settle_for_lines(lines=batch.lines.all(), paid=True, now=NOW)
    with pytest.raises(DomainError) as settled:
        recovery_refund(
            actor=olivia,
            recovery=Recovery.objects.get(),
            refunded_on=date(2025, 8, 18),
            reference="1",
            now=NOW,
        )

    assert (waiting.value.code, waiting.value.message) == (
        "offset_pending",
        "该追回款已列入发放表HCSJ-JT-202508抵扣，待该笔发放失败后方可登记退回。",
    )
    assert (settled.value.code, settled.value.message) == (
        "not_open",
        "该追回款当前为“已抵扣”，不能登记退回。",
    )


@pytest.mark.parametrize("who", ["alice", "leo", "aubrey", "weihai_officer"])
def test_only_the_officer_of_the_authority_records_a_refund(suspended, request, who):
    actor = (
        make_user("wendy", Role.OFFICER, authority=make_weihai())
        if who == "weihai_officer"
        else request.getfixturevalue(who)
    )
    with pytest.raises(PermissionDenied):
        recovery_refund(
            actor=actor,
            recovery=Recovery.objects.get(),
            refunded_on=date(2025, 8, 18),
            reference="1",
            now=NOW,
        )
    assert Recovery.objects.get().state == "open"
