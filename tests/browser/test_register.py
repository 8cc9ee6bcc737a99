"""The officer filters the register of chief technicians, opens a person's timeline and downloads the Excel."""

from datetime import date, datetime
from io import BytesIO
from pathlib import Path

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from playwright.sync_api import expect

from chieftech.accounts.models import User
from chieftech.accounts.roles import Role, roles_sync
from chieftech.tenure.models import StatusChange, TenureStatus
from tests.browser.support import shot
from tests.browser.test_round_and_call import sign_in
from tests.factories import SHANGHAI, make_enterprise, make_user
from tests.portal.helpers import chief_round, make_chief, round_publish

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def register_data(transactional_db):
    roles_sync()
    officer = make_user("olivia", Role.OFFICER, real_name="欧丽")
    alice = make_user(
        "alice", Role.ENTERPRISE, enterprise=make_enterprise("威海甲精密机械有限公司"), real_name="艾丽"
    )
    round_ = chief_round(officer)
    make_chief(officer, alice, round_, name="王建国")
    li = make_chief(officer, alice, round_, name="李海燕", occupation="电焊工", status=TenureStatus.SUSPENDED)
    make_chief(officer, alice, round_, name="赵明", occupation="电焊工", consent=False)
    round_publish(officer, round_)
    StatusChange.objects.create(
        tenure=li,
        kind=StatusChange.Kind.LEFT_SKILL_POST,
        state=StatusChange.State.CONFIRMED,
        effective_on=date(2027, 6, 30),
        reason="调任行政管理岗位",
        reported_by=alice,
        reported_as=StatusChange.ReportedAs.ENTERPRISE,
        reported_at=datetime(2027, 7, 2, 9, 0, tzinfo=SHANGHAI),
        decided_by=officer,
        decided_at=datetime(2027, 7, 3, 9, 0, tzinfo=SHANGHAI),
    )
    return round_


def test_the_officer_filters_the_register_opens_a_timeline_and_downloads_the_excel(
    live_server, page, register_data
):
    sign_in(page, live_server, User.objects.get(username="olivia"))
    counts = page.get_by_role("list", name="首席技师按状态统计")
    expect(counts).to_contain_text("保留资格、停止待遇 1")
    shot(page, "register-home-counts")
    counts.get_by_role("link", name="有效").click()
    expect(page.locator("#tenures tbody tr")).to_have_count(2)

    page.goto(live_server.url + reverse("tenure:tenure_list"))
    expect(page.locator("#tenures tbody tr")).to_have_count(3)
    expect(page.locator("#status-counts")).to_contain_text("保留资格、停止待遇 1")

    page.get_by_label("状态", exact=True).select_option(label="保留资格、停止待遇")
    page.get_by_role("button", name="筛选").click()
    expect(page.locator("#tenures tbody tr")).to_have_count(1)
    expect(page.locator("#tenures tbody tr")).to_contain_text("李海燕")
    assert "status=suspended" in page.url
    shot(page, "register-filtered")

    page.get_by_role("link", name="李海燕").click()
    expect(page.locator("h1")).to_contain_text("李海燕")
    timeline = page.locator("#timeline li")
    expect(timeline.first).to_contain_text("人员变动：不再从事技能或技术岗位工作")
    expect(timeline.first).to_contain_text("调任行政管理岗位")
    expect(page.locator("#timeline")).to_contain_text("管理期开始")
    shot(page, "register-person-timeline")

    page.go_back()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="导出Excel").click()
    download = download_info.value
    assert download.suggested_filename.startswith("首席技师名册_")
    sheet = load_workbook(BytesIO(Path(download.path()).read_bytes()))["首席技师名册"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][0] == "筛选条件：状态：保留资格、停止待遇"
    assert [row[1] for row in rows[3:]] == ["李海燕"]
