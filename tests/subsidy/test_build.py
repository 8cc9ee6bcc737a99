"""经办: building a period's 发放表 — this period's months, arrears after the re-review passes, retries of
failed lines, held lines and their reasons, offsets, tax, numbering, rebuilding, and one batch per period."""

import threading
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import IntegrityError, connection, transaction

from chieftech.audit.models import AuditRecord
from chieftech.core.errors import DomainError
from chieftech.subsidy.domain.build import payroll_batch_build, payroll_batch_rebuild
from chieftech.subsidy.models import PayrollBatch, PayrollLine, PayrollMonth
from chieftech.tenure.models import AnnualReview
from tests.factories import (
    huancui,
    make_bank_account,
    make_enterprise,
    make_payroll_batch,
    make_round,
    make_tenure,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
Kind = PayrollMonth.Kind


def at(year, month, day=20):
    return datetime(year, month, day, 10, tzinfo=SHANGHAI)


def months_of(line):
    return [(m.month, m.kind, m.live) for m in line.months.order_by("month")]


@pytest.fixture
def tenure(alice, gina, olivia):
    tenure = make_tenure(alice, gina, officer=olivia, starts_on=date(2024, 12, 27))
    make_bank_account(tenure, number="6222021603001234567")
    return tenure


def build(olivia, period, now=None):
    return payroll_batch_build(
        actor=olivia, authority=huancui(), period_start=period, now=now or at(2026, 12)
    )


def test_a_month_batch_pays_the_month_and_is_audited(tenure, olivia):
    batch = build(olivia, date(2025, 1, 1), now=at(2025, 1))

    assert (batch.number, batch.period_start, batch.period_end, batch.cadence, batch.state) == (
        "HCSJ-JT-202501",
        date(2025, 1, 1),
        date(2025, 1, 1),
        "monthly",
        "draft",
    )
    [line] = batch.lines.all()
    assert (
        line.seq,
        line.state,
        line.months_count,
        line.standard,
        line.gross,
        line.offset,
        line.tax,
        line.net,
    ) == (
        1,
        "pending",
        1,
        Decimal("500.00"),
        Decimal("500.00"),
        Decimal("0.00"),
        Decimal("0.00"),
        Decimal("500.00"),
    )
    assert (line.policy_id, line.enterprise_id) == (tenure.policy_id, tenure.enterprise_id)
    assert line.bank_account == tenure.bank_accounts.get()
    assert months_of(line) == [(date(2025, 1, 1), Kind.REGULAR, True)]
    batch.refresh_from_db()
    assert (batch.line_count, batch.held_count, batch.gross_total, batch.net_total) == (
        1,
        0,
        Decimal("500.00"),
        Decimal("500.00"),
    )
    [record] = AuditRecord.objects.filter(action="payroll.build")
    assert record.after == {
        "number": "HCSJ-JT-202501",
        "period": "2025年1月",
        "line_count": 1,
        "held_count": 0,
        "gross_total": "500.00",
        "offset_total": "0.00",
        "tax_total": "0.00",
        "net_total": "500.00",
        "months": 1,
    }


def test_the_first_batch_after_a_late_start_pays_the_missed_months_as_arrears(tenure, olivia):
    batch = build(olivia, date(2025, 3, 1), now=at(2025, 3))

    [line] = batch.lines.all()
    assert months_of(line) == [
        (date(2025, 1, 1), Kind.ARREARS, True),
        (date(2025, 2, 1), Kind.ARREARS, True),
        (date(2025, 3, 1), Kind.REGULAR, True),
    ]
    # The district's policy withholds as 劳务报酬: (1,500 − 800) × 20%.
    assert (line.gross, line.tax, line.net) == (Decimal("1500.00"), Decimal("140.00"), Decimal("1360.00"))


def test_a_second_build_of_the_period_is_refused(tenure, olivia):
    build(olivia, date(2025, 1, 1), now=at(2025, 1))

    with pytest.raises(DomainError) as refused:
        build(olivia, date(2025, 1, 1), now=at(2025, 1))

    assert (refused.value.code, refused.value.message) == (
        "batch_exists",
        "2025年1月的津贴发放表已由其他经办人编制，请在发放表列表中查看，不能重复编制。",
    )
    assert PayrollBatch.objects.count() == 1


def test_a_cancelled_batch_leaves_its_number_taken(tenure, olivia):
    build(olivia, date(2025, 1, 1), now=at(2025, 1))
    PayrollBatch.objects.update(state="cancelled")
    PayrollLine.objects.update(state="cancelled")
    PayrollMonth.objects.update(live=False)

    again = build(olivia, date(2025, 1, 1), now=at(2025, 1))

    assert again.number == "HCSJ-JT-202501-2"
    assert months_of(again.lines.get()) == [(date(2025, 1, 1), Kind.REGULAR, True)]


def test_a_future_period_and_a_period_off_the_cadence_are_refused(tenure, olivia):
    with pytest.raises(DomainError) as future:
        build(olivia, date(2025, 2, 1), now=at(2025, 1))
    policy = tenure.policy
    policy.subsidy_cadence = "quarterly"
    policy.save(update_fields=["subsidy_cadence"])
    with pytest.raises(DomainError) as off:
        build(olivia, date(2025, 2, 1), now=at(2025, 3))

    assert (future.value.code, off.value.code) == ("future_period", "bad_period")
    assert off.value.message == "按发放周期，该所属期应从2025年1月开始。"


def test_a_quarter_pays_its_three_months_in_one_line(tenure, olivia):
    policy = tenure.policy
    policy.subsidy_cadence = "quarterly"
    policy.save(update_fields=["subsidy_cadence"])

    batch = build(olivia, date(2025, 1, 1), now=at(2025, 3))

    assert (batch.number, batch.period_end, batch.cadence) == (
        "HCSJ-JT-202501",
        date(2025, 3, 1),
        "quarterly",
    )
    [line] = batch.lines.all()
    assert [m[0] for m in months_of(line)] == [date(2025, 1, 1), date(2025, 2, 1), date(2025, 3, 1)]
    assert line.gross == Decimal("1500.00")


def test_months_held_for_the_re_review_are_paid_as_arrears_once_it_passes(tenure, olivia):
    make_payroll_batch(
        olivia,
        period=date(2025, 12, 1),
        lines=[(tenure, [date(2025, m, 1) for m in range(1, 13)])],
        state="completed",
    )

    january = build(olivia, date(2026, 1, 1), now=at(2026, 1))

    [held] = january.lines.all()
    assert (held.state, held.hold_code, held.hold_reason, held.net) == (
        "held",
        "review_pending",
        "管理期第1年复核认定尚未通过，通过后补发（第十二条）",
        Decimal("500.00"),
    )
    assert months_of(held) == [(date(2026, 1, 1), Kind.REGULAR, False)]
    january.refresh_from_db()
    assert (january.line_count, january.held_count, january.gross_total) == (0, 1, Decimal("0.00"))

    AnnualReview.objects.create(tenure=tenure, review_year=1, state=AnnualReview.State.PASSED)
    february = build(olivia, date(2026, 2, 1), now=at(2026, 2))

    [line] = february.lines.all()
    assert line.state == "pending"
    assert months_of(line) == [(date(2026, 1, 1), Kind.ARREARS, True), (date(2026, 2, 1), Kind.REGULAR, True)]


def test_held_months_are_never_paid_when_the_re_review_fails(tenure, olivia):
    make_payroll_batch(
        olivia,
        period=date(2025, 12, 1),
        lines=[(tenure, [date(2025, m, 1) for m in range(1, 13)])],
        state="completed",
    )
    AnnualReview.objects.create(tenure=tenure, review_year=1, state=AnnualReview.State.FAILED)

    batch = build(olivia, date(2026, 2, 1), now=at(2026, 2))

    assert not batch.lines.exists()


def test_a_line_failed_at_the_bank_comes_back_as_a_retry(tenure, olivia):
    failed = make_payroll_batch(
        olivia, period=date(2025, 1, 1), lines=[(tenure, [date(2025, 1, 1)])], state="completed"
    )
    PayrollLine.objects.filter(batch=failed).update(state="failed", failure_reason="户名不符")
    PayrollMonth.objects.filter(line__batch=failed).update(live=False)

    batch = build(olivia, date(2025, 2, 1), now=at(2025, 2))

    assert months_of(batch.lines.get()) == [
        (date(2025, 1, 1), Kind.RETRY, True),
        (date(2025, 2, 1), Kind.REGULAR, True),
    ]


def test_without_an_account_the_line_is_held_and_its_months_not_live(alice, gina, olivia):
    make_tenure(alice, gina, officer=olivia, starts_on=date(2024, 12, 27))

    batch = build(olivia, date(2025, 1, 1), now=at(2025, 1))

    [line] = batch.lines.all()
    assert (line.state, line.hold_code, line.hold_reason, line.bank_account) == (
        "held",
        "no_account",
        "尚无已确认的津贴发放账户",
        None,
    )
    assert months_of(line) == [(date(2025, 1, 1), Kind.REGULAR, False)]


def test_lines_are_numbered_by_enterprise_then_name(olivia, gina, alice):
    round_ = make_round(olivia)
    b_enterprise = make_enterprise("威海乙海洋科技有限公司")
    late = make_tenure(alice, gina, round_=round_, name="王五")
    early = make_tenure(alice, gina, round_=round_, name="李四")
    other = make_tenure(alice, gina, round_=round_, name="艾一")
    type(other).objects.filter(pk=other.pk).update(enterprise=b_enterprise)
    for t in (late, early, other):
        make_bank_account(t, number="6222021603001234567")

    batch = build(olivia, date(2025, 1, 1), now=at(2025, 1))

    # By the enterprise's name, then the person's (code point order, as the database's default collation):
    # 威海乙… (U+4E59) before 威海甲… (U+7532); within 甲, 李四 (U+674E) before 王五 (U+738B).
    assert list(batch.lines.order_by("seq").values_list("seq", "tenure_id")) == [
        (1, other.pk),
        (2, early.pk),
        (3, late.pk),
    ]


def test_a_taxable_policy_withholds_on_the_gross_less_the_offset(tenure, olivia):
    policy = tenure.policy
    policy.subsidy_taxable = True
    policy.subsidy_tax_rule = "flat_rate"
    policy.subsidy_tax_rate = Decimal("0.2000")
    policy.save(update_fields=["subsidy_taxable", "subsidy_tax_rule", "subsidy_tax_rate"])

    line = build(olivia, date(2025, 2, 1), now=at(2025, 2)).lines.get()

    assert (line.gross, line.tax, line.net) == (Decimal("1000.00"), Decimal("200.00"), Decimal("800.00"))


def test_a_month_is_never_in_two_live_lines(tenure, olivia):
    build(olivia, date(2025, 1, 1), now=at(2025, 1))
    february = build(olivia, date(2025, 2, 1), now=at(2025, 2))

    assert months_of(february.lines.get()) == [(date(2025, 2, 1), Kind.REGULAR, True)]
    line = february.lines.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        PayrollMonth.objects.create(
            line=line, tenure=tenure, month=date(2025, 1, 1), amount=Decimal("500.00"), kind=Kind.RETRY
        )


def test_a_rebuild_recomputes_a_draft_from_scratch(alice, gina, olivia):
    tenure = make_tenure(alice, gina, officer=olivia, starts_on=date(2024, 12, 27))
    batch = build(olivia, date(2025, 2, 1), now=at(2025, 2))
    assert batch.lines.get().state == "held"
    make_bank_account(tenure, number="6222021603001234567")

    rebuilt = payroll_batch_rebuild(actor=olivia, batch=batch, now=at(2025, 2, 21))

    [line] = rebuilt.lines.all()
    assert (line.state, line.gross) == ("pending", Decimal("1000.00"))
    assert PayrollMonth.objects.filter(tenure=tenure).count() == 2
    assert (rebuilt.line_count, rebuilt.held_count, rebuilt.number) == (1, 0, "HCSJ-JT-202502")
    assert AuditRecord.objects.filter(action="payroll.rebuild").count() == 1


def test_only_a_draft_is_rebuilt(tenure, olivia):
    batch = build(olivia, date(2025, 1, 1), now=at(2025, 1))
    PayrollBatch.objects.filter(pk=batch.pk).update(state="submitted")

    with pytest.raises(DomainError) as refused:
        payroll_batch_rebuild(actor=olivia, batch=batch)

    assert refused.value.message == "发放表当前为“待复核”，只有经办中的发放表可以重新编制。"


def test_the_query_count_does_not_grow_with_tenures(olivia, gina, alice, django_assert_num_queries):
    round_ = make_round(olivia)
    first = make_tenure(alice, gina, round_=round_, name="张一")
    make_bank_account(first, number="6222021603001234567")
    olivia.has_perm("subsidy.run_payroll")  # the role's permissions are read once per request, not per batch
    # 31: one query looks for terms whose revocation was annulled (their recovered months are owed again).
    with django_assert_num_queries(31):
        build(olivia, date(2025, 1, 1), now=at(2025, 1))
    for name in ("张二", "张三"):
        make_bank_account(make_tenure(alice, gina, round_=round_, name=name), number="6222021603001234567")
    with django_assert_num_queries(31):
        build(olivia, date(2025, 2, 1), now=at(2025, 2))


@pytest.mark.django_db(transaction=True)
def test_two_officers_building_the_same_period_at_once_make_one_batch(tenure, olivia):
    from chieftech.accounts.roles import Role
    from tests.factories import make_user

    oscar = make_user("oscar", Role.OFFICER, real_name="奥斯卡")
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def run(officer) -> None:
        barrier.wait()
        try:
            build(officer, date(2025, 1, 1), now=at(2025, 1))
            outcomes.append("built")
        except DomainError as exc:
            outcomes.append(exc.message)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(who,)) for who in (olivia, oscar)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == sorted(
        ["built", "2025年1月的津贴发放表已由其他经办人编制，请在发放表列表中查看，不能重复编制。"]
    )
    assert PayrollBatch.objects.count() == 1
    assert PayrollMonth.objects.filter(live=True).count() == 1
