"""The public notice pages (no login): the notices, one notice with its table, the objection form and the
receipt look-up.

Only what the notice itself publishes appears here: name, gender, enterprise, occupation and skill level
of each candidate. The querysets never load ID numbers or phones, so no template could show them.
"""

from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from chieftech.core.errors import DomainError, add_domain_error
from chieftech.core.middleware import client_ip
from chieftech.core.permissions import public, public_cached
from chieftech.policy.calendar import DEADLINE_TZ
from chieftech.publicity.domain.notice import (
    notice_has_ended,
    notice_is_running,
    notice_table,
    notice_text_parts,
    period_label,
)
from chieftech.publicity.domain.objections import (
    objection_file,
    objection_file_size_check,
    objection_lookup,
    objection_window_message,
)
from chieftech.publicity.forms_notice import ObjectionForm, ReceiptLookupForm
from chieftech.publicity.models import Notice, NoticeEntry, Objection

# The objection this browser filed last: only its filer's session leads to its receipt page.
SESSION_FILED_OBJECTION = "publicity_filed_objection"
PUBLIC_STATES = (Notice.State.PUBLISHED, Notice.State.CLOSED)
NOTICE_COLUMNS = (
    "title",
    "starts_on",
    "ends_on",
    "working_days",
    "state",
    "published_at",
    "round_id",
    "issued_by",
)


def _public_notices():
    return Notice.objects.filter(state__in=PUBLIC_STATES)


def _status(notice: Notice, now) -> tuple[str, str]:
    """The notice's status for the public, and its CSS class."""
    if notice_is_running(notice, now):
        return "公示中", "status-ok"
    if notice.state == Notice.State.PUBLISHED and not notice_has_ended(notice, now):
        return "即将开始", "status-warn"
    return "已结束", ""


@public_cached
def notice_list(request):
    now = timezone.now()
    notices = (
        _public_notices()
        .only(*NOTICE_COLUMNS)
        .annotate(candidates=Count("entries"))
        .order_by("-starts_on", "-pk")
    )
    current, archived = [], []
    for notice in notices:
        status, css = _status(notice, now)
        row = {
            "title": notice.title,
            "url": reverse("publicity_public:notice_detail", args=[notice.pk]),
            "period": period_label(notice),
            "candidates": notice.candidates,
            "status": status,
            "status_css": css,
            "published": notice.published_at,
            "issued_by": notice.issued_by,
        }
        (archived if status == "已结束" else current).append(row)
    return render(
        request,
        "publicity/public/notice_list.html",
        {
            "current": current,
            "archived": archived,
            # With several authorities' notices, each row says whose it is.
            "several": len({row["issued_by"] for row in current + archived}) > 1,
            "receipt_url": reverse("publicity_public:objection_receipt"),
        },
    )


@public_cached
def notice_detail(request, pk: int):
    notice = get_object_or_404(_public_notices().select_related("round"), pk=pk)
    now = timezone.now()
    status, css = _status(notice, now)
    rows = notice_table(notice)
    paragraphs, closing = notice_text_parts(notice.body)
    context = {
        "notice": notice,
        "paragraphs": paragraphs,
        "closing": closing,
        "status": status,
        "status_css": css,
        "period": period_label(notice),
        "running": notice_is_running(notice, now),
        "rows": rows,
        "removed_any": any(row.removed for row in rows),
        "round_title": notice.round.title,
        "objection_url": reverse("publicity_public:objection_create", args=[notice.pk]),
        "receipt_url": reverse("publicity_public:objection_receipt"),
    }
    return render(request, "publicity/public/notice_detail.html", context)


def _entry_choices(notice: Notice) -> dict[int, NoticeEntry]:
    entries = (
        NoticeEntry.objects.filter(notice=notice, removed=False)
        .select_related("application__enterprise")
        .only("order", "removed", "notice_id", "application__name", "application__enterprise__name")
        .order_by("order", "pk")
    )
    return {entry.pk: entry for entry in entries}


def _uploads(request, form: ObjectionForm) -> list[tuple[str, bytes]] | None:
    """The evidence files, each refused by its size before it is read; None when one was refused."""
    files = []
    for upload in form.cleaned_data.get("files") or []:
        try:
            objection_file_size_check(name=upload.name, size=upload.size)
        except DomainError as exc:
            add_domain_error(form, exc)
            return None
        files.append((upload.name, upload.read()))
    return files


@public
@never_cache
@require_http_methods(["GET", "POST"])
def objection_create(request, pk: int):
    notice = get_object_or_404(_public_notices().select_related("round"), pk=pk)
    now = timezone.now()
    running = notice_is_running(notice, now)
    entries = _entry_choices(notice) if running else {}
    choices = [(e.pk, f"{e.application.name}（{e.application.enterprise.name}）") for e in entries.values()]
    form = ObjectionForm(
        request.POST or None,
        request.FILES or None,
        entries=choices,
        initial={"entry": request.GET.get("entry")},
    )
    context = {
        "notice": notice,
        "period": period_label(notice),
        "running": running,
        "closed_message": "" if running else objection_window_message(notice),
        "form": form,
        "notice_url": reverse("publicity_public:notice_detail", args=[notice.pk]),
        "receipt_url": reverse("publicity_public:objection_receipt"),
    }
    if request.method == "POST" and form.is_valid():
        files = _uploads(request, form)
        if files is not None:
            data = form.cleaned_data
            try:
                objection = objection_file(
                    notice=notice,
                    entry=entries.get(data["entry"]),
                    name=data["name"],
                    phone=data["phone"],
                    email=data["email"],
                    content=data["content"],
                    files=files,
                    ip=client_ip(request),
                    now=now,
                )
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                # Post/redirect/get: reloading the receipt page must not file the objection again. The
                # receipt is reached through the filer's own session, so its address shows no one else's.
                request.session[SESSION_FILED_OBJECTION] = objection.pk
                return redirect("publicity_public:objection_filed", pk=notice.pk)
    return render(request, "publicity/public/objection_form.html", context)


@public
@never_cache
@require_http_methods(["GET"])
def objection_filed(request, pk: int):
    """The receipt of the objection this browser has just filed against notice `pk`."""
    objection_pk = request.session.get(SESSION_FILED_OBJECTION)
    if objection_pk is None:
        raise Http404("没有本浏览器提交的异议。")
    objection = get_object_or_404(
        Objection.objects.select_related("entry__application").only(
            "receipt_code", "submitted_at", "notice_id", "entry__application__name"
        ),
        pk=objection_pk,
    )
    # Compared here, not in the query: the address's number may be any size.
    if objection.notice_id != pk:
        raise Http404("没有本浏览器对该公示提交的异议。")
    done = {
        "code": objection.receipt_code,
        "candidate": objection.entry.application.name,
        "submitted": objection.submitted_at.astimezone(DEADLINE_TZ),
        "receipt_url": reverse("publicity_public:objection_receipt"),
        "notice_url": reverse("publicity_public:notice_detail", args=[pk]),
    }
    return render(request, "publicity/public/objection_done.html", done)


@public
@never_cache
def objection_receipt(request):
    receipt = None
    form = ReceiptLookupForm(request.GET if "code" in request.GET else None)
    if form.is_bound and form.is_valid():
        receipt = objection_lookup(form.cleaned_data["code"])
        if receipt is None:
            form.add_error("code", "未查询到该回执码对应的异议，请核对后重新输入。")
    return render(
        request,
        "publicity/public/objection_receipt.html",
        {"form": form, "receipt": receipt, "list_url": reverse("publicity_public:notice_list")},
    )
