"""The officer's round pages: create, edit and publish the call (第10条(一)), start the review."""

from collections import defaultdict

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from chieftech.accounts.roles import acting_authority_for
from chieftech.core.badges import badge_css
from chieftech.core.confirm import confirmation_page, confirmation_require
from chieftech.core.dates import date_zh
from chieftech.core.errors import DomainError, NeedsConfirmation, add_domain_error
from chieftech.core.permissions import capability_required
from chieftech.policy.domain import policy_in_force
from chieftech.selection.domain import rounds as round_domain
from chieftech.selection.domain.rounds import (
    ROUND_TRANSITIONS,
    round_publish_call,
    round_transition,
    round_update,
)
from chieftech.selection.forms_officer import (
    RoundCancelForm,
    RoundCreateForm,
    RoundEditForm,
)
from chieftech.selection.models import (
    Application,
    ApplicationState,
    Round,
    RoundState,
)
from chieftech.selection.selectors import rounds_for
from chieftech.selection.views.officer_common import (
    COUNTED_STATES,
    MANAGE_ROUND,
)

# --- Rounds ---------------------------------------------------------------------------------------


def _state_counts(rounds: list[Round]) -> dict[int, dict[str, int]]:
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    rows = (
        Application.objects.filter(round__in=[r.pk for r in rounds])
        .values_list("round_id", "state")
        .annotate(n=Count("id"))
        .order_by()
    )
    for round_id, state, n in rows:
        counts[round_id][state] = n
    return counts


def _count_cells(counts: dict[str, int]) -> list[dict]:
    return [
        {"state": state, "label": ApplicationState(state).label, "n": counts.get(state, 0)}
        for state in COUNTED_STATES
    ]


@capability_required(MANAGE_ROUND)
def round_list(request):
    rounds = list(rounds_for(request.user, MANAGE_ROUND).select_related("policy").order_by("-year", "-id"))
    counts = _state_counts(rounds)
    rows = [
        {
            "title": r.title,
            "url": reverse("selection:round_detail", args=[r.pk]),
            "year": r.year,
            "state": r.get_state_display(),
            "state_css": badge_css("round", r.state),
            "is_demo": r.is_demo,
            "window": f"{r.application_opens_on:%Y-%m-%d} 至 {r.application_deadline:%Y-%m-%d}",
            "counts": _count_cells(counts[r.pk]),
            "total": sum(n for s, n in counts[r.pk].items() if s != ApplicationState.DRAFT),
            "queue_url": reverse("selection:review_queue", args=[r.pk])
            if r.state != RoundState.DRAFT
            else "",
        }
        for r in rounds
    ]
    return render(
        request,
        "selection/officer/round_list.html",
        {"rows": rows, "count_headers": [ApplicationState(s).label for s in COUNTED_STATES]},
    )


def _policy_quota(authority) -> int | None:
    try:
        return policy_in_force(authority=authority, on=timezone.localdate()).quota_per_round
    except DomainError:
        return None


@capability_required(MANAGE_ROUND)
def round_create(request):
    authority = acting_authority_for(request.user, MANAGE_ROUND)
    quota = _policy_quota(authority)
    form = RoundCreateForm(request.POST or None, policy_quota=quota, initial={"quota": quota})
    warning = ""
    if request.method == "POST" and form.is_valid():
        data = form.round_data()
        try:
            round_ = round_domain.round_create(
                actor=request.user, authority=authority, confirmed=form.cleaned_data["confirmed"], **data
            )
        except NeedsConfirmation as exc:
            warning = exc.message
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, f"已创建批次“{round_.title}”，申报通知正文已按政策生成，请核对后发布。")
            return redirect("selection:round_detail", pk=round_.pk)
    return render(
        request, "selection/officer/round_form.html", {"form": form, "warning": warning, "round": None}
    )


def _round_or_404(request, pk: int) -> Round:
    rounds = rounds_for(request.user, MANAGE_ROUND).select_related("policy", "created_by")
    return get_object_or_404(rounds, pk=pk)


# The later stages' pages, by the state from which each makes sense (the pages check their own rules).
STAGE_LINKS: list[tuple[str, str, set[str]]] = [
    ("评审委员会", "evaluation:committee", {RoundState.REVIEW, RoundState.EVALUATION}),
    ("评分方案", "evaluation:scheme", {RoundState.REVIEW, RoundState.EVALUATION}),
    (
        "评审结果",
        "evaluation:results",
        {RoundState.EVALUATION, RoundState.NOTICE, RoundState.APPROVAL, RoundState.PUBLISHED},
    ),
    ("考察公示", "publicity:notice_manage", {RoundState.NOTICE, RoundState.APPROVAL, RoundState.PUBLISHED}),
    ("公示异议", "publicity:objection_list", {RoundState.NOTICE, RoundState.APPROVAL, RoundState.PUBLISHED}),
    ("审定与批准", "publicity:approval", {RoundState.APPROVAL, RoundState.PUBLISHED}),
    ("证书（批量打印）", "certificates:round_batch_pdf", {RoundState.APPROVAL, RoundState.PUBLISHED}),
]


