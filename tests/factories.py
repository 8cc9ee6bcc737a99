"""Plain factories for tests: real objects through the ORM, no mocks."""

import itertools
from datetime import date, datetime
from io import BytesIO
from zoneinfo import ZoneInfo

from django.contrib.auth.models import Group
from PIL import Image
from stdnum.cn import ric, uscc

from chieftech.accounts.models import Enterprise, Industry, IndustryFocus, User
from chieftech.accounts.roles import Role

PASSWORD = "Correct-horse-42"
SHANGHAI = ZoneInfo("Asia/Shanghai")
_seq = itertools.count(1)


def make_uscc(n: int | None = None) -> str:
    """A valid 统一社会信用代码 (GB 32100) for a Weihai Huancui company (371002)."""
    n = next(_seq) if n is None else n
    body = f"91371002MA{n:07d}"
    return body + uscc.calc_check_digit(body)


def make_enterprise(name: str | None = None, **fields) -> Enterprise:
    n = next(_seq)
    defaults = {
        "name": name or f"威海测试企业{n}有限公司",
        "uscc": make_uscc(n),
        "address": f"环翠区测试路{n}号",
        "town": "zhangcun",
        "industry": Industry.MANUFACTURING,
        "industry_focus": IndustryFocus.PILLAR,
        "contact_name": "张联系",
        "contact_phone": "13863100000",
        "status": Enterprise.Status.ACTIVE,
    }
    defaults.update(fields)
    return Enterprise.objects.create(**defaults)


def make_user(
    username: str, *roles: str, enterprise: Enterprise | None = None, authority=None, **fields
) -> User:
    """A user holding `roles` for `authority` (default: the seeded Huancui authority); installation-wide
    roles are granted with no authority, as accounts.domain.users.role_grants_set does."""
    user = User.objects.create_user(
        username=username, password=PASSWORD, real_name=fields.pop("real_name", username), **fields
    )
    if enterprise is not None:
        user.enterprise = enterprise
        user.save(update_fields=["enterprise"])
    for role in roles:
        grant(user, role, authority=authority or huancui())
    return user


def grant(user: User, role: str, *, authority) -> None:
    """Give `user` one more role for `authority`, or installation-wide for an installation role (test set-up;
    accounts.domain.users grants in the system)."""
    from chieftech.accounts.models import RoleGrant
    from chieftech.accounts.roles import INSTALLATION_ROLES, roles_cache_clear

    user.groups.add(Group.objects.get(name=role))
    RoleGrant.objects.get_or_create(
        user=user, role=role, authority=None if role in INSTALLATION_ROLES else authority
    )
    roles_cache_clear(user)


def committee_chair(authority=None) -> User:
    """A committee chair: tests that skip the scoring still have a chair, not the officer, confirm the list and
    open the notice. Chair for `authority` (default: Huancui)."""
    chair = User.objects.filter(username="carmen").first() or make_user(
        "carmen", Role.CHAIR, real_name="卡门"
    )
    if authority is not None:
        grant(chair, Role.CHAIR, authority=authority)
    return chair


# --- Selection ------------------------------------------------------------------------------------

DEFAULT_TIMELINE = {
    "application_opens_on": date(2026, 11, 2),
    "application_deadline": date(2026, 12, 15),
    "review_ends_on": date(2026, 12, 31),
    "evaluation_ends_on": date(2027, 1, 29),
}
# A moment inside the default application window, so tests never depend on today's date.
IN_WINDOW = datetime(2026, 11, 20, 10, 0, tzinfo=SHANGHAI)


def _png_bytes() -> bytes:
    buffer = BytesIO()
    Image.new("RGB", (8, 8), "white").save(buffer, "PNG")
    return buffer.getvalue()


PNG_BYTES = _png_bytes()


