"""Per-request context (client IP, request id) for the audit log, set by RequestContextMiddleware."""

from contextvars import ContextVar

current_ip: ContextVar[str | None] = ContextVar("current_ip", default=None)


def client_ip(request) -> str | None:
    # Behind nginx, X-Forwarded-For is set by the proxy; REMOTE_ADDR is the proxy itself.
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if forwarded:
        return forwarded.split(",")[0].strip() or None
    return request.META.get("REMOTE_ADDR") or None
