"""The chief technician's own account: the officer's invitation, and the holder's own pages under /tenure/me/.

The holder's pages take no tenure id from the address: the term is the one linked to the signed-in account
(`Tenure.user`), so no other holder's term can even be named. A technician account without a term (not yet
linked, or the term since reassigned) gets a page saying so.
"""

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from chieftech.core.badges import BAD, OK, WARN, badge_css
from chieftech.core.dates import date_zh, month_zh
from chieftech.core.errors import DomainError, add_domain_error
from chieftech.core.permissions import capability_required
from chieftech.core.pii import mask_phone
from chieftech.policy.calendar import end_of_day
from chieftech.revocation.models import CaseKind, CaseState, RevocationCase
from chieftech.subsidy.domain.entitlement import MonthState, entitlements_compute
from chieftech.subsidy.domain.tax import ZERO
from chieftech.subsidy.models import PayrollLine, PayrollMonth, Recovery
from chieftech.subsidy.payment_rows import holder_lines, line_row, yuan
from chieftech.tenure.domain.holders import holder_account_state, holder_invite
from chieftech.tenure.domain.status_meaning import tenure_status_meaning
from chieftech.tenure.forms import HolderInviteForm
from chieftech.tenure.models import AnnualReview, StatusChange, Tenure
from chieftech.tenure.views import _DEFERRED, MANAGE_TENURE, _tenures

# The technician's one capability (accounts.roles): only the chief technician's own account holds it.
HOLDER = "tenure.log_activity"

REVIEW_BADGES = {AnnualReview.State.PASSED: OK, AnnualReview.State.FAILED: BAD}
RECOVERY_BADGES = {Recovery.State.OPEN: BAD, Recovery.State.OFFSET: OK, Recovery.State.REFUNDED: OK}

ACCOUNT_STATES = {
    "none": "未开通",
    "invited": "已发送激活链接，本人尚未设置密码",
    "active": "已开通（本人已设置密码）",
    "deactivated": "已停用",
}


# --- The officer's invitation ---------------------------------------------------------------------


@capability_required(MANAGE_TENURE)
def holder_invite_view(request, pk: int):
    tenure = get_object_or_404(_tenures(request.user).select_related("user"), pk=pk)
    url = reverse("tenure:holder_invite", args=[tenure.pk])
    if request.method == "POST":
        form = HolderInviteForm(request.POST)
        if form.is_valid():
            try:
                invitation = holder_invite(
                    actor=request.user,
                    tenure=tenure,
                    channel=form.cleaned_data["channel"],
                    email=form.cleaned_data["email"],
                )
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(
                    request,
                    f"已发送：激活链接已通过{invitation.channel_label}发送至{invitation.address_masked}，"
                    f"由{tenure.application.name}本人打开并设置密码（登录用户名：{invitation.user.username}）。",
                )
                return redirect(url)
    else:
        form = HolderInviteForm(initial={"channel": "sms"})
    state = holder_account_state(tenure)
    context = {
        "form": form,
        "name": tenure.application.name,
        "round": tenure.application.round.title,
        "enterprise": tenure.enterprise.name,
        "term": f"{date_zh(tenure.starts_on)}至{date_zh(tenure.ends_on)}",
        "status": tenure.get_status_display(),
        "status_css": badge_css("tenure", tenure.status),
        "phone": mask_phone(tenure.application.phone),
        "username": tenure.user.username if tenure.user else "",
        "account_state": ACCOUNT_STATES[state],
        "may_invite": state in ("none", "invited"),
        "invited": state == "invited",
    }
    return render(request, "tenure/holder_invite.html", context)


# --- The holder's own pages -----------------------------------------------------------------------


def own_tenure(user, *related: str) -> Tenure | None:
    """The term linked to the signed-in account, or None."""
    return (
        Tenure.objects.filter(user_id=user.pk)
        .select_related("application__round", "enterprise", "authority", *related)
        .defer(*_DEFERRED)
        .first()
    )


def _no_tenure(request):
    return render(request, "tenure/holder_none.html")


def _certificate(tenure: Tenure):
    try:
        certificate = tenure.certificate
    except ObjectDoesNotExist:
        return None
    return None if certificate.withdrawn_at else certificate


def _revocation_banner(tenure: Tenure) -> dict | None:
    """The holder's open revocation case (第十七条): where to state their case, and until when; one query."""
    case = (
        RevocationCase.objects.filter(tenure=tenure, kind=CaseKind.REVOKE, state=CaseState.OPEN)
        .only("pk", "opened_at", "statement_deadline", "statement_at")
        .first()
    )
    if case is None:
        return None
    opened = f"您有一项取消首席技师资格的调查（立案日期{date_zh(case.opened_at)}）"
    if case.statement_at is not None:
        text = f"{opened}，陈述申辩已提交"
    elif timezone.now() > end_of_day(case.statement_deadline):
        text = f"{opened}，陈述申辩期已于{date_zh(case.statement_deadline)}24时届满"
    else:
        text = f"{opened}，请于{date_zh(case.statement_deadline)}24时前提交陈述申辩"
    return {"text": text, "url": reverse("revocation:statement", args=[case.pk])}


