"""The subsidy's documents, opened as a user opens them: openpyxl reads the 发放表 and the withholding list back,
pdftotext / pdfinfo / pdffonts read the PDFs. The full account number exists in the database and is asserted
absent from every document; the withholding list alone carries the full ID number, and its export is audited."""

import io
import subprocess
import zipfile
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from chieftech.accounts.roles import Role
from chieftech.audit.domain import ACTION_REVEAL
from chieftech.audit.models import AuditRecord
from chieftech.core.dates import date_zh
from chieftech.policy.models import PolicyVersion
from chieftech.subsidy.documents import (
    holder_statement_pdf,
    payroll_sheet_pdf,
    payroll_sheet_xlsx,
    withholding_list_export,
    withholding_list_xlsx,
)
from chieftech.subsidy.documents.statement import holder_statement
from chieftech.subsidy.models import PayrollBatch, PayrollLine, PayrollMonth, Recovery
from chieftech.tenure.models import Tenure
from tests.factories import (
    huancui,
    make_bank_account,
    make_payroll_batch,
    make_tenure,
    make_user,
    make_weihai,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOV = date(2026, 11, 1)
NUMBER_1 = "6228480438019876543"
NUMBER_2 = "6217002020034567812"
RARE = "𠮷田"  # U+20BB7, CJK Extension B: not in WenQuanYi Micro Hei


def pdf_text(content: bytes, *args: str) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", *args, "-", "-"], input=content, capture_output=True, check=True
    ).stdout.decode()


def pdf_pages(content: bytes) -> int:
    info = subprocess.run(["pdfinfo", "-"], input=content, capture_output=True, check=True).stdout.decode()
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


def pdf_fonts(content: bytes) -> dict[str, str]:
    """Font name without the subset prefix → its "emb" column."""
    out = subprocess.run(["pdffonts", "-"], input=content, capture_output=True, check=True).stdout.decode()
    fonts = {}
    for line in out.splitlines()[2:]:
        parts = line.split()
        fonts[parts[0].split("+")[-1]] = parts[-5]
    return fonts


