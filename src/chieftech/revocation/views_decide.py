"""The leadership's and the government's decisions on a revocation case (第十七条), and the holder's statement.

Cases are looked up among those of the authorities the user acts for in the step's capability, so another
authority's case is a 404; a holder's login never decides their own case (revocation.rules, 403). The holder's
statement page is found among the cases on the holder's own term only: anyone else gets a 404. Each decision
asks for confirmation first and is one call of chieftech.revocation.domain.cases.
"""

from django.contrib import messages
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

import chieftech.revocation.rules  # noqa: F401  (declares the rules asked here)
from chieftech.accounts.roles import authority_ids_for
from chieftech.core.badges import BAD, OK, WARN
from chieftech.core.confirm import confirmation_page, confirmation_require
from chieftech.core.dates import date_zh
from chieftech.core.errors import DomainError, NeedsConfirmation, add_domain_error
from chieftech.core.permissions import capability_required, login_only, require
from chieftech.core.pii import mask_id_number
from chieftech.revocation.domain.cases import (
    revocation_government_decide,
    revocation_leadership_decide,
    revocation_statement_submit,
    statement_closed,
)
from chieftech.revocation.forms_decide import (
    APPROVE,
    CONFIRM_LABEL,
    GovernmentForm,
    LeadershipForm,
    StatementForm,
)
from chieftech.revocation.forms_files import uploads_of
from chieftech.revocation.models import CaseKind, CaseState, CaseStep, Ground, RevocationCase

LEAD = "publicity.decide_leadership"
GOV = "publicity.record_government_approval"
S = CaseState
# Closed untouched, or the title withdrawn (for an annulment, restored: still the end of a case against them).
STATE_BADGES = {S.CLOSED: OK, S.APPROVED: BAD}
# What the case page needs of the term and the person; the application's long texts stay unread.
_RELATED = ("tenure__application", "tenure__enterprise", "annuls")
_DEFERRED = tuple(f"tenure__application__{f}" for f in ("deeds", "apprentices_summary", "enterprise_opinion"))


def _grounds(case: RevocationCase) -> list[str]:
    return [Ground(g).label for g in case.grounds if g in Ground.values]


def _state(case: RevocationCase) -> dict:
    return {"label": case.get_state_display(), "css": STATE_BADGES.get(case.state, WARN)}


def _case(request, pk: int, capability: str) -> RevocationCase:
    cases = RevocationCase.objects.filter(authority_id__in=authority_ids_for(request.user, capability))
    return get_object_or_404(cases.select_related(*_RELATED).defer(*_DEFERRED), pk=pk)


def _summary(case: RevocationCase) -> dict:
    """The case as the leadership and the government read it before deciding."""
    application = case.tenure.application
    return {
        "name": application.name,
        "id_number": mask_id_number(application.id_number),
        "enterprise": case.tenure.enterprise.name,
        "kind": case.get_kind_display(),
        "annuls": case.annuls.government_document_number if case.annuls_id else "",
        "grounds": _grounds(case),
        "facts": case.facts,
        "opened_on": date_zh(case.opened_at),
        "finding": case.finding,
        "found_on": date_zh(case.found_at),
        "statement": (
            "无（撤销取消资格决定不经陈述申辩）"
            if case.kind == CaseKind.ANNUL
            else f"已于{date_zh(case.statement_at)}提交陈述申辩"
            if case.statement_at
            else f"未提交（期限至{date_zh(case.statement_deadline)}24时）"
        ),
        "state": _state(case),
        "detail_url": reverse("revocation:case_detail", args=[case.pk]),
    }


def _decided(case: RevocationCase, step: str) -> str:
    """The outcome of the leadership's (step "leadership") or the government's ("government") decision, or ""."""
    if step == "leadership":
        if case.leadership_at is None:
            return ""
        refused = case.state == S.CLOSED and case.government_at is None
        return "不同意" if refused else "同意"
    if case.government_at is None:
        return ""
    return "批准" if case.state == S.APPROVED else "不予批准"


def _ask(request, form, exc: NeedsConfirmation, *, title: str, back_url: str):
    """The confirmation page, or, when files came with the POST (a page cannot send them again), the form
    again with the question at its confirmation box."""
    if request.FILES:
        form.add_error("confirmed", f"请勾选“{CONFIRM_LABEL}”，并重新选择要上传的文件。{exc.message}")
        return None
    return confirmation_page(request, exc, title=title, button=f"确认{title}", back_url=back_url)


