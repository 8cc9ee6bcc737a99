"""The holder's own payments (tenure:holder_payments) and the enterprise's view (subsidy:enterprise_payments)."""

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from chieftech.accounts.roles import Role
from chieftech.subsidy.models import PayrollLine, PayrollMonth, Recovery
from chieftech.tenure.models import AnnualReview, TenureEmployment
from tests.factories import (
    SHANGHAI,
    make_bank_account,
    make_payroll_batch,
    make_round,
    make_tenure,
    make_user,
)

HOLDER_PAGE = reverse("tenure:holder_payments")
ENTERPRISE_PAGE = reverse("subsidy:enterprise_payments")
WANG_ACCOUNT = "6222020300001234567"
LI_ACCOUNT = "6217000011112222333"


@pytest.fixture
def holders(alice, bob, gina, olivia):
    """王建国 (alice's enterprise) and 李强 (bob's), each with a login and a confirmed account."""
    round_ = make_round(olivia)
    wang = make_tenure(alice, gina, round_=round_, name="王建国")
    li = make_tenure(bob, gina, round_=round_, name="李强")
    for tenure, username, number in ((wang, "wang", WANG_ACCOUNT), (li, "li", LI_ACCOUNT)):
        tenure.user = make_user(username, Role.TECHNICIAN)
        tenure.save(update_fields=["user"])
        make_bank_account(tenure, number=number)
    return wang, li


def pay(officer, tenure, month: date, state: str = "completed"):
    return make_payroll_batch(officer, period=month, lines=[(tenure, [month])], state=state)


def fail(batch, reason: str = "账户已销户") -> None:
    line = batch.lines.get()
    PayrollLine.objects.filter(pk=line.pk).update(state="failed", failure_reason=reason, paid_on=None)
    PayrollMonth.objects.filter(line=line).update(live=False)


# --- The holder ---------------------------------------------------------------------------------


