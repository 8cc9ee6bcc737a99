"""The mentorship ledger's pages: the holder's own (/duties/me/ledger/), the enterprise's and the officer's
(/duties/tenures/<id>/ledger/), the add forms, removal with confirmation, the evidence downloads and the
officer's duplicates.

A term the user may not read (another enterprise's, another holder's, another authority's) is a 404; an
action they may not take on a term they read (the officer, a closed term) is a 403. ID numbers are masked on
every page and the pages are never cached.
"""

from types import SimpleNamespace

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

import chieftech.duties.rules  # noqa: F401  (declares the rules asked here)
from chieftech.accounts.roles import authority_ids_for
from chieftech.core.confirm import confirmation_page, confirmation_require
from chieftech.core.dates import date_zh
from chieftech.core.downloads import upload_download
from chieftech.core.errors import DomainError, NeedsConfirmation, add_domain_error
from chieftech.core.permissions import capability_required, require
from chieftech.duties.domain import ledger
from chieftech.duties.forms_ledger import AgreementForm, ApprenticeForm, CertificateForm, upload_of
from chieftech.duties.models import Apprentice, ApprenticeCertificate, DutyActivity, MentorshipAgreement
from chieftech.duties.selectors import ledger_duplicates, ledger_flags
from chieftech.tenure.models import AnnualReview, Tenure

# The holder's own login, the enterprise's users and the officer: who may open a ledger at all; the rules of
# duties/rules.py then decide for the term.
HOLDER = "tenure.log_activity"
ENTERPRISE = "tenure.submit_review_material"
MANAGE_TENURE = "tenure.manage_tenure"
TENURE_DEFERRED = (
    "application__id_number",
    "application__phone",
    "application__deeds",
    "application__apprentices_summary",
    "application__enterprise_opinion",
)


# --- Looking up what the user may read ---------------------------------------------------------------------


def tenure_readable(user, pk: int) -> Tenure:
    tenure = get_object_or_404(
        Tenure.objects.select_related("application", "enterprise", "authority").defer(*TENURE_DEFERRED), pk=pk
    )
    if not user.has_perm("duties.ledger_view", tenure):
        raise Http404("没有找到该首席技师。")
    return tenure


def own_tenure(user) -> Tenure:
    """The holder's own term (the latest, for a holder selected twice)."""
    tenure = (
        Tenure.objects.filter(user_id=user.pk)
        .select_related("application", "enterprise", "authority")
        .defer(*TENURE_DEFERRED)
        .order_by("-starts_on", "-pk")
        .first()
    )
    if tenure is None or not user.has_perm("duties.ledger_view", tenure):
        raise Http404("您的账号没有关联的首席技师管理期。")
    return tenure


def editable(user, tenure: Tenure) -> Tenure:
    require(user.has_perm("duties.ledger_edit", tenure), ledger.NOT_KEEPER)
    return tenure


def ledger_url(user, tenure: Tenure) -> str:
    if tenure.user_id == user.pk:
        return reverse("duties:my_ledger")
    return reverse("duties:ledger", args=[tenure.pk])


def sent_periods(tenure: Tenure) -> list[tuple]:
    """The periods of the term's sent or decided re-reviews: an entry they cover cannot be removed."""
    return list(
        AnnualReview.objects.filter(tenure=tenure, state__in=ledger.SENT_REVIEW_STATES).values_list(
            "period_start", "period_end"
        )
    )


def is_locked(periods: list[tuple], start, end) -> bool:
    return any(
        (p_end is None or p_end >= start) and (end is None or p_start is None or p_start <= end)
        for p_start, p_end in periods
    )


def _apprentice(user, pk: int) -> Apprentice:
    apprentice = get_object_or_404(
        Apprentice.objects.select_related(
            "tenure__application", "tenure__enterprise", "tenure__authority"
        ).defer(*(f"tenure__{name}" for name in TENURE_DEFERRED)),
        pk=pk,
    )
    readable_or_404(user, apprentice.tenure)
    return apprentice


def readable_or_404(user, tenure: Tenure) -> None:
    if not user.has_perm("duties.ledger_view", tenure):
        raise Http404("没有找到该记录。")


# --- The ledger ----------------------------------------------------------------------------------------------


def back_url(user, tenure: Tenure, *, is_officer: bool) -> str:
    """The term's page the user came from: the officer's register entry or the enterprise's tenure page."""
    if is_officer:
        return reverse("tenure:tenure_detail", args=[tenure.pk])
    if tenure.user_id != user.pk:
        return reverse("tenure:enterprise_tenure", args=[tenure.pk])
    return ""


def _file_url(kind: str, record) -> str:
    return reverse("duties:file", args=[kind, record.pk]) if record.file else ""


