"""Failed sign-ins and lockouts in the audit log (SPEC.md §5: every failed login, with the name tried and the
address it came from). Called by the receivers of Django's and django-axes' signals in accounts.signals."""

from chieftech.accounts.models import User
from chieftech.audit.chain import clean_text
from chieftech.audit.domain import audit_record

ACTION_LOGIN_FAILED = "session.login_failed"
ACTION_LOCKED_OUT = "session.locked_out"
USERNAME_MAX = 150


def session_failure_record(*, username: str | None, ip: str | None, locked_out: bool) -> None:
    """One record per refused sign-in: a wrong name or password, or (`locked_out`) an attempt that locked the
    name or the address, or came while either was locked. The name tried is recorded as typed (a lockout:
    as counted, full-width and case folded, see accounts.lockout), whether or not such an account exists;
    the record points to the account when it does (names are unique whatever their case)."""
    # Whatever was typed: PostgreSQL refuses a NUL even in a look-up.
    tried = clean_text(str(username or ""))[:USERNAME_MAX]
    account = User.objects.filter(username__iexact=tried).first() if tried else None
    audit_record(
        action=ACTION_LOCKED_OUT if locked_out else ACTION_LOGIN_FAILED,
        obj=account,
        object_type="" if account else User._meta.label_lower,
        object_repr=tried,
        reason="连续登录失败，该用户名或地址被锁定" if locked_out else "用户名或密码错误",
        after={"username": tried},
        ip=ip or None,
    )
