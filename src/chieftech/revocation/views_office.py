"""The office's pages of a revocation case (第十七条): its cases, opening one on a term, the case page with the
initial finding and the certificate's return, and the documents behind the page.

The list and the opening are the officer's (tenure.manage_tenure). The case page is read by the officer, the
leadership and the government of the case's authority; everyone else, the holder and enterprises included,
gets 404 for a case (no 403 that would say it exists). Acting on it is revocation.rules' (403). The holder
downloads the documents of the steps told to them (the notice's evidence, their own statement, the approval).
"""

from types import SimpleNamespace

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Exists, OuterRef, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from chieftech.accounts.roles import authority_ids_for
from chieftech.core.badges import BAD, NEUTRAL, OK, WARN, badge_css
from chieftech.core.confirm import confirmation_page, confirmation_require, is_confirmed
from chieftech.core.dates import date_zh, datetime_zh
from chieftech.core.downloads import upload_download
from chieftech.core.errors import DomainError, NeedsConfirmation, add_domain_error
from chieftech.core.permissions import capability_required, login_only, require
from chieftech.core.pii import mask_id_number
from chieftech.policy.calendar import end_of_day
from chieftech.revocation.domain.cases import (
    revocation_case_open,
    revocation_certificate_returned,
    revocation_finding_record,
)
from chieftech.revocation.forms_office import CaseOpenForm, CertificateReturnForm, FindingForm
from chieftech.revocation.models import CaseDocument, CaseKind, CaseState, CaseStep, Ground, RevocationCase
from chieftech.revocation.rules import is_case_holder
from chieftech.tenure.models import Tenure, TenureStatus

MANAGE = "tenure.manage_tenure"
READERS = (MANAGE, "publicity.decide_leadership", "publicity.record_government_approval")
S = CaseState
LIVE = (S.OPEN, S.FOUND, S.ENDORSED)
# The steps whose documents were sent to the holder, or are the holder's own.
HOLDER_STEPS = (CaseStep.OPEN, CaseStep.STATEMENT, CaseStep.GOVERNMENT)
# The application's long texts, which no page of a case shows.
_DEFERRED = ("deeds", "apprentices_summary", "enterprise_opinion")
_CASE_RELATED = ("tenure__application", "tenure__enterprise")


def ground_short(value: str) -> str:
    """第十七条（一）…: the label's leading item number."""
    return f"第十七条{Ground(value).label[:3]}"


CONFIRM_MISSING = "请勾选确认后提交。"


def _confirmation_at_box(request, form) -> None:
    """The confirmation is a box on the form (a confirmation page could not send the files again): unticked, it
    is one more error beside the others, so an empty form shows everything that is missing at once."""
    if request.method == "POST" and not is_confirmed(request):
        form.add_error("confirmed", CONFIRM_MISSING)


def _heard(case: RevocationCase, *, now) -> bool:
    """The holder has stated their case or let the deadline pass (an annulment waits for no statement)."""
    return (
        case.statement_deadline is None
        or case.statement_at is not None
        or now > end_of_day(case.statement_deadline)
    )


def _badge(case: RevocationCase) -> dict:
    if case.state == S.APPROVED:
        css = BAD if case.kind == CaseKind.REVOKE else OK
    else:
        css = NEUTRAL if case.state == S.CLOSED else WARN
    label = case.get_state_display()
    if case.state == S.OPEN and _heard(case, now=timezone.now()):
        label = "已立案，待初步认定"
    return {"label": label, "css": css}


def _annulments_of(case_ref):
    """The annul cases of an approved revocation, asked through their own `annuls` field."""
    return RevocationCase.objects.filter(annuls=case_ref, kind=CaseKind.ANNUL)


def _annulled(case: RevocationCase) -> bool:
    """Set by the querysets below: an approved annulment undid the revocation."""
    return getattr(case, "annulled", False)


