"""Downloads: the 申报表 (PDF, Word) of an application or blank for a call, and the round's list in Excel."""

from django.core.files.storage import default_storage
from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from chieftech.audit.domain import personal_data_reveal
from chieftech.core.downloads import document_download
from chieftech.core.permissions import capability_required, public, require
from chieftech.selection.documents.blank import blank_form_stored
from chieftech.selection.documents.excel import round_applications_export
from chieftech.selection.documents.form import form_title
from chieftech.selection.documents.pdf import application_form_pdf
from chieftech.selection.documents.word import application_form_docx
from chieftech.selection.domain.applications import applications_visible_to
from chieftech.selection.models import Application, Round, RoundState
from chieftech.selection.selectors import rounds_for

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _visible_application(request, pk: int) -> Application:
    """Only the owning enterprise's users and officers find it; anyone else gets 404."""
    queryset = applications_visible_to(request.user).select_related("round__policy")
    return get_object_or_404(queryset, pk=pk)


def _reveal_requested(request, application: Application, *, what: str) -> bool:
    """?reveal=1 prints the full ID number and phone: officers with the capability only, each reveal audited."""
    if request.GET.get("reveal") != "1":
        return False
    require(request.user.has_perm("accounts.reveal_personal_data"), "您没有查看完整个人敏感信息的权限。")
    with transaction.atomic():
        for field in ("id_number", "phone"):
            personal_data_reveal(actor=request.user, obj=application, field_name=field, reason=f"打印{what}")
    return True


def _application_filename(application: Application, extension: str) -> tuple[str, str]:
    return (
        f"{form_title(application.round)}_{application.name}_{application.round.year}-{application.pk:05d}.{extension}",
        f"application-{application.pk}.{extension}",
    )


@capability_required("selection.submit_application", "selection.review_application")
@require_GET
@never_cache
def application_pdf(request, pk: int):
    application = _visible_application(request, pk)
    reveal = _reveal_requested(request, application, what="申报表（PDF）")
    content = application_form_pdf(application, reveal=reveal)
    filename, fallback = _application_filename(application, "pdf")
    return document_download(content, content_type=PDF, filename=filename, fallback=fallback)


@capability_required("selection.submit_application", "selection.review_application")
@require_GET
@never_cache
def application_docx(request, pk: int):
    application = _visible_application(request, pk)
    reveal = _reveal_requested(request, application, what="申报表（Word）")
    content = application_form_docx(application, reveal=reveal)
    filename, fallback = _application_filename(application, "docx")
    return document_download(content, content_type=DOCX, filename=filename, fallback=fallback)


def _published_round(pk: int) -> Round:
    # A draft round's call is not public yet: it does not exist for the public.
    rounds = Round.objects.exclude(state=RoundState.DRAFT).select_related("policy", "authority")
    return get_object_or_404(rounds, pk=pk)


def _read(name: str) -> bytes:
    with default_storage.open(name, "rb") as handle:
        return handle.read()


def _blank_form(request, pk: int, kind: str, content_type: str):
    """The stored blank form, or 304 when the browser's copy is still the same file."""
    round_ = _published_round(pk)
    stored = blank_form_stored(round_, kind)
    last_modified = http_date(stored.modified.timestamp())
    response = get_conditional_response(
        request, etag=stored.etag, last_modified=int(stored.modified.timestamp())
    )
    if response is None:
        response = document_download(
            _read(stored.name),
            content_type=content_type,
            filename=f"{form_title(round_)}（{round_.title}）.{kind}",
            fallback=f"application-form-{round_.pk}.{kind}",
        )
    response["ETag"] = stored.etag
    response["Last-Modified"] = last_modified
    # The same file for everyone, checked again on each visit: a changed call makes a new file at once.
    patch_cache_control(response, public=True, no_cache=True, max_age=0)
    return response


@public
@require_GET
def blank_form_pdf_view(request, pk: int):
    return _blank_form(request, pk, "pdf", PDF)


@public
@require_GET
def blank_form_docx_view(request, pk: int):
    return _blank_form(request, pk, "docx", DOCX)


@capability_required("selection.review_application")
@require_GET
@never_cache
def round_export_xlsx(request, pk: int):
    rounds = rounds_for(request.user, "selection.review_application").select_related("policy")
    round_ = get_object_or_404(rounds, pk=pk)
    export = round_applications_export(actor=request.user, round_=round_, params=request.GET)
    return document_download(
        export.file, content_type=XLSX, filename=export.filename, fallback=f"applications-{round_.pk}.xlsx"
    )
