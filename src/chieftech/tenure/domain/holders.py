"""The chief technician's own account (第十六条 and SPEC.md §4): the officer invites the holder by the phone on
record or by an email address; the holder sets their own password through a one-time link.

The link is chieftech.accounts' activation link: it goes to the holder alone (by SMS or email), is never shown
to the officer, works once, and a new invitation voids the previous one. Once the holder has set a password
the invitation is over: a forgotten password is the system admin's business, like any account's.

The account holds the technician's role and nothing else (accounts.roles.COMPATIBLE_ROLES): it is created here
for the term, so no staff or enterprise account can ever be linked to a title as its holder.
"""

from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models, transaction
from django.utils import timezone

import chieftech.tenure.rules  # noqa: F401  (declares the rules asked here)
from chieftech.accounts.domain.activation import account_activated, activation_link_make
from chieftech.accounts.domain.checks import save_unique
from chieftech.accounts.domain.users import USER_AUDIT_FIELDS, role_grants_set
from chieftech.accounts.models import User
from chieftech.accounts.roles import Role, role_conflicts, role_conflicts_message, role_values
from chieftech.audit.domain import audit_record, snapshot
from chieftech.core.errors import DomainError
from chieftech.core.permissions import require_perm
from chieftech.core.pii import mask_phone, normalize_phone
from chieftech.tenure.models import Tenure

USERNAME_PREFIX = "tech"


class InviteChannel(models.TextChoices):
    SMS = "sms", "短信（登记的手机号码）"
    EMAIL = "email", "电子邮件"


@dataclass(frozen=True)
class HolderInvitation:
    user: User
    channel: str
    address_masked: str  # where the link went, as the officer may see it

    @property
    def channel_label(self) -> str:
        return "短信" if self.channel == InviteChannel.SMS else "电子邮件"


def mask_email(address: str) -> str:
    name, at, domain = address.partition("@")
    return f"{name[:1]}***{at}{domain}" if at else "***"


def holder_username(tenure: Tenure) -> str:
    """A user name nobody has to choose, unique by the term's id: "tech0042"; the holder signs in with it."""
    return f"{USERNAME_PREFIX}{tenure.pk:04d}"


def holder_account_state(tenure: Tenure) -> str:
    """For the officer: none, invited (link sent, no password yet), active, or deactivated."""
    user = tenure.user
    if user is None:
        return "none"
    if not user.is_active:
        return "deactivated"
    return "active" if account_activated(user) else "invited"


def _clean(*, channel: str, email: str, phone: str) -> str:
    if channel not in InviteChannel.values:
        raise DomainError("请选择发送激活链接的方式。", field="channel", code="required")
    if channel == InviteChannel.SMS:
        if not phone:
            raise DomainError(
                "申报材料中没有登记手机号码，请改用电子邮件邀请。", field="channel", code="no_phone"
            )
        return ""
    email = (email or "").strip()
    if not email:
        raise DomainError("请填写首席技师本人的电子邮箱。", field="email", code="required")
    try:
        validate_email(email)
    except ValidationError:
        raise DomainError("请输入有效的电子邮箱地址。", field="email", code="invalid") from None
    return email


def holder_invite(
    *, actor, tenure: Tenure, channel: str, email: str = "", now: datetime | None = None
) -> HolderInvitation:
    """Invite the holder of `tenure` to their own account, or invite them again before they have used it.

    The first invitation creates the account (the technician's role only) and links it to the term; each
    invitation issues a new one-time activation link, which voids the previous one, and sends it to the
    holder by SMS to the phone on record or by email to `email` (the application records no email, so the
    officer enters it; it is kept on the account). Refused once the holder has set a password, for a
    deactivated account, for an account holding any other role, and for a phone or an address another account
    uses.
    """
    require_perm(
        actor, "tenure.holder_invite", tenure, "只有本机关的人社局经办人可以邀请首席技师开通本人账号。"
    )
    now = now or timezone.now()
    with transaction.atomic():
        locked = (
            Tenure.objects.select_for_update(of=("self",))
            .select_related("application", "authority", "user")
            .get(pk=tenure.pk)
        )
        phone = locked.application.phone
        email = _clean(channel=channel, email=email, phone=phone)
        user = locked.user
        if channel == InviteChannel.SMS and _phone_taken(phone, tenure=locked):
            raise DomainError(
                "登记的手机号码已用于系统中的另一账号（例如企业经办人），激活链接不能发送到该号码。"
                "请核实后改用首席技师本人的电子邮箱邀请。",
                field="channel",
                code="phone_taken",
            )
        if email and User.objects.filter(email__iexact=email).exclude(pk=getattr(user, "pk", None)).exists():
            raise DomainError(
                "该电子邮箱已用于系统中的另一账号，请填写首席技师本人的电子邮箱。",
                field="email",
                code="taken",
            )
        if user is None:
            user = _account_create(actor=actor, tenure=locked, email=email, phone=phone)
        else:
            _account_check(user)
            changed = []
            if email and user.email != email:
                user.email = email
                changed.append("email")
            if phone and user.phone != phone:
                user.phone = phone
                changed.append("phone")
            if changed:
                before = snapshot(User.objects.get(pk=user.pk), changed)
                user.save(update_fields=changed)
                audit_record(
                    action="user.update", actor=actor, obj=user, before=before, after=snapshot(user, changed)
                )
        activation_link_make(actor=actor, user=user, now=now, by_sms=channel == InviteChannel.SMS)
        address = mask_phone(phone) if channel == InviteChannel.SMS else mask_email(email)
        audit_record(
            action="tenure.holder_invite",
            actor=actor,
            obj=locked,
            after={"user": user.username, "channel": channel, "sent_to": address},
        )
    return HolderInvitation(user=user, channel=channel, address_masked=address)


def _phone_taken(phone: str, *, tenure: Tenure) -> bool:
    """Whether an account other than the holder's own has `phone`. The application's phone was typed by the
    enterprise: were it one of its own users' numbers, the link would reach the enterprise, not the holder.
    The same person's account of an earlier term (same ID number) is theirs. Phones are stored encrypted and
    cannot be searched, so the numbers are read and compared (an invitation is rare)."""
    wanted = normalize_phone(phone)
    same_person = Tenure.objects.filter(
        application__id_hash=tenure.application.id_hash, user__isnull=False
    ).values("user_id")
    others = User.objects.exclude(phone="").exclude(pk__in=same_person).only("pk", "phone")
    return any(normalize_phone(other.phone) == wanted for other in others.iterator())


def _account_check(user: User) -> None:
    if not user.is_active:
        raise DomainError("该首席技师的本人账号已停用，不能再发送激活链接。", code="inactive")
    if account_activated(user):
        raise DomainError(
            "该首席技师已设置密码、开通本人账号，无需再次邀请。忘记密码的，请联系系统管理员。",
            code="activated",
        )
    conflicts = role_conflicts(set(role_values(user)) | {Role.TECHNICIAN.value})
    if conflicts:
        raise DomainError(role_conflicts_message(conflicts), code="role_conflict")


def _account_create(*, actor, tenure: Tenure, email: str, phone: str) -> User:
    user = User(username=holder_username(tenure), real_name=tenure.application.name, email=email, phone=phone)
    user.set_unusable_password()
    save_unique(user.save)
    role_grants_set(user=user, authority=tenure.authority, roles={Role.TECHNICIAN.value})
    tenure.user = user
    tenure.save(update_fields=["user"])
    audit_record(
        action="user.create",
        actor=actor,
        obj=user,
        after={**snapshot(user, USER_AUDIT_FIELDS), "roles": [Role.TECHNICIAN.value]},
    )
    return user
