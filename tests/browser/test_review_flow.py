"""The year-1 re-review in a real browser, as its users go through it: the officer opens it for the cohort
from the re-review page and reads the deadline; the holder fills in the 复核申请表 and the declarations,
registers an award with its PDF, enters two apprentices with their agreements and 高级工 certificates in the
ledger, sends the material and downloads the form; the officer reads the five checks, decides 通过 for him and
未通过 for a colleague whose ledger shows one such apprentice, and a citizen verifying her certificate reads
that the title ended, without the reasons. No page raises a Content-Security-Policy violation."""

import subprocess
from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from chieftech.accounts.roles import Role
from chieftech.certificates.domain import certificate_issue
from chieftech.core.dates import date_zh
from chieftech.policy.calendar import nth_working_day
from chieftech.policy.models import SkillLevel
from chieftech.review.domain.material import review_form_save, review_submit
from chieftech.tenure.domain.terms import review_period
from chieftech.tenure.models import AnnualReview, TenureStatus
from tests.browser.support import confirm_irreversible, shot
from tests.browser.test_application_flow import log_in
from tests.browser.test_content_security_policy import Watch
from tests.factories import (
    PDF_BYTES,
    make_apprentice,
    make_enterprise,
    make_id_number,
    make_tenure,
    make_user,
)
from tests.portal.helpers import round_publish
from tests.publicity.test_notice import calendar_known_from_today

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

TODAY = timezone.localdate()
# Year 1 of the cohort's terms ends within the 60 days the re-review page looks ahead, whatever today is.
STARTS_ON = TODAY - timedelta(days=340)
PERIOD = review_period(starts_on=STARTS_ON, review_year=1, interval_months=12)
APPRENTICES = [
    # name, ID number, certificate number, the certificate's day in the period
    (
        "张晓明",
        make_id_number(date(2001, 4, 12), serial=611),
        "S2025371000123401",
        STARTS_ON + timedelta(120),
    ),
    ("刘洋", make_id_number(date(2000, 9, 3), serial=612), "S2025371000123402", STARTS_ON + timedelta(200)),
]
FAILED_REASON = "复核期间仅1名徒弟取得高级工证书，未达到第八条（五）规定的2名。"
NOT_RENEWED_NOTE = (
    f"该同志未通过管理期年度复核认定，自{date_zh(TODAY)}起不再保留首席技师称号，不再享受政府津贴。"
)


@pytest.fixture
def cohort():
    """王建国 (harry's own login) and 李秀英 of one cohort at alice's enterprise, each with a certificate;
    李秀英's ledger shows one apprentice at 高级工 in year 1 and one at 中级工."""
    calendar_known_from_today()
    alice = make_user("alice", Role.ENTERPRISE, enterprise=make_enterprise("威海甲精密机械有限公司"))
    olivia = make_user("olivia", Role.OFFICER, real_name="欧丽")
    gina = make_user("gina", Role.GOVERNMENT, real_name="吉娜")
    wang = make_tenure(alice, gina, officer=olivia, name="王建国", starts_on=STARTS_ON)
    li = make_tenure(alice, gina, round_=wang.application.round, name="李秀英", starts_on=STARTS_ON)
    wang.user = make_user("harry", Role.TECHNICIAN, real_name="王建国")
    wang.save(update_fields=["user"])
    for tenure in (wang, li):
        certificate_issue(actor=gina, tenure=tenure, issued_on=STARTS_ON)
    # The roster is public, so are its certificates.
    round_publish(olivia, wang.application.round, published_at=timezone.now() - timedelta(days=330))
    signed = STARTS_ON + timedelta(days=10)
    make_apprentice(li, by=alice, name="孙小明", signed_on=signed, certificates=[(SkillLevel.SENIOR, signed)])
    make_apprentice(
        li, by=alice, name="周晓红", signed_on=signed, certificates=[(SkillLevel.INTERMEDIATE, signed)]
    )
    return alice, wang, li


