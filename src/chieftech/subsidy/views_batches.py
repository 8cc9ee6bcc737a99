"""The payroll batches (发放表): the list, a batch's page with its lines and signatures, and the steps between
its build and the bank (提交复核, 复核, 审批, 退回, 作废).

Batches are looked up through payroll_batches_visible_to, so another authority's batch is a 404; each step is a
rule of subsidy/rules.py (403) and a function of subsidy.domain.workflow. ID numbers and accounts are masked.
"""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from chieftech.core.badges import badge_css
from chieftech.core.confirm import confirmation_page, confirmation_require
from chieftech.core.dates import date_zh, datetime_zh, period_zh
from chieftech.core.errors import DomainError, NeedsConfirmation, add_domain_error
from chieftech.core.permissions import capability_required, require
from chieftech.core.pii import mask_bank_account, mask_id_number
from chieftech.subsidy.domain import workflow
from chieftech.subsidy.forms_batches import BatchCancelForm, BatchReturnForm
from chieftech.subsidy.models import PayrollBatch, PayrollLine, PayrollLineState

VIEW = "subsidy.view_payroll"
APPROVE = "subsidy.approve_payroll"
RUN = "subsidy.run_payroll"

RETURN_PREFIX = "return"
CANCEL_PREFIX = "cancel"

# What each audited step of the batch is called in its history.
HISTORY_LABELS = {
    "payroll.build": "编制",
    "payroll.rebuild": "重新编制",
    "payroll.submit": "提交复核",
    "payroll.check": "复核通过",
    "payroll.approve": "审批通过",
    "payroll.return": "退回经办",
    "payroll.cancel": "作废",
    "payroll.export": "生成银行代发文件",
    "payroll.import_result": "导入银行回盘",
}

_DEFERRED = (
    "tenure__application__deeds",
    "tenure__application__apprentices_summary",
    "tenure__application__enterprise_opinion",
    "tenure__application__phone",
    "enterprise__address",
    "enterprise__contact_phone",
    "enterprise__status_reason",
)


def _visible(user):
    return workflow.payroll_batches_visible_to(user).select_related(
        "authority", "built_by", "checked_by", "approved_by"
    )


def _period(batch: PayrollBatch) -> str:
    return period_zh(batch.period_start, batch.period_end)


def _person(user) -> str:
    return user.real_name if user is not None else ""


def _batch_row(batch: PayrollBatch) -> dict:
    return {
        "number": batch.number,
        "url": reverse("subsidy:batch_detail", args=[batch.pk]),
        "period": _period(batch),
        "state": batch.get_state_display(),
        "state_css": badge_css("payroll_batch", batch.state),
        "line_count": batch.line_count,
        "held_count": batch.held_count,
        "gross_total": batch.gross_total,
        "net_total": batch.net_total,
        "built_by": _person(batch.built_by),
        "checked_by": _person(batch.checked_by),
        "approved_by": _person(batch.approved_by),
    }


@capability_required(VIEW, APPROVE)
@require_safe
def batch_list(request):
    batches = _visible(request.user).order_by("-period_start", "-pk")
    return render(request, "subsidy/batch_list.html", {"rows": [_batch_row(b) for b in batches]})


# --- A batch's page --------------------------------------------------------------------------------------


def _months_text(line: PayrollLine) -> str:
    labels = []
    for m in line.months.all():
        label = f"{m.month.year}年{m.month.month}月"
        labels.append(label if m.kind == m.Kind.REGULAR else f"{label}（{m.get_kind_display()}）")
    return "、".join(labels)


def _line_row(line: PayrollLine) -> dict:
    application = line.tenure.application
    account = line.bank_account
    return {
        "seq": line.seq,
        "name": application.name,
        "id_number": mask_id_number(application.id_number),
        "enterprise": line.enterprise.name,
        "months": _months_text(line),
        "months_count": line.months_count,
        "standard": line.standard,
        "gross": line.gross,
        "offset": line.offset,
        "tax": line.tax,
        "net": line.net,
        "bank": f"{account.bank}{account.branch}" if account else "",
        "account": mask_bank_account(account.number) if account else "",
        "state": line.get_state_display(),
        "failure_reason": line.failure_reason,
        "hold_reason": line.hold_reason,
    }


def _history(batch: PayrollBatch) -> list[dict]:
    return [
        {
            "at": datetime_zh(step.at),
            "action": HISTORY_LABELS.get(step.action, step.action),
            "actor": _person(step.actor) if step.actor else "系统",
            "reason": step.reason,
        }
        for step in batch.steps.select_related("actor").order_by("at", "pk")
    ]


def _signature(user, at) -> dict:
    return {"name": _person(user), "date": date_zh(at) if at else ""}


# From approval on, the officer makes the bank file and imports the bank's return (views_bank).
BANK_STATES = (PayrollBatch.State.APPROVED, PayrollBatch.State.EXPORTED, PayrollBatch.State.COMPLETED)


