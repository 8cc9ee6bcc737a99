import ipaddress
import time

from csp.middleware import CSPMiddleware
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse
from django.shortcuts import resolve_url
from django.utils.cache import add_never_cache_headers, patch_vary_headers

from chieftech.core.context import current_ip

SESSION_LAST_ACTIVITY = "chieftech_last_activity"
IDLE_LOGOUT_MESSAGE = "由于长时间未操作，您已自动退出登录，请重新登录。"


def _valid_ip(value: str | None) -> str | None:
    if not value:
        return None
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request) -> str | None:
    """The address of the client, for the audit log and the login lockout (AXES_CLIENT_IP_CALLABLE).

    X-Forwarded-For is read only when settings.TRUSTED_PROXY_COUNT says how many of our own proxies
    append to it. Each proxy appends the address it received the request from, so the client is the
    entry that many places from the right; anything further left was written by the client and proves
    nothing. A missing or malformed entry falls back to the peer address.
    """
    remote = _valid_ip(request.META.get("REMOTE_ADDR"))
    proxies = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if proxies <= 0:
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    if len(hops) < proxies:
        return remote
    return _valid_ip(hops[-proxies]) or remote


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = current_ip.set(client_ip(request))
        try:
            return self.get_response(request)
        finally:
            current_ip.reset(token)


class IdleTimeoutMiddleware:
    """Ends a session after settings.IDLE_TIMEOUT without a request.

    Must come after MessageMiddleware: the login page tells the user why they were signed out.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = time.time()
            last = request.session.get(SESSION_LAST_ACTIVITY)
            if last is not None and now - float(last) > settings.IDLE_TIMEOUT.total_seconds():
                logout(request)
                messages.info(request, IDLE_LOGOUT_MESSAGE)
                return self._to_login(request)
            request.session[SESSION_LAST_ACTIVITY] = now
        return self.get_response(request)

    @staticmethod
    def _to_login(request):
        login_url = resolve_url(settings.LOGIN_URL)
        if request.headers.get("HX-Request") == "true":
            # A redirect would be followed inside the XHR and the login page swapped into a fragment.
            response = HttpResponse(status=204)
            response["HX-Redirect"] = login_url
            return response
        if request.method in ("GET", "HEAD"):
            return redirect_to_login(request.get_full_path())
        # Coming back to a form's POST address after signing in would only give 405: start from home.
        return redirect_to_login(resolve_url(settings.LOGIN_REDIRECT_URL))


class PersonalPagesNoStoreMiddleware:
    """Every response to a signed-in user is never stored (`private, no-store`, as Django's never_cache):
    any page of theirs may show personal data, masked or revealed, and neither a shared cache nor the
    browser's history may keep it.

    A public page cached for anonymous visitors (core.permissions.public_cached) is built afresh for a
    signed-in user; whatever caching a view allowed for anonymous visitors gives way here.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            if not self._kept_private(response):
                for header in ("Cache-Control", "Expires"):
                    if header in response:
                        del response[header]
                add_never_cache_headers(response)
            patch_vary_headers(response, ("Cookie",))
        return response

    @staticmethod
    def _kept_private(response) -> bool:
        """A view (a download) already said `private, no-store`: nothing to add."""
        directives = {part.strip() for part in response.get("Cache-Control", "").split(",")}
        return {"private", "no-store"} <= directives and "public" not in directives


class HtmlContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's policy (settings.CONTENT_SECURITY_POLICY) on every HTML page, and only there.

    A PDF shown inline (a certificate) is drawn by the browser's own viewer, which a page policy such as
    object-src 'none' would block; a download sets its own policy when it needs one (core.downloads).
    """

    def process_response(self, request, response):
        if not response.get("Content-Type", "").startswith("text/html"):
            return response
        return super().process_response(request, response)
