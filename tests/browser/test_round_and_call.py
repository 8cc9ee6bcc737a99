"""The officer opens a round, edits the generated call, publishes it; the public reads it on a phone."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from chieftech.accounts.roles import Role, roles_sync
from chieftech.selection.models import Round
from tests.browser.support import confirm_irreversible, shot
from tests.factories import PASSWORD, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

TITLE = "2026年度环翠区首席技师选拔"
CONTACT_LINE = "联系方式：区人社局职业能力建设科 0631-5201234（工作日8:30-17:00）"


@pytest.fixture
def officer(transactional_db):
    roles_sync()
    return make_user("olivia", Role.OFFICER, real_name="欧丽")


def sign_in(page, live_server, user) -> None:
    page.goto(live_server.url + reverse("accounts:login"))
    page.get_by_label("用户名").fill(user.username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(live_server.url + reverse("core:home"))


def test_officer_creates_edits_and_publishes_a_call_the_public_reads_on_a_phone(
    live_server, page, phone_page, officer
):
    today = timezone.localdate()
    sign_in(page, live_server, officer)

    page.goto(live_server.url + reverse("selection:round_create"))
    page.get_by_label("批次名称").fill(TITLE)
    page.get_by_label("年度").fill("2026")
    page.get_by_label("申报开始日期").fill(today.isoformat())
    page.get_by_label("申报截止日期").fill((today + timedelta(days=21)).isoformat())
    page.get_by_label("资格审查截止日期").fill((today + timedelta(days=35)).isoformat())
    page.get_by_label("评审截止日期").fill((today + timedelta(days=60)).isoformat())
    expect(page.get_by_label("选拔名额（左右）")).to_have_value("5")
    shot(page, "round-create")
    page.get_by_role("button", name="创建批次").click()

    round_ = Round.objects.get(title=TITLE)
    page.wait_for_url(live_server.url + reverse("selection:round_detail", args=[round_.pk]))
    expect(page.locator("main h1")).to_contain_text(TITLE)
    expect(page.locator("main h1 .status")).to_have_text("草稿")
    expect(page.locator("#call-text")).to_contain_text("关于开展2026年度环翠区首席技师选拔工作的通知")

    page.get_by_role("link", name="修改批次与通知正文").click()
    call_text = page.get_by_label("申报通知正文")
    text = call_text.input_value().replace("联系方式：区人力资源和社会保障局", CONTACT_LINE)
    call_text.fill(text)
    shot(page, "round-edit")
    page.get_by_role("button", name="保存").click()
    page.wait_for_url(live_server.url + reverse("selection:round_detail", args=[round_.pk]))
    expect(page.locator(".msg-success")).to_have_text("批次信息已保存。")
    expect(page.locator("#call-text")).to_contain_text(CONTACT_LINE)

    page.get_by_role("button", name="发布申报通知").click()
    confirm_irreversible(page, "确认发布", "round-confirm-publish")
    expect(page.locator(".msg-success")).to_contain_text("申报通知已发布")
    expect(page.locator("main h1 .status")).to_have_text("申报中")
    expect(page.get_by_role("link", name="修改批次与通知正文")).to_have_count(0)
    shot(page, "round-published")

    phone_page.goto(live_server.url + reverse("portal:call_list"))
    row = phone_page.locator("#calls tbody tr")
    expect(row).to_have_count(1)
    expect(row.get_by_role("link", name=TITLE)).to_be_visible()
    expect(row.locator(".status")).to_have_text("正在申报")
    assert phone_page.evaluate("document.documentElement.scrollWidth") == 375
    shot(phone_page, "calls-mobile")

    row.get_by_role("link", name=TITLE).click()
    phone_page.wait_for_url(live_server.url + reverse("portal:call_detail", args=[round_.pk]))
    expect(phone_page.locator("#call-text")).to_contain_text(CONTACT_LINE)
    expect(phone_page.get_by_role("link", name="空白申报表（PDF）")).to_be_visible()
    expect(phone_page.get_by_role("link", name="空白申报表（Word）")).to_be_visible()
    assert phone_page.evaluate("document.documentElement.scrollWidth") == 375
    shot(phone_page, "calls-detail-mobile")


def test_officer_filters_the_queue_reveals_the_id_number_and_returns_an_application(
    live_server, page, officer
):
    from datetime import date

    from chieftech.accounts.models import IndustryFocus
    from tests.factories import make_application, make_enterprise, make_id_number, make_round

    today = timezone.localdate()
    round_ = make_round(
        officer,
        application_opens_on=today - timedelta(days=7),
        application_deadline=today + timedelta(days=21),
        review_ends_on=today + timedelta(days=35),
        evaluation_ends_on=today + timedelta(days=60),
    )
    focus = make_enterprise("威海甲精密机械有限公司")
    other = make_enterprise("威海丙食品有限公司", industry_focus=IndustryFocus.NONE)
    alice = make_user("alice", Role.ENTERPRISE, enterprise=focus, real_name="艾丽")
    carol = make_user("carol", Role.ENTERPRISE, enterprise=other, real_name="卡萝")
    make_application(
        alice, round_, submit=True, name="赵一", id_number=make_id_number(date(1985, 1, 10), serial=201)
    )
    make_application(
        alice, round_, submit=True, name="钱二", id_number=make_id_number(date(1962, 2, 1), serial=202)
    )
    sun = make_application(
        carol, round_, submit=True, name="孙三", id_number=make_id_number(date(1990, 3, 3), serial=203)
    )

    sign_in(page, live_server, officer)
    page.goto(live_server.url + reverse("selection:review_queue", args=[round_.pk]))
    expect(page.locator("#queue tbody tr")).to_have_count(3)
    page.get_by_label("资格提示").select_option("judge")
    page.get_by_role("button", name="筛选").click()
    expect(page.locator("#queue tbody tr td:first-child")).to_have_text(["钱二", "孙三"])
    shot(page, "round-review-queue")

    page.get_by_role("link", name="孙三").click()
    expect(page.locator("#id-number")).to_contain_text(sun.id_number_masked)
    page.locator("#id-number").get_by_role("button", name="显示完整号码").click()
    expect(page.locator("#id-number .revealed")).to_have_text(sun.id_number)

    page.get_by_label("重点产业：审查意见").select_option("pass")
    page.get_by_label("重点产业：说明").fill("属海洋产业链配套企业。")
    page.get_by_label("退回补正").check()
    page.get_by_label("理由/意见").fill("请补充技师证书扫描件。")
    shot(page, "round-review-form")
    page.get_by_role("button", name="提交审查结论").click()
    expect(page.locator(".msg-success")).to_have_text("已将孙三的申报退回补正，推荐单位将收到补正意见。")
    expect(page.locator("#app-state")).to_have_text("退回补正")
    expect(page.locator("#history tbody tr")).to_have_count(1)
    expect(page.locator("#history")).to_contain_text("重点产业：符合（属海洋产业链配套企业。）")
    shot(page, "round-review-detail")
