"""Scoring pages of an expert: the work list and the candidate's sheet (the chair's page is views/chair.py).

Blindness: every page here shows a user their own sheets only. The round is looked up through the user's seat on
its committee: outside the committee, or not assigned to the candidate, or recused from it, the page does not
exist (404).
"""

from decimal import Decimal

from django.contrib import messages
from django.db.models import prefetch_related_objects
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from chieftech.core.badges import badge_css
from chieftech.core.confirm import confirmation_page, confirmation_require
from chieftech.core.downloads import upload_download
from chieftech.core.errors import DomainError, NeedsConfirmation, add_domain_error
from chieftech.core.permissions import capability_required
from chieftech.evaluation.domain import scoring as domain
from chieftech.evaluation.domain.scheme import percent_text, points_text, scheme_template_note
from chieftech.evaluation.forms_scoring import (
    ComprehensiveForm,
    OnsiteForm,
    RecusalForm,
)
from chieftech.evaluation.models import (
    Committee,
    CommitteeMember,
    CommitteeState,
    Criterion,
    ScoreSheet,
    ScoringScheme,
)
from chieftech.evaluation.rules import SCORE, candidate_seat, is_chair
from chieftech.evaluation.selectors import committees_for, my_rounds
from chieftech.selection.domain.applications import deeds_char_count
from chieftech.selection.domain.eligibility import application_checks
from chieftech.selection.models import Application, EvidenceFile

PARTS = {ScoreSheet.Part.COMPREHENSIVE, ScoreSheet.Part.ONSITE}
# Reversing once and filling in each row's keys keeps reverse() out of the row loops.
ROUND_PLACEHOLDER = "2147483646"
APPLICATION_PLACEHOLDER = "2147483647"


def _sheet_state(sheet: ScoreSheet | None) -> dict:
    if sheet is None:
        return {"label": "评分未开始", "css": ""}
    label = sheet.get_state_display()
    if sheet.state == ScoreSheet.State.DRAFT and sheet.reopened_reason:
        label = "已退回重评"
    return {"label": label, "css": badge_css("score_sheet", sheet.state)}


# --- The expert's work list ------------------------------------------------------------------------


@capability_required(SCORE)
@require_safe
def my_work(request):
    sheet_url = reverse("evaluation:sheet", args=[int(ROUND_PLACEHOLDER), int(APPLICATION_PLACEHOLDER)])
    chair_url = reverse("evaluation:chair", args=[int(ROUND_PLACEHOLDER)])
    rounds = []
    for work in my_rounds(request.user):
        committee = work.committee
        round_id = str(committee.round_id)
        candidates = []
        for c in work.candidates:
            candidates.append(
                {
                    "name": c.name,
                    "enterprise": c.enterprise,
                    "occupation": c.occupation,
                    "url": ""
                    if c.recused
                    else sheet_url.replace(ROUND_PLACEHOLDER, round_id).replace(
                        APPLICATION_PLACEHOLDER, str(c.application_id)
                    ),
                    "recused": c.recused,
                    "recusal_kind": c.recusal_kind,
                    "comprehensive": _sheet_state(c.comprehensive),
                    "onsite": _sheet_state(c.onsite),
                    "waiting": c.waiting and committee.state == CommitteeState.SCORING,
                }
            )
        rounds.append(
            {
                "title": committee.round.title,
                "committee": committee.name,
                "state": committee.get_state_display(),
                "state_css": badge_css("committee", committee.state),
                "scoring": committee.state == CommitteeState.SCORING,
                "waiting": sum(1 for c in candidates if c["waiting"]),
                "candidates": candidates,
                "chair_url": chair_url.replace(ROUND_PLACEHOLDER, round_id)
                if is_chair(request.user, committee)
                else "",
            }
        )
    return render(request, "evaluation/scoring/my_work.html", {"rounds": rounds})


# --- The candidate's sheet -------------------------------------------------------------------------


def _open_candidate(request, round_pk: int, application_pk: int):
    """The committee, the user's seat and the candidate, or 404 unless the user may open this candidate."""
    committee = get_object_or_404(
        committees_for(request.user, SCORE).select_related("round__policy", "round__authority", "chair"),
        round_id=round_pk,
    )
    application = get_object_or_404(
        Application.objects.select_related("round__policy", "round__authority", "enterprise"),
        pk=application_pk,
        round_id=round_pk,
    )
    member = candidate_seat(request.user, committee, application)
    if member is None:
        raise Http404("没有找到该候选人。")
    return committee, member, application


