"""The system admin's bank format pages: the list, a new format from a preset, a change, each audited; bad input
answered at its field with nothing saved; a format that wrote a batch's file keeps the file's shape."""

import lxml.html
import pytest
from django.urls import reverse

from chieftech.audit.models import AuditRecord
from chieftech.subsidy.bank_files import BANK_FORMAT_PRESETS
from chieftech.subsidy.forms_bank import BankFormatForm
from chieftech.subsidy.models import BankFileFormat
from tests.factories import huancui, make_weihai
from tests.subsidy.bank_setup import exported, holders, make_format
from tests.test_irreversible_actions import logged_in


def posted(fmt_data: dict, **overrides) -> dict:
    """The form as the admin submits it, from a format's fields (a preset's)."""
    data = {k: v for k, v in BankFormatForm.initial_from(fmt_data).items() if v is not False}
    data.update(active="on", **overrides)
    return data


def summary(response) -> list[str]:
    doc = lxml.html.fromstring(response.content.decode())
    return [li.text_content() for li in doc.xpath('//div[@class="error-summary"]//li')]


@pytest.mark.parametrize("count", [1, 3])
def test_the_list_costs_the_same_queries_for_one_format_or_three(sam, django_assert_num_queries, count):
    for key in sorted(BANK_FORMAT_PRESETS)[:count]:
        make_format(huancui(), key)
    client = logged_in(sam)
    client.get(reverse("subsidy:bank_format_list"))  # the session and the site are read once

    with django_assert_num_queries(11):
        response = client.get(reverse("subsidy:bank_format_list"))

    rows = lxml.html.fromstring(response.content.decode()).xpath('//table[@id="bank-formats"]/tbody/tr')
    assert len(rows) == count


def test_a_new_format_starts_from_a_preset_labelled_as_such_and_is_audited(sam):
    client = logged_in(sam)
    url = reverse("subsidy:bank_format_create")

    page = client.get(f"{url}?preset=psbc_txt")

    doc = lxml.html.fromstring(page.content.decode())
    assert (
        doc.get_element_by_id("preset-notice")
        .text_content()
        .startswith(
            "预置模板：中国邮政储蓄银行代发（TXT，首行汇总）。这是常见格式的起点，不代表该银行现行模板"
        )
    )
    assert doc.get_element_by_id("id_columns").text_content().lstrip("\n") == (
        "account=账号\nname=户名\namount=金额\nid_number=证件号码\npurpose=摘要"
    )

    response = client.post(
        f"{url}?preset=psbc_txt",
        posted(BANK_FORMAT_PRESETS["psbc_txt"], authority=huancui().pk, name="邮储代发"),
    )

    assert response["Location"] == reverse("subsidy:bank_format_list")
    fmt = BankFileFormat.objects.get()
    assert (fmt.name, fmt.authority, fmt.summary_row, fmt.header_row, fmt.return_columns, fmt.updated_by) == (
        "邮储代发",
        huancui(),
        True,
        False,
        {"account": 0, "amount": 2, "status": 3, "reason": 4},
        sam,
    )
    assert fmt.columns == BANK_FORMAT_PRESETS["psbc_txt"]["columns"]
    record = AuditRecord.objects.get(action="bank_format.create")
    assert (record.before, record.after["name"], record.after["columns"]) == (None, "邮储代发", fmt.columns)


def test_bad_input_is_answered_at_its_field_and_nothing_is_saved(sam):
    data = posted(
        BANK_FORMAT_PRESETS["icbc_csv"],
        authority=huancui().pk,
        delimiter="",
        columns="seq=序号\n账号\nsalary=工资",
        return_columns="account=2\namount=x",
    )

    response = logged_in(sam).post(reverse("subsidy:bank_format_create"), data)

    assert summary(response) == [
        "代发文件列：第2行“账号”应写成“字段=列名”。",
        "回盘文件列：“amount”的列号“x”应为从1数起的整数。",
    ]
    assert BankFileFormat.objects.count() == 0

    data.update(columns="seq=序号\nsalary=工资", return_columns="account=2\namount=4")
    response = logged_in(sam).post(reverse("subsidy:bank_format_create"), data)

    assert summary(response) == [
        "分隔符：CSV、TXT 文件须填写分隔符（如 , 或 |）。",
        "代发文件列：第2行“salary”不是可用的字段。",
        "代发文件列：代发文件必须包含“账号（完整）”列。",
        "代发文件列：代发文件必须包含“金额（实发，两位小数）”列。",
        "回盘文件列：回盘文件必须指明“处理结果”所在的列，用于核对。",
    ]
    assert (
        BankFileFormat.objects.count(),
        AuditRecord.objects.filter(action__startswith="bank_format").count(),
    ) == (
        0,
        0,
    )


def test_a_change_is_audited_with_before_and_after(sam):
    fmt = make_format(huancui(), "icbc_csv")
    data = posted(BANK_FORMAT_PRESETS["icbc_csv"], authority=huancui().pk, encoding="utf-8")

    response = logged_in(sam).post(reverse("subsidy:bank_format_edit", args=[fmt.pk]), data)

    assert response.status_code == 302
    fmt.refresh_from_db()
    record = AuditRecord.objects.get(action="bank_format.update")
    assert (fmt.encoding, record.before["encoding"], record.after["encoding"]) == ("utf-8", "gbk", "utf-8")


def test_a_format_that_wrote_a_file_keeps_its_shape_and_its_authority(sam, olivia, alice, gina):
    tenures = holders(alice, gina, olivia)
    fmt = make_format(huancui(), "icbc_csv")
    exported(olivia, tenures, fmt)
    client = logged_in(sam)
    url = reverse("subsidy:bank_format_edit", args=[fmt.pk])

    reordered = client.post(
        url,
        posted(BANK_FORMAT_PRESETS["icbc_csv"], authority=huancui().pk, columns="account=账号\namount=金额"),
    )
    moved = client.post(url, posted(BANK_FORMAT_PRESETS["icbc_csv"], authority=make_weihai().pk))
    stopped = client.post(
        url, {**posted(BANK_FORMAT_PRESETS["icbc_csv"], authority=huancui().pk), "active": ""}
    )

    assert summary(reordered) == [
        "代发文件列：已有发放表按此格式报盘，为保证重新下载的文件与报盘时一致，文件的列、编码、类型等不能再修改；"
        "银行模板有变化的，请新建格式（可从预置模板开始）并停用本格式。"
    ]
    assert summary(moved) == ["发放机关：已有发放表按此格式报盘，不能改为其他发放机关的格式。"]
    assert stopped.status_code == 302
    fmt.refresh_from_db()
    assert (fmt.columns, fmt.authority, fmt.active) == (
        BANK_FORMAT_PRESETS["icbc_csv"]["columns"],
        huancui(),
        False,
    )


def test_only_the_system_admin_keeps_the_formats(olivia):
    fmt = make_format(huancui(), "icbc_csv")
    client = logged_in(olivia)

    answers = [
        client.get(reverse("subsidy:bank_format_list")).status_code,
        client.get(reverse("subsidy:bank_format_create")).status_code,
        client.post(reverse("subsidy:bank_format_edit", args=[fmt.pk]), {"name": "改"}).status_code,
    ]

    assert answers == [403, 403, 403]
