"""The employer's obligations to its chief technician (第13条): each year, per holder, the supplementary medical
subsidy (where the employer has 补充医疗保险), the health check and the paid leave it gave.

Every enterprise that employed the holder in a year owes that year's record (a holder who moved within the
district has two employers that year, each recording its own part); the officer sees who has recorded
nothing, and the enterprises are reminded once per holder and year (`employer_records_remind_due`).
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils import timezone

from chieftech.audit.domain import audit_record, snapshot
from chieftech.core.dates import date_zh
from chieftech.core.errors import DomainError
from chieftech.core.permissions import require_perm
from chieftech.duties.models import EmployerDutyRecord, ObligationReminder
from chieftech.tenure.models import Tenure, TenureEmployment, TenureStatus

FEN = Decimal("0.01")
SUBSIDY_MAX = Decimal("99999999.99")
LEAVE_DAYS_MAX = 365
ENDED = (TenureStatus.NOT_RENEWED, TenureStatus.EXPIRED, TenureStatus.REVOKED)
RECORD_FIELDS = [
    "has_supplementary_insurance",
    "medical_subsidy",
    "medical_note",
    "health_check_on",
    "health_check_note",
    "paid_leave_days",
    "paid_leave_note",
]


def _year_bounds(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


def term_last_day(tenure: Tenure) -> date:
    """The term's last day: its end, or the day before a term not renewed, expired or revoked changed status."""
    if tenure.status in ENDED:
        return min(tenure.ends_on, tenure.status_since - timedelta(days=1))
    return tenure.ends_on


def employer_years(*, tenure: Tenure, enterprise_id: int, today: date) -> list[int]:
    """The years of the term, up to this one and up to its end (a term not renewed or revoked ends on the day
    before its status changed), in which `enterprise_id` employed the holder on some day."""
    years = set()
    term_last = (
        min(tenure.ends_on, tenure.status_since - timedelta(days=1))
        if tenure.status in ENDED
        else tenure.ends_on
    )
    for span in tenure.employments.filter(enterprise_id=enterprise_id):
        last = min(span.ends_on or today, term_last, today)
        first = max(span.starts_on, tenure.starts_on)
        years.update(range(first.year, last.year + 1))
    return sorted(years)


def _subsidy_parse(value) -> Decimal:
    text = str(value).strip().replace(",", "").replace("，", "")
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise DomainError("请填写补助金额（元），如 1200.00。", field="medical_subsidy") from None
    if not amount.is_finite() or amount < 0:
        raise DomainError("补助金额不能为负数。", field="medical_subsidy")
    if amount != amount.quantize(FEN):
        raise DomainError("补助金额精确到分（最多两位小数）。", field="medical_subsidy")
    if amount > SUBSIDY_MAX:
        raise DomainError("补助金额超出可登记的范围。", field="medical_subsidy")
    return amount.quantize(FEN)


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _record_values(data: dict, *, year: int, today: date) -> dict:
    """The record's fields from `data`, or one DomainError naming every bad field."""
    errors: dict[str, str] = {}
    insured = bool(data.get("has_supplementary_insurance"))
    subsidy = None
    if insured and _blank(data.get("medical_subsidy")):
        errors["medical_subsidy"] = (
            "已建立补充医疗保险的，请填写本年度给予的医疗费用补助（元），没有补助填 0。"
        )
    elif not insured and not _blank(data.get("medical_subsidy")):
        errors["medical_subsidy"] = (
            "未建立补充医疗保险的单位不填写医疗费用补助（第十三条适用于建立补充医疗保险的用人单位）。"
        )
    elif insured:
        try:
            subsidy = _subsidy_parse(data["medical_subsidy"])
        except DomainError as exc:
            errors["medical_subsidy"] = exc.message
    check_on = data.get("health_check_on") or None
    check_note = (data.get("health_check_note") or "").strip()
    first, last = _year_bounds(year)
    if check_on is not None and not isinstance(check_on, date):
        errors["health_check_on"] = "请填写有效的健康查体日期。"
    elif check_on is not None and not first <= check_on <= last:
        errors["health_check_on"] = f"健康查体日期应在{year}年内。"
    elif check_on is not None and check_on > today:
        errors["health_check_on"] = "健康查体日期不能晚于今天。"
    elif check_on is None and not check_note:
        errors["health_check_note"] = "本年度未安排健康查体的，请说明原因。"
    days = data.get("paid_leave_days")
    leave_note = (data.get("paid_leave_note") or "").strip()
    if _blank(days):
        errors["paid_leave_days"] = "请填写本年度安排的带薪休假天数，没有安排填 0。"
    else:
        try:
            days = int(days)
        except (TypeError, ValueError):
            days = None
        if days is None or not 0 <= days <= LEAVE_DAYS_MAX:
            errors["paid_leave_days"] = f"带薪休假天数应为 0 至 {LEAVE_DAYS_MAX} 之间的整数。"
        elif days == 0 and not leave_note:
            errors["paid_leave_note"] = "本年度未安排带薪休假的，请说明原因。"
    if errors:
        raise DomainError.fields(errors)
    return {
        "has_supplementary_insurance": insured,
        "medical_subsidy": subsidy,
        "medical_note": (data.get("medical_note") or "").strip(),
        "health_check_on": check_on,
        "health_check_note": check_note,
        "paid_leave_days": days,
        "paid_leave_note": leave_note,
    }


