"""What an enterprise user does with its applications (第10条(二)): list them, fill one in and save drafts,
upload evidence, submit, withdraw, and read the officer's comments.

Objects are looked up through applications_visible_to(user), so another enterprise's application or evidence is
a 404; actions are the django-rules permissions of selection/rules.py, so a refused action is a 403.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import OuterRef, Subquery
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST, require_safe

from chieftech.core.badges import badge_css
from chieftech.core.confirm import confirmation_page, confirmation_require
from chieftech.core.downloads import upload_download
from chieftech.core.errors import DomainError, NeedsConfirmation, add_domain_error
from chieftech.core.formtoken import form_token_claim
from chieftech.core.permissions import capability_required, require
from chieftech.policy.selectors import authority_ids_over_town
from chieftech.selection.domain import applications as domain
from chieftech.selection.domain import evidence as evidence_domain
from chieftech.selection.domain.rounds import round_accepts_applications
from chieftech.selection.forms import (
    ApplicationForm,
    ClientFileNameHandler,
    EvidenceForm,
    WithdrawForm,
    child_formsets,
    child_rows,
    client_file_name,
    kept_forms,
)
from chieftech.selection.models import (
    EDITABLE_STATES,
    Application,
    ApplicationState,
    EvidenceFile,
    ReviewDecision,
    Round,
    RoundState,
)

SUBMIT = "selection.submit_application"
REVIEW = "selection.review_application"
PER_PAGE = 25

# States in which the enterprise needs to read the officer's comment.
COMMENTED_STATES = (ApplicationState.RETURNED, ApplicationState.NOT_QUALIFIED, ApplicationState.FRAUD)


def _visible_application(request, pk: int) -> Application:
    return get_object_or_404(applications_visible_to_user(request), pk=pk)


def _rounds_open_to(user):
    """An enterprise registers once and is recommended to every authority whose territory holds its town."""
    if user.enterprise_id is None:
        return Round.objects.none()
    ids = authority_ids_over_town(user.enterprise.town)
    return Round.objects.all() if ids is None else Round.objects.filter(authority_id__in=ids)


def applications_visible_to_user(request):
    return domain.applications_visible_to(request.user).select_related("round__policy")


def _state(application: Application) -> dict:
    return {"label": application.get_state_display(), "css": badge_css("application", application.state)}


# --- The list -------------------------------------------------------------------------------------------


@capability_required(SUBMIT)
@require_safe
def my_applications(request):
    latest = ReviewDecision.objects.filter(application=OuterRef("pk")).order_by("-decided_at", "-pk")
    applications = (
        applications_visible_to_user(request)
        .annotate(latest_comment=Subquery(latest.values("reason")[:1]))
        .order_by("-round__year", "-round_id", "-created_at", "-pk")
    )
    page = Paginator(applications, PER_PAGE).get_page(request.GET.get("page"))
    rows = [
        {
            "name": a.name or "（未填写姓名）",
            "round": a.round.title,
            "occupation": a.occupation,
            "state": _state(a),
            "comment": a.latest_comment if a.state in COMMENTED_STATES else "",
            "submitted_at": a.submitted_at,
            "url": reverse("selection:application_detail", args=[a.pk]),
            "edit_url": reverse("selection:application_edit", args=[a.pk])
            if a.state in EDITABLE_STATES
            else "",
        }
        for a in page.object_list
    ]
    today = timezone.localdate()
    open_rounds = [
        {
            "title": r.title,
            "deadline": r.application_deadline,
            "create_url": reverse("selection:application_create", args=[r.pk]),
        }
        for r in _rounds_open_to(request.user)
        .filter(state=RoundState.OPEN, application_deadline__gte=today)
        .order_by("application_deadline", "pk")
    ]
    return render(
        request,
        "selection/enterprise/my_applications.html",
        {"rows": rows, "page": page, "open_rounds": open_rounds},
    )


# --- The form -------------------------------------------------------------------------------------------


def _form_page(request, *, round_: Round, form, formsets, application: Application | None):
    limits = domain.deeds_limits(round_.policy)
    deeds = form["deeds"].value() or ""
    return render(
        request,
        "selection/enterprise/application_form.html",
        {
            "round": round_,
            "application": application,
            "form": form,
            "formsets": formsets,
            "limits": limits,
            "deeds_count": domain.deeds_char_count(deeds),
            "cancel_url": reverse("selection:application_detail", args=[application.pk])
            if application
            else reverse("selection:my_applications"),
        },
    )


def _add_refusal(form, formsets: dict, exc: DomainError) -> None:
    """A refusal's messages at their cells: `certificates.0.issued_on` is the first kept certificate row's
    date; any other field goes to the main form."""
    rest = {}
    for field, msgs in exc.message_dict.items():
        keyword, _, cell = field.partition(".")
        index, _, name = cell.partition(".")
        if keyword in formsets and index.isdigit() and name:
            rows = kept_forms(formsets[keyword])
            if int(index) < len(rows):
                rows[int(index)].add_error(name, msgs)
                continue
        rest[field] = msgs
    if rest:
        add_domain_error(form, DomainError.fields(rest))


def _all_valid(form, formsets: dict) -> bool:
    valid = form.is_valid()
    for formset in formsets.values():
        valid = formset.is_valid() and valid
    return valid


@capability_required(SUBMIT)
def application_create(request, round_pk: int):
    rounds = _rounds_open_to(request.user).select_related("policy")
    round_ = get_object_or_404(rounds, pk=round_pk, state=RoundState.OPEN)
    if not round_accepts_applications(round_):
        messages.error(request, f"“{round_.title}”申报已截止，不能再新建推荐。")
        return redirect("selection:my_applications")
    data = request.POST if request.method == "POST" else None
    form = ApplicationForm(data)
    formsets = child_formsets(data)
    if data is not None and _all_valid(form, formsets):
        try:
            application = domain.application_create(
                actor=request.user,
                round_=round_,
                data=form.person_data(),
                **{keyword: child_rows(formset) for keyword, formset in formsets.items()},
            )
        except DomainError as exc:
            _add_refusal(form, formsets, exc)
        else:
            messages.success(request, "草稿已保存。材料齐全后，请在本页提交。")
            return redirect("selection:application_detail", pk=application.pk)
    return _form_page(request, round_=round_, form=form, formsets=formsets, application=None)


@capability_required(SUBMIT)
def application_edit(request, pk: int):
    application = _visible_application(request, pk)
    require(
        request.user.has_perm("selection.edit_application", application),
        f"申报当前为“{application.get_state_display()}”，不能修改。",
    )
    data = request.POST if request.method == "POST" else None
    form = ApplicationForm(data, application=application)
    formsets = child_formsets(data, application=application)
    if data is not None and _all_valid(form, formsets):
        try:
            domain.application_update(
                actor=request.user,
                application=application,
                data=form.person_data(),
                **{keyword: child_rows(formset) for keyword, formset in formsets.items()},
            )
        except DomainError as exc:
            _add_refusal(form, formsets, exc)
            # Nothing was saved; the instance may hold values from the refused attempt.
            application.refresh_from_db()
        else:
            messages.success(request, "草稿已保存。")
            return redirect("selection:application_detail", pk=application.pk)
    return _form_page(
        request, round_=application.round, form=form, formsets=formsets, application=application
    )


# --- The application's page -----------------------------------------------------------------------------


def _detail_page(request, application: Application, *, evidence_form=None, withdraw_form=None, status=200):
    user = request.user
    can_edit = user.has_perm("selection.edit_application", application)
    can_withdraw = user.has_perm("selection.withdraw_application", application)
    missing = domain.application_missing(application, today=timezone.localdate()) if can_edit else []
    evidence = [
        {
            "name": e.original_name,
            "kind": e.get_kind_display(),
            "size_kb": max(1, round(e.size / 1024)),
            "uploaded_at": e.uploaded_at,
            "download_url": reverse("selection:evidence_download", args=[e.pk]),
            "delete_url": reverse("selection:evidence_delete", args=[e.pk]) if can_edit else "",
        }
        for e in application.evidence.all()
    ]
    decisions = list(application.decisions.order_by("-decided_at", "-pk"))
    latest_comment = decisions[0].reason if decisions and application.state in COMMENTED_STATES else ""
    limits = domain.deeds_limits(application.round.policy)
    context = {
        "application": application,
        "state": _state(application),
        "certificates": list(application.certificates.all()),
        "competitions": list(application.competitions.all()),
        "achievements": list(application.achievements.all()),
        "evidence": evidence,
        "decisions": decisions,
        "latest_comment": latest_comment,
        "missing": missing,
        "deeds_count": domain.deeds_char_count(application.deeds),
        "deeds_note": domain.deeds_note(text=application.deeds, policy=application.round.policy)
        if application.deeds.strip()
        else "",
        "limits": limits,
        "can_edit": can_edit,
        "can_submit": can_edit and not missing,
        "can_withdraw": can_withdraw,
        "is_resubmission": application.state == ApplicationState.RETURNED,
        "evidence_form": evidence_form or EvidenceForm(),
        "withdraw_form": withdraw_form or WithdrawForm(),
        "urls": {
            "edit": reverse("selection:application_edit", args=[application.pk]),
            "submit": reverse("selection:application_submit", args=[application.pk]),
            "withdraw": reverse("selection:application_withdraw", args=[application.pk]),
            "upload": reverse("selection:evidence_upload", args=[application.pk]),
            "pdf": reverse("selection:application_pdf", args=[application.pk]),
            "docx": reverse("selection:application_docx", args=[application.pk]),
            "list": reverse("selection:my_applications"),
        },
    }
    return render(request, "selection/enterprise/application_detail.html", context, status=status)


@capability_required(SUBMIT, REVIEW)
@require_safe
def application_detail(request, pk: int):
    application = _visible_application(request, pk)
    if not request.user.has_perm(SUBMIT):
        # Officers read applications on their review page (links in notifications lead here).
        return redirect("selection:review_detail", pk=application.pk)
    return _detail_page(request, application)


@capability_required(SUBMIT)
@require_POST
def application_submit(request, pk: int):
    application = _visible_application(request, pk)
    require(
        request.user.has_perm("selection.edit_application", application),
        f"申报当前为“{application.get_state_display()}”，不能提交。",
    )
    try:
        confirmation_require(
            request,
            f"即将提交{application.name}的申报材料，提交后由区人力资源和社会保障局进行资格审查，"
            "申报内容和证明材料不能再修改（审查退回补正的除外）。",
        )
        domain.application_submit(actor=request.user, application=application)
    except NeedsConfirmation as exc:
        return confirmation_page(
            request,
            exc,
            title="提交申报",
            button="确认提交申报",
            back_url=reverse("selection:application_detail", args=[application.pk]),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "申报已提交，等待区人社局资格审查。提交后不能修改。")
    return redirect("selection:application_detail", pk=application.pk)


@capability_required(SUBMIT)
@require_POST
def application_withdraw(request, pk: int):
    application = _visible_application(request, pk)
    require(
        request.user.has_perm("selection.withdraw_application", application),
        f"申报当前为“{application.get_state_display()}”，不能撤回。",
    )
    form = WithdrawForm(request.POST)
    if form.is_valid():
        try:
            domain.application_withdraw(
                actor=request.user, application=application, reason=form.cleaned_data["reason"]
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, "申报已撤回。")
            return redirect("selection:application_detail", pk=application.pk)
    return _detail_page(request, application, withdraw_form=form)


# --- Evidence -------------------------------------------------------------------------------------------


@capability_required(SUBMIT)
@csrf_exempt
@require_POST
def evidence_upload(request, pk: int):
    # The name-keeping handler must be in place before anything reads the body, the CSRF check included;
    # the CSRF check then runs on the inner view.
    request.upload_handlers.insert(0, ClientFileNameHandler(request))
    return _evidence_upload(request, pk)


@csrf_protect
def _evidence_upload(request, pk: int):
    replayed = form_token_claim(request)
    if replayed is not None:
        return replayed
    application = _visible_application(request, pk)
    require(
        request.user.has_perm("selection.edit_application", application),
        f"申报当前为“{application.get_state_display()}”，不能上传材料。",
    )
    form = EvidenceForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        name = client_file_name(request, upload)
        try:
            # Refused by size before the content is read into memory.
            evidence_domain.upload_size_check(name=name, size=upload.size)
            evidence_domain.evidence_add(
                actor=request.user,
                application=application,
                kind=form.cleaned_data["kind"],
                name=name,
                content=upload.read(),
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, f"已上传“{name}”。")
            return redirect(reverse("selection:application_detail", args=[application.pk]) + "#evidence")
    return _detail_page(request, application, evidence_form=form)


def _visible_evidence(request, pk: int) -> EvidenceFile:
    return get_object_or_404(
        EvidenceFile.objects.select_related("application__round", "application__enterprise").filter(
            application__in=domain.applications_visible_to(request.user)
        ),
        pk=pk,
    )


@capability_required(SUBMIT)
@require_POST
def evidence_delete(request, pk: int):
    evidence = _visible_evidence(request, pk)
    application = evidence.application
    require(
        request.user.has_perm("selection.edit_application", application),
        f"申报当前为“{application.get_state_display()}”，不能删除材料。",
    )
    try:
        evidence_domain.evidence_remove(actor=request.user, evidence=evidence)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已删除“{evidence.original_name}”。")
    return redirect(reverse("selection:application_detail", args=[application.pk]) + "#evidence")


@capability_required(SUBMIT, REVIEW)
@require_safe
def evidence_download(request, pk: int):
    """Always a download, never shown inline: the browser must not interpret an uploaded file."""
    evidence = _visible_evidence(request, pk)
    require(request.user.has_perm("selection.view_application", evidence.application))
    return upload_download(evidence)
