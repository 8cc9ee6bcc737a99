"""The bank's return file read back: a file per preset with one failed row; every row matched to one exported
line or the whole file refused with every problem; a failed line's months released for the next batch."""

from datetime import date
from decimal import Decimal

import lxml.html
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from chieftech.audit.models import AuditRecord
from chieftech.core.errors import NON_FIELD, DomainError
from chieftech.subsidy.bank_files import BANK_FORMAT_PRESETS
from chieftech.subsidy.domain.bank import bank_result_import
from chieftech.subsidy.models import PayrollMonth
from tests.subsidy.bank_setup import ACCOUNTS, delimited, exported, holders, make_format, xlsx
from tests.test_irreversible_actions import asked, confirm, logged_in

IMPORTED_AT = timezone.make_aware(timezone.datetime(2026, 12, 15, 16, 0))
CLOSED = "账户已销户"


@pytest.fixture
def tenures(alice, gina, olivia):
    return holders(alice, gina, olivia)


def return_rows(batch, *, failed: int | None = 2, paid_date: str = "2026-12-12") -> list[dict]:
    """What the bank says of each exported line: paid, or (the line with seq `failed`) the account closed."""
    return [
        {
            "seq": str(line.seq),
            "account": line.bank_account.number,
            "name": line.bank_account.account_name,
            "amount": f"{line.net:.2f}",
            "ok": line.seq != failed,
            "date": paid_date,
        }
        for line in batch.lines.filter(state="exported").select_related("bank_account").order_by("seq")
    ]


def return_file(preset: str, rows: list[dict]) -> bytes:
    """The return file as each bank's preset reads it (its columns, header rows, encoding, type)."""
    if preset == "icbc_csv":
        body = [[r["seq"], r["account"], r["name"], r["amount"], *result(r, "成功", "失败")] for r in rows]
        return delimited(
            [["序号", "账号", "户名", "金额", "处理结果", "失败原因"], *body], delimiter=",", encoding="gbk"
        )
    if preset == "cmb_xlsx":
        body = [[r["account"], r["name"], float(r["amount"]), *result(r, "成功", "失败")] for r in rows]
        return xlsx([["账号", "户名", "金额", "处理结果", "失败原因"], *body])
    if preset == "boc_txt":
        body = [
            [r["seq"], r["name"], r["account"], r["amount"], *result(r, "成功", "退票"), r["date"]]
            for r in rows
        ]
        return delimited(
            [["序号", "户名", "账号", "金额", "结果", "原因", "日期"], *body], delimiter="|", encoding="gbk"
        )
    body = [[r["account"], r["name"], r["amount"], *result(r, "已入账", "失败")] for r in rows]
    return delimited(body, delimiter="|", encoding="gbk")


def result(row: dict, ok: str, failed: str) -> list[str]:
    return [ok, ""] if row["ok"] else [failed, CLOSED]


@pytest.mark.parametrize("preset", sorted(BANK_FORMAT_PRESETS))
def test_a_return_file_per_preset_pays_the_lines_and_fails_the_one_returned(olivia, tenures, preset):
    fmt = make_format(tenures[0].authority, preset)
    batch = exported(olivia, tenures, fmt)
    totals = (batch.line_count, batch.held_count, batch.gross_total, batch.net_total)

    report = bank_result_import(
        actor=olivia,
        batch=batch,
        content=return_file(preset, return_rows(batch)),
        filename="回盘",
        now=IMPORTED_AT,
    )

    paid_on = date(2026, 12, 12) if preset == "boc_txt" else date(2026, 12, 15)
    assert (report.paid, report.failed, report.paid_total, report.failed_total, report.paid_on) == (
        2,
        1,
        Decimal("1000.00"),
        Decimal("500.00"),
        paid_on,
    )
    lines = list(batch.lines.order_by("seq").values_list("state", "paid_on", "failure_reason", "bank_status"))
    failed_status = {"boc_txt": "退票"}.get(preset, "失败")
    ok_status = "已入账" if preset == "psbc_txt" else "成功"
    assert lines == [
        ("paid", paid_on, "", ok_status),
        ("failed", None, CLOSED, failed_status),
        ("paid", paid_on, "", ok_status),
        ("held", None, "", ""),
    ]
    months = (
        PayrollMonth.objects.filter(line__batch=batch).order_by("line__seq").values_list("live", flat=True)
    )
    assert list(months) == [True, False, True, False]
    batch.refresh_from_db()
    assert (batch.state, batch.completed_at, batch.paid_on) == ("completed", IMPORTED_AT, paid_on)
    assert (batch.line_count, batch.held_count, batch.gross_total, batch.net_total) == totals
    record = AuditRecord.objects.get(action="payroll.import_result")
    assert {k: record.after[k] for k in ("state", "paid", "failed", "paid_total", "failed_total")} == {
        "state": "completed",
        "paid": 2,
        "failed": 1,
        "paid_total": "1000.00",
        "failed_total": "500.00",
    }


def refused(olivia, batch, content: bytes) -> list[str]:
    with pytest.raises(DomainError) as refusal:
        bank_result_import(actor=olivia, batch=batch, content=content, filename="回盘", now=IMPORTED_AT)
    return refusal.value.message_dict[NON_FIELD]


def assert_nothing_saved(batch):
    batch.refresh_from_db()
    assert batch.state == "exported"
    assert list(batch.lines.order_by("seq").values_list("state", flat=True)) == [
        "exported",
        "exported",
        "exported",
        "held",
    ]
    assert list(PayrollMonth.objects.filter(line__batch=batch).values_list("live", flat=True)) == [
        True,
        True,
        True,
        False,
    ]
    assert AuditRecord.objects.filter(action="payroll.import_result").count() == 0


