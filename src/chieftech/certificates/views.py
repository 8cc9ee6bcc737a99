"""Downloads of certificates: the staff's (one certificate, or every certificate of a round for printing) and the
chief technician's own."""

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_safe

from chieftech.accounts.roles import authority_ids_for
from chieftech.certificates import documents
from chieftech.certificates.documents import CERTIFICATE_RELATED, certificates_pdf, round_certificates
from chieftech.certificates.models import Certificate
from chieftech.core.permissions import capability_required
from chieftech.selection.selectors import rounds_for

ISSUE = "certificates.issue_certificate"
ENTERPRISE = "selection.submit_application"
# Held by the chief technician's own account alone (accounts.roles, Role.TECHNICIAN).
HOLDER = "tenure.log_activity"


def certificates_visible_to(user):
    """The officer sees the certificates of its own authorities; an enterprise user those of its own current
    staff, not withdrawn (whichever authority issued them)."""
    qs = Certificate.objects.select_related(*CERTIFICATE_RELATED)
    if user.has_perm(ISSUE):
        return qs.filter(tenure__authority_id__in=authority_ids_for(user, ISSUE))
    if user.has_perm(ENTERPRISE) and user.enterprise_id:
        return qs.filter(tenure__enterprise_id=user.enterprise_id, withdrawn_at__isnull=True)
    return qs.none()


def _pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f"inline; filename*=UTF-8''{filename}"
    response["Cache-Control"] = "private, no-store"
    return response


@capability_required(ISSUE, ENTERPRISE)
def certificate_pdf(request, pk: int):
    certificate = get_object_or_404(certificates_visible_to(request.user), pk=pk)
    return _pdf_response(documents.certificate_pdf(certificate), f"{certificate.number}.pdf")


@capability_required(ISSUE)
def round_batch_pdf(request, round_pk: int):
    round_ = get_object_or_404(rounds_for(request.user, ISSUE), pk=round_pk)
    certificates = round_certificates(round_)
    if not certificates:
        raise Http404("本批次尚未颁发证书。")
    content = certificates_pdf(certificates, title=f"{round_.title} 首席技师证书")
    return _pdf_response(content, f"certificates-{round_.year}-{round_.pk}.pdf")


@capability_required(HOLDER)
@require_safe
def holder_certificate_pdf(request):
    """The signed-in chief technician's own certificate: found from the account, never from the address."""
    certificate = get_object_or_404(
        Certificate.objects.select_related(*CERTIFICATE_RELATED),
        tenure__user_id=request.user.pk,
        withdrawn_at__isnull=True,
    )
    return _pdf_response(documents.certificate_pdf(certificate), f"{certificate.number}.pdf")
