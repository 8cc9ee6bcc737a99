"""A member of the public opens the portal on a phone, keyboard only, and looks up a certificate."""

from io import BytesIO

import pytest
from django.urls import reverse
from PIL import Image, ImageDraw
from playwright.sync_api import expect

from chieftech.accounts.roles import Role, roles_sync
from chieftech.tenure.domain.showcase import PhotoUpload, tenure_showcase_update
from tests.browser.conftest import new_context
from tests.browser.support import shot, wait_until
from tests.factories import make_enterprise, make_user
from tests.portal.helpers import chief_round, make_chief, make_current_notice, round_publish

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def portrait() -> bytes:
    image = Image.new("RGB", (300, 400), "#dfe6ee")
    draw = ImageDraw.Draw(image)
    draw.ellipse((100, 70, 200, 170), fill="#8c9bab")
    draw.rectangle((70, 200, 230, 400), fill="#8c9bab")
    buffer = BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def portal_data(transactional_db):
    roles_sync()
    officer = make_user("olivia", Role.OFFICER, real_name="欧丽")
    enterprise = make_enterprise("威海甲精密机械有限公司")
    alice = make_user("alice", Role.ENTERPRISE, enterprise=enterprise, real_name="艾丽")
    round_ = chief_round(officer)
    wang = make_chief(
        officer,
        alice,
        round_,
        name="王建国",
        summary="扎根数控车间二十余年，主持工艺革新12项，所带徒弟5人成为技师，获评山东省技术能手。",
    )
    tenure_showcase_update(
        actor=officer,
        tenure=wang,
        consent=True,
        summary=wang.showcase_summary,
        photo=PhotoUpload("王.png", portrait()),
    )
    make_chief(officer, alice, round_, name="李海燕", occupation="电焊工")
    make_chief(officer, alice, round_, name="赵明", occupation="电焊工", consent=False, summary="")
    round_publish(officer, round_)
    make_current_notice(officer, title="2026年度（第二批）环翠区首席技师选拔")
    return round_


def test_the_public_reaches_the_certificate_lookup_by_keyboard_on_a_phone(
    live_server, phone_page, portal_data
):
    page = phone_page
    page.goto(live_server.url + reverse("portal:index"))
    expect(page.locator("#roster tbody tr")).to_have_count(3)
    expect(page.locator("#showcase .showcase-card")).to_have_count(2)
    expect(page.locator("#notices li")).to_have_count(1)
    assert page.evaluate("document.documentElement.scrollWidth") == 375
    photo = page.locator("#showcase img.showcase-photo")
    expect(photo).to_have_attribute("alt", "王建国的照片")
    photo.scroll_into_view_if_needed()
    wait_until(page, "document.querySelector('#showcase img.showcase-photo').naturalWidth > 0")
    shot(page, "portal-home-phone")

    page.goto(live_server.url + reverse("portal:index"))
    page.keyboard.press("Tab")
    expect(page.locator(".skip-link")).to_be_focused()
    presses = 1
    while page.evaluate("document.activeElement.id") != "id_code" and presses < 20:
        page.keyboard.press("Tab")
        presses += 1
    field = page.get_by_label("证书查验", exact=True)
    expect(field).to_be_focused()
    # The skip link, the site's name, 登录, the site menu's seven entries, then the look-up box: before any
    # list of the page (the skip link passes the menu).
    assert presses == 11
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") == "solid"
    shot(page, "portal-lookup-focused-phone")

    page.keyboard.type("NOSUCHCODE99")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}{reverse('verify:lookup')}?code=NOSUCHCODE99")
    expect(page.locator("main")).to_contain_text("未找到该证书")
    assert page.evaluate("document.documentElement.scrollWidth") == 375
    shot(page, "portal-lookup-unknown-phone")


def test_the_showcase_page_on_a_phone(live_server, phone_page, portal_data):
    page = phone_page
    page.goto(live_server.url + reverse("portal:showcase"))
    cards = page.locator("#showcase-list .showcase-card")
    expect(cards).to_have_count(2)
    expect(cards.first).to_contain_text("张村镇")
    wait_until(page, "document.querySelector('#showcase-list img').naturalWidth > 0")
    assert page.evaluate("document.documentElement.scrollWidth") == 375
    shot(page, "portal-showcase-phone")


def test_the_officer_records_consent_with_a_photo_and_the_person_appears(
    live_server, page, portal_data, tmp_path
):
    from chieftech.accounts.models import User
    from tests.browser.test_round_and_call import sign_in

    sign_in(page, live_server, User.objects.get(username="olivia"))
    page.goto(live_server.url + reverse("tenure:tenure_list"))
    row = page.locator("#tenures tbody tr", has_text="赵明")
    expect(row.locator(".status").last).to_have_text("未展示")
    shot(page, "tenure-list")
    row.get_by_role("link", name="登记展示同意").click()

    page.get_by_label("本人同意在门户展示").check()
    page.get_by_label("事迹简介（公开）").fill("从事电焊工作二十年，攻克海工装备焊接难题多项。")
    photo = tmp_path / "赵明.png"
    photo.write_bytes(portrait())
    page.get_by_label("照片").set_input_files(str(photo))
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".msg-success")).to_have_text("赵明的门户展示信息已保存，已在门户展示。")
    expect(page.locator("#portal-state")).to_have_text("展示中")
    wait_until(page, "document.querySelector('main form img').naturalWidth > 0")
    shot(page, "tenure-showcase-form")

    page.goto(live_server.url + reverse("portal:showcase"))
    expect(page.locator("#showcase-list .showcase-card")).to_have_count(3)
    expect(page.locator("#showcase-list img")).to_have_count(2)
    wait_until(page, "[...document.querySelectorAll('#showcase-list img')].every(i => i.naturalWidth > 0)")
    shot(page, "portal-showcase-desktop")


def test_the_site_menu_works_on_a_phone_without_scripts(live_server, browser, portal_data):
    context = new_context(
        browser, viewport={"width": 375, "height": 812}, device_scale_factor=2, java_script_enabled=False
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        page.goto(live_server.url + reverse("portal:index"))
        menu = page.get_by_role("navigation", name="网站导航")
        links = menu.get_by_role("link")
        expect(links).to_have_text(
            ["首页", "申报通知", "公示", "首席技师名单", "首席技师风采", "证书查验", "异议查询"]
        )
        # Every entry is on the screen (the menu wraps, nothing to scroll sideways) and big enough to tap.
        assert page.evaluate("document.documentElement.scrollWidth") == 375
        for i in range(7):
            box = links.nth(i).bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= 375
            assert box["height"] >= 44
        expect(links.first).to_have_attribute("aria-current", "page")
        shot(page, "portal-menu-phone")

        links.get_by_text("证书查验", exact=True).click()
        page.wait_for_url(live_server.url + reverse("verify:lookup"))
        expect(menu.locator("[aria-current=page]")).to_have_text("证书查验")
        links.get_by_text("公示", exact=True).click()
        page.wait_for_url(live_server.url + reverse("publicity_public:notice_list"))
        expect(menu.locator("[aria-current=page]")).to_have_text("公示")
        shot(page, "portal-menu-notices-phone")
    finally:
        context.close()
