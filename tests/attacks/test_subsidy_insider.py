"""Insiders on the subsidy, each attempt kept as a test that fails to get through: another authority's officer
at every batch URL, an approver made an officer, a rebuilt or checked batch signed by the wrong person, a holder
at another holder's statement, odd ids, years, months and periods, a recovery refunded twice or while offset, a
failed month paid twice, full numbers outside the bank file and the withholding list. The bank round trip is in
test_subsidy_insider_bank.py."""

import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
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
from tests.factories import huancui, make_payroll_batch, make_user, make_weihai
from tests.subsidy.bank_setup import (
    ACCOUNTS,
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


# --- accounts, held lines, recoveries --------------------------------------------------------------------------


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


def _to_the_bank(batch, *, olivia, oscar, april, fmt, at):
    """The batch submitted, checked, approved and exported, each by the person whose step it is."""
    from chieftech.subsidy.domain.workflow import (
        payroll_batch_approve,
        payroll_batch_check,
        payroll_batch_submit,
    )

    payroll_batch_submit(actor=olivia, batch=batch)
    payroll_batch_check(actor=oscar, batch=batch)
    payroll_batch_approve(actor=april, batch=batch)
    payroll_batch_export(actor=olivia, batch=batch, fmt=fmt, now=at)
    batch.refresh_from_db()


def _returned(batch, *, olivia, failed, at):
    content = return_file("icbc_csv", return_rows(batch, failed=failed))
    bank_result_import(actor=olivia, batch=batch, content=content, filename="r.csv", now=at)


def _through_the_bank(batch, *, olivia, oscar, april, fmt, failed, imported_at):
    """The batch to the bank and its return imported with line `failed` refused."""
    _to_the_bank(batch, olivia=olivia, oscar=oscar, april=april, fmt=fmt, at=imported_at)
    _returned(batch, olivia=olivia, failed=failed, at=imported_at)


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
    # Every step notified someone: none of it carries the holder's account or ID number.
    said = [f"{n.subject} {n.body}" for n in Notification.objects.all()]
    said += [f"{m.subject} {m.body}" for m in OutboxMessage.objects.all()]
    assert said
    assert [t for t in said if ACCOUNTS["王建国"] in t or wang.application.id_number in t] == []


# --- read as an officer would ----------------------------------------------------------------------------


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


def test_a_month_failed_by_a_late_return_is_retried_once_by_the_next_draft_rebuilt(olivia, alice, gina):
    from chieftech.subsidy.domain.build import payroll_batch_build, payroll_batch_rebuild

    oscar = make_user("oscar", Role.OFFICER, real_name="欧阳晨")
    april = make_user("april", Role.PAYROLL_APPROVER, real_name="艾普丽")
    [wang] = holders(alice, gina, olivia, names=("王建国",), held=False)
    fmt = make_format(wang.authority, "icbc_csv")
    jan, feb, mar = date(2025, 1, 1), date(2025, 2, 1), date(2025, 3, 1)
    at = {m: timezone.make_aware(timezone.datetime(m.year, m.month, 20, 10)) for m in (jan, feb, mar)}
    january = payroll_batch_build(actor=olivia, authority=huancui(), period_start=jan, now=at[jan])
    _to_the_bank(january, olivia=olivia, oscar=oscar, april=april, fmt=fmt, at=at[jan])

    # February is built while the bank still has January: January is not February's to pay.
    february = payroll_batch_build(actor=olivia, authority=huancui(), period_start=feb, now=at[feb])
    before = list(PayrollMonth.objects.filter(line__batch=february).values_list("month", flat=True))
    _returned(january, olivia=olivia, failed=1, at=at[feb])
    february = payroll_batch_rebuild(actor=olivia, batch=february, now=at[feb])
    march = payroll_batch_build(actor=olivia, authority=huancui(), period_start=mar, now=at[mar])

    assert before == [feb]
    live = PayrollMonth.objects.filter(tenure=wang, live=True).order_by("month")
    assert list(live.values_list("month", "kind", "line__batch")) == [
        (jan, "retry", february.pk),
        (feb, "regular", february.pk),
        (mar, "regular", march.pk),
    ]


@pytest.mark.parametrize("who", ["alice", "holder", "stranger", "gina"])
def test_enterprise_users_holders_and_other_staff_get_403_at_the_staff_documents(
    request, who, olivia, tenures, icbc
):
    batch = exported(olivia, tenures, icbc)
    user = with_login(tenures[1], "li").user if who == "holder" else request.getfixturevalue(who)
    client = logged_in(user)
    urls = [
        reverse("subsidy:batch_sheet_xlsx", args=[batch.pk]),
        reverse("subsidy:batch_bank_file", args=[batch.pk]),
        reverse("subsidy:withholding_xlsx", args=[2026, 12]),
        reverse("subsidy:tenure_statement_pdf", args=[tenures[0].pk, 2026]),
    ]

    assert [client.get(url).status_code for url in urls] == [403] * len(urls)