def test_matching_by_seq_refuses_the_whole_file_listing_every_problem(olivia, tenures):
    fmt = make_format(tenures[0].authority, "icbc_csv")
    batch = exported(olivia, tenures, fmt)
    rows = return_rows(batch, failed=None)
    stranger = {**rows[0], "seq": "9"}
    wrong_amount = {**rows[1], "amount": "5000.00"}
    # Row 2 is seq 1, row 3 seq 1 again, row 4 seq 2 with another amount, row 5 a seq that was never exported;
    # seq 3 has no row.
    content = return_file("icbc_csv", [rows[0], rows[0], wrong_amount, stranger])

    assert refused(olivia, batch, content) == [
        "第3行：与第2行重复，对应同一笔报盘明细（序号1）。",
        "第4行：金额5000.00元与报盘金额500.00元不一致（序号2）。",
        "第5行：序号“9”在本发放表的报盘明细中不存在。",
        "序号3（张伟）在回盘文件中没有对应的记录。",
    ]
    assert_nothing_saved(batch)


def test_matching_by_account_and_amount_refuses_the_whole_file_listing_every_problem(olivia, tenures):
    fmt = make_format(tenures[0].authority, "cmb_xlsx")
    batch = exported(olivia, tenures, fmt)
    rows = return_rows(batch, failed=None)
    unknown = {**rows[0], "account": "6228480000000009999"}
    wrong_amount = {**rows[1], "amount": "499.99"}
    content = return_file("cmb_xlsx", [rows[0], unknown, wrong_amount, rows[0]])

    assert refused(olivia, batch, content) == [
        "第3行：账号在本发放表的报盘明细中不存在。",
        "第4行：金额499.99元与报盘金额500.00元不一致（序号2）。",
        "第5行：与第2行重复，对应同一笔报盘明细（序号1）。",
        "序号3（张伟）在回盘文件中没有对应的记录。",
    ]
    assert_nothing_saved(batch)


def test_a_row_whose_account_differs_from_its_seq_is_refused(olivia, tenures):
    fmt = make_format(tenures[0].authority, "icbc_csv")
    batch = exported(olivia, tenures, fmt)
    rows = return_rows(batch)
    rows[0] = {**rows[0], "account": ACCOUNTS["张伟"]}

    assert refused(olivia, batch, return_file("icbc_csv", rows)) == [
        "第2行：账号与序号1报盘的账号不一致。",
    ]
    assert_nothing_saved(batch)


def test_a_paid_date_before_the_export_is_refused(olivia, tenures):
    fmt = make_format(tenures[0].authority, "boc_txt")
    batch = exported(olivia, tenures, fmt)

    problems = refused(olivia, batch, return_file("boc_txt", return_rows(batch, paid_date="2026-11-12")))

    assert problems == [f"第{n}行：入账日期2026-11-12早于本发放表的报盘日期2026-12-10。" for n in (2, 3, 4)]
    assert_nothing_saved(batch)


def test_a_file_not_in_the_formats_encoding_or_type_is_refused(olivia, tenures):
    batch = exported(olivia, tenures, make_format(tenures[0].authority, "cmb_xlsx"))

    with pytest.raises(DomainError) as refusal:
        bank_result_import(actor=olivia, batch=batch, content=b"not a workbook", filename="x.xlsx")

    assert (refusal.value.message, refusal.value.field) == ("回盘文件不是有效的Excel（XLSX）文件。", "file")
    assert_nothing_saved(batch)


def test_importing_asks_first_and_lists_the_problems_at_the_top(olivia, tenures):
    fmt = make_format(tenures[0].authority, "icbc_csv")
    batch = exported(olivia, tenures, fmt, number="HCJT-202612-01")
    client = logged_in(olivia)
    url = reverse("subsidy:batch_import", args=[batch.pk])
    rows = return_rows(batch)

    bad = client.post(url, {"file": SimpleUploadedFile("bad.csv", return_file("icbc_csv", rows[:2]))})

    assert bad.status_code == 200
    summary = lxml.html.fromstring(bad.content.decode()).xpath('//div[@class="error-summary"]//li')
    assert [li.text_content() for li in summary] == [
        "序号3（张伟）在回盘文件中没有对应的记录。",
    ]
    assert_nothing_saved(batch)

    response = client.post(url, {"file": SimpleUploadedFile("回盘.csv", return_file("icbc_csv", rows))})

    question, _, button = asked(response)
    assert (question, button) == (
        "即将导入发放表HCJT-202612-01的银行回盘“回盘.csv”：成功2笔1000.00元，失败1笔500.00元。"
        "导入后发放表办结，失败的月份在下一期发放表中重发。",
        "确认导入",
    )
    # The return file's account numbers wait on the server; the page carries a token for them, not them.
    carried = lxml.html.fromstring(response.content.decode()).xpath('//form[@id="confirm-form"]//input/@name')
    assert sorted(carried) == [
        "confirmed",
        "csrfmiddlewaretoken",
        "form_token",
        "return_filename",
        "return_token",
    ]
    assert [number in response.content.decode() for number in ACCOUNTS.values()] == [False, False, False]
    assert_nothing_saved(batch)

    response = confirm(client, response)

    assert response["Location"] == reverse("subsidy:batch_export", args=[batch.pk])
    batch.refresh_from_db()
    assert batch.state == "completed"
    assert AuditRecord.objects.get(action="payroll.import_result").after["return_filename"] == "回盘.csv"
