"""Per-request context for the audit log: the client IP, set by RequestContextMiddleware."""

from contextvars import ContextVar

current_ip: ContextVar[str | None] = ContextVar("current_ip", default=None)