def next_step(case: RevocationCase, *, now) -> str:
    """What the case waits for, with its deadline where it has one."""
    if case.state == S.OPEN:
        if case.statement_deadline is None or case.statement_at is not None:
            return "待初步认定"
        if now <= end_of_day(case.statement_deadline):
            return f"陈述申辩至{date_zh(case.statement_deadline)}24时"
        return "陈述申辩期已届满，待初步认定"
    if case.state == S.FOUND:
        return "待领导小组审定"
    if case.state == S.ENDORSED:
        return "待政府批准"
    if (
        case.state == S.APPROVED
        and case.kind == CaseKind.REVOKE
        and case.certificate_returned_on is None
        and not _annulled(case)
    ):
        return "待登记证书收回"
    return ""


def _cases(user, *capabilities: str):
    return RevocationCase.objects.filter(authority_id__in=authority_ids_for(user, *capabilities))


def _with_person(cases):
    return cases.select_related(*_CASE_RELATED).defer(*(f"tenure__application__{f}" for f in _DEFERRED))


# --- The list ---------------------------------------------------------------------------------------------


@never_cache
@require_safe
@capability_required(MANAGE)
def case_list(request):
    cases = _with_person(_cases(request.user, MANAGE)).annotate(
        annulled=Exists(_annulments_of(OuterRef("pk")).filter(state=S.APPROVED))
    )
    state = request.GET.get("state", "")
    if state in S.values:
        cases = cases.filter(state=state)
    else:
        state = ""
    now = timezone.now()
    rows = [
        {
            "name": case.tenure.application.name,
            "enterprise": case.tenure.enterprise.name,
            "occupation": case.tenure.application.occupation,
            "kind": case.get_kind_display(),
            "grounds": "、".join(ground_short(g) for g in case.grounds),
            "state": _badge(case),
            "opened_on": date_zh(case.opened_at),
            "next": next_step(case, now=now),
            "url": reverse("revocation:case_detail", args=[case.pk]),
        }
        for case in cases
    ]
    context = {
        "rows": rows,
        "state": state,
        "states": [{"value": "", "label": "全部"}, *({"value": v, "label": lbl} for v, lbl in S.choices)],
    }
    return render(request, "revocation/case_list.html", context)


# --- Opening a case ---------------------------------------------------------------------------------------


def _refusal(tenure: Tenure) -> tuple[str, RevocationCase | None]:
    """Why no case may be opened on `tenure` now, and the live case if that is the reason."""
    if tenure.status == TenureStatus.REVOKED:
        return "该首席技师资格已被取消，不能再立案。", None
    live = RevocationCase.objects.filter(tenure=tenure, state__in=LIVE).first()
    if live is not None:
        return "该首席技师已有正在办理的取消资格案件，办结后方可再立案。", live
    return "", None


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@capability_required(MANAGE)
def case_open_view(request, tenure_pk: int):
    tenures = Tenure.objects.filter(authority_id__in=authority_ids_for(request.user, MANAGE))
    tenure = get_object_or_404(
        tenures.select_related("application", "enterprise", "policy", "certificate").defer(
            *(f"application__{f}" for f in _DEFERRED)
        ),
        pk=tenure_pk,
    )
    require(
        request.user.has_perm("revocation.case_open", tenure),
        "只有本机关的人社局经办人可以对首席技师立案调查。",
    )
    refusal, live = _refusal(tenure)
    form = None
    if not refusal:
        posted = request.method == "POST"
        form = CaseOpenForm(request.POST, request.FILES) if posted else CaseOpenForm()
        if posted:
            _confirmation_at_box(request, form)
        if posted and form.is_valid():
            try:
                confirmation_require(request, CaseOpenForm.question)
                case = revocation_case_open(
                    actor=request.user,
                    tenure=tenure,
                    grounds=form.cleaned_data["grounds"],
                    facts=form.cleaned_data["facts"],
                    files=form.uploads(),
                )
            except NeedsConfirmation:
                form.add_error("confirmed", CONFIRM_MISSING)
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(
                    request,
                    f"已立案，已通知本人及所在单位；陈述申辩截止时间为{date_zh(case.statement_deadline)}24时。",
                )
                return redirect("revocation:case_detail", pk=case.pk)
    application = tenure.application
    context = {
        "tenure": tenure,
        "person": _person(tenure),
        "refusal": refusal,
        "live_url": reverse("revocation:case_detail", args=[live.pk]) if live else "",
        "form": form,
        "back_url": reverse("tenure:tenure_detail", args=[tenure.pk]),
        "name": application.name,
    }
    return render(request, "revocation/case_open.html", context)


