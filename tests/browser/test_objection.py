"""A member of the public, on a 375 px phone, reads the running notice, files a named objection with a photo
as evidence, gets a receipt code, and looks up the handling status with it — before and after the bureau's
finding."""

import pytest
from django.core.cache import cache
from django.urls import reverse
from playwright.sync_api import expect

from chieftech.accounts.roles import Role, roles_sync
from chieftech.audit.models import AuditRecord
from chieftech.core.dates import date_zh
from chieftech.publicity.models import Objection
from tests.browser.support import confirm_irreversible, shot
from tests.factories import PNG_BYTES, make_enterprise, make_user
from tests.publicity.test_notice import decide, published_notice, running_today

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

CONTENT = (
    "该同志申报的技术革新成果实际由同车间的其他师傅完成，本人在该车间工作多年，了解相关情况，特此实名反映。"
)


@pytest.fixture
def notice(transactional_db):
    roles_sync()
    cache.clear()
    olivia = make_user("olivia", Role.OFFICER, real_name="欧丽")
    users = [
        make_user("alice", Role.ENTERPRISE, enterprise=make_enterprise("威海甲精密机械有限公司")),
        make_user("bob", Role.ENTERPRISE, enterprise=make_enterprise("威海乙海洋科技有限公司")),
    ]
    _, notice, applications = published_notice(olivia, users, n=3)
    yield running_today(notice), applications, olivia
    cache.clear()


def fits_the_phone(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") == 375


def test_the_public_files_an_objection_on_a_phone_and_looks_up_its_receipt(live_server, phone_page, notice):
    notice, applications, olivia = notice
    page = phone_page
    target = applications[1]

    page.goto(live_server.url + reverse("publicity_public:notice_list"))
    expect(page.locator("#current tbody tr")).to_have_count(1)
    assert fits_the_phone(page)
    shot(page, "objection-1-notices-mobile")

    page.get_by_role("link", name=notice.title).click()
    expect(page.locator("#notice-status")).to_have_text("公示中")
    expect(page.locator("#candidates tbody tr")).to_have_count(3)
    expect(page.locator("#notice-text")).to_contain_text("公示时间为")
    assert fits_the_phone(page)
    shot(page, "objection-2-notice-mobile")

    page.get_by_role("link", name="对公示人选提出异议").click()
    page.get_by_label("被反映的公示人选").select_option(label=f"{target.name}（{target.enterprise.name}）")
    page.get_by_label("您的真实姓名").fill("赵明理")
    page.get_by_label("联系电话").fill("13905317788")
    # Too short first: refused at the field, nothing else lost.
    page.get_by_label("异议内容").fill("材料有假。")
    page.get_by_label("证明材料（选填）").set_input_files(
        files=[{"name": "现场照片.png", "mimeType": "image/png", "buffer": PNG_BYTES}]
    )
    page.get_by_role("button", name="提交异议").click()
    expect(page.locator("#id_content_error")).to_have_text(
        "异议内容至少20个字，请写明具体事实（当前5个字）。"
    )
    expect(page.get_by_label("您的真实姓名")).to_have_value("赵明理")
    assert Objection.objects.count() == 0

    page.get_by_label("异议内容").fill(CONTENT)
    page.get_by_label("证明材料（选填）").set_input_files(
        files=[{"name": "现场照片.png", "mimeType": "image/png", "buffer": PNG_BYTES}]
    )
    assert fits_the_phone(page)
    shot(page, "objection-3-form-mobile")
    # Keyboard only: from the file field, Tab reaches the submit button and Enter sends the form.
    page.get_by_label("证明材料（选填）").focus()
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="提交异议")).to_be_focused()
    page.keyboard.press("Enter")

    code_box = page.locator("#receipt-code")
    expect(code_box).to_be_visible()
    objection = Objection.objects.get()
    expect(code_box).to_have_text(objection.receipt_code)
    assert objection.entry.application_id == target.pk
    assert list(objection.evidence.values_list("original_name", flat=True)) == ["现场照片.png"]
    assert fits_the_phone(page)
    shot(page, "objection-4-receipt-code-mobile")

    page.get_by_role("link", name="查询处理情况").click()
    page.get_by_label("回执码").fill(objection.receipt_code.lower().replace("-", ""))
    page.get_by_label("回执码").press("Enter")
    expect(page.locator("#receipt-status")).to_have_text("已受理")
    expect(page.locator("#receipt")).to_contain_text(target.name)
    assert fits_the_phone(page)
    shot(page, "objection-5-lookup-received-mobile")

    decide(olivia, objection, upheld=True, now=None)
    page.reload()
    expect(page.locator("#receipt-status")).to_have_text("异议成立")
    expect(page.locator("#receipt-reply")).to_have_text("经调查核实，您反映的问题属实，已取消该人选。")
    shot(page, "objection-6-lookup-decided-mobile")

    page.goto(live_server.url + reverse("publicity_public:notice_detail", args=[notice.pk]))
    expect(page.locator("#candidates tr.removed")).to_have_count(1)
    expect(page.locator("#candidates tr.removed")).to_contain_text("已取消")
    html = page.content()
    assert "13905317788" not in html and target.id_number not in html
    shot(page, "objection-7-notice-removed-mobile")


def sign_in(page, live_server, username: str) -> None:
    from tests.factories import PASSWORD

    page.goto(live_server.url + reverse("accounts:login"))
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(live_server.url + reverse("core:home"))