def _term(tenure: Tenure) -> dict:
    certificate = _certificate(tenure)
    return {
        "name": tenure.application.name,
        "round": tenure.application.round.title,
        "occupation": tenure.application.occupation,
        "certificate": certificate.number if certificate else "",
        "term": f"{date_zh(tenure.starts_on)}至{date_zh(tenure.ends_on)}",
        "status": tenure.get_status_display(),
        "status_css": badge_css("tenure", tenure.status),
        "status_since": date_zh(tenure.status_since),
        "enterprise": tenure.enterprise.name,
        "authority": tenure.authority.bureau_name,
    }


@capability_required(HOLDER)
@require_safe
def holder_home(request):
    tenure = own_tenure(request.user, "certificate", "policy")
    if tenure is None:
        return _no_tenure(request)
    changes = [
        {
            "kind": change.get_kind_display(),
            "effective_on": date_zh(change.effective_on),
            "reason": change.reason,
            "state": change.get_state_display(),
            "state_css": badge_css("status_change", change.state),
            "decided": date_zh(timezone.localdate(change.decided_at)) if change.decided_at else "",
            "url": reverse("tenure:status_change", args=[change.pk]),
        }
        for change in StatusChange.objects.filter(tenure=tenure).order_by("effective_on", "pk")
    ]
    title_kept, benefits_paid, _ = tenure_status_meaning(tenure)
    return render(
        request,
        "tenure/holder_home.html",
        {
            "t": _term(tenure),
            "meaning": f"{'保留首席技师称号' if title_kept else '不再保留首席技师称号'}，"
            f"{'享受津贴待遇' if benefits_paid else '停止津贴待遇'}",
            "changes": changes,
            "has_certificate": _certificate(tenure) is not None,
            "report_url": reverse("tenure:status_report", args=[tenure.pk]),
            "revocation": _revocation_banner(tenure),
        },
    )


@capability_required(HOLDER)
@require_safe
def holder_payments(request):
    """The holder's subsidy: the lines of approved batches (a draft is the officer's working paper, see
    chieftech.subsidy.payment_rows), the months held now and why, amounts to recover, and each year's totals
    with its annual statement."""
    tenure = own_tenure(request.user, "policy")
    if tenure is None:
        return _no_tenure(request)
    lines = list(holder_lines(tenure))
    years: dict[int, dict] = {}
    for line in lines:
        if line.state == PayrollLine.State.PAID and line.paid_on:
            totals = years.setdefault(
                line.paid_on.year, dict.fromkeys(("gross", "offset", "tax", "net"), ZERO)
            )
            for key in totals:
                totals[key] += getattr(line, key)
    today = timezone.localdate()
    taken = set(PayrollMonth.objects.filter(tenure=tenure, live=True).values_list("month", flat=True))
    entitlement = entitlements_compute(tenures=[tenure], through=today.replace(day=1))[tenure.pk]
    held = [
        {"month": month_zh(slot.month), "reason": slot.reason}
        for slot in entitlement.months
        if slot.state == MonthState.HELD and slot.month not in taken
    ]
    recoveries = [
        {
            "month": month_zh(r.month),
            "amount": yuan(r.amount),
            "reason": r.reason,
            "state": r.get_state_display(),
            "state_css": RECOVERY_BADGES.get(r.state, WARN),
            "settled": _recovery_settled(r),
        }
        for r in Recovery.objects.filter(tenure=tenure).select_related("offset_line__batch").order_by("month")
    ]
    context = {
        "name": tenure.application.name,
        "rows": [line_row(line) for line in lines],
        "held": held,
        "recoveries": recoveries,
        "years": [
            {
                "year": f"{year}年",
                **{key: yuan(value) for key, value in totals.items()},
                "statement_url": reverse("subsidy:holder_statement_pdf", kwargs={"year": year}),
            }
            for year, totals in sorted(years.items(), reverse=True)
        ],
    }
    return render(request, "tenure/holder_payments.html", context)


def _recovery_settled(recovery: Recovery) -> str:
    if recovery.state == Recovery.State.OFFSET and recovery.offset_line is not None:
        return f"已在{recovery.offset_line.batch.number}批次中抵扣"
    if recovery.state == Recovery.State.REFUNDED and recovery.refunded_on:
        return f"{date_zh(recovery.refunded_on)}退回"
    return ""


@capability_required(HOLDER)
@require_safe
def holder_reviews(request):
    tenure = own_tenure(request.user)
    if tenure is None:
        return _no_tenure(request)
    rows = [
        {
            "year": f"管理期第{review.review_year}年",
            "state": review.get_state_display(),
            "state_css": REVIEW_BADGES.get(review.state, WARN),
            "submitted": date_zh(timezone.localdate(review.submitted_at)) if review.submitted_at else "",
            "decided": date_zh(timezone.localdate(review.decided_at)) if review.decided_at else "",
            # The re-review's material and its 复核申请表 (chieftech.review.views_material).
            "material_url": reverse("review:material", args=[review.pk]),
            "deadline": date_zh(review.deadline),
        }
        for review in AnnualReview.objects.filter(tenure=tenure).order_by("review_year")
    ]
    return render(request, "tenure/holder_reviews.html", {"name": tenure.application.name, "rows": rows})