def test_a_cohorts_re_review_from_opening_to_the_public_page(cohort, live_server, page, tmp_path):
    alice, wang, li = cohort
    base = live_server.url
    watch = Watch(page)

    deadline = _officer_opens_the_review(page, base)
    # 李秀英's enterprise sends her material (set-up: the walk follows 王建国's).
    li_review = AnnualReview.objects.get(tenure=li)
    review_form_save(
        actor=alice,
        review=li_review,
        data={
            "post": "装配车间钳工",
            "performance": "带徒2人，参与齿轮箱装配工艺改进。",
            "mentoring_summary": "与2名徒弟签订带徒协议，1人取得高级工证书。",
            "declared_no_accident": True,
            "declared_no_violation": True,
        },
    )
    review_submit(actor=alice, review=li_review)

    page.context.clear_cookies()
    _holder_sends_the_material(page, base, deadline, tmp_path)
    review = AnnualReview.objects.get(tenure=wang)
    assert (review.state, review.submitted_by.username) == (AnnualReview.State.SUBMITTED, "harry")

    page.context.clear_cookies()
    _officer_decides(page, base)
    review.refresh_from_db()
    li_review.refresh_from_db()
    li.refresh_from_db()
    assert (review.state, li_review.state, li.status) == ("passed", "failed", TenureStatus.NOT_RENEWED)

    page.context.clear_cookies()
    _citizen_verifies(page, base, li.certificate.number)
    assert watch.violations() == []


def _officer_opens_the_review(page, base) -> date:
    """From the re-review page, with the confirmation step; the deadline is the 15th working day after today."""
    log_in(page, base, "olivia")
    page.get_by_role("navigation", name="主菜单").get_by_role("link", name="复核认定").click()
    row = page.locator("#campaign-list tbody tr")
    expect(row).to_have_count(1)
    expect(row.locator("td").nth(2)).to_have_text(f"{date_zh(PERIOD[0])}至{date_zh(PERIOD[1])}")
    expect(row.locator("td").nth(3)).to_have_text("2")
    shot(page, "review-1-officer-due")
    row.get_by_role("button", name="开启复核").click()
    confirm_irreversible(page, "确认开启复核", "review-2-officer-confirm-open")

    deadline = nth_working_day(start=TODAY + timedelta(days=1), n=15)
    expect(page.locator(".messages")).to_contain_text(f"共2人，材料报送截止日期为{date_zh(deadline)}。")
    expect(page.locator("#campaign-deadline")).to_have_text(f"{date_zh(deadline)}24时（开启后第15个工作日）")
    expect(page.locator("#campaign-reviews tbody tr")).to_have_count(2)
    shot(page, "review-3-officer-campaign")
    return deadline


