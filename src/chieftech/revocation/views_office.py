"""The office's pages of a revocation case (第十七条)."""

from django.http import Http404


def _todo(*args, **kwargs):
    raise Http404


case_list = case_open_view = case_detail = finding_view = certificate_return_view = _todo
document = _todo
