"""The bank round trip in a real browser: the system admin starts a format from a preset, the officer writes the
bank file after the question, downloads it, uploads a return file that does not match (every problem listed at
the top) and then the bank's real one."""

import csv
import io

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from chieftech.accounts.roles import Role
from chieftech.subsidy.models import PayrollBatch
from tests.browser.support import confirm_irreversible, shot
from tests.browser.test_application_flow import log_in
from tests.factories import make_enterprise, make_user
from tests.subsidy.bank_setup import ACCOUNTS, approved, delimited, holders

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def batch():
    alice = make_user("alice", Role.ENTERPRISE, enterprise=make_enterprise("威海甲精密机械有限公司"))
    olivia = make_user("olivia", Role.OFFICER, real_name="欧丽")
    gina = make_user("gina", Role.GOVERNMENT)
    make_user("sam", Role.SYSADMIN, real_name="萨姆")
    return approved(olivia, holders(alice, gina, olivia), number="HCJT-202612-01")


def test_format_export_download_and_return(batch, live_server, page, tmp_path):
    base = live_server.url
    log_in(page, base, "sam")
    page.goto(base + reverse("subsidy:bank_format_list"))
    page.get_by_role("link", name="预置模板：中国工商银行代发（CSV，GBK）").click()
    expect(page.locator("#preset-notice")).to_contain_text("不代表该银行现行模板")
    shot(page, "bank-format-from-preset")
    page.get_by_role("button", name="保存").click()
    expect(page.locator("#bank-formats")).to_contain_text("中国工商银行代发（CSV，GBK）")
    shot(page, "bank-format-list")

    page.context.clear_cookies()
    log_in(page, base, "olivia")
    page.goto(base + reverse("subsidy:batch_export", args=[batch.pk]))
    page.get_by_role("button", name="生成代发文件").click()
    confirm_irreversible(page, "确认生成", screenshot="bank-export-question")
    expect(page.locator(".messages")).to_contain_text("银行代发文件已生成")
    assert [number in page.content() for number in ACCOUNTS.values()] == [False, False, False]
    with page.expect_download() as download:
        page.locator("#bank-file-link").click()
    content = download.value.path().read_bytes()
    rows = list(csv.reader(io.StringIO(content.decode("gbk"))))
    assert (download.value.suggested_filename, rows[1][1]) == ("HCJT-202612-01.csv", ACCOUNTS["王建国"])
    shot(page, "bank-exported")

    returned = [["序号", "账号", "户名", "金额", "处理结果", "失败原因"]] + [
        [seq, account, name, amount, "成功" if seq != "2" else "失败", "" if seq != "2" else "账户已冻结"]
        for seq, account, name, amount, _ in rows[1:]
    ]
    short = tmp_path / "short.csv"
    short.write_bytes(delimited(returned[:3], delimiter=",", encoding="gbk"))
    page.get_by_label("银行回盘文件").set_input_files(str(short))
    page.get_by_role("button", name="导入回盘").click()
    expect(page.locator(".error-summary")).to_contain_text("序号3（张伟）在回盘文件中没有对应的记录。")
    shot(page, "bank-return-refused")

    full = tmp_path / "回盘.csv"
    full.write_bytes(delimited(returned, delimiter=",", encoding="gbk"))
    page.get_by_label("银行回盘文件").set_input_files(str(full))
    page.get_by_role("button", name="导入回盘").click()
    expect(page.locator("#confirm-question")).to_contain_text("成功2笔1000.00元，失败1笔500.00元")
    confirm_irreversible(page, "确认导入", screenshot="bank-return-question")
    expect(page.locator(".messages")).to_contain_text("回盘已导入：成功2笔，失败1笔。")
    shot(page, "bank-return-imported")
    assert PayrollBatch.objects.get().state == "completed"
