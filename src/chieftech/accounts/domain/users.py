"""Accounts and their roles, sessions in the audit log, and the officer's look at a full phone number."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction

from chieftech.accounts.domain.activation import ActivationLink, activation_link_make
from chieftech.accounts.domain.checks import (
    DENIED,
    clean_account,
    clean_phone,
    require_capability,
    save_unique,
)
from chieftech.accounts.domain.role_proposals import refuse_losing_the_last_auditor, role_proposal_create
from chieftech.accounts.models import Enterprise, RoleProposal, User
from chieftech.accounts.roles import (
    Role,
    role_conflicts,
    role_conflicts_message,
    role_values,
    roles_need_second_person,
)
from chieftech.audit.domain import audit_record, personal_data_reveal, snapshot
from chieftech.core.errors import DomainError

USER_AUDIT_FIELDS = ["username", "real_name", "phone", "email", "enterprise", "is_active"]


def _role_snapshot(user: User) -> list[str]:
    return sorted(user.groups.values_list("name", flat=True))


def _user_snapshot(user: User) -> dict:
    return {**snapshot(user, USER_AUDIT_FIELDS), "roles": _role_snapshot(user)}


def grantable_roles(actor: User | None) -> list[str]:
    """The roles `actor` may give: the system admin any, the officer only the enterprise role."""
    if actor is None or actor.has_perm("accounts.manage_staff_user"):
        return list(Role.values)
    if actor.has_perm("accounts.manage_enterprise_user"):
        return [Role.ENTERPRISE.value]
    return []


def _may_manage(actor: User | None, user: User) -> bool:
    if actor is None or actor.has_perm("accounts.manage_staff_user"):
        return True
    return actor.has_perm("accounts.manage_enterprise_user") and user.enterprise_id is not None


def check_roles(*, actor: User | None, roles: set[str], enterprise: Enterprise | None) -> None:
    """Whether `actor` may give an account of `enterprise` exactly `roles`: every function that grants
    roles calls this, so the table of incompatible roles (roles.role_conflicts) is never bypassed."""
    unknown = roles - set(Role.values)
    if unknown:
        raise ValidationError({"roles": "包含无效的角色。"})
    refused = roles - set(grantable_roles(actor))
    if refused:
        labels = "、".join(Role(r).label for r in sorted(refused))
        raise PermissionDenied(f"您不能授予以下角色：{labels}。")
    conflicts = role_conflicts(roles)
    if conflicts:
        raise ValidationError({"roles": role_conflicts_message(conflicts)})
    if enterprise is not None and roles - {Role.ENTERPRISE}:
        raise ValidationError({"roles": "企业账号只能担任企业经办人角色。"})
    if Role.ENTERPRISE in roles:
        if enterprise is None:
            raise ValidationError({"enterprise": "企业经办人必须属于一家企业。"})
        if enterprise.status != Enterprise.Status.ACTIVE:
            raise ValidationError(
                {"enterprise": f"“{enterprise.name}”尚未通过审核或已停用，不能授予企业经办人角色。"}
            )


def _set_groups(user: User, roles: set[str]) -> None:
    user.groups.set(Group.objects.filter(name__in=roles))
    user._chieftech_roles = None  # the role cache of roles.role_values


@dataclass(frozen=True)
class NewAccount:
    user: User
    activation: ActivationLink  # to show the creator once, to hand over; never stored in the clear
    # Roles that need a second system admin are proposed, not given: the account starts without them.
    proposal: RoleProposal | None = None


def user_create(
    *,
    actor: User | None,
    username: str,
    real_name: str,
    phone: str = "",
    email: str = "",
    enterprise: Enterprise | None = None,
    roles: Iterable[str] = (),
) -> NewAccount:
    """The system admin creates any account; the officer creates enterprise users of any enterprise.

    The account has no usable password: its holder sets one through the activation link, so its creator
    never knows it (separation of duties).
    """
    roles = set(roles)
    if actor is not None and not grantable_roles(actor):
        raise PermissionDenied(DENIED)
    if actor is not None and not actor.has_perm("accounts.manage_staff_user") and enterprise is None:
        raise ValidationError({"enterprise": "请选择所属企业。"})
    errors: dict = {}
    account = clean_account(
        username=username, password=None, real_name=real_name, email=email, phone=phone, errors=errors
    )
    if not account["real_name"]:
        errors["real_name"] = "请填写姓名。"
    if errors:
        raise ValidationError(errors)
    check_roles(actor=actor, roles=roles, enterprise=enterprise)
    # The command line (actor=None) sets up an installation, its first system admin and auditor included.
    proposed = actor is not None and roles_need_second_person(set(), roles)
    user = User(enterprise=enterprise, **account)
    user.set_unusable_password()
    proposal = None
    with transaction.atomic():
        save_unique(user.save)
        if not proposed:
            _set_groups(user, roles)
        audit_record(action="user.create", actor=actor, obj=user, after=_user_snapshot(user))
        activation = activation_link_make(actor=actor, user=user)
        if proposed:
            proposal = role_proposal_create(actor=actor, user=user, roles=roles)
    return NewAccount(user=user, activation=activation, proposal=proposal)


def user_update(
    *, actor: User | None, user: User, real_name: str, email: str = "", phone: str | None = None
) -> User:
    """Correct an account's name and contact details. `phone=None` keeps the stored number."""
    if not _may_manage(actor, user):
        raise PermissionDenied(DENIED)
    errors: dict = {}
    real_name = (real_name or "").strip()
    if not real_name:
        errors["real_name"] = "请填写姓名。"
    email = (email or "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = "请输入有效的电子邮箱地址。"
    changes = {"real_name": real_name, "email": email}
    if phone is not None:
        changes["phone"] = clean_phone(phone, field="phone", required=False, errors=errors)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        # Compare values, not snapshots: a new phone number can have the same mask as the old one.
        if all(getattr(user, field) == value for field, value in changes.items()):
            return user
        before = _user_snapshot(user)
        for field, value in changes.items():
            setattr(user, field, value)
        after = _user_snapshot(user)
        user.save(update_fields=list(changes))
        audit_record(action="user.update", actor=actor, obj=user, before=before, after=after)
    return user


def user_set_roles(*, actor: User | None, user: User, roles: Iterable[str]) -> User:
    """Give an account exactly `roles`. Nobody changes their own roles."""
    roles = set(roles)
    if not _may_manage(actor, user):
        raise PermissionDenied(DENIED)
    if actor is not None and actor.pk == user.pk:
        raise PermissionDenied("不能修改自己的角色，请由另一位系统管理员操作。")
    current = set(role_values(user))
    if actor is not None and current - set(grantable_roles(actor)):
        raise PermissionDenied("该账号持有您无权管理的角色。")
    check_roles(actor=actor, roles=roles, enterprise=user.enterprise)
    if roles == current:
        return user
    if actor is not None and roles_need_second_person(current, roles):
        raise DomainError(
            "授予或取消审计管理员、系统管理员角色须由另一位系统管理员复核，请提交角色变更申请。",
            field="roles",
            code="dual_control",
        )
    with transaction.atomic():
        refuse_losing_the_last_auditor(user, roles)
        apply_roles(actor=actor, user=user, roles=roles)
    return user


def apply_roles(*, actor: User | None, user: User, roles: set[str]) -> None:
    """Give the account exactly `roles`, audited; the caller has checked who may and which roles."""
    before = _user_snapshot(user)
    _set_groups(user, roles)
    audit_record(action="user.set_roles", actor=actor, obj=user, before=before, after=_user_snapshot(user))


def user_deactivate(*, actor: User | None, user: User, reason: str = "") -> User:
    """Stop an account from signing in; the account and its history stay."""
    if not _may_manage(actor, user):
        raise PermissionDenied(DENIED)
    if actor is not None and actor.pk == user.pk:
        raise PermissionDenied("不能停用自己的账号。")
    if not user.is_active:
        raise ValidationError("该账号已经停用。")
    with transaction.atomic():
        refuse_losing_the_last_auditor(user)
        before = _user_snapshot(user)
        user.is_active = False
        user.save(update_fields=["is_active"])
        audit_record(
            action="user.deactivate",
            actor=actor,
            obj=user,
            reason=(reason or "").strip(),
            before=before,
            after=_user_snapshot(user),
        )
    return user


def user_password_change(*, user: User, password: str) -> User:
    """The signed-in user sets a new password (the old one was checked by the form)."""
    validate_password(password, user)
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        audit_record(action="user.password_change", actor=user, obj=user)
    return user


def session_record(*, user: User, action: str) -> None:
    """Sign-in and sign-out go into the audit log: who, when, from where."""
    if action not in {"session.login", "session.logout"}:
        raise ValueError(action)
    audit_record(action=action, actor=user, obj=user)


# --- Personal data ---------------------------------------------------------------------------------


def phone_reveal(*, actor: User, obj: Enterprise | User, reason: str = "") -> str:
    """The full phone number of an enterprise's contact or of an account, for the officer; audited."""
    require_capability(actor, "accounts.reveal_personal_data")
    if isinstance(obj, User) and not _may_manage(actor, obj):
        raise PermissionDenied(DENIED)
    field_name = "contact_phone" if isinstance(obj, Enterprise) else "phone"
    return personal_data_reveal(actor=actor, obj=obj, field_name=field_name, reason=reason)
