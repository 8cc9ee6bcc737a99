"""The chair's page: progress of scoring (who has submitted what, never the points), declarations, and the
chair's actions: open scoring, send a sheet back, close scoring.

Only the committee's chair gets in: another member gets 403, anyone outside the committee 404.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from chieftech.core.badges import badge_css
from chieftech.core.errors import DomainError, add_domain_error
from chieftech.core.permissions import capability_required
from chieftech.evaluation.domain import scoring as domain
from chieftech.evaluation.domain.committee import committee_problems
from chieftech.evaluation.forms_scoring import CloseForm, ReopenForm
from chieftech.evaluation.models import Committee, CommitteeState, Recusal, ScoreSheet, ScoringScheme
from chieftech.evaluation.rules import CHAIR_COMMITTEE, SCORE, is_chair, is_member
from chieftech.evaluation.selectors import (
    ScoringProgress,
    SheetState,
    committees_for,
    missing_by_expert,
    scoring_progress,
)


def _chair_committee(request, round_pk: int) -> Committee:
    """The committee for its chair; 403 for another member, 404 for anyone outside it."""
    committee = get_object_or_404(
        committees_for(request.user, SCORE, CHAIR_COMMITTEE).select_related(
            "round__policy", "round__authority", "chair__user"
        ),
        round_id=round_pk,
    )
    if is_chair(request.user, committee):
        return committee
    if is_member(request.user, committee):
        raise PermissionDenied("只有评审委员会主任可以查看评分进度和结束评分。")
    raise Http404("没有找到该评审委员会。")


def _matrix(progress: ScoringProgress) -> list[dict]:
    """Candidates × members: the state of each member's two sheets for each candidate (never the points). A row
    per candidate, as a round has more candidates than a committee has members: the table stays narrow."""
    cells: dict[tuple[int, int], dict[str, SheetState]] = {}
    for s in progress.sheets:
        cells.setdefault((s.member_id, s.application_id), {})[s.part] = s
    rows = []
    for candidate in progress.candidates:
        row = []
        for member in progress.members:
            pair = cells.get((member.pk, candidate.pk), {})
            recused = (member.pk, candidate.pk) in progress.recused
            row.append(
                {
                    "parts": [
                        {
                            "label": "综合" if part == ScoreSheet.Part.COMPREHENSIVE else "现场",
                            "state": pair[part].state_label if part in pair else "",
                            "css": badge_css("score_sheet", pair[part].state) if part in pair else "",
                        }
                        for part in (ScoreSheet.Part.COMPREHENSIVE, ScoreSheet.Part.ONSITE)
                    ]
                    if pair and not recused
                    else [],
                    "recused": recused,
                }
            )
        rows.append({"name": candidate.name, "cells": row})
    return rows


def _reopen_choices(progress: ScoringProgress) -> list[tuple[int, str]]:
    return [
        (s.pk, f"{s.expert}—{s.candidate}（{s.part_label}，{s.state_label}）")
        for s in progress.sheets
        if s.state != ScoreSheet.State.DRAFT and not s.recused
    ]


def _chair_page(request, committee: Committee, *, reopen_form=None, close_form=None, status: int = 200):
    progress = scoring_progress(committee)
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
    forming = committee.state == CommitteeState.FORMING
    scoring = committee.state == CommitteeState.SCORING
    scheme = ScoringScheme.objects.filter(round_id=committee.round_id).first()
    round_id = committee.round_id
    reopenable = _reopen_choices(progress)
    context = {
        "committee": committee,
        "round": committee.round,
        "state_css": badge_css("committee", committee.state),
        "forming": forming,
        "problems": committee_problems(committee) if forming else [],
        "scoring": scoring,
        "scheme": scheme,
        "progress": progress,
        "matrix": _matrix(progress),
        "declarations": declarations,
        "missing_count": len(progress.missing),
        "missing": [str(group) for group in missing_by_expert(progress.missing)],
        "reopen_form": reopen_form or ReopenForm(choices=reopenable),
        "has_reopenable": bool(reopenable),
        "close_form": close_form or CloseForm(),
        "results_url": reverse("evaluation:results", args=[round_id])
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


def _refused(request, exc: DomainError, round_pk: int):
    """A refusal that belongs to no input (the state changed, the results cannot be computed): a message on
    the page as it now stands."""
    messages.error(request, exc.message)
    return redirect("evaluation:chair", round_pk=round_pk)


@capability_required(SCORE, CHAIR_COMMITTEE)
@require_safe
def chair(request, round_pk: int):
    return _chair_page(request, _chair_committee(request, round_pk))


@capability_required(SCORE, CHAIR_COMMITTEE)
@require_POST
def scoring_open(request, round_pk: int):
    committee = _chair_committee(request, round_pk)
    try:
        domain.scoring_open(actor=request.user, round_=committee.round)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "评分已开始，各位委员已收到通知。评分方案已冻结。")
    return redirect("evaluation:chair", round_pk=round_pk)


@capability_required(SCORE, CHAIR_COMMITTEE)
@require_POST
def scoring_close(request, round_pk: int):
    committee = _chair_committee(request, round_pk)
    form = CloseForm(request.POST)
    if form.is_valid():
        try:
            domain.scoring_close(
                actor=request.user, round_=committee.round, reason=form.cleaned_data["reason"]
            )
        except DomainError as exc:
            if exc.field not in form.fields:
                return _refused(request, exc, round_pk)
            add_domain_error(form, exc)
        else:
            messages.success(request, "评分已结束，评审结果已计算。")
            return redirect("evaluation:chair", round_pk=round_pk)
    return _chair_page(request, committee, close_form=form)


@capability_required(SCORE, CHAIR_COMMITTEE)
@require_POST
def sheet_reopen(request, round_pk: int):
    committee = _chair_committee(request, round_pk)
    progress_choices = _reopen_choices(scoring_progress(committee))
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
            except DomainError as exc:
                if exc.field not in form.fields:
                    return _refused(request, exc, round_pk)
                add_domain_error(form, exc)
            else:
                messages.success(
                    request,
                    f"已退回{target.member.expert.name}对{target.application.name}的{target.get_part_display()}"
                    "评分表，该委员将收到通知。",
                )
                return redirect("evaluation:chair", round_pk=round_pk)
    return _chair_page(request, committee, reopen_form=form)
