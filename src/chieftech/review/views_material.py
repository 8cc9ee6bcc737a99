"""The holder's and the enterprise's pages of a re-review: the material (the 复核申请表, the achievements with
their evidence, the ledger's extract), sending it, the evidence files and the 复核申请表 as PDF and Word.

A review is found only by the holder of its term, a user of the enterprise the holder works for now and (for
the files and the form) the officers of the term's authority: anyone else gets 404.
"""

from types import SimpleNamespace

from django.contrib import messages
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from chieftech.accounts.roles import authority_ids_for
from chieftech.core.confirm import confirmation_page, confirmation_require
from chieftech.core.dates import date_zh, datetime_zh
from chieftech.core.downloads import document_download, upload_download
from chieftech.core.errors import DomainError, NeedsConfirmation, add_domain_error
from chieftech.core.permissions import capability_required, require
from chieftech.duties.domain.files import Upload
from chieftech.review.documents.form_docx import review_form_docx
from chieftech.review.documents.form_pdf import review_form_pdf
from chieftech.review.domain.material import (
    review_achievement_add,
    review_achievement_remove,
    review_form_save,
    review_ledger_extract,
    review_submit,
)
from chieftech.review.forms_material import AchievementForm, ReviewFormForm
from chieftech.review.models import ReviewAchievement
from chieftech.review.views_campaigns import MANAGE, REVIEW_BADGES
from chieftech.tenure.models import AnnualReview

HOLDER = "tenure.log_activity"
ENTERPRISE = "tenure.submit_review_material"
PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
TO_CHOICE = {True: "yes", False: "no", None: ""}


def _party_reviews(user):
    """The reviews of the user's own term and of the terms of those who work at the user's enterprise now."""
    query = Q(tenure__user_id=user.pk)
    if user.enterprise_id is not None:
        query |= Q(tenure__enterprise_id=user.enterprise_id)
    return AnnualReview.objects.filter(query)


def _readable_reviews(user):
    """The parties' reviews and those of the authorities where the user keeps the terms."""
    query = Q(tenure__user_id=user.pk) | Q(tenure__authority_id__in=authority_ids_for(user, MANAGE))
    if user.enterprise_id is not None:
        query |= Q(tenure__enterprise_id=user.enterprise_id)
    return AnnualReview.objects.filter(query)


def _party_review(request, pk: int) -> AnnualReview:
    review = get_object_or_404(
        _party_reviews(request.user).select_related(
            "tenure__application", "tenure__enterprise", "tenure__authority", "campaign", "policy"
        ),
        pk=pk,
    )
    require(request.user.has_perm("review.material_view", review))
    return review


def _form_data(review: AnnualReview) -> dict:
    return {
        "post": review.post,
        "performance": review.performance,
        "achievements": review.achievements,
        "mentoring_summary": review.mentoring_summary,
        "enterprise_opinion": review.enterprise_opinion,
        "declared_no_accident": TO_CHOICE[review.declared_no_accident],
        "declared_no_violation": TO_CHOICE[review.declared_no_violation],
        "declaration_note": review.declaration_note,
    }


def _material_page(request, review: AnnualReview, *, form=None, achievement_form=None, status: int = 200):
    user = request.user
    editable = user.has_perm("review.material_edit", review)
    enterprise = user.has_perm("review.enterprise_opinion_edit", review)
    if form is None:
        form = ReviewFormForm(initial=_form_data(review), enterprise=enterprise, editable=editable)
    extract = review_ledger_extract(review)
    returned = review.state == AnnualReview.State.RETURNED
    context = {
        "review": review,
        # The holder keeps the ledger under their own menu; the enterprise reaches it by the term.
        "ledger_url": reverse("duties:ledger", args=[review.tenure_id])
        if enterprise
        else reverse("duties:my_ledger"),
        "name": review.tenure.application.name,
        "enterprise_name": review.tenure.enterprise.name,
        "year": f"管理期第{review.review_year}年",
        "period": f"{date_zh(review.period_start)}至{date_zh(review.period_end)}",
        "state": {"label": review.get_state_display(), "css": REVIEW_BADGES[review.state]},
        "deadline_label": "补正材料报送截止时间" if returned else "材料报送截止时间",
        "deadline": f"{date_zh(review.deadline)}24时" if review.deadline else "",
        "deadline_passed": review.deadline is not None
        and review.state in (AnnualReview.State.PENDING, AnnualReview.State.RETURNED)
        and not editable,
        "returned": returned,
        "submitted": datetime_zh(review.submitted_at),
        "editable": editable,
        "form": form,
        "achievement_form": achievement_form or AchievementForm(),
        "achievements": [
            {
                "kind": item.get_kind_display(),
                "title": item.title,
                "achieved_on": date_zh(item.achieved_on),
                "issuer": item.issuer,
                "file_name": item.file_name,
                "file_url": reverse("review:achievement_file", args=[item.pk]),
                "remove_url": reverse("review:achievement_remove", args=[item.pk]),
            }
            for item in ReviewAchievement.objects.filter(review=review).order_by("achieved_on", "pk")
        ],
        "agreements": [
            {
                "name": a.apprentice.name,
                "occupation": a.apprentice.occupation,
                "signed_on": date_zh(a.signed_on),
                "ends_on": date_zh(a.ends_on),
            }
            for a in extract.agreements
        ],
        "certificates": [
            {
                "name": c.apprentice.name,
                "level": c.get_level_display(),
                "number": c.number,
                "issuer": c.issuer,
                "issued_on": date_zh(c.issued_on),
            }
            for c in extract.certificates
        ],
        "qualifying": extract.qualifying_apprentices,
        "min_level": extract.min_level_label,
        "required": review.policy.apprentices_per_year if review.policy else None,
        "pdf_url": reverse("review:form_pdf", args=[review.pk]),
        "docx_url": reverse("review:form_docx", args=[review.pk]),
        "submit_url": reverse("review:material_submit", args=[review.pk]),
        "achievement_url": reverse("review:achievement_add", args=[review.pk]),
    }
    return render(request, "review/material_edit.html", context, status=status)


