"""Every URL declares who may open it, and every role gets exactly what its capabilities allow.

The walk covers whatever chieftech.urls holds when the tests run, so a new view is checked the moment
it is routed: a view without `public`, `login_only` or `capability_required` fails here, by route.
"""

import re
import uuid
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.models import Permission
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.resolvers import RegexPattern, RoutePattern
from django.utils.regex_helper import normalize

from chieftech.accounts.roles import ROLE_CAPABILITIES, Role, roles_sync
from chieftech.core.permissions import ACCESS_ATTR, login_only, public
from tests.factories import make_enterprise, make_user

# Django's own static file view, routed only by `static()` in development.
EXEMPT_VIEWS = {"django.views.static.serve", "django.contrib.staticfiles.views.serve"}


@dataclass(frozen=True)
class Route:
    route: str  # the pattern as written, e.g. "accounts/users/<int:pk>/"
    patterns: tuple  # the chain of URLResolver/URLPattern patterns leading to the view
    callback: object
    name: str


def walk(patterns, prefix: str = "", chain: tuple = (), namespace: str = ""):
    for entry in patterns:
        pattern_chain = (*chain, entry.pattern)
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from walk(entry.url_patterns, route, pattern_chain, ns)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}{entry.name}" if entry.name else ""
            yield Route(route, pattern_chain, entry.callback, name)


def _view_path(callback) -> str:
    target = getattr(callback, "view_class", callback)
    return f"{target.__module__}.{target.__qualname__}"


def access_of(callback):
    """The declared access of a routed view, looking through decorators and class-based views."""
    seen = set()
    candidates = [callback]
    view_class = getattr(callback, "view_class", None)
    if view_class is not None:
        candidates.append(getattr(view_class, "dispatch", None))  # method_decorator on dispatch
    for candidate in candidates:
        while candidate is not None and id(candidate) not in seen:
            seen.add(id(candidate))
            access = getattr(candidate, ACCESS_ATTR, None)
            if access is not None:
                return access
            candidate = getattr(candidate, "__wrapped__", None)
    return None


def undeclared(patterns) -> list[str]:
    return [
        f"{r.route} -> {_view_path(r.callback)}"
        for r in walk(patterns)
        if _view_path(r.callback) not in EXEMPT_VIEWS and access_of(r.callback) is None
    ]


def all_routes() -> list[Route]:
    return [r for r in walk(get_resolver().url_patterns) if _view_path(r.callback) not in EXEMPT_VIEWS]


# --- Every view declares its access ---------------------------------------------------------------


def test_every_routed_view_declares_who_may_open_it():
    assert undeclared(get_resolver().url_patterns) == []


def test_the_walk_finds_every_url_pattern_of_the_project():
    # Through the includes, down to the views.
    routes = {r.route for r in all_routes()}
    assert {"", "healthz", "home/", "accounts/login/", "outbox/", "outbox/<id:pk>/resend/"} <= routes


def _open(request):
    return None


def _signed_in(request):
    return None


def _forgotten(request):
    return None


class _ForgottenView:
    @classmethod
    def as_view(cls):
        def view(request):
            return None

        view.view_class = cls
        return view

    def dispatch(self, request):
        return None


def test_the_walk_names_a_forgotten_view_by_its_route():
    from django.urls import include, path

    inner = ([path("ok/", login_only(_signed_in)), path("bad/<int:pk>/", _forgotten)], "inner")
    patterns = [
        path("open/", public(_open)),
        path("nested/", include(inner)),
        path("class/", _ForgottenView.as_view()),
    ]

    assert undeclared(patterns) == [
        "nested/bad/<int:pk>/ -> tests.test_url_permissions._forgotten",
        "class/ -> tests.test_url_permissions._ForgottenView",
    ]


# --- Every capability exists and is held by a role ------------------------------------------------


def required_capabilities() -> dict[str, list[str]]:
    """capability -> the routes that require it."""
    found: dict[str, list[str]] = {}
    for r in all_routes():
        access = access_of(r.callback)
        if isinstance(access, tuple) and access[0] == "capability":
            for capability in access[1]:
                found.setdefault(capability, []).append(r.route)
    return found


def test_every_required_capability_is_a_permission_granted_to_a_role(db):
    granted = {capability for capabilities in ROLE_CAPABILITIES.values() for capability in capabilities}
    declared = {f"{p.content_type.app_label}.{p.codename}" for p in Permission.objects.select_related()}
    held_by_groups = {
        f"{p.content_type.app_label}.{p.codename}"
        for p in Permission.objects.filter(group__name__in=[role.value for role in Role]).select_related()
    }
    required = required_capabilities()

    assert {cap: routes for cap, routes in required.items() if cap not in declared} == {}
    assert {cap: routes for cap, routes in required.items() if cap not in granted} == {}
    assert {cap: routes for cap, routes in required.items() if cap not in held_by_groups} == {}