def test_the_officer_records_a_finding_that_removes_the_candidate(live_server, page, notice):
    from tests.publicity.test_notice import file_objection

    notice, applications, _ = notice
    target = applications[0]
    objection = file_objection(notice, notice.entries.get(application=target), now=None)
    sign_in(page, live_server, "olivia")

    page.goto(live_server.url + reverse("publicity:notice_manage", args=[notice.round_id]))
    expect(page.locator("#notice-state")).to_have_text("公示中/已公示")
    expect(page.locator("#finish-blockers")).to_contain_text("还有1件异议尚未作出处理结论。")
    expect(page.locator("#pdfs li")).to_have_count(2)
    shot(page, "objection-8-officer-notice")

    page.get_by_role("link", name="异议处理").click()
    page.get_by_role("link", name=objection.receipt_code).click()
    expect(page.locator("#phone")).to_contain_text("139****7788")
    page.get_by_label("调查核实情况").fill("已调取车间技术革新成果原始记录并约谈车间主任。")
    page.get_by_role("button", name="保存调查情况").click()
    expect(page.locator("#objection-state")).to_have_text("调查核实中")
    page.get_by_label("异议成立（取消该人选）").check()
    page.get_by_label("结论理由").fill("经核实，该技术革新成果的主要完成人为同车间其他职工。")
    page.get_by_label("答复意见").fill("经调查核实，您反映的问题属实，已取消该人选。")
    shot(page, "objection-9-officer-decide")
    page.get_by_role("button", name="确认处理结论").click()

    expect(page.locator("#objection-state")).to_have_text("异议成立")
    expect(page.locator("#decide")).to_have_count(0)
    expect(page.locator("main")).to_contain_text("处理结论已作出，不能更改。")
    shot(page, "objection-10-officer-decided")
    target.refresh_from_db()
    assert target.state == "removed"


def test_the_officer_sees_the_period_computed_prepares_and_publishes_the_notice(
    live_server, page, transactional_db
):
    from datetime import timedelta

    from django.utils import timezone

    from chieftech.publicity.domain.notice import notice_period
    from chieftech.publicity.models import Notice
    from tests.publicity.factories import make_notice_stage_round
    from tests.publicity.test_notice import calendar_known_from_today

    roles_sync()
    calendar_known_from_today()
    olivia = make_user("olivia", Role.OFFICER, real_name="欧丽")
    alice = make_user("alice", Role.ENTERPRISE, enterprise=make_enterprise("威海甲精密机械有限公司"))
    round_, _ = make_notice_stage_round(olivia, [alice], n=2)
    start = timezone.localdate() + timedelta(days=1)
    period = notice_period(starts_on=start, policy=round_.policy)
    sign_in(page, live_server, "olivia")

    page.goto(live_server.url + reverse("publicity:notice_manage", args=[round_.pk]))
    page.get_by_label("公示开始日期").fill(start.isoformat())
    page.get_by_label("公示开始日期").dispatch_event("change")
    # htmx asks the server for the period as soon as the date changes.
    expect(page.locator("#period-text")).to_contain_text(f"{date_zh(start)}至{date_zh(period.ends_on)}")
    shot(page, "notice-1-officer-prepare")
    page.get_by_role("button", name="生成公示草稿").click()

    expect(page.locator("#notice-state")).to_have_text("草稿")
    expect(page.locator("#entries tbody tr")).to_have_count(2)
    expect(page.get_by_label("公示正文")).to_have_value(Notice.objects.get().body.replace("\r\n", "\n"))
    shot(page, "notice-2-officer-draft")
    page.get_by_role("button", name="发布公示").click()
    confirm_irreversible(page, "确认发布", "notice-2b-confirm-publish")

    expect(page.locator("#notice-state")).to_have_text("公示中/已公示")
    expect(page.locator(".msg-success")).to_contain_text("考察公示已发布")
    shot(page, "notice-3-officer-published")


def test_reloading_the_receipt_files_nothing_and_a_second_click_is_dropped(live_server, page, notice):
    notice, applications, _ = notice
    target = applications[0]
    form_url = live_server.url + reverse("publicity_public:objection_create", args=[notice.pk])

    page.goto(form_url)
    page.get_by_label("被反映的公示人选").select_option(label=f"{target.name}（{target.enterprise.name}）")
    page.get_by_label("您的真实姓名").fill("赵明理")
    page.get_by_label("联系电话").fill("13905317788")
    page.get_by_label("异议内容").fill(CONTENT)
    page.get_by_role("button", name="提交异议").click()
    page.wait_for_url(live_server.url + reverse("publicity_public:objection_filed", args=[notice.pk]))
    code = Objection.objects.get().receipt_code
    for _ in range(3):
        page.reload()
        expect(page.locator("#receipt-code")).to_have_text(code)
    shot(page, "objection-receipt-after-reloads")
    assert Objection.objects.count() == 1
    assert AuditRecord.objects.filter(action="objection.file").count() == 1

    # A second click and a second submit (Enter) after the first: the page's script lets one through. The
    # test stops each submission that gets through from leaving the page, to count them.
    page.goto(form_url)
    sent, disabled = page.evaluate(
        """() => new Promise((resolve) => {
            let sent = 0;
            window.addEventListener("submit", (event) => {
                if (!event.defaultPrevented) sent += 1;
                event.preventDefault();
            });
            const button = document.querySelector("#main form button[type=submit]");
            button.click();
            setTimeout(() => {
                const disabled = button.disabled;
                button.click();
                button.form.requestSubmit();
                resolve([sent, disabled]);
            }, 50);
        })"""
    )
    assert (sent, disabled) == (1, True)
