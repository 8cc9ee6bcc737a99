"""The 2024 cohort's subsidy (第十二条), month by month from January 2025, as the bureau would have paid it.

Each month the officer built the batch on the 3rd and submitted it, the second officer checked it on the 4th,
the bureau's approver approved it on the 7th, the officer sent the bank file on the 8th and imported the bank's
result on the 10th. Along the way:
- the year-1 re-review (chieftech.review.demo) passed in December 2025 for three of the four holders still paid,
  so their months 13–24 were paid; 鞠文涛's did not pass, so nothing of 2026 was paid to him;
- 宋建军's change (left his skill post on 16 June 2025) was reported in July, after July was paid: that month
  became an amount to recover, and he paid it back in August; nothing was paid to him after June;
- 鞠文涛's March 2025 line failed at the bank (a dormant account) and was paid again in April's batch;
- the December 2026 batch waits for 复核 (林晓红's line held: her own report awaits the officer).

The steps are events in tenure.demo's timeline (`payroll_events`), run in time order with the status changes.
"""

import csv
import io
from collections.abc import Callable
from datetime import date, datetime, time
from decimal import Decimal

from chieftech.core.dates import month_next
from chieftech.policy.calendar import DEADLINE_TZ
from chieftech.subsidy.domain.bank import bank_result_import, payroll_batch_export
from chieftech.subsidy.domain.budget import budget_set
from chieftech.subsidy.domain.build import payroll_batch_build
from chieftech.subsidy.domain.recovery import recovery_refund
from chieftech.subsidy.domain.workflow import payroll_batch_approve, payroll_batch_check, payroll_batch_submit
from chieftech.subsidy.models import BankFileFormat, PayrollBatch, PayrollLine, Recovery
from chieftech.tenure.models import Tenure

FIRST_PERIOD = date(2025, 1, 1)
LAST_PERIOD = date(2026, 12, 1)  # built and submitted; waits for 复核
FORMAT = {
    "name": "威海市商业银行代发工资（CSV）",
    "bank": "威海市商业银行",
    "file_type": "csv",
    "encoding": "gbk",
    "delimiter": ",",
    "header_row": True,
    "summary_row": False,
    "filename_pattern": "{batch}.{ext}",
    "columns": [
        {"field": "seq", "header": "序号"},
        {"field": "account", "header": "收款账号"},
        {"field": "name", "header": "收款户名"},
        {"field": "amount", "header": "金额"},
        {"field": "purpose", "header": "用途"},
    ],
    # The bank's result file: 序号,收款账号,收款户名,金额,批次号,处理结果,失败原因,入账日期.
    "return_columns": {"seq": 0, "account": 1, "amount": 3, "batch": 4, "status": 5, "reason": 6, "date": 7},
    "return_header_rows": 1,
    "success_values": ["成功"],
}
FAILED = {"rank": 4, "period": date(2025, 3, 1), "reason": "收款账户为睡眠户，已止付"}
REFUND = {"rank": 2, "on": date(2025, 8, 12), "reference": "非税收入缴款书 3710020250812001"}
# Year → (amount, what it rests on, the day the officer entered it).
BUDGETS = {
    2025: ("30000.00", "环翠区财政局2025年度人才发展专项资金（首席技师津贴）", date(2024, 12, 30)),
    2026: ("30000.00", "环翠区财政局2026年度人才发展专项资金（首席技师津贴）", date(2026, 1, 8)),
}


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=DEADLINE_TZ)


def _months(first: date, last: date):
    day = first
    while day <= last:
        yield day
        day = month_next(day)


