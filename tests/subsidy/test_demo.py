"""`chieftech demo`, the subsidy: the 2024 cohort paid month by month through November 2026, a suspension that
stopped the payments after June 2025, a month recovered after a late report, a line failed at the bank and paid
in the next batch, a re-review not passed that stopped the payments after year 1, and the December 2026 batch
waiting for 复核.

Loaded once for the module with the clock at 5 December 2026, inside a transaction rolled back at the end.
"""

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.db import transaction
from django.db.models import Sum
from django.test import override_settings
from django.utils.module_loading import import_string

from chieftech.audit.domain import audit_verify
from chieftech.subsidy.models import PayrollBatch, PayrollLine, PayrollMonth, Recovery
from chieftech.tenure.models import Tenure
from tests.factories import SHANGHAI

PASSWORD = "ChiefTech-demo-2026"
NOW = datetime(2026, 12, 5, 9, 0, tzinfo=SHANGHAI)
LOADERS = [
    "chieftech.accounts.demo.load_demo",
    "chieftech.selection.demo.load_demo",
    "chieftech.evaluation.demo.load_demo",
    "chieftech.publicity.demo.load_demo",
]


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    from chieftech.tenure.demo import load_demo

    with django_db_blocker.unblock(), override_settings(DEMO_MODE=True), transaction.atomic():
        for path in LOADERS:
            import_string(path)(password=PASSWORD)
        load_demo(password=PASSWORD, now=NOW)
        yield
        transaction.set_rollback(True)


def cohort() -> dict[str, Tenure]:
    return {
        t.application.name: t
        for t in Tenure.objects.filter(application__round__year=2024).select_related("application")
    }


def paid_months(tenure) -> list[date]:
    return list(
        PayrollMonth.objects.filter(tenure=tenure, live=True, line__state=PayrollLine.State.PAID)
        .order_by("month")
        .values_list("month", flat=True)
    )


def months(first: date, last: date) -> list[date]:
    out, day = [], first
    while day <= last:
        out.append(day)
        day = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return out


def test_the_cohort_was_paid_month_by_month_through_november_2026(demo):
    batches = list(PayrollBatch.objects.order_by("period_start").values_list("period_start", "state"))
    assert batches == [(m, "completed") for m in months(date(2025, 1, 1), date(2026, 11, 1))] + [
        (date(2026, 12, 1), "submitted")
    ]
    people = cohort()
    for name in ("曲志刚", "于海燕", "林晓红"):
        assert paid_months(people[name]) == months(date(2025, 1, 1), date(2026, 11, 1)), name
    assert PayrollLine.objects.filter(tenure=people["曲志刚"], state="paid").aggregate(s=Sum("gross"))[
        "s"
    ] == Decimal("11500.00")


def test_the_payments_of_the_suspended_holder_stop_after_june_2025_and_july_was_recovered(demo):
    song = cohort()["宋建军"]
    assert paid_months(song) == months(date(2025, 1, 1), date(2025, 7, 1))
    [recovery] = Recovery.objects.filter(tenure=song)
    assert (recovery.month, recovery.amount, recovery.state) == (
        date(2025, 7, 1),
        Decimal("500.00"),
        "refunded",
    )
    assert recovery.refunded_on == date(2025, 8, 12)
    assert "2025年6月16日" in recovery.reason
    assert (
        not PayrollLine.objects.filter(tenure=song, batch__period_start__gt=date(2025, 7, 1))
        .exclude(state="held")
        .exists()
    )


def test_the_holder_whose_re_review_did_not_pass_is_paid_year_1_only(demo):
    # 第十二条: months 13–24 are paid only after the re-review passed; 鞠文涛's failed on 23 December 2025.
    ju = cohort()["鞠文涛"]
    assert paid_months(ju) == months(date(2025, 1, 1), date(2025, 12, 1))
    assert not PayrollMonth.objects.filter(tenure=ju, month__gte=date(2026, 1, 1)).exists()
    assert PayrollLine.objects.filter(tenure=ju, state="paid").aggregate(s=Sum("gross"))["s"] == Decimal(
        "6000.00"
    )


def test_a_line_failed_at_the_bank_and_was_paid_in_the_next_batch(demo):
    ju = cohort()["鞠文涛"]
    failed = PayrollLine.objects.get(tenure=ju, state=PayrollLine.State.FAILED)
    assert (failed.batch.period_start, failed.failure_reason) == (
        date(2025, 3, 1),
        "收款账户为睡眠户，已止付",
    )
    april = PayrollLine.objects.get(tenure=ju, batch__period_start=date(2025, 4, 1))
    assert april.state == PayrollLine.State.PAID
    assert sorted(april.months.values_list("month", "kind")) == [
        (date(2025, 3, 1), "retry"),
        (date(2025, 4, 1), "regular"),
    ]
    assert april.gross == Decimal("1000.00")


def test_the_december_2026_batch_waits_for_the_check_with_one_line_held(demo):
    batch = PayrollBatch.objects.get(period_start=date(2026, 12, 1))
    assert batch.state == PayrollBatch.State.SUBMITTED
    lines = {line.tenure.application.name: line for line in batch.lines.select_related("tenure__application")}
    # 鞠文涛's term was not renewed: nothing of 2026 is owed to him, so he has no line at all.
    assert sorted(lines) == ["于海燕", "曲志刚", "林晓红"]
    assert lines["林晓红"].state == PayrollLine.State.HELD
    assert lines["林晓红"].hold_code == "status_pending"
    assert (batch.line_count, batch.held_count, batch.gross_total) == (2, 1, Decimal("1000.00"))


def test_the_audit_chain_holds(demo):
    assert audit_verify().ok