def _stage_links(round_: Round) -> list[dict]:
    return [
        {"label": label, "url": reverse(name, args=[round_.pk])}
        for label, name, states in STAGE_LINKS
        if round_.state in states
    ]


@capability_required(MANAGE_ROUND)
def round_detail(request, pk: int):
    round_ = _round_or_404(request, pk)
    policy = round_.policy
    counts = _state_counts([round_])[round_.pk]
    allowed = ROUND_TRANSITIONS[round_.state]
    timeline = [
        ("申报时间", f"{date_zh(round_.application_opens_on)}至{date_zh(round_.application_deadline)}24时"),
        ("资格审查", f"{date_zh(round_.review_ends_on)}前完成"),
        ("专家评审", f"{date_zh(round_.evaluation_ends_on)}前完成"),
        ("年龄计算基准日", date_zh(round_.age_reference_date)),
    ]
    context = {
        "round": round_,
        "state_css": badge_css("round", round_.state),
        "policy": policy,
        "policy_url": reverse("policy:policy_detail", args=[policy.pk]),
        "timeline": timeline,
        "counts": _count_cells(counts),
        "quota_differs": round_.quota != policy.quota_per_round,
        "can_edit": round_.state == RoundState.DRAFT,
        "can_publish": RoundState.OPEN in allowed,
        "can_start_review": RoundState.REVIEW in allowed,
        "can_start_evaluation": RoundState.EVALUATION in allowed and round_.state == RoundState.REVIEW,
        "stage_links": _stage_links(round_),
        "can_cancel": RoundState.CANCELLED in allowed,
        "has_queue": round_.state != RoundState.DRAFT,
        "public_url": reverse("portal:call_detail", args=[round_.pk])
        if round_.state != RoundState.DRAFT
        else "",
    }
    return render(request, "selection/officer/round_detail.html", context)


@capability_required(MANAGE_ROUND)
def round_edit(request, pk: int):
    round_ = _round_or_404(request, pk)
    if round_.state != RoundState.DRAFT:
        raise PermissionDenied("申报通知发布后，批次信息不能再修改。")
    initial = {
        name: getattr(round_, name)
        for name in RoundEditForm.base_fields
        if name not in ("regenerate_call_text", "age_reference_date")
    }
    # A reference date equal to the deadline is the default: left blank, it follows a changed deadline.
    if round_.age_reference_date != round_.application_deadline:
        initial["age_reference_date"] = round_.age_reference_date
    form = RoundEditForm(request.POST or None, initial=initial, policy_quota=round_.policy.quota_per_round)
    if request.method == "POST" and form.is_valid():
        try:
            round_update(
                actor=request.user,
                round_=round_,
                data=form.round_data(),
                regenerate_call_text=form.cleaned_data["regenerate_call_text"],
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, "批次信息已保存。")
            return redirect("selection:round_detail", pk=round_.pk)
    return render(
        request, "selection/officer/round_form.html", {"form": form, "warning": "", "round": round_}
    )


@capability_required(MANAGE_ROUND)
@require_POST
def round_publish(request, pk: int):
    round_ = _round_or_404(request, pk)
    try:
        confirmation_require(
            request,
            f"即将发布“{round_.title}”的申报通知：通知正文在门户网站“申报通知”栏目公开，企业即可开始填报，"
            "发布后通知正文和申报日期不能再修改。",
        )
        round_publish_call(actor=request.user, round_=round_)
    except NeedsConfirmation as exc:
        return confirmation_page(
            request,
            exc,
            title="发布申报通知",
            button="确认发布",
            back_url=reverse("selection:round_detail", args=[round_.pk]),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "申报通知已发布，门户网站“申报通知”栏目已公开，企业可以开始填报。")
    return redirect("selection:round_detail", pk=round_.pk)


@capability_required(MANAGE_ROUND)
@require_POST
def round_start_review(request, pk: int):
    round_ = _round_or_404(request, pk)
    try:
        round_transition(actor=request.user, round_=round_, to_state=RoundState.REVIEW)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "申报已截止，批次进入资格审查阶段。")
    return redirect("selection:round_detail", pk=round_.pk)


@capability_required(MANAGE_ROUND)
@require_POST
def round_start_evaluation(request, pk: int):
    round_ = _round_or_404(request, pk)
    try:
        round_transition(actor=request.user, round_=round_, to_state=RoundState.EVALUATION)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "资格审查已结束，批次进入专家评审阶段。")
    return redirect("selection:round_detail", pk=round_.pk)


@capability_required(MANAGE_ROUND)
def round_cancel(request, pk: int):
    round_ = _round_or_404(request, pk)
    form = RoundCancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            round_transition(
                actor=request.user,
                round_=round_,
                to_state=RoundState.CANCELLED,
                reason=form.cleaned_data["reason"],
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, f"批次“{round_.title}”已撤销。")
            return redirect("selection:round_detail", pk=round_.pk)
    return render(request, "selection/officer/round_cancel.html", {"round": round_, "form": form})
