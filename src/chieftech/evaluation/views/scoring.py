"""Scoring pages: the expert's work list and candidate sheet, and the chair's control of scoring.

Blindness: every page here shows a user their own sheets only. The chair's page shows who has submitted what,
never the points. The round is looked up through the user's seat on its committee: outside the committee, or not
assigned to the candidate, or recused from it, the page does not exist (404); a member who is not the chair gets
403 on the chair's page.
"""

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from chieftech.core.permissions import capability_required
from chieftech.evaluation.domain import scoring as domain
from chieftech.evaluation.domain.errors import EvaluationError
from chieftech.evaluation.domain.scheme import DEFAULT_TEMPLATE_NOTE
from chieftech.evaluation.forms_scoring import (
    CloseForm,
    ComprehensiveForm,
    OnsiteForm,
    RecusalForm,
    ReopenForm,
    add_selection_error,
)
from chieftech.evaluation.models import (
    Committee,
    CommitteeMember,
    CommitteeState,
    Criterion,
    Recusal,
    ScoreSheet,
    ScoringScheme,
)
from chieftech.evaluation.rules import candidate_seat, is_chair, is_member
from chieftech.selection.domain.applications import deeds_char_count
from chieftech.selection.domain.eligibility import application_checks
from chieftech.selection.models import Application, ConditionVerdict, EvidenceFile

SCORE = "evaluation.score"
CHAIR = "evaluation.chair_committee"

SHEET_STATE_CSS = {
    ScoreSheet.State.DRAFT: "status-warn",
    ScoreSheet.State.SUBMITTED: "status-ok",
    ScoreSheet.State.ABSENT: "",
}
COMMITTEE_STATE_CSS = {
    CommitteeState.FORMING: "status-warn",
    CommitteeState.SCORING: "status-warn",
    CommitteeState.CLOSED: "status-ok",
    CommitteeState.CONFIRMED: "status-ok",
}
VERDICT_CSS = {
    ConditionVerdict.PASS: "status-ok",
    ConditionVerdict.FAIL: "status-bad",
    ConditionVerdict.JUDGE: "status-warn",
}
PARTS = {ScoreSheet.Part.COMPREHENSIVE, ScoreSheet.Part.ONSITE}
# Reversing once and filling in each row's keys keeps reverse() out of the row loops.
ROUND_PLACEHOLDER = "2147483646"
APPLICATION_PLACEHOLDER = "2147483647"


def _percent(fraction) -> str:
    return format((fraction * 100).normalize(), "f")


def _plain(value) -> str:
    return format(value.normalize(), "f") if value is not None else ""


def _sheet_state(sheet: ScoreSheet | None) -> dict:
    if sheet is None:
        return {"label": "评分未开始", "css": ""}
    label = sheet.get_state_display()
    if sheet.state == ScoreSheet.State.DRAFT and sheet.reopened_reason:
        label = "已退回重评"
    return {"label": label, "css": SHEET_STATE_CSS.get(sheet.state, "")}


# --- The expert's work list ------------------------------------------------------------------------


