"""ChiefTech's URLs plus one trivial view: a constant answer after the whole middleware stack, the baseline
"a trivial view served by the same server" of issue 5."""

from django.http import HttpResponse
from django.urls import path

from chieftech.core.permissions import public
from chieftech.urls import handler403, handler404
from chieftech.urls import urlpatterns as chieftech_urlpatterns

DJANGO_TRIVIAL_PATH = "/_bench/django-trivial"


@public
def trivial(request):
    return HttpResponse(b"ok\n", content_type="text/plain; charset=utf-8")


urlpatterns = [path(DJANGO_TRIVIAL_PATH.lstrip("/"), trivial), *chieftech_urlpatterns]
__all__ = ["handler403", "handler404", "urlpatterns"]
