"""The committee's results, the proposed list and its documents (第10条(四)): the chair (as chair) and the
officer, once scoring is closed. A member sees nothing here (403); anyone outside the committee does not learn
the round has one (404)."""

from itertools import pairwise

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from chieftech.core.badges import badge_css
from chieftech.core.confirm import confirmation_page, confirmation_require
from chieftech.core.dates import date_zh
from chieftech.core.downloads import document_download
from chieftech.core.errors import DomainError, NeedsConfirmation, add_domain_error
from chieftech.core.permissions import capability_required, require
from chieftech.evaluation.documents.excel import score_sheets_export
from chieftech.evaluation.documents.pdf import committee_record_export
from chieftech.evaluation.documents.report import results_report
from chieftech.evaluation.domain.results import (
    ResultsAccess,
    proposed_list_confirm,
    proposed_list_update,
    results_access,
)
from chieftech.evaluation.domain.scheme import points_text
from chieftech.evaluation.models import Committee, CommitteeState
from chieftech.evaluation.rules import CHAIR_COMMITTEE, MANAGE_COMMITTEE, SCORE, is_chair
from chieftech.evaluation.selectors import committees_for

PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NOT_YET = "评分结束后，评审结果向评审委员会主任和区人社局经办人开放；批次进入审定审批阶段后，向领导小组和区政府经办人开放。"
# The leadership and the government read the results and the record once the round awaits their decision.
DECIDE = "publicity.decide_leadership"
APPROVE = "publicity.record_government_approval"
READERS = (MANAGE_COMMITTEE, CHAIR_COMMITTEE, SCORE, DECIDE, APPROVE)
NOT_CHAIR = "只有评审委员会主任可以调整和确认建议人选名单。"


class ProposedSizeForm(forms.Form):
    size = forms.IntegerField(label="建议人数", min_value=1)
    reason = forms.CharField(
        label="调整理由",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, quota: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[
            "reason"
        ].help_text = f"本批次选拔名额{quota}人左右（第四条）；建议人数与名额不同时须填写理由。"


def _committee(request, round_pk: int) -> Committee:
    """The round's committee if the user may see its results; 404 outside the committee, 403 otherwise."""
    committees = committees_for(request.user, *READERS)
    committee = (
        committees.select_related("round__policy", "round__authority", "chair")
        .filter(round_id=round_pk)
        .first()
    )
    if committee is None:
        raise Http404
    access = results_access(user=request.user, committee=committee)
    if access is ResultsAccess.HIDDEN:
        raise Http404
    require(access is ResultsAccess.VISIBLE, NOT_YET)
    return committee


def _render_results(
    request, committee: Committee, *, form: ProposedSizeForm | None = None, status: int = 200
):
    report = results_report(committee)
    round_ = committee.round
    plist = report.proposed_list
    can_act = (
        is_chair(request.user, committee) and committee.state == CommitteeState.CLOSED and plist is not None
    )
    if can_act and form is None:
        form = ProposedSizeForm(initial={"size": plist.size, "reason": plist.size_reason}, quota=round_.quota)
    comprehensive_weight, onsite_weight = report.weights
    context = {
        "round": round_,
        "committee": committee,
        "state_css": badge_css("committee", committee.state),
        "report": report,
        "members": report.members,
        "rows": report.rows,
        "tie_notes": _tie_notes(report.rows),
        "criteria": report.criteria,
        "scheme": report.scheme,
        "comprehensive_max": points_text(report.comprehensive_max),
        "onsite_max": points_text(report.scheme.onsite_max),
        "comprehensive_weight": comprehensive_weight,
        "onsite_weight": onsite_weight,
        "aggregation_rule": report.aggregation_rule,
        "ranking_rule": report.ranking_rule,
        "template_note": report.template_note,
        "ranked_by_normalised": report.ranked_by_normalised,
        "flagged": sum(1 for row in report.rows if row.spread_flagged),
        "plist": plist,
        "proposed_names": report.proposed_names,
        "size_differs": plist is not None and plist.size != round_.quota,
        "confirmed_on": date_zh(plist.confirmed_at) if plist else "",
        "closed_on": date_zh(committee.scoring_closed_at),
        "recusals": report.recusals,
        "can_act": can_act,
        "form": form,
        "action_url": reverse("evaluation:proposed_list", args=[round_.pk]),
        # The score sheets stay the committee's and the officer's: the leadership reads the record.
        "xlsx_url": reverse("evaluation:score_sheets_xlsx", args=[round_.pk])
        if request.user.has_perm(MANAGE_COMMITTEE) or is_chair(request.user, committee)
        else "",
        "pdf_url": reverse("evaluation:committee_record_pdf", args=[round_.pk]),
    }
    return render(request, "evaluation/results/results.html", context, status=status)


@capability_required(*READERS)
@require_GET
@never_cache
def results(request, round_pk: int):
    committee = _committee(request, round_pk)
    return _render_results(request, committee)


@capability_required(CHAIR_COMMITTEE)
@require_POST
def proposed_list(request, round_pk: int):
    """POST action=update (size and reason) or action=confirm."""
    committee = _committee(request, round_pk)
    require(is_chair(request.user, committee), NOT_CHAIR)
    round_ = committee.round
    back = reverse("evaluation:results", args=[round_.pk])
    action = request.POST.get("action")
    if action == "confirm":
        try:
            confirmation_require(
                request,
                f"即将确认“{round_.title}”的建议人选名单：名单内候选人列为建议人选，其余候选人未入选，"
                "评审结束，批次进入考察公示阶段。",
            )
            proposed_list_confirm(actor=request.user, round_=round_, now=timezone.now())
        except NeedsConfirmation as exc:
            return confirmation_page(
                request, exc, title="确认建议人选名单", button="确认建议人选名单", back_url=back
            )
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect(back)
        messages.success(request, "建议人选名单已确认，批次进入考察公示阶段。")
        return redirect(back)
    if action != "update":
        messages.error(request, "未知操作。")
        return redirect(back)
    form = ProposedSizeForm(request.POST, quota=round_.quota)
    if form.is_valid():
        try:
            proposed_list_update(
                actor=request.user,
                round_=round_,
                size=form.cleaned_data["size"],
                reason=form.cleaned_data["reason"],
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, "建议人数已更新。")
            return redirect(back)
    committee.refresh_from_db()
    return _render_results(request, committee, form=form)


@capability_required(MANAGE_COMMITTEE, CHAIR_COMMITTEE, SCORE)
@require_GET
@never_cache
def score_sheets_xlsx(request, round_pk: int):
    committee = _committee(request, round_pk)
    download = score_sheets_export(actor=request.user, committee=committee)
    return document_download(
        download.content,
        content_type=XLSX,
        filename=download.filename,
        fallback=f"score-sheets-{round_pk}.xlsx",
    )


@capability_required(*READERS)
@require_GET
@never_cache
def committee_record_pdf(request, round_pk: int):
    committee = _committee(request, round_pk)
    download = committee_record_export(actor=request.user, committee=committee)
    return document_download(
        download.content,
        content_type=PDF,
        filename=download.filename,
        fallback=f"committee-record-{round_pk}.pdf",
    )


def _tie_notes(rows) -> list[dict]:
    """Why a candidate stands below the one just above with the same score. A result's tie-break names the rule
    that put the candidate above ahead, so the note speaks of that one: "第5名林晓静排在第6名郭振宇之前：…"."""
    return [
        {
            "application_id": row.application_id,
            "text": f"第{above.rank}名{above.name}排在第{row.rank}名{row.name}之前：{row.tie_break}。",
        }
        for above, row in pairwise(rows)
        if row.tie_break
    ]