def payroll_events(
    *, authority, cohort: list[Tenure], users: dict
) -> list[tuple[datetime, Callable[[], None]]]:
    """The subsidy's steps as (moment, step) events; `users` is filled with the holders as the timeline runs."""
    officer, checker, approver = users["officer"], users["officer2"], users["approver"]
    batches: dict[date, PayrollBatch] = {}
    events: list[tuple[datetime, Callable[[], None]]] = []

    def bank_format() -> None:
        BankFileFormat.objects.get_or_create(authority=authority, name=FORMAT["name"], defaults=FORMAT)

    events.append((_at(date(2024, 12, 30), 9), bank_format))
    for year, (amount, note, day) in BUDGETS.items():
        events.append(
            (
                _at(day, 9, 30),
                lambda year=year, amount=amount, note=note, day=day: budget_set(
                    actor=officer,
                    authority=authority,
                    year=year,
                    amount=Decimal(amount),
                    note=note,
                    now=_at(day, 9, 30),
                ),
            )
        )

    for period in _months(FIRST_PERIOD, LAST_PERIOD):
        events += _batch_events(
            period, authority=authority, cohort=cohort, batches=batches, people=(officer, checker, approver)
        )

    def refund() -> None:
        recovery = Recovery.objects.get(tenure=cohort[REFUND["rank"]], state=Recovery.State.OPEN)
        recovery_refund(
            actor=officer,
            recovery=recovery,
            refunded_on=REFUND["on"],
            reference=REFUND["reference"],
            now=_at(REFUND["on"], 14),
        )

    events.append((_at(REFUND["on"], 14), refund))
    return events


def _batch_events(period: date, *, authority, cohort, batches, people) -> list:
    officer, checker, approver = people
    fmt = lambda: BankFileFormat.objects.get(authority=authority, name=FORMAT["name"])  # noqa: E731

    def build() -> None:
        batches[period] = payroll_batch_build(
            actor=officer, authority=authority, period_start=period, now=_at(period.replace(day=3), 9)
        )

    def submit() -> None:
        payroll_batch_submit(actor=officer, batch=batches[period], now=_at(period.replace(day=3), 10))

    def check() -> None:
        payroll_batch_check(actor=checker, batch=batches[period], now=_at(period.replace(day=4), 10))

    def approve() -> None:
        payroll_batch_approve(actor=approver, batch=batches[period], now=_at(period.replace(day=7), 10))

    def export() -> None:
        payroll_batch_export(
            actor=officer, batch=batches[period], fmt=fmt(), now=_at(period.replace(day=8), 9, 30)
        )

    def result() -> None:
        batch = batches[period]
        failed = cohort[FAILED["rank"]].pk if period == FAILED["period"] else None
        bank_result_import(
            actor=officer,
            batch=batch,
            content=_return_file(batch, failed_tenure_id=failed, paid_on=period.replace(day=10)),
            filename=f"{batch.number}-回盘.csv",
            now=_at(period.replace(day=10), 16),
        )

    steps = [(3, 9, 0, build), (3, 10, 0, submit)]
    if period < LAST_PERIOD:
        steps += [(4, 10, 0, check), (7, 10, 0, approve), (8, 9, 30, export), (10, 16, 0, result)]
    return [(_at(period.replace(day=day), hour, minute), step) for day, hour, minute, step in steps]


def _return_file(batch: PayrollBatch, *, failed_tenure_id: int | None, paid_on: date) -> bytes:
    """The bank's result file for the batch: every line paid but the one that failed."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["序号", "收款账号", "收款户名", "金额", "批次号", "处理结果", "失败原因", "入账日期"])
    lines = (
        PayrollLine.objects.filter(batch=batch, state=PayrollLine.State.EXPORTED)
        .select_related("bank_account")
        .order_by("seq")
    )
    for line in lines:
        failed = line.tenure_id == failed_tenure_id
        writer.writerow(
            [
                line.seq,
                line.bank_account.number,
                line.bank_account.account_name,
                f"{line.net:.2f}",
                batch.number,
                "失败" if failed else "成功",
                FAILED["reason"] if failed else "",
                f"{paid_on:%Y%m%d}",
            ]
        )
    return out.getvalue().encode("gbk")
