"""The duties log's pages (第15条): the holder's own (/duties/me/log/), the enterprise's and the officer's
(/duties/tenures/<id>/log/), filtered by year and kind with the counts per year at the top; the add and edit
forms and removal with confirmation. Lookups and refusals as on the ledger's pages (views_ledger)."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from chieftech.accounts.roles import authority_ids_for
from chieftech.core.dates import date_zh
from chieftech.core.errors import DomainError, add_domain_error
from chieftech.core.permissions import capability_required, require
from chieftech.duties.domain import duty_log
from chieftech.duties.forms_ledger import ActivityForm, LogFilterForm, upload_of
from chieftech.duties.models import DutyActivity, DutyKind
from chieftech.duties.selectors import duty_count_rows, duty_counts
from chieftech.duties.views_ledger import (
    ENTERPRISE,
    HOLDER,
    MANAGE_TENURE,
    TENURE_DEFERRED,
    back_url,
    editable,
    form_page,
    is_locked,
    own_tenure,
    remove_confirmed,
    sent_periods,
    tenure_readable,
)
from chieftech.tenure.models import Tenure


def log_url(user, tenure: Tenure) -> str:
    if tenure.user_id == user.pk:
        return reverse("duties:my_log")
    return reverse("duties:log", args=[tenure.pk])


def _log_page(request, tenure: Tenure):
    user = request.user
    can_add = user.has_perm("duties.ledger_edit", tenure)
    counts = duty_counts(tenure_ids=[tenure.pk]).get(tenure.pk, {})
    years = list(range(tenure.starts_on.year, tenure.ends_on.year + 1))
    form = LogFilterForm(request.GET or None, years=years)
    entries = (
        DutyActivity.objects.filter(tenure=tenure)
        .select_related("logged_by")
        .only(
            *[f.name for f in DutyActivity._meta.concrete_fields],
            "logged_by__enterprise_id",
            "logged_by__real_name",
        )
    )
    if form.is_valid():
        if form.cleaned_data["year"]:
            entries = entries.filter(occurred_on__year=form.cleaned_data["year"])
        if form.cleaned_data["kind"]:
            entries = entries.filter(kind=form.cleaned_data["kind"])
    periods = sent_periods(tenure) if can_add else []
    rows = []
    for entry in entries:
        entry.tenure = tenure
        may_change = can_add and user.has_perm("duties.activity_edit", entry)
        locked = is_locked(periods, entry.occurred_on, entry.occurred_on)
        rows.append(
            {
                "kind": entry.get_kind_display(),
                "occurred_on": date_zh(entry.occurred_on),
                "title": entry.title,
                "description": entry.description,
                "logged": f"{entry.get_logged_as_display()} {entry.logged_by.real_name}",
                "file_name": entry.file_name,
                "file_url": reverse("duties:file", args=["activity", entry.pk]) if entry.file else "",
                "edit_url": reverse("duties:activity_edit", args=[entry.pk])
                if may_change and not locked
                else "",
                "remove_url": reverse("duties:activity_remove", args=[entry.pk])
                if may_change and not locked
                else "",
            }
        )
    context = {
        "name": tenure.application.name,
        "enterprise": tenure.enterprise.name,
        "term": f"{date_zh(tenure.starts_on)}至{date_zh(tenure.ends_on)}",
        "kinds": [kind.label for kind in DutyKind],
        "count_rows": duty_count_rows(counts),
        "form": form,
        "rows": rows,
        "is_holder": tenure.user_id == user.pk,
        "back_url": back_url(
            user, tenure, is_officer=tenure.authority_id in authority_ids_for(user, MANAGE_TENURE)
        ),
        "filtered": bool(request.GET.get("year") or request.GET.get("kind")),
        "add_url": reverse("duties:activity_add", args=[tenure.pk]) if can_add else "",
        "ledger_url": reverse("duties:my_ledger")
        if tenure.user_id == user.pk
        else reverse("duties:ledger", args=[tenure.pk]),
    }
    return render(request, "duties/log_page.html", context)


@capability_required(HOLDER)
@require_safe
@never_cache
def my_log(request):
    return _log_page(request, own_tenure(request.user))


@capability_required(HOLDER, ENTERPRISE, MANAGE_TENURE)
@require_safe
@never_cache
def log_view(request, pk: int):
    return _log_page(request, tenure_readable(request.user, pk))


def _activity(user, pk: int) -> DutyActivity:
    activity = get_object_or_404(
        DutyActivity.objects.select_related(
            "logged_by", "tenure__application", "tenure__enterprise", "tenure__authority"
        ).defer(*(f"tenure__{name}" for name in TENURE_DEFERRED)),
        pk=pk,
    )
    if not user.has_perm("duties.ledger_view", activity.tenure):
        raise Http404("没有找到该履职记录。")
    return activity


def _activity_values(form) -> dict:
    data = form.cleaned_data
    return {
        "kind": data["kind"],
        "occurred_on": data["occurred_on"],
        "title": data["title"],
        "description": data["description"],
        "upload": upload_of(form),
    }


@capability_required(HOLDER, ENTERPRISE)
@never_cache
def activity_add(request, pk: int):
    tenure = editable(request.user, tenure_readable(request.user, pk))
    back = log_url(request.user, tenure)
    form = ActivityForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            activity = duty_log.duty_activity_add(actor=request.user, tenure=tenure, **_activity_values(form))
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, f"履职记录“{activity.title}”已保存。")
            return redirect(back)
    return form_page(request, form=form, title="登记履职记录", tenure=tenure, back_url=back, files=True)


@capability_required(HOLDER, ENTERPRISE)
@never_cache
def activity_edit(request, pk: int):
    activity = _activity(request.user, pk)
    tenure = activity.tenure
    require(request.user.has_perm("duties.activity_edit", activity), duty_log.NOT_AUTHOR)
    back = log_url(request.user, tenure)
    initial = {name: getattr(activity, name) for name in ("kind", "occurred_on", "title", "description")}
    form = ActivityForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            duty_log.duty_activity_edit(actor=request.user, activity=activity, **_activity_values(form))
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, f"履职记录“{form.cleaned_data['title']}”已修改。")
            return redirect(back)
    lead = (
        f"已上传的证明材料：{activity.file_name}。上传新文件将替换它，不上传则保留。" if activity.file else ""
    )
    return form_page(
        request, form=form, title="修改履职记录", tenure=tenure, back_url=back, lead=lead, files=True
    )


@capability_required(HOLDER, ENTERPRISE)
@require_POST
def activity_remove(request, pk: int):
    activity = _activity(request.user, pk)
    tenure = activity.tenure
    require(request.user.has_perm("duties.activity_edit", activity), duty_log.NOT_AUTHOR)
    return remove_confirmed(
        request,
        back=log_url(request.user, tenure),
        question=f"即将删除{date_zh(activity.occurred_on)}的履职记录“{activity.title}”及其证明材料。",
        title="删除履职记录",
        done=f"履职记录“{activity.title}”已删除。",
        remove=lambda: duty_log.duty_activity_remove(actor=request.user, activity=activity),
    )