def _pdf_bytes() -> bytes:
    """A real one-page PDF: uploads are parsed, so a bare header and trailer no longer pass."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


PDF_BYTES = _pdf_bytes()


def make_id_number(birth: date, *, serial: int = 123) -> str:
    """A valid resident ID number (GB 11643) for someone born on `birth` in 环翠区 (371002)."""
    body = f"371002{birth:%Y%m%d}{serial:03d}"
    return body + ric.calc_check_digit(body + "0")  # stdnum expects a placeholder check digit


def huancui():
    """The seeded district authority every test works in unless it makes another."""
    from chieftech.policy.models import Authority

    return Authority.objects.get(code="huancui")


def make_round(
    officer,
    *,
    title: str = "2026年度环翠区首席技师选拔",
    year: int = 2026,
    publish: bool = True,
    authority=None,
    **fields,
):
    """A round of `authority` (default: Huancui), its call published unless `publish=False`."""
    from chieftech.selection.domain.rounds import round_create, round_publish_call

    timeline = {**DEFAULT_TIMELINE, **fields}
    round_ = round_create(actor=officer, authority=authority or huancui(), title=title, year=year, **timeline)
    if publish:
        round_publish_call(actor=officer, round_=round_, now=IN_WINDOW)
    return round_


def application_data(**overrides) -> dict:
    data = {
        "route": "enterprise",
        "name": "王建国",
        "id_number": make_id_number(date(1980, 5, 17)),
        "phone": "13863112345",
        "education": "high_school",
        "occupation": "数控车工",
        "post": "数控车间机床操作",
        "is_frontline": True,
        "years_in_trade": 20,
        "apprentices_trained": 8,
        "apprentices_summary": "所带徒弟5人成为车间技术骨干。",
        "deeds": "长期扎根生产一线，" * 100,
        "enterprise_notice_starts_on": date(2026, 11, 3),
        "enterprise_notice_ends_on": date(2026, 11, 9),
        "enterprise_notice_outcome": "公示无异议",
        "enterprise_opinion": "同意推荐。",
    }
    data.update(overrides)
    return data


def certificate_data(level: int = 5, **overrides) -> dict:
    data = {
        "level": level,
        "occupation": "车工",
        "number": "S000037100000255001",
        "issuer": "山东省人力资源和社会保障厅",
        "issued_on": date(2015, 6, 30),
    }
    data.update(overrides)
    return data


def make_application(user, round_, *, submit: bool = False, level: int = 5, **overrides):
    from chieftech.selection.domain.applications import application_create, application_submit
    from chieftech.selection.domain.evidence import evidence_add

    application = application_create(
        actor=user,
        round_=round_,
        data=application_data(**overrides),
        certificates=[certificate_data(level)],
        now=IN_WINDOW,
    )
    evidence_add(
        actor=user, application=application, kind="certificate", name="技师证书.png", content=PNG_BYTES
    )
    if submit:
        application = application_submit(actor=user, application=application, now=IN_WINDOW)
    return application


def judged(application, verdict: str = "pass") -> dict[str, dict]:
    """The officer's finding, with a reason, on every condition the system leaves to judgement."""
    from chieftech.selection.domain.eligibility import application_checks

    return {
        check.code: {"verdict": verdict, "note": "经核对证明材料。"}
        for check in application_checks(application)
        if check.verdict == "judge"
    }


def form_token_of(response, form_id: str | None = None) -> str:
    """The one-time form token a browser would send with the page's form `form_id` (default: the first POST
    form of the page's main content)."""
    import lxml.html

    doc = lxml.html.fromstring(response.content.decode())
    forms = doc.xpath(f'//form[@id="{form_id}"]' if form_id else '//main//form[@method="post"]')
    return forms[0].xpath('.//input[@name="form_token"]')[0].get("value")


# ID numbers' sequence codes: three digits, so they cycle through 200–999 (a test makes far fewer than 800).
_serials = itertools.count(200)
_batch_numbers = itertools.count(1)


def _next_serial() -> int:
    return 200 + (next(_serials) - 200) % 800


