"""The officer's notice pages: prepare, edit, publish and finish the notice; the objections and their findings;
the printable notice for each applying enterprise."""

from datetime import date

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from chieftech.accounts.models import Enterprise
from chieftech.accounts.roles import authority_ids_for
from chieftech.audit.domain import personal_data_reveal
from chieftech.core.badges import badge_css
from chieftech.core.confirm import confirmation_page, confirmation_require
from chieftech.core.dates import date_zh
from chieftech.core.downloads import document_download, upload_download
from chieftech.core.errors import DomainError, NeedsConfirmation, add_domain_error
from chieftech.core.permissions import capability_required, require
from chieftech.core.pii import mask_phone
from chieftech.policy.calendar import DEADLINE_TZ, CalendarDataMissing, end_of_day
from chieftech.publicity.documents.notice_pdf import notice_pdf as render_notice_pdf
from chieftech.publicity.domain.current import round_current_notice, round_earlier_notices
from chieftech.publicity.domain.notice import (
    FINDING_STATES,
    MANAGE_NOTICE,
    cn_number,
    notice_finish,
    notice_has_ended,
    notice_is_running,
    notice_period,
    notice_prepare,
    notice_publish,
    notice_table,
    notice_text_parts,
    notice_text_problem,
    notice_update,
    period_label,
)
from chieftech.publicity.domain.objections import HANDLE_OBJECTION, objection_decide, objection_investigate
from chieftech.publicity.forms_notice import (
    DecideForm,
    InvestigateForm,
    NoticeEditForm,
    NoticePrepareForm,
)
from chieftech.publicity.models import Notice, Objection, ObjectionEvidence
from chieftech.selection.models import Application, ApplicationState, Round, RoundState
from chieftech.selection.rules import ROUND_VIEW_MATERIALS
from chieftech.selection.selectors import rounds_for

# The leadership and the government read the objections and their findings before deciding (read-only).
MATERIAL_READERS = ("publicity.decide_leadership", "publicity.record_government_approval")
NOT_YET_FOR_READERS = "批次进入审定审批阶段后，方可查阅异议及处理结论。"

# The candidate's columns the objection page never shows: not loading them keeps them from being decrypted.
CANDIDATE_DEFERRED = (
    "entry__application__id_number",
    "entry__application__phone",
    "entry__application__deeds",
    "entry__application__apprentices_summary",
    "entry__application__enterprise__contact_phone",
)


def _applying_enterprises(round_: Round) -> list[tuple[int, str]]:
    """The enterprises that recommended someone to this round: each posts the notice on its premises."""
    submitted = Application.objects.filter(round=round_).exclude(
        state__in=[ApplicationState.DRAFT, ApplicationState.WITHDRAWN]
    )
    return list(
        Enterprise.objects.filter(pk__in=submitted.values("enterprise_id"))
        .order_by("name")
        .values_list("pk", "name")
    )


# --- The notice -------------------------------------------------------------------------------------


def _period_preview(round_: Round, starts_on: date | None) -> dict:
    if starts_on is None:
        return {}
    try:
        period = notice_period(starts_on=starts_on, policy=round_.policy)
    except CalendarDataMissing as exc:
        return {"error": str(exc)}
    text = (
        f"{date_zh(starts_on)}至{date_zh(period.ends_on)}（{cn_number(period.working_days)}个工作日），"
        f"截至{date_zh(period.ends_on)}24时（北京时间）"
    )
    if period.first_day != starts_on:
        text += f"；开始日不是工作日，从{date_zh(period.first_day)}起计算工作日"
    return {"text": text}


def _starts_on_param(request) -> date | None:
    try:
        return date.fromisoformat(request.GET.get("starts_on", ""))
    except ValueError:
        return None


def _finish_blockers(notice: Notice, open_objections: int, now) -> list[str]:
    blockers = []
    if not notice_has_ended(notice, now):
        blockers.append(f"公示期至{date_zh(notice.ends_on)}24时结束，期满后方可结束公示。")
    if open_objections:
        blockers.append(f"还有{open_objections}件异议尚未作出处理结论。")
    return blockers


