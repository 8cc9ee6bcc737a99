"""The employer's yearly record (第13条), the officer's list of who has recorded nothing, and the departments'
support of a holder (第14条) with its files.

Terms are looked up through what the user may see (the officer's authorities, the enterprise's spans, the
holder's own term), so anything else is a 404; what the user may do is the rules of duties/rules.py (403).
"""

from types import SimpleNamespace

from django.contrib import messages
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from chieftech.accounts.roles import authority_ids_for
from chieftech.core.confirm import confirmation_page, confirmation_require
from chieftech.core.dates import date_zh, datetime_zh
from chieftech.core.downloads import upload_download
from chieftech.core.errors import DomainError, NeedsConfirmation, add_domain_error
from chieftech.core.permissions import capability_required, require
from chieftech.duties.domain.files import Upload
from chieftech.duties.domain.obligations import (
    employer_record_save,
    employer_records_missing,
    employer_records_of_year,
    employer_years,
)
from chieftech.duties.domain.support import support_record_add, support_record_remove
from chieftech.duties.forms_support import EmployerRecordForm, SupportRecordForm
from chieftech.duties.models import EmployerDutyRecord, SupportRecord
from chieftech.selection.domain.evidence import upload_size_check
from chieftech.tenure.models import Tenure
from chieftech.tenure.selectors import tenures_of_enterprise

MANAGE = "tenure.manage_tenure"
# The enterprise's capability of keeping its chief technicians' records (status changes, obligations).
ENTERPRISE = "tenure.report_status_change"
# Held by the holder's own login alone.
HOLDER = "tenure.log_activity"
YEAR_MIN, YEAR_MAX = 2000, 2100


def _yuan(value) -> str:
    return "" if value is None else f"{value:,.2f}"


def _record_row(record: EmployerDutyRecord) -> dict:
    return {
        "name": record.tenure.application.name,
        "enterprise": record.enterprise.name,
        "insured": "是" if record.has_supplementary_insurance else "否",
        "subsidy": _yuan(record.medical_subsidy) if record.has_supplementary_insurance else "不适用",
        "health_check": date_zh(record.health_check_on) if record.health_check_on else "未安排",
        "leave": f"{record.paid_leave_days}天",
        "updated": datetime_zh(record.updated_at),
    }


# --- The enterprise's yearly record ---------------------------------------------------------------------


@capability_required(ENTERPRISE)
def employer_record(request, pk: int, year: int):
    tenure = get_object_or_404(
        tenures_of_enterprise(request.user).select_related("application", "policy"), pk=pk
    )
    today = timezone.localdate()
    years = employer_years(tenure=tenure, enterprise_id=request.user.enterprise_id, today=today)
    if year not in years:
        raise Http404
    require(request.user.has_perm("duties.employer_record_edit", tenure))
    record = EmployerDutyRecord.objects.filter(
        tenure=tenure, enterprise_id=request.user.enterprise_id, year=year
    ).first()
    if request.method == "POST":
        form = EmployerRecordForm(request.POST)
        if form.is_valid():
            try:
                employer_record_save(actor=request.user, tenure=tenure, year=year, data=form.cleaned_data)
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, f"已保存{tenure.application.name}{year}年的用人单位履职情况。")
                return redirect("duties:employer_record", pk=tenure.pk, year=year)
    elif record is not None:
        form = EmployerRecordForm(
            initial={
                "has_supplementary_insurance": record.has_supplementary_insurance,
                "medical_subsidy": "" if record.medical_subsidy is None else f"{record.medical_subsidy}",
                "medical_note": record.medical_note,
                "health_check_on": record.health_check_on,
                "health_check_note": record.health_check_note,
                "paid_leave_days": record.paid_leave_days,
                "paid_leave_note": record.paid_leave_note,
            }
        )
    else:
        form = EmployerRecordForm()
    context = {
        "name": tenure.application.name,
        "measures": tenure.policy.title,
        "year": year,
        "form": form,
        "recorded": datetime_zh(record.updated_at) if record is not None else "",
        "years": [
            {"year": y, "url": reverse("duties:employer_record", args=[tenure.pk, y]), "current": y == year}
            for y in years
        ],
        "back_url": reverse("tenure:enterprise_tenure", args=[tenure.pk]),
    }
    return render(request, "duties/obligation_form.html", context)


# --- The officer's list ----------------------------------------------------------------------------------


def _year(value, default: int) -> int:
    if value in (None, ""):
        return default
    try:
        year = int(value)
    except ValueError:
        raise Http404 from None
    if not YEAR_MIN <= year <= YEAR_MAX:
        raise Http404
    return year


