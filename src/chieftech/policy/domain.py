"""Policy versions (policy as data) and the admin's holiday schedule: look-up, registration, warnings.

Every number of the measures is read from the version in force on the date that matters, and every
decision stores that version; see SPEC.md §2.
"""

from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction

import chieftech.policy.rules  # noqa: F401  (declares the rules asked here)
from chieftech.audit.domain import audit_record
from chieftech.core.dates import date_zh
from chieftech.core.errors import DomainError
from chieftech.core.permissions import require_perm
from chieftech.policy.models import (
    Authority,
    CalendarDay,
    CalendarYear,
    IncomeCategory,
    PolicyVersion,
    SkillLevel,
    SubsidyCadence,
    SubsidyFirstMonth,
    TaxRule,
)
from chieftech.policy.status_effects import status_effects_check, status_effects_default

# How long ahead the system starts warning that the version in force is about to end. A system lead
# time (enough for drafting, approval and publication of new measures), not a number of the measures.
EXPIRY_WARNING_LEAD_DAYS = 180


def policy_in_force(*, authority: Authority, on: date) -> PolicyVersion:
    """The authority's version whose validity includes `on` (both boundary days included); a DomainError with
    code "no_policy" when none does."""
    version = PolicyVersion.objects.filter(
        authority=authority, valid_from__lte=on, valid_until__gte=on
    ).first()
    if version is None:
        raise DomainError(
            f"{date_zh(on)}没有有效的选拔管理政策：该日期不在任何已登记政策版本的有效期内，"
            "请系统管理员登记覆盖该日期的政策版本。",
            code="no_policy",
        )
    return version


# --- Registration -------------------------------------------------------------------------------------

TEXT_FIELDS = ("issuer", "document_number", "title")
DATE_FIELDS = ("valid_from", "valid_until")
# Plausibility bounds that catch typing mistakes (a subsidy of 50000, an age of 550); they are not
# numbers of the measures, which live in the version itself.
INT_RANGES: dict[str, tuple[int, int]] = {
    "selection_interval_years": (1, 10),
    "quota_per_round": (1, 100),
    "management_period_months": (1, 120),
    "max_age": (18, 70),
    "priority_age": (18, 70),
    "notice_working_days": (1, 30),
    "apprentices_per_year": (0, 50),
    "deeds_target_chars": (100, 10000),
}
LEVEL_FIELDS = ("min_skill_level", "apprentice_min_level")
SUBSIDY_MAX = Decimal("100000.00")
PARAMETER_FIELDS = (
    *TEXT_FIELDS,
    *DATE_FIELDS,
    "selection_interval_years",
    "quota_per_round",
    "management_period_months",
    "monthly_subsidy",
    "min_skill_level",
    "max_age",
    "priority_age",
    "notice_working_days",
    "apprentices_per_year",
    "apprentice_min_level",
    "deeds_target_chars",
)


# The subsidy's rules (第12条; chieftech.subsidy). Optional in `data`: a version registered without them pays
# monthly from the month after the start, re-reviews yearly and withholds nothing (the model's defaults).
SUBSIDY_FIELDS = (
    "subsidy_cadence",
    "subsidy_first_month",
    "subsidy_first_year_deferred",
    "review_interval_months",
    "subsidy_taxable",
    "subsidy_income_category",
    "subsidy_tax_rule",
    "subsidy_tax_rate",
)
RATE_PLACES = Decimal("0.0001")
# The re-review's deadlines and the employers' yearly reminder (chieftech.review, chieftech.duties). Optional in
# `data` as the subsidy's are: a version registered without them takes the model's defaults.
MANAGEMENT_FIELDS = {
    "review_submission_working_days": (1, 60),
    "review_correction_working_days": (1, 30),
    "employer_record_reminder_month": (1, 12),
    "revocation_statement_working_days": (1, 30),
    "fraud_bar_years": (0, 50),
}
MANAGEMENT_FIELD_NAMES = tuple(MANAGEMENT_FIELDS)


