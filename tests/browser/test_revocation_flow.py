"""A revocation case (第十七条) in a real browser, each actor through the login page: the officer opens it from
the term's page (an empty form is refused at the top and at each field) with the grounds, the facts and an
evidence PDF; the holder reads the banner and the evidence and states their case; the officer finds; the
leadership approves at its meeting; the government's approval, after a malformed document number, withdraws the
title and the public verification page says so without the grounds. The officer records the certificate's
return and opens the annulment after reconsideration; the same three steps restore the title. No page raises a
Content-Security-Policy violation."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from chieftech.accounts.roles import Role
from chieftech.audit.models import AuditRecord
from chieftech.certificates.domain import certificate_issue
from chieftech.certificates.models import Certificate
from chieftech.core.dates import date_zh
from chieftech.policy.calendar import nth_working_day
from chieftech.revocation.models import CaseKind, CaseState, RevocationCase
from chieftech.tenure.models import Tenure, TenureStatus
from tests.browser.support import confirm_irreversible, shot
from tests.browser.test_application_flow import log_in
from tests.browser.test_content_security_policy import Watch
from tests.factories import PDF_BYTES, make_tenure, make_user
from tests.portal.helpers import round_publish
from tests.publicity.test_notice import calendar_known_from_today

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

TODAY = timezone.localdate()
# The term runs well past today whatever today is, so the verification page reads 有效 once restored.
STARTS_ON = TODAY - timedelta(days=300)
FACTS = "申报所附市级技能大赛获奖证书经核查系伪造，发证单位书面证明未颁发该证书。"
STATEMENT = "本人对获奖证书的来源不知情，证书系参赛时由单位统一领取，请求核实。"
FINDING = "经核查，发证单位证明未颁发该证书，本人陈述申辩未提供相反证据，拟取消资格。"
MINUTES = f"区委人才工作领导小组{TODAY.year}年第9次会议纪要"
REVOKE_NUMBER = f"威环政字〔{TODAY.year}〕31号"
ANNUL_FACTS = f"区政府行政复议决定书（威环政复决字〔{TODAY.year}〕4号）撤销该取消资格决定。"
ANNUL_FINDING = "行政复议决定撤销原取消资格决定，拟予撤销，恢复其首席技师资格。"
ANNUL_NUMBER = f"威环政字〔{TODAY.year}〕42号"
# The grounds and facts of the case, which the public page must never show.
PRIVATE = (FACTS, "弄虚作假", "第十七条", STATEMENT, FINDING)


@pytest.fixture
def term(alice, olivia, leo, gina):
    """王建国's term at alice's enterprise with a certificate on a published roster, and his own login hank."""
    calendar_known_from_today()
    tenure = make_tenure(alice, gina, officer=olivia, name="王建国", starts_on=STARTS_ON)
    certificate_issue(actor=gina, tenure=tenure, issued_on=STARTS_ON)
    holder = make_user("hank", Role.TECHNICIAN, real_name="王建国")
    Tenure.objects.filter(pk=tenure.pk).update(user=holder)
    round_publish(olivia, tenure.application.round, published_at=timezone.now() - timedelta(days=290))
    tenure.refresh_from_db()
    return tenure


def test_a_title_revoked_and_restored_through_the_pages(term, live_server, page, tmp_path):
    base = live_server.url
    watch = Watch(page)
    evidence = tmp_path / "核查报告.pdf"
    evidence.write_bytes(PDF_BYTES)
    approval = tmp_path / "区政府批复.pdf"
    approval.write_bytes(PDF_BYTES)

    deadline = nth_working_day(
        start=TODAY + timedelta(days=1), n=term.policy.revocation_statement_working_days
    )
    _officer_opens_the_case(page, base, term, evidence, deadline)
    case = RevocationCase.objects.get(tenure=term)
    assert (case.state, case.grounds, case.statement_deadline) == (CaseState.OPEN, ["3"], deadline)

    page.context.clear_cookies()
    _holder_states(page, base, deadline)
    case.refresh_from_db()
    assert (case.statement, case.statement_by.username) == (STATEMENT, "hank")

    page.context.clear_cookies()
    _officer_finds(page, base, case, FINDING, "revocation-5")
    page.context.clear_cookies()
    _leadership_approves(page, base, "同意取消资格", "revocation-6")
    page.context.clear_cookies()
    _government_approves(page, base, approval, REVOKE_NUMBER, "revocation-7", malformed_first=True)
    term.refresh_from_db()
    certificate = Certificate.objects.get(tenure=term)
    assert (term.status, term.status_since) == (TenureStatus.REVOKED, TODAY)
    assert certificate.withdrawn_at is not None

    page.context.clear_cookies()
    _citizen_reads(page, base, certificate, "已取消资格", f"自{date_zh(TODAY)}起取消资格，证书已收回。")
    shot(page, "revocation-8-public-revoked")

    page.context.clear_cookies()
    _officer_records_the_return_and_opens_the_annulment(page, base, case, approval)
    annulment = RevocationCase.objects.get(kind=CaseKind.ANNUL)
    assert (annulment.annuls_id, annulment.state, annulment.statement_deadline) == (case.pk, "open", None)
    case.refresh_from_db()
    assert case.certificate_returned_on == TODAY

    page.context.clear_cookies()
    _officer_finds(page, base, annulment, ANNUL_FINDING, "revocation-11")
    page.context.clear_cookies()
    _leadership_approves(page, base, "同意撤销取消资格决定", "revocation-12")
    page.context.clear_cookies()
    _government_approves(page, base, approval, ANNUL_NUMBER, "revocation-13")
    term.refresh_from_db()
    certificate.refresh_from_db()
    assert (term.status, certificate.withdrawn_at) == (TenureStatus.ACTIVE, None)

    page.context.clear_cookies()
    _citizen_reads(page, base, certificate, "有效", None)
    shot(page, "revocation-14-public-restored")

    # Each step the pages took is in the audit log under the user who took it.
    assert _trail(case) == [
        ("revocation.open", "olivia"),
        ("revocation.statement", "hank"),
        ("revocation.finding", "olivia"),
        ("revocation.endorsed", "leo"),
        ("revocation.approved", "gina"),
        ("revocation.certificate_returned", "olivia"),
    ]
    assert _trail(annulment) == [
        ("revocation.annulment_open", "olivia"),
        ("revocation.annulment_finding", "olivia"),
        ("revocation.annulment_endorsed", "leo"),
        ("revocation.annulment_approved", "gina"),
    ]
    assert watch.violations() == []


def _trail(case) -> list[tuple[str, str]]:
    records = AuditRecord.objects.filter(object_id=str(case.pk), action__startswith="revocation.")
    return list(records.order_by("pk").values_list("action", "actor_username"))


def _officer_opens_the_case(page, base, term, evidence, deadline) -> None:
    log_in(page, base, "olivia")
    page.goto(base + reverse("tenure:tenure_detail", args=[term.pk]))
    page.locator("#revocation-open").click()
    expect(page.locator("h1")).to_have_text("立案调查：王建国")

    # Sent empty, nothing is opened: every missing field at once, each at its field and listed at the top with
    # a link to it.
    form = page.locator("#case-open-form")
    form.get_by_role("button", name="立案").click()
    summary = page.locator(".error-summary")
    expect(summary.locator("li")).to_have_count(4)
    expect(summary.locator("a[href='#id_grounds_0']")).to_have_text(
        "取消情形（第十七条）：请选择第十七条规定的取消情形（可多选）。"
    )
    expect(summary.locator("a[href='#id_facts']")).to_have_text("事实与依据：请写明事实与依据。")
    expect(page.locator("#id_grounds_0")).to_be_visible()
    expect(page.locator("#field-grounds .errorlist")).to_have_text("请选择第十七条规定的取消情形（可多选）。")
    expect(page.locator("#field-facts .errorlist")).to_have_text("请写明事实与依据。")
    expect(page.locator("#field-files .errorlist")).to_have_text("请上传证据材料（PDF、JPG或PNG）。")
    expect(page.locator("#field-confirmed .errorlist")).to_have_text("请勾选确认后提交。")
    assert not RevocationCase.objects.exists()
    shot(page, "revocation-2-open-errors")
    summary.locator("a[href='#id_facts']").click()
    expect(page.locator("#id_facts")).to_be_focused()

    page.get_by_label("第十七条（三）").check()
    page.get_by_label("事实与依据").fill(FACTS)
    page.locator("#id_files").set_input_files(str(evidence))
    page.locator("#id_confirmed").check()
    shot(page, "revocation-3-open-filled")
    form.get_by_role("button", name="立案").click()

    expect(page.locator(".messages")).to_have_text(
        f"已立案，已通知本人及所在单位；陈述申辩截止时间为{date_zh(deadline)}24时。"
    )
    expect(page.locator("#case-state")).to_have_text("已立案，待陈述申辩")
    expect(page.locator("#step-open")).to_contain_text(f"陈述申辩期限{date_zh(deadline)}24时")
    expect(page.locator("#documents-open")).to_contain_text("核查报告.pdf")
    expect(page.locator("#case-next")).to_have_text(f"下一步：陈述申辩至{date_zh(deadline)}24时")
    shot(page, "revocation-4-case-opened")


def _holder_states(page, base, deadline) -> None:
    log_in(page, base, "hank")
    expect(page.locator("main .todo li")).to_have_text("待提交的陈述申辩")
    page.get_by_role("navigation", name="主菜单").get_by_role("link", name="我的管理期").click()
    banner = page.locator("#revocation-banner")
    expect(banner).to_have_text(
        f"您有一项取消首席技师资格的调查（立案日期{date_zh(TODAY)}），"
        f"请于{date_zh(deadline)}24时前提交陈述申辩"
    )
    shot(page, "revocation-4b-holder-home")
    banner.get_by_role("link").click()

    expect(page.locator("#grounds")).to_have_text("（三）采取弄虚作假、谎报成果等不正当手段骗取资格")
    expect(page.locator("#facts")).to_have_text(FACTS)
    expect(page.locator("#deadline")).to_have_text(f"请于{date_zh(deadline)}24时前提交")
    with page.expect_download() as download:
        page.locator("#evidence").get_by_role("link", name="核查报告.pdf").click()
    assert download.value.suggested_filename == "核查报告.pdf"
    page.get_by_label("陈述申辩意见").fill(STATEMENT)
    shot(page, "revocation-4c-holder-statement")
    page.get_by_role("button", name="提交陈述申辩").click()
    confirm_irreversible(page, "确认提交陈述申辩", "revocation-4d-holder-confirm")

    expect(page.locator(".messages")).to_have_text("陈述申辩已提交，区人社局将在初步认定时一并审查。")
    expect(page.locator("#statement-text")).to_have_text(STATEMENT)
    expect(page.locator("#closed")).to_have_text("陈述申辩已提交，不能重复提交。")
    expect(page.locator("#statement-form")).to_have_count(0)
    shot(page, "revocation-4e-holder-stated")
    page.set_viewport_size({"width": 375, "height": 812})
    shot(page, "revocation-4f-holder-stated-phone")
    page.set_viewport_size({"width": 1280, "height": 720})


def _officer_finds(page, base, case, finding: str, prefix: str) -> None:
    """The first outcome takes the case to the leadership: 拟取消资格 on a revocation, 拟撤销取消资格决定 on an
    annulment."""
    log_in(page, base, "olivia")
    page.get_by_role("navigation", name="主菜单").get_by_role("link", name="取消资格").click()
    rows = page.locator("#cases tbody tr")
    rows.filter(has_text="初步认定").get_by_role("link", name="王建国").click()
    if case.kind == CaseKind.REVOKE:
        expect(page.locator("#step-statement")).to_contain_text(STATEMENT)
    form = page.locator("#finding-form")
    what = "取消资格" if case.kind == CaseKind.REVOKE else "撤销取消资格决定"
    form.get_by_label(f"拟{what}，报领导小组审定").check()
    form.get_by_label("初步认定意见").fill(finding)
    form.locator("#id_confirmed").check()
    shot(page, f"{prefix}-officer-finding")
    form.get_by_role("button", name="提交初步认定").click()
    expect(page.locator(".messages")).to_have_text(f"已作出初步认定：拟{what}，已报领导小组审定。")
    expect(page.locator("#case-state")).to_have_text("已初步认定，待领导小组审定")
    expect(page.locator("#step-finding")).to_contain_text(finding)
    shot(page, f"{prefix}b-officer-found")


def _leadership_approves(page, base, outcome: str, prefix: str) -> None:
    log_in(page, base, "leo")
    page.get_by_role("navigation", name="主菜单").get_by_role("link", name="取消资格审定").click()
    row = page.locator("#decision-awaiting tbody tr")
    expect(row).to_have_count(1)
    shot(page, f"{prefix}-leadership-queue")
    page.set_viewport_size({"width": 375, "height": 812})
    shot(page, f"{prefix}-leadership-queue-phone")
    page.set_viewport_size({"width": 1280, "height": 720})
    row.get_by_role("link", name="审定").click()
    expect(page.locator("#case-name")).to_have_text("王建国")
    expect(page.locator("#case-id-number")).not_to_have_text(term_id_number_unmasked_pattern())
    form = page.locator("#leadership-form")
    form.get_by_label(outcome, exact=True).check()
    form.get_by_label("会议日期").fill(TODAY.isoformat())
    form.get_by_label("会议纪要", exact=True).fill(MINUTES)
    shot(page, f"{prefix}b-leadership-form")
    form.get_by_role("button", name="提交审定结果").click()
    confirm_irreversible(page, "确认领导小组审定", f"{prefix}c-leadership-confirm")
    expect(page.locator(".messages")).to_contain_text("已登记领导小组")
    expect(page.locator("#decision-awaiting-empty")).to_be_visible()
    shot(page, f"{prefix}d-leadership-done")


def term_id_number_unmasked_pattern():
    import re

    # Eighteen characters in a row: the whole ID number, never shown to the leadership or the government.
    return re.compile(r"\d{17}[\dX]")


def _government_approves(page, base, approval, number: str, prefix: str, *, malformed_first: bool = False):
    log_in(page, base, "gina")
    page.get_by_role("navigation", name="主菜单").get_by_role("link", name="取消资格审定").click()
    page.locator("#decision-awaiting tbody tr").get_by_role("link", name="批准").click()
    expect(page.locator("#case-id-number")).not_to_have_text(term_id_number_unmasked_pattern())
    form = page.locator("#government-form")

    def fill(document_number: str) -> None:
        form.get_by_label("批准", exact=True).check()
        form.get_by_label("批准文号").fill(document_number)
        form.get_by_label("批准日期").fill(TODAY.isoformat())
        form.locator("#id_files").set_input_files(str(approval))
        form.locator("#id_confirmed").check()

    if malformed_first:
        fill(f"威环政字{TODAY.year}-31")
        form.get_by_role("button", name="提交批准结果").click()
        expect(page.locator("#field-document_number .errorlist")).to_have_text(
            "批准文号格式不正确，应为“发文机关代字〔年份〕序号号”，如：威环政字〔2026〕12号。"
        )
        expect(page.locator(".error-summary a[href='#id_document_number']")).to_be_visible()
        expect(form.locator(".files-again")).to_have_text("本次所选文件未保存，请重新选择后再提交。")
        assert RevocationCase.objects.filter(state=CaseState.APPROVED, kind=CaseKind.REVOKE).count() == 0
        shot(page, f"{prefix}-government-malformed")
    fill(number)
    shot(page, f"{prefix}b-government-form")
    form.get_by_role("button", name="提交批准结果").click()
    expect(page.locator(".messages")).to_contain_text("已登记政府批准")
    expect(page.locator("#decision-done")).to_contain_text("政府批准：批准")
    shot(page, f"{prefix}c-government-done")


def _citizen_reads(page, base, certificate, label: str, note: str | None) -> None:
    page.goto(base + "/")
    page.get_by_role("textbox", name="证书查验").fill(certificate.number)
    page.locator("form[role=search]").get_by_role("button").click()
    expect(page.locator("#verify-status")).to_have_text(label)
    if note is None:
        expect(page.locator(".verify-note")).to_have_count(0)
    else:
        expect(page.locator(".verify-note")).to_have_text(note)
    content = page.content()
    assert [leak for leak in PRIVATE if leak in content] == []


def _officer_records_the_return_and_opens_the_annulment(page, base, case, approval) -> None:
    log_in(page, base, "olivia")
    page.goto(base + reverse("revocation:case_detail", args=[case.pk]))
    expect(page.locator("#case-state")).to_have_text("政府已批准")
    expect(page.locator("#case-next")).to_have_text("下一步：待登记证书收回")
    form = page.locator("#return-form")
    form.get_by_label("收回日期").fill(TODAY.isoformat())
    form.get_by_label("收回说明").fill("本人到区人社局交回纸质证书。")
    shot(page, "revocation-9-officer-return")
    form.get_by_role("button", name="登记收回").click()
    confirm_irreversible(page, "确认登记", "revocation-9b-officer-confirm-return")
    expect(page.locator(".messages")).to_have_text(f"已登记证书于{date_zh(TODAY)}收回。")
    expect(page.locator("#step-return")).to_contain_text(date_zh(TODAY))

    page.locator("#annul-link").click()
    form = page.locator("#annulment-form")
    form.get_by_label("撤销的事实与依据").fill(ANNUL_FACTS)
    form.locator("#id_files").set_input_files(str(approval))
    form.get_by_label("已核对行政复议决定或判决，确认发起撤销程序").check()
    shot(page, "revocation-10-officer-annulment")
    form.get_by_role("button", name="发起撤销程序").click()
    expect(page.locator(".messages")).to_have_text("已发起撤销取消资格决定，请作出初步认定。")
    expect(page.locator("#annuls-link")).to_be_visible()
    shot(page, "revocation-10b-annulment-opened")
