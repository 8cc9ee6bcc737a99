"""Insiders on the bank round trip: the return import replayed, another batch's return file, the export twice or
before approval, another authority's format or batch."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from chieftech.accounts.roles import Role
from chieftech.audit.models import AuditRecord
from chieftech.core.errors import DomainError
from chieftech.subsidy.domain.bank import bank_result_import, payroll_batch_export
from chieftech.subsidy.models import PayrollBatch
from tests.factories import make_payroll_batch, make_user, make_weihai
from tests.subsidy.bank_setup import EXPORTED_AT, approved, exported, holders, make_format
from tests.subsidy.test_bank_import import IMPORTED_AT, return_file, return_rows
from tests.test_irreversible_actions import confirm, logged_in

NOVEMBER = date(2026, 11, 1)


@pytest.fixture
def tenures(alice, gina, olivia):
    return holders(alice, gina, olivia)


def actions(name: str) -> int:
    return AuditRecord.objects.filter(action=name).count()


def test_replaying_the_confirmed_import_changes_nothing_more(olivia, tenures):
    batch = exported(olivia, tenures, make_format(tenures[0].authority, "icbc_csv"))
    client = logged_in(olivia)
    url = reverse("subsidy:batch_import", args=[batch.pk])
    content = return_file("icbc_csv", return_rows(batch))
    asking = client.post(url, {"file": SimpleUploadedFile("回盘.csv", content)})
    confirm(client, asking)

    # The same confirmation again is the claimed form (sent where the first went); a forged one, confirmed and
    # without the form's token, reaches the import and is refused.
    again = confirm(client, asking)
    forged = client.post(
        url, {"file": SimpleUploadedFile("回盘.csv", content), "confirmed": "yes"}, follow=True
    )

    assert (again.status_code, again["Location"]) == (302, reverse("subsidy:batch_export", args=[batch.pk]))
    assert forged.redirect_chain == [(reverse("subsidy:batch_export", args=[batch.pk]), 302)]
    assert "该发放表的回盘已经导入，不能重复导入。" in forged.content.decode()
    with pytest.raises(DomainError) as refused:
        bank_result_import(actor=olivia, batch=batch, content=content, filename="回盘.csv")
    assert refused.value.code == "already_imported"
    assert (actions("payroll.import_result"), list(batch.lines.values_list("state", flat=True))) == (
        1,
        ["paid", "failed", "paid", "held"],
    )


def test_last_months_return_file_is_refused_for_this_months_batch(olivia, tenures):
    fmt = make_format(tenures[0].authority, "icbc_csv")
    november = make_payroll_batch(
        olivia, period=NOVEMBER, lines=[(t, [NOVEMBER]) for t in tenures], state="approved"
    )
    payroll_batch_export(actor=olivia, batch=november, fmt=fmt, now=EXPORTED_AT)
    november_return = return_file("icbc_csv", return_rows(november, failed=None))
    bank_result_import(
        actor=olivia, batch=november, content=november_return, filename="11月回盘", now=IMPORTED_AT
    )
    december = exported(olivia, tenures, fmt)

    with pytest.raises(DomainError) as refused:
        bank_result_import(actor=olivia, batch=december, content=november_return, filename="12月回盘")

    assert (refused.value.code, refused.value.field) == ("return_file_reused", "file")
    december.refresh_from_db()
    assert (december.state, actions("payroll.import_result")) == ("exported", 1)


def test_a_return_file_naming_another_batch_is_refused(olivia, tenures):
    boc = make_format(
        tenures[0].authority,
        "boc_txt",
        return_columns={"seq": 0, "account": 2, "amount": 3, "status": 4, "reason": 5, "date": 6, "batch": 7},
    )
    batch = exported(olivia, tenures, boc, number="HCJT-202612-01")
    rows = return_file("boc_txt", return_rows(batch)).decode("gbk").splitlines()
    content = "\r\n".join(line + "|HCJT-202611-01" for line in rows).encode("gbk")

    with pytest.raises(DomainError) as refused:
        bank_result_import(actor=olivia, batch=batch, content=content, filename="回盘.txt")

    assert refused.value.messages == [
        f"第{n}行：批次号“HCJT-202611-01”不是本发放表的批次号HCJT-202612-01。" for n in (2, 3, 4)
    ]
    batch.refresh_from_db()
    assert batch.state == "exported"


def test_exporting_twice_writes_one_file(olivia, tenures):
    fmt = make_format(tenures[0].authority, "icbc_csv")
    batch = approved(olivia, tenures)
    client = logged_in(olivia)
    asking = client.post(reverse("subsidy:batch_export", args=[batch.pk]), {"fmt": fmt.pk})
    confirm(client, asking)
    batch.refresh_from_db()
    digest = batch.bank_file_sha256

    forged = client.post(
        reverse("subsidy:batch_export", args=[batch.pk]), {"fmt": fmt.pk, "confirmed": "yes"}, follow=True
    )
    with pytest.raises(DomainError) as refused:
        payroll_batch_export(actor=olivia, batch=batch, fmt=fmt)

    # The forged confirmation is refused and said on the batch's page, which no longer offers the export.
    assert forged.context["form"] is None
    assert "只有已审批的发放表可以生成银行代发文件。" in forged.content.decode()
    assert refused.value.message == "发放表当前为“已报送银行”，只有已审批的发放表可以生成银行代发文件。"
    batch.refresh_from_db()
    assert (batch.bank_file_sha256, actions("payroll.export")) == (digest, 1)


@pytest.mark.parametrize("state", ["draft", "submitted", "checked", "cancelled", "exported", "completed"])
def test_a_batch_not_approved_is_never_exported(olivia, tenures, state):
    fmt = make_format(tenures[0].authority, "icbc_csv")
    batch = make_payroll_batch(
        olivia, period=date(2026, 12, 1), lines=[(t, [date(2026, 12, 1)]) for t in tenures], state=state
    )
    lines_before = list(batch.lines.values_list("state", flat=True))

    with pytest.raises(DomainError):
        payroll_batch_export(actor=olivia, batch=batch, fmt=fmt)

    batch.refresh_from_db()
    assert (batch.state, batch.bank_file_sha256, list(batch.lines.values_list("state", flat=True))) == (
        state,
        "",
        lines_before,
    )


def test_another_authoritys_format_is_never_used_nor_changed_by_an_officer(olivia, tenures):
    weihai = make_weihai()
    theirs = make_format(weihai, "icbc_csv")
    batch = approved(olivia, tenures)
    client = logged_in(olivia)

    posted = client.post(
        reverse("subsidy:batch_export", args=[batch.pk]), {"fmt": theirs.pk, "confirmed": "yes"}
    )
    with pytest.raises(DomainError) as refused:
        payroll_batch_export(actor=olivia, batch=batch, fmt=theirs)
    edit = client.post(
        reverse("subsidy:bank_format_edit", args=[theirs.pk]), {"name": "改", "authority": weihai.pk}
    )

    assert posted.status_code == 200
    assert refused.value.message == "请选择本机关已启用的银行代发格式。"
    assert edit.status_code == 403
    batch.refresh_from_db()
    theirs.refresh_from_db()
    assert (batch.state, theirs.name, actions("payroll.export")) == (
        "approved",
        "中国工商银行代发（CSV，GBK）",
        0,
    )


def test_another_authoritys_officer_neither_exports_nor_imports(olivia, tenures):
    walter = make_user("walter", Role.OFFICER, authority=make_weihai(), real_name="沃尔特")
    fmt = make_format(tenures[0].authority, "icbc_csv")
    batch = exported(olivia, tenures, fmt)
    other = approved(olivia, tenures, period=NOVEMBER)
    content = return_file("icbc_csv", return_rows(batch))
    client = logged_in(walter)

    answers = [
        client.post(reverse("subsidy:batch_export", args=[other.pk]), {"fmt": fmt.pk, "confirmed": "yes"}),
        client.post(
            reverse("subsidy:batch_import", args=[batch.pk]), {"file": SimpleUploadedFile("r.csv", content)}
        ),
    ]
    assert [a.status_code for a in answers] == [404, 404]
    with pytest.raises(PermissionDenied):
        bank_result_import(actor=walter, batch=batch, content=content, filename="r.csv")
    with pytest.raises(PermissionDenied):
        payroll_batch_export(actor=walter, batch=other, fmt=fmt)
    assert list(PayrollBatch.objects.order_by("period_start").values_list("state", flat=True)) == [
        "approved",
        "exported",
    ]
