"""Every view declares who may open it; tests/test_url_permissions.py fails on a view that does not.

- `public`: no login (the portal, /healthz, login itself).
- `login_only`: any signed-in user (their own home, password change, logout).
- `capability_required("app.codename", ...)`: signed in and holding one of the role capabilities
  (Django permissions granted to role groups, see chieftech.accounts.roles). Anonymous users are sent
  to the login page; signed-in users without the capability get 403.

Object-level checks (own enterprise, state of the object) are django-rules predicates called inside the
view after the object was looked up through a queryset scoped to the user, so an outsider gets 404.
"""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

ACCESS_ATTR = "chieftech_access"


def public(view):
    setattr(view, ACCESS_ATTR, "public")
    return view


def login_only(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    setattr(wrapper, ACCESS_ATTR, "login")
    return wrapper


def capability_required(*capabilities: str):
    if not capabilities:
        raise ValueError("capability_required needs at least one capability")

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not any(request.user.has_perm(cap) for cap in capabilities):
                raise PermissionDenied("您没有执行此操作的权限。")
            return view(request, *args, **kwargs)

        setattr(wrapper, ACCESS_ATTR, ("capability", capabilities))
        return wrapper

    return decorator


DENIED = "您没有执行此操作的权限。"


def require(allowed: bool, message: str = DENIED) -> None:
    """Raise 403 unless an object-level rule allowed the action."""
    if not allowed:
        raise PermissionDenied(message)


def require_perm(actor, perm: str, obj=None, message: str = DENIED) -> None:
    """The first line of every domain function that changes something: the actor must hold the named
    permission (a django-rules rule declared in an app's rules.py) on the object, whoever calls the function
    (a view, a management command, another domain function). Raises PermissionDenied (403)."""
    import rules

    if actor is None or not getattr(actor, "is_authenticated", False) or not rules.has_perm(perm, actor, obj):
        raise PermissionDenied(message)


def public_cached(view=None, *, tags=None):
    """A public page served from the cache for PUBLIC_PAGE_CACHE_SECONDS (read when the page is asked for).

    Only for pages that are the same for every anonymous visitor and hold no form with a CSRF token. The copy
    varies on the Cookie header (set here: the session middleware adds its own Vary only after the cache has
    stored the page), and a signed-in user's request bypasses the cache both ways: they never get a visitor's
    copy, and their own page (with their name in the header) is never stored for anyone else.

    `tags(request, *args, **kwargs)`, when given, names what the page shows (core.public_cache): purging one
    of them makes every server build the page afresh at once. Such a page tells browsers to ask again each
    time (max-age=0), since only the server's copy can be purged; untagged pages stay up to the cache time.
    """
    if view is None:
        return lambda view: public_cached(view, tags=tags)

    from django.conf import settings
    from django.utils.cache import patch_cache_control
    from django.views.decorators.cache import cache_page
    from django.views.decorators.vary import vary_on_cookie

    from chieftech.core.public_cache import public_page_key_prefix

    varied = vary_on_cookie(view)
    cached_views: dict[int, object] = {}  # by cache time: the cache middleware is built once, not per request

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        seconds = settings.PUBLIC_PAGE_CACHE_SECONDS
        signed_in = getattr(getattr(request, "user", None), "is_authenticated", False)
        if seconds <= 0 or request.method not in ("GET", "HEAD") or signed_in:
            # A signed-in user's page names them: it is neither taken from nor put into the shared copy.
            return view(request, *args, **kwargs)
        if tags is None:
            if seconds not in cached_views:
                cached_views[seconds] = cache_page(seconds, key_prefix="public")(varied)
            return cached_views[seconds](request, *args, **kwargs)
        # The key prefix carries the tags' versions, read before the page is built: a page built while a
        # change commits is stored under the versions the purge then replaces.
        prefix = public_page_key_prefix(tags(request, *args, **kwargs))
        response = cache_page(seconds, key_prefix=prefix)(varied)(request, *args, **kwargs)
        if "Expires" in response:
            del response["Expires"]
        patch_cache_control(response, max_age=0)
        return response

    return public(wrapper)