@require_safe
@capability_required(MANAGE)
def obligations(request):
    year = _year(request.GET.get("year"), timezone.localdate().year)
    ids = authority_ids_for(request.user, MANAGE)
    missing = [
        {
            "name": m.name,
            "enterprise": m.enterprise_name,
            "reminded": datetime_zh(m.reminded_at) if m.reminded_at else "",
            "url": reverse("tenure:tenure_detail", args=[m.tenure_id]),
        }
        for m in employer_records_missing(authority_ids=ids, year=year)
    ]
    context = {
        "year": year,
        "previous": year - 1,
        "next": year + 1,
        "records": [_record_row(r) for r in employer_records_of_year(authority_ids=ids, year=year)],
        "missing": missing,
    }
    return render(request, "duties/obligation_list.html", context)


# --- The departments' support ----------------------------------------------------------------------------


def _support_tenures(user):
    """The terms whose support records the user may open: the officer's authorities', the holder's own term
    and the current holders of the user's enterprise."""
    query = Q(authority_id__in=authority_ids_for(user, MANAGE)) | Q(user_id=user.pk)
    if user.enterprise_id is not None:
        query |= Q(enterprise_id=user.enterprise_id)
    return Tenure.objects.filter(query)


def support_rows(records, *, user, may_add: bool) -> list[dict]:
    """The records grouped by year, latest first; each with its file link and, for who recorded it, removal."""
    years: dict[int, list] = {}
    for record in records:
        years.setdefault(record.occurred_on.year, []).append(
            {
                "kind": record.get_kind_display(),
                "occurred_on": date_zh(record.occurred_on),
                "title": record.title,
                "department": record.department,
                "description": record.description,
                "recorded_as": record.get_recorded_as_display(),
                "file_name": record.file_name,
                "file_url": reverse("duties:support_file", args=[record.pk]) if record.file_name else "",
                "remove_url": reverse("duties:support_remove", args=[record.pk])
                if may_add and record.recorded_by_id == user.pk
                else "",
            }
        )
    return [{"year": year, "rows": rows, "count": len(rows)} for year, rows in years.items()]


def _upload(form) -> Upload | None:
    file = form.cleaned_data.get("file")
    if not file:
        return None
    upload_size_check(name=file.name, size=file.size)  # before the content is read into memory
    return Upload(name=file.name, content=file.read())


@capability_required(MANAGE, ENTERPRISE)
def support(request, pk: int):
    tenure = get_object_or_404(_support_tenures(request.user).select_related("application", "policy"), pk=pk)
    require(request.user.has_perm("duties.support_view", tenure))
    may_add = request.user.has_perm("duties.support_record_add", tenure)
    form = SupportRecordForm()
    if request.method == "POST":
        require(may_add)
        form = SupportRecordForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                support_record_add(
                    actor=request.user,
                    tenure=tenure,
                    kind=data["kind"],
                    occurred_on=data["occurred_on"],
                    title=data["title"],
                    department=data["department"],
                    description=data["description"],
                    upload=_upload(form),
                )
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, f"已登记“{data['title'].strip()}”。")
                return redirect("duties:support", pk=tenure.pk)
    records = SupportRecord.objects.filter(tenure=tenure).order_by("-occurred_on", "-pk")
    context = {
        "measures": tenure.policy.title,
        "name": tenure.application.name,
        "years": support_rows(records, user=request.user, may_add=may_add),
        "form": form if may_add else None,
        "action_url": reverse("duties:support", args=[tenure.pk]),
    }
    return render(request, "duties/support_list.html", context)


@require_POST
@capability_required(MANAGE, ENTERPRISE)
def support_remove(request, pk: int):
    record = get_object_or_404(
        SupportRecord.objects.select_related("tenure").filter(tenure__in=_support_tenures(request.user)),
        pk=pk,
    )
    back = reverse("duties:support", args=[record.tenure_id])
    require(request.user.has_perm("duties.support_record_remove", record))
    try:
        confirmation_require(request, f"即将删除部门支持记录“{record.title}”及其证明材料，删除后不能恢复。")
        support_record_remove(actor=request.user, record=record)
    except NeedsConfirmation as exc:
        return confirmation_page(request, exc, title="删除部门支持记录", button="确认删除", back_url=back)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(back)
    messages.success(request, f"已删除“{record.title}”。")
    return redirect(back)


@require_safe
@capability_required(MANAGE, ENTERPRISE, HOLDER)
def support_file(request, pk: int):
    record = get_object_or_404(
        SupportRecord.objects.select_related("tenure").filter(tenure__in=_support_tenures(request.user)),
        pk=pk,
    )
    require(request.user.has_perm("duties.support_file_download", record))
    if not record.file_name:
        raise Http404
    return upload_download(
        SimpleNamespace(file=record.file, original_name=record.file_name, content_type=record.file_type)
    )