def make_tenure(
    enterprise_user,
    government,
    *,
    officer=None,
    round_=None,
    starts_on: date = date(2024, 12, 27),
    name: str = "王建国",
    **overrides,
):
    """An active term of `enterprise_user`'s candidate, started by `government` as the list's approval does.
    Each call makes a person with their own ID number; pass `round_` to put several in one round."""
    from chieftech.tenure.domain.terms import tenure_start

    if round_ is None:
        round_ = make_round(officer)
    overrides.setdefault("id_number", make_id_number(date(1980, 5, 17), serial=_next_serial()))
    application = make_application(enterprise_user, round_, name=name, **overrides)
    return tenure_start(application=application, starts_on=starts_on, actor=government)


def make_bank_account(
    tenure,
    *,
    number: str,
    bank: str = "中国工商银行",
    branch: str = "威海环翠支行",
    applies_from: date | None = None,
):
    """A confirmed account of `tenure`, in use from the term's first month unless `applies_from` says otherwise
    (test set-up; in the system the holder asks and the officer confirms)."""
    from django.utils import timezone

    from chieftech.tenure.models import BankAccount, BankAccountState

    return BankAccount.objects.create(
        tenure=tenure,
        bank=bank,
        branch=branch,
        number=number.replace(" ", ""),
        account_name=tenure.application.name,
        state=BankAccountState.CONFIRMED,
        applies_from=applies_from or tenure.starts_on.replace(day=1),
        requested_at=timezone.now(),
        decided_at=timezone.now(),
    )


def make_weihai():
    """A second authority, the city of Weihai, with no policy, rounds or staff of its own yet: what belongs to
    it must never reach the district's users."""
    from chieftech.policy.models import Authority, AuthorityLevel

    return Authority.objects.create(
        code="weihai",
        name="威海市",
        level=AuthorityLevel.CITY,
        bureau_name="威海市人力资源和社会保障局",
        leadership_name="市委人才工作领导小组",
        government_name="市人民政府",
        title_name="威海市首席技师",
        site_name="威海市首席技师选拔管理系统",
        certificate_prefix="WHSJ",
    )


def make_payroll_batch(
    officer,
    *,
    period: date,
    lines: list,
    state: str = "draft",
    authority=None,
    number: str | None = None,
    hold_without_account: bool = True,
):
    """A batch of `period` (a month's 1st) in `state`, with one line per (tenure, [months]) of `lines`, written
    directly (test set-up for the pages, documents and bank files; in the system `payroll_batch_build`
    computes the lines). A tenure without a confirmed account for its first month gets a held line, unless
    `hold_without_account` is False (a test about the months alone)."""
    from django.utils import timezone

    from chieftech.subsidy.domain.tax import tax_withhold
    from chieftech.subsidy.models import PayrollBatch, PayrollLine, PayrollMonth
    from chieftech.tenure.domain.bank_accounts import bank_account_for_month

    line_state = {
        "completed": PayrollLine.State.PAID,
        "exported": PayrollLine.State.EXPORTED,
        "cancelled": PayrollLine.State.CANCELLED,
    }.get(state, PayrollLine.State.PENDING)
    authority = authority or lines[0][0].authority
    batch = PayrollBatch.objects.create(
        authority=authority,
        number=number or f"T-{authority.code}-{period:%Y%m}-{next(_batch_numbers)}",
        period_start=period,
        period_end=period,
        cadence="monthly",
        state=state,
        built_by=officer,
        built_at=timezone.now(),
    )
    totals = {"line_count": 0, "held_count": 0, "gross_total": 0, "tax_total": 0, "net_total": 0}
    for seq, (tenure, months) in enumerate(lines, start=1):
        account = bank_account_for_month(tenure=tenure, month=months[0])
        standard = tenure.policy.monthly_subsidy
        gross = standard * len(months)
        tax = tax_withhold(policy=tenure.policy, base=gross)
        held = account is None and hold_without_account
        line = PayrollLine.objects.create(
            batch=batch,
            tenure=tenure,
            seq=seq,
            enterprise_id=tenure.enterprise_id,
            policy=tenure.policy,
            standard=standard,
            months_count=len(months),
            gross=gross,
            tax=tax,
            net=gross - tax,
            state=PayrollLine.State.HELD if held else line_state,
            hold_code="no_account" if held else "",
            hold_reason="尚无已确认的津贴发放账户" if held else "",
            bank_account=account,
            paid_on=period if line_state == PayrollLine.State.PAID and not held else None,
        )
        PayrollMonth.objects.bulk_create(
            PayrollMonth(
                line=line,
                tenure=tenure,
                month=month,
                amount=standard,
                kind=PayrollMonth.Kind.REGULAR,
                live=not held and line.state in ("pending", "exported", "paid"),
            )
            for month in months
        )
        if held:
            totals["held_count"] += 1
        else:
            totals["line_count"] += 1
            totals["gross_total"] += gross
            totals["tax_total"] += tax
            totals["net_total"] += gross - tax
    PayrollBatch.objects.filter(pk=batch.pk).update(**totals)
    batch.refresh_from_db()
    return batch


