"""Status changes of a term: the enterprise's list of its chief technicians, the report form (the enterprise's
and the holder's), the reporter's page of a report, and the officer's queue and decision.

Objects are looked up through tenure.selectors, so what a user may not see is a 404 (another enterprise's
term, a change dated after the holder left the enterprise); actions are the rules of tenure/rules.py (403).
"""

from django.contrib import messages
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from chieftech.accounts.models import Enterprise
from chieftech.accounts.roles import authority_ids_for
from chieftech.core.badges import badge_css
from chieftech.core.confirm import confirmation_page, confirmation_require
from chieftech.core.dates import date_zh
from chieftech.core.downloads import upload_download
from chieftech.core.errors import DomainError, NeedsConfirmation, add_domain_error
from chieftech.core.permissions import capability_required, require
from chieftech.policy.models import Town
from chieftech.selection.domain.evidence import upload_size_check
from chieftech.tenure.domain import status_changes as domain
from chieftech.tenure.domain.status_change_checks import KIND_EFFECT, EvidenceUpload, Report
from chieftech.tenure.forms import StatusConfirmForm, StatusReportForm, StatusReturnForm
from chieftech.tenure.models import (
    StatusChange,
    StatusChangeEvidence,
    StatusChangeState,
    Tenure,
    TenureStatus,
)
from chieftech.tenure.selectors import (
    changes_visible_to_enterprise,
    status_changes_visible_to,
    tenures_of_enterprise,
    tenures_reportable_by,
    visible_until,
)

REPORT = "tenure.report_status_change"
# The holder's own login (Role.TECHNICIAN) holds this capability and no other: it opens the report pages for
# the holder's own term, which the rules then require.
HOLDER = "tenure.log_activity"
MANAGE = "tenure.manage_tenure"

_DEFERRED = (
    "application__id_number",
    "application__deeds",
    "application__apprentices_summary",
    "application__enterprise_opinion",
)


def _term(tenure: Tenure) -> str:
    return f"{date_zh(tenure.starts_on)}至{date_zh(tenure.ends_on)}"


def _status(tenure: Tenure) -> dict:
    return {"label": tenure.get_status_display(), "css": badge_css("tenure", tenure.status)}


def _state(change: StatusChange) -> dict:
    return {"label": change.get_state_display(), "css": badge_css("status_change", change.state)}


def _change_row(change: StatusChange) -> dict:
    return {
        "kind": change.get_kind_display(),
        "effective_on": date_zh(change.effective_on),
        "state": _state(change),
        "reported_as": change.get_reported_as_display(),
        "reported_at": change.reported_at,
        "url": reverse("tenure:status_change", args=[change.pk]),
    }


# --- The enterprise's chief technicians -------------------------------------------------------------------


@capability_required(REPORT)
@require_safe
def enterprise_tenures(request):
    tenures = (
        tenures_of_enterprise(request.user)
        .select_related("application")
        .defer(*_DEFERRED)
        .order_by("-is_current", "-starts_on", "application__name", "pk")
    )
    rows = []
    for t in tenures:
        until = visible_until(t)
        rows.append(
            {
                "name": t.application.name,
                "occupation": t.application.occupation,
                "term": _term(t),
                "status": _status(t) if until is None else None,
                "left_on": date_zh(until) if until is not None else "",
                "url": reverse("tenure:enterprise_tenure", args=[t.pk]),
                "report_url": reverse("tenure:status_report", args=[t.pk]) if until is None else "",
            }
        )
    return render(request, "tenure/status/enterprise_tenures.html", {"rows": rows})


@capability_required(REPORT)
@require_safe
def enterprise_tenure(request, pk: int):
    tenure = get_object_or_404(
        tenures_of_enterprise(request.user).select_related("application").defer(*_DEFERRED), pk=pk
    )
    until = visible_until(tenure)
    changes = changes_visible_to_enterprise(request.user, tenure).order_by("-effective_on", "-pk")
    context = {
        "tenure": tenure,
        "name": tenure.application.name,
        "occupation": tenure.application.occupation,
        "term": _term(tenure),
        "status": _status(tenure) if until is None else None,
        "left_on": date_zh(until) if until is not None else "",
        "changes": [_change_row(c) for c in changes],
        "report_url": reverse("tenure:status_report", args=[tenure.pk])
        if request.user.has_perm("tenure.status_report", tenure)
        else "",
        # The re-reviews' material is kept by the enterprise the holder works for now (chieftech.review).
        "reviews": [
            {
                "year": f"管理期第{r.review_year}年",
                "state": r.get_state_display(),
                "deadline": date_zh(r.deadline),
                "url": reverse("review:material", args=[r.pk]),
            }
            for r in tenure.reviews.order_by("review_year")
        ]
        if until is None
        else [],
    }
    return render(request, "tenure/status/enterprise_tenure.html", context)


# --- The report form --------------------------------------------------------------------------------------