def _own_sheets(member: CommitteeMember, application: Application) -> dict[str, ScoreSheet]:
    own = ScoreSheet.objects.filter(member=member, application=application).prefetch_related("scores")
    return {s.part: s for s in own}


def _initial(sheet: ScoreSheet | None, *, onsite: bool) -> dict:
    if sheet is None:
        return {}
    if onsite:
        points = next((s.points for s in sheet.scores.all() if s.criterion_id is None), None)
        return {} if points is None else {domain.ONSITE_FIELD: points_text(points)}
    return {domain.criterion_field(s.criterion_id): points_text(s.points) for s in sheet.scores.all()}


def _sheet_page(
    request,
    committee: Committee,
    member: CommitteeMember,
    application: Application,
    *,
    comprehensive_form=None,
    onsite_form=None,
    recusal_form=None,
    status: int = 200,
):
    scheme = ScoringScheme.objects.filter(round_id=committee.round_id).first()
    criteria = list(Criterion.objects.filter(scheme=scheme).order_by("order", "pk")) if scheme else []
    sheets = _own_sheets(member, application)
    comprehensive = sheets.get(ScoreSheet.Part.COMPREHENSIVE)
    onsite = sheets.get(ScoreSheet.Part.ONSITE)
    scoring = committee.state == CommitteeState.SCORING
    editable = {
        "comprehensive": scoring
        and comprehensive is not None
        and comprehensive.state == ScoreSheet.State.DRAFT,
        "onsite": scoring and onsite is not None and onsite.state == ScoreSheet.State.DRAFT,
    }
    if scheme is not None and comprehensive_form is None:
        comprehensive_form = ComprehensiveForm(
            criteria=criteria, initial=_initial(comprehensive, onsite=False)
        )
    if scheme is not None and onsite_form is None:
        onsite_form = OnsiteForm(maximum=scheme.onsite_max, initial=_initial(onsite, onsite=True))
    own_points = {s.criterion_id: s.points for s in comprehensive.scores.all()} if comprehensive else {}
    criteria_rows = [
        {
            "name": c.name,
            "description": c.description,
            "max": points_text(c.max_points),
            "points": points_text(own_points.get(c.pk)),
            "field": comprehensive_form[domain.criterion_field(c.pk)] if comprehensive_form else None,
        }
        for c in criteria
    ]
    onsite_points = (
        next((s.points for s in onsite.scores.all() if s.criterion_id is None), None) if onsite else None
    )
    round_id, application_id = committee.round_id, application.pk
    # Read once for both the eligibility checks and the certificates table.
    prefetch_related_objects([application], "certificates")
    evidence_url = reverse(
        "evaluation:sheet_evidence", args=[round_id, application_id, int(APPLICATION_PLACEHOLDER)]
    )
    evidence = [
        {
            "name": e.original_name,
            "kind": e.get_kind_display(),
            "size_kb": max(1, round(e.size / 1024)),
            "uploaded_at": e.uploaded_at,
            "url": evidence_url.replace(APPLICATION_PLACEHOLDER, str(e.pk)),
        }
        for e in application.evidence.all()
    ]
    checks = [
        {
            "title": c.title,
            "article": c.article,
            "verdict": c.verdict_label,
            "verdict_css": badge_css("verdict", c.verdict),
            "reason": c.reason,
        }
        for c in application_checks(application)
    ]
    policy = committee.round.policy
    context = {
        "committee": committee,
        "round": committee.round,
        "application": application,
        "enterprise": application.enterprise,
        "age": application.age_on_reference_date,
        "age_priority": application.age_on_reference_date is not None
        and application.age_on_reference_date <= policy.priority_age,
        "priority_age": policy.priority_age,
        "certificates": list(application.certificates.all()),
        "competitions": list(application.competitions.all()),
        "achievements": list(application.achievements.all()),
        "deeds_count": deeds_char_count(application.deeds),
        "evidence": evidence,
        "checks": checks,
        "scheme": scheme,
        "scheme_note": scheme_template_note(committee.round)
        if scheme and scheme.from_default_template
        else "",
        "comprehensive_max": points_text(sum((c.max_points for c in criteria), Decimal("0"))),
        "onsite_max": points_text(scheme.onsite_max) if scheme else "",
        "weights": {
            "comprehensive": percent_text(scheme.comprehensive_weight),
            "onsite": percent_text(scheme.onsite_weight),
        }
        if scheme
        else {},
        "criteria_rows": criteria_rows,
        "comprehensive": comprehensive,
        "comprehensive_state": _sheet_state(comprehensive) if scoring or comprehensive else None,
        "onsite": onsite,
        "onsite_state": _sheet_state(onsite) if scoring or onsite else None,
        "onsite_points": points_text(onsite_points),
        "comprehensive_total": points_text(comprehensive.total) if comprehensive else "",
        "comprehensive_form": comprehensive_form,
        "onsite_form": onsite_form,
        "editable": editable,
        "scoring": scoring,
        "may_recuse": committee.state in (CommitteeState.FORMING, CommitteeState.SCORING),
        "recusal_form": recusal_form or RecusalForm(),
        "urls": {
            "sheet": reverse("evaluation:sheet", args=[round_id, application_id]),
            "recuse": reverse("evaluation:recusal_declare", args=[round_id, application_id]),
            "my_work": reverse("evaluation:my_work"),
        },
    }
    return render(request, "evaluation/scoring/sheet.html", context, status=status)


