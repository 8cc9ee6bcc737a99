"""An enterprise user recommends a candidate in a real browser: fills in the form (the deeds count updating
as they type), uploads evidence, submits; the officer returns it with a comment; the enterprise corrects and
resubmits; the officer qualifies it; the enterprise sees the outcome."""

from datetime import date, datetime, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from chieftech.accounts.roles import Role
from chieftech.selection.domain.applications import deeds_char_count
from chieftech.selection.domain.eligibility import JUDGEMENT_CONDITIONS
from chieftech.selection.domain.rounds import round_create, round_publish_call
from chieftech.selection.models import Application
from tests.browser.conftest import new_context
from tests.browser.support import confirm_irreversible, shot
from tests.factories import PASSWORD, PNG_BYTES, SHANGHAI, huancui, make_enterprise, make_id_number, make_user

TODAY = timezone.localdate()
DEEDS = "该同志长期扎根生产一线，刻苦钻研数控加工技术。\n" * 40
# White space of every kind (ideographic space, no-break space, new lines) is not counted; an emoji is one.
TRICKY_DEEDS = "扎根一线　二十年\u00a0攻克难题\n\n😀 "


# Starts from the database as the migrations left it: the policy in force and the role groups.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def people():
    enterprise = make_enterprise("威海甲精密机械有限公司")
    alice = make_user("alice", Role.ENTERPRISE, enterprise=enterprise, real_name="艾丽")
    olivia = make_user("olivia", Role.OFFICER, real_name="欧丽")
    return alice, olivia


@pytest.fixture
def round_(people):
    _, olivia = people
    opens, deadline = TODAY - timedelta(days=10), TODAY + timedelta(days=20)
    round_ = round_create(
        actor=olivia,
        authority=huancui(),
        title=f"{deadline.year}年度环翠区首席技师选拔",
        year=deadline.year,
        application_opens_on=opens,
        application_deadline=deadline,
        review_ends_on=deadline + timedelta(days=15),
        evaluation_ends_on=deadline + timedelta(days=45),
    )
    return round_publish_call(
        actor=olivia, round_=round_, now=datetime.combine(opens, time(9), tzinfo=SHANGHAI)
    )


def log_in(page, base_url: str, username: str) -> None:
    page.goto(base_url + reverse("accounts:login"))
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(base_url + reverse("core:home"))


def decide(page, base_url: str, application: Application, outcome: str, reason: str = "") -> None:
    page.goto(base_url + reverse("selection:review_detail", args=[application.pk]))
    page.get_by_label(outcome, exact=True).check()
    if reason:
        page.get_by_label("理由/意见").fill(reason)
    page.get_by_role("button", name="提交审查结论").click()
    page.wait_for_load_state()


