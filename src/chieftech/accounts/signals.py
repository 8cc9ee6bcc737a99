"""Receivers that put refused sign-ins into the audit log; the record itself is written by
accounts.domain.sessions. Connected in AccountsConfig.ready, after django-axes' own receivers, so an attempt
that axes has just locked out is recorded once, as a lockout."""

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_login_failed
from django.dispatch import receiver

from chieftech.accounts.domain.sessions import session_failure_record
from chieftech.core.context import current_ip

LOCKOUT_RECORDED = "_chieftech_lockout_recorded"


def _address(request, fallback: str | None = None) -> str | None:
    return getattr(request, "axes_ip_address", None) or fallback or current_ip.get()


@receiver(user_locked_out, dispatch_uid="chieftech.accounts.audit_lockout")
def audit_lockout(sender, request=None, username=None, ip_address=None, **kwargs):
    session_failure_record(username=username, ip=_address(request, ip_address), locked_out=True)
    if request is not None:
        setattr(request, LOCKOUT_RECORDED, True)


@receiver(user_login_failed, dispatch_uid="chieftech.accounts.audit_login_failed")
def audit_login_failed(sender, credentials=None, request=None, **kwargs):
    if request is not None and getattr(request, LOCKOUT_RECORDED, False):
        return
    username = (credentials or {}).get("username")
    session_failure_record(username=username, ip=_address(request), locked_out=False)
