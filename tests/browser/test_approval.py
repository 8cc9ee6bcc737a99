"""The leadership and then the government approve through their pages, the officer publishes, and the
certificate's QR target opens on a phone showing the certificate as valid."""

from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from chieftech.accounts.roles import Role, roles_sync
from chieftech.certificates.documents import certificate_qr
from chieftech.certificates.models import Certificate
from tests.browser.conftest import new_context
from tests.browser.support import confirm_irreversible, shot
from tests.browser.test_round_and_call import sign_in
from tests.certificates.factories import SIGNED, make_approval_stage_round
from tests.factories import make_enterprise, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def people(transactional_db):
    roles_sync()
    enterprise_a = make_enterprise("威海甲精密机械有限公司")
    enterprise_b = make_enterprise("威海乙海洋科技有限公司")
    return {
        "officer": make_user("olivia", Role.OFFICER, real_name="欧丽"),
        "leader": make_user("leo", Role.LEADER, real_name="黎奥"),
        "government": make_user("gina", Role.GOVERNMENT, real_name="吉娜"),
        "alice": make_user("alice", Role.ENTERPRISE, enterprise=enterprise_a, real_name="艾丽"),
        "bob": make_user("bob", Role.ENTERPRISE, enterprise=enterprise_b, real_name="鲍勃"),
    }


def attach_signed_document(page) -> None:
    page.get_by_label("批准文件（签发件）").set_input_files(
        {"name": "区政府批准文件.pdf", "mimeType": "application/pdf", "buffer": SIGNED["signed_content"]}
    )


def test_leadership_and_government_approve_the_officer_publishes_and_the_qr_target_shows_valid(
    live_server, browser, page, phone_page, people
):
    round_, proposed = make_approval_stage_round(people["officer"], [people["alice"], people["bob"]], n=3)
    today = timezone.localdate()
    approval_url = live_server.url + reverse("publicity:approval", args=[round_.pk])

    # The leader finds the round among those awaiting the leadership and approves the whole list.
    sign_in(page, live_server, people["leader"])
    page.goto(live_server.url + reverse("publicity:approval_list"))
    expect(page.locator("#waiting tbody tr")).to_have_count(1)
    expect(page.locator("#waiting .status")).to_have_text("待领导小组审定")
    page.get_by_role("link", name=round_.title).click()
    page.wait_for_url(approval_url)
    expect(page.locator("#candidates tbody tr")).to_have_count(3)
    expect(page.locator("#approve-form")).to_have_count(0)
    page.get_by_label("审定同意").check()
    page.get_by_label("会议日期").fill(today.isoformat())
    page.get_by_label("会议纪要").fill("区委人才工作领导小组2026年第4次会议纪要")
    shot(page, "approval-leader-form")
    page.get_by_role("button", name="登记审定结论").click()
    expect(page.locator(".msg-success")).to_have_text(
        "已记录审定结论：审定同意。已通知区政府经办人办理批准。"
    )
    expect(page.locator("#decide-form")).to_have_count(0)
    expect(page.locator("#decision")).to_contain_text("区委人才工作领导小组2026年第4次会议纪要")
    shot(page, "approval-leader-done")

    # The government records its document number; a malformed one is refused at the field first.
    government = new_context(browser)
    gov_page = government.new_page()
    gov_page.set_default_timeout(10_000)
    sign_in(gov_page, live_server, people["government"])
    gov_page.goto(approval_url)
    expect(gov_page.locator("#decide-form")).to_have_count(0)
    gov_page.get_by_label("批准文号").fill(f"威环政字{today.year}年12号")
    gov_page.get_by_label("批准日期").fill(today.isoformat())
    attach_signed_document(gov_page)
    gov_page.get_by_role("button", name="登记区政府批准").click()
    expect(gov_page.locator("#field-document_number .errorlist")).to_have_text(
        "批准文号格式不正确，应为“发文机关代字〔年份〕序号号”，如：威环政字〔2026〕12号。"
    )
    shot(gov_page, "approval-government-refused")
    gov_page.get_by_label("批准文号").fill(f"威环政字〔{today.year}〕12号")
    attach_signed_document(gov_page)  # a page that came back with an error keeps no file
    gov_page.get_by_role("button", name="登记区政府批准").click()
    expect(gov_page.locator(".msg-success")).to_contain_text(
        f"已登记区政府批准（威环政字〔{today.year}〕12号）"
    )
    expect(gov_page.locator("#candidates .status")).to_have_text(["审定通过"] * 3)
    shot(gov_page, "approval-government-done")
    government.close()

    # The officer publishes the roster.
    officer = new_context(browser)
    officer_page = officer.new_page()
    officer_page.set_default_timeout(10_000)
    sign_in(officer_page, live_server, people["officer"])
    officer_page.goto(approval_url)
    expect(officer_page.locator("#candidates tbody tr td[data-label='证书编号']")).to_have_text(
        ["HCSJ-2026-001", "HCSJ-2026-002", "HCSJ-2026-003"]
    )
    officer_page.get_by_role("button", name="发文公布名单").click()
    confirm_irreversible(officer_page, "确认公布", "approval-confirm-roster")
    expect(officer_page.locator(".msg-success")).to_contain_text("首席技师名单已发文公布")
    expect(officer_page.locator("main h1 .status")).to_have_text("已发文公布")
    shot(officer_page, "approval-published")
    officer.close()

    # On a phone, the certificate's QR target opens and says the certificate is valid.
    certificate = Certificate.objects.select_related("tenure__application").get(
        tenure__application=proposed[0]
    )
    target = urlsplit(certificate_qr(certificate).value).path
    assert target == f"/verify/{certificate.verification_code}/"
    phone_page.goto(live_server.url + target)
    expect(phone_page.locator("#verify-status")).to_have_text("有效")
    expect(phone_page.locator(".kv")).to_contain_text("HCSJ-2026-001")
    expect(phone_page.locator(".kv")).to_contain_text(proposed[0].name)
    assert phone_page.evaluate("document.documentElement.scrollWidth") == 375
    shot(phone_page, "verify-valid-mobile")

    # The roster links each certificate number to the same page; keyboard only.
    phone_page.goto(live_server.url + reverse("verify:roster"))
    expect(phone_page.locator("#roster tbody tr")).to_have_count(3)
    assert phone_page.evaluate("document.documentElement.scrollWidth") == 375
    shot(phone_page, "roster-mobile")
    link = phone_page.get_by_role("link", name=f"查验证书 HCSJ-2026-001（{proposed[0].name}）")
    link.focus()
    phone_page.keyboard.press("Enter")
    phone_page.wait_for_url(live_server.url + target)
    expect(phone_page.locator("#verify-status")).to_have_text("有效")

    # An unknown code typed into the look-up box: the 404 page says so.
    phone_page.goto(live_server.url + "/verify/NOSUCHCODE23/")
    expect(phone_page.locator("h1")).to_have_text("未查询到该证书")
    shot(phone_page, "verify-unknown-mobile")