def test_undelivered_mail_is_the_system_admins_alone():
    # Its page shows who was written to and what the mail server answered; its button sends mail again.
    assert sorted(required_capabilities()["core.manage_outbox"]) == ["outbox/", "outbox/<id:pk>/resend/"]
    assert [
        role for role, capabilities in ROLE_CAPABILITIES.items() if "core.manage_outbox" in capabilities
    ] == [Role.SYSADMIN]


# --- Every role against every URL ------------------------------------------------------------------

# Values tried for a URL's parameters, first match wins: none of them names an existing object, so a
# permitted user gets 404 (or the view's own answer), never data.
SAMPLE_VALUES = ["987654", "no-such-object", str(uuid.UUID(int=987654)), "2026-01-01", "2026", "x"]


def _fill_route(pattern: RoutePattern) -> str | None:
    text = str(pattern)
    for name, converter in pattern.converters.items():
        value = next((v for v in SAMPLE_VALUES if re.fullmatch(converter.regex, v)), None)
        if value is None:
            return None
        text = re.sub(rf"<(?:[^>:]+:)?{re.escape(name)}>", value, text, count=1)
    return text


def _fill_regex(pattern: RegexPattern) -> str | None:
    for template, params in normalize(pattern.regex.pattern):
        for value in SAMPLE_VALUES:
            candidate = template % dict.fromkeys(params, value)
            if pattern.regex.fullmatch(candidate) or pattern.regex.match(candidate):
                return candidate
    return None


def sample_url(route: Route) -> str | None:
    pieces = []
    for pattern in route.patterns:
        if isinstance(pattern, RoutePattern):
            piece = _fill_route(pattern)
        elif isinstance(pattern, RegexPattern):
            piece = _fill_regex(pattern)
        else:
            piece = None
        if piece is None:
            return None
        pieces.append(piece)
    return "/" + "".join(pieces)


def test_every_route_can_be_requested_for_the_role_checks():
    unreachable = []
    for r in all_routes():
        url = sample_url(r)
        if url is None or resolve(urlsplit(url).path).func is not r.callback:
            unreachable.append(r.route)
    assert unreachable == []


IDENTITIES = ["anonymous", "no-role", *[role.value for role in Role]]


@pytest.fixture
def identity_client(client, db):
    def sign_in(identity: str):
        if identity == "anonymous":
            return None
        roles_sync()
        if identity == "no-role":
            user = make_user("nobody", real_name="路人")
        else:
            enterprise = make_enterprise() if identity == Role.ENTERPRISE else None
            user = make_user(f"{identity}-user", identity, enterprise=enterprise)
        client.force_login(user)
        return user

    return sign_in


def _is_login_redirect(response) -> bool:
    return response.status_code == 302 and urlsplit(response["Location"]).path == "/accounts/login/"


@pytest.mark.parametrize("identity", IDENTITIES)
def test_each_role_gets_exactly_what_its_capabilities_allow(client, identity_client, identity):
    """GET (and for refusals also POST) every URL as this identity.

    - anonymous: public views answer; every other view sends to the login page;
    - signed in without any of a view's capabilities: 403 (405 where the method is refused first);
    - signed in and allowed: never the login page, never a 403 from the capability check, never a 500.
    """
    user = identity_client(identity)
    problems = []
    for r in all_routes():
        access = access_of(r.callback)
        url = sample_url(r)
        if url is None:
            continue  # reported by test_every_route_can_be_requested_for_the_role_checks
        get = client.get(url)
        if access == "public":
            if _is_login_redirect(get) or get.status_code >= 500:
                problems.append(f"{r.route}: public view answered {get.status_code}")
            continue
        if user is None:
            post = client.post(url)
            answers = [get, post]
            if not any(_is_login_redirect(a) for a in answers) or not all(
                _is_login_redirect(a) or a.status_code == 405 for a in answers
            ):
                problems.append(f"{r.route}: anonymous got {[a.status_code for a in answers]}")
            continue
        allowed = access == "login" or any(user.has_perm(cap) for cap in access[1])
        if allowed:
            if _is_login_redirect(get) or get.status_code >= 500:
                problems.append(f"{r.route}: allowed but answered {get.status_code}")
        else:
            post = client.post(url)
            statuses = [get.status_code, post.status_code]
            if 403 not in statuses or not set(statuses) <= {403, 405}:
                problems.append(f"{r.route}: without {access[1]} answered {statuses}")
        if not client.session.get("_auth_user_id"):
            client.force_login(user)  # a view (logout) ended the session: carry on signed in
    assert problems == []