# --- The queue ---------------------------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "HEAD"])
@capability_required(LEAD, GOV)
def decision_list(request):
    """The cases awaiting the user's 审定 or 批准 first, then the ones they decided, of their authorities."""
    lead_ids, gov_ids = authority_ids_for(request.user, LEAD), authority_ids_for(request.user, GOV)
    mine = Q(pk__in=[])
    if lead_ids:
        mine |= Q(authority_id__in=lead_ids) & (Q(state=S.FOUND) | Q(leadership_at__isnull=False))
    if gov_ids:
        mine |= Q(authority_id__in=gov_ids) & (Q(state=S.ENDORSED) | Q(government_at__isnull=False))
    cases = (
        RevocationCase.objects.filter(mine)
        .select_related("tenure__application", "tenure__enterprise")
        .only(
            *(f.attname for f in RevocationCase._meta.concrete_fields),
            "tenure__application__name",
            "tenure__enterprise__name",
        )
        .order_by("-found_at", "-pk")
    )
    awaiting, done = [], []
    for case in cases:
        leads, governs = case.authority_id in lead_ids, case.authority_id in gov_ids
        row = {
            "name": case.tenure.application.name,
            "enterprise": case.tenure.enterprise.name,
            "kind": case.get_kind_display(),
            "grounds": "；".join(_grounds(case)),
            "found_on": date_zh(case.found_at),
            "state": _state(case),
        }
        if leads and case.state == S.FOUND:
            row.update(action="审定", url=reverse("revocation:leadership", args=[case.pk]))
            awaiting.append(row)
        elif governs and case.state == S.ENDORSED:
            row.update(action="批准", url=reverse("revocation:government", args=[case.pk]))
            awaiting.append(row)
        else:
            outcomes = []
            if leads and _decided(case, "leadership"):
                outcomes.append(f"领导小组审定：{_decided(case, 'leadership')}")
                row.update(url=reverse("revocation:leadership", args=[case.pk]))
            if governs and _decided(case, "government"):
                outcomes.append(f"政府批准：{_decided(case, 'government')}")
                row.update(url=reverse("revocation:government", args=[case.pk]))
            row.update(action="查看", outcome="；".join(outcomes))
            done.append(row)
    return render(request, "revocation/decision_list.html", {"awaiting": awaiting, "done": done})


def _decision_post(request, case: RevocationCase, form, *, question, title, back_name, record, done):
    """The POST the leadership's and the government's decisions share: the files read, the confirmation asked
    (the box on the form), the domain's step, a message and back to the list. None when the form goes back with
    its errors."""
    if not form.is_valid():
        return None
    approve = form.cleaned_data["outcome"] == APPROVE
    try:
        files = uploads_of(form)
        confirmation_require(request, question(case, approve))
        record(approve=approve, files=files, data=form.cleaned_data)
    except NeedsConfirmation as exc:
        return _ask(request, form, exc, title=title, back_url=reverse(back_name, args=[case.pk]))
    except DomainError as exc:
        add_domain_error(form, exc)
        return None
    messages.success(request, done(approve))
    return redirect("revocation:decision_list")


# --- 领导小组审定 ------------------------------------------------------------------------------------------


def _leadership_question(case: RevocationCase, approve: bool) -> str:
    name = case.tenure.application.name
    if case.kind == CaseKind.ANNUL:
        if approve:
            return f"即将同意撤销对{name}的取消资格决定，案件报送政府批准。"
        return f"即将不同意撤销对{name}的取消资格决定，案件结案，并通知本人和用人单位。"
    if approve:
        return f"即将同意取消{name}的首席技师资格，案件报送政府批准；政府批准前资格和待遇不变。"
    return f"即将不同意取消{name}的首席技师资格，案件结案，资格不受影响，并通知本人和用人单位。"


def _leadership_page(request, case: RevocationCase, form: LeadershipForm | None, status: int = 200):
    waiting = case.state == S.FOUND
    context = {
        "case": case,
        "s": _summary(case),
        "waiting": waiting,
        "outcome": _decided(case, "leadership"),
        "meeting_on": date_zh(case.leadership_meeting_on),
        "form": form if form is not None else (LeadershipForm(kind=case.kind) if waiting else None),
        "confirm_label": CONFIRM_LABEL,
        "questions": [_leadership_question(case, True), _leadership_question(case, False)],
        "list_url": reverse("revocation:decision_list"),
    }
    return render(request, "revocation/leadership.html", context, status=status)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@capability_required(LEAD)
def leadership_view(request, pk: int):
    case = _case(request, pk, LEAD)
    require(
        request.user.has_perm("revocation.leadership", case),
        "只有本机关的人才工作领导小组可以审定，且不能审定本人的案件。",
    )
    if request.method != "POST":
        return _leadership_page(request, case, None)
    form = LeadershipForm(request.POST, request.FILES, kind=case.kind)
    name = case.tenure.application.name
    response = _decision_post(
        request,
        case,
        form,
        question=_leadership_question,
        title="领导小组审定",
        back_name="revocation:leadership",
        record=lambda approve, files, data: revocation_leadership_decide(
            actor=request.user,
            case=case,
            approve=approve,
            meeting_on=data["meeting_on"],
            minutes=data["minutes"],
            reason=data["reason"],
            files=files,
        ),
        done=lambda approve: (
            f"已登记领导小组审定同意（{name}），案件已报送政府批准。"
            if approve
            else f"已登记领导小组不同意（{name}），案件已结案并通知本人和用人单位。"
        ),
    )
    if response is not None:
        return response
    case.refresh_from_db()
    return _leadership_page(request, case, form, status=400)


# --- 政府批准 ----------------------------------------------------------------------------------------------


