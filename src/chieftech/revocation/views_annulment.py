"""The office opens the annulment of an approved revocation (after administrative reconsideration or a court's
judgment); the case then goes through the same steps on the case page (views_office, views_decide).

The revoked case is looked up among the cases of the authorities the officer acts for (another's is a 404);
opening is revocation.rules' `revocation.annulment_open` (403) and is confirmed by a box on the form (the
confirmation page could not carry the uploaded decision).
"""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

import chieftech.revocation.rules  # noqa: F401  (declares the rules asked here)
from chieftech.accounts.roles import authority_ids_for
from chieftech.core.dates import date_zh
from chieftech.core.errors import DomainError, add_domain_error
from chieftech.core.permissions import capability_required, require
from chieftech.revocation.domain.cases import revocation_annulment_open
from chieftech.revocation.forms_annulment import AnnulmentForm
from chieftech.revocation.forms_files import uploads_of
from chieftech.revocation.models import CaseKind, CaseState, RevocationCase

MANAGE = "tenure.manage_tenure"


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@capability_required(MANAGE)
def annulment_open_view(request, pk: int):
    cases = RevocationCase.objects.filter(authority_id__in=authority_ids_for(request.user, MANAGE))
    case = get_object_or_404(cases.select_related("tenure__application", "tenure__enterprise"), pk=pk)
    require(
        request.user.has_perm("revocation.annulment_open", case),
        "只有本机关的人社局经办人可以发起撤销取消资格决定。",
    )
    back = reverse("revocation:case_detail", args=[case.pk])
    live = case.annulments.exclude(state=CaseState.CLOSED).first()
    standing = case.kind == CaseKind.REVOKE and case.state == CaseState.APPROVED and live is None
    form = AnnulmentForm(request.POST or None, request.FILES or None)
    status = 200
    # A POST where nothing can be opened gets the page with its refusal, as the GET does; nothing is saved.
    if request.method == "POST" and standing:
        if form.is_valid():
            try:
                annulment = revocation_annulment_open(
                    actor=request.user, case=case, facts=form.cleaned_data["facts"], files=uploads_of(form)
                )
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, "已发起撤销取消资格决定，请作出初步认定。")
                return redirect("revocation:case_detail", pk=annulment.pk)
        status = 400
    return render(
        request,
        "revocation/annulment_open.html",
        {
            "case": case,
            "name": case.tenure.application.name,
            "enterprise": case.tenure.enterprise.name,
            "effective_on": date_zh(case.effective_on) if case.effective_on else "",
            "standing": standing,
            "live": live,
            "form": form,
            "back_url": back,
        },
        status=status,
    )
