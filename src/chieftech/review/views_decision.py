"""The officer's side of a re-review: the review page (the 复核申请表, the achievements, the ledger extract,
the duties log, the five checks and the decision form), the decision itself, the files behind the page, and a
campaign's results as a table and as Excel.

Reviews and campaigns are looked up among those of the authorities the officer acts for, so another
authority's is a 404; the decision is review.rules' `review.decide` (403), and asks for confirmation first.
"""

from collections import Counter
from types import SimpleNamespace

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

import chieftech.review.rules  # noqa: F401  (declares the rules asked here)
from chieftech.accounts.roles import authority_ids_for
from chieftech.core.badges import badge_css
from chieftech.core.confirm import confirmation_page, confirmation_require
from chieftech.core.dates import date_zh
from chieftech.core.downloads import document_download, upload_download
from chieftech.core.errors import DomainError, NeedsConfirmation, add_domain_error
from chieftech.core.permissions import capability_required, require
from chieftech.core.pii import mask_id_number
from chieftech.duties.models import ApprenticeCertificate, DutyActivity, MentorshipAgreement
from chieftech.review.documents.results_xlsx import results_workbook
from chieftech.review.domain.checks import (
    VERDICT_LABELS,
    duty_counts_text,
    review_checks_with_certificates,
    review_period_get,
)
from chieftech.review.domain.checks import review_checks_compute as checks_compute
from chieftech.review.domain.decision import OUTCOMES, campaign_results, review_decide
from chieftech.review.forms_decision import DecisionForm
from chieftech.review.models import ReviewAchievement, ReviewCampaign
from chieftech.tenure.models import AnnualReview

MANAGE = "tenure.manage_tenure"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
S = AnnualReview.State
STATE_BADGES = {S.PASSED: "status-ok", S.FAILED: "status-bad"}
DECIDED = (S.PASSED, S.FAILED)
# The review page needs the application's name, occupation and ID number, not its long texts.
_DEFERRED = ("deeds", "apprentices_summary", "enterprise_opinion")


def _reviews(user):
    return AnnualReview.objects.filter(tenure__authority_id__in=authority_ids_for(user, MANAGE))


def _review_lookup(request, pk: int) -> AnnualReview:
    reviews = _reviews(request.user).select_related(
        "tenure__application", "tenure__enterprise", "tenure__policy", "policy", "campaign", "decided_by"
    )
    return get_object_or_404(reviews.defer(*(f"tenure__application__{f}" for f in _DEFERRED)), pk=pk)


def _state(review: AnnualReview) -> dict:
    return {"label": review.get_state_display(), "css": STATE_BADGES.get(review.state, "status-warn")}


# --- The review page ----------------------------------------------------------------------------------------


def _checks(review: AnnualReview, results) -> list[dict]:
    """The five conditions: as decided (the snapshot kept on the review) or as the records show them now."""
    rows = []
    for result in results:
        kept = review.checks.get(str(result.number)) if review.state in DECIDED else None
        auto = kept["auto"] if kept else result.verdict
        final = kept["verdict"] if kept else ""
        rows.append(
            {
                "article": result.article,
                "title": result.title,
                "auto": {"label": VERDICT_LABELS[auto], "css": badge_css("verdict", auto)},
                "reason": kept["auto_reason"] if kept else result.reason,
                "officer_needed": result.officer_needed,
                "final": {"label": VERDICT_LABELS[final], "css": badge_css("verdict", final)}
                if final
                else None,
                "note": kept["note"] if kept else "",
            }
        )
    return rows


def _file_url(review: AnnualReview, kind: str, record) -> str:
    if not record.file:
        return ""
    return reverse("review:review_file", args=[review.pk, kind, record.pk])


def _page(request, review: AnnualReview, *, form: DecisionForm | None = None, status: int = 200):
    results, certificates = review_checks_with_certificates(review=review)
    tenure, application = review.tenure, review.tenure.application
    agreements = MentorshipAgreement.objects.filter(apprentice__tenure_id=tenure.pk).select_related(
        "apprentice"
    )
    start, end = review_period_get(review=review)
    duties = list(
        DutyActivity.objects.filter(tenure_id=tenure.pk, occurred_on__range=(start, end)).order_by(
            "occurred_on", "pk"
        )
    )
    can_decide = request.user.has_perm("review.decide", review)
    context = {
        "review": review,
        "state": _state(review),
        "tenure_status": {"label": tenure.get_status_display(), "css": badge_css("tenure", tenure.status)},
        "name": application.name,
        "id_number": mask_id_number(application.id_number),
        "occupation": application.occupation,
        "enterprise": tenure.enterprise.name,
        "term": f"{date_zh(tenure.starts_on)}至{date_zh(tenure.ends_on)}",
        "period": f"{date_zh(start)}至{date_zh(end)}",
        "declarations": [
            ("无直接责任的生产安全、技术责任事故", review.declared_no_accident),
            ("无违法违纪行为", review.declared_no_violation),
        ],
        "achievements": [
            {"item": a, "url": _file_url(review, "achievement", a)}
            for a in ReviewAchievement.objects.filter(review=review)
        ],
        "agreements": [
            {
                "apprentice": a.apprentice.name,
                "id_number": a.apprentice.id_number_masked,
                "signed_on": date_zh(a.signed_on),
                "ends_on": date_zh(a.ends_on),
                "url": _file_url(review, "agreement", a),
            }
            for a in agreements
        ],
        "certificates": [
            {
                "row": c,
                "issued_on": date_zh(c.issued_on),
                "url": reverse("review:review_file", args=[review.pk, "certificate", c.pk])
                if c.has_file
                else "",
                "duplicates": "、".join(c.duplicate_of),
            }
            for c in certificates
        ],
        "duty_counts": duty_counts_text(Counter(d.kind for d in duties)),
        "duties": [
            {
                "item": d,
                "kind": d.get_kind_display(),
                "day": date_zh(d.occurred_on),
                "url": _file_url(review, "duty", d),
            }
            for d in duties
        ],
        "checks": _checks(review, results),
        "can_decide": can_decide,
        "form": form or DecisionForm(results=results),
        "back_url": reverse("review:results", args=[review.campaign_id]) if review.campaign_id else "",
        "ledger_url": reverse("duties:ledger", args=[tenure.pk]),
        "log_url": reverse("duties:log", args=[tenure.pk]),
    }
    return render(request, "review/decision_review.html", context, status=status)