def _person(tenure: Tenure) -> list[tuple[str, str]]:
    application = tenure.application
    try:
        certificate = tenure.certificate.number
    except ObjectDoesNotExist:
        certificate = ""
    return [
        ("姓名", application.name),
        ("身份证号码", mask_id_number(application.id_number)),
        ("工作单位", tenure.enterprise.name),
        ("职业（工种）", application.occupation),
        ("管理期", f"{date_zh(tenure.starts_on)}至{date_zh(tenure.ends_on)}"),
        ("证书编号", certificate or "未颁发"),
    ]


# --- The case page ----------------------------------------------------------------------------------------


def _case_lookup(request, pk: int) -> RevocationCase:
    """A case of an authority the user reads cases for (officer, leadership, government); else 404."""
    cases = _with_person(_cases(request.user, *READERS)).select_related(
        "tenure__certificate",
        "opened_by",
        "statement_by",
        "found_by",
        "leadership_by",
        "government_by",
        "annuls",
    )
    annulled = Exists(_annulments_of(OuterRef("pk")).filter(state=S.APPROVED))
    return get_object_or_404(cases.annotate(annulled=annulled), pk=pk)


def _who(user, moment) -> str:
    return f"{user.real_name or user.username}，{datetime_zh(moment)}" if user else datetime_zh(moment)


def _steps(case: RevocationCase, documents: dict[str, list[dict]], *, now) -> list[dict]:
    """Each step in order: what was recorded, by whom and when, and its documents; the steps still to come
    of a live case say so."""
    live = case.state in LIVE
    steps = []

    def step(key: str, rows: list[tuple[str, str]], *, pending: str = "") -> None:
        steps.append(
            {
                "key": key,
                "title": CaseStep(key).label if key in CaseStep.values else key,
                "rows": rows,
                "pending": pending,
                "documents": documents.get(key, []),
            }
        )

    opened = [("经办", _who(case.opened_by, case.opened_at))]
    if case.statement_deadline:
        opened.append(("陈述申辩期限", f"{date_zh(case.statement_deadline)}24时"))
    step(CaseStep.OPEN, opened)

    if case.statement_deadline is not None:
        if case.statement_at is not None:
            step(
                CaseStep.STATEMENT,
                [("提交", _who(case.statement_by, case.statement_at)), ("陈述申辩意见", case.statement)],
            )
        elif now <= end_of_day(case.statement_deadline) and case.state == S.OPEN:
            step(CaseStep.STATEMENT, [], pending="陈述申辩期未届满")
        else:
            step(CaseStep.STATEMENT, [], pending="未提交")

    if case.found_at is not None:
        step(CaseStep.FINDING, [("经办", _who(case.found_by, case.found_at)), ("初步认定意见", case.finding)])
    elif live:
        step(CaseStep.FINDING, [], pending="尚未作出初步认定")

    if case.leadership_at is not None:
        rejected = case.state == S.CLOSED and case.government_at is None
        rows = [
            ("审定结论", "不同意取消资格" if rejected else "同意取消资格"),
            ("会议日期", date_zh(case.leadership_meeting_on)),
            ("会议纪要", case.leadership_minutes),
        ]
        if case.leadership_reason:
            rows.append(("审定意见", case.leadership_reason))
        rows.append(("登记", _who(case.leadership_by, case.leadership_at)))
        step(CaseStep.LEADERSHIP, rows)
    elif live:
        step(CaseStep.LEADERSHIP, [], pending="尚未审定")

    if case.state == S.APPROVED:
        step(
            CaseStep.GOVERNMENT,
            [
                ("批准文号", case.government_document_number),
                ("批准日期", date_zh(case.government_approved_on)),
                ("生效日期", date_zh(case.effective_on)),
                ("登记", _who(case.government_by, case.government_at)),
            ],
        )
    elif case.government_at is not None:
        step(
            CaseStep.GOVERNMENT,
            [("结论", "不予批准"), ("登记", _who(case.government_by, case.government_at))],
        )
    elif live:
        step(CaseStep.GOVERNMENT, [], pending="尚未批准")

    if case.state == S.CLOSED:
        steps.append(
            {
                "key": "closed",
                "title": "结案",
                "rows": [("结案理由", case.closed_reason), ("结案时间", datetime_zh(case.closed_at))],
                "pending": "",
                "documents": [],
            }
        )

    if case.kind == CaseKind.REVOKE and (case.state == S.APPROVED or live):
        if case.certificate_returned_on is not None:
            rows = [("收回日期", date_zh(case.certificate_returned_on))]
            if case.certificate_return_note:
                rows.append(("收回说明", case.certificate_return_note))
            step(CaseStep.RETURN, rows)
        else:
            step(
                CaseStep.RETURN, [], pending="尚未登记收回" if case.state == S.APPROVED else "政府批准后收回"
            )
    return steps


