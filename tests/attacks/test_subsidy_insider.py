"""Insiders on the subsidy as a whole, each attempt kept as a test that fails to get through: another
authority's officer at every batch URL, an approver made an officer, a holder at another holder's statement,
odd ids, years, months and periods, the bank's return file emptied, oversized, undecodable or edited, a
recovery refunded twice, an account changed after approval, and full numbers outside the bank file."""

import io
from datetime import date
from decimal import Decimal

import lxml.html
import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from chieftech.accounts.domain.users import user_set_roles
from chieftech.accounts.roles import Role
from chieftech.audit.models import AuditRecord
from chieftech.core.errors import DomainError
from chieftech.core.models import Notification, OutboxMessage
from chieftech.subsidy.domain.bank import bank_result_import, payroll_batch_export
from chieftech.subsidy.domain.recovery import recovery_refund
from chieftech.subsidy.models import PayrollBatch, PayrollMonth, Recovery
from chieftech.tenure.models import BankAccountState
from tests.factories import huancui, make_bank_account, make_payroll_batch, make_user, make_weihai
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
from tests.test_irreversible_actions import confirm, logged_in

DECEMBER = date(2026, 12, 1)
NOVEMBER = date(2026, 11, 1)


@pytest.fixture
def tenures(alice, gina, olivia):
    return holders(alice, gina, olivia)


def with_login(tenure, username: str):
    """The holder's own login (a term starts without one; the officer invites the holder)."""
    tenure.user = make_user(username, Role.TECHNICIAN)
    tenure.save(update_fields=["user"])
    return tenure


@pytest.fixture
def walter(db):
    return make_user("walter", Role.OFFICER, authority=make_weihai(), real_name="沃尔特")


@pytest.fixture
def icbc(tenures):
    return make_format(tenures[0].authority, "icbc_csv")


# --- another authority ------------------------------------------------------------------------------------

BATCH_GETS = [
    "subsidy:batch_detail",
    "subsidy:batch_sheet_xlsx",
    "subsidy:batch_sheet_pdf",
    "subsidy:batch_export",
    "subsidy:batch_bank_file",
    "subsidy:batch_import",
]
BATCH_POSTS = [
    "subsidy:batch_submit",
    "subsidy:batch_check",
    "subsidy:batch_return",
    "subsidy:batch_cancel",
    "subsidy:batch_rebuild",
    "subsidy:batch_export",
    "subsidy:batch_import",
]


def test_weihais_officer_gets_404_at_every_url_of_huancuis_exported_batch(walter, olivia, tenures, icbc):
    batch = exported(olivia, tenures, icbc)
    client = logged_in(walter)
    statuses = {name: client.get(reverse(name, args=[batch.pk])).status_code for name in BATCH_GETS}
    posted = {name: client.post(reverse(name, args=[batch.pk]), {}).status_code for name in BATCH_POSTS}
    statement = client.get(reverse("subsidy:tenure_statement_pdf", args=[tenures[0].pk, 2026]))

    assert statuses == dict.fromkeys(BATCH_GETS, 404)
    assert posted == dict.fromkeys(BATCH_POSTS, 404)
    assert statement.status_code == 404
    assert AuditRecord.objects.filter(actor_id=walter.pk).count() == 0


def test_weihais_officer_neither_sees_nor_refunds_huancuis_recovery(walter, olivia, tenures):
    batch = make_payroll_batch(olivia, period=DECEMBER, lines=[(tenures[0], [DECEMBER])], state="completed")
    recovery = _recovery(batch, tenures[0])
    client = logged_in(walter)

    listed = client.get(reverse("subsidy:recovery_list"))
    page = client.get(reverse("subsidy:recovery_refund", args=[recovery.pk]))
    posted = client.post(
        reverse("subsidy:recovery_refund", args=[recovery.pk]),
        {"refunded_on": "2026-12-01", "reference": "FAKE-1"},
    )

    assert (page.status_code, posted.status_code) == (404, 404)
    assert tenures[0].application.name not in listed.content.decode()
    with pytest.raises(PermissionDenied):
        recovery_refund(actor=walter, recovery=recovery, refunded_on=date(2026, 12, 1), reference="FAKE-1")
    recovery.refresh_from_db()
    assert (recovery.state, recovery.refund_reference) == ("open", "")


