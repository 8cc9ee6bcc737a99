"""The liaison cadre (第14条(五)): the officer's list of every term with its cadre, one term's cadres and
contacts with the forms to assign a cadre and log a contact, and the holder's own page of the support they
were given and the cadre who looks after them.

The cadre's phone is masked on every page, the holder's own included (personal data is never shown in full);
the pages are sent with Cache-Control no-store like every page with personal data.
"""

from datetime import timedelta

from django.contrib import messages
from django.db.models import Max, OuterRef, Prefetch, Subquery
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from chieftech.accounts.roles import authority_ids_for
from chieftech.core.confirm import confirmation_page, confirmation_require
from chieftech.core.dates import date_zh
from chieftech.core.errors import DomainError, NeedsConfirmation, add_domain_error
from chieftech.core.permissions import capability_required, require
from chieftech.duties.domain.liaison import liaison_assign, liaison_contact_add
from chieftech.duties.forms_support import LiaisonAssignForm, LiaisonContactForm
from chieftech.duties.models import LiaisonAssignment, LiaisonContact, SupportRecord
from chieftech.duties.views_support import HOLDER, MANAGE, support_rows
from chieftech.tenure.models import Tenure


def _officer_tenures(user):
    return Tenure.objects.filter(authority_id__in=authority_ids_for(user, MANAGE))


def _contact_row(contact: LiaisonContact) -> dict:
    return {
        "contacted_on": date_zh(contact.contacted_on),
        "mode": contact.get_mode_display(),
        "difficulties": contact.difficulties,
        "resolution": contact.resolution,
    }


def _assignment_row(assignment: LiaisonAssignment) -> dict:
    return {
        "pk": assignment.pk,
        "name": assignment.cadre_name,
        "post": assignment.cadre_post,
        "unit": assignment.cadre_unit,
        # Masked on every page, the holder's own included: the phone is the cadre's personal data.
        "phone": assignment.cadre_phone_masked,
        "assigned_on": date_zh(assignment.assigned_on),
        "ended_on": date_zh(assignment.ended_on) if assignment.ended_on else "",
        "contacts": [_contact_row(c) for c in assignment.contacts.all()],
    }


def _liaison_page(request, tenure: Tenure, *, assign_form=None, contact_form=None, status: int = 200):
    assignments = list(
        LiaisonAssignment.objects.filter(tenure=tenure)
        .order_by("-assigned_on", "-pk")
        .prefetch_related(Prefetch("contacts", LiaisonContact.objects.order_by("-contacted_on", "-pk")))
    )
    current = next((a for a in assignments if a.ended_on is None), None)
    may_assign = request.user.has_perm("duties.liaison_assign", tenure)
    context = {
        "name": tenure.application.name,
        "current": _assignment_row(current) if current is not None else None,
        "past": [_assignment_row(a) for a in assignments if a is not current],
        "assign_form": (assign_form or LiaisonAssignForm()) if may_assign else None,
        "assign_url": reverse("duties:liaison_assign", args=[tenure.pk]),
        "contact_form": (contact_form or LiaisonContactForm())
        if may_assign and current is not None
        else None,
        "contact_url": reverse("duties:liaison_contact_add", args=[current.pk])
        if current is not None
        else "",
        "detail_url": reverse("tenure:tenure_detail", args=[tenure.pk]),
    }
    return render(request, "duties/liaison_detail.html", context, status=status)


@require_safe
@never_cache
@capability_required(MANAGE)
def liaison(request, pk: int):
    tenure = get_object_or_404(_officer_tenures(request.user).select_related("application"), pk=pk)
    require(request.user.has_perm("duties.liaison_view", tenure))
    return _liaison_page(request, tenure)


