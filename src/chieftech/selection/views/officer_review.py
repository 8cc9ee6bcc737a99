"""The officer's qualification review (第10条(三)): the queue and the review page of one application."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from chieftech.accounts.models import Enterprise
from chieftech.audit.domain import personal_data_reveal
from chieftech.core.badges import badge_css
from chieftech.core.errors import DomainError, add_domain_error
from chieftech.core.permissions import capability_required
from chieftech.policy.models import SkillLevel
from chieftech.revocation.domain.bar import revocations_of_person
from chieftech.revocation.models import Ground
from chieftech.selection.domain import review as review_domain
from chieftech.selection.domain.applications import applications_visible_to, deeds_char_count, deeds_note
from chieftech.selection.domain.eligibility import application_checks
from chieftech.selection.domain.holders import HolderFlag, applications_holder_flags
from chieftech.selection.forms_officer import (
    DecisionForm,
    QueueFilterForm,
)
from chieftech.selection.models import (
    Application,
    ApplicationState,
    ConditionVerdict,
    ReviewDecision,
    Round,
)
from chieftech.selection.selectors import application_queue, rounds_for
from chieftech.selection.views.officer_common import (
    JUDGEMENT_CODES,
    QUEUE_DEFERRED,
    QUEUE_PAGE_SIZE,
    REVIEW,
)

# --- The review queue -----------------------------------------------------------------------------


def _row_flags(application: Application) -> list[dict]:
    """The eligibility hints of one row, from its own columns and its joined enterprise and policy."""
    policy = application.round.policy
    flags = []
    automatic = [c for c in application_checks(application) if c.code not in JUDGEMENT_CODES]
    failing = [c.title for c in automatic if c.verdict == ConditionVerdict.FAIL]
    judging = [c.title for c in automatic if c.verdict == ConditionVerdict.JUDGE]
    if failing:
        flags.append({"label": "有不符合项", "css": "status-bad", "title": "；".join(failing)})
    if judging:
        flags.append({"label": "需研判", "css": "status-warn", "title": "；".join(judging)})
    age = application.age_on_reference_date
    if age is not None and age > policy.max_age:
        flags.append({"label": "超龄", "css": "status-warn", "title": f"超过{policy.max_age}周岁"})
    elif age is not None and age <= policy.priority_age:
        flags.append(
            {"label": "年龄优先", "css": "status-ok", "title": f"{policy.priority_age}周岁（含）以下"}
        )
    return flags


def _queue_page(queryset: QuerySet[Application], number, *, round_: Round):
    """One page of the queue: the page's keys are sorted first, then only those 50 rows are loaded.

    Sorting thousands of bare keys is cheap; sorting them with every column of the row and its joins is
    what made a deep page slow. The round (with its policy) is the one already loaded, not one per row.
    """
    page = Paginator(queryset.values_list("pk", flat=True), QUEUE_PAGE_SIZE).get_page(number)
    keys = list(page.object_list)
    # By key alone: the filters already chose these rows.
    # Certificates for the 第六条 check of each row's flags (a date that cannot be true fails it).
    loaded = (
        Application.objects.select_related("enterprise")
        .prefetch_related("certificates")
        .defer(*QUEUE_DEFERRED)
        .in_bulk(keys)
    )
    for application in loaded.values():
        application.round = round_
    page.object_list = [loaded[key] for key in keys]
    return page


STATE_LABELS = dict(ApplicationState.choices)
LEVEL_LABELS = dict(SkillLevel.choices)


def _holder_badges(flags: list[HolderFlag]) -> list[dict]:
    return [{"label": f.text, "css": f.css, "title": f.label} for f in flags]


def _queue_row(a: Application, detail_url: str, holder_flags: list[HolderFlag]) -> dict:
    return {
        "name": a.name,
        "url": detail_url.replace(URL_PK_PLACEHOLDER, str(a.pk)),
        "enterprise": a.enterprise.name,
        "town": a.enterprise.get_town_display(),
        "age": a.age_on_reference_date,
        "level": LEVEL_LABELS.get(a.skill_level, "未填写"),
        "state": STATE_LABELS.get(a.state, a.state),
        "state_css": badge_css("application", a.state),
        "flags": _holder_badges(holder_flags) + _row_flags(a),
        "submitted": timezone.localtime(a.submitted_at).strftime("%Y-%m-%d %H:%M") if a.submitted_at else "",
        "correction_round": a.correction_round,
    }


# Reversing once and filling in each row's key keeps 50 reverse() calls off every page.
URL_PK_PLACEHOLDER = "2147483647"


@capability_required(REVIEW)
def review_queue(request, pk: int):
    round_ = get_object_or_404(rounds_for(request.user, REVIEW).select_related("policy"), pk=pk)
    in_queue = Application.objects.filter(round=round_).exclude(state=ApplicationState.DRAFT)
    enterprises = list(
        Enterprise.objects.filter(pk__in=in_queue.values("enterprise_id"))
        .order_by("name")
        .values_list("pk", "name")
    )
    filters = QueueFilterForm(enterprises=enterprises).controls(request.GET)
    page = _queue_page(
        application_queue(round_=round_, params=request.GET), request.GET.get("page"), round_=round_
    )
    params = request.GET.copy()
    params.pop("page", None)
    query = params.urlencode()
    detail_url = reverse("selection:review_detail", args=[int(URL_PK_PLACEHOLDER)])
    holders = applications_holder_flags(round_=round_, applications=page.object_list)
    rows = [_queue_row(a, detail_url, holders[a.pk]) for a in page.object_list]
    page.base_query = f"{query}&" if query else ""
    export_url = reverse("selection:round_export_xlsx", args=[round_.pk]) + (f"?{query}" if query else "")
    return render(
        request,
        "selection/officer/review_queue.html",
        {
            "round": round_,
            "filters": filters,
            "rows": rows,
            "page": page,
            "export_url": export_url,
        },
    )


# --- The review page ------------------------------------------------------------------------------


def _application_for_review(user, pk: int) -> Application:
    # A draft is still the enterprise's own: the bureau sees an application once it was submitted.
    queryset = applications_visible_to(user).exclude(state=ApplicationState.DRAFT)
    return get_object_or_404(
        queryset.select_related("round__policy", "round__authority", "enterprise"), pk=pk
    )


def _checklist_rows(application: Application, form: DecisionForm | None) -> list[dict]:
    rows = []
    for check in application_checks(application):
        rows.append(
            {
                "code": check.code,
                "title": check.title,
                "article": check.article,
                "verdict": check.verdict_label,
                "verdict_css": badge_css("verdict", check.verdict),
                "reason": check.reason,
                "officer_field": form[f"verdict_{check.code}"] if form else None,
                "note_field": form[f"note_{check.code}"] if form else None,
            }
        )
    return rows


def _history(application: Application) -> list[dict]:
    """Every decision in order: a return for correction, the decision on the corrected application, ..."""
    decisions = application.decisions.select_related("decided_by").order_by("decided_at", "pk")
    history = []
    for n, d in enumerate(decisions, start=1):
        verdicts = [
            {
                "title": item.get("title", code),
                "officer": ConditionVerdict(item["officer"]).label if item.get("officer") else "同自动判断",
                "note": item.get("note", ""),
            }
            for code, item in d.checklist.items()
            if item.get("officer") or item.get("note")
        ]
        history.append(
            {
                "n": n,
                "outcome": d.get_outcome_display(),
                "outcome_css": badge_css("application", d.outcome),
                "reason": d.reason,
                "by": str(d.decided_by),
                "at": d.decided_at,
                "verdicts": verdicts,
            }
        )
    return history


def _same_person(application: Application) -> list[dict]:
    others = (
        Application.objects.filter(
            id_hash=application.id_hash, round__authority_id=application.round.authority_id
        )
        .exclude(pk=application.pk)
        .select_related("round", "enterprise")
        .order_by("-round__year", "-created_at")
    )
    return [
        {
            "round": o.round.title,
            "same_round": o.round_id == application.round_id,
            "enterprise": o.enterprise.name,
            "state": o.get_state_display(),
            "state_css": badge_css("application", o.state),
            "created": o.created_at,
            "url": reverse("selection:review_detail", args=[o.pk])
            if o.state != ApplicationState.DRAFT
            else "",
        }
        for o in others
    ]


def _review_page(request, application: Application, *, form=None, revealed=None, status=200):
    user = request.user
    can_decide = user.has_perm("selection.decide_application", application)
    if can_decide and form is None:
        form = DecisionForm(checks=application_checks(application))
    policy = application.round.policy
    evidence = [
        {
            "name": e.original_name,
            "kind": e.get_kind_display(),
            "size_kb": max(1, round(e.size / 1024)),
            "uploaded_at": e.uploaded_at,
            "url": reverse("selection:evidence_download", args=[e.pk]),
        }
        for e in application.evidence.all()
    ]
    context = {
        "application": application,
        "round": application.round,
        "enterprise": application.enterprise,
        "state_css": badge_css("application", application.state),
        "certificates": list(application.certificates.all()),
        "competitions": list(application.competitions.all()),
        "achievements": list(application.achievements.all()),
        "evidence": evidence,
        "deeds_count": deeds_char_count(application.deeds),
        "deeds_note": deeds_note(text=application.deeds, policy=policy),
        "checklist": _checklist_rows(application, form if can_decide else None),
        "history": _history(application),
        "same_person": _same_person(application),
        # 第十七条: the person's earlier revocations by this authority (a fraud bar refuses the submission itself).
        "revocations": [
            {
                "document": case.government_document_number,
                "effective_on": case.effective_on,
                "grounds": "；".join(Ground(g).label for g in case.grounds),
            }
            for case in revocations_of_person(
                id_hash=application.id_hash, authority_id=application.round.authority_id
            )
        ],
        "holder_flags": _holder_badges(
            applications_holder_flags(round_=application.round, applications=[application])[application.pk]
        ),
        "form": form if can_decide else None,
        "can_decide": can_decide,
        "can_reveal": user.has_perm("accounts.reveal_personal_data"),
        "revealed": revealed or {},
        "heading": "资格审查",
        "back_url": reverse("selection:review_queue", args=[application.round_id]),
        "back_label": "返回审查列表",
        "form_pdf_url": reverse("selection:application_pdf", args=[application.pk]),
        "form_docx_url": reverse("selection:application_docx", args=[application.pk]),
    }
    return render(request, "selection/officer/review_detail.html", context, status=status)


@capability_required(REVIEW)
def review_detail(request, pk: int):
    application = _application_for_review(request.user, pk)
    return _review_page(request, application)


@capability_required(REVIEW)
@require_POST
def review_decide(request, pk: int):
    application = _application_for_review(request.user, pk)
    if not request.user.has_perm("selection.decide_application", application):
        raise PermissionDenied(
            f"申报当前为“{application.get_state_display()}”，批次为“{application.round.get_state_display()}”，"
            "不能作出资格审查结论。"
        )
    form = DecisionForm(request.POST, checks=application_checks(application))
    if form.is_valid():
        try:
            decision = review_domain.review_decide(
                actor=request.user,
                application=application,
                outcome=form.cleaned_data["outcome"],
                reason=form.cleaned_data["reason"],
                officer_verdicts=form.officer_verdicts(),
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            outcome = decision.get_outcome_display()
            if decision.outcome == ReviewDecision.Outcome.RETURNED:
                messages.success(request, f"已将{application.name}的申报退回补正，推荐单位将收到补正意见。")
            else:
                messages.success(request, f"已作出审查结论：{application.name}，{outcome}。")
            return redirect("selection:review_detail", pk=application.pk)
    return _review_page(request, application, form=form, status=200)


REVEALABLE = {"id_number": "身份证号码", "phone": "手机号码"}


@capability_required(REVIEW)
@require_POST
@never_cache
def review_reveal(request, pk: int):
    if not request.user.has_perm("accounts.reveal_personal_data"):
        raise PermissionDenied("您没有查看完整个人敏感信息的权限。")
    application = _application_for_review(request.user, pk)
    field = request.POST.get("field", "")
    if field not in REVEALABLE:
        raise PermissionDenied("只能查看身份证号码或手机号码。")
    value = personal_data_reveal(actor=request.user, obj=application, field_name=field, reason="资格审查核对")
    if request.htmx:
        return HttpResponse(format_html('<span class="revealed">{}</span>', value))
    return _review_page(request, application, revealed={field: value})