def _holder_sends_the_material(page, base, deadline: date, tmp_path) -> None:
    log_in(page, base, "harry")
    todo = page.locator("main .todo li")
    expect(todo).to_have_text("待报送的复核认定材料 1")
    shot(page, "review-3b-holder-home")
    todo.get_by_role("link").click()
    page.locator("#reviews").get_by_role("link", name="复核认定材料").click()
    expect(page.locator("#review-deadline")).to_contain_text(f"材料报送截止时间：{date_zh(deadline)}24时")
    # Sent empty, the material is refused with the form's fields named where they are.
    page.get_by_role("button", name="报送复核认定材料").click()
    confirm_irreversible(page, "确认报送")
    expect(page.locator("#field-post .errorlist")).to_have_text("请填写现岗位。")
    expect(page.locator("#review-form .errorlist").first).to_have_text("复核申请表尚未填写完整，不能报送。")
    shot(page, "review-4-holder-incomplete")

    page.get_by_label("现岗位").fill("数控车间主操作手")
    page.get_by_label("履行首席技师职责情况").fill("带徒2人，攻关曲轴加工变形难题，在全区技能展示周作示范。")
    page.get_by_label("主要技术成果、奖励情况（概述）").fill("曲轴精车工艺改进获市职工技术创新成果二等奖。")
    page.get_by_label("技能培训和名师带徒情况").fill("与2名徒弟签订带徒协议，2人取得高级工证书。")
    page.locator("#field-declared_no_accident").get_by_label("是").check()
    page.locator("#field-declared_no_violation").get_by_label("是").check()
    page.get_by_role("button", name="保存复核申请表").click()
    expect(page.locator(".messages")).to_contain_text("复核申请表已保存（尚未报送）。")

    award = tmp_path / "创新成果证书.pdf"
    award.write_bytes(PDF_BYTES)
    form = page.locator("#achievement-form")
    form.get_by_label("类别").select_option(index=1)
    form.get_by_label("名称").fill("曲轴精车工艺改进")
    form.get_by_label("取得日期").fill((STARTS_ON + timedelta(days=150)).isoformat())
    form.get_by_label("颁发或认定单位").fill("威海市总工会")
    form.get_by_label("证明材料").set_input_files(str(award))
    form.get_by_role("button", name="登记").click()
    expect(page.locator("#achievement-list")).to_contain_text("创新成果证书.pdf")
    shot(page, "review-5-holder-form-saved")

    page.locator("#ledger-link").click()
    for name, id_number, number, issued_on in APPRENTICES:
        _apprentice_enter(page, name, id_number, number, issued_on, tmp_path)
    expect(page.locator(".apprentice .certificates tbody tr")).to_have_count(2)
    shot(page, "review-6-holder-ledger")

    page.locator("#holder-nav").get_by_role("link", name="年度复核").click()
    page.locator("#reviews").get_by_role("link", name="复核认定材料").click()
    expect(page.locator("#qualifying")).to_have_text("2")
    expect(page.locator("#certificates tbody tr")).to_have_count(2)
    page.get_by_role("button", name="报送复核认定材料").click()
    confirm_irreversible(page, "确认报送", "review-7-holder-confirm-submit")
    expect(page.locator("#review-state")).to_have_text("已报送待审")
    expect(page.get_by_role("button", name="报送复核认定材料")).to_have_count(0)
    shot(page, "review-8-holder-submitted")
    page.set_viewport_size({"width": 375, "height": 812})
    shot(page, "review-8c-holder-submitted-phone")
    page.set_viewport_size({"width": 1280, "height": 720})

    with page.expect_download() as download:
        page.locator("#form-pdf").click()
    path = tmp_path / "form.pdf"
    download.value.save_as(path)
    assert path.read_bytes()[:5] == b"%PDF-"
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "王建国" in text and "数控车间主操作手" in text

    # The list of the holder's reviews dates the sending on Beijing's calendar.
    page.get_by_role("navigation", name="主菜单").get_by_role("link", name="我的管理期").click()
    page.locator("#holder-nav").get_by_role("link", name="年度复核").click()
    row = page.locator("#reviews tbody tr")
    expect(row.locator("td").nth(1)).to_have_text("已报送待审")
    expect(row.locator("td").nth(2)).to_have_text(date_zh(TODAY))
    shot(page, "review-8b-holder-reviews")
    page.get_by_role("navigation", name="主菜单").get_by_role("link", name="工作台").click()
    expect(page.locator("main .todo")).to_have_count(0)


def _apprentice_enter(page, name, id_number, number, issued_on, tmp_path) -> None:
    """One apprentice with the agreement signed before the period's first certificate, and a 高级工
    certificate with its scan."""
    scan = tmp_path / f"{name}.pdf"
    scan.write_bytes(PDF_BYTES)
    page.get_by_role("link", name="登记徒弟").click()
    page.get_by_label("徒弟姓名").fill(name)
    page.get_by_label("身份证号码").fill(id_number)
    page.get_by_label("职业（工种）").fill("数控车工")
    page.get_by_label("所在单位", exact=True).select_option(label="威海甲精密机械有限公司")
    page.get_by_role("button", name="保存").click()
    section = page.locator(".apprentice", has=page.get_by_role("heading", name=name, exact=True))
    section.get_by_role("link", name="登记带徒协议").click()
    page.get_by_label("签订日期").fill((STARTS_ON + timedelta(days=10)).isoformat())
    page.get_by_label("带徒协议").set_input_files(str(scan))
    page.get_by_role("button", name="保存").click()
    section.get_by_role("link", name="登记技能等级证书").click()
    page.get_by_label("证书等级").select_option(label=SkillLevel.SENIOR.label)
    page.get_by_label("证书编号").fill(number)
    page.get_by_label("发证机构").fill("威海市职业技能鉴定中心")
    page.get_by_label("发证日期").fill(issued_on.isoformat())
    page.get_by_label("证书扫描件").set_input_files(str(scan))
    page.get_by_role("button", name="保存").click()
    expect(section.locator(".certificates")).to_contain_text(number)
    expect(section.locator("dl")).to_contain_text(f"{date_zh(TODAY)}（首席技师本人）")