def test_the_holder_sees_approved_lines_and_nothing_of_drafts_or_another_holder(client, holders, olivia):
    wang, li = holders
    make_payroll_batch(
        olivia,
        period=date(2025, 1, 1),
        lines=[(wang, [date(2025, 1, 1)]), (li, [date(2025, 1, 1)])],
        state="completed",
    )
    fail(pay(olivia, wang, date(2025, 2, 1)), "账户已销户")
    pay(olivia, wang, date(2025, 3, 1), state="approved")
    pay(olivia, wang, date(2025, 4, 1), state="checked")  # the officer's working paper: not the holder's yet
    pay(olivia, wang, date(2025, 5, 1), state="draft")
    client.force_login(wang.user)

    response = client.get(HOLDER_PAGE)

    masked = "6222 **** **** 4567"
    common = {"offset": "0.00", "tax": "0.00", "bank": "中国工商银行", "account": masked, "hold_reason": ""}
    assert response.context["rows"] == [
        {
            **common,
            "batch": PayrollLine.objects.get(tenure=wang, batch__period_start=date(2025, 3, 1)).batch.number,
            "period": "2025年3月",
            "months": ["2025年3月（当期）"],
            "gross": "500.00",
            "net": "500.00",
            "state": "已审批，待报送银行",
            "state_css": "status-warn",
            "paid_on": "",
            "failure_reason": "",
        },
        {
            **common,
            "batch": PayrollLine.objects.get(tenure=wang, batch__period_start=date(2025, 2, 1)).batch.number,
            "period": "2025年2月",
            "months": ["2025年2月（当期）"],
            "gross": "500.00",
            "net": "500.00",
            "state": "发放失败（退票）",
            "state_css": "status-bad",
            "paid_on": "",
            "failure_reason": "账户已销户",
        },
        {
            **common,
            "batch": PayrollLine.objects.get(tenure=wang, batch__period_start=date(2025, 1, 1)).batch.number,
            "period": "2025年1月",
            "months": ["2025年1月（当期）"],
            "gross": "500.00",
            "net": "500.00",
            "state": "已发放",
            "state_css": "status-ok",
            "paid_on": "2025年1月1日",
            "failure_reason": "",
        },
    ]
    page = response.content.decode()
    assert (WANG_ACCOUNT in page, LI_ACCOUNT in page, "6217" in page) == (False, False, False)
    assert response["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"


def test_held_months_recoveries_and_the_years_totals(client, holders, olivia, gina):
    wang, _ = holders
    # Months 1–12 paid in two years' batches; the re-review of the first year is not decided yet.
    make_payroll_batch(
        olivia,
        period=date(2025, 6, 1),
        lines=[(wang, [date(2025, m, 1) for m in range(1, 7)])],
        state="completed",
    )
    paid = make_payroll_batch(
        olivia,
        period=date(2025, 12, 1),
        lines=[(wang, [date(2025, m, 1) for m in range(7, 13)])],
        state="completed",
    )
    AnnualReview.objects.create(tenure=wang, review_year=1, state="submitted")
    # A held line of an approved batch shows with its reason.
    held = make_payroll_batch(
        olivia, period=date(2026, 1, 1), lines=[(wang, [date(2026, 1, 1)])], state="approved"
    )
    PayrollLine.objects.filter(batch=held).update(
        state="held",
        hold_code="review_pending",
        hold_reason="管理期第1年复核认定尚未通过，通过后补发（第十二条）",
    )
    PayrollMonth.objects.filter(line__batch=held).update(live=False)
    Recovery.objects.create(
        tenure=wang,
        paid_month=PayrollMonth.objects.get(line__batch=paid, month=date(2025, 12, 1)),
        month=date(2025, 12, 1),
        amount=Decimal("500.00"),
        reason="迟报的调出区外，2025年11月起停发",
        created_at=datetime(2026, 1, 5, 9, tzinfo=SHANGHAI),
    )
    client.force_login(wang.user)

    response = client.get(HOLDER_PAGE)

    [row] = [r for r in response.context["rows"] if r["period"] == "2026年1月"]
    assert (row["state"], row["hold_reason"]) == (
        "暂缓发放",
        "管理期第1年复核认定尚未通过，通过后补发（第十二条）",
    )
    # Every month of the second year so far waits for the re-review (the page is read in the term's months).
    held_months = response.context["held"]
    assert held_months[0] == {
        "month": "2026年1月",
        "reason": "管理期第1年复核认定尚未通过，通过后补发（第十二条）",
    }
    assert response.context["recoveries"] == [
        {
            "month": "2025年12月",
            "amount": "500.00",
            "reason": "迟报的调出区外，2025年11月起停发",
            "state": "待追回",
            "state_css": "status-bad",
            "settled": "",
        }
    ]
    # The seeded policy withholds 劳务报酬 tax: 3,000 yuan less 800, at 20% = 440.00 per batch.
    assert response.context["years"] == [
        {
            "year": "2025年",
            "gross": "6,000.00",
            "offset": "0.00",
            "tax": "880.00",
            "net": "5,120.00",
            "statement_url": "/subsidy/me/statement/2025.pdf",
        }
    ]


def test_the_holder_page_costs_the_same_queries_for_one_or_three_lines(
    client, holders, olivia, django_assert_num_queries
):
    wang, _ = holders
    pay(olivia, wang, date(2025, 1, 1))
    client.force_login(wang.user)
    client.get(HOLDER_PAGE)  # the session's first read
    with django_assert_num_queries(HOLDER_QUERIES):
        assert len(client.get(HOLDER_PAGE).context["rows"]) == 1
    pay(olivia, wang, date(2025, 2, 1))
    fail(pay(olivia, wang, date(2025, 3, 1)))
    with django_assert_num_queries(HOLDER_QUERIES):
        assert len(client.get(HOLDER_PAGE).context["rows"]) == 3


HOLDER_QUERIES = 19


# --- The enterprise ----------------------------------------------------------------------------


def move(tenure, enterprise, on: date) -> None:
    """The holder changed employer within the district on `on` (test set-up of the span the officer records)."""
    TenureEmployment.objects.filter(tenure=tenure, ends_on__isnull=True).update(
        ends_on=on.replace(day=on.day - 1)
    )
    TenureEmployment.objects.create(tenure=tenure, enterprise=enterprise, starts_on=on)
    tenure.enterprise = enterprise
    tenure.save(update_fields=["enterprise"])


def test_each_enterprise_sees_the_months_its_holder_worked_there(client, holders, olivia, alice, bob):
    wang, li = holders
    make_payroll_batch(
        olivia,
        period=date(2025, 1, 1),
        lines=[(wang, [date(2025, 1, 1)]), (li, [date(2025, 1, 1)])],
        state="completed",
    )
    for month in range(2, 7):
        pay(olivia, wang, date(2025, month, 1))
    fail(PayrollLine.objects.get(tenure=wang, batch__period_start=date(2025, 6, 1)).batch, "户名不符")
    pay(olivia, wang, date(2025, 7, 1), state="exported")  # not settled yet: nobody's business outside
    move(wang, bob.enterprise, date(2025, 4, 15))

    client.force_login(alice)
    former = client.get(ENTERPRISE_PAGE)
    client.force_login(bob)
    current = client.get(ENTERPRISE_PAGE)

    assert [(r["name"], r["months"], r["visible"], r["state"]) for r in former.context["rows"]] == [
        ("王建国", ["2025年4月（当期）"], "500.00", "已发放"),
        ("王建国", ["2025年3月（当期）"], "500.00", "已发放"),
        ("王建国", ["2025年2月（当期）"], "500.00", "已发放"),
        ("王建国", ["2025年1月（当期）"], "500.00", "已发放"),
    ]
    assert [(r["name"], r["months"], r["state"], r["failure_reason"]) for r in current.context["rows"]] == [
        ("王建国", ["2025年6月（当期）"], "发放失败（退票）", "户名不符"),
        ("王建国", ["2025年5月（当期）"], "已发放", ""),
        ("李强", ["2025年1月（当期）"], "已发放", ""),
    ]
    for response in (former, current):
        page = response.content.decode()
        assert (WANG_ACCOUNT in page, LI_ACCOUNT in page, wang.application.id_number in page) == (False,) * 3
    assert "6222 **** **** 4567" in current.content.decode()
    assert "李强" not in former.content.decode()


def test_an_enterprise_without_payments_sees_the_empty_page(client, alice):
    client.force_login(alice)
    response = client.get(ENTERPRISE_PAGE)
    assert (response.status_code, response.context["rows"]) == (200, [])
    assert "暂无本单位首席技师的津贴发放记录" in response.content.decode()


def test_the_enterprise_page_costs_the_same_queries_for_one_or_three_lines(
    client, holders, olivia, alice, django_assert_num_queries
):
    wang, _ = holders
    pay(olivia, wang, date(2025, 1, 1))
    client.force_login(alice)
    client.get(ENTERPRISE_PAGE)
    with django_assert_num_queries(ENTERPRISE_QUERIES):
        assert len(client.get(ENTERPRISE_PAGE).context["rows"]) == 1
    pay(olivia, wang, date(2025, 2, 1))
    fail(pay(olivia, wang, date(2025, 3, 1)))
    with django_assert_num_queries(ENTERPRISE_QUERIES):
        assert len(client.get(ENTERPRISE_PAGE).context["rows"]) == 3


ENTERPRISE_QUERIES = 10


@pytest.mark.parametrize("who", ["olivia", "gina", "stranger"])
def test_the_enterprise_page_is_the_enterprises_alone(client, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(ENTERPRISE_PAGE).status_code == 403


def test_a_suspended_enterprise_still_reads_its_past_payments(client, holders, olivia, alice):
    # As on its list of chief technicians (tenure:enterprise_tenures): the records stay readable, acting stops.
    wang, _ = holders
    pay(olivia, wang, date(2025, 1, 1))
    alice.enterprise.status = alice.enterprise.Status.SUSPENDED
    alice.enterprise.save(update_fields=["status"])
    client.force_login(alice)

    response = client.get(ENTERPRISE_PAGE)

    assert [(r["name"], r["months"]) for r in response.context["rows"]] == [("王建国", ["2025年1月（当期）"])]