@require_POST
@never_cache
@capability_required(MANAGE)
def liaison_assign_view(request, pk: int):
    tenure = get_object_or_404(_officer_tenures(request.user).select_related("application", "user"), pk=pk)
    require(request.user.has_perm("duties.liaison_assign", tenure))
    form = LiaisonAssignForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        current = LiaisonAssignment.objects.filter(tenure=tenure, ended_on__isnull=True).first()
        try:
            if current is not None:
                # The current cadre's contacts end for good: there is no undoing a replacement.
                confirmation_require(
                    request,
                    f"即将由{data['cadre_name'].strip()}接替{current.cadre_name}联系{tenure.application.name}，"
                    f"{current.cadre_name}的联系至{date_zh(data['assigned_on'] - timedelta(days=1))}结束。",
                )
            liaison_assign(actor=request.user, tenure=tenure, **data)
        except NeedsConfirmation as exc:
            return confirmation_page(
                request,
                exc,
                title="更换联系领导干部",
                button="确认更换",
                back_url=reverse("duties:liaison", args=[tenure.pk]),
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(
                request, f"已确定{data['cadre_name'].strip()}为{tenure.application.name}的联系领导干部。"
            )
            return redirect("duties:liaison", pk=tenure.pk)
    return _liaison_page(request, tenure, assign_form=form)


@require_POST
@never_cache
@capability_required(MANAGE)
def liaison_contact_add_view(request, pk: int):
    assignment = get_object_or_404(
        LiaisonAssignment.objects.select_related("tenure__application").filter(
            tenure__in=_officer_tenures(request.user)
        ),
        pk=pk,
    )
    tenure = assignment.tenure
    require(request.user.has_perm("duties.liaison_contact_add", assignment))
    form = LiaisonContactForm(request.POST)
    if form.is_valid():
        try:
            liaison_contact_add(actor=request.user, assignment=assignment, **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, "已登记联系记录。")
            return redirect("duties:liaison", pk=tenure.pk)
    return _liaison_page(request, tenure, contact_form=form)


@require_safe
@capability_required(MANAGE)
def liaison_list(request):
    """Every term of the officer's authorities with its current cadre and the last contact; those without a
    cadre first."""
    current = LiaisonAssignment.objects.filter(tenure=OuterRef("pk"), ended_on__isnull=True)
    last_contact = (
        LiaisonContact.objects.filter(assignment__tenure=OuterRef("pk"))
        .values("assignment__tenure")
        .annotate(last=Max("contacted_on"))
        .values("last")
    )
    tenures = (
        _officer_tenures(request.user)
        .annotate(
            cadre_name=Subquery(current.values("cadre_name")[:1]),
            cadre_post=Subquery(current.values("cadre_post")[:1]),
            last_contact=Subquery(last_contact[:1]),
        )
        .select_related("application", "enterprise")
        .only("pk", "status", "application", "enterprise", "application__name", "enterprise__name")
        .order_by("application__name", "pk")
    )
    rows = [
        {
            "name": t.application.name,
            "enterprise": t.enterprise.name,
            "status": t.get_status_display(),
            "cadre": f"{t.cadre_name}（{t.cadre_post}）" if t.cadre_name else "",
            "last_contact": date_zh(t.last_contact) if t.last_contact else "",
            "url": reverse("duties:liaison", args=[t.pk]),
        }
        for t in tenures
    ]
    rows.sort(key=lambda row: bool(row["cadre"]))  # stable: those without a cadre first, by name
    return render(request, "duties/liaison_list.html", {"rows": rows})


# --- The holder's own page ------------------------------------------------------------------------------


@require_safe
@never_cache
@capability_required(HOLDER)
def my_support(request):
    tenure = Tenure.objects.filter(user_id=request.user.pk).select_related("application").first()
    if tenure is None:
        return render(request, "tenure/holder_none.html")
    require(request.user.has_perm("duties.support_view", tenure))
    current = (
        LiaisonAssignment.objects.filter(tenure=tenure, ended_on__isnull=True)
        .prefetch_related(Prefetch("contacts", LiaisonContact.objects.order_by("-contacted_on", "-pk")))
        .first()
    )
    records = SupportRecord.objects.filter(tenure=tenure).order_by("-occurred_on", "-pk")
    context = {
        "name": tenure.application.name,
        "cadre": _assignment_row(current) if current is not None else None,
        "years": support_rows(records, user=request.user, may_add=False),
        "today": date_zh(timezone.localdate()),
    }
    return render(request, "duties/support_mine.html", context)