def _objection_counts(notice: Notice | None) -> dict[str, int]:
    if notice is None:
        return {}
    rows = notice.objections.values_list("state").annotate(n=Count("id")).order_by()
    return dict(rows)


def _earlier_rows(round_: Round, notice: Notice | None) -> list[dict]:
    """The round's earlier notices, closed when the leadership sent their list back: kept as the record."""
    earlier = round_earlier_notices(round_, notice)
    if not earlier:
        return []
    counts = dict(
        Objection.objects.filter(notice__in=earlier).values_list("notice").annotate(n=Count("id")).order_by()
    )
    return [
        {
            "title": n.title,
            "period": period_label(n),
            "state": n.get_state_display(),
            "published_at": n.published_at,
            "objections": counts.get(n.pk, 0),
            "public_url": reverse("publicity_public:notice_detail", args=[n.pk])
            if n.state != Notice.State.DRAFT
            else "",
        }
        for n in earlier
    ]


def _manage_page(
    request, round_: Round, notice: Notice | None, *, prepare_form=None, edit_form=None, status=200
):
    now = timezone.now()
    can_prepare = notice is None and round_.state == RoundState.NOTICE
    if can_prepare and prepare_form is None:
        prepare_form = NoticePrepareForm(initial={"starts_on": _starts_on_param(request)})
    if prepare_form is not None:
        prepare_form.fields["starts_on"].widget.attrs.update(
            {
                "hx-get": request.path,
                "hx-trigger": "change",
                "hx-target": "#period-preview",
                "hx-select": "#period-preview",
                "hx-swap": "outerHTML",
            }
        )
    if notice is not None and notice.state == Notice.State.DRAFT and edit_form is None:
        edit_form = NoticeEditForm(
            initial={"starts_on": notice.starts_on, "title": notice.title, "body": notice.body}
        )
    counts = _objection_counts(notice)
    paragraphs, closing = notice_text_parts(notice.body) if notice else ([], [])
    open_objections = sum(n for state, n in counts.items() if state not in FINDING_STATES)
    preview_date = _starts_on_param(request)
    if preview_date is None and prepare_form is not None and prepare_form.is_bound:
        preview_date = getattr(prepare_form, "cleaned_data", {}).get("starts_on")
    context = {
        "round": round_,
        "notice": notice,
        "notice_state_css": badge_css("notice", notice.state) if notice else "",
        "in_notice_stage": round_.state == RoundState.NOTICE,
        "prepare_form": prepare_form if can_prepare else None,
        "preview": _period_preview(round_, preview_date) if can_prepare else {},
        "edit_form": edit_form,
        "rows": notice_table(notice) if notice else [],
        "paragraphs": paragraphs,
        "closing": closing,
        "period": period_label(notice) if notice else "",
        "closes_at": end_of_day(notice.ends_on) if notice else None,
        "running": notice_is_running(notice, now) if notice else False,
        "text_problem": notice_text_problem(notice) if notice and notice.state == Notice.State.DRAFT else "",
        "objection_total": sum(counts.values()),
        "open_objections": open_objections,
        "finish_blockers": _finish_blockers(notice, open_objections, now)
        if notice and notice.state == Notice.State.PUBLISHED
        else [],
        "enterprises": [
            {"name": name, "pdf_url": reverse("publicity:notice_pdf", args=[round_.pk, pk])}
            for pk, name in (_applying_enterprises(round_) if notice else [])
        ],
        "public_url": reverse("publicity_public:notice_detail", args=[notice.pk])
        if notice and notice.state != Notice.State.DRAFT
        else "",
        "earlier": _earlier_rows(round_, notice),
        "objections_url": reverse("publicity:objection_list", args=[round_.pk]),
        "round_url": reverse("selection:round_detail", args=[round_.pk]),
    }
    return render(request, "publicity/notice/notice_manage.html", context, status=status)


