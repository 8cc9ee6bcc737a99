"""报盘 and 回盘 pages of a batch, for the officer of its authority: write the bank file in a chosen format,
download it again, import the bank's return file. Each irreversible step asks first."""

import base64
import secrets
from decimal import Decimal

from django.contrib import messages
from django.core.cache import cache
from django.db.models import Count, Q, Sum
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from chieftech.accounts.roles import authority_ids_for
from chieftech.core.confirm import confirmation_page, confirmation_require
from chieftech.core.dates import datetime_zh, period_zh
from chieftech.core.downloads import document_download
from chieftech.core.errors import DomainError, NeedsConfirmation, add_domain_error
from chieftech.core.permissions import capability_required
from chieftech.core.pii import decrypt, encrypt
from chieftech.subsidy.bank_files import CONTENT_TYPES
from chieftech.subsidy.domain.bank import (
    bank_result_import,
    bank_result_preview,
    payroll_batch_bank_file,
    payroll_batch_export,
)
from chieftech.subsidy.forms_bank import BatchExportForm, ReturnFileForm
from chieftech.subsidy.models import BankFileFormat, PayrollBatch, PayrollBatchState, PayrollLineState

EXPORT = "subsidy.export_bank_file"
# A file input cannot be carried by the confirmation page, and the return file holds every account number in
# full, which must not travel in a page: it waits, encrypted, in the cache under a random token the page carries.
CARRIED_TOKEN = "return_token"  # noqa: S105 - a field name, not a secret
CARRIED_NAME = "return_filename"
CARRY_SECONDS = 60 * 60


def _batches_for(user):
    return PayrollBatch.objects.filter(authority_id__in=authority_ids_for(user, EXPORT)).select_related(
        "authority", "bank_format", "exported_by"
    )


def _formats(batch: PayrollBatch):
    return BankFileFormat.objects.filter(authority_id=batch.authority_id, active=True).order_by("name")


def _page(request, batch: PayrollBatch, *, form=None, import_form=None):
    state = batch.state
    context = {
        "batch": batch,
        "state": batch.get_state_display(),
        "period": period_zh(batch.period_start, batch.period_end),
        "exported_at": datetime_zh(batch.exported_at),
        "completed_at": datetime_zh(batch.completed_at),
        "form": form if state == PayrollBatchState.APPROVED else None,
        "import_form": import_form if state == PayrollBatchState.EXPORTED else None,
        "can_download": state in (PayrollBatchState.EXPORTED, PayrollBatchState.COMPLETED),
        "settled": _settled(batch) if state == PayrollBatchState.COMPLETED else None,
    }
    return render(request, "subsidy/batch_bank.html", context)


def _settled(batch: PayrollBatch) -> dict:
    """What the bank did, from the lines: once the return is in, the batch's 实发合计 is what was sent, not what
    reached the holders, and the officer reconciles against the bank's figures."""
    totals = batch.lines.aggregate(
        paid=Count("pk", filter=Q(state=PayrollLineState.PAID)),
        paid_total=Sum("net", filter=Q(state=PayrollLineState.PAID), default=Decimal("0.00")),
        failed=Count("pk", filter=Q(state=PayrollLineState.FAILED)),
        failed_total=Sum("net", filter=Q(state=PayrollLineState.FAILED), default=Decimal("0.00")),
    )
    return {
        "paid": f"{totals['paid']}笔，{totals['paid_total']:.2f}元",
        "failed": f"{totals['failed']}笔，{totals['failed_total']:.2f}元",
    }


def _refused_meanwhile(request, batch: PayrollBatch, exc: DomainError, expected: str) -> bool:
    """A step refused because the batch is no longer in the state it needs (a repeat, another officer): the
    page no longer has the form to show the refusal at, so it goes to the page's messages."""
    if PayrollBatch.objects.filter(pk=batch.pk, state=expected).exists():
        return False
    messages.error(request, exc.message)
    return True