def test_weihais_withholding_list_names_none_of_huancuis_holders(walter, olivia, tenures, icbc):
    batch = exported(olivia, tenures, icbc)
    bank_result_import(
        actor=olivia,
        batch=batch,
        content=return_file("icbc_csv", return_rows(batch)),
        filename="r.csv",
        now=IMPORTED_AT,
    )
    client = logged_in(walter)

    response = client.get(reverse("subsidy:withholding_xlsx", args=[2026, 12]))

    text = _xlsx_text(response)
    assert response.status_code == 200
    for tenure in tenures:
        assert tenure.application.name not in text
        assert tenure.application.id_number not in text


# --- separation of duties -------------------------------------------------------------------------------------


def test_the_payroll_approver_cannot_also_be_made_an_officer_of_the_same_authority(sam):
    april = make_user("april", Role.PAYROLL_APPROVER, real_name="艾普丽")

    with pytest.raises(DomainError) as refused:
        user_set_roles(
            actor=sam, user=april, roles={Role.PAYROLL_APPROVER, Role.OFFICER}, authority=huancui()
        )

    assert refused.value.code == "role_conflict"
    assert sorted(april.role_grants.values_list("role", flat=True)) == [Role.PAYROLL_APPROVER]


def test_a_second_officer_who_rebuilds_a_returned_draft_becomes_its_builder_and_cannot_check_it(
    olivia, tenures
):
    from chieftech.subsidy.domain.build import payroll_batch_rebuild
    from chieftech.subsidy.domain.workflow import (
        payroll_batch_check,
        payroll_batch_return,
        payroll_batch_submit,
    )

    oscar = make_user("oscar", Role.OFFICER, real_name="欧阳晨")
    batch = make_payroll_batch(olivia, period=DECEMBER, lines=[(t, [DECEMBER]) for t in tenures[:2]])
    payroll_batch_submit(actor=olivia, batch=batch)
    payroll_batch_return(actor=oscar, batch=batch, reason="金额待核")
    batch = payroll_batch_rebuild(actor=oscar, batch=batch)

    with pytest.raises(PermissionDenied):
        payroll_batch_submit(actor=olivia, batch=batch)
    payroll_batch_submit(actor=oscar, batch=batch)
    with pytest.raises(PermissionDenied):
        payroll_batch_check(actor=oscar, batch=batch)
    batch.refresh_from_db()
    assert (batch.state, batch.built_by_id, batch.checked_by_id) == ("submitted", oscar.pk, None)


# --- the holder -------------------------------------------------------------------------------------------


def test_a_holder_reads_only_their_own_statement_whatever_the_url_or_year(olivia, tenures):
    make_payroll_batch(
        olivia, period=DECEMBER, lines=[(t, [DECEMBER]) for t in tenures[:2]], state="completed"
    )
    own, other = with_login(tenures[0], "wang"), with_login(tenures[1], "li")
    client = logged_in(own.user)

    others = client.get(reverse("subsidy:tenure_statement_pdf", args=[other.pk, 2026]))
    far = client.get(reverse("subsidy:holder_statement_pdf", args=[99999]))
    early = client.get(reverse("subsidy:holder_statement_pdf", args=[1]))
    mine = client.get(reverse("subsidy:holder_statement_pdf", args=[2026]))

    assert (others.status_code, far.status_code, early.status_code, mine.status_code) == (403, 404, 404, 200)
    assert "no-store" in mine["Cache-Control"]


