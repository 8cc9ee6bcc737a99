"""Accounts start without a password; their holder sets one through a one-time activation link.

Nobody who creates an account knows its password (等保2.0 三员分立, SPEC.md §5): the system admin's staff
accounts and the officer's enterprise accounts get an unusable password and a link that is shown to the
creator once, to hand over, and mailed to the holder when the account has an address. The link carries a
token of Django's password-reset kind with its own key salt, so a token of one kind never opens the other:

- it expires after ACCOUNT_ACTIVATION_HOURS;
- it is single use: the token hashes the stored password, which the holder's own password replaces;
- issuing a new link stores a fresh unusable password, so every earlier link stops working;
- it dies with the account (deactivation changes `is_active`, which the token hashes too).

The audit log records the creation, every link issued and the activation, never the token or the password.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.encoding import force_bytes, force_str
from django.utils.http import base36_to_int, urlsafe_base64_decode, urlsafe_base64_encode

from chieftech.accounts.domain.checks import DENIED, check_password
from chieftech.accounts.models import User
from chieftech.audit.domain import audit_record
from chieftech.core.dates import datetime_zh
from chieftech.core.errors import DomainError
from chieftech.core.notify import notify, sms_enqueue
from chieftech.core.site import site_name

_EPOCH = datetime(2001, 1, 1, tzinfo=UTC)
LINK_INVALID = "激活链接无效、已使用或已过期。请联系为您创建账号的管理员重新发送激活链接。"


def _seconds(moment: datetime) -> int:
    return int((moment - _EPOCH).total_seconds())


class ActivationTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "chieftech.accounts.ActivationTokenGenerator"

    def _make_hash_value(self, user, timestamp):
        return f"{user.pk}{user.password}{user.is_active}{timestamp}"

    def token_at(self, user: User, now: datetime) -> str:
        return self._make_token_with_timestamp(user, _seconds(now), self.secret)

    def token_valid(self, user: User, token: str, now: datetime) -> bool:
        try:
            ts_b36, _ = (token or "").split("-")
            issued = base36_to_int(ts_b36)
        except ValueError:
            return False
        if not any(
            constant_time_compare(self._make_token_with_timestamp(user, issued, secret), token)
            for secret in [self.secret, *self.secret_fallbacks]
        ):
            return False
        return 0 <= _seconds(now) - issued <= settings.ACCOUNT_ACTIVATION_HOURS * 3600


activation_tokens = ActivationTokenGenerator()


@dataclass(frozen=True)
class ActivationLink:
    uidb64: str
    token: str
    expires_at: datetime

    @property
    def url(self) -> str:
        return settings.PUBLIC_BASE_URL + reverse("accounts:activate", args=[self.uidb64, self.token])


def account_activated(user: User) -> bool:
    return user.has_usable_password()


def activation_link_make(
    *, actor: User | None, user: User, now: datetime | None = None, by_sms: bool = False
) -> ActivationLink:
    """Issue a new link for an account that has never had a password, replacing any earlier one.

    Called inside the caller's transaction (account creation) or on its own (re-sending); audited, and mailed
    to the holder (`by_sms`: texted to the account's phone instead), never shown to the person who issues it:
    whoever held the link could set the password. Only the command line (actor None, an installation's first
    accounts) hands a link over itself. Who may call it is the caller's check.
    """
    now = now or timezone.now()
    if by_sms and not user.phone:
        raise DomainError(
            "该账号没有手机号码，无法用短信把激活链接发送给持有人本人。", field="phone", code="no_phone"
        )
    if actor is not None and not by_sms and not user.email:
        raise DomainError(
            "该账号没有电子邮箱，无法把激活链接发送给持有人本人。请先填写其电子邮箱。",
            field="email",
            code="no_email",
        )
    if not user.is_active:
        raise DomainError("该账号已停用，不能发送激活链接。", code="inactive")
    if account_activated(user):
        raise DomainError("该账号已由本人设置密码并激活，无需再发送激活链接。", code="activated")
    with transaction.atomic():
        user.set_unusable_password()  # a fresh random marker: earlier links no longer match
        user.save(update_fields=["password", "password_changed_at"])
        link = ActivationLink(
            uidb64=urlsafe_base64_encode(force_bytes(user.pk)),
            token=activation_tokens.token_at(user, now),
            expires_at=now + timedelta(hours=settings.ACCOUNT_ACTIVATION_HOURS),
        )
        after = {
            "expires_at": link.expires_at.isoformat(),
            "mailed_to_holder": bool(user.email) and not by_sms,
        }
        if by_sms:
            after["texted_to_holder"] = True
        audit_record(action="user.activation_issue", actor=actor, obj=user, after=after)
        if by_sms:
            sms_enqueue(
                phone=user.phone,
                subject="账号激活链接",
                text=f"已为您开通账号“{user.username}”。请在{datetime_zh(link.expires_at)}前打开以下链接，"
                f"自行设置登录密码（仅限本人使用一次，请勿转交他人）：{link.url}",
            )
        elif user.email:
            notify(
                users=[user],
                subject="请激活您的账号并设置密码",
                body=f"已为您开通{site_name()}账号“{user.username}”。请在"
                f"{datetime_zh(link.expires_at)}前打开以下链接，自行设置登录密码。"
                "该链接只能使用一次，请勿转交他人。",
                url=link.url,
            )
    return link


def activation_link_resend(*, actor: User, user: User, now: datetime | None = None) -> ActivationLink:
    """The system admin (any account) or the officer (an enterprise's account) issues a new link."""
    from chieftech.accounts.domain.users import _may_manage

    if not _may_manage(actor, user):
        raise PermissionDenied(DENIED)
    return activation_link_make(actor=actor, user=user, now=now)


def activation_user(*, uidb64: str, token: str, now: datetime | None = None) -> User | None:
    """The account a link opens, or None when the link is malformed, used, replaced or expired."""
    now = now or timezone.now()
    try:
        pk = int(force_str(urlsafe_base64_decode(uidb64)))
    except (TypeError, ValueError, OverflowError, UnicodeDecodeError):
        return None
    user = User.objects.filter(pk=pk, is_active=True).first()
    if user is None or account_activated(user) or not activation_tokens.token_valid(user, token, now):
        return None
    return user


def account_activate(*, uidb64: str, token: str, password: str, now: datetime | None = None) -> User:
    """The holder sets their own password through the link; the link stops working at once."""
    now = now or timezone.now()
    with transaction.atomic():
        user = activation_user(uidb64=uidb64, token=token, now=now)
        if user is not None:
            # Two tabs submitting the same link: only the first one finds the unusable password.
            user = User.objects.select_for_update().get(pk=user.pk)
            if account_activated(user) or not activation_tokens.token_valid(user, token, now):
                user = None
        if user is None:
            raise DomainError(LINK_INVALID, code="link_invalid")
        check_password(password, user)
        user.set_password(password)
        user.save(update_fields=["password", "password_changed_at"])
        audit_record(action="user.activate", actor=user, obj=user)
        if user.email:
            notify(
                users=[user],
                subject="您的账号已激活",
                body=f"您的账号“{user.username}”已于{timezone.localtime(now):%Y年%m月%d日 %H:%M}设置密码并激活。"
                "如非本人操作，请立即联系系统管理员。",
            )
    return user
