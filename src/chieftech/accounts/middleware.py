"""The authority a user chose to act for (the header switcher) travels in the session; this puts it on the
user so that `roles.acting_authority(user)` can read it without the request."""

from django.contrib.auth.middleware import get_user
from django.utils.functional import SimpleLazyObject

from chieftech.accounts.roles import ACTING_AUTHORITY_SESSION_KEY


def _with_choice(request):
    user = get_user(request)  # the user AuthenticationMiddleware loaded (cached on the request)
    if getattr(user, "is_authenticated", False):
        user._chieftech_acting_authority_id = request.session.get(ACTING_AUTHORITY_SESSION_KEY)
    return user


class ActingAuthorityMiddleware:
    """After AuthenticationMiddleware. Lazy: the session is read only when the user is."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.user = SimpleLazyObject(lambda: _with_choice(request))
        return self.get_response(request)
