"""The officer's pages of the re-review: the reviews due and opened, opening one, a campaign's reviews.

Rounds and campaigns are looked up among the authorities where the officer keeps the terms, so another
authority's are a 404; the actions are the rules of review/rules.py (403).
"""

from django.contrib import messages
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from chieftech.accounts.roles import acting_authority_for, authority_ids_for
from chieftech.core.badges import BAD, OK, WARN
from chieftech.core.confirm import confirmation_page, confirmation_require
from chieftech.core.dates import date_zh, datetime_zh
from chieftech.core.errors import DomainError, NeedsConfirmation
from chieftech.core.permissions import capability_required, require
from chieftech.review.domain.campaigns import DECIDED, review_campaign_close, review_campaign_open
from chieftech.review.domain.schedule import reviews_due
from chieftech.review.forms_material import CampaignOpenForm
from chieftech.review.models import CampaignState, ReviewCampaign
from chieftech.selection.models import Round
from chieftech.tenure.models import AnnualReview

MANAGE = "tenure.manage_tenure"
REVIEW_BADGES = {
    AnnualReview.State.PENDING: WARN,
    AnnualReview.State.SUBMITTED: WARN,
    AnnualReview.State.RETURNED: WARN,
    AnnualReview.State.PASSED: OK,
    AnnualReview.State.FAILED: BAD,
}
CAMPAIGN_BADGES = {CampaignState.OPEN: WARN, CampaignState.CLOSED: OK}


def _campaigns(user):
    return ReviewCampaign.objects.filter(authority_id__in=authority_ids_for(user, MANAGE))


@capability_required(MANAGE)
@require_safe
def campaign_list(request):
    authority = acting_authority_for(request.user, MANAGE)
    today = timezone.localdate()
    rows = []
    for item in reviews_due(authority=authority, today=today):
        campaign = item.campaign
        rows.append(
            {
                "round": item.round.title,
                "year": f"管理期第{item.review_year}年",
                "period": f"{date_zh(item.period_start)}至{date_zh(item.period_end)}",
                "terms": item.terms,
                "round_pk": item.round.pk,
                "review_year": item.review_year,
                "campaign": None
                if campaign is None
                else {
                    "title": campaign.title,
                    "deadline": date_zh(campaign.deadline),
                    "state": campaign.get_state_display(),
                    "css": CAMPAIGN_BADGES[campaign.state],
                    "url": reverse("review:campaign_detail", args=[campaign.pk]),
                },
            }
        )
    context = {"authority": authority, "rows": rows, "open_url": reverse("review:campaign_open")}
    return render(request, "review/campaign_list.html", context)


@capability_required(MANAGE)
@require_POST
def campaign_open(request):
    back = reverse("review:campaign_list")
    form = CampaignOpenForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请从待开启的复核中选择一项。")
        return redirect(back)
    rounds = Round.objects.filter(authority_id__in=authority_ids_for(request.user, MANAGE)).select_related(
        "policy"
    )
    round_ = get_object_or_404(rounds, pk=form.cleaned_data["round"])
    year = form.cleaned_data["review_year"]
    try:
        confirmation_require(
            request,
            f"即将开启{round_.title}管理期第{year}年的复核认定：为该批次在管理期内的每位首席技师建立复核事项，"
            f"按工作日计算材料报送截止日期，并通知本人和所在单位报送材料。",
        )
        campaign = review_campaign_open(actor=request.user, round_=round_, review_year=year)
    except NeedsConfirmation as exc:
        return confirmation_page(request, exc, title="开启复核认定", button="确认开启复核", back_url=back)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(back)
    messages.success(
        request,
        f"已开启{campaign.title}，共{campaign.reviews.count()}人，材料报送截止日期为{date_zh(campaign.deadline)}。",
    )
    return redirect("review:campaign_detail", pk=campaign.pk)


@capability_required(MANAGE)
@require_safe
def campaign_detail(request, pk: int):
    campaign = get_object_or_404(
        _campaigns(request.user)
        .select_related("round", "policy")
        .annotate(undecided=Count("reviews", filter=~Q(reviews__state__in=DECIDED))),
        pk=pk,
    )
    require(request.user.has_perm("review.campaign_view", campaign))
    reviews = (
        AnnualReview.objects.filter(campaign=campaign)
        .select_related("tenure__application", "tenure__enterprise")
        .only(
            "state",
            "deadline",
            "submitted_at",
            "submitted_as",
            "returned_count",
            "tenure__application__name",
            "tenure__application__occupation",
            "tenure__enterprise__name",
        )
        .order_by("tenure__application__name", "pk")
    )
    rows = [
        {
            "pk": review.pk,
            "name": review.tenure.application.name,
            "occupation": review.tenure.application.occupation,
            "enterprise": review.tenure.enterprise.name,
            "state": review.get_state_display(),
            "css": REVIEW_BADGES[review.state],
            "deadline": date_zh(review.deadline),
            "submitted_at": datetime_zh(review.submitted_at),
            "submitted_as": review.get_submitted_as_display(),
            "detail_url": reverse("review:review_detail", args=[review.pk]),
            "detail_label": "审核" if review.state == AnnualReview.State.SUBMITTED else "查看",
        }
        for review in reviews
    ]
    counts = {state.label: sum(1 for r in rows if r["state"] == state.label) for state in AnnualReview.State}
    context = {
        "campaign": campaign,
        "state": {"label": campaign.get_state_display(), "css": CAMPAIGN_BADGES[campaign.state]},
        "period": f"{date_zh(campaign.period_start)}至{date_zh(campaign.period_end)}",
        "deadline": date_zh(campaign.deadline),
        "opened_at": datetime_zh(campaign.opened_at),
        "rows": rows,
        "results_url": reverse("review:results", args=[campaign.pk]),
        "counts": [(label, n) for label, n in counts.items() if n],
        "close_url": reverse("review:campaign_close", args=[campaign.pk])
        if campaign.state == CampaignState.OPEN and not campaign.undecided and rows
        else "",
    }
    return render(request, "review/campaign_detail.html", context)


@capability_required(MANAGE)
@require_POST
def campaign_close(request, pk: int):
    campaign = get_object_or_404(_campaigns(request.user), pk=pk)
    back = reverse("review:campaign_detail", args=[campaign.pk])
    try:
        confirmation_require(request, f"即将结束{campaign.title}。结束后不再处理本次复核的材料。")
        review_campaign_close(actor=request.user, campaign=campaign)
    except NeedsConfirmation as exc:
        return confirmation_page(request, exc, title="结束复核认定工作", button="确认结束", back_url=back)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(back)
    messages.success(request, f"{campaign.title}已结束。")
    return redirect(back)
