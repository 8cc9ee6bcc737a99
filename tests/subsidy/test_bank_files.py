"""The bank batch file, read as the bank reads it: each preset's encoding, delimiter and columns; the account
as text in Excel; the summary row only where configured; the same bytes every time; the export and the audited
download, for the officer of the batch's authority only."""

import csv
import hashlib
import io
from datetime import datetime
from decimal import Decimal

import pytest
import rules
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from openpyxl import load_workbook

from chieftech.accounts.roles import Role
from chieftech.audit.models import AuditRecord
from chieftech.core.errors import NON_FIELD, DomainError
from chieftech.subsidy.bank_files import BANK_FORMAT_PRESETS, bank_file_render, bank_format_check
from chieftech.subsidy.domain.bank import payroll_batch_bank_file, payroll_batch_export
from chieftech.subsidy.models import PayrollLine
from chieftech.tenure.models import BankAccount, Tenure
from tests.factories import make_payroll_batch, make_user, make_weihai
from tests.subsidy.bank_setup import ACCOUNTS, EXPORTED_AT, approved, exported, holders, make_format
from tests.test_irreversible_actions import asked, confirm, logged_in

PURPOSE = "2026年12月首席技师津贴"


@pytest.fixture
def tenures(alice, gina, olivia):
    return holders(alice, gina, olivia)


def rows_of(content: bytes, *, encoding: str, delimiter: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode(encoding)), delimiter=delimiter))


def test_icbc_csv_is_gbk_with_a_header_and_one_row_per_payable_line(olivia, tenures):
    fmt = make_format(tenures[0].authority, "icbc_csv")
    batch = exported(olivia, tenures, fmt, number="HCJT-202612-01")

    filename, content = bank_file_render(batch=batch, fmt=fmt)

    assert filename == "HCJT-202612-01.csv"
    assert rows_of(content, encoding="gbk", delimiter=",") == [
        ["序号", "账号", "户名", "金额", "用途"],
        ["1", ACCOUNTS["王建国"], "王建国", "500.00", PURPOSE],
        ["2", ACCOUNTS["李秀英"], "李秀英", "500.00", PURPOSE],
        ["3", ACCOUNTS["张伟"], "张伟", "500.00", PURPOSE],
    ]
    # The held line (赵敏, no account) is never in the file, and the file is GBK, not UTF-8.
    assert content.startswith("序号".encode("gbk"))