def _district_enterprises(tenure: Tenure):
    """The registered enterprises of the term's authority's territory (its towns and those of the authorities
    under it), but the holder's current one."""
    authority = tenure.authority_id
    towns = Town.objects.filter(
        Q(authority_id=authority)
        | Q(authority__parent_id=authority)
        | Q(authority__parent__parent_id=authority)
    ).values("code")
    return (
        Enterprise.objects.filter(status=Enterprise.Status.ACTIVE, town__in=towns)
        .exclude(pk=tenure.enterprise_id)
        .only("pk", "name")
        .order_by("name", "pk")
    )


def _uploads(form) -> list[EvidenceUpload]:
    files = []
    for upload in form.cleaned_data.get("files") or []:
        # Refused by size before the content is read into memory.
        upload_size_check(name=upload.name, size=upload.size)
        files.append(EvidenceUpload(name=upload.name, content=upload.read()))
    return files


def _report(form) -> Report:
    data = form.cleaned_data
    return Report(
        kind=data["kind"],
        effective_on=data["effective_on"],
        reason=data["reason"],
        new_enterprise=data["new_enterprise"],
        new_employer=data["new_employer"],
    )


def _back_url(user, tenure: Tenure) -> str:
    """The enterprise's page of the term; the holder's own pages are another part's, so home for them."""
    if user.has_perm(REPORT) and user.enterprise_id is not None:
        return reverse("tenure:enterprise_tenure", args=[tenure.pk])
    return reverse("core:home")


def _form_page(request, *, tenure: Tenure, form, change: StatusChange | None = None):
    context = {
        "tenure": tenure,
        "name": tenure.application.name,
        "term": _term(tenure),
        "status": _status(tenure),
        "form": form,
        "change": change,
        "evidence": [e.original_name for e in change.evidence.all()] if change else [],
        "back_url": reverse("tenure:status_change", args=[change.pk])
        if change
        else _back_url(request.user, tenure),
    }
    return render(request, "tenure/status/status_report.html", context)


@capability_required(REPORT, HOLDER)
def status_report(request, pk: int):
    tenure = get_object_or_404(
        tenures_reportable_by(request.user).select_related("application").defer(*_DEFERRED), pk=pk
    )
    require(
        request.user.has_perm("tenure.status_report", tenure),
        "只有首席技师现工作单位的经办人或本人可以报告人员变动。",
    )
    enterprises = _district_enterprises(tenure)
    if request.method == "POST":
        form = StatusReportForm(request.POST, request.FILES, enterprises=enterprises)
        if form.is_valid():
            try:
                change = domain.status_change_report(
                    actor=request.user, tenure=tenure, report=_report(form), files=_uploads(form)
                )
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, "人员变动已报告，等待区人社局确认。")
                return redirect("tenure:status_change", pk=change.pk)
    else:
        form = StatusReportForm(enterprises=enterprises)
    return _form_page(request, tenure=tenure, form=form)


# --- The reporter's page of a report ----------------------------------------------------------------------


def _visible_change(request, pk: int) -> StatusChange:
    changes = status_changes_visible_to(request.user).select_related(
        "tenure__application", "new_enterprise", "reported_by", "decided_by"
    )
    return get_object_or_404(changes.defer(*(f"tenure__{name}" for name in _DEFERRED)), pk=pk)


def _change_context(change: StatusChange) -> dict:
    tenure = change.tenure
    return {
        "change": change,
        "state": _state(change),
        "name": tenure.application.name,
        "term": _term(tenure),
        "evidence": [
            {
                "name": e.original_name,
                "size_kb": max(1, round(e.size / 1024)),
                "url": reverse("tenure:status_evidence", args=[e.pk]),
            }
            for e in change.evidence.all()
        ],
    }


@capability_required(REPORT, HOLDER, MANAGE)
def status_change(request, pk: int):
    """The report as its reporter sees it; a returned one is corrected here or withdrawn."""
    change = _visible_change(request, pk)
    if not (request.user.has_perm(REPORT) or request.user.has_perm(HOLDER)):
        # Officers handle reports on their decision page (links in notifications may lead here).
        return redirect("tenure:status_decide", pk=change.pk)
    tenure = change.tenure
    can_correct = request.user.has_perm("tenure.status_change_correct", change)
    if request.method == "POST":
        require(can_correct, f"报告当前为“{change.get_state_display()}”，不能修改。")
        form = StatusReportForm(request.POST, request.FILES, enterprises=_district_enterprises(tenure))
        if form.is_valid():
            try:
                domain.status_change_resubmit(
                    actor=request.user, change=change, report=_report(form), files=_uploads(form)
                )
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, "报告已补正并重新提交，等待区人社局确认。")
                return redirect("tenure:status_change", pk=change.pk)
        return _form_page(request, tenure=tenure, form=form, change=change)
    context = _change_context(change)
    context.update(
        {
            "can_withdraw": request.user.has_perm("tenure.status_change_withdraw", change),
            "correct_form": StatusReportForm(
                initial={
                    "kind": change.kind,
                    "effective_on": change.effective_on,
                    "reason": change.reason,
                    "new_enterprise": change.new_enterprise_id,
                    "new_employer": change.new_employer,
                },
                enterprises=_district_enterprises(tenure),
            )
            if can_correct
            else None,
            "back_url": _back_url(request.user, tenure),
        }
    )
    return render(request, "tenure/status/status_change.html", context)