# --- odd input: a 404 or the form's error, never a 500 --------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/subsidy/batches/0/",
        "/subsidy/batches/99999999999999999999999/",
        "/subsidy/batches/99999999999999999999999/sheet.pdf",
        "/subsidy/withholding/2026-13.xlsx",
        "/subsidy/withholding/2026-0.xlsx",
        "/subsidy/withholding/99999-12.xlsx",
        "/subsidy/tenures/1/statement/99999.pdf",
        "/subsidy/recoveries/99999999999999999999999/refund/",
    ],
)
def test_odd_ids_years_and_months_are_404(olivia, url):
    assert logged_in(olivia).get(url).status_code == 404


@pytest.mark.parametrize(
    "period", ["abcd-ef", "2026-13", "0000-01", "0001-01", "9999-12", "2026-1", "2026-12;", ""]
)
def test_an_odd_period_in_the_build_form_is_the_forms_error(olivia, tenures, period):
    response = logged_in(olivia).post(reverse("subsidy:batch_build"), {"period_start": period})

    assert response.status_code == 200
    assert response.context["form"].errors["period_start"]
    assert PayrollBatch.objects.count() == 0


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


# --- accounts, held lines, recoveries --------------------------------------------------------------------------


def test_the_bank_file_pays_the_account_that_was_approved_not_one_changed_since(olivia, tenures, icbc):
    batch = approved(olivia, tenures)
    tenures[0].bank_accounts.update(state=BankAccountState.SUPERSEDED)
    make_bank_account(tenures[0], number="6228489999999999999", bank="中国农业银行")

    _, content = payroll_batch_export(actor=olivia, batch=batch, fmt=icbc, now=EXPORTED_AT)

    text = content.decode("gbk")
    assert ACCOUNTS["王建国"] in text
    assert "6228489999999999999" not in text
    assert NO_ACCOUNT not in text


def test_a_recovery_is_refunded_once(olivia, tenures):
    batch = make_payroll_batch(olivia, period=DECEMBER, lines=[(tenures[0], [DECEMBER])], state="completed")
    recovery = _recovery(batch, tenures[0])
    recovery_refund(actor=olivia, recovery=recovery, refunded_on=date(2026, 12, 1), reference="HZ-1")

    with pytest.raises(DomainError) as refused:
        recovery_refund(actor=olivia, recovery=recovery, refunded_on=date(2026, 12, 2), reference="HZ-2")

    assert refused.value.code == "not_open"
    recovery.refresh_from_db()
    assert (recovery.state, recovery.refund_reference) == ("refunded", "HZ-1")
    assert AuditRecord.objects.filter(action="recovery.refund").count() == 1


# --- personal data ---------------------------------------------------------------------------------------


def test_no_full_account_or_id_number_on_the_batch_pages_sheets_notifications_or_audit(olivia, tenures, icbc):
    batch = exported(olivia, tenures, icbc)
    bank_result_import(
        actor=olivia,
        batch=batch,
        content=return_file("icbc_csv", return_rows(batch)),
        filename="r.csv",
        now=IMPORTED_AT,
    )
    client = logged_in(olivia)
    secrets = [*ACCOUNTS.values(), *(t.application.id_number for t in tenures)]
    assert all(secrets)
    # The two documents that hold them in full, downloaded first: their audited reveals must not copy them.
    bank_file = client.get(reverse("subsidy:batch_bank_file", args=[batch.pk]))
    withholding = client.get(reverse("subsidy:withholding_xlsx", args=[2026, 12]))
    assert ACCOUNTS["王建国"] in bank_file.content.decode("gbk")
    assert tenures[0].application.id_number in _xlsx_text(withholding)
    assert AuditRecord.objects.filter(actor_id=olivia.pk).count() >= 2

    pages = {
        name: client.get(reverse(name, args=[batch.pk]))
        for name in ("subsidy:batch_detail", "subsidy:batch_export")
    }
    sheet = client.get(reverse("subsidy:batch_sheet_xlsx", args=[batch.pk]))
    pdf = client.get(reverse("subsidy:batch_sheet_pdf", args=[batch.pk]))
    holder_page = logged_in(with_login(tenures[0], "wang").user).get(reverse("tenure:holder_payments"))
    texts = {
        **{name: r.content.decode() for name, r in pages.items()},
        "sheet": _xlsx_text(sheet),
        "holder": holder_page.content.decode(),
        "notifications": " ".join(f"{n.subject} {n.body}" for n in Notification.objects.all()),
        "outbox": " ".join(f"{m.subject} {m.body}" for m in OutboxMessage.objects.all()),
        "audit": " ".join(str(r.before) + str(r.after) + r.object_repr for r in AuditRecord.objects.all()),
    }

    assert {name: [s for s in secrets if s in text] for name, text in texts.items()} == {
        key: [] for key in texts
    }
    assert all(s.encode() not in pdf.content for s in secrets)
    for response in [*pages.values(), sheet, pdf, holder_page]:
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"]