def _officer_decides(page, base) -> None:
    log_in(page, base, "olivia")
    page.get_by_role("navigation", name="主菜单").get_by_role("link", name="复核认定").click()
    page.locator("#campaign-list").get_by_role("link", name="查看").click()
    page.locator("#campaign-reviews tr", has_text="王建国").get_by_role("link", name="审核").click()

    checks = page.locator("#checks tbody tr")
    expect(checks).to_have_count(5)
    names = "、".join(name for name, *_ in APPRENTICES)
    expect(checks.nth(0).locator("td").nth(1)).to_have_text("符合")
    expect(checks.nth(4).locator("td").nth(1)).to_have_text("符合")
    expect(checks.nth(4).locator("td").nth(2)).to_have_text(
        f"复核期间有2名徒弟取得高级工（三级）以上职业技能等级证书：{names}，达到第八条（五）规定的2名。"
    )
    shot(page, "review-9-officer-checks")
    _verdicts_and_outcome(page, "复核通过")
    confirm_irreversible(page, "确认复核结论")
    expect(page.locator(".messages")).to_contain_text("已作出“复核通过”的结论，已通知本人和用人单位。")
    expect(page.locator("#review-state")).to_have_text("复核通过")
    shot(page, "review-10-officer-passed")

    page.get_by_role("link", name="返回复核结果").click()
    results = page.locator("#results tbody tr")
    expect(results.filter(has_text="王建国").locator(".status")).to_have_text("复核通过")
    expect(results.filter(has_text="李秀英").locator(".status")).to_have_text("已报送待审")
    shot(page, "review-11-officer-results")

    results.filter(has_text="李秀英").get_by_role("link", name="李秀英").click()
    expect(page.locator("#checks tbody tr").nth(4).locator("td").nth(2)).to_have_text(
        "复核期间仅1名徒弟取得高级工（三级）以上职业技能等级证书，少于第八条（五）规定的2名。"
    )
    # Not passed without a reason is refused at the field; nothing is decided.
    _verdicts_and_outcome(page, "复核未通过")
    confirm_irreversible(page, "确认复核结论")
    expect(page.locator("#field-reason .errorlist")).to_have_text(
        "请填写复核未通过的理由，告知本人和用人单位。"
    )
    shot(page, "review-12-officer-reason-missing")
    _verdicts_and_outcome(page, "复核未通过", reason=FAILED_REASON)
    confirm_irreversible(page, "确认复核结论", "review-13-officer-confirm-failed")
    expect(page.locator("#review-state")).to_have_text("复核未通过")
    expect(page.locator("#tenure-status")).to_have_text("复核未通过")
    page.get_by_role("link", name="返回复核结果").click()
    expect(page.locator("#results tbody tr").filter(has_text="李秀英").locator(".status")).to_have_text(
        "复核未通过"
    )
    shot(page, "review-14-officer-results-decided")
    page.set_viewport_size({"width": 375, "height": 812})
    shot(page, "review-14b-officer-results-phone")
    page.set_viewport_size({"width": 1280, "height": 720})


def _verdicts_and_outcome(page, outcome: str, *, reason: str = "") -> None:
    form = page.locator("#decision-form")
    for field in ("verdict_2", "verdict_3", "verdict_4"):
        form.locator(f"#field-{field}").get_by_label("符合", exact=True).check()
    form.locator("#field-outcome").get_by_label(outcome, exact=True).check()
    form.get_by_label("理由").fill(reason)
    form.get_by_role("button", name="提交复核结论").click()


def _citizen_verifies(page, base, number: str) -> None:
    page.goto(base + "/")
    page.get_by_role("textbox", name="证书查验").fill(number)
    page.locator("form[role=search]").get_by_role("button").click()
    expect(page.locator("#verify-status")).to_have_text("复核未通过")
    expect(page.locator(".verify-note")).to_have_text(NOT_RENEWED_NOTE)
    content = page.content()
    assert [leak for leak in (FAILED_REASON, "徒弟", "孙小明") if leak in content] == []
    shot(page, "review-15-public-verify")
    page.set_viewport_size({"width": 375, "height": 812})
    shot(page, "review-15b-public-verify-phone")
