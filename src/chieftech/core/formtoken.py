"""One-time form tokens: the second submission of the same form has no second effect.

Every form that carries a CSRF token also carries a fresh random `form_token` (the `csrf_token` tag is
extended in core.templatetags.form_token, so no template has to remember it). The first POST with a token
claims it with an atomic `cache.add` in the shared cache (the database or Redis, so the claim holds across
workers and machines). A repeat of that POST, from a double click, a reload or a resent request, finds the
token claimed and gets:

- a redirect to where the first submission went, when it ended in a redirect;
- otherwise a page saying the form was already submitted (or is still being processed).

A submission that failed (4xx, 5xx) or only asked a question (a confirmation page) releases its token, so
sending the same form again works. A POST without a
token (an API client, a form outside our templates) is served as before. A view that reads the request body
itself (csrf_exempt, e.g. an upload with its own handlers) is skipped by the middleware, because reading the
body there would come too early for it, and claims the token itself (`form_token_claim`).
"""

import hashlib
import secrets

from django.contrib import messages
from django.core.cache import cache
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme

FORM_TOKEN_FIELD = "form_token"  # noqa: S105 - a field name, not a secret
# How long a claimed token is remembered: longer than any page stays open under the idle timeout.
FORM_TOKEN_TTL_SECONDS = 24 * 60 * 60
PENDING = "pending"
DONE = "done"
REPLAYED_MESSAGE = "该表单已经提交过，没有再次处理。以下是第一次提交的结果。"
# Set on a response that changed nothing, e.g. a confirmation question: the form may be sent again as it was.
FORM_TOKEN_RELEASE = "form_token_release"  # noqa: S105 - an attribute name
REDIRECT_CODES = (301, 302, 303, 307, 308)


def form_token_new() -> str:
    return secrets.token_urlsafe(18)


def _cache_key(token: str) -> str:
    # Hashed: the key length is fixed whatever a client sends, and the cache never holds the token itself.
    return "form-token:" + hashlib.sha256(token.encode()).hexdigest()


def _back_url(request) -> str:
    """The page the form was on, when it is ours; a POST-only address would only answer 405."""
    referer = request.headers.get("Referer", "")
    if referer and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return referer
    return "/"


class FormTokenMiddleware:
    """Claims each POST's form token once; must come after CsrfViewMiddleware and MessageMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        key = getattr(request, "_form_token_key", None)
        if key is not None:
            if response.status_code in REDIRECT_CODES:
                cache.set(key, response["Location"], FORM_TOKEN_TTL_SECONDS)
            elif response.status_code >= 400 or getattr(response, FORM_TOKEN_RELEASE, False):
                cache.delete(key)
            else:
                cache.set(key, DONE, FORM_TOKEN_TTL_SECONDS)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method != "POST" or getattr(view_func, "csrf_exempt", False):
            return None
        return form_token_claim(request)


def form_token_claim(request):
    """Claim the POST's form token: None to go on, or the answer to a repeat. The middleware calls it for
    every view; a csrf_exempt view that reads its body itself (an upload with its own handlers) calls it once
    it has, and the middleware then settles the claim from the view's answer all the same."""
    token = request.POST.get(FORM_TOKEN_FIELD, "")
    if not token or len(token) > 100:
        return None
    key = _cache_key(token)
    if cache.add(key, PENDING, FORM_TOKEN_TTL_SECONDS):
        request._form_token_key = key
        return None
    first = cache.get(key)
    if first and first not in (PENDING, DONE):
        messages.info(request, REPLAYED_MESSAGE)
        return HttpResponseRedirect(first)
    return render(
        request,
        "core/form_replayed.html",
        {"pending": first == PENDING, "back_url": _back_url(request)},
        status=409,
    )