@capability_required(EXPORT)
@never_cache
def batch_export(request, pk: int):
    batch = get_object_or_404(_batches_for(request.user), pk=pk)
    form = BatchExportForm(request.POST or None, formats=_formats(batch))
    if request.method == "POST" and form.is_valid():
        fmt = form.cleaned_data["fmt"]
        try:
            confirmation_require(
                request,
                f"即将按“{fmt.name}”生成发放表{batch.number}的银行代发文件：{batch.line_count}人，"
                f"实发合计{batch.net_total:.2f}元。生成后发放表变为“已报送银行”，不能再修改或作废，"
                "银行处理结果以回盘文件为准。",
            )
            payroll_batch_export(actor=request.user, batch=batch, fmt=fmt)
        except NeedsConfirmation as exc:
            back = reverse("subsidy:batch_export", args=[batch.pk])
            return confirmation_page(
                request, exc, title="确认生成银行代发文件", button="确认生成", back_url=back
            )
        except DomainError as exc:
            if not _refused_meanwhile(request, batch, exc, PayrollBatchState.APPROVED):
                add_domain_error(form, exc)
            else:
                return redirect("subsidy:batch_export", pk=batch.pk)
        else:
            messages.success(request, f"发放表{batch.number}的银行代发文件已生成，请下载后报送银行。")
            return redirect("subsidy:batch_export", pk=batch.pk)
    return _page(request, batch, form=form, import_form=ReturnFileForm())


@capability_required(EXPORT)
@require_safe
def batch_bank_file(request, pk: int):
    batch = get_object_or_404(_batches_for(request.user), pk=pk)
    try:
        filename, content = payroll_batch_bank_file(actor=request.user, batch=batch)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("subsidy:batch_export", pk=batch.pk)
    ext = batch.bank_format.file_type
    response = document_download(
        content, content_type=CONTENT_TYPES[ext], filename=filename, fallback=f"bank-{batch.pk}.{ext}"
    )
    # The file holds every account number in full: never kept by a browser or a proxy.
    patch_cache_control(response, private=True, no_store=True)
    return response


def _carry_key(request, token: str) -> str:
    return f"subsidy:return-file:{request.user.pk}:{token}"


def _carry(request, content: bytes) -> str:
    token = secrets.token_urlsafe(24)
    cache.set(_carry_key(request, token), encrypt(base64.b64encode(content).decode()), CARRY_SECONDS)
    return token


def _uploaded(request, form) -> tuple[bytes, str] | None:
    upload = form.cleaned_data.get("file")
    if upload is not None:
        return upload.read(), upload.name
    token = request.POST.get(CARRIED_TOKEN, "")
    carried = cache.get(_carry_key(request, token)) if token else None
    if carried is not None:
        return base64.b64decode(decrypt(carried)), request.POST.get(CARRIED_NAME, "")
    form.add_error("file", "请选择银行返回的回盘文件（确认页面超过1小时的，请重新上传）。")
    return None


@capability_required(EXPORT)
@never_cache
def batch_import(request, pk: int):
    batch = get_object_or_404(_batches_for(request.user), pk=pk)
    form = ReturnFileForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid() and (upload := _uploaded(request, form)) is not None:
        content, filename = upload
        try:
            report = bank_result_preview(actor=request.user, batch=batch, content=content)
            confirmation_require(
                request,
                f"即将导入发放表{batch.number}的银行回盘“{filename}”：成功{report.paid}笔"
                f"{report.paid_total:.2f}元，失败{report.failed}笔{report.failed_total:.2f}元。"
                "导入后发放表办结，失败的月份在下一期发放表中重发。",
            )
            report = bank_result_import(actor=request.user, batch=batch, content=content, filename=filename)
        except NeedsConfirmation as exc:
            request.POST = request.POST.copy()
            request.POST[CARRIED_TOKEN] = _carry(request, content)
            request.POST[CARRIED_NAME] = filename
            back = reverse("subsidy:batch_export", args=[batch.pk])
            return confirmation_page(request, exc, title="确认导入银行回盘", button="确认导入", back_url=back)
        except DomainError as exc:
            if not _refused_meanwhile(request, batch, exc, PayrollBatchState.EXPORTED):
                add_domain_error(form, exc)
            else:
                return redirect("subsidy:batch_export", pk=batch.pk)
        else:
            cache.delete(_carry_key(request, request.POST.get(CARRIED_TOKEN, "")))
            messages.success(
                request,
                f"回盘已导入：成功{report.paid}笔，失败{report.failed}笔。",
            )
            return redirect("subsidy:batch_export", pk=batch.pk)
    return _page(request, batch, form=BatchExportForm(formats=_formats(batch)), import_form=form)