def test_recommend_return_correct_resubmit_qualify(people, round_, live_server, page, browser):
    base = live_server.url
    log_in(page, base, "alice")

    # The list shows the open round; a new recommendation starts there.
    page.goto(base + reverse("selection:my_applications"))
    expect(page.locator("#open-rounds")).to_contain_text(round_.title)
    shot(page, "application-1-list")
    page.get_by_role("link", name="新建推荐").click()

    # The form: the person, the post, a certificate, the deeds with their live count, the enterprise notice.
    page.get_by_label("姓名", exact=True).fill("王建国")
    page.get_by_label("身份证号码").fill(make_id_number(date(1980, 5, 17)))
    page.get_by_label("手机号码").fill("13863112345")
    page.get_by_label("文化程度").select_option(label="高中/中专/技校")
    work = page.get_by_role("group", name="三、职业与岗位")
    work.get_by_label("职业（工种）", exact=True).fill("数控车工")
    work.get_by_label("一线岗位", exact=True).fill("数控车间机床操作")
    work.get_by_label("从事本职业（工种）年限").fill("20")
    page.locator('[name="cert-0-level"]').select_option(label="技师（二级）")
    page.locator('[name="cert-0-occupation"]').fill("车工")
    page.locator('[name="cert-0-number"]').fill("S000037100000255001")
    page.locator('[name="cert-0-issuer"]').fill("山东省人力资源和社会保障厅")
    page.locator('[name="cert-0-issued_on"]').fill("2015-06-30")

    counter = page.locator("#deeds-count")
    deeds = page.get_by_label("事迹材料")
    expect(counter.locator("[data-count]")).to_have_text("0")
    deeds.fill(TRICKY_DEEDS)
    expect(counter.locator("[data-count]")).to_have_text(str(deeds_char_count(TRICKY_DEEDS)))
    expect(counter).to_have_class("deeds-count count-warn")
    expect(counter).to_contain_text("少于建议的800–1500字")
    deeds.fill(DEEDS)
    expect(counter.locator("[data-count]")).to_have_text(str(deeds_char_count(DEEDS)))
    expect(counter).to_have_class("deeds-count count-ok")
    expect(counter).to_contain_text("在建议范围内")

    page.get_by_label("单位内部公示开始").fill((TODAY - timedelta(days=20)).isoformat())
    page.get_by_label("单位内部公示结束").fill((TODAY - timedelta(days=14)).isoformat())
    page.get_by_label("单位内部公示结果").fill("公示期间无异议")
    page.get_by_label("推荐单位意见").fill("同意推荐。")
    shot(page, "application-2-form")
    page.get_by_role("button", name="保存草稿").click()

    # The draft: only the evidence is missing; upload a PNG, then submit.
    expect(page.locator(".messages")).to_contain_text("草稿已保存")
    expect(page.locator(".missing")).to_have_text("请上传职业资格证书、主要技术成果、获奖情况等证明材料。")
    application = Application.objects.get()
    assert application.deeds == DEEDS.replace("\n", "\r\n")
    assert deeds_char_count(application.deeds) == deeds_char_count(DEEDS)
    page.get_by_label("材料类别").select_option(label="职业资格/技能等级证书")
    page.get_by_label("文件", exact=True).set_input_files(
        {"name": "技师证书.png", "mimeType": "image/png", "buffer": PNG_BYTES}
    )
    page.get_by_role("button", name="上传").click()
    expect(page.locator("#evidence table")).to_contain_text("技师证书.png")
    shot(page, "application-3-draft")
    page.get_by_role("button", name="提交申报").click()
    confirm_irreversible(page, "确认提交申报", "application-3b-confirm-submit")
    expect(page.locator("h1 .status")).to_have_text("已提交待审")
    expect(page.get_by_role("link", name="修改申报")).to_have_count(0)
    shot(page, "application-4-submitted")

    # The officer returns it with a comment.
    officer_context = new_context(browser)
    officer = officer_context.new_page()
    officer.set_default_timeout(10_000)
    log_in(officer, base, "olivia")
    decide(officer, base, application, "退回补正", "请补充技师证书发证日期页的扫描件。")
    expect(officer.locator(".messages")).to_contain_text("已将王建国的申报退回补正")
    shot(officer, "application-5-officer-returns")

    # The enterprise sees the comment (and a notification), corrects and resubmits.
    page.goto(base + reverse("selection:my_applications"))
    row = page.locator("table.applications tbody tr")
    expect(row.locator(".status")).to_have_text("退回补正")
    expect(row).to_contain_text("请补充技师证书发证日期页的扫描件。")
    expect(page.locator(".notifications-link .badge")).to_have_text("2")
    shot(page, "application-6-returned-list")
    row.get_by_role("link", name="王建国").click()
    expect(page.locator("[data-comment]")).to_contain_text("请补充技师证书发证日期页的扫描件。")
    shot(page, "application-7-returned-detail")
    page.get_by_role("link", name="修改申报").click()
    expect(page.get_by_label("事迹材料")).to_have_value(DEEDS)
    page.get_by_label("从事本职业（工种）年限").fill("21")
    page.get_by_role("button", name="保存草稿").click()
    page.get_by_label("材料类别").select_option(label="职业资格/技能等级证书")
    page.get_by_label("文件", exact=True).set_input_files(
        {"name": "发证日期页.png", "mimeType": "image/png", "buffer": PNG_BYTES}
    )
    page.get_by_role("button", name="上传").click()
    expect(page.locator("#evidence table")).to_contain_text("发证日期页.png")
    page.get_by_role("button", name="重新提交").click()
    confirm_irreversible(page, "确认提交申报")
    expect(page.locator("h1 .status")).to_have_text("已提交待审")
    shot(page, "application-8-resubmitted")

    # "通过" in one click is refused: the conditions left to judgement need the officer's verdict and reason.
    decide(officer, base, application, "资格审查通过")
    expect(officer.locator("#decision-form")).to_contain_text("不能认定资格审查通过：4项条件需研判")
    shot(officer, "application-8b-qualify-needs-judgement")
    # The officer judges each condition with a reason, then qualifies it; the enterprise sees the outcome.
    for _code, title, _article in JUDGEMENT_CONDITIONS:
        officer.get_by_label(f"{title}：审查意见").select_option("pass")
        officer.get_by_label(f"{title}：说明").fill("经核对证明材料，符合。")
    officer.get_by_label("资格审查通过", exact=True).check()
    officer.get_by_role("button", name="提交审查结论").click()
    officer.wait_for_load_state()
    expect(officer.locator(".messages")).to_contain_text("资格审查通过")
    officer_context.close()
    page.goto(base + reverse("selection:my_applications"))
    expect(page.locator("table.applications tbody tr .status")).to_have_text("资格审查通过")
    shot(page, "application-9-qualified")
    page.get_by_role("link", name="通知").click()
    expect(page.locator("table.notifications tbody tr").first).to_contain_text(
        "资格审查结果：王建国 资格审查通过"
    )
    expect(page.locator(".notifications-link .badge")).to_have_count(0)
    shot(page, "application-10-notifications")
    application.refresh_from_db()
    assert (application.state, application.correction_round, application.years_in_trade) == (
        "qualified",
        1,
        21,
    )