def _documents(case: RevocationCase) -> dict[str, list[dict]]:
    by_step: dict[str, list[dict]] = {}
    for document in CaseDocument.objects.filter(case=case).only(
        "pk", "step", "file_name", "file_size", "uploaded_at"
    ):
        by_step.setdefault(document.step, []).append(
            {
                "name": document.file_name,
                "size": f"{max(1, round(document.file_size / 1024))}KB",
                "uploaded_at": datetime_zh(document.uploaded_at),
                "url": reverse("revocation:document", args=[case.pk, document.pk]),
            }
        )
    return by_step


def _page(request, case: RevocationCase, *, finding_form=None, return_form=None, status: int = 200):
    user, tenure = request.user, case.tenure
    now = timezone.now()
    annuls = case.annuls
    annulments = list(
        _annulments_of(case).only("pk", "kind", "state", "opened_at").order_by("opened_at", "pk")
    )
    approved_revoke = case.state == S.APPROVED and case.kind == CaseKind.REVOKE
    # The finding waits for the holder to be heard (the next step says until when).
    can_find = case.state == S.OPEN and _heard(case, now=now) and user.has_perm("revocation.finding", case)
    can_return = (
        approved_revoke
        and case.certificate_returned_on is None
        and not _annulled(case)
        and user.has_perm("revocation.certificate_return", case)
    )
    context = {
        "case": case,
        "name": tenure.application.name,
        "person": _person(tenure),
        "tenure_status": {"label": tenure.get_status_display(), "css": badge_css("tenure", tenure.status)},
        "state": _badge(case),
        "grounds": [f"第十七条{Ground(g).label}" for g in case.grounds],
        "next": next_step(case, now=now),
        "steps": _steps(case, _documents(case), now=now),
        "annuls_url": reverse("revocation:case_detail", args=[annuls.pk]) if annuls else "",
        "annulments": [
            {
                "url": reverse("revocation:case_detail", args=[a.pk]),
                "opened_on": date_zh(a.opened_at),
                "state": _badge(a),
            }
            for a in annulments
        ],
        # A refused POST shows its form with the refusal, even where the form would not be offered.
        "finding_form": finding_form
        if finding_form is not None
        else (FindingForm(kind=case.kind) if can_find else None),
        "return_form": (return_form or CertificateReturnForm()) if can_return else None,
        "annul_url": reverse("revocation:annulment_open", args=[case.pk])
        if approved_revoke
        # One annulment at a time, and none after one was approved; a refused one may be followed by another.
        and all(a.state == S.CLOSED for a in annulments)
        and user.has_perm("revocation.annulment_open", case)
        else "",
        "leadership_url": reverse("revocation:leadership", args=[case.pk])
        if case.state == S.FOUND and user.has_perm("revocation.leadership", case)
        else "",
        "government_url": reverse("revocation:government", args=[case.pk])
        if case.state == S.ENDORSED and user.has_perm("revocation.government", case)
        else "",
        "list_url": reverse("revocation:case_list") if user.has_perm(MANAGE) else "",
    }
    return render(request, "revocation/case_detail.html", context, status=status)


