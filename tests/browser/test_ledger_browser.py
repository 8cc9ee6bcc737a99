"""The ledger in a real browser: the holder enters an apprentice with a wrong check digit and sees the message at
the field, corrects it, uploads the agreement; the officer reads the ledger masked, with the flag of an apprentice
another holder also claims."""

from datetime import date

import pytest
from playwright.sync_api import expect

from chieftech.accounts.roles import Role
from chieftech.tenure.models import Tenure
from tests.browser.support import shot
from tests.browser.test_application_flow import log_in
from tests.duties.conftest import APPRENTICE_ID, BAD_CHECK_DIGIT
from tests.factories import PDF_BYTES, make_apprentice, make_enterprise, make_tenure, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

MASKED = APPRENTICE_ID[:4] + "*" * 10 + APPRENTICE_ID[-4:]


@pytest.fixture
def people():
    alice = make_user("alice", Role.ENTERPRISE, enterprise=make_enterprise("威海甲精密机械有限公司"))
    olivia = make_user("olivia", Role.OFFICER, real_name="欧丽")
    gina = make_user("gina", Role.GOVERNMENT)
    tenure = make_tenure(alice, gina, officer=olivia, name="王建国")
    other = make_tenure(alice, gina, round_=tenure.application.round, name="李秀英")
    holder = make_user("tech1", Role.TECHNICIAN, real_name="王建国")
    Tenure.objects.filter(pk=tenure.pk).update(user=holder)
    make_apprentice(other, by=alice, name="张晓明", id_number=APPRENTICE_ID, signed_on=date(2025, 2, 1))
    return tenure


def test_the_holder_keeps_the_ledger_and_the_officer_sees_the_flag(people, live_server, page, tmp_path):
    base = live_server.url
    agreement = tmp_path / "带徒协议.pdf"
    agreement.write_bytes(PDF_BYTES)
    log_in(page, base, "tech1")
    page.get_by_role("navigation", name="主菜单").get_by_role("link", name="我的管理期").click()
    page.locator("#holder-nav").get_by_role("link", name="带徒台账").click()
    page.get_by_role("link", name="登记徒弟").click()
    page.get_by_label("徒弟姓名").fill("张小明")
    page.get_by_label("身份证号码").fill(BAD_CHECK_DIGIT)
    page.get_by_label("职业（工种）").fill("数控车工")
    page.get_by_label("所在单位", exact=True).select_option(label="威海甲精密机械有限公司")
    page.get_by_role("button", name="保存").click()

    expect(page.locator(".has-error")).to_contain_text("身份证号码校验位不正确，请核对。")
    shot(page, "ledger-apprentice-check-digit")
    page.get_by_label("身份证号码").fill(APPRENTICE_ID)
    page.get_by_role("button", name="保存").click()
    page.get_by_role("link", name="登记带徒协议").click()
    page.get_by_label("签订日期").fill("2025-01-05")
    page.get_by_label("带徒协议").set_input_files(str(agreement))
    page.get_by_role("button", name="保存").click()

    section = page.locator(".apprentice").first
    expect(section).to_contain_text(MASKED)
    expect(section.locator("table.agreements")).to_contain_text("2025年1月5日")
    expect(section.locator("table.agreements")).to_contain_text("带徒协议.pdf")
    shot(page, "ledger-holder")
    assert APPRENTICE_ID not in page.content()

    page.context.clear_cookies()
    log_in(page, base, "olivia")
    page.goto(base + f"/tenure/{people.pk}/")
    page.get_by_role("link", name="带徒台账").click()
    expect(page.locator(".apprentice").first.locator("h2")).to_have_text("张小明 重复")
    shot(page, "ledger-officer-flag")
    page.get_by_role("link", name="查看全部重复登记").click()
    expect(page.locator("#duplicates")).to_contain_text(MASKED)
    expect(page.locator("#duplicates")).to_contain_text("李秀英")
    shot(page, "ledger-duplicates")
    assert APPRENTICE_ID not in page.content()