@capability_required(HOLDER, ENTERPRISE)
def material(request, pk: int):
    review = _party_review(request, pk)
    if request.method != "POST":
        return _material_page(request, review)
    enterprise = request.user.has_perm("review.enterprise_opinion_edit", review)
    form = ReviewFormForm(request.POST, enterprise=enterprise)
    if form.is_valid():
        try:
            review_form_save(actor=request.user, review=review, data=form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, "复核申请表已保存（尚未报送）。")
            return redirect("review:material", pk=review.pk)
    return _material_page(request, review, form=form)


@capability_required(HOLDER, ENTERPRISE)
@require_POST
def achievement_add(request, pk: int):
    review = _party_review(request, pk)
    form = AchievementForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            review_achievement_add(
                actor=request.user,
                review=review,
                kind=data["kind"],
                title=data["title"],
                achieved_on=data["achieved_on"],
                issuer=data["issuer"],
                description=data["description"],
                upload=Upload(name=data["file"].name, content=data["file"].read()),
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, f"已登记“{data['title']}”。")
            return redirect("review:material", pk=review.pk)
    return _material_page(request, review, achievement_form=form)


@capability_required(HOLDER, ENTERPRISE)
@require_POST
def achievement_remove(request, pk: int):
    achievement = get_object_or_404(
        ReviewAchievement.objects.filter(review__in=_party_reviews(request.user)).select_related(
            "review__tenure"
        ),
        pk=pk,
    )
    require(request.user.has_perm("review.material_view", achievement.review))
    try:
        review_achievement_remove(actor=request.user, achievement=achievement)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已删除“{achievement.title}”。")
    return redirect("review:material", pk=achievement.review_id)


@capability_required(HOLDER, ENTERPRISE)
@require_POST
def material_submit(request, pk: int):
    review = _party_review(request, pk)
    back = reverse("review:material", args=[review.pk])
    try:
        confirmation_require(
            request,
            f"即将报送{review.tenure.application.name}管理期第{review.review_year}年的复核认定材料，"
            f"报送后由区人力资源和社会保障局复核，材料不能再修改（退回补正的除外）。",
        )
        review_submit(actor=request.user, review=review, now=timezone.now())
    except NeedsConfirmation as exc:
        return confirmation_page(request, exc, title="报送复核认定材料", button="确认报送", back_url=back)
    except DomainError as exc:
        enterprise = request.user.has_perm("review.enterprise_opinion_edit", review)
        form = ReviewFormForm(_form_data(review), enterprise=enterprise)
        form.is_valid()
        add_domain_error(form, exc)
        return _material_page(request, review, form=form)
    messages.success(request, "复核认定材料已报送，请等待区人社局复核。")
    return redirect(back)


# --- Files ------------------------------------------------------------------------------------------------


@capability_required(HOLDER, ENTERPRISE, MANAGE)
@require_GET
def achievement_file(request, pk: int):
    achievement = get_object_or_404(
        ReviewAchievement.objects.filter(review__in=_readable_reviews(request.user)).select_related(
            "review__tenure"
        ),
        pk=pk,
    )
    # The query finds the review by the user's enterprise alone; a suspended enterprise's user is closed for
    # business like at the form's PDF and Word.
    require(request.user.has_perm("review.form_download", achievement.review))
    upload = SimpleNamespace(
        file=achievement.file, original_name=achievement.file_name, content_type=achievement.file_type
    )
    return upload_download(upload)


def _readable_review(request, pk: int) -> AnnualReview:
    review = get_object_or_404(
        _readable_reviews(request.user).select_related(
            "tenure__application", "tenure__enterprise", "tenure__authority", "policy"
        ),
        pk=pk,
    )
    require(request.user.has_perm("review.form_download", review))
    return review


def _filename(review: AnnualReview, extension: str) -> tuple[str, str]:
    title = f"{review.tenure.authority.title_name}复核申请表"
    return (
        f"{title}_{review.tenure.application.name}_管理期第{review.review_year}年.{extension}",
        f"review-form-{review.pk}.{extension}",
    )


@capability_required(HOLDER, ENTERPRISE, MANAGE)
@require_GET
@never_cache
def form_pdf(request, pk: int):
    review = _readable_review(request, pk)
    filename, fallback = _filename(review, "pdf")
    return document_download(review_form_pdf(review), content_type=PDF, filename=filename, fallback=fallback)


@capability_required(HOLDER, ENTERPRISE, MANAGE)
@require_GET
@never_cache
def form_docx(request, pk: int):
    review = _readable_review(request, pk)
    filename, fallback = _filename(review, "docx")
    return document_download(
        review_form_docx(review), content_type=DOCX, filename=filename, fallback=fallback
    )
