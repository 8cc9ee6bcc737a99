"""The candidates' dossiers as the leadership and the government read them before deciding (第10条(六)).

Read-only: the application as the officer reviewed it, personal data masked with no way to reveal it, the
evidence files for download, the automatic checks and the review record. Another authority's round is a 404;
before the round reaches the leadership's decision, a 403.
"""

from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_safe

from chieftech.core.badges import badge_css
from chieftech.core.downloads import upload_download
from chieftech.core.permissions import capability_required, require
from chieftech.selection.domain.applications import deeds_char_count, deeds_note
from chieftech.selection.models import Application, ApplicationState, EvidenceFile, Round
from chieftech.selection.rules import ROUND_VIEW_MATERIALS
from chieftech.selection.selectors import rounds_for
from chieftech.selection.views.officer_review import _checklist_rows, _history

DECIDE = "publicity.decide_leadership"
APPROVE = "publicity.record_government_approval"
NOT_YET = "批次进入审定审批阶段后，方可查阅建议人选的申报材料。"
# The applications the leadership's decision concerns: the list it decides on and what became of it.
DOSSIER_STATES = (
    ApplicationState.PROPOSED,
    ApplicationState.APPROVED,
    ApplicationState.NOT_APPROVED,
    ApplicationState.REMOVED,
)


def _round(request, round_pk: int) -> Round:
    round_ = get_object_or_404(
        rounds_for(request.user, DECIDE, APPROVE).select_related("policy"), pk=round_pk
    )
    require(request.user.has_perm(ROUND_VIEW_MATERIALS, round_), NOT_YET)
    return round_


def _application(round_: Round, pk: int) -> Application:
    application = get_object_or_404(
        Application.objects.filter(round=round_, state__in=DOSSIER_STATES).select_related("enterprise"), pk=pk
    )
    application.round = round_
    return application


@capability_required(DECIDE, APPROVE)
@require_safe
def dossier(request, round_pk: int, pk: int):
    round_ = _round(request, round_pk)
    application = _application(round_, pk)
    evidence = [
        {
            "name": e.original_name,
            "kind": e.get_kind_display(),
            "size_kb": max(1, round(e.size / 1024)),
            "uploaded_at": e.uploaded_at,
            "url": reverse("selection:dossier_evidence", args=[round_.pk, application.pk, e.pk]),
        }
        for e in application.evidence.all()
    ]
    context = {
        "application": application,
        "round": round_,
        "enterprise": application.enterprise,
        "state_css": badge_css("application", application.state),
        "certificates": list(application.certificates.all()),
        "competitions": list(application.competitions.all()),
        "achievements": list(application.achievements.all()),
        "evidence": evidence,
        "deeds_count": deeds_char_count(application.deeds),
        "deeds_note": deeds_note(text=application.deeds, policy=round_.policy),
        "checklist": _checklist_rows(application, None),
        "history": _history(application),
        "same_person": [],
        "form": None,
        "can_decide": False,
        "can_reveal": False,
        "revealed": {},
        "read_only": True,
        "heading": "申报材料",
        "back_url": reverse("publicity:approval", args=[round_.pk]),
        "back_label": "返回审定审批",
        "form_pdf_url": "",
        "form_docx_url": "",
    }
    return render(request, "selection/officer/review_detail.html", context)


@capability_required(DECIDE, APPROVE)
@require_safe
def dossier_evidence(request, round_pk: int, pk: int, evidence_pk: int):
    """Always a download, never shown inline: the browser must not interpret an uploaded file."""
    round_ = _round(request, round_pk)
    application = _application(round_, pk)
    evidence = get_object_or_404(EvidenceFile, application=application, pk=evidence_pk)
    return upload_download(evidence)