def _recovery(batch, tenure, *, month=DECEMBER) -> Recovery:
    return Recovery.objects.create(
        tenure=tenure,
        paid_month=PayrollMonth.objects.get(line__batch=batch, tenure=tenure, month=month),
        month=month,
        amount=Decimal("500.00"),
        reason="迟报的调出区外，2026年12月起停发",
        created_at=timezone.now(),
    )


def _xlsx_text(response) -> str:
    workbook = load_workbook(io.BytesIO(response.content), read_only=True)
    return " ".join(
        str(cell)
        for sheet in workbook.worksheets
        for row in sheet.iter_rows(values_only=True)
        for cell in row
    )


# --- a month paid twice ------------------------------------------------------------------------------------


def _through_the_bank(batch, *, olivia, oscar, april, fmt, failed, imported_at):
    """The batch submitted, checked, approved, exported and its return imported with line `failed` refused."""
    from chieftech.subsidy.domain.workflow import (
        payroll_batch_approve,
        payroll_batch_check,
        payroll_batch_submit,
    )

    payroll_batch_submit(actor=olivia, batch=batch)
    payroll_batch_check(actor=oscar, batch=batch)
    payroll_batch_approve(actor=april, batch=batch)
    payroll_batch_export(actor=olivia, batch=batch, fmt=fmt, now=imported_at)
    batch.refresh_from_db()
    content = return_file("icbc_csv", return_rows(batch, failed=failed))
    bank_result_import(actor=olivia, batch=batch, content=content, filename="r.csv", now=imported_at)


def test_a_failed_month_is_retried_once_through_a_cancelled_batch_a_rebuild_and_the_next_period(
    olivia, alice, gina
):
    from chieftech.subsidy.domain.build import payroll_batch_build, payroll_batch_rebuild
    from chieftech.subsidy.domain.workflow import payroll_batch_cancel

    oscar = make_user("oscar", Role.OFFICER, real_name="欧阳晨")
    april = make_user("april", Role.PAYROLL_APPROVER, real_name="艾普丽")
    [wang, *_] = holders(alice, gina, olivia, names=("王建国",), held=False)
    fmt = make_format(wang.authority, "icbc_csv")
    jan, feb, mar = date(2025, 1, 1), date(2025, 2, 1), date(2025, 3, 1)
    at = {m: timezone.make_aware(timezone.datetime(m.year, m.month, 20, 10)) for m in (jan, feb, mar)}
    first = payroll_batch_build(actor=olivia, authority=huancui(), period_start=jan, now=at[jan])
    _through_the_bank(first, olivia=olivia, oscar=oscar, april=april, fmt=fmt, failed=1, imported_at=at[jan])

    cancelled = payroll_batch_build(actor=olivia, authority=huancui(), period_start=feb, now=at[feb])
    payroll_batch_cancel(actor=olivia, batch=cancelled, reason="编制有误")
    february = payroll_batch_build(actor=olivia, authority=huancui(), period_start=feb, now=at[feb])
    february = payroll_batch_rebuild(actor=olivia, batch=february, now=at[feb])
    march = payroll_batch_build(actor=olivia, authority=huancui(), period_start=mar, now=at[mar])

    live = PayrollMonth.objects.filter(tenure=wang, live=True).order_by("month")
    assert list(live.values_list("month", "kind", "line__batch")) == [
        (jan, "retry", february.pk),
        (feb, "regular", february.pk),
        (mar, "regular", march.pk),
    ]
    assert first.lines.get().state == "failed"