def _label(name: str) -> str:
    return str(PolicyVersion._meta.get_field(name).verbose_name)


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    """Check every parameter; raise one DomainError listing every problem by field, in Chinese."""
    errors: dict[str, str] = {}
    cleaned: dict[str, Any] = {}
    for name in PARAMETER_FIELDS:
        value = data.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            errors[name] = f"请填写{_label(name)}。"
            continue
        if name in TEXT_FIELDS:
            text = str(value).strip()
            max_length = PolicyVersion._meta.get_field(name).max_length
            if len(text) > max_length:
                errors[name] = f"{_label(name)}不能超过{max_length}个字符。"
            cleaned[name] = text
        elif name in DATE_FIELDS:
            if isinstance(value, str):
                try:
                    value = date.fromisoformat(value)
                except ValueError:
                    errors[name] = f"{_label(name)}应为有效日期，格式如2027-12-01。"
                    continue
            cleaned[name] = value
        elif name == "monthly_subsidy":
            try:
                amount = Decimal(str(value))
            except InvalidOperation:
                errors[name] = "津贴金额应为数字。"
                continue
            if not amount.is_finite() or amount < 0 or amount > SUBSIDY_MAX:
                errors[name] = f"津贴金额应在0至{SUBSIDY_MAX}元之间。"
            elif amount != amount.quantize(Decimal("0.01")):
                errors[name] = "津贴金额最多保留两位小数（精确到分）。"
            cleaned[name] = amount
        else:
            try:
                number = int(value)
            except (TypeError, ValueError):
                errors[name] = f"{_label(name)}应为整数。"
                continue
            if name in LEVEL_FIELDS:
                if number not in SkillLevel.values:
                    errors[name] = f"{_label(name)}不是有效的职业技能等级。"
            else:
                low, high = INT_RANGES[name]
                if not low <= number <= high:
                    errors[name] = f"{_label(name)}应在{low}至{high}之间。"
            cleaned[name] = number
    # Optional in `data`: without it a version means what the measures of 2022 say (第16条, 第17条).
    effects = data.get("status_effects")
    try:
        cleaned["status_effects"] = status_effects_check(
            status_effects_default() if effects is None else effects
        )
    except DomainError as exc:
        errors["status_effects"] = exc.message
    _clean_subsidy(data, cleaned, errors)
    _clean_management(data, cleaned, errors)
    if not errors:
        if cleaned["valid_until"] < cleaned["valid_from"]:
            errors["valid_until"] = "有效期至不能早于施行日期。"
        if cleaned["priority_age"] > cleaned["max_age"]:
            errors["priority_age"] = "优先年龄不能大于年龄上限。"
    if errors:
        raise DomainError.fields(errors)
    return cleaned


def _field_default(name: str) -> Any:
    return PolicyVersion._meta.get_field(name).get_default()


def _clean_management(data: dict[str, Any], cleaned: dict[str, Any], errors: dict[str, str]) -> None:
    for name, (low, high) in MANAGEMENT_FIELDS.items():
        value = data.get(name)
        if value is None or value == "":
            value = _field_default(name)
        try:
            number = int(value)
        except (TypeError, ValueError):
            errors[name] = f"{_label(name)}应为整数。"
            continue
        if not low <= number <= high:
            errors[name] = f"{_label(name)}应在{low}至{high}之间。"
        cleaned[name] = number


def _clean_subsidy(data: dict[str, Any], cleaned: dict[str, Any], errors: dict[str, str]) -> None:
    """The subsidy's rules: a taxable subsidy names its income category and withholding rule, a flat rate lies
    strictly between 0 and 1; a subsidy that is not taxable carries none of them."""
    given = {name: data.get(name, _field_default(name)) for name in SUBSIDY_FIELDS}
    for name, choices in (
        ("subsidy_cadence", SubsidyCadence),
        ("subsidy_first_month", SubsidyFirstMonth),
    ):
        if given[name] not in choices.values:
            errors[name] = f"请选择{_label(name)}。"
        cleaned[name] = given[name]
    cleaned["subsidy_first_year_deferred"] = bool(given["subsidy_first_year_deferred"])
    try:
        interval = int(given["review_interval_months"])
    except (TypeError, ValueError):
        errors["review_interval_months"] = f"{_label('review_interval_months')}应为整数。"
        interval = 0
    else:
        if not 0 <= interval <= INT_RANGES["management_period_months"][1]:
            errors["review_interval_months"] = "复核认定间隔应在0至120个月之间（0表示不复核）。"
    cleaned["review_interval_months"] = interval
    taxable = bool(given["subsidy_taxable"])
    cleaned["subsidy_taxable"] = taxable
    category, rule, rate = given["subsidy_income_category"] or "", given["subsidy_tax_rule"] or "", None
    if not taxable:
        # Nothing to withhold: a category or rule left over from the predecessor would mislead the payroll.
        category, rule = "", ""
    else:
        if category not in IncomeCategory.values:
            errors["subsidy_income_category"] = "需代扣个人所得税的，请选择所得项目。"
        if rule not in TaxRule.values:
            errors["subsidy_tax_rule"] = "需代扣个人所得税的，请选择代扣规则。"
        elif rule == TaxRule.FLAT_RATE:
            rate = _clean_rate(given["subsidy_tax_rate"], errors)
    cleaned.update(subsidy_income_category=category, subsidy_tax_rule=rule, subsidy_tax_rate=rate)