@capability_required(SCORE)
@require_safe
def my_work(request):
    sheet_url = reverse("evaluation:sheet", args=[int(ROUND_PLACEHOLDER), int(APPLICATION_PLACEHOLDER)])
    chair_url = reverse("evaluation:chair", args=[int(ROUND_PLACEHOLDER)])
    rounds = []
    for work in domain.my_rounds(request.user):
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
                "state_css": COMMITTEE_STATE_CSS.get(committee.state, ""),
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
        Committee.objects.select_related("round__policy", "chair"), round_id=round_pk
    )
    application = get_object_or_404(
        Application.objects.select_related("round__policy", "enterprise"),
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
        return {} if points is None else {domain.ONSITE_FIELD: _plain(points)}
    return {domain.criterion_field(s.criterion_id): _plain(s.points) for s in sheet.scores.all()}


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
            "max": _plain(c.max_points),
            "points": _plain(own_points.get(c.pk)),
            "field": comprehensive_form[domain.criterion_field(c.pk)] if comprehensive_form else None,
        }
        for c in criteria
    ]
    onsite_points = (
        next((s.points for s in onsite.scores.all() if s.criterion_id is None), None) if onsite else None
    )
    round_id, application_id = committee.round_id, application.pk
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
            "verdict_css": VERDICT_CSS[c.verdict],
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
        "scheme_note": DEFAULT_TEMPLATE_NOTE if scheme and scheme.from_default_template else "",
        "comprehensive_max": _plain(sum((c.max_points for c in criteria), Decimal("0"))),
        "onsite_max": _plain(scheme.onsite_max) if scheme else "",
        "weights": {
            "comprehensive": _percent(scheme.comprehensive_weight),
            "onsite": _percent(scheme.onsite_weight),
        }
        if scheme
        else {},
        "criteria_rows": criteria_rows,
        "comprehensive": comprehensive,
        "comprehensive_state": _sheet_state(comprehensive) if scoring or comprehensive else None,
        "onsite": onsite,
        "onsite_state": _sheet_state(onsite) if scoring or onsite else None,
        "onsite_points": _plain(onsite_points),
        "comprehensive_total": _plain(comprehensive.total) if comprehensive else "",
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
        except EvaluationError as exc:
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
        domain.sheet_save(actor=request.user, sheet=own, points=points)
        if action == "submit":
            own = domain.sheet_submit(actor=request.user, sheet=own)
    except EvaluationError as exc:
        # A value's error goes beside its input (nothing was saved); any other refusal is a message above the
        # page as it now stands (an incomplete submit keeps the draft just saved).
        if exc.field in form.fields:
            form.add_error(exc.field, exc.message)
            return _sheet_page(request, committee, member, application, **forms_)
        messages.error(request, exc.message)
        return here
    label = own.get_part_display()
    if action == "submit":
        messages.success(
            request, f"已提交{application.name}的{label}评分表，合计{_plain(own.total)}分。提交后不能修改。"
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
        except EvaluationError as exc:
            add_selection_error(form, exc)
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
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError:
        raise Http404("文件不存在。") from None
    response = FileResponse(
        handle, as_attachment=True, filename=evidence.original_name, content_type=evidence.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    patch_cache_control(response, private=True, no_store=True)
    return response


# --- The chair's page ------------------------------------------------------------------------------


def _chair_committee(request, round_pk: int) -> Committee:
    """The committee for its chair; 403 for another member, 404 for anyone outside it."""
    committee = get_object_or_404(
        Committee.objects.select_related("round__policy", "chair__user"), round_id=round_pk
    )
    if is_chair(request.user, committee):
        return committee
    if is_member(request.user, committee):
        raise PermissionDenied("只有评审委员会主任可以查看评分进度和结束评分。")
    raise Http404("没有找到该评审委员会。")


def _matrix(progress: domain.ScoringProgress) -> list[dict]:
    """Members × candidates: the state of each member's two sheets for each candidate (never the points)."""
    cells: dict[tuple[int, int], dict[str, domain.SheetState]] = {}
    for s in progress.sheets:
        cells.setdefault((s.member_id, s.application_id), {})[s.part] = s
    rows = []
    for member in progress.members:
        row = []
        for candidate in progress.candidates:
            pair = cells.get((member.pk, candidate.pk), {})
            recused = any(s.recused for s in pair.values())
            row.append(
                {
                    "candidate": candidate.name,
                    "parts": [
                        {
                            "label": "综合" if part == ScoreSheet.Part.COMPREHENSIVE else "现场",
                            "state": pair[part].state_label if part in pair else "",
                            "css": SHEET_STATE_CSS.get(pair[part].state, "") if part in pair else "",
                        }
                        for part in (ScoreSheet.Part.COMPREHENSIVE, ScoreSheet.Part.ONSITE)
                    ]
                    if pair and not recused
                    else [],
                    "recused": recused,
                }
            )
        rows.append({"name": member.name, "cells": row})
    return rows


def _reopen_choices(progress: domain.ScoringProgress) -> list[tuple[int, str]]:
    return [
        (s.pk, f"{s.expert}—{s.candidate}（{s.part_label}，{s.state_label}）")
        for s in progress.sheets
        if s.state != ScoreSheet.State.DRAFT and not s.recused
    ]


def _chair_page(request, committee: Committee, *, reopen_form=None, close_form=None, status: int = 200):
    progress = domain.scoring_progress(committee)
    declarations = [
        {
            "expert": r.member.expert.name,
            "candidate": r.application.name,
            "kind": r.get_kind_display(),
            "declared": r.kind == Recusal.Kind.DECLARED,
            "reason": r.reason,
            "at": r.declared_at,
        }
        for r in Recusal.objects.filter(member__committee=committee)
        .select_related("member__expert", "application")
        .only("kind", "reason", "declared_at", "member__expert__name", "application__name")
        .order_by("-declared_at", "-pk")
    ]
    scoring = committee.state == CommitteeState.SCORING
    scheme = ScoringScheme.objects.filter(round_id=committee.round_id).first()
    try:
        results_url = reverse("evaluation:results", args=[committee.round_id])
    except NoReverseMatch:
        results_url = ""
    round_id = committee.round_id
    reopenable = _reopen_choices(progress)
    context = {
        "committee": committee,
        "round": committee.round,
        "state_css": COMMITTEE_STATE_CSS.get(committee.state, ""),
        "forming": committee.state == CommitteeState.FORMING,
        "scoring": scoring,
        "scheme": scheme,
        "progress": progress,
        "matrix": _matrix(progress),
        "declarations": declarations,
        "missing": [str(m) for m in progress.missing],
        "reopen_form": reopen_form or ReopenForm(choices=reopenable),
        "has_reopenable": bool(reopenable),
        "close_form": close_form or CloseForm(),
        "results_url": results_url
        if committee.state in (CommitteeState.CLOSED, CommitteeState.CONFIRMED)
        else "",
        "urls": {
            "open": reverse("evaluation:scoring_open", args=[round_id]),
            "close": reverse("evaluation:scoring_close", args=[round_id]),
            "reopen": reverse("evaluation:sheet_reopen", args=[round_id]),
            "my_work": reverse("evaluation:my_work"),
        },
    }
    return render(request, "evaluation/scoring/chair.html", context, status=status)


def _refused(request, exc: EvaluationError, round_pk: int):
    """A refusal that belongs to no input (the state changed, the results cannot be computed): a message on
    the page as it now stands."""
    messages.error(request, exc.message)
    return redirect("evaluation:chair", round_pk=round_pk)


@capability_required(SCORE, CHAIR)
@require_safe
def chair(request, round_pk: int):
    return _chair_page(request, _chair_committee(request, round_pk))


@capability_required(SCORE, CHAIR)
@require_POST
def scoring_open(request, round_pk: int):
    committee = _chair_committee(request, round_pk)
    try:
        domain.scoring_open(actor=request.user, round_=committee.round)
    except EvaluationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "评分已开始，各位委员已收到通知。评分方案已冻结。")
    return redirect("evaluation:chair", round_pk=round_pk)


@capability_required(SCORE, CHAIR)
@require_POST
def scoring_close(request, round_pk: int):
    committee = _chair_committee(request, round_pk)
    form = CloseForm(request.POST)
    if form.is_valid():
        try:
            domain.scoring_close(
                actor=request.user, round_=committee.round, reason=form.cleaned_data["reason"]
            )
        except EvaluationError as exc:
            if exc.field not in form.fields:
                return _refused(request, exc, round_pk)
            form.add_error(exc.field, exc.message)
        else:
            messages.success(request, "评分已结束，评审结果已计算。")
            return redirect("evaluation:chair", round_pk=round_pk)
    return _chair_page(request, committee, close_form=form)


@capability_required(SCORE, CHAIR)
@require_POST
def sheet_reopen(request, round_pk: int):
    committee = _chair_committee(request, round_pk)
    progress_choices = _reopen_choices(domain.scoring_progress(committee))
    form = ReopenForm(request.POST, choices=progress_choices)
    if form.is_valid():
        target = ScoreSheet.objects.filter(pk=form.cleaned_data["sheet"], member__committee=committee).first()
        if target is None:
            form.add_error("sheet", "请选择已提交的评分表。")
        else:
            try:
                target = domain.sheet_reopen(
                    actor=request.user, sheet=target, reason=form.cleaned_data["reason"]
                )
            except EvaluationError as exc:
                if exc.field not in form.fields:
                    return _refused(request, exc, round_pk)
                form.add_error(exc.field, exc.message)
            else:
                messages.success(
                    request,
                    f"已退回{target.member.expert.name}对{target.application.name}的{target.get_part_display()}"
                    "评分表，该委员将收到通知。",
                )
                return redirect("evaluation:chair", round_pk=round_pk)
    return _chair_page(request, committee, reopen_form=form)