# --- read as an officer would ----------------------------------------------------------------------------


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


def test_the_statement_prints_each_month_and_date_on_one_line(olivia, tenures, icbc):
    from chieftech.subsidy.documents import holder_statement_pdf
    from tests.subsidy.test_documents import pdf_text

    batch = exported(olivia, tenures, icbc)
    content = return_file("icbc_csv", return_rows(batch, failed=None))
    bank_result_import(actor=olivia, batch=batch, content=content, filename="r.csv", now=IMPORTED_AT)

    text = pdf_text(holder_statement_pdf(tenure=tenures[0], year=2026))

    month_lines = [line for line in text.splitlines() if line.startswith("2026年1")]
    assert [line.split()[0] for line in month_lines] == [
        "2026年1月",
        "2026年10月",
        "2026年11月",
        "2026年12月",
    ]
    assert text.count("2026年12月15日") == 2


def test_a_recovery_offset_in_an_exported_line_is_not_also_refunded(olivia, tenures, icbc):
    paid = make_payroll_batch(olivia, period=NOVEMBER, lines=[(tenures[0], [NOVEMBER])], state="completed")
    recovery = _recovery(paid, tenures[0], month=NOVEMBER)
    batch = exported(olivia, tenures, icbc)
    recovery.offset_line = batch.lines.get(tenure=tenures[0])
    recovery.save(update_fields=["offset_line"])
    client = logged_in(olivia)

    asking = client.post(
        reverse("subsidy:recovery_refund", args=[recovery.pk]),
        {"refunded_on": "2026-12-01", "reference": "HZ-9"},
    )
    posted = confirm(client, asking)

    assert posted.status_code == 200
    assert "待该笔发放失败后方可登记退回" in posted.content.decode()
    recovery.refresh_from_db()
    assert (recovery.state, recovery.refund_reference, recovery.offset_line.batch_id) == (
        "open",
        "",
        batch.pk,
    )


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


def test_a_checked_batch_cannot_be_rebuilt_under_its_checkers_signature(olivia, tenures):
    from chieftech.subsidy.domain.build import payroll_batch_rebuild
    from chieftech.subsidy.domain.workflow import payroll_batch_check, payroll_batch_submit

    oscar = make_user("oscar", Role.OFFICER, real_name="欧阳晨")
    batch = make_payroll_batch(olivia, period=DECEMBER, lines=[(t, [DECEMBER]) for t in tenures[:2]])
    payroll_batch_submit(actor=olivia, batch=batch)
    payroll_batch_check(actor=oscar, batch=batch)
    lines = list(batch.lines.values_list("pk", "net"))

    for who in (olivia, oscar):
        with pytest.raises(DomainError) as refused:
            payroll_batch_rebuild(actor=who, batch=batch)
        assert refused.value.code == "invalid_transition"
    client = logged_in(olivia)
    response = confirm(client, client.post(reverse("subsidy:batch_rebuild", args=[batch.pk])), follow=True)

    assert response.redirect_chain == [(reverse("subsidy:batch_detail", args=[batch.pk]), 302)]
    assert "发放表当前为“待审批”，只有经办中的发放表可以重新编制。" in response.content.decode()
    batch.refresh_from_db()
    assert (batch.state, batch.built_by_id, batch.checked_by_id) == ("checked", olivia.pk, oscar.pk)
    assert list(batch.lines.values_list("pk", "net")) == lines