def _clean_rate(value: Any, errors: dict[str, str]) -> Decimal | None:
    message = "按固定比例代扣的，请填写大于0、小于1的代扣比例，如0.2000。"
    if value in (None, ""):
        errors["subsidy_tax_rate"] = message
        return None
    try:
        rate = Decimal(str(value))
    except InvalidOperation:
        errors["subsidy_tax_rate"] = message
        return None
    if not rate.is_finite() or not Decimal(0) < rate < Decimal(1):
        errors["subsidy_tax_rate"] = message
    elif rate != rate.quantize(RATE_PLACES):
        errors["subsidy_tax_rate"] = "代扣比例最多保留四位小数。"
    return rate


def policy_snapshot(version: PolicyVersion) -> dict[str, Any]:
    snapshot = {
        name: getattr(version, name) for name in (*PARAMETER_FIELDS, *SUBSIDY_FIELDS, *MANAGEMENT_FIELD_NAMES)
    }
    snapshot["status_effects"] = version.status_effects
    snapshot["predecessor"] = version.predecessor_id
    return snapshot


def policy_register(*, actor, authority: Authority, data: dict[str, Any]) -> PolicyVersion:
    """Register a new version of the measures (usually the successor of the one in force).

    `data` holds every field of PARAMETER_FIELDS. A bad value or a validity that overlaps an existing
    version raises a DomainError naming each bad field, with Chinese messages, and
    nothing is saved. Registered versions are not edited: decisions refer to them.
    """
    require_perm(actor, "policy.version_register", authority, "只有本机关的系统管理员可以登记政策版本。")
    cleaned = _clean(data)
    with transaction.atomic():
        # Locking the authority's versions serialises concurrent registrations, so two cannot overlap. Another
        # authority's versions may be in force on the same days.
        Authority.objects.select_for_update().get(pk=authority.pk)
        existing = list(
            PolicyVersion.objects.select_for_update().filter(authority=authority).order_by("valid_from")
        )
        overlapping = [
            v
            for v in existing
            if v.valid_from <= cleaned["valid_until"] and v.valid_until >= cleaned["valid_from"]
        ]
        if overlapping:
            other = overlapping[0]
            raise DomainError(
                f"有效期与已登记的《{other.title}》（{other.document_number}，"
                f"{date_zh(other.valid_from)}至{date_zh(other.valid_until)}）重叠："
                "同一日期只能有一个有效的政策版本。",
                field="valid_from",
                code="overlap",
            )
        if PolicyVersion.objects.filter(document_number=cleaned["document_number"]).exists():
            raise DomainError("该文号的政策版本已登记。", field="document_number", code="taken")
        earlier = [v for v in existing if v.valid_until < cleaned["valid_from"]]
        later = [v for v in existing if v.valid_from > cleaned["valid_until"]]
        version = PolicyVersion.objects.create(
            authority=authority,
            # The certificates are numbered under the issuing authority's prefix (not the model's default).
            **cleaned,
            predecessor=max(earlier, key=lambda v: v.valid_until) if earlier else None,
        )
        audit_record(action="policy.register", actor=actor, obj=version, after=policy_snapshot(version))
        # A version registered into the gap before a later one becomes that one's predecessor.
        if later:
            following = min(later, key=lambda v: v.valid_from)
            before = policy_snapshot(following)
            following.predecessor = version
            following.save(update_fields=["predecessor"])
            audit_record(
                action="policy.relink",
                actor=actor,
                obj=following,
                reason="登记了有效期在其之前的政策版本",
                before=before,
                after=policy_snapshot(following),
            )
    return version


def policy_successor_defaults(*, authority: Authority, today: date) -> dict[str, Any]:
    """Initial values for registering a new version: the latest version's parameters, valid from the day
    after it ends (the measures change by new documents, mostly a few numbers at a time)."""
    latest = PolicyVersion.objects.filter(authority=authority).order_by("-valid_until").first()
    if latest is None:
        return {"valid_from": today}
    initial = {
        name: getattr(latest, name)
        for name in (*PARAMETER_FIELDS, *SUBSIDY_FIELDS, *MANAGEMENT_FIELD_NAMES)
        if name not in TEXT_FIELDS
    }
    initial["issuer"] = latest.issuer
    initial["status_effects"] = latest.status_effects
    initial["valid_from"] = latest.valid_until + timedelta(days=1)
    initial.pop("valid_until")
    return initial


# --- Warnings -----------------------------------------------------------------------------------------


def policy_expiry_warnings(*, today: date, authority_ids: set[int] | None = None) -> list[str]:
    """What the system admin must act on, for every authority (or those of `authority_ids`): no version in
    force, or the one in force ending soon with no successor registered (after its end no new round may open
    under it). With several authorities each warning names its authority."""
    authorities = list(Authority.objects.all())
    versions = list(PolicyVersion.objects.order_by("valid_from"))
    warnings = []
    for authority in authorities:
        if authority_ids is not None and authority.pk not in authority_ids:
            continue
        own = [v for v in versions if v.authority_id == authority.pk]
        for message in _authority_expiry_warnings(own, today=today):
            warnings.append(f"{authority.bureau_name}：{message}" if len(authorities) > 1 else message)
    return warnings


