"""The approval page of a round: the leader decides, the government approves, the officer publishes.

Each role sees where the round stands and only its own form; a POST for another role's step is a 403.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import F
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from chieftech.certificates.models import Certificate
from chieftech.core.badges import badge_css
from chieftech.core.confirm import confirmation_page, confirmation_require
from chieftech.core.dates import date_zh
from chieftech.core.downloads import document_download, upload_download
from chieftech.core.errors import DomainError, NeedsConfirmation, add_domain_error
from chieftech.core.permissions import capability_required, require
from chieftech.publicity.documents.approval_form import approval_form_pdf
from chieftech.publicity.domain.approval import (
    APPROVE,
    DECIDE,
    PUBLISH,
    government_approve,
    government_send_back,
    leadership_decide,
    roster_publish,
    signed_document_size_check,
)
from chieftech.publicity.domain.approval_form import GOVERNMENT, LEADERSHIP, approval_form_facts
from chieftech.publicity.domain.approval_form import STAGES as APPROVAL_FORM_STAGES
from chieftech.publicity.domain.current import (
    decision_current_exists,
    round_current_decision,
    round_current_notice,
    round_earlier_decisions,
    round_earlier_notices,
)
from chieftech.publicity.forms_approval import (
    GovernmentApprovalForm,
    GovernmentSendBackForm,
    LeadershipDecisionForm,
)
from chieftech.publicity.models import ApprovalDocument, GovernmentSendBack, LeadershipDecision
from chieftech.selection.models import Application, ApplicationState, Round, RoundState
from chieftech.selection.rules import ROUND_VIEW_MATERIALS
from chieftech.selection.selectors import rounds_for

CANDIDATE_STATES = (
    ApplicationState.PROPOSED,
    ApplicationState.APPROVED,
    ApplicationState.NOT_APPROVED,
    ApplicationState.REMOVED,
)
APPROVING = (LeadershipDecision.Outcome.APPROVE, LeadershipDecision.Outcome.APPROVE_WITH_REMOVALS)
# Fields the page never shows: not loading them keeps the rows from decrypting personal data.
DEFERRED = (
    "id_number",
    "phone",
    "deeds",
    "apprentices_summary",
    "enterprise_opinion",
    "enterprise__contact_phone",
)


def _round(request, pk: int) -> Round:
    return get_object_or_404(
        rounds_for(request.user, DECIDE, APPROVE, PUBLISH).select_related(
            "policy", "authority", "government_approval__recorded_by"
        ),
        pk=pk,
    )


def _one_to_one(round_: Round, name: str):
    return getattr(round_, name, None)


def _proposed(round_: Round):
    return (
        Application.objects.filter(round=round_, state=ApplicationState.PROPOSED)
        .select_related("enterprise")
        .defer(*DEFERRED)
        .order_by(F("result__rank").asc(nulls_last=True), "pk")
    )


PK_PLACEHOLDER = 2147483647


def _materials(user, round_: Round) -> dict | None:
    """What the decision is taken with: the committee's results and record, the objections with their
    findings, each candidate's dossier. The leadership and the government read them once the round awaits
    their decision; the officer has them all along. None when the user may not open them."""
    reader = user.has_perm(ROUND_VIEW_MATERIALS, round_)
    officer = user.has_perm(PUBLISH)
    if not (reader or officer):
        return None
    # Reversed once; each candidate's row fills in its key.
    dossier_url = (
        reverse("selection:dossier", args=[round_.pk, PK_PLACEHOLDER])
        if reader
        else reverse("selection:review_detail", args=[PK_PLACEHOLDER])
    )
    return {
        "results_url": reverse("evaluation:results", args=[round_.pk]),
        "record_pdf_url": reverse("evaluation:committee_record_pdf", args=[round_.pk]),
        "objections_url": reverse("publicity:objection_list", args=[round_.pk]),
        "dossier_url": dossier_url.rsplit(str(PK_PLACEHOLDER), 1),
    }


def _candidates(round_: Round, materials: dict | None = None) -> list[dict]:
    rows = (
        Application.objects.filter(round=round_, state__in=CANDIDATE_STATES)
        .select_related("enterprise", "result", "tenure__certificate")
        .defer(*DEFERRED)
        .order_by(F("result__rank").asc(nulls_last=True), "pk")
    )
    out = []
    for a in rows:
        # The committee's results are the materials' to show: none before the round awaits the reader.
        result = getattr(a, "result", None) if materials else None
        tenure = getattr(a, "tenure", None)
        certificate = getattr(tenure, "certificate", None) if tenure else None
        out.append(
            {
                "dossier_url": str(a.pk).join(materials["dossier_url"]) if materials else "",
                "name": a.name,
                "gender": a.gender,
                "enterprise": a.enterprise.name,
                "occupation": a.occupation,
                "skill_level": a.get_skill_level_display() if a.skill_level else "",
                "rank": result.rank if result else "",
                "composite": result.composite if result else "",
                "state": a.get_state_display(),
                "state_css": badge_css("application", a.state),
                "term": f"{date_zh(tenure.starts_on)}至{date_zh(tenure.ends_on)}" if tenure else "",
                "certificate": certificate.number if certificate else "",
                "certificate_url": reverse("certificates:certificate_pdf", args=[certificate.pk])
                if certificate
                else "",
            }
        )
    return out


def _approving(decision) -> bool:
    return decision is not None and decision.outcome != LeadershipDecision.Outcome.REJECT


def _steps(round_: Round, decision, approval, waiting: str) -> list[dict]:
    approving = _approving(decision)
    steps = [
        {
            "title": "领导小组审定",
            "done": approving,
            "text": (
                f"{decision.get_outcome_display()}（{date_zh(decision.meeting_date)}，{decision.minutes_reference}）"
                if decision
                else "待审定"
            ),
        },
        {
            "title": "区政府批准",
            "done": approval is not None,
            "text": f"{approval.document_number}（{date_zh(approval.approved_on)}）"
            if approval
            else "待批准",
        },
        {
            "title": "发文公布",
            "done": round_.state == RoundState.PUBLISHED,
            "text": "已在门户网站公布" if round_.state == RoundState.PUBLISHED else "待公布",
        },
    ]
    for step, role in zip(steps, ("leader", "government", "officer"), strict=True):
        step["current"] = role == waiting
    return steps


def _waiting_for(round_: Round, approving: bool, approval) -> str:
    """Which role the round waits for: "leader", "government", "officer" or ""."""
    if round_.state != RoundState.APPROVAL:
        return ""
    if not approving:
        return "leader"
    if approval is None:
        return "government"
    return "officer"


@capability_required(DECIDE, APPROVE, PUBLISH)
def approval(request, round_pk: int):
    round_ = _round(request, round_pk)
    decision = round_current_decision(round_)
    approval_ = _one_to_one(round_, "government_approval")
    waiting = _waiting_for(round_, _approving(decision), approval_)
    user = request.user
    can_decide = waiting == "leader" and user.has_perm(DECIDE)
    can_approve = waiting == "government" and user.has_perm(APPROVE)
    can_publish = waiting == "officer" and user.has_perm(PUBLISH)

    decision_form = LeadershipDecisionForm(proposed=_proposed(round_)) if can_decide else None
    approval_form = GovernmentApprovalForm() if can_approve else None
    send_back_form = GovernmentSendBackForm() if can_approve else None

    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "decide":
                require(
                    user.has_perm(DECIDE), f"只有{round_.authority.leadership_name}可以审定建议人选名单。"
                )
                decision_form = LeadershipDecisionForm(request.POST, proposed=_proposed(round_))
                if decision_form.is_valid() and _decide(request, round_, decision_form):
                    return redirect("publicity:approval", round_pk=round_.pk)
                can_decide = True
            elif action == "approve":
                require(user.has_perm(APPROVE), "只有区政府经办人可以登记区政府批准。")
                approval_form = GovernmentApprovalForm(request.POST, request.FILES)
                if approval_form.is_valid() and _approve(request, round_, approval_form):
                    return redirect("publicity:approval", round_pk=round_.pk)
                can_approve = True
            elif action == "send_back":
                require(user.has_perm(APPROVE), "只有区政府经办人可以退回名单。")
                send_back_form = GovernmentSendBackForm(request.POST)
                if send_back_form.is_valid() and _send_back(request, round_, send_back_form):
                    return redirect("publicity:approval", round_pk=round_.pk)
                can_approve = True
            elif action == "publish":
                require(user.has_perm(PUBLISH), "只有区人社局经办人可以发文公布名单。")
                confirmation_require(
                    request,
                    f"即将发文公布“{round_.title}”的首席技师名单：名单在门户网站“首席技师名单”栏目公开，"
                    "证书即可公开查验，批次办结。",
                )
                roster_publish(actor=user, round_=round_)
                messages.success(request, "首席技师名单已发文公布，门户网站“首席技师名单”栏目已更新。")
                return redirect("publicity:approval", round_pk=round_.pk)
            else:
                messages.error(request, "请从页面上的表单提交。")
                return redirect("publicity:approval", round_pk=round_.pk)
        except NeedsConfirmation as exc:
            back = reverse("publicity:approval", args=[round_.pk])
            return confirmation_page(request, exc, title="发文公布名单", button="确认公布", back_url=back)
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("publicity:approval", round_pk=round_.pk)

    notice = round_current_notice(round_)
    earlier_decisions = round_earlier_decisions(round_)
    materials = _materials(user, round_)
    context = {
        "round": round_,
        "notice": notice,
        "notice_period": f"{date_zh(notice.starts_on)}至{date_zh(notice.ends_on)}" if notice else "",
        "earlier_notice_periods": [
            f"{date_zh(n.starts_on)}至{date_zh(n.ends_on)}" for n in round_earlier_notices(round_, notice)
        ],
        # The list is back with the committee (or in its new notice) after the leadership rejected it.
        "sent_back": bool(earlier_decisions) and round_.state in (RoundState.EVALUATION, RoundState.NOTICE),
        "decision": decision,
        "earlier_decisions": earlier_decisions,
        "removed_names": [a.name for a in decision.removed.all()] if decision else [],
        "government_approval": approval_,
        "published_at": approval_.published_at if approval_ else None,
        "steps": _steps(round_, decision, approval_, waiting),
        "waiting": waiting,
        "candidates": _candidates(round_, materials),
        "materials": materials,
        "approval_forms": _approval_forms(round_, decision),
        "decision_form": decision_form if can_decide else None,
        "approval_form": approval_form if can_approve else None,
        "send_back_form": send_back_form if can_approve else None,
        "send_backs": _send_backs(round_),
        "signed_document_url": reverse("publicity:approval_document", args=[round_.pk])
        if approval_ is not None and _signed_document(approval_) is not None
        else "",
        "can_publish": can_publish,
        "batch_pdf_url": reverse("certificates:round_batch_pdf", args=[round_.pk])
        if approval_ is not None and user.has_perm("certificates.issue_certificate")
        else "",
        "roster_url": reverse("verify:roster") if round_.state == RoundState.PUBLISHED else "",
    }
    return render(request, "publicity/approval/approval.html", context)


def _decide(request, round_: Round, form: LeadershipDecisionForm) -> bool:
    data = form.cleaned_data
    try:
        decision = leadership_decide(
            actor=request.user,
            round_=round_,
            outcome=data["outcome"],
            meeting_date=data["meeting_date"],
            minutes_reference=data["minutes_reference"],
            removed=list(data["removed"]),
            note=data["note"],
        )
    except DomainError as exc:
        add_domain_error(form, exc)
        return False
    if decision.outcome == LeadershipDecision.Outcome.REJECT:
        messages.success(request, "已记录审定结论：不同意。建议人选名单已退回评审委员会。")
    else:
        messages.success(
            request, f"已记录审定结论：{decision.get_outcome_display()}。已通知区政府经办人办理批准。"
        )
    return True


def _approve(request, round_: Round, form: GovernmentApprovalForm) -> bool:
    data = form.cleaned_data
    signed = data["signed_document"]
    try:
        signed_document_size_check(name=signed.name, size=signed.size)
        recorded = government_approve(
            actor=request.user,
            round_=round_,
            document_number=data["document_number"],
            approved_on=data["approved_on"],
            signed_name=signed.name,
            signed_content=signed.read(),
        )
    except DomainError as exc:
        add_domain_error(form, exc)
        return False
    count = Certificate.objects.filter(tenure__application__round=round_).count()
    messages.success(
        request,
        f"已登记区政府批准（{recorded.document_number}）。{count}名首席技师的管理期自{date_zh(recorded.approved_on)}起计算，"
        "证书已生成，待区人社局发文公布。",
    )
    return True


def _send_back(request, round_: Round, form: GovernmentSendBackForm) -> bool:
    try:
        government_send_back(actor=request.user, round_=round_, reason=form.cleaned_data["reason"])
    except DomainError as exc:
        add_domain_error(form, exc)
        return False
    messages.success(request, "已将建议人选名单退回领导小组重新审定，区人社局经办人和领导小组已收到通知。")
    return True


def _send_backs(round_: Round) -> list[dict]:
    return [
        {
            "meeting_date": date_zh(s.decision.meeting_date),
            "minutes_reference": s.decision.minutes_reference,
            "reason": s.reason,
            "by": str(s.sent_back_by),
            "at": s.sent_back_at,
        }
        for s in GovernmentSendBack.objects.filter(round=round_)
        .select_related("decision", "sent_back_by")
        .order_by("-sent_back_at", "-pk")
    ]


def _signed_document(approval_) -> ApprovalDocument | None:
    return ApprovalDocument.objects.filter(approval=approval_).first()


@capability_required(DECIDE, APPROVE, PUBLISH)
@require_safe
@never_cache
def approval_document(request, round_pk: int):
    """The signed approval document, for the officer, the leadership and the government of the round's
    authority (another authority's round is a 404); always a download, never public."""
    round_ = _round(request, round_pk)
    document = get_object_or_404(ApprovalDocument.objects.select_related("approval"), approval__round=round_)
    return upload_download(document)


@capability_required(DECIDE, APPROVE, PUBLISH)
@require_safe
@never_cache
def approval_form(request, round_pk: int, stage: str):
    """The 呈批表 of the leadership's decision or of the government's approval, for the authority's officer,
    leadership and government (another authority's round is a 404; before its stage, a 403)."""
    round_ = _round(request, round_pk)
    if stage not in APPROVAL_FORM_STAGES:
        raise Http404
    try:
        facts = approval_form_facts(round_=round_, stage=stage)
    except DomainError as exc:
        raise PermissionDenied(exc.message) from None
    return document_download(
        approval_form_pdf(facts),
        content_type="application/pdf",
        filename=f"{round_.title}_{facts.title}.pdf",
        fallback=f"approval-form-{stage}-{round_.pk}.pdf",
    )


def _approval_forms(round_: Round, decision) -> list[dict]:
    """The 呈批表 the round has reached: the leadership's at the approval stage, the government's once the
    leadership approved."""
    if round_.state not in (RoundState.APPROVAL, RoundState.PUBLISHED):
        return []
    forms = [
        {
            "label": "呈领导小组审定的呈批表",
            "url": reverse("publicity:approval_form", args=[round_.pk, LEADERSHIP]),
        }
    ]
    if _approving(decision):
        forms.append(
            {
                "label": "报区政府审批的呈批表",
                "url": reverse("publicity:approval_form", args=[round_.pk, GOVERNMENT]),
            }
        )
    return forms


# --- Rounds awaiting each role ----------------------------------------------------------------------


@capability_required(DECIDE, APPROVE, PUBLISH)
def approval_list(request):
    user = request.user
    rounds = list(
        rounds_for(user, DECIDE, APPROVE, PUBLISH)
        .filter(state__in=[RoundState.APPROVAL, RoundState.PUBLISHED])
        .select_related("government_approval")
        .annotate(approving=decision_current_exists(*APPROVING))
        .order_by("-year", "-id")
    )
    waiting_rows, done_rows = [], []
    labels = {"leader": "待领导小组审定", "government": "待区政府批准", "officer": "待发文公布"}
    mine = {
        "leader": user.has_perm(DECIDE),
        "government": user.has_perm(APPROVE),
        "officer": user.has_perm(PUBLISH),
    }
    for r in rounds:
        approval_ = _one_to_one(r, "government_approval")
        waiting = _waiting_for(r, r.approving, approval_)
        row = {
            "title": r.title,
            "url": reverse("publicity:approval", args=[r.pk]),
            "state": labels.get(waiting, r.get_state_display()),
            "state_css": "status-warn" if waiting else "status-ok",
            "mine": mine.get(waiting, False),
            "document_number": approval_.document_number if approval_ else "",
            "published_on": date_zh(timezone.localdate(approval_.published_at))
            if approval_ and approval_.published_at
            else "",
        }
        (waiting_rows if waiting else done_rows).append(row)
    waiting_rows.sort(key=lambda row: not row["mine"])
    return render(
        request,
        "publicity/approval/approval_list.html",
        {"waiting_rows": waiting_rows, "done_rows": done_rows},
    )