def make_annual_review(tenure, *, review_year: int = 1, state: str = "submitted", campaign=None, **fields):
    """`tenure`'s re-review for `review_year` in `state`, with its policy and period, written directly (test
    set-up; in the system a campaign opens it and the holder's material and the officer's decision move it)."""
    from django.utils import timezone

    from chieftech.tenure.domain.terms import review_period
    from chieftech.tenure.models import AnnualReview

    start, end = review_period(
        starts_on=tenure.starts_on,
        review_year=review_year,
        interval_months=tenure.policy.review_interval_months or 12,
    )
    if state != "pending":
        fields.setdefault("submitted_at", timezone.now())
    return AnnualReview.objects.create(
        tenure=tenure,
        review_year=review_year,
        state=state,
        campaign=campaign,
        policy=tenure.policy,
        period_start=start,
        period_end=end,
        **fields,
    )


def make_apprentice(
    tenure,
    *,
    by,
    name: str = "张小明",
    id_number: str | None = None,
    occupation: str = "数控车工",
    signed_on: date | None = None,
    certificates: list | None = None,
    enterprise=None,
):
    """An apprentice on `tenure`'s ledger with an agreement signed on `signed_on` (the term's start by default)
    and a certificate per (level, issued_on[, number]) of `certificates`, written directly (test set-up; in the
    system the holder or the enterprise enters them with their files)."""
    from django.utils import timezone

    from chieftech.core.pii import pii_hash
    from chieftech.duties.models import (
        Apprentice,
        ApprenticeCertificate,
        MentorshipAgreement,
        certificate_number_key,
    )

    id_number = id_number or make_id_number(date(2000, 3, 8), serial=_next_serial())
    now = timezone.now()
    apprentice = Apprentice.objects.create(
        tenure=tenure,
        name=name,
        id_number=id_number,
        id_hash=pii_hash(id_number),
        enterprise=enterprise or tenure.enterprise,
        occupation=occupation,
        added_by=by,
        added_as="holder",
        added_at=now,
    )
    MentorshipAgreement.objects.create(
        apprentice=apprentice, signed_on=signed_on or tenure.starts_on, added_by=by, added_at=now
    )
    for item in certificates or []:
        level, issued_on, *rest = item
        number = rest[0] if rest else f"S{issued_on:%Y%m%d}{apprentice.pk:06d}{level}"
        ApprenticeCertificate.objects.create(
            apprentice=apprentice,
            level=level,
            occupation=occupation,
            number=number,
            number_key=certificate_number_key(number),
            issuer="威海市职业技能鉴定中心",
            issued_on=issued_on,
            added_by=by,
            added_at=now,
        )
    return apprentice