def test_cmb_xlsx_keeps_the_account_as_text_and_has_no_totals_row(olivia, tenures):
    fmt = make_format(tenures[0].authority, "cmb_xlsx")
    batch = exported(olivia, tenures, fmt, number="HCJT-202612-01")

    filename, content = bank_file_render(batch=batch, fmt=fmt)

    sheet = load_workbook(io.BytesIO(content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert (filename, rows) == (
        "HCJT-202612-01.xlsx",
        [
            ["账号", "户名", "金额", "开户行", "注释"],
            [ACCOUNTS["王建国"], "王建国", 500, "中国工商银行", PURPOSE],
            [ACCOUNTS["李秀英"], "李秀英", 500, "中国工商银行", PURPOSE],
            [ACCOUNTS["张伟"], "张伟", 500, "中国工商银行", PURPOSE],
        ],
    )
    account = sheet["A2"]
    assert (account.data_type, account.value, account.number_format) == ("s", "0622848043801987654", "@")
    assert (sheet["C2"].data_type, sheet["C2"].number_format) == ("n", "0.00")
    # The workbook's own dates are the export's, not the clock's: a later download is the same bytes.
    properties = load_workbook(io.BytesIO(content)).properties
    assert (properties.created, properties.modified) == (
        datetime(2026, 12, 10, 9, 30),
        datetime(2026, 12, 10, 9, 30),
    )


def test_boc_txt_has_its_fixed_name_and_the_pipe(olivia, tenures):
    fmt = make_format(tenures[0].authority, "boc_txt")
    batch = exported(olivia, tenures[:1], fmt)

    filename, content = bank_file_render(batch=batch, fmt=fmt)

    assert filename == "DFGZ.txt"
    assert rows_of(content, encoding="gbk", delimiter="|") == [
        ["序号", "收款人名称", "收款人账号", "金额", "用途"],
        ["1", "王建国", ACCOUNTS["王建国"], "500.00", PURPOSE],
    ]


def test_psbc_txt_starts_with_the_count_and_the_total(olivia, tenures):
    fmt = make_format(tenures[0].authority, "psbc_txt")
    batch = exported(olivia, tenures, fmt)

    _, content = bank_file_render(batch=batch, fmt=fmt)

    ids = [t.application.id_number for t in tenures[:3]]
    assert rows_of(content, encoding="gbk", delimiter="|") == [
        ["3", "1500.00"],
        [ACCOUNTS["王建国"], "王建国", "500.00", ids[0], PURPOSE],
        [ACCOUNTS["李秀英"], "李秀英", "500.00", ids[1], PURPOSE],
        [ACCOUNTS["张伟"], "张伟", "500.00", ids[2], PURPOSE],
    ]


def test_a_utf8_format_writes_utf8_and_the_filename_takes_the_export_date(olivia, tenures):
    fmt = make_format(
        tenures[0].authority, "icbc_csv", encoding="utf-8", filename_pattern="DF{date}_{batch}.{ext}"
    )
    batch = exported(olivia, tenures[:1], fmt, number="HCJT-202612-01")

    filename, content = bank_file_render(batch=batch, fmt=fmt)

    assert filename == "DF20261210_HCJT-202612-01.csv"
    assert rows_of(content, encoding="utf-8", delimiter=",")[1] == [
        "1",
        ACCOUNTS["王建国"],
        "王建国",
        "500.00",
        PURPOSE,
    ]


@pytest.mark.parametrize("preset", sorted(BANK_FORMAT_PRESETS))
def test_the_file_is_the_same_bytes_every_time(olivia, tenures, preset):
    fmt = make_format(tenures[0].authority, preset)
    batch = exported(olivia, tenures, fmt)

    first = bank_file_render(batch=batch, fmt=fmt)
    batch.refresh_from_db()
    again = bank_file_render(batch=batch, fmt=fmt)

    assert first == again
    assert hashlib.sha256(first[1]).hexdigest() == batch.bank_file_sha256


def test_gbk_refuses_a_name_it_cannot_encode_and_utf8_takes_it(olivia, alice, gina):
    tenures = holders(alice, gina, olivia, names=("王建国", "𠮷祥"), held=False)
    authority = tenures[0].authority
    batch = approved(olivia, tenures)

    with pytest.raises(DomainError) as refused:
        payroll_batch_export(
            actor=olivia, batch=batch, fmt=make_format(authority, "icbc_csv"), now=EXPORTED_AT
        )

    assert refused.value.message_dict == {
        NON_FIELD: [
            "第3行“𠮷祥”含有GBK编码不能表示的字符。",
            "请改用该银行的UTF-8格式，或与银行另行办理这些人员的发放。",
        ]
    }
    batch.refresh_from_db()
    assert (batch.state, batch.bank_file_sha256) == ("approved", "")
    assert list(batch.lines.values_list("state", flat=True)) == ["pending", "pending"]

    utf8 = make_format(authority, "icbc_csv", name="工行UTF-8", encoding="utf-8")
    _, content = payroll_batch_export(actor=olivia, batch=batch, fmt=utf8, now=EXPORTED_AT)

    assert rows_of(content, encoding="utf-8", delimiter=",")[2][2] == "𠮷祥"


def test_the_format_check_names_every_problem_at_its_field():
    with pytest.raises(DomainError) as refused:
        bank_format_check(
            file_type="txt",
            delimiter="",
            columns=[{"field": "name", "header": "户名"}, {"field": "salary", "header": "工资"}],
            return_columns={"account": 0, "amount": 0, "colour": 3},
            success_values=["  "],
        )

    assert refused.value.message_dict == {
        "delimiter": ["CSV、TXT 文件须填写分隔符（如 , 或 |）。"],
        "columns": [
            "第2行“salary”不是可用的字段。",
            "代发文件必须包含“账号（完整）”列。",
            "代发文件必须包含“金额（实发，两位小数）”列。",
        ],
        "return_columns": [
            "“colour”不是回盘文件可用的字段。",
            "回盘文件必须指明“处理结果”所在的列，用于核对。",
            "回盘文件的两个字段不能在同一列。",
        ],
        "success_values": ["请至少填写一个表示成功的处理结果（如“成功”）。"],
    }


@pytest.mark.parametrize("preset", sorted(BANK_FORMAT_PRESETS))
def test_every_preset_passes_the_check(preset):
    bank_format_check(**BANK_FORMAT_PRESETS[preset])


# --- Export and download ---------------------------------------------------------------------------


def test_export_moves_the_batch_and_its_payable_lines_and_records_the_file(olivia, tenures):
    fmt = make_format(tenures[0].authority, "icbc_csv")
    batch = approved(olivia, tenures)

    _, content = payroll_batch_export(actor=olivia, batch=batch, fmt=fmt, now=EXPORTED_AT)

    batch.refresh_from_db()
    assert (batch.state, batch.bank_format, batch.exported_by, batch.exported_at, batch.bank_file_sha256) == (
        "exported",
        fmt,
        olivia,
        EXPORTED_AT,
        hashlib.sha256(content).hexdigest(),
    )
    assert list(batch.lines.values_list("state", flat=True)) == ["exported", "exported", "exported", "held"]
    record = AuditRecord.objects.get(action="payroll.export")
    assert (record.after["state"], record.after["bank_file_sha256"], record.after["bank_format"]) == (
        "exported",
        batch.bank_file_sha256,
        fmt.name,
    )
    assert (batch.line_count, batch.net_total) == (3, Decimal("1500.00"))


def test_the_download_is_the_exported_file_never_stored_and_audited_without_the_numbers(olivia, tenures):
    fmt = make_format(tenures[0].authority, "icbc_csv")
    batch = approved(olivia, tenures)
    _, exported_content = payroll_batch_export(actor=olivia, batch=batch, fmt=fmt, now=EXPORTED_AT)

    response = logged_in(olivia).get(reverse("subsidy:batch_bank_file", args=[batch.pk]))

    assert response.status_code == 200
    assert response.content == exported_content
    assert "no-store" in response["Cache-Control"]
    assert response["Content-Type"] == "text/csv"
    record = AuditRecord.objects.get(action="payroll.bank_file")
    assert (record.actor_id, record.object_id, record.after["bank_file_sha256"]) == (
        olivia.pk,
        str(batch.pk),
        hashlib.sha256(exported_content).hexdigest(),
    )
    # The numbers are in the file, and in no audit record.
    assert ACCOUNTS["李秀英"].encode() in response.content
    for row in AuditRecord.objects.values_list("before", "after"):
        assert ACCOUNTS["李秀英"] not in str(row)


def test_a_download_that_would_differ_from_the_exported_file_is_refused(olivia, tenures):
    fmt = make_format(tenures[0].authority, "icbc_csv")
    batch = exported(olivia, tenures, fmt)
    BankAccount.objects.filter(tenure=tenures[1]).update(account_name="李秀")

    with pytest.raises(DomainError) as refused:
        payroll_batch_bank_file(actor=olivia, batch=batch)

    assert refused.value.code == "bank_file_changed"
    assert AuditRecord.objects.filter(action="payroll.bank_file").count() == 0


@pytest.fixture
def outsiders(alice, tenures):
    """Everyone but the officer of the batch's authority, each with something of their own in reach."""
    holder = make_user("tech1", Role.TECHNICIAN, real_name="王建国")
    Tenure.objects.filter(pk=tenures[0].pk).update(user=holder)
    weihai = make_weihai()
    return {
        "approver": make_user("paula", Role.PAYROLL_APPROVER, real_name="宝拉"),
        "weihai_officer": make_user("walter", Role.OFFICER, authority=weihai, real_name="沃尔特"),
        "enterprise": alice,
        "holder": holder,
    }


@pytest.mark.parametrize(
    ("who", "status"), [("approver", 403), ("weihai_officer", 404), ("enterprise", 403), ("holder", 403)]
)
def test_only_the_officer_of_the_authority_gets_the_bank_file(olivia, tenures, outsiders, who, status):
    fmt = make_format(tenures[0].authority, "icbc_csv")
    batch = exported(olivia, tenures, fmt)
    client = logged_in(outsiders[who])

    answers = [
        client.get(reverse(name, args=[batch.pk])).status_code
        for name in ("subsidy:batch_bank_file", "subsidy:batch_export", "subsidy:batch_import")
    ]

    assert answers == [status, status, status]
    assert AuditRecord.objects.filter(action="payroll.bank_file").count() == 0
    with pytest.raises(PermissionDenied):
        payroll_batch_bank_file(actor=outsiders[who], batch=batch)


def test_the_batch_bank_page_shows_no_account_number(olivia, tenures):
    fmt = make_format(tenures[0].authority, "icbc_csv")
    batch = exported(olivia, tenures, fmt)

    response = logged_in(olivia).get(reverse("subsidy:batch_export", args=[batch.pk]))

    page = response.content.decode()
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert [number in page for number in ACCOUNTS.values()] == [False, False, False]
    assert batch.bank_file_sha256 in page


def test_exporting_asks_first_then_exports(olivia, tenures):
    fmt = make_format(tenures[0].authority, "icbc_csv")
    batch = approved(olivia, tenures, number="HCJT-202612-01")
    client = logged_in(olivia)

    response = client.post(reverse("subsidy:batch_export", args=[batch.pk]), {"fmt": fmt.pk})

    question, _, button = asked(response)
    assert (question, button) == (
        "即将按“中国工商银行代发（CSV，GBK）”生成发放表HCJT-202612-01的银行代发文件：3人，实发合计1500.00元。"
        "生成后发放表变为“已报送银行”，不能再修改或作废，银行处理结果以回盘文件为准。",
        "确认生成",
    )
    batch.refresh_from_db()
    assert batch.state == "approved"

    response = confirm(client, response)

    assert response["Location"] == reverse("subsidy:batch_export", args=[batch.pk])
    batch.refresh_from_db()
    assert (batch.state, PayrollLine.objects.filter(batch=batch, state="exported").count()) == ("exported", 3)


# --- Who may ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [role.value for role in Role])
def test_each_role_against_the_bank_rules_here_and_in_another_authority(olivia, tenures, role):
    user = make_user(f"matrix-{role}", role)
    weihai = make_weihai()
    batch = approved(olivia, tenures)
    theirs = make_payroll_batch(olivia, period=batch.period_start, lines=[], authority=weihai)

    assert (
        rules.has_perm("subsidy.bank_file_export", user, batch),
        rules.has_perm("subsidy.bank_file_export", user, theirs),
        rules.has_perm("subsidy.bank_format_manage", user, batch.authority),
        rules.has_perm("subsidy.bank_format_manage", user, weihai),
    ) == (role == Role.OFFICER, False, role == Role.SYSADMIN, role == Role.SYSADMIN)
