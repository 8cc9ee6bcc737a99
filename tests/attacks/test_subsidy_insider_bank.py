"""Insiders on the bank round trip of the subsidy, each attempt kept as a test that fails to get through: the
return file empty, oversized, undecodable, edited, replayed, settling a line twice or the held one; an account
changed after approval; a line wholly offset; the file of a completed batch downloaded again. The rest of the
subsidy is in test_subsidy_insider.py."""

from datetime import date
from decimal import Decimal

import lxml.html
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from chieftech.core.errors import DomainError
from chieftech.subsidy.domain.bank import bank_result_import, payroll_batch_export
from chieftech.subsidy.domain.recovery import recovery_refund
from chieftech.subsidy.models import PayrollMonth, Recovery
from chieftech.tenure.models import BankAccountState
from tests.factories import make_bank_account, make_payroll_batch
from tests.subsidy.bank_setup import (
    ACCOUNTS,
    EXPORTED_AT,
    NO_ACCOUNT,
    approved,
    exported,
    holders,
    make_format,
)
from tests.subsidy.test_bank_import import IMPORTED_AT, return_file, return_rows
from tests.test_irreversible_actions import logged_in


@pytest.fixture
def tenures(alice, gina, olivia):
    return holders(alice, gina, olivia)


@pytest.fixture
def icbc(tenures):
    return make_format(tenures[0].authority, "icbc_csv")


def _import_post(user, batch, content: bytes, name: str = "回盘.csv"):
    url = reverse("subsidy:batch_import", args=[batch.pk])
    return logged_in(user).post(url, {"file": SimpleUploadedFile(name, content)})


@pytest.mark.parametrize(
    "content",
    [
        b"",
        "序号,账号,户名,金额,处理结果,失败原因\r\n".encode("utf-16"),
        b"\xff\xfe\x00\x81\x30\xff" * 100,
        b"PK\x03\x04broken zip",
    ],
    ids=["empty", "utf16", "undecodable", "broken-xlsx"],
)
def test_an_empty_or_unreadable_return_file_is_the_forms_error(olivia, tenures, icbc, content):
    batch = exported(olivia, tenures, icbc)

    response = _import_post(olivia, batch, content)

    assert response.status_code == 200
    assert response.context["import_form"].errors
    batch.refresh_from_db()
    assert batch.state == "exported"
    assert set(batch.lines.values_list("state", flat=True)) == {"exported", "held"}


def test_a_huge_return_file_is_refused_before_it_is_read(olivia, tenures, icbc, settings):
    batch = exported(olivia, tenures, icbc)
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
    content = b"1,6222,x,1.00,\xb3\xc9\xb9\xa6,\r\n" * 400_000  # about 12 MB of rows

    response = _import_post(olivia, batch, content)

    assert response.status_code == 200
    assert response.context["import_form"].errors["file"]
    batch.refresh_from_db()
    assert batch.state == "exported"


# --- the bank's return file edited ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "edit",
    [
        {"amount": "99999.00"},
        {"account": ACCOUNTS["张伟"]},
        {"seq": "99"},
    ],
    ids=["amount", "account", "seq"],
)
def test_a_return_row_edited_to_another_amount_account_name_or_line_is_refused(olivia, tenures, icbc, edit):
    batch = exported(olivia, tenures, icbc)
    rows = return_rows(batch)
    rows[0] = {**rows[0], **edit}

    with pytest.raises(DomainError):
        bank_result_import(
            actor=olivia,
            batch=batch,
            content=return_file("icbc_csv", rows),
            filename="r.csv",
            now=IMPORTED_AT,
        )
    batch.refresh_from_db()
    assert batch.state == "exported"
    assert PayrollMonth.objects.filter(line__batch=batch, line__state="paid").count() == 0


def test_a_failed_line_turned_paid_in_a_replayed_return_file_stays_failed(olivia, tenures, icbc):
    batch = exported(olivia, tenures, icbc)
    rows = return_rows(batch)
    bank_result_import(
        actor=olivia, batch=batch, content=return_file("icbc_csv", rows), filename="r.csv", now=IMPORTED_AT
    )
    forged = [{**r, "ok": True} for r in rows]

    with pytest.raises(DomainError) as refused:
        bank_result_import(
            actor=olivia,
            batch=batch,
            content=return_file("icbc_csv", forged),
            filename="r2.csv",
            now=IMPORTED_AT,
        )

    assert refused.value.code == "already_imported"
    assert list(batch.lines.order_by("seq").values_list("state", flat=True)) == [
        "paid",
        "failed",
        "paid",
        "held",
    ]


def test_the_bank_file_pays_the_account_that_was_approved_not_one_changed_since(olivia, tenures, icbc):
    batch = approved(olivia, tenures)
    tenures[0].bank_accounts.update(state=BankAccountState.SUPERSEDED)
    make_bank_account(tenures[0], number="6228489999999999999", bank="中国农业银行")

    _, content = payroll_batch_export(actor=olivia, batch=batch, fmt=icbc, now=EXPORTED_AT)

    text = content.decode("gbk")
    assert ACCOUNTS["王建国"] in text
    assert "6228489999999999999" not in text
    assert NO_ACCOUNT not in text