def _notice_action(request, round_: Round, notice: Notice | None):
    action = request.POST.get("action", "")
    user = request.user
    if action == "prepare":
        form = NoticePrepareForm(request.POST)
        if form.is_valid():
            try:
                notice_prepare(actor=user, round_=round_, starts_on=form.cleaned_data["starts_on"])
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, "已生成公示草稿，请核对正文和名单后发布。")
                return None
        return _manage_page(request, round_, notice, prepare_form=form)
    if notice is None:
        raise Http404("本批次尚无考察公示。")
    if action == "update":
        form = NoticeEditForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                notice_update(
                    actor=user,
                    notice=notice,
                    starts_on=data["starts_on"],
                    title=data["title"],
                    body=data["body"],
                    regenerate=data["regenerate"],
                )
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, "公示草稿已保存。")
                return None
        return _manage_page(request, round_, notice, edit_form=form)
    try:
        if action == "publish":
            confirmation_require(
                request,
                f"即将发布“{notice.title}”：公示期为{period_label(notice)}，公示正文和人选名单在门户网站公开，"
                "群众可在公示期内提出异议；发布后公示内容不能再修改。",
            )
            notice_publish(actor=user, notice=notice)
            messages.success(request, f"考察公示已发布，公示期为{period_label(notice)}。")
        elif action == "finish":
            notice_finish(actor=user, round_=round_)
            messages.success(request, "考察公示已结束，建议人选名单已提交审定。")
        else:
            raise PermissionDenied("未知的操作。")
    except NeedsConfirmation as exc:
        back = reverse("publicity:notice_manage", args=[round_.pk])
        return confirmation_page(request, exc, title="发布考察公示", button="确认发布", back_url=back)
    except DomainError as exc:
        messages.error(request, exc.message)
    return None


@capability_required(MANAGE_NOTICE)
@require_http_methods(["GET", "POST"])
def notice_manage(request, round_pk: int):
    round_ = get_object_or_404(rounds_for(request.user, MANAGE_NOTICE).select_related("policy"), pk=round_pk)
    notice = round_current_notice(round_)
    if request.method == "POST":
        response = _notice_action(request, round_, notice)
        if response is not None:
            return response
        return redirect("publicity:notice_manage", round_pk=round_.pk)
    return _manage_page(request, round_, notice)


# The applying enterprise's own capability: its users download the copy they are asked to post.
POST_NOTICE = "selection.submit_application"
POSTED_STATES = (Notice.State.PUBLISHED, Notice.State.CLOSED)


def _copy_response(notice: Notice, enterprise_pk: int):
    enterprise = Enterprise.objects.get(pk=enterprise_pk)
    content = render_notice_pdf(notice, enterprise=enterprise)
    return document_download(
        content,
        content_type="application/pdf",
        filename=f"{notice.title}_{enterprise.name}.pdf",
        fallback=f"notice-{notice.pk}-enterprise-{enterprise.pk}.pdf",
    )


def _enterprise_copy_or_404(user, notice: Notice | None, enterprise_pk: int | None) -> Notice:
    """An enterprise user's own copy: the notice once published, for an enterprise that applied to the round.
    Anything else (a draft, another enterprise's copy, a round it did not apply to) is a 404."""
    if (
        notice is None
        or notice.state not in POSTED_STATES
        or enterprise_pk is None
        or user.enterprise_id != enterprise_pk
        or enterprise_pk not in dict(_applying_enterprises(notice.round))
    ):
        raise Http404("没有本单位可下载的公示文本。")
    return notice


@capability_required(MANAGE_NOTICE, POST_NOTICE)
@require_GET
@never_cache
def notice_pdf(request, round_pk: int, enterprise_pk: int):
    """The copy for one applying enterprise: the officer prints any of them (the draft too); an enterprise
    user downloads its own once the notice is published."""
    user = request.user
    round_ = rounds_for(user, MANAGE_NOTICE).select_related("authority").filter(pk=round_pk).first()
    if round_ is not None:
        notice = round_current_notice(round_)
        if notice is None:
            raise Http404("本批次尚无考察公示。")
        if enterprise_pk not in dict(_applying_enterprises(round_)):
            raise Http404("该单位没有在本批次申报。")
        return _copy_response(notice, enterprise_pk)
    if not user.has_perm(POST_NOTICE):
        raise Http404("本批次尚无考察公示。")
    round_ = get_object_or_404(Round.objects.select_related("authority"), pk=round_pk)
    notice = _enterprise_copy_or_404(user, round_current_notice(round_), enterprise_pk)
    return _copy_response(notice, enterprise_pk)


