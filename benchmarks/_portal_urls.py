"""ChiefTech's URLs plus one trivial view: a constant answer after the whole middleware stack, the baseline
"a trivial view served by the same server" of issue 5."""

from django.http import HttpResponse
from django.urls import path

from chieftech.core.permissions import public
from chieftech.urls import handler403, handler404
from chieftech.urls import urlpatterns as chieftech_urlpatterns

DJANGO_TRIVIAL_PATH = "/_bench/django-trivial"
# The blank form rendered on every request, as it was before it was stored (blank_form_load.py's "before").
BLANK_PER_REQUEST_PATH = "/_bench/blank-form-per-request/"


@public
def trivial(request):
    return HttpResponse(b"ok\n", content_type="text/plain; charset=utf-8")


@public
def blank_form_per_request(request, pk: int):
    from django.shortcuts import get_object_or_404

    from chieftech.selection.documents.form import blank_form_content
    from chieftech.selection.documents.pdf import form_pdf
    from chieftech.selection.models import Round

    round_ = get_object_or_404(Round.objects.select_related("policy", "authority"), pk=pk)
    return HttpResponse(form_pdf(blank_form_content(round_)), content_type="application/pdf")


urlpatterns = [
    path(DJANGO_TRIVIAL_PATH.lstrip("/"), trivial),
    path(BLANK_PER_REQUEST_PATH.lstrip("/") + "<int:pk>.pdf", blank_form_per_request),
    *chieftech_urlpatterns,
]
__all__ = ["handler403", "handler404", "urlpatterns"]
