"""Typing is not lost and errors are not missed, in a real browser: the idle warning and its "继续工作",
a save after the session ended restoring what was typed once signed in again, and the error summary
at the top of a long page taking the focus, its links moving to the fields."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from chieftech.accounts.roles import Role
from chieftech.selection.models import Application
from tests.browser.support import shot
from tests.browser.test_application_flow import log_in
from tests.factories import PASSWORD, make_application, make_enterprise, make_id_number, make_user
from tests.selection.test_enterprise_views import open_round

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

RESTORED = "已恢复您上次未保存的内容，请核对后保存"
DEEDS = "坚守数控车间二十年，带出一支技术过硬的班组。\n" * 30


@pytest.fixture
def people():
    alice = make_user("alice", Role.ENTERPRISE, enterprise=make_enterprise("威海甲精密机械有限公司"))
    return alice, make_user("olivia", Role.OFFICER)


@pytest.fixture
def round_(people):
    return open_round(people[1])


def draft_keys(page) -> list[str]:
    return page.evaluate("() => Object.keys(sessionStorage).filter(k => k.indexOf('chieftech.draft') === 0)")


def test_a_save_after_the_session_ended_restores_the_typing_after_signing_in(
    people, round_, live_server, page, settings
):
    settings.IDLE_TIMEOUT = timedelta(seconds=5)
    settings.IDLE_WARNING = timedelta(seconds=2)
    base = live_server.url
    create = reverse("selection:application_create", args=[round_.pk])
    log_in(page, base, "alice")
    page.goto(base + create)

    page.get_by_label("姓名", exact=True).fill("王建国")
    page.get_by_label("身份证号码").fill(make_id_number(date(1980, 5, 17)))
    page.get_by_label("职业技能竞赛成绩优异者推荐").check()
    page.locator("#id_competition_name").fill("威海市数控车工职业技能大赛")
    page.get_by_role("button", name="添加一行").first.click()
    page.locator('[name="cert-1-occupation"]').fill("数控车工")
    page.get_by_label("事迹材料").fill(DEEDS)
    # The session ends while the user reads over what they typed.
    expect(page.locator(".idle-warning")).to_contain_text("您已自动退出登录", timeout=8_000)
    page.get_by_role("button", name="保存草稿").click()

    page.wait_for_url(f"**{reverse('accounts:login')}?next=**")
    expect(page.locator(".messages")).to_contain_text("由于长时间未操作，您已自动退出登录")
    settings.IDLE_TIMEOUT = timedelta(minutes=30)
    page.get_by_label("用户名").fill("alice")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()

    page.wait_for_url(base + create)
    expect(page.locator(".draft-restored")).to_have_text(RESTORED)
    expect(page.get_by_label("姓名", exact=True)).to_have_value("王建国")
    expect(page.get_by_label("身份证号码")).to_have_value(make_id_number(date(1980, 5, 17)))
    expect(page.get_by_label("职业技能竞赛成绩优异者推荐")).to_be_checked()
    expect(page.locator("#id_competition_name")).to_be_visible()
    expect(page.locator("#id_competition_name")).to_have_value("威海市数控车工职业技能大赛")
    expect(page.locator('[name="cert-1-occupation"]')).to_have_value("数控车工")
    expect(page.get_by_label("事迹材料")).to_have_value(DEEDS)
    shot(page, "form-safety-1-restored")
    assert draft_keys(page) == [f"chieftech.draft:{create}"]
    kept = page.evaluate(f"() => JSON.parse(sessionStorage.getItem('chieftech.draft:{create}'))")
    assert (kept["name"], kept["cert-TOTAL_FORMS"], "csrfmiddlewaretoken" in kept) == (
        ["王建国"],
        ["2"],
        False,
    )

    # Nothing was saved while signed out; the restored copy is saved now and the kept copy is gone.
    assert Application.objects.count() == 0
    page.locator('[name="cert-1-occupation"]').fill("")
    page.get_by_role("button", name="保存草稿").click()
    expect(page.locator(".messages")).to_contain_text("草稿已保存")
    assert Application.objects.get().name == "王建国"
    assert draft_keys(page) == []


def test_the_warning_comes_before_the_timeout_and_continue_keeps_the_session(
    people, round_, live_server, page, settings
):
    settings.IDLE_TIMEOUT = timedelta(seconds=8)
    settings.IDLE_WARNING = timedelta(seconds=5)
    base = live_server.url
    log_in(page, base, "alice")
    page.goto(base + reverse("selection:my_applications"))
    warning = page.locator(".idle-warning")
    expect(warning).to_be_hidden()

    expect(warning).to_be_visible(timeout=6_000)
    expect(warning).to_contain_text("您已较长时间未操作，")
    expect(warning).to_contain_text("秒后将自动退出登录。")
    shot(page, "form-safety-2-idle-warning")
    page.get_by_role("button", name="继续工作").click()
    expect(warning).to_be_hidden()

    # Past the time the page was loaded with, the session is still there.
    page.wait_for_timeout(5_000)
    page.reload()
    assert page.url == base + reverse("selection:my_applications")


def test_the_error_summary_takes_the_focus_and_its_links_move_to_the_fields(
    people, round_, live_server, page
):
    alice, _ = people
    application = make_application(alice, round_)
    base = live_server.url
    log_in(page, base, "alice")

    # The edit page: an ID number with a wrong check digit, far down the page the year count is not a number.
    page.goto(base + reverse("selection:application_edit", args=[application.pk]))
    page.get_by_label("身份证号码").fill("37060219800517123X")
    page.get_by_role("button", name="保存草稿").click()
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_in_viewport()
    expect(summary).to_be_focused()
    expect(summary.locator("h2")).to_have_text("请修改以下 1 处错误")
    expect(summary.locator("li")).to_have_text(["身份证号码：身份证号码校验位不正确，请核对。"])
    expect(page.locator("#field-id_number .errorlist")).to_have_text("身份证号码校验位不正确，请核对。")
    shot(page, "form-safety-3-edit-summary")
    summary.get_by_role("link").click()
    expect(page.get_by_label("身份证号码")).to_be_focused()
    expect(page.get_by_label("身份证号码")).to_be_in_viewport()

    # The long application page: a refused upload, its message far below the top.
    page.goto(base + reverse("selection:application_detail", args=[application.pk]))
    page.get_by_label("材料类别").select_option(label="职业资格/技能等级证书")
    page.get_by_label("文件", exact=True).set_input_files(
        {"name": "证书.pdf", "mimeType": "application/pdf", "buffer": b"<html>not a pdf</html>"}
    )
    page.get_by_role("button", name="上传").click()
    expect(summary).to_be_in_viewport()
    expect(summary).to_be_focused()
    expect(summary.locator("h2")).to_have_text("请修改以下 1 处错误")
    expect(summary.locator("li")).to_have_text(["文件：“证书.pdf”的内容与扩展名不符，不是真正的PDF文件。"])
    shot(page, "form-safety-4-upload-summary")
    summary.get_by_role("link").click()
    expect(page.get_by_label("文件", exact=True)).to_be_focused()
    expect(page.get_by_label("文件", exact=True)).to_be_in_viewport()
