"""The money of a revocation (第十七条) under repetition: after the approval the months paid after the effective date
are recoveries exactly once, however often the detection runs and batches are built; after an annulment no month
is paid twice over two batches in a row, and a month recovered and refunded is paid again exactly once."""

from datetime import date, datetime

import pytest
from django.db.models import Count

from chieftech.subsidy.domain.build import payroll_batch_build
from chieftech.subsidy.domain.recovery import recoveries_detect, recoveries_reconcile, recovery_refund
from chieftech.subsidy.models import PayrollMonth, Recovery
from chieftech.tenure.models import Tenure
from tests.factories import SHANGHAI, huancui
from tests.revocation.factories import case_annulled, case_approved, make_paid_tenure

JUNE = datetime(2026, 6, 20, 10, 0, tzinfo=SHANGHAI)
JULY = datetime(2026, 7, 20, 10, 0, tzinfo=SHANGHAI)


@pytest.fixture
def tenure(alice, gina, olivia):
    """Paid through May 2026 (revoked below from 18 March 2026)."""
    return make_paid_tenure(alice, gina, olivia)


def recovered() -> list[tuple[date, str]]:
    return sorted(Recovery.objects.values_list("month", "state"))


def paid_twice(tenure) -> list[date]:
    """The months with more than one live payment: none, ever."""
    return list(
        PayrollMonth.objects.filter(tenure=tenure, live=True)
        .values("month")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .values_list("month", flat=True)
    )


def build(olivia, month: int, now: datetime):
    return payroll_batch_build(actor=olivia, authority=huancui(), period_start=date(2026, month, 1), now=now)


def test_the_months_paid_after_the_effective_date_are_recovered_exactly_once(tenure, olivia, leo, gina):
    case_approved(tenure, olivia, leo, gina)
    once = recovered()

    again = recoveries_detect(tenures=[Tenure.objects.get(pk=tenure.pk)], now=JUNE)
    june = build(olivia, 6, JUNE)
    after_batch = recoveries_detect(tenures=[Tenure.objects.get(pk=tenure.pk)], now=JUNE)

    assert once == [(date(2026, 4, 1), "open"), (date(2026, 5, 1), "open")]
    assert (again, after_batch) == ([], [])
    assert recovered() == once
    # The revoked holder is paid nothing from April: no line, or a line without a month after March.
    assert not PayrollMonth.objects.filter(
        line__batch=june, tenure=tenure, month__gte=date(2026, 4, 1)
    ).exists()
    assert paid_twice(tenure) == []


def test_after_an_annulment_two_batches_in_a_row_pay_no_month_twice(tenure, olivia, leo, gina):
    revoked = case_approved(tenure, olivia, leo, gina)
    april = Recovery.objects.get(month=date(2026, 4, 1))
    recovery_refund(
        actor=olivia,
        recovery=april,
        refunded_on=date(2026, 5, 20),
        reference="非税缴款书0045678",
        now=datetime(2026, 5, 20, 10, 0, tzinfo=SHANGHAI),
    )
    case_annulled(revoked, olivia, leo, gina)
    term = Tenure.objects.get(pk=tenure.pk)
    # The reconciliation run again (a scheduled job started twice) changes nothing more.
    assert recoveries_reconcile(tenures=[term], now=JUNE) == (0, 0)
    assert recoveries_detect(tenures=[term], now=JUNE) == []

    june = build(olivia, 6, JUNE)
    july = build(olivia, 7, JULY)

    june_months = sorted(june.lines.get(tenure=tenure).months.values_list("month", "kind"))
    july_months = sorted(july.lines.get(tenure=tenure).months.values_list("month", "kind"))
    assert june_months == [(date(2026, 4, 1), "arrears"), (date(2026, 6, 1), "regular")]
    # April, recovered and refunded, is paid again once: in June, not again in July.
    assert july_months == [(date(2026, 7, 1), "regular")]
    assert paid_twice(tenure) == []
    # May's recovery was never taken back: cancelled, its payment stands, it is not paid again.
    assert recovered() == [(date(2026, 4, 1), "refunded"), (date(2026, 5, 1), "cancelled")]
    assert PayrollMonth.objects.filter(tenure=tenure, month=date(2026, 5, 1)).count() == 1