@capability_required(POST_NOTICE)
@require_GET
@never_cache
def notice_copy(request, notice_pk: int):
    """The link in the enterprise's notification: its own copy of the notice, whichever enterprise it is."""
    notice = get_object_or_404(Notice.objects.select_related("round__authority"), pk=notice_pk)
    _enterprise_copy_or_404(request.user, notice, request.user.enterprise_id)
    return _copy_response(notice, request.user.enterprise_id)


# --- Objections -------------------------------------------------------------------------------------


def _reading_round(request, round_: Round) -> bool:
    """True when the user reads the objections for the leadership's or the government's decision (403 before
    the round reaches it); False for the officer who handles them."""
    if request.user.has_perm(HANDLE_OBJECTION):
        return False
    require(request.user.has_perm(ROUND_VIEW_MATERIALS, round_), NOT_YET_FOR_READERS)
    return True


@capability_required(HANDLE_OBJECTION, *MATERIAL_READERS)
@require_GET
def objection_list(request, round_pk: int):
    round_ = get_object_or_404(rounds_for(request.user, HANDLE_OBJECTION, *MATERIAL_READERS), pk=round_pk)
    reading = _reading_round(request, round_)
    objections = (
        Objection.objects.filter(notice__round=round_)
        .select_related("entry__application", "notice")
        .only(
            "receipt_code",
            "submitted_at",
            "state",
            "name",
            "handled_at",
            "finding_reason",
            "entry__application__name",
            "notice__starts_on",
            "notice__ends_on",
        )
        .order_by("submitted_at", "pk")
    )
    rows = [
        {
            "notice_id": o.notice_id,
            "notice_period": period_label(o.notice),
            "code": o.receipt_code,
            "url": reverse("publicity:objection_detail", args=[o.pk]),
            "submitted": o.submitted_at,
            "candidate": o.entry.application.name,
            "objector": o.name,
            "state": o.get_state_display(),
            "state_css": badge_css("objection", o.state),
            "handled": o.handled_at,
            "finding": o.finding_reason,
        }
        for o in objections
    ]
    return render(
        request,
        "publicity/notice/objection_list.html",
        {
            "round": round_,
            "rows": rows,
            # After the leadership sent a list back, the round had more than one notice: each row names its own.
            "several_notices": len({row["notice_id"] for row in rows}) > 1,
            "open": sum(1 for row in rows if row["state_css"] == "status-warn"),
            "back_url": reverse(
                "publicity:approval" if reading else "publicity:notice_manage", args=[round_.pk]
            ),
            "back_label": f"{round_.title} 审定审批" if reading else f"{round_.title} 考察公示",
        },
    )


def _objections_for(user):
    capabilities = (HANDLE_OBJECTION,) if user.has_perm(HANDLE_OBJECTION) else MATERIAL_READERS
    return Objection.objects.filter(notice__round__authority_id__in=authority_ids_for(user, *capabilities))


def _objection_or_404(request, pk: int) -> Objection:
    return get_object_or_404(
        _objections_for(request.user)
        .select_related("notice__round", "entry__application__enterprise", "handled_by")
        .defer(*CANDIDATE_DEFERRED),
        pk=pk,
    )


READER_EMAIL = "已填写（仅区人社局经办人可见）"


