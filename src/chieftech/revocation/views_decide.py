"""The leadership's and the government's decisions on a revocation case, and the holder's statement."""

from django.http import Http404


def _todo(*args, **kwargs):
    raise Http404


decision_list = leadership_view = government_view = statement_view = _todo