def _detail_page(request, batch: PayrollBatch, *, return_form=None, cancel_form=None, status: int = 200):
    user = request.user
    lines = list(
        PayrollLine.objects.filter(batch=batch)
        .select_related("tenure__application", "enterprise", "bank_account")
        .prefetch_related("months")
        .defer(*_DEFERRED)
        .order_by("seq")
    )
    allowed = {step: user.has_perm(f"subsidy.batch_{step}", batch) for step in workflow.STEP_FROM}
    context = {
        "batch": batch,
        "row": _batch_row(batch),
        "authority": batch.authority,
        "lines": [_line_row(line) for line in lines if line.state != PayrollLineState.HELD],
        "held": [_line_row(line) for line in lines if line.state == PayrollLineState.HELD],
        "signatures": [
            ("经办", _signature(batch.built_by, batch.built_at)),
            ("复核", _signature(batch.checked_by, batch.checked_at)),
            ("审批", _signature(batch.approved_by, batch.approved_at)),
        ],
        "history": _history(batch),
        "allowed": allowed,
        "return_form": return_form or BatchReturnForm(prefix=RETURN_PREFIX),
        "cancel_form": cancel_form or BatchCancelForm(prefix=CANCEL_PREFIX),
        "is_draft": batch.state == PayrollBatch.State.DRAFT,
        # The other pages of the batch: its documents, its rebuild while a draft, the bank round trip.
        "can_download_sheets": user.has_perm("subsidy.batch_sheet_download", batch),
        "can_rebuild": batch.state == PayrollBatch.State.DRAFT
        and user.has_perm("subsidy.batch_build", batch),
        "can_bank": batch.state in BANK_STATES and user.has_perm("subsidy.bank_file_export", batch),
    }
    return render(request, "subsidy/batch_detail.html", context, status=status)


@capability_required(VIEW, APPROVE)
@require_safe
@never_cache
def batch_detail(request, pk: int):
    return _detail_page(request, get_object_or_404(_visible(request.user), pk=pk))


# --- The steps -------------------------------------------------------------------------------------------


def _lookup(request, pk: int, step: str) -> PayrollBatch:
    """The batch, if the user may know it (404), and may take `step` on it now (403, saying why not)."""
    batch = get_object_or_404(_visible(request.user), pk=pk)
    require(
        request.user.has_perm(f"subsidy.batch_{step}", batch),
        workflow.payroll_batch_refusal(step, request.user, batch),
    )
    return batch


def _done(request, batch: PayrollBatch, text: str):
    messages.success(request, text)
    return redirect("subsidy:batch_detail", pk=batch.pk)


def _refused(request, batch: PayrollBatch, exc: DomainError):
    # Moved meanwhile (another officer, a second tab): the page shows where it stands and says why.
    messages.error(request, exc.message)
    return redirect("subsidy:batch_detail", pk=batch.pk)


def _totals_text(batch: PayrollBatch) -> str:
    return f"{batch.number}（{_period(batch)}，{batch.line_count}人，实发合计{batch.net_total}元）"


@capability_required(RUN)
@require_POST
def batch_submit(request, pk: int):
    batch = _lookup(request, pk, "submit")
    try:
        workflow.payroll_batch_submit(actor=request.user, batch=batch)
    except DomainError as exc:
        return _refused(request, batch, exc)
    return _done(request, batch, "发放表已提交复核，本机关其他经办人将收到通知。")


@capability_required(RUN)
@require_POST
def batch_check(request, pk: int):
    batch = _lookup(request, pk, "check")
    try:
        confirmation_require(
            request,
            f"即将复核通过津贴发放表{_totals_text(batch)}：确认各明细的人员、月份、金额和账户无误，"
            "复核后提交审批，您将作为复核人签名。",
        )
        workflow.payroll_batch_check(actor=request.user, batch=batch)
    except NeedsConfirmation as exc:
        return confirmation_page(
            request,
            exc,
            title="复核津贴发放表",
            button="确认复核通过",
            back_url=reverse("subsidy:batch_detail", args=[batch.pk]),
        )
    except DomainError as exc:
        return _refused(request, batch, exc)
    return _done(request, batch, "发放表已复核通过，等待审批。")


@capability_required(APPROVE)
@require_POST
def batch_approve(request, pk: int):
    batch = _lookup(request, pk, "approve")
    try:
        confirmation_require(
            request,
            f"即将审批津贴发放表{_totals_text(batch)}：审批后可生成银行代发文件，您将作为审批人签名。",
        )
        workflow.payroll_batch_approve(actor=request.user, batch=batch)
    except NeedsConfirmation as exc:
        return confirmation_page(
            request,
            exc,
            title="审批津贴发放表",
            button="确认审批通过",
            back_url=reverse("subsidy:batch_detail", args=[batch.pk]),
        )
    except DomainError as exc:
        return _refused(request, batch, exc)
    return _done(request, batch, "发放表已审批通过，可生成银行代发文件。")


@capability_required(RUN, APPROVE)
@require_POST
def batch_return(request, pk: int):
    batch = _lookup(request, pk, "return")
    form = BatchReturnForm(request.POST, prefix=RETURN_PREFIX)
    if form.is_valid():
        try:
            workflow.payroll_batch_return(actor=request.user, batch=batch, reason=form.cleaned_data["reason"])
        except DomainError as exc:
            if exc.field is None:
                return _refused(request, batch, exc)
            add_domain_error(form, exc)
        else:
            return _done(request, batch, "发放表已退回经办人。")
    return _detail_page(request, batch, return_form=form)


@capability_required(RUN)
@require_POST
def batch_cancel(request, pk: int):
    batch = _lookup(request, pk, "cancel")
    form = BatchCancelForm(request.POST, prefix=CANCEL_PREFIX)
    if form.is_valid():
        try:
            confirmation_require(
                request,
                f"即将作废津贴发放表{_totals_text(batch)}：全部明细作废，所涉月份可由其他发放表重新发放；"
                "作废的发放表不能恢复。",
            )
            workflow.payroll_batch_cancel(actor=request.user, batch=batch, reason=form.cleaned_data["reason"])
        except NeedsConfirmation as exc:
            return confirmation_page(
                request,
                exc,
                title="作废津贴发放表",
                button="确认作废",
                back_url=reverse("subsidy:batch_detail", args=[batch.pk]),
            )
        except DomainError as exc:
            if exc.field is None:
                return _refused(request, batch, exc)
            add_domain_error(form, exc)
        else:
            return _done(request, batch, "发放表已作废，所涉月份可重新发放。")
    return _detail_page(request, batch, cancel_form=form)