def employer_record_save(*, actor, tenure: Tenure, year: int, data: dict, now=None) -> EmployerDutyRecord:
    """Create or change the actor's enterprise's record of `year` for the holder; audited with before/after.
    Only an enterprise that employed the holder on some day of that year, within the term and not in the
    future, may record it, and only its own record."""
    require_perm(actor, "duties.employer_record_edit", tenure, "只有首席技师所在的用人单位可以登记履职情况。")
    now = now or timezone.now()
    today = timezone.localdate(now)
    if year > today.year:
        raise DomainError("不能登记尚未开始的年度。", field="year", code="future_year")
    if not tenure.starts_on.year <= year <= tenure.ends_on.year:
        raise DomainError(
            f"{year}年不在管理期（{tenure.starts_on.year}年至{tenure.ends_on.year}年）内。",
            field="year",
            code="outside_term",
        )
    last_day = term_last_day(tenure)
    if year > last_day.year:
        raise DomainError(
            f"管理期已于{date_zh(last_day)}结束，{year}年无需登记。", field="year", code="term_ended"
        )
    if year not in employer_years(tenure=tenure, enterprise_id=actor.enterprise_id, today=today):
        raise DomainError(
            f"{year}年首席技师不在本单位工作，无需本单位登记。", field="year", code="not_employer"
        )
    values = _record_values(data, year=year, today=today)
    try:
        with transaction.atomic():
            record = (
                EmployerDutyRecord.objects.select_for_update()
                .filter(tenure=tenure, enterprise_id=actor.enterprise_id, year=year)
                .first()
            )
            before = snapshot(record, RECORD_FIELDS) if record is not None else None
            if record is None:
                record = EmployerDutyRecord(
                    tenure=tenure, enterprise_id=actor.enterprise_id, year=year, recorded_at=now
                )
            elif all(getattr(record, name) == value for name, value in values.items()):
                return record
            for name, value in values.items():
                setattr(record, name, value)
            record.recorded_by, record.updated_at = actor, now
            record.save()
            audit_record(
                action="duties.employer_record_save" if before is None else "duties.employer_record_change",
                actor=actor,
                obj=record,
                before=before,
                after=snapshot(record, RECORD_FIELDS),
                authority=tenure.authority_id,
            )
    except IntegrityError:
        # Another user of the enterprise saved the year's first record a moment ago.
        raise DomainError(
            "本年度的记录刚刚已由本单位其他经办人保存，请刷新后再修改。", code="conflict"
        ) from None
    return record


# --- Who has recorded nothing ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Missing:
    tenure_id: int
    name: str
    enterprise_id: int
    enterprise_name: str
    year: int
    reminder_month: int
    reminded_at: datetime | None
    measures: str = ""  # the title of the term's policy, cited by the reminder


def _owed(*, year: int) -> Q:
    """Employment spans owing a record of `year`: the span and the term both cover some day of the year, and
    the term had not ended before the year began."""
    first, last = _year_bounds(year)
    return (
        Q(starts_on__lte=last)
        & (Q(ends_on__isnull=True) | Q(ends_on__gte=first))
        & Q(tenure__starts_on__lte=last, tenure__ends_on__gte=first)
        & ~Q(tenure__status__in=ENDED, tenure__status_since__lte=first)
    )


def employer_records_missing(*, authority_ids, year: int) -> list[Missing]:
    """Each (term, enterprise) of the authorities (all when `authority_ids` is None) owing a record of `year`
    and without one, with the reminder sent if any; one query."""
    spans = TenureEmployment.objects.filter(_owed(year=year))
    if authority_ids is not None:
        spans = spans.filter(tenure__authority_id__in=list(authority_ids))
    recorded = EmployerDutyRecord.objects.filter(
        tenure_id=OuterRef("tenure_id"), enterprise_id=OuterRef("enterprise_id"), year=year
    )
    reminded = ObligationReminder.objects.filter(
        tenure_id=OuterRef("tenure_id"), enterprise_id=OuterRef("enterprise_id"), year=year
    ).values("sent_at")[:1]
    rows = (
        spans.filter(~Exists(recorded))
        .annotate(reminded_at=Subquery(reminded))
        .order_by("tenure__application__name", "tenure_id", "starts_on", "pk")
        .values_list(
            "tenure_id",
            "tenure__application__name",
            "enterprise_id",
            "enterprise__name",
            "tenure__policy__employer_record_reminder_month",
            "reminded_at",
            "tenure__policy__title",
        )
    )
    missing, seen = [], set()
    for tenure_id, name, enterprise_id, enterprise_name, month, reminded_at, measures in rows:
        # Two spans of one enterprise in a year (left and came back) owe one record.
        if (tenure_id, enterprise_id) in seen:
            continue
        seen.add((tenure_id, enterprise_id))
        missing.append(
            Missing(tenure_id, name, enterprise_id, enterprise_name, year, month, reminded_at, measures)
        )
    return missing


def employer_records_of_year(*, authority_ids, year: int):
    """The records of `year` of the authorities' terms, with the holder's and the enterprise's names."""
    return (
        EmployerDutyRecord.objects.filter(tenure__authority_id__in=list(authority_ids), year=year)
        .select_related("enterprise", "tenure__application")
        .order_by("tenure__application__name", "tenure_id", "pk")
    )