@capability_required(REPORT, HOLDER)
@require_POST
def status_change_withdraw(request, pk: int):
    change = _visible_change(request, pk)
    require(
        request.user.has_perm("tenure.status_change_withdraw", change),
        f"报告当前为“{change.get_state_display()}”，不能撤回。",
    )
    try:
        domain.status_change_withdraw(actor=request.user, change=change)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "报告已撤回。")
    return redirect("tenure:status_change", pk=change.pk)


@capability_required(REPORT, HOLDER, MANAGE)
@require_safe
def status_evidence(request, pk: int):
    """Always a download, never shown inline: the browser must not interpret an uploaded file."""
    evidence = get_object_or_404(
        StatusChangeEvidence.objects.filter(change__in=status_changes_visible_to(request.user)), pk=pk
    )
    return upload_download(evidence)


# --- The officer ------------------------------------------------------------------------------------------


def _officer_changes(user):
    return StatusChange.objects.filter(tenure__authority_id__in=authority_ids_for(user, MANAGE))


@capability_required(MANAGE)
@require_safe
def status_queue(request):
    changes = (
        _officer_changes(request.user)
        .filter(state=StatusChangeState.REPORTED)
        .select_related("tenure__application", "tenure__enterprise", "reported_by")
        .defer(*(f"tenure__{name}" for name in _DEFERRED))
        .order_by("reported_at", "pk")
    )
    rows = [
        {
            "name": c.tenure.application.name,
            "enterprise": c.tenure.enterprise.name,
            "kind": c.get_kind_display(),
            "effective_on": date_zh(c.effective_on),
            "reported_by": f"{c.reported_by.real_name}（{c.get_reported_as_display()}）",
            "reported_at": c.reported_at,
            "url": reverse("tenure:status_decide", args=[c.pk]),
        }
        for c in changes
    ]
    return render(request, "tenure/status/status_queue.html", {"rows": rows})


def _decide_page(request, change: StatusChange, *, confirm_form=None, return_form=None, status=200):
    context = _change_context(change)
    tenure = change.tenure
    context.update(
        {
            "enterprise": tenure.enterprise.name,
            "status": _status(tenure),
            "can_decide": change.state == StatusChangeState.REPORTED
            and request.user.has_perm("tenure.status_decide", change),
            "is_other": change.kind == StatusChange.Kind.OTHER,
            "effect": _effect_text(change),
            "confirm_form": confirm_form or StatusConfirmForm(),
            "return_form": return_form or StatusReturnForm(),
        }
    )
    return render(request, "tenure/status/status_decide.html", context, status=status)


def _effect_text(change: StatusChange) -> str:
    if change.kind == StatusChange.Kind.TRANSFER_IN_DISTRICT:
        name = change.new_enterprise.name if change.new_enterprise else ""
        return f"确认后，管理期转至“{name}”，状态不变；原单位自{date_zh(change.effective_on)}起不再查看。"
    if change.kind == StatusChange.Kind.OTHER:
        return "确认时由经办人认定是否停止待遇。"
    target = TenureStatus(KIND_EFFECT[change.kind])
    return f"确认后，首席技师状态自{date_zh(change.effective_on)}起为“{target.label}”。"


def _decide_lookup(request, pk: int) -> StatusChange:
    changes = _officer_changes(request.user).select_related(
        "tenure__application", "tenure__enterprise", "new_enterprise", "reported_by", "decided_by"
    )
    return get_object_or_404(changes.defer(*(f"tenure__{name}" for name in _DEFERRED)), pk=pk)


@capability_required(MANAGE)
def status_decide(request, pk: int):
    change = _decide_lookup(request, pk)
    if request.method != "POST":
        return _decide_page(request, change)
    require(
        change.state == StatusChangeState.REPORTED,
        f"报告当前为“{change.get_state_display()}”，不能再确认或退回。",
    )
    require(request.user.has_perm("tenure.status_decide", change), "不能确认或退回本人报告的人员变动。")
    back = reverse("tenure:status_decide", args=[change.pk])
    if request.POST.get("action") == "return":
        form = StatusReturnForm(request.POST)
        if form.is_valid():
            try:
                domain.status_change_return(
                    actor=request.user, change=change, reason=form.cleaned_data["reason"]
                )
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, "报告已退回，报告人将收到退回理由。")
                return redirect(back)
        return _decide_page(request, change, return_form=form)
    form = StatusConfirmForm(request.POST)
    if form.is_valid():
        try:
            confirmation_require(
                request,
                f"即将确认{change.tenure.application.name}的“{change.get_kind_display()}”"
                f"（生效日期{date_zh(change.effective_on)}）。{_effect_text(change)}",
            )
            domain.status_change_confirm(
                actor=request.user,
                change=change,
                outcome=form.cleaned_data["outcome"],
                outcome_reason=form.cleaned_data["outcome_reason"],
            )
        except NeedsConfirmation as exc:
            return confirmation_page(request, exc, title="确认人员变动", button="确认人员变动", back_url=back)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, "人员变动已确认。")
            return redirect(back)
    return _decide_page(request, change, confirm_form=form)