@never_cache
@require_safe
@capability_required(MANAGE)
def review_detail(request, pk: int):
    return _page(request, _review_lookup(request, pk))


@never_cache
@require_POST
@capability_required(MANAGE)
def review_decide_view(request, pk: int):
    review = _review_lookup(request, pk)
    require(review.state == S.SUBMITTED, f"该复核当前为“{review.get_state_display()}”，不能再作出结论。")
    require(
        request.user.has_perm("review.decide", review),
        "只有本机关的区人社局经办人可以作出复核结论，且不能认定本人或本单位的首席技师。",
    )
    results = checks_compute(reviews=[review])[review.pk]
    form = DecisionForm(request.POST, results=results)
    back = reverse("review:review_detail", args=[review.pk])
    if form.is_valid():
        outcome = form.cleaned_data["outcome"]
        try:
            confirmation_require(request, _question(review, outcome))
            review_decide(
                actor=request.user,
                review=review,
                outcome=outcome,
                verdicts=form.verdicts(),
                reason=form.cleaned_data["reason"],
            )
        except NeedsConfirmation as exc:
            return confirmation_page(request, exc, title="确认复核结论", button="确认复核结论", back_url=back)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, f"已作出“{OUTCOMES[outcome]}”的结论，已通知本人和用人单位。")
            return redirect(back)
    return _page(request, review, form=form, status=400)


def _question(review: AnnualReview, outcome: str) -> str:
    who = f"{review.tenure.application.name}管理期第{review.review_year}年复核"
    if outcome == S.FAILED:
        today = date_zh(timezone.localdate())
        return (
            f"即将对{who}作出“复核未通过”的结论：自{today}起不再保留首席技师称号，停止享受津贴等待遇，"
            "公开查询页面同时显示，并通知本人和用人单位。"
        )
    if outcome == S.RETURNED:
        return f"即将退回{who}的材料补正，补正期限按工作日计算，并通知本人和用人单位。"
    return f"即将对{who}作出“复核通过”的结论，并通知本人和用人单位。"


FILE_KINDS = {
    "achievement": lambda review: ReviewAchievement.objects.filter(review=review),
    "agreement": lambda review: MentorshipAgreement.objects.filter(apprentice__tenure_id=review.tenure_id),
    "certificate": lambda review: ApprenticeCertificate.objects.filter(
        apprentice__tenure_id=review.tenure_id
    ),
    "duty": lambda review: DutyActivity.objects.filter(tenure_id=review.tenure_id),
}


@never_cache
@require_safe
@capability_required(MANAGE)
def review_file(request, pk: int, kind: str, file_pk: int):
    """A file shown on the review page, of the review's own term only."""
    review = get_object_or_404(_reviews(request.user), pk=pk)
    if kind not in FILE_KINDS:
        raise Http404("文件不存在。")
    record = get_object_or_404(FILE_KINDS[kind](review).exclude(file=""), pk=file_pk)
    return upload_download(
        SimpleNamespace(file=record.file, original_name=record.file_name, content_type=record.file_type)
    )


# --- The results of a campaign ------------------------------------------------------------------------------


def _campaign_lookup(request, pk: int) -> ReviewCampaign:
    campaigns = ReviewCampaign.objects.filter(authority_id__in=authority_ids_for(request.user, MANAGE))
    return get_object_or_404(campaigns, pk=pk)


@never_cache
@require_safe
@capability_required(MANAGE)
def results(request, pk: int):
    campaign = _campaign_lookup(request, pk)
    rows = [
        {
            "row": row,
            "url": reverse("review:review_detail", args=[row.review_id]),
            "state_css": STATE_BADGES.get(row.state, "status-warn"),
            "decided_on": date_zh(row.decided_on),
        }
        for row in campaign_results(campaign=campaign)
    ]
    tallies = Counter(item["row"].state_label for item in rows)
    context = {
        "campaign": campaign,
        "rows": rows,
        "tallies": sorted(tallies.items()),
        "xlsx_url": reverse("review:results_xlsx", args=[campaign.pk]),
    }
    return render(request, "review/results_list.html", context)


@never_cache
@require_safe
@capability_required(MANAGE)
def results_xlsx(request, pk: int):
    campaign = _campaign_lookup(request, pk)
    content = results_workbook(
        actor=request.user, campaign=campaign, rows=campaign_results(campaign=campaign)
    )
    return document_download(
        content, content_type=XLSX, filename=f"{campaign.title}复核结果.xlsx", fallback="review-results.xlsx"
    )