def _objection_page(request, objection: Objection, *, investigate_form=None, decide_form=None, revealed=""):
    reading = _reading_round(request, objection.notice.round)
    final = objection.state in FINDING_STATES
    open_for_handling = not reading and not final and objection.notice.state != Notice.State.CLOSED
    if open_for_handling:
        investigate_form = investigate_form or InvestigateForm(
            initial={"notes": objection.investigation_notes}
        )
        decide_form = decide_form or DecideForm()
    evidence = [
        {
            "name": e.original_name,
            "size_kb": max(1, round(e.size / 1024)),
            "url": reverse("publicity:objection_evidence", args=[objection.pk, e.pk]),
        }
        for e in objection.evidence.all()
    ]
    application = objection.entry.application
    context = {
        "objection": objection,
        "notice": objection.notice,
        "round": objection.notice.round,
        "candidate": application.name,
        "enterprise": application.enterprise.name,
        "entry_removed": objection.entry.removed,
        "state_css": badge_css("objection", objection.state),
        "phone_masked": mask_phone(objection.phone),
        # The officer contacts the objector; the decision-makers read the finding, not how to reach them.
        "email": (READER_EMAIL if objection.email else "") if reading else objection.email,
        "revealed": revealed,
        "can_reveal": request.user.has_perm("accounts.reveal_personal_data"),
        "evidence": evidence,
        "final": final,
        "investigate_form": investigate_form if open_for_handling else None,
        "decide_form": decide_form if open_for_handling else None,
        "submitted": objection.submitted_at.astimezone(DEADLINE_TZ),
        "list_url": reverse("publicity:objection_list", args=[objection.notice.round_id]),
    }
    return render(request, "publicity/notice/objection_detail.html", context)


def _refused(request, objection: Objection, exc: DomainError):
    """A refusal that concerns the objection, not a field (a finding already made): shown on the page."""
    messages.error(request, exc.message)
    return redirect("publicity:objection_detail", pk=objection.pk)


@capability_required(HANDLE_OBJECTION, *MATERIAL_READERS)
@require_http_methods(["GET", "POST"])
@never_cache
def objection_detail(request, pk: int):
    objection = _objection_or_404(request, pk)
    if request.method == "GET":
        return _objection_page(request, objection)
    require(request.user.has_perm(HANDLE_OBJECTION), "只有区人社局经办人可以处理异议。")
    action = request.POST.get("action", "")
    if action == "reveal":
        if not request.user.has_perm("accounts.reveal_personal_data"):
            raise PermissionDenied("您没有查看完整个人敏感信息的权限。")
        value = personal_data_reveal(actor=request.user, obj=objection, field_name="phone", reason="核实异议")
        return _objection_page(request, objection, revealed=value)
    if action == "investigate":
        form = InvestigateForm(request.POST)
        if form.is_valid():
            try:
                objection_investigate(
                    actor=request.user, objection=objection, notes=form.cleaned_data["notes"]
                )
            except DomainError as exc:
                if exc.field is None:
                    return _refused(request, objection, exc)
                add_domain_error(form, exc)
            else:
                messages.success(request, "调查核实情况已记录。")
                return redirect("publicity:objection_detail", pk=objection.pk)
        return _objection_page(request, objection, investigate_form=form)
    if action == "decide":
        form = DecideForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                objection_decide(
                    actor=request.user,
                    objection=objection,
                    upheld=data["finding"] == "upheld",
                    reason=data["reason"],
                    public_reply=data["public_reply"],
                )
            except DomainError as exc:
                if exc.field is None:
                    return _refused(request, objection, exc)
                add_domain_error(form, exc)
            else:
                messages.success(request, "处理结论已记录。")
                return redirect("publicity:objection_detail", pk=objection.pk)
        return _objection_page(request, objection, decide_form=form)
    raise PermissionDenied("未知的操作。")


@capability_required(HANDLE_OBJECTION, *MATERIAL_READERS)
@require_GET
def objection_evidence(request, pk: int, evidence_pk: int):
    """Always a download, never shown inline: the browser must not interpret an uploaded file."""
    evidence = get_object_or_404(
        ObjectionEvidence.objects.select_related("objection__notice__round"),
        pk=evidence_pk,
        objection__in=_objections_for(request.user),
        objection_id=pk,
    )
    _reading_round(request, evidence.objection.notice.round)
    return upload_download(evidence)
