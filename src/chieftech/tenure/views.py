"""The officer's showcase pages for a chief technician: the consent and the public summary. The register
and each person's page are views_register's."""

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from chieftech.accounts.roles import authority_ids_for
from chieftech.core.badges import badge_css
from chieftech.core.dates import date_zh
from chieftech.core.downloads import photo_inline
from chieftech.core.errors import DomainError, add_domain_error
from chieftech.core.permissions import capability_required
from chieftech.tenure.domain.register import REGISTER_DEFERRED
from chieftech.tenure.domain.showcase import (
    PhotoUpload,
    photo_content_type,
    photo_size_check,
    showcase_eligible,
    showcase_visible,
    tenure_showcase_update,
)
from chieftech.tenure.forms import ShowcaseForm
from chieftech.tenure.models import Tenure

MANAGE_TENURE = "tenure.manage_tenure"

# Long texts and the ID number are never shown on these pages; the phone and bank account only masked.
_DEFERRED = REGISTER_DEFERRED


def _tenures_for(user):
    """The tenures of the authorities the officer manages tenures for."""
    return Tenure.objects.filter(authority_id__in=authority_ids_for(user, MANAGE_TENURE))


def _tenures(user):
    return (
        _tenures_for(user)
        .select_related("application", "application__round", "enterprise", "certificate")
        .defer(*_DEFERRED)
    )


def _certificate_number(tenure: Tenure) -> str:
    try:
        return tenure.certificate.number
    except ObjectDoesNotExist:
        return ""


def _consent_text(tenure: Tenure) -> str:
    if not tenure.showcase_consent:
        return "未同意"
    return f"{timezone.localtime(tenure.showcase_consent_at):%Y-%m-%d}同意"


def _portal_state(tenure: Tenure) -> str:
    if showcase_visible(tenure):
        return "已在门户展示"
    if showcase_eligible(tenure):
        return "名单发文公布后在门户展示"
    return "不在门户展示"


def _initial(tenure: Tenure) -> dict:
    return {"consent": "yes" if tenure.showcase_consent else "no", "summary": tenure.showcase_summary}


@capability_required(MANAGE_TENURE)
def tenure_showcase(request, pk: int):
    tenure = get_object_or_404(_tenures(request.user), pk=pk)
    if request.method == "POST":
        form = ShowcaseForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            upload = data["photo"]
            try:
                photo = None
                if upload is not None:
                    # Refused by size before the content is read into memory.
                    photo_size_check(name=upload.name, size=upload.size)
                    photo = PhotoUpload(name=upload.name, content=upload.read())
                tenure = tenure_showcase_update(
                    actor=request.user,
                    tenure=tenure,
                    consent=data["consent"] == "yes",
                    summary=data["summary"],
                    photo=photo,
                    remove_photo=data["remove_photo"],
                )
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(
                    request, f"{tenure.application.name}的门户展示信息已保存，{_portal_state(tenure)}。"
                )
                return redirect(reverse("tenure:tenure_showcase", args=[tenure.pk]))
    else:
        form = ShowcaseForm(initial=_initial(tenure))
    context = {
        "form": form,
        "tenure": tenure,
        "name": tenure.application.name,
        "enterprise": tenure.enterprise.name,
        "town": tenure.enterprise.get_town_display(),
        "occupation": tenure.application.occupation,
        "certificate": _certificate_number(tenure),
        "term": f"{date_zh(tenure.starts_on)}至{date_zh(tenure.ends_on)}",
        "status": tenure.get_status_display(),
        "status_css": badge_css("tenure", tenure.status),
        "consent": _consent_text(tenure),
        "on_portal": showcase_visible(tenure),
        "portal_state": _portal_state(tenure),
        "photo_url": reverse("tenure:tenure_showcase_photo", args=[tenure.pk]) if tenure.photo else "",
    }
    return render(request, "tenure/tenure_showcase.html", context)


@capability_required(MANAGE_TENURE)
@require_safe
def tenure_showcase_photo(request, pk: int):
    """The stored photo for the officer's preview, whether or not the person consented."""
    tenure = get_object_or_404(_tenures_for(request.user).exclude(photo="").only("pk", "photo"), pk=pk)
    return photo_inline(tenure.photo, content_type=photo_content_type(tenure.photo.name), public=False)