@capability_required(SCORE)
@require_http_methods(["GET", "HEAD", "POST"])
def sheet(request, round_pk: int, application_pk: int):
    committee, member, application = _open_candidate(request, round_pk, application_pk)
    if request.method != "POST":
        return _sheet_page(request, committee, member, application)
    part = request.POST.get("part", "")
    action = request.POST.get("action", "")
    own = _own_sheets(member, application).get(part) if part in PARTS else None
    here = redirect("evaluation:sheet", round_pk=round_pk, application_pk=application_pk)
    if own is None or action not in ("save", "submit", "absent"):
        messages.error(request, "评分尚未开始，或提交的内容不完整，请刷新页面后重试。")
        return here
    if action == "absent":
        try:
            domain.sheet_mark_absent(actor=request.user, sheet=own)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"已记录：您未参加{application.name}的现场技能考查。")
        return here
    scheme = ScoringScheme.objects.get(round_id=committee.round_id)
    onsite = part == ScoreSheet.Part.ONSITE
    if onsite:
        form = OnsiteForm(request.POST, maximum=scheme.onsite_max)
    else:
        form = ComprehensiveForm(request.POST, criteria=list(scheme.criteria.order_by("order", "pk")))
    forms_ = {"onsite_form" if onsite else "comprehensive_form": form}
    if form.is_valid():
        points = form.points()
    elif own.state == ScoreSheet.State.DRAFT and committee.state == CommitteeState.SCORING:
        return _sheet_page(request, committee, member, application, **forms_)
    else:
        points = {}  # a locked sheet: the domain refuses it below and says why
    try:
        if action == "submit":
            confirmation_require(
                request,
                f"即将提交{application.name}的{own.get_part_display()}评分表。提交后评分锁定，不能再修改"
                "（确需修改的，须由评审委员会主任退回）。",
            )
        domain.sheet_save(actor=request.user, sheet=own, points=points)
        if action == "submit":
            own = domain.sheet_submit(actor=request.user, sheet=own)
    except NeedsConfirmation as exc:
        return confirmation_page(
            request, exc, title="提交评分表", button="确认提交评分表", back_url=here["Location"]
        )
    except DomainError as exc:
        # A value's error goes beside its input (nothing was saved); any other refusal is a message above the
        # page as it now stands (an incomplete submit keeps the draft just saved).
        if exc.field in form.fields:
            add_domain_error(form, exc)
            return _sheet_page(request, committee, member, application, **forms_)
        messages.error(request, exc.message)
        return here
    label = own.get_part_display()
    if action == "submit":
        messages.success(
            request,
            f"已提交{application.name}的{label}评分表，合计{points_text(own.total)}分。提交后不能修改。",
        )
    else:
        messages.success(request, f"已保存{application.name}的{label}评分草稿。")
    return here


@capability_required(SCORE)
@require_POST
def recusal_declare(request, round_pk: int, application_pk: int):
    committee, member, application = _open_candidate(request, round_pk, application_pk)
    form = RecusalForm(request.POST)
    if form.is_valid():
        try:
            domain.recusal_declare(
                actor=request.user,
                round_=committee.round,
                application=application,
                reason=form.cleaned_data["reason"],
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, f"已申明回避候选人{application.name}，评审委员会主任将收到通知。")
            return redirect("evaluation:my_work")
    return _sheet_page(request, committee, member, application, recusal_form=form)


@capability_required(SCORE)
@require_safe
def sheet_evidence(request, round_pk: int, application_pk: int, pk: int):
    """An evidence file of a candidate the expert may open; always a download, never shown inline."""
    _committee, _member, application = _open_candidate(request, round_pk, application_pk)
    evidence = get_object_or_404(EvidenceFile, pk=pk, application=application)
    return upload_download(evidence)
