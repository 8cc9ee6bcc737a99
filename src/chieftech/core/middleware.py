import ipaddress
import time
from urllib.parse import urlsplit

from csp.middleware import CSPMiddleware
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse
from django.shortcuts import render, resolve_url
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme

from chieftech.core.context import current_ip
from chieftech.core.errors import DomainError
from chieftech.core.pdf_fonts import GLYPH_MISSING

SESSION_LAST_ACTIVITY = "chieftech_last_activity"
# Set when a form was posted into an ended session: the page to return to after signing in, where the
# browser puts back what was typed (forms.js keeps it in sessionStorage), and for whom.
SESSION_DRAFT_RESTORE = "chieftech_draft_restore"
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

    Must come after MessageMiddleware: the login page tells the user why they were signed out. A form
    posted into an ended session sends the user through the login back to the page the form was on,
    and that page (request.draft_restore) lets the browser restore what had been typed.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.draft_restore = False
        if request.user.is_authenticated:
            now = time.time()
            last = request.session.get(SESSION_LAST_ACTIVITY)
            if last is not None and now - float(last) > settings.IDLE_TIMEOUT.total_seconds():
                return self._expire(request)
            request.session[SESSION_LAST_ACTIVITY] = now
            if request.method == "GET" and SESSION_DRAFT_RESTORE in request.session:
                request.draft_restore = self._is_restore_page(request)
        return self.get_response(request)

    @staticmethod
    def _is_restore_page(request) -> bool:
        wanted = request.session[SESSION_DRAFT_RESTORE]
        if wanted.get("path") != request.get_full_path():
            return False
        del request.session[SESSION_DRAFT_RESTORE]
        # Another person signing in on the same tab is not shown the previous user's typing.
        return wanted.get("user") == request.user.pk

    def _expire(self, request):
        user_pk = request.user.pk
        logout(request)
        if request.path == resolve_url("core:keepalive"):
            # The warning's "continue" came too late; the page tells the user, no redirect to follow.
            return HttpResponse(status=401)
        messages.info(request, IDLE_LOGOUT_MESSAGE)
        login_url = resolve_url(settings.LOGIN_URL)
        if request.headers.get("HX-Request") == "true":
            # A redirect would be followed inside the XHR and the login page swapped into a fragment.
            response = HttpResponse(status=204)
            response["HX-Redirect"] = login_url
            return response
        if request.method in ("GET", "HEAD"):
            return redirect_to_login(request.get_full_path())
        # Coming back to a form's POST address after signing in would only give 405: go back to the page
        # the form was on, where the browser restores what was typed; without one, start from home.
        form_page = self._form_page(request)
        if form_page is None:
            return redirect_to_login(resolve_url(settings.LOGIN_REDIRECT_URL))
        request.session[SESSION_DRAFT_RESTORE] = {"path": form_page, "user": user_pk}
        return redirect_to_login(form_page)

    @staticmethod
    def _form_page(request) -> str | None:
        referer = request.headers.get("Referer", "")
        if not url_has_allowed_host_and_scheme(
            referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return None
        parts = urlsplit(referer)
        return parts.path + (f"?{parts.query}" if parts.query else "")


class DocumentRefusedMiddleware:
    """A printed document that cannot be drawn truly (a character no installed font has) is refused with
    the reason on a page, not a server error: whichever view was generating it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DomainError) and exception.code == GLYPH_MISSING:
            return render(request, "core/document_refused.html", {"message": exception.message}, status=422)
        return None


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