def _ledger_page(request, tenure: Tenure):
    user = request.user
    can_edit = user.has_perm("duties.ledger_edit", tenure)
    # Flags are the officer's: the holder and the enterprise must not learn what another ledger holds.
    is_officer = tenure.authority_id in authority_ids_for(user, MANAGE_TENURE)
    hashes, keys = ledger_flags(tenure=tenure) if is_officer else (set(), set())
    periods = sent_periods(tenure) if can_edit else []
    apprentices = (
        Apprentice.objects.filter(tenure=tenure)
        .select_related("enterprise")
        .prefetch_related("agreements", "certificates")
    )
    rows = []
    for a in apprentices:
        agreements = list(a.agreements.all())
        certificates = list(a.certificates.all())
        a_locked = any(is_locked(periods, g.signed_on, g.ends_on) for g in agreements) or any(
            is_locked(periods, c.issued_on, c.issued_on) for c in certificates
        )
        rows.append(
            {
                "pk": a.pk,
                "name": a.name,
                "id_number": a.id_number_masked,
                "occupation": a.occupation,
                "enterprise": a.enterprise.name if a.enterprise_id else a.enterprise_name,
                "added": f"{date_zh(timezone.localdate(a.added_at))}（{a.get_added_as_display()}）",
                "shared": a.id_hash in hashes,
                "agreements": [
                    {
                        "signed_on": date_zh(g.signed_on),
                        "ends_on": date_zh(g.ends_on) if g.ends_on else "未约定",
                        "file_name": g.file_name,
                        "file_url": _file_url("agreement", g),
                        "remove_url": reverse("duties:agreement_remove", args=[g.pk])
                        if can_edit and not is_locked(periods, g.signed_on, g.ends_on)
                        else "",
                    }
                    for g in agreements
                ],
                "certificates": [
                    {
                        "level": c.get_level_display(),
                        "occupation": c.occupation,
                        "number": c.number,
                        "issuer": c.issuer,
                        "issued_on": date_zh(c.issued_on),
                        "file_name": c.file_name,
                        "file_url": _file_url("certificate", c),
                        "shared": c.number_key in keys,
                        "remove_url": reverse("duties:certificate_remove", args=[c.pk])
                        if can_edit and not is_locked(periods, c.issued_on, c.issued_on)
                        else "",
                    }
                    for c in certificates
                ],
                "agreement_url": reverse("duties:agreement_add", args=[a.pk]) if can_edit else "",
                "certificate_url": reverse("duties:certificate_add", args=[a.pk]) if can_edit else "",
                "remove_url": reverse("duties:apprentice_remove", args=[a.pk])
                if can_edit and not a_locked
                else "",
            }
        )
    context = {
        "tenure": tenure,
        "name": tenure.application.name,
        "enterprise": tenure.enterprise.name,
        "term": f"{date_zh(tenure.starts_on)}至{date_zh(tenure.ends_on)}",
        "status": tenure.get_status_display(),
        "rows": rows,
        "can_edit": can_edit,
        "is_officer": is_officer,
        "is_holder": tenure.user_id == user.pk,
        "back_url": back_url(user, tenure, is_officer=is_officer),
        "add_url": reverse("duties:apprentice_add", args=[tenure.pk]) if can_edit else "",
        "log_url": reverse("duties:my_log")
        if tenure.user_id == user.pk
        else reverse("duties:log", args=[tenure.pk]),
    }
    return render(request, "duties/ledger_page.html", context)


@capability_required(HOLDER)
@require_safe
@never_cache
def my_ledger(request):
    return _ledger_page(request, own_tenure(request.user))


@capability_required(HOLDER, ENTERPRISE, MANAGE_TENURE)
@require_safe
@never_cache
def ledger_view(request, pk: int):
    return _ledger_page(request, tenure_readable(request.user, pk))


# --- Adding ------------------------------------------------------------------------------------------------


def form_page(request, *, form, title: str, tenure: Tenure, back_url: str, lead: str = "", files: bool):
    context = {
        "form": form,
        "title": title,
        "name": tenure.application.name,
        "lead": lead,
        "back_url": back_url,
        "multipart": files,
    }
    return render(request, "duties/ledger_form.html", context)


@capability_required(HOLDER, ENTERPRISE)
@never_cache
def apprentice_add(request, pk: int):
    tenure = editable(request.user, tenure_readable(request.user, pk))
    back = ledger_url(request.user, tenure)
    form = ApprenticeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            apprentice = ledger.apprentice_add(actor=request.user, tenure=tenure, **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, f"徒弟{apprentice.name}已登记，请上传带徒协议。")
            return redirect(back)
    return form_page(request, form=form, title="登记徒弟", tenure=tenure, back_url=back, files=False)


@capability_required(HOLDER, ENTERPRISE)
@never_cache
def agreement_add(request, pk: int):
    apprentice = _apprentice(request.user, pk)
    tenure = editable(request.user, apprentice.tenure)
    back = ledger_url(request.user, tenure)
    form = AgreementForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            ledger.agreement_add(
                actor=request.user,
                apprentice=apprentice,
                signed_on=form.cleaned_data["signed_on"],
                ends_on=form.cleaned_data["ends_on"],
                upload=upload_of(form),
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, f"与{apprentice.name}的带徒协议已登记。")
            return redirect(back)
    return form_page(
        request, form=form, title=f"登记带徒协议：{apprentice.name}", tenure=tenure, back_url=back, files=True
    )


