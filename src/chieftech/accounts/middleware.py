"""Per-request account state: the authority a user chose to act for (the header switcher) travels in the
session and is put on the user, so that `roles.acting_authority(user)` can read it without the request; and a
password due for its periodic change holds the user at the change form."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.middleware import get_user
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
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


PASSWORD_EXPIRED_MESSAGE = "您的密码已超过{days}天未修改，按安全要求请先修改密码再继续使用。"  # noqa: S105 - a message, not a password
# Reachable while the password is due: the form that changes it, and signing out.
_PASSWORD_DUE_ALLOWED = ("accounts:password_change", "accounts:logout")


class PasswordExpiryMiddleware:
    """Periodic change (settings.PASSWORD_MAX_AGE_DAYS): a signed-in user whose password is older than that is
    sent to the change-password page from any page, until they change it. After MessageMiddleware and the
    idle timeout."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        days = settings.PASSWORD_MAX_AGE_DAYS
        if (
            days > 0
            and request.user.is_authenticated
            and request.user.password_expired(max_age_days=days, now=timezone.now())
            and request.path not in {reverse(name) for name in _PASSWORD_DUE_ALLOWED}
        ):
            if request.method == "GET":
                messages.warning(request, PASSWORD_EXPIRED_MESSAGE.format(days=days))
            target = reverse("accounts:password_change")
            if request.headers.get("HX-Request") == "true":
                response = HttpResponse(status=204)
                response["HX-Redirect"] = target
                return response
            return redirect(target)
        return self.get_response(request)