def _government_question(case: RevocationCase, approve: bool) -> str:
    name = case.tenure.application.name
    if not approve:
        return f"即将不予批准，案件结案，{name}的首席技师资格不受影响，并通知本人和用人单位。"
    if case.kind == CaseKind.ANNUL:
        return "批准后恢复其首席技师资格，此前停发的津贴将予补发。"
    return "批准后自批准日期起取消其首席技师资格，证书作废，停止待遇，已发放的津贴将予追回。此操作不可撤回。"


def _government_page(request, case: RevocationCase, form: GovernmentForm | None, status: int = 200):
    waiting = case.state == S.ENDORSED
    context = {
        "case": case,
        "s": _summary(case),
        "waiting": waiting,
        "leadership": {
            "meeting_on": date_zh(case.leadership_meeting_on),
            "minutes": case.leadership_minutes,
            "reason": case.leadership_reason,
            "outcome": _decided(case, "leadership"),
        },
        "outcome": _decided(case, "government"),
        "approved_on": date_zh(case.government_approved_on),
        "form": form if form is not None else (GovernmentForm() if waiting else None),
        "confirm_label": CONFIRM_LABEL,
        "questions": [_government_question(case, True), _government_question(case, False)],
        "list_url": reverse("revocation:decision_list"),
    }
    return render(request, "revocation/government.html", context, status=status)


def _government_done(case: RevocationCase, approve: bool) -> str:
    if not approve:
        return "已登记不予批准，案件已结案并通知本人和用人单位。"
    if case.kind == CaseKind.ANNUL:
        return "已登记政府批准，取消资格决定已撤销，已通知本人和用人单位。"
    return "已登记政府批准，首席技师资格自批准日期起取消，证书已作废，已通知本人和用人单位。"


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@capability_required(GOV)
def government_view(request, pk: int):
    case = _case(request, pk, GOV)
    require(
        request.user.has_perm("revocation.government", case),
        "只有本机关的政府经办人可以登记批准，且不能办理本人的案件。",
    )
    if request.method != "POST":
        return _government_page(request, case, None)
    form = GovernmentForm(request.POST, request.FILES)
    response = _decision_post(
        request,
        case,
        form,
        question=_government_question,
        title="政府批准",
        back_name="revocation:government",
        record=lambda approve, files, data: revocation_government_decide(
            actor=request.user,
            case=case,
            approve=approve,
            document_number=data["document_number"],
            approved_on=data["approved_on"],
            reason=data["reason"],
            files=files,
        ),
        done=lambda approve: _government_done(case, approve),
    )
    if response is not None:
        return response
    case.refresh_from_db()
    return _government_page(request, case, form, status=400)


# --- 陈述申辩 (the holder's own page) ----------------------------------------------------------------------


def _statement_closed(case: RevocationCase) -> str:
    """Why the statement can no longer be sent, in the domain's words; "" while it can."""
    closed = statement_closed(case, now=timezone.now())
    return closed.message if closed else ""


def _document_links(case: RevocationCase, step: str) -> list[dict]:
    return [
        {"name": d.file_name, "url": reverse("revocation:document", args=[case.pk, d.pk])}
        for d in case.documents.filter(step=step).only("pk", "case_id", "file_name")
    ]


def _statement_page(request, case: RevocationCase, form: StatementForm | None, status: int = 200):
    closed = _statement_closed(case)
    context = {
        "case": case,
        "name": case.tenure.application.name,
        "grounds": _grounds(case),
        "opened_on": date_zh(case.opened_at),
        "deadline": f"请于{date_zh(case.statement_deadline)}24时前提交",
        "evidence": _document_links(case, CaseStep.OPEN),
        "sent_files": _document_links(case, CaseStep.STATEMENT) if case.statement_at else [],
        "sent_on": date_zh(case.statement_at),
        "closed": closed,
        "form": form if form is not None else (None if closed else StatementForm()),
        "confirm_label": CONFIRM_LABEL,
        "questions": [STATEMENT_QUESTION],
    }
    return render(request, "revocation/statement.html", context, status=status)


STATEMENT_QUESTION = "陈述申辩意见和证据材料提交后不能修改，区人社局将在初步认定时一并审查。"


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@login_only
def statement_view(request, pk: int):
    # The holder's own cases only: an officer reads the statement on the case page, anyone else gets 404.
    cases = RevocationCase.objects.filter(tenure__user_id=request.user.pk, kind=CaseKind.REVOKE)
    case = get_object_or_404(cases.select_related(*_RELATED).defer(*_DEFERRED), pk=pk)
    if request.method != "POST":
        return _statement_page(request, case, None)
    form = StatementForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            files = uploads_of(form)
            confirmation_require(request, STATEMENT_QUESTION)
            revocation_statement_submit(
                actor=request.user, case=case, statement=form.cleaned_data["statement"], files=files
            )
        except NeedsConfirmation as exc:
            back = reverse("revocation:statement", args=[case.pk])
            response = _ask(request, form, exc, title="提交陈述申辩", back_url=back)
            if response is not None:
                return response
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, "陈述申辩已提交，区人社局将在初步认定时一并审查。")
            return redirect("revocation:statement", pk=case.pk)
    case.refresh_from_db()
    return _statement_page(request, case, form, status=400)