def xlsx_xml(content: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return "".join(archive.read(name).decode() for name in archive.namelist())


def trimmed(row: tuple) -> tuple:
    """A row without the empty cells openpyxl pads it with up to the sheet's widest row."""
    row = list(row)
    while row and row[-1] is None:
        row.pop()
    return tuple(row)


def sheet_rows(content: bytes, title: str) -> list[tuple]:
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    return [trimmed(row) for row in workbook[title].iter_rows(values_only=True)]


def taxable(*tenures, rate: str = "0.2000") -> None:
    """The tenures' policy withholds a flat share as 工资、薪金所得 (set before the batch computes its tax)."""
    PolicyVersion.objects.filter(pk=tenures[0].policy_id).update(
        subsidy_taxable=True,
        subsidy_income_category="wages",
        subsidy_tax_rule="flat_rate",
        subsidy_tax_rate=rate,
    )
    for tenure in tenures:
        tenure.policy.refresh_from_db()


@pytest.fixture
def oscar(db):
    """The second officer, who checks (复核) what olivia built."""
    return make_user("oscar", Role.OFFICER, real_name="奥斯卡")


@pytest.fixture
def pat(db):
    """The payroll approver (审批) of Huancui."""
    return make_user("pat", Role.PAYROLL_APPROVER, real_name="帕特")


@pytest.fixture
def people(alice, gina, olivia):
    """Two holders with accounts (one with a rare character in the name) and one without: held."""
    wang = make_tenure(alice, gina, officer=olivia, name="王建国")
    rare = make_tenure(alice, gina, round_=wang.application.round, name=RARE)
    li = make_tenure(alice, gina, round_=wang.application.round, name="李秀英")
    make_bank_account(wang, number=NUMBER_1)
    make_bank_account(rare, number=NUMBER_2, bank="中国农业银行", branch="威海分行")
    return wang, rare, li


def signed(batch, *, checker, approver) -> PayrollBatch:
    PayrollBatch.objects.filter(pk=batch.pk).update(
        checked_by=checker,
        checked_at=datetime(2026, 11, 26, 10, tzinfo=SHANGHAI),
        approved_by=approver,
        approved_at=datetime(2026, 11, 27, 15, tzinfo=SHANGHAI),
        submitted_at=datetime(2026, 11, 25, 9, tzinfo=SHANGHAI),
    )
    return PayrollBatch.objects.select_related("authority", "built_by", "checked_by", "approved_by").get(
        pk=batch.pk
    )


def fail(batch, seq: int, reason: str) -> None:
    line = PayrollLine.objects.get(batch=batch, seq=seq)
    PayrollLine.objects.filter(pk=line.pk).update(state="failed", failure_reason=reason, paid_on=None)
    PayrollMonth.objects.filter(line=line).update(live=False)


@pytest.fixture
def batch(people, olivia, oscar, pat):
    wang, rare, li = people
    taxable(wang, rare, li)
    built = make_payroll_batch(
        olivia,
        period=NOV,
        lines=[(wang, [NOV]), (rare, [NOV]), (li, [NOV])],
        state="completed",
        number="HC-202611-01",
    )
    fail(built, 2, "账户已销户")
    return signed(built, checker=oscar, approver=pat)


# --- The 发放表 in Excel ----------------------------------------------------------------------------


def test_the_excel_sheet_holds_the_lines_totals_and_signatures_with_accounts_masked(batch, people):
    wang = people[0]
    content = payroll_sheet_xlsx(batch)
    rows = sheet_rows(content, "发放表")

    assert rows[0][0] == "威海市环翠区人力资源和社会保障局首席技师津贴发放表"
    assert rows[1][0] == (
        "批次号：HC-202611-01　所属期：2026年11月　项目：环翠区首席技师　政策依据："
        f"{wang.policy.document_number}　状态：已完成"
    )
    assert rows[2] == (
        "序号",
        "姓名",
        "身份证号码",
        "工作单位",
        "所属期/月数",
        "标准（元/月）",
        "应发",
        "抵扣追回",
        "代扣个人所得税",
        "实发",
        "开户行",
        "银行账号",
        "状态",
        "退票原因",
    )
    id_1 = wang.application.id_number
    assert rows[3] == (
        1,
        "王建国",
        f"{id_1[:4]}**********{id_1[-4:]}",
        "威海甲精密机械有限公司",
        "2026.11",
        500,
        500,
        0,
        100,
        400,
        "中国工商银行威海环翠支行",
        "6228 **** **** 6543",
        "已发放",
    )
    assert rows[4][1:2] + rows[4][9:] == (
        RARE,
        400,
        "中国农业银行威海分行",
        "6217 **** **** 7812",
        "发放失败",
        "账户已销户",
    )
    assert rows[5] == ("合计", "2人", None, None, None, None, 1000, 0, 200, 800)
    assert rows[6] == ("其中发放失败", "1人", None, None, None, None, 500, 0, 100, 400)
    assert rows[8:] == [
        ("经办人：", "欧丽", "日期：", "2026年11月25日"),
        ("复核人：", "奥斯卡", "日期：", "2026年11月26日"),
        ("审批人：", "帕特", "日期：", "2026年11月27日"),
    ]
    held = sheet_rows(content, "暂缓发放")
    assert held[0][0] == "威海市环翠区人力资源和社会保障局首席技师津贴发放表（暂缓发放）"
    assert held[3][0:2] + held[3][5:] == (3, "李秀英", 500, 500, "尚无已确认的津贴发放账户")
    assert held[4] == ("合计", "1人", None, None, None, None, 500)
    sheet = openpyxl.load_workbook(io.BytesIO(content))["发放表"]
    assert [sheet.cell(4, column).number_format for column in range(6, 11)] == ["0.00"] * 5
    # The full numbers exist (the bank file needs them) and appear nowhere in the workbook.
    xml = xlsx_xml(content)
    assert (NUMBER_1 in xml, NUMBER_2 in xml, id_1 in xml) == (False, False, False)


def test_a_sheet_of_a_policy_that_is_not_taxable_has_no_tax_column_and_blank_lines_to_sign(people, olivia):
    wang = people[0]
    PolicyVersion.objects.filter(pk=wang.policy_id).update(subsidy_taxable=False)
    wang.policy.refresh_from_db()
    batch = make_payroll_batch(olivia, period=NOV, lines=[(wang, [date(2026, 10, 1), NOV])], state="draft")

    rows = sheet_rows(payroll_sheet_xlsx(batch), "发放表")

    assert "代扣个人所得税" not in rows[2]
    assert rows[3][4:9] == ("2026.10—2026.11（2个月）", 500, 1000, 0, 1000)
    assert rows[4] == ("合计", "1人", None, None, None, None, 1000, 0, 1000)
    assert rows[6:] == [
        ("经办人：", "欧丽", "日期：", date_zh(batch.built_at)),
        ("复核人：", "________________", "日期：", "______年____月____日"),
        ("审批人：", "________________", "日期：", "______年____月____日"),
    ]
    assert sheet_rows(payroll_sheet_xlsx(batch), "暂缓发放")[3:] == [
        ("合计", "0人", None, None, None, None, 0)
    ]


def test_a_name_typed_as_a_formula_stays_text(people, olivia):
    wang = people[0]
    from chieftech.selection.models import Application

    Application.objects.filter(pk=wang.application_id).update(name="=HYPERLINK(1)")
    batch = make_payroll_batch(olivia, period=NOV, lines=[(wang, [NOV])])

    workbook = openpyxl.load_workbook(io.BytesIO(payroll_sheet_xlsx(batch)))
    cell = workbook["发放表"]["B4"]
    assert (cell.value, cell.data_type) == ("=HYPERLINK(1)", "s")


# --- The 发放表 as a PDF ----------------------------------------------------------------------------


def test_the_pdf_sheet_prints_lines_totals_and_signatures_in_embedded_fonts(batch, people):
    content = payroll_sheet_pdf(batch)
    text = pdf_text(content)
    lines = [" ".join(line.split()) for line in text.splitlines() if line.strip()]

    assert lines[0] == "威海市环翠区人力资源和社会保障局首席技师津贴发放表"
    assert pdf_pages(content) == 1
    assert "".join(text.split()).endswith("第1页共1页")
    assert any(line.startswith("1 王建国 ") and line.endswith("6228 **** **** 6543 已发放") for line in lines)
    assert any(line.startswith(f"2 {RARE} ") and "账户已销户" in line for line in lines)
    assert "合计 2人 1,000.00 0.00 200.00 800.00" in lines
    assert "失败 1人 500.00 0.00 100.00 400.00" in lines
    assert any(line.startswith("3 李秀英 ") and line.endswith("尚无已确认的津贴发放账户") for line in lines)
    assert "经办人：欧丽 复核人：奥斯卡 审批人：帕特" in lines
    assert "日期：2026年11月25日 日期：2026年11月26日 日期：2026年11月27日" in lines
    fonts = pdf_fonts(content)
    # The primary font, and HanaMin A for 𠮷, both embedded; no standard font left unembedded.
    assert fonts == {"WenQuanYiMicroHei-0": "yes", "HanaMinA": "yes"}
    assert (NUMBER_1 in text, NUMBER_2 in text, "6228480438" in text) == (False, False, False)


def test_a_long_sheet_repeats_the_header_and_counts_its_pages(people, alice, gina, olivia):
    wang = people[0]
    tenures = [
        wang,
        *(make_tenure(alice, gina, round_=wang.application.round, name=f"张{n:02d}") for n in range(40)),
    ]
    batch = make_payroll_batch(
        olivia, period=NOV, lines=[(t, [NOV]) for t in tenures], hold_without_account=False
    )

    content = payroll_sheet_pdf(batch)

    assert pdf_pages(content) == 2
    second = pdf_text(content, "-f", "2", "-l", "2")
    assert "首席技师津贴发放表（续） 批次号：" in " ".join(second.split())
    assert "身份证号码" in second
    assert "".join(second.split()).endswith("第2页共2页")
    assert "合计 41人 20,500.00 0.00 0.00 20,500.00" in " ".join(second.split())


# --- The annual statement --------------------------------------------------------------------------


@pytest.fixture
def history(people, olivia):
    """王建国's 2026: Jan–Mar paid, Apr failed and paid again in May's batch with May, and March recovered."""
    wang = people[0]
    months = [date(2026, m, 1) for m in range(1, 6)]
    for month in months[:3]:
        make_payroll_batch(olivia, period=month, lines=[(wang, [month])], state="completed")
    april = make_payroll_batch(olivia, period=months[3], lines=[(wang, [months[3]])], state="completed")
    fail(april, 1, "户名不符")
    may = make_payroll_batch(olivia, period=months[4], lines=[(wang, months[3:5])], state="completed")
    PayrollMonth.objects.filter(line__batch=may, month=months[3]).update(kind="retry")
    march = PayrollMonth.objects.get(line__state="paid", tenure=wang, month=months[2])
    Recovery.objects.create(
        tenure=wang,
        paid_month=march,
        month=months[2],
        amount=Decimal("500.00"),
        reason="2026年2月离开技能岗位，次月起停发",
        state="refunded",
        refunded_on=date(2026, 6, 10),
        refund_reference="HZ-2026-061",
        created_at=datetime(2026, 6, 1, tzinfo=SHANGHAI),
    )
    return wang


def test_the_statement_totals_equal_the_years_paid_lines(history):
    statement = holder_statement(tenure=history, year=2026)
    paid = PayrollLine.objects.filter(tenure=history, state="paid", paid_on__year=2026)

    assert [p.batch for p in statement.payments] == [
        line.batch.number for line in paid.order_by("paid_on", "pk")
    ]
    assert (statement.total("gross"), statement.total("net")) == (
        sum(line.gross for line in paid),
        sum(line.net for line in paid),
    )
    assert statement.total("gross") == Decimal("2500.00")
    assert [(m.month, m.situation) for m in statement.months[:6]] == [
        ("2026年1月", "已发放"),
        ("2026年2月", "已发放"),
        ("2026年3月", "已发放"),
        ("2026年4月", "失败后重发"),
        ("2026年5月", "已发放"),
        ("2026年6月", "暂缓发放"),
    ]
    # The factory paid January–May regardless; the entitlement still holds the second year for the re-review.
    assert statement.months[5].note == "管理期第1年复核认定尚未通过，通过后补发（第十二条）"
    assert statement.months[3].note.endswith("批次发放失败（户名不符）")
    assert (
        statement.months[2].note
        == "追回500.00元（2026年2月离开技能岗位，次月起停发）：已于2026年6月10日退回，凭证号HZ-2026-061"
    )
    assert len(statement.months) == 12


def test_the_statement_pdf_names_the_holder_and_masks_the_account(history):
    content = holder_statement_pdf(tenure=history, year=2026)
    text = " ".join(pdf_text(content).split())

    assert text.startswith("2026年度首席技师津贴发放明细 姓名：王建国")
    assert "发放账户：中国工商银行威海环翠支行 6228 **** **** 6543" in text
    assert "合计 4笔 2,500.00 0.00 40.00 2,460.00" in text
    assert "三、追回" in text
    assert (NUMBER_1 in text, "6228480438" in text) == (False, False)


# --- The withholding list --------------------------------------------------------------------------


def test_the_withholding_list_holds_full_id_numbers_and_the_tax(batch, people):
    wang = people[0]
    rows = sheet_rows(withholding_list_xlsx(authority=huancui(), year=2026, month=11), "扣缴申报明细")

    assert rows[0][0] == "威海市环翠区人力资源和社会保障局首席技师津贴代扣个人所得税明细（2026年11月）"
    assert rows[2] == (
        "序号",
        "姓名",
        "证件类型",
        "证件号码",
        "所得项目",
        "所得期间",
        "收入额",
        "扣缴税额",
        "批次号",
    )
    # The failed line was not paid, the held one neither: only 王建国 was paid in November.
    assert rows[3:] == [
        (
            1,
            "王建国",
            "居民身份证",
            wang.application.id_number,
            "工资、薪金所得",
            "2026.11",
            500,
            100,
            "HC-202611-01",
        ),
        ("合计", "1人", None, None, None, None, 500, 100),
    ]


def test_a_month_without_taxable_payments_gives_the_headers_and_zero(batch):
    rows = sheet_rows(withholding_list_xlsx(authority=huancui(), year=2026, month=10), "扣缴申报明细")

    assert rows[3:] == [("合计", "0人", None, None, None, None, 0, 0)]


def test_exporting_the_withholding_list_is_a_reveal_audited_and_refused_to_the_approver(
    batch, olivia, pat, people
):
    withholding_list_export(actor=olivia, authority=huancui(), year=2026, month=11)

    record = AuditRecord.objects.get(action=ACTION_REVEAL)
    assert (record.actor_id, record.object_repr, record.after["rows"], record.after["tenures"]) == (
        olivia.pk,
        "扣缴申报明细（2026年11月）",
        1,
        [people[0].pk],
    )
    with pytest.raises(PermissionDenied):
        withholding_list_export(actor=pat, authority=huancui(), year=2026, month=11)


# --- The downloads ---------------------------------------------------------------------------------


def no_store(response) -> bool:
    return "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("name", ["subsidy:batch_sheet_xlsx", "subsidy:batch_sheet_pdf"])
def test_officers_and_the_approver_download_the_sheet_never_stored(client, batch, olivia, pat, name):
    for user in (olivia, pat):
        client.force_login(user)
        response = client.get(reverse(name, args=[batch.pk]))
        assert (response.status_code, no_store(response)) == (200, True)
        assert response["Content-Disposition"].startswith(f'attachment; filename="payroll-{batch.pk}.')


@pytest.mark.parametrize("name", ["subsidy:batch_sheet_xlsx", "subsidy:batch_sheet_pdf"])
def test_another_authoritys_officer_and_an_enterprise_user_cannot_have_the_sheet(client, batch, alice, name):
    walter = make_user("walter", Role.OFFICER, authority=make_weihai(), real_name="沃尔特")
    client.force_login(walter)
    assert client.get(reverse(name, args=[batch.pk])).status_code == 404
    client.force_login(alice)
    assert client.get(reverse(name, args=[batch.pk])).status_code == 403


def test_the_holder_downloads_only_their_own_statement(client, history, people, olivia):
    wang, rare = people[:2]
    other = make_user("tech2", Role.TECHNICIAN, real_name=RARE)
    Tenure.objects.filter(pk=rare.pk).update(user=other)
    # The other holder has a paid month of their own in 2026: it must not reach 王建国's statement.
    make_payroll_batch(
        olivia,
        period=date(2026, 7, 1),
        lines=[(rare, [date(2026, 7, 1)])],
        state="completed",
        number="HC-RARE-07",
    )
    holder = make_user("tech1", Role.TECHNICIAN, real_name="王建国")
    Tenure.objects.filter(pk=wang.pk).update(user=holder)
    client.force_login(holder)

    response = client.get(reverse("subsidy:holder_statement_pdf", args=[2026]))

    assert (response.status_code, no_store(response)) == (200, True)
    text = " ".join(pdf_text(response.content).split())
    assert ("王建国" in text, RARE in text, "HC-RARE-07" in text, NUMBER_2 in text) == (
        True,
        False,
        False,
        False,
    )
    assert client.get(reverse("subsidy:holder_statement_pdf", args=[1999])).status_code == 404


def test_the_officer_downloads_a_terms_statement_of_their_authority_only(client, history, olivia, pat):
    url = reverse("subsidy:tenure_statement_pdf", args=[history.pk, 2026])
    client.force_login(olivia)
    response = client.get(url)
    assert (response.status_code, no_store(response), pdf_pages(response.content)) == (200, True, 2)
    client.force_login(make_user("walter", Role.OFFICER, authority=make_weihai()))
    assert client.get(url).status_code == 404
    client.force_login(pat)
    assert client.get(url).status_code == 403


def test_the_withholding_download_is_the_bank_file_exporters_and_audited(client, batch, olivia, pat):
    url = reverse("subsidy:withholding_xlsx", args=[2026, 11])
    client.force_login(olivia)
    response = client.get(url)
    assert (response.status_code, no_store(response)) == (200, True)
    assert AuditRecord.objects.filter(action=ACTION_REVEAL, actor_id=olivia.pk).count() == 1
    assert client.get(reverse("subsidy:withholding_xlsx", args=[2026, 13])).status_code == 404
    client.force_login(pat)
    assert client.get(url).status_code == 403