def _authority_expiry_warnings(versions: list[PolicyVersion], *, today: date) -> list[str]:
    current = next((v for v in versions if v.valid_from <= today <= v.valid_until), None)
    if current is None:
        upcoming = next((v for v in versions if v.valid_from > today), None)
        message = f"今天（{date_zh(today)}）没有有效的选拔管理政策，不能开启新的选拔轮次。"
        if upcoming is not None:
            message += f"下一版本《{upcoming.title}》（{upcoming.document_number}）自{date_zh(upcoming.valid_from)}起施行。"
        else:
            message += "请系统管理员登记新的政策版本。"
        return [message]
    days_left = (current.valid_until - today).days
    if days_left > EXPIRY_WARNING_LEAD_DAYS:
        return []
    successor = next((v for v in versions if v.valid_from > current.valid_until), None)
    if successor is None:
        return [
            f"现行《{current.title}》（{current.document_number}）有效期至{date_zh(current.valid_until)}，"
            f"还有{days_left}天到期，尚未登记后续政策版本。到期后不能再按该政策开启新的选拔轮次，"
            "请系统管理员在新政策印发后及时登记。"
        ]
    gap_start = current.valid_until + timedelta(days=1)
    if successor.valid_from > gap_start:
        gap_end = successor.valid_from - timedelta(days=1)
        return [
            f"现行《{current.title}》（{current.document_number}）到期后，"
            f"{date_zh(gap_start)}至{date_zh(gap_end)}没有有效的政策版本，期间不能开启新的选拔轮次。"
        ]
    return []


# --- The admin's holiday schedule ---------------------------------------------------------------------


def _day_line(day: date, kind: str, name: str) -> str:
    word = "上班" if kind == CalendarDay.Kind.WORKDAY else "放假"
    return f"{day.isoformat()} {word} {name}".rstrip()


def calendar_year_snapshot(calendar_year: CalendarYear | None) -> dict[str, Any] | None:
    if calendar_year is None:
        return None
    return {
        "year": calendar_year.year,
        "source": calendar_year.source,
        "complete": calendar_year.complete,
        "days": [_day_line(d.date, d.kind, d.name) for d in calendar_year.days.order_by("date")],
    }


def calendar_year_save(
    *, actor, year: int, source: str, complete: bool, days: list[tuple[date, str, str]]
) -> CalendarYear:
    """Enter or replace a year's schedule: its days (date, CalendarDay.Kind, name) replace the old ones.

    Raises DomainError (Chinese) for a day outside the year, a repeated date, an unknown kind or a
    missing source; nothing is saved then.
    """
    require_perm(actor, "policy.calendar_save", None, "只有系统管理员可以维护节假日安排。")
    source = (source or "").strip()
    errors: dict[str, list[str]] = {}
    if not source:
        errors.setdefault("source", []).append("请填写依据（例如国务院办公厅关于该年部分节假日安排的通知）。")
    seen: set[date] = set()
    for day, kind, name in days:
        if day.year != year:
            errors.setdefault("days", []).append(f"{day.isoformat()}不属于{year}年。")
        if day in seen:
            errors.setdefault("days", []).append(f"{day.isoformat()}重复录入。")
        seen.add(day)
        if kind not in CalendarDay.Kind.values:
            errors.setdefault("days", []).append(f"{day.isoformat()}的类型无效。")
        if len(name) > CalendarDay._meta.get_field("name").max_length:
            errors.setdefault("days", []).append(f"{day.isoformat()}的名称过长。")
    if errors:
        raise DomainError.fields(errors)
    with transaction.atomic():
        calendar_year = CalendarYear.objects.select_for_update().filter(year=year).first()
        before = calendar_year_snapshot(calendar_year)
        if calendar_year is None:
            calendar_year = CalendarYear.objects.create(year=year, source=source, complete=complete)
        else:
            calendar_year.source = source
            calendar_year.complete = complete
            calendar_year.save(update_fields=["source", "complete", "updated_at"])
            calendar_year.days.all().delete()
        CalendarDay.objects.bulk_create(
            CalendarDay(calendar_year=calendar_year, date=day, kind=kind, name=name)
            for day, kind, name in sorted(days)
        )
        audit_record(
            action="calendar.year_save",
            actor=actor,
            obj=calendar_year,
            before=before,
            after=calendar_year_snapshot(calendar_year),
        )
    return calendar_year