def test_the_bank_page_of_a_completed_batch_says_what_the_bank_paid_and_returned(olivia, tenures, icbc):
    january = date(2027, 1, 1)
    batch = exported(olivia, tenures, icbc, period=january)
    content = return_file("icbc_csv", return_rows(batch, failed=2))
    bank_result_import(actor=olivia, batch=batch, content=content, filename="r.csv", now=IMPORTED_AT)

    response = logged_in(olivia).get(reverse("subsidy:batch_export", args=[batch.pk]))

    page = lxml.html.fromstring(response.content)
    summary = dict(
        zip(
            [dt.text_content() for dt in page.xpath("//dl[@id='batch-summary']/dt")],
            [dd.text_content() for dd in page.xpath("//dl[@id='batch-summary']/dd")],
            strict=True,
        )
    )
    assert (summary["所属期"], summary["实发合计（元）"]) == ("2027年1月", "1500.00")
    assert (summary["银行入账"], summary["银行退票"]) == ("2笔，1000.00元", "1笔，500.00元")


def test_a_return_row_for_the_held_line_pays_nothing(olivia, tenures, icbc):
    batch = exported(olivia, tenures, icbc)
    held = batch.lines.get(state="held")
    extra = {"seq": str(held.seq), "account": "6228480000000000000", "name": NO_ACCOUNT, "amount": "500.00"}
    rows = [*return_rows(batch, failed=None), {**extra, "ok": True, "date": "2026-12-12"}]

    with pytest.raises(DomainError):
        bank_result_import(
            actor=olivia,
            batch=batch,
            content=return_file("icbc_csv", rows),
            filename="r.csv",
            now=IMPORTED_AT,
        )

    held.refresh_from_db()
    assert (held.state, held.months.filter(live=True).count()) == ("held", 0)
    assert batch.lines.filter(state="paid").count() == 0


def test_the_bank_file_of_a_completed_batch_downloads_again_as_it_was_sent(olivia, tenures, icbc):
    import hashlib

    batch = exported(olivia, tenures, icbc)
    sent = logged_in(olivia).get(reverse("subsidy:batch_bank_file", args=[batch.pk])).content
    content = return_file("icbc_csv", return_rows(batch, failed=2))
    bank_result_import(actor=olivia, batch=batch, content=content, filename="r.csv", now=IMPORTED_AT)

    again = logged_in(olivia).get(reverse("subsidy:batch_bank_file", args=[batch.pk]))

    assert again.status_code == 200
    assert again.content == sent
    assert hashlib.sha256(again.content).hexdigest() == batch.bank_file_sha256
    assert NO_ACCOUNT not in again.content.decode("gbk")


@pytest.mark.parametrize("edit", ["duplicate", "swap"])
def test_a_return_file_that_settles_a_line_twice_or_crosses_two_lines_is_refused(olivia, tenures, icbc, edit):
    batch = exported(olivia, tenures, icbc)
    rows = return_rows(batch, failed=None)
    if edit == "duplicate":
        rows.append({**rows[0], "ok": False})
    else:
        rows[0], rows[1] = {**rows[0], "seq": rows[1]["seq"]}, {**rows[1], "seq": rows[0]["seq"], "ok": False}

    with pytest.raises(DomainError):
        bank_result_import(
            actor=olivia,
            batch=batch,
            content=return_file("icbc_csv", rows),
            filename="r.csv",
            now=IMPORTED_AT,
        )

    assert set(batch.lines.values_list("state", flat=True)) == {"exported", "held"}


def test_a_line_wholly_offset_never_reaches_the_bank_and_its_recovery_is_not_refunded_again(
    olivia, tenures, icbc
):
    november = date(2026, 11, 1)
    paid = make_payroll_batch(olivia, period=november, lines=[(tenures[0], [november])], state="completed")
    batch = approved(olivia, tenures)
    line = batch.lines.get(tenure=tenures[0])
    line.offset, line.net = line.gross, Decimal("0.00")
    line.save(update_fields=["offset", "net"])
    recovery = Recovery.objects.create(
        tenure=tenures[0],
        paid_month=PayrollMonth.objects.get(line__batch=paid),
        month=november,
        amount=line.gross,
        reason="2026年11月离开技能岗位",
        offset_line=line,
        created_at=EXPORTED_AT,
    )

    _, content = payroll_batch_export(actor=olivia, batch=batch, fmt=icbc, now=EXPORTED_AT)

    assert ACCOUNTS["王建国"] not in content.decode("gbk")
    line.refresh_from_db()
    recovery.refresh_from_db()
    assert (line.state, recovery.state) == ("paid", "offset")
    with pytest.raises(DomainError) as refused:
        recovery_refund(actor=olivia, recovery=recovery, refunded_on=date(2026, 12, 1), reference="HZ-3")
    assert refused.value.code == "not_open"
    batch.refresh_from_db()
    assert [r["account"] for r in return_rows(batch)] == [ACCOUNTS["李秀英"], ACCOUNTS["张伟"]]
