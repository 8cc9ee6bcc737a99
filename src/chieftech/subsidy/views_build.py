"""经办 pages: building a period's batch, rebuilding a draft, the recoveries and a refund. Thin: parse, call one
domain function, render; the officer sees only their own authority's batches and recoveries (another's: 404)."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from chieftech.accounts.roles import acting_authority_for, authority_ids_for
from chieftech.core.badges import badge_css
from chieftech.core.confirm import confirmation_page, confirmation_require
from chieftech.core.dates import date_zh, datetime_zh, month_zh, period_zh
from chieftech.core.errors import DomainError, NeedsConfirmation, add_domain_error
from chieftech.core.permissions import capability_required
from chieftech.subsidy.domain.build import payroll_batch_build, payroll_batch_rebuild
from chieftech.subsidy.domain.periods import period_containing
from chieftech.subsidy.domain.recovery import recovery_refund
from chieftech.subsidy.forms_build import BatchBuildForm, RecoveryRefundForm
from chieftech.subsidy.models import PayrollBatch, PayrollBatchState, Recovery, RecoveryState

RUN = "subsidy.run_payroll"


def batch_url(pk: int) -> str:
    # The batch's page belongs to the workflow pages; until they are routed, its path is the agreed one.
    try:
        return reverse("subsidy:batch_detail", args=[pk])
    except NoReverseMatch:
        return f"/subsidy/batches/{pk}/"


@capability_required(RUN)
def batch_build(request):
    authority = acting_authority_for(request.user, RUN)
    today = timezone.localdate()
    try:
        current = period_containing(authority=authority, day=today)
    except DomainError:
        current = None
    initial = {"period_start": f"{current[0]:%Y-%m}"} if current else {}
    form = BatchBuildForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            batch = payroll_batch_build(
                actor=request.user, authority=authority, period_start=form.cleaned_data["period_start"]
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(
                request,
                f"已编制{period_zh(batch.period_start, batch.period_end)}津贴发放表{batch.number}："
                f"发放{batch.line_count}人，暂缓{batch.held_count}人。",
            )
            return redirect(batch_url(batch.pk))
    existing = None
    if current:
        batch = (
            PayrollBatch.objects.filter(authority=authority, period_start=current[0])
            .exclude(state=PayrollBatchState.CANCELLED)
            .only("pk", "number", "state")
            .first()
        )
        if batch is not None:
            existing = {
                "number": batch.number,
                "state": batch.get_state_display(),
                "url": batch_url(batch.pk),
            }
    context = {
        "form": form,
        "authority": authority,
        "current": period_zh(current[0], current[1]) if current else "",
        "existing": existing,
    }
    return render(request, "subsidy/batch_build.html", context)


@require_POST
@capability_required(RUN)
def batch_rebuild(request, pk: int):
    batch = get_object_or_404(
        PayrollBatch.objects.select_related("authority"),
        pk=pk,
        authority_id__in=authority_ids_for(request.user, RUN),
    )
    back = batch_url(batch.pk)
    try:
        confirmation_require(
            request,
            f"即将按当前的人员状态、复核结论和发放账户重新编制发放表{batch.number}"
            f"（{period_zh(batch.period_start, batch.period_end)}）。现有明细将被全部替换。",
        )
        payroll_batch_rebuild(actor=request.user, batch=batch)
    except NeedsConfirmation as exc:
        return confirmation_page(request, exc, title="重新编制发放表", button="确认重新编制", back_url=back)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"发放表{batch.number}已重新编制。")
    return redirect(back)


def _recovery_row(recovery: Recovery) -> dict:
    line = recovery.offset_line
    return {
        "pk": recovery.pk,
        "name": recovery.tenure.application.name,
        "month": month_zh(recovery.month),
        "amount": recovery.amount,
        "reason": recovery.reason,
        "state": recovery.get_state_display(),
        "state_css": badge_css("recovery", recovery.state),
        "offset_batch": line.batch.number if line is not None else "",
        "refunded_on": date_zh(recovery.refunded_on) if recovery.refunded_on else "",
        "refund_reference": recovery.refund_reference,
        "created_at": datetime_zh(recovery.created_at),
        "settled_at": datetime_zh(recovery.settled_at) if recovery.settled_at else "",
        "refund_url": (
            reverse("subsidy:recovery_refund", args=[recovery.pk])
            if recovery.state == RecoveryState.OPEN and line is None
            else ""
        ),
    }


def _recoveries(user):
    return (
        Recovery.objects.filter(tenure__authority_id__in=authority_ids_for(user, RUN))
        .select_related("tenure__application", "offset_line__batch")
        .only(
            *[f.name for f in Recovery._meta.concrete_fields],
            "tenure__id",
            "tenure__application__id",
            "tenure__application__name",
            "offset_line__id",
            "offset_line__batch__id",
            "offset_line__batch__number",
        )
    )


@capability_required(RUN)
def recovery_list(request):
    rows = [_recovery_row(r) for r in _recoveries(request.user).order_by("state", "month", "pk")]
    return render(request, "subsidy/recovery_list.html", {"rows": rows})


@capability_required(RUN)
def recovery_refund_view(request, pk: int):
    recovery = get_object_or_404(_recoveries(request.user), pk=pk)
    form = RecoveryRefundForm(request.POST or None)
    back = reverse("subsidy:recovery_list")
    if request.method == "POST" and form.is_valid():
        try:
            confirmation_require(
                request,
                f"即将登记{recovery.tenure.application.name}{month_zh(recovery.month)}的追回款"
                f"{recovery.amount}元已退回（凭证号{form.cleaned_data['reference']}）。",
            )
            recovery_refund(actor=request.user, recovery=recovery, **form.cleaned_data)
        except NeedsConfirmation as exc:
            return confirmation_page(
                request, exc, title="登记追回款退回", button="确认登记退回", back_url=back
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, "已登记退回。")
            return redirect(back)
    return render(
        request, "subsidy/recovery_refund.html", {"form": form, "recovery": _recovery_row(recovery)}
    )
