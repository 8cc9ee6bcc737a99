"""Downloads of the subsidy's documents: the 发放表 (Excel, PDF), the annual statement, the withholding list.

Each is looked up through a queryset scoped to the user's authorities (another authority's batch or term is a
404), then asked of the named rule; none is ever stored by a browser or a proxy (they carry personal data).
"""

from datetime import date

import rules
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

import chieftech.subsidy.rules  # noqa: F401  (declares the rules asked here)
from chieftech.accounts.roles import acting_authority_for, authority_ids_for
from chieftech.core.downloads import document_download
from chieftech.core.permissions import capability_required, require
from chieftech.subsidy.documents import (
    holder_statement_pdf,
    payroll_sheet_pdf,
    payroll_sheet_xlsx,
    withholding_list_export,
)
from chieftech.subsidy.models import PayrollBatch
from chieftech.tenure.models import Tenure

PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
VIEW_PAYROLL = "subsidy.view_payroll"
APPROVE_PAYROLL = "subsidy.approve_payroll"
EXPORT_BANK_FILE = "subsidy.export_bank_file"
# The chief technician's own capability: only the holder's login has it.
HOLDER = "tenure.log_activity"
# Years a statement or a filing can be asked for: beyond them there is nothing to show, and date() would fail.
FIRST_YEAR, LAST_YEAR = 2000, 2100


def _year(year: int) -> int:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise Http404("没有该年度的记录。")
    return year


def _batch(request, pk: int) -> PayrollBatch:
    ids = authority_ids_for(request.user, VIEW_PAYROLL, APPROVE_PAYROLL)
    batches = PayrollBatch.objects.filter(authority_id__in=ids).select_related(
        "authority", "built_by", "checked_by", "approved_by"
    )
    batch = get_object_or_404(batches, pk=pk)
    require(rules.has_perm("subsidy.batch_sheet_download", request.user, batch), "您无权查看该津贴发放表。")
    return batch


@capability_required(VIEW_PAYROLL, APPROVE_PAYROLL)
@require_GET
@never_cache
def batch_sheet_xlsx(request, pk: int):
    batch = _batch(request, pk)
    return document_download(
        payroll_sheet_xlsx(batch),
        content_type=XLSX,
        filename=f"首席技师津贴发放表_{batch.number}.xlsx",
        fallback=f"payroll-{batch.pk}.xlsx",
    )


@capability_required(VIEW_PAYROLL, APPROVE_PAYROLL)
@require_GET
@never_cache
def batch_sheet_pdf(request, pk: int):
    batch = _batch(request, pk)
    return document_download(
        payroll_sheet_pdf(batch),
        content_type=PDF,
        filename=f"首席技师津贴发放表_{batch.number}.pdf",
        fallback=f"payroll-{batch.pk}.pdf",
    )


def _statement(tenure: Tenure, year: int):
    return document_download(
        holder_statement_pdf(tenure=tenure, year=year),
        content_type=PDF,
        filename=f"{year}年度津贴发放明细_{tenure.application.name}.pdf",
        fallback=f"statement-{tenure.pk}-{year}.pdf",
    )


@capability_required(HOLDER)
@require_GET
@never_cache
def holder_statement(request, year: int):
    """The signed-in holder's own statement: their term is the only one this URL can name."""
    tenure = get_object_or_404(
        Tenure.objects.select_related("application", "authority").only(
            "pk", "user_id", "authority", "application__name"
        ),
        user=request.user,
    )
    require(rules.has_perm("subsidy.statement_download", request.user, tenure))
    return _statement(tenure, _year(year))


@capability_required(VIEW_PAYROLL)
@require_GET
@never_cache
def tenure_statement(request, pk: int, year: int):
    tenures = Tenure.objects.filter(authority_id__in=authority_ids_for(request.user, VIEW_PAYROLL))
    tenure = get_object_or_404(
        tenures.select_related("application", "authority").only(
            "pk", "user_id", "authority", "application__name"
        ),
        pk=pk,
    )
    require(rules.has_perm("subsidy.statement_download", request.user, tenure), "您无权查看该发放明细。")
    return _statement(tenure, _year(year))


@capability_required(EXPORT_BANK_FILE)
@require_GET
@never_cache
def withholding_xlsx(request, year: int, month: int):
    """The month's withholding list of the authority the user acts for; the export is audited as a reveal."""
    if not 1 <= month <= 12:
        raise Http404("月份不正确。")
    authority = acting_authority_for(request.user, EXPORT_BANK_FILE)
    content = withholding_list_export(actor=request.user, authority=authority, year=_year(year), month=month)
    period = date(year, month, 1)
    return document_download(
        content,
        content_type=XLSX,
        filename=f"首席技师津贴扣缴申报明细_{authority.code}_{period:%Y%m}.xlsx",
        fallback=f"withholding-{authority.code}-{period:%Y%m}.xlsx",
    )