@never_cache
@require_safe
@login_only
def case_detail(request, pk: int):
    return _page(request, _case_lookup(request, pk))


@never_cache
@require_POST
@login_only
def finding_view(request, pk: int):
    case = _case_lookup(request, pk)
    require(request.user.has_perm("revocation.finding", case), "只有本机关的人社局经办人可以作出初步认定。")
    require(case.state == S.OPEN, f"该案件当前为“{case.get_state_display()}”，不能再作出初步认定。")
    form = FindingForm(request.POST, request.FILES, kind=case.kind)
    _confirmation_at_box(request, form)
    if form.is_valid():
        try:
            confirmation_require(request, form.question)
            revocation_finding_record(
                actor=request.user,
                case=case,
                revoke=form.revoke,
                finding=form.cleaned_data["finding"],
                files=form.uploads(),
            )
        except NeedsConfirmation:
            form.add_error("confirmed", CONFIRM_MISSING)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            what = "撤销取消资格决定" if case.kind == CaseKind.ANNUL else "取消资格"
            if form.revoke:
                messages.success(request, f"已作出初步认定：拟{what}，已报领导小组审定。")
            else:
                messages.success(request, f"已作出初步认定：不予{what}，案件已结案，已通知本人及所在单位。")
            return redirect("revocation:case_detail", pk=case.pk)
    return _page(request, case, finding_form=form)


@never_cache
@require_POST
@login_only
def certificate_return_view(request, pk: int):
    case = _case_lookup(request, pk)
    require(
        request.user.has_perm("revocation.certificate_return", case),
        "只有本机关的人社局经办人可以登记证书收回。",
    )
    require(
        case.state == S.APPROVED and case.kind == CaseKind.REVOKE and not _annulled(case),
        "取消资格经政府批准后方可登记证书收回。",
    )
    require(
        case.certificate_returned_on is None, f"证书已于{date_zh(case.certificate_returned_on)}登记收回。"
    )
    form = CertificateReturnForm(request.POST)
    back = reverse("revocation:case_detail", args=[case.pk])
    if form.is_valid():
        returned_on = form.cleaned_data["returned_on"]
        try:
            if returned_on is not None:
                confirmation_require(
                    request,
                    f"即将登记{case.tenure.application.name}的纸质证书已于{date_zh(returned_on)}收回，登记后不能修改。",
                )
            revocation_certificate_returned(
                actor=request.user, case=case, returned_on=returned_on, note=form.cleaned_data["note"]
            )
        except NeedsConfirmation as exc:
            return confirmation_page(request, exc, title="登记证书收回", button="确认登记", back_url=back)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, f"已登记证书于{date_zh(returned_on)}收回。")
            return redirect(back)
    return _page(request, case, return_form=form)


# --- The documents ----------------------------------------------------------------------------------------


@never_cache
@require_safe
@login_only
def document(request, pk: int, document_pk: int):
    """A step's document, always as an attachment: the authority's staff every step's, the holder (their own
    login) those of the steps told to them; anyone else 404."""
    staff_ids = authority_ids_for(request.user, *READERS)
    cases = RevocationCase.objects.filter(Q(authority_id__in=staff_ids) | Q(tenure__user=request.user))
    case = get_object_or_404(cases.select_related("tenure"), pk=pk)
    documents = CaseDocument.objects.filter(case=case)
    if case.authority_id not in staff_ids:
        if not is_case_holder(request.user, case):
            raise Http404("文件不存在。")
        documents = documents.filter(step__in=HOLDER_STEPS)
    record = get_object_or_404(documents, pk=document_pk)
    return upload_download(
        SimpleNamespace(file=record.file, original_name=record.file_name, content_type=record.file_type)
    )
