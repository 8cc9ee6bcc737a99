"""The audit admin's pages: browse, filter, check the chain, export. Nothing here changes data."""

import json
from typing import Any
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import FileResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from chieftech.accounts.roles import authority_ids_for
from chieftech.audit.anchors import chain_heads_report, chain_label, chain_labels
from chieftech.audit.chain import record_hash_ok
from chieftech.audit.domain import (
    audit_export_record,
    audit_filter_choices,
    audit_record_search,
    audit_records_visible,
    audit_verify,
)
from chieftech.audit.exports import EXCEL_MAX_ROWS, audit_log_workbook
from chieftech.audit.forms import AuditFilterForm
from chieftech.audit.labels import action_label, object_type_label, record_changes
from chieftech.audit.models import AuditRecord
from chieftech.core.permissions import capability_required

PAGE_SIZE = 50
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"


def _chains_of(user) -> list[int]:
    """The authorities whose chains the audit admin reads (the audit role is held per authority)."""
    return authority_ids_for(user, "audit.view_auditlog")


def _filter_form(request) -> AuditFilterForm:
    actions, object_types = audit_filter_choices()
    # Always bound: every field is optional, so an empty query string is simply "no filter".
    return AuditFilterForm(request.GET, actions=actions, object_types=object_types)


def _query_without(request, *names: str) -> str:
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()


def _object_ref(record: AuditRecord) -> str:
    """The object's kind in Chinese and its id, shown beneath its name."""
    kind = object_type_label(record.object_type)
    return f"{kind} #{record.object_id}" if record.object_id else kind


def _display(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


@capability_required("audit.view_auditlog")
@require_GET
@never_cache
def record_list(request):
    form = _filter_form(request)
    page = None
    if form.is_valid():
        records = audit_record_search(filters=form.to_filter(), authority_ids=_chains_of(request.user))
        page = Paginator(records, PAGE_SIZE).get_page(request.GET.get("page"))
    list_url = reverse("audit:record_list")
    rows = [
        {
            "id": record.pk,
            "url": f"{list_url}{record.pk}/",
            "at": timezone.localtime(record.at).strftime(TIME_FORMAT),
            "actor": record.actor_username or "系统",
            "role": record.actor_role,
            "ip": record.ip or "",
            "action": action_label(record.action),
            "object": record.object_repr,
            "object_ref": _object_ref(record),
            "reason": record.reason if len(record.reason) <= 60 else record.reason[:60] + "…",
        }
        for record in (page.object_list if page is not None else [])
    ]
    verification = audit_verify() if request.GET.get("verify") else None
    filter_query = _query_without(request, "page", "verify")
    return render(
        request,
        "audit/record_list.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "verification": verification,
            "verification_url": (
                f"{list_url}{verification.bad_record_id}/"
                if verification is not None
                and verification.bad_record_id is not None
                and AuditRecord.objects.filter(pk=verification.bad_record_id).exists()
                else ""
            ),
            "filter_query": filter_query,
            "page_query": f"{filter_query}&" if filter_query else "",
            "can_export": request.user.has_perm("audit.export_auditlog"),
            # Printed with the page, to compare with the anchor lines kept off the machine.
            "heads": chain_heads_report(),
        },
    )


@capability_required("audit.view_auditlog")
@require_GET
@never_cache
def record_detail(request, pk: int):
    record = get_object_or_404(
        audit_records_visible(_chains_of(request.user)).select_related("authority"), pk=pk
    )
    before, after = record.before, record.after
    changes = record_changes(record.object_type, before, after)
    list_url = reverse("audit:record_list")
    return render(
        request,
        "audit/record_detail.html",
        {
            "record": record,
            "at": timezone.localtime(record.at).strftime(TIME_FORMAT),
            "action": action_label(record.action),
            "object_type": object_type_label(record.object_type),
            "object_ref": _object_ref(record),
            "changes": changes,
            # What moved, in one line each: "状态：已提交待审 → 资格审查通过".
            "summary": [c for c in changes if c.changed],
            # A before/after that is not a dict of fields is shown whole.
            "raw_before": "" if isinstance(before, dict) or before is None else _display(before),
            "raw_after": "" if isinstance(after, dict) or after is None else _display(after),
            "hash_ok": record_hash_ok(record),
            "chain": chain_label(record.authority),
            "history_url": (
                f"{list_url}?{urlencode({'object_type': record.object_type, 'object_id': record.object_id})}"
                if record.object_type and record.object_id
                else ""
            ),
            "list_url": list_url,
        },
    )


@capability_required("audit.export_auditlog")
@require_GET
@never_cache
def export(request):
    form = _filter_form(request)
    if not form.is_valid():
        # The list shows the errors at the fields.
        return HttpResponseRedirect(f"{reverse('audit:record_list')}?{request.GET.urlencode()}")
    filters = form.to_filter()
    records = audit_record_search(filters=filters, authority_ids=_chains_of(request.user), newest_first=False)
    if records.count() >= EXCEL_MAX_ROWS:
        return render(
            request,
            "audit/export_too_large.html",
            {"back_url": f"{reverse('audit:record_list')}?{request.GET.urlencode()}"},
            status=400,
        )
    output, rows = audit_log_workbook(records, heads=chain_heads_report(), chain_labels=chain_labels())
    audit_export_record(actor=request.user, filters=filters, rows=rows)
    filename = f"审计日志_{timezone.localtime().strftime('%Y%m%d-%H%M%S')}.xlsx"
    return FileResponse(
        output,
        as_attachment=True,
        filename=filename,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