@capability_required(HOLDER, ENTERPRISE)
@never_cache
def certificate_add(request, pk: int):
    apprentice = _apprentice(request.user, pk)
    tenure = editable(request.user, apprentice.tenure)
    back = ledger_url(request.user, tenure)
    form = CertificateForm(
        request.POST or None, request.FILES or None, initial={"occupation": apprentice.occupation}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            ledger.certificate_add(
                actor=request.user,
                apprentice=apprentice,
                level=data["level"],
                occupation=data["occupation"],
                number=data["number"],
                issuer=data["issuer"],
                issued_on=data["issued_on"],
                upload=upload_of(form),
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, f"{apprentice.name}的技能等级证书已登记。")
            return redirect(back)
    return form_page(
        request,
        form=form,
        title=f"登记技能等级证书：{apprentice.name}",
        tenure=tenure,
        back_url=back,
        files=True,
    )


# --- Removing ----------------------------------------------------------------------------------------------


def remove_confirmed(request, *, back: str, question: str, title: str, done: str, remove):
    try:
        confirmation_require(request, question)
        remove()
    except NeedsConfirmation as exc:
        return confirmation_page(request, exc, title=title, button="确认删除", back_url=back)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return redirect(back)


@capability_required(HOLDER, ENTERPRISE)
@require_POST
def apprentice_remove(request, pk: int):
    apprentice = _apprentice(request.user, pk)
    tenure = editable(request.user, apprentice.tenure)
    return remove_confirmed(
        request,
        back=ledger_url(request.user, tenure),
        question=f"即将从{tenure.application.name}的带徒台账中删除徒弟{apprentice.name}，"
        "连同其带徒协议和技能等级证书。",
        title="删除徒弟",
        done=f"徒弟{apprentice.name}已从台账中删除。",
        remove=lambda: ledger.apprentice_remove(actor=request.user, apprentice=apprentice),
    )


@capability_required(HOLDER, ENTERPRISE)
@require_POST
def agreement_remove(request, pk: int):
    agreement = get_object_or_404(MentorshipAgreement.objects.select_related("apprentice"), pk=pk)
    apprentice = _apprentice(request.user, agreement.apprentice_id)
    agreement.apprentice = apprentice
    tenure = editable(request.user, apprentice.tenure)
    return remove_confirmed(
        request,
        back=ledger_url(request.user, tenure),
        question=f"即将删除与{apprentice.name}于{date_zh(agreement.signed_on)}签订的带徒协议。",
        title="删除带徒协议",
        done="带徒协议已删除。",
        remove=lambda: ledger.agreement_remove(actor=request.user, agreement=agreement),
    )


@capability_required(HOLDER, ENTERPRISE)
@require_POST
def certificate_remove(request, pk: int):
    certificate = get_object_or_404(ApprenticeCertificate, pk=pk)
    apprentice = _apprentice(request.user, certificate.apprentice_id)
    certificate.apprentice = apprentice
    tenure = editable(request.user, apprentice.tenure)
    return remove_confirmed(
        request,
        back=ledger_url(request.user, tenure),
        question=f"即将删除{apprentice.name}的{certificate.get_level_display()}证书（编号{certificate.number}）。",
        title="删除技能等级证书",
        done="技能等级证书已删除。",
        remove=lambda: ledger.certificate_remove(actor=request.user, certificate=certificate),
    )


# --- Files and duplicates ----------------------------------------------------------------------------------

_FILE_KINDS = {
    "agreement": (MentorshipAgreement, "apprentice__tenure"),
    "certificate": (ApprenticeCertificate, "apprentice__tenure"),
    "activity": (DutyActivity, "tenure"),
}


@capability_required(HOLDER, ENTERPRISE, MANAGE_TENURE)
@require_safe
def evidence_file(request, kind: str, pk: int):
    """Always a download, never shown inline, for those who may read the ledger or the log it belongs to."""
    if kind not in _FILE_KINDS:
        raise Http404("没有找到该文件。")
    model, tenure_path = _FILE_KINDS[kind]
    record = get_object_or_404(model.objects.select_related(f"{tenure_path}__authority"), pk=pk)
    tenure = record.tenure if kind == "activity" else record.apprentice.tenure
    readable_or_404(request.user, tenure)
    if not record.file:
        raise Http404("该记录没有上传文件。")
    return upload_download(
        SimpleNamespace(file=record.file, original_name=record.file_name, content_type=record.file_type)
    )


@capability_required(MANAGE_TENURE)
@require_safe
@never_cache
def duplicates(request):
    """Apprentices and certificates claimed on two or more ledgers of the officer's authorities."""
    found = ledger_duplicates(authority_ids=authority_ids_for(request.user, MANAGE_TENURE))
    rows = [
        {
            "kind": d.kind_label,
            "label": d.label,
            "claims": [
                {
                    "holder": c.holder,
                    "enterprise": c.enterprise,
                    "apprentice": c.apprentice,
                    "detail": c.detail,
                    "url": reverse("duties:ledger", args=[c.tenure_id]),
                }
                for c in d.claims
            ],
        }
        for d in found
    ]
    return render(request, "duties/duplicates.html", {"rows": rows})
