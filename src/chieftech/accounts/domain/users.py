"""Accounts and their roles, sessions in the audit log, and the officer's look at a full phone number."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction

from chieftech.accounts.domain.activation import ActivationLink, activation_link_make
from chieftech.accounts.domain.checks import (
    DENIED,
    check_password,
    clean_account,
    clean_phone,
    require_capability,
    save_unique,
)
from chieftech.accounts.domain.role_proposals import refuse_losing_the_last_auditor, role_proposal_create
from chieftech.accounts.models import Enterprise, RoleGrant, RoleProposal, User
from chieftech.accounts.roles import (
    INSTALLATION_ROLES,
    Role,
    acting_authority,
    role_conflicts,
    role_conflicts_message,
    role_grants,
    roles_cache_clear,
    roles_held_in,
    roles_need_second_person,
)
from chieftech.audit.domain import audit_record, personal_data_reveal, snapshot
from chieftech.core.errors import DomainError

USER_AUDIT_FIELDS = ["username", "real_name", "phone", "email", "enterprise", "is_active"]


def _role_snapshot(user: User) -> list[str]:
    return sorted(user.groups.values_list("name", flat=True))


def _grant_snapshot(user: User) -> list[str]:
    """Each grant as "authority code:role", an installation-wide role as "*:role"."""
    rows = RoleGrant.objects.filter(user_id=user.pk).values_list("authority__code", "role")
    return sorted(f"{code or '*'}:{role}" for code, role in rows)


def _user_snapshot(user: User) -> dict:
    return {
        **snapshot(user, USER_AUDIT_FIELDS),
        "roles": _role_snapshot(user),
        "grants": _grant_snapshot(user),
    }


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
    from chieftech.accounts.selectors import users_manageable_by

    return (
        actor.has_perm("accounts.manage_enterprise_user")
        and user.enterprise_id is not None
        and users_manageable_by(actor).filter(pk=user.pk).exists()
    )


def check_roles(
    *, actor: User | None, roles: set[str], enterprise: Enterprise | None, elsewhere: set[str] = frozenset()
) -> None:
    """Whether `actor` may give an account of `enterprise` exactly `roles` for one authority (installation-wide
    roles included); `elsewhere` are the roles it holds for the other authorities. Every function that grants
    roles calls this, so the table of incompatible roles (roles.role_conflicts) is never bypassed: it applies
    per authority, and an installation-wide role (the system admin) meets every authority's roles."""
    unknown = roles - set(Role.values)
    if unknown:
        raise DomainError("包含无效的角色。", field="roles", code="invalid")
    refused = roles - set(grantable_roles(actor))
    if refused:
        labels = "、".join(Role(r).label for r in sorted(refused))
        raise PermissionDenied(f"您不能授予以下角色：{labels}。")
    conflicts = role_conflicts(roles)
    wide = roles & INSTALLATION_ROLES
    if wide:
        conflicts += [pair for pair in role_conflicts(wide | elsewhere) if pair not in conflicts]
    if conflicts:
        raise DomainError(role_conflicts_message(conflicts), field="roles", code="role_conflict")
    if enterprise is not None and roles - {Role.ENTERPRISE}:
        raise DomainError("企业账号只能担任企业经办人角色。", field="roles", code="enterprise_roles")
    if Role.ENTERPRISE in roles:
        if enterprise is None:
            raise DomainError("企业经办人必须属于一家企业。", field="enterprise", code="required")
        if enterprise.status != Enterprise.Status.ACTIVE:
            raise DomainError(
                f"“{enterprise.name}”尚未通过审核或已停用，不能授予企业经办人角色。",
                field="enterprise",
                code="enterprise_inactive",
            )


def role_grants_set(*, user: User, authority, roles: Iterable[str]) -> None:
    """The one place grants change: afterwards the user holds exactly `roles` for `authority`
    (`roles_held_in(user, authority) == roles`): the per-authority ones granted for `authority`, the
    installation-wide ones (INSTALLATION_ROLES) with no authority. The user's groups are then made the union
    of all their grants, so `capability_required` stays the coarse gate. Callers check and audit.
    """
    roles = set(roles)
    per_authority = roles - INSTALLATION_ROLES
    if per_authority and authority is None:
        raise DomainError("请选择授予角色的发证机关。", field="authority", code="required")
    grants = RoleGrant.objects.filter(user_id=user.pk)
    stale = grants.filter(authority__isnull=True).exclude(role__in=roles & INSTALLATION_ROLES)
    if authority is not None:
        stale = stale | grants.filter(authority=authority).exclude(role__in=per_authority)
    stale.delete()
    held = set(grants.values_list("role", "authority_id"))
    authority_id = getattr(authority, "pk", None)
    RoleGrant.objects.bulk_create(
        [
            RoleGrant(
                user_id=user.pk, role=role, authority_id=None if role in INSTALLATION_ROLES else authority_id
            )
            for role in sorted(roles)
            if (role, None if role in INSTALLATION_ROLES else authority_id) not in held
        ]
    )
    user.groups.set(Group.objects.filter(name__in=set(grants.values_list("role", flat=True))))
    roles_cache_clear(user)


def role_grant_add(*, user: User, role: str, authority=None) -> None:
    """Grant one more role (for `authority`, or installation-wide); the caller checks and audits."""
    held_for = None if role in INSTALLATION_ROLES else authority
    current = {r for r, a in role_grants(user) if a == getattr(held_for, "pk", None)}
    role_grants_set(user=user, authority=held_for, roles=current | {role})


def _elsewhere(user: User, authority) -> set[str]:
    """The roles the account holds for the authorities other than `authority`."""
    return {
        role for role, held_for in role_grants(user) if held_for not in (None, getattr(authority, "pk", None))
    }


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
    authority=None,
) -> NewAccount:
    """The system admin creates any account; the officer creates enterprise users of the enterprises in its
    territory. The per-authority roles are granted for `authority` (default: the actor's acting one).

    The account has no usable password: its holder sets one through the activation link, so its creator
    never knows it (separation of duties).
    """
    roles = set(roles)
    if authority is None and roles - INSTALLATION_ROLES:
        authority = acting_authority(actor)
    if actor is not None and not grantable_roles(actor):
        raise PermissionDenied(DENIED)
    if actor is not None and not actor.has_perm("accounts.manage_staff_user"):
        if enterprise is None:
            raise DomainError("请选择所属企业。", field="enterprise", code="required")
        from chieftech.accounts.selectors import enterprises_visible_to

        if not enterprises_visible_to(actor).filter(pk=enterprise.pk).exists():
            raise PermissionDenied(DENIED)
    errors: dict = {}
    account = clean_account(
        username=username, password=None, real_name=real_name, email=email, phone=phone, errors=errors
    )
    if not account["real_name"]:
        errors["real_name"] = "请填写姓名。"
    if errors:
        raise DomainError.fields(errors)
    check_roles(actor=actor, roles=roles, enterprise=enterprise)
    # The command line (actor=None) sets up an installation, its first system admin and auditor included.
    proposed = actor is not None and roles_need_second_person(set(), roles)
    user = User(enterprise=enterprise, **account)
    user.set_unusable_password()
    proposal = None
    with transaction.atomic():
        save_unique(user.save)
        if not proposed:
            role_grants_set(user=user, authority=authority, roles=roles)
        audit_record(action="user.create", actor=actor, obj=user, after=_user_snapshot(user))
        activation = activation_link_make(actor=actor, user=user)
        if proposed:
            proposal = role_proposal_create(actor=actor, user=user, roles=roles, authority=authority)
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
        raise DomainError.fields(errors)
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


def user_set_roles(*, actor: User | None, user: User, roles: Iterable[str], authority=None) -> User:
    """Make the roles an account holds for `authority` (default: the actor's acting one) exactly `roles`
    (installation-wide roles included, see role_grants_set). Nobody changes their own roles."""
    roles = set(roles)
    if not _may_manage(actor, user):
        raise PermissionDenied(DENIED)
    if actor is not None and actor.pk == user.pk:
        raise PermissionDenied("不能修改自己的角色，请由另一位系统管理员操作。")
    if authority is None:
        authority = acting_authority(actor)
    current = roles_held_in(user, authority)
    if actor is not None and current - set(grantable_roles(actor)):
        raise PermissionDenied("该账号持有您无权管理的角色。")
    check_roles(actor=actor, roles=roles, enterprise=user.enterprise, elsewhere=_elsewhere(user, authority))
    if roles == current:
        return user
    if actor is not None and roles_need_second_person(current, roles):
        raise DomainError(
            "授予或取消审计管理员、系统管理员角色须由另一位系统管理员复核，请提交角色变更申请。",
            field="roles",
            code="dual_control",
        )
    with transaction.atomic():
        refuse_losing_the_last_auditor(user, roles, authority)
        apply_roles(actor=actor, user=user, roles=roles, authority=authority)
    return user


def apply_roles(*, actor: User | None, user: User, roles: set[str], authority) -> None:
    """Give the account exactly `roles` for `authority`, audited; the caller has checked who may and which."""
    before = _user_snapshot(user)
    role_grants_set(user=user, authority=authority, roles=roles)
    audit_record(action="user.set_roles", actor=actor, obj=user, before=before, after=_user_snapshot(user))


def user_deactivate(*, actor: User | None, user: User, reason: str = "") -> User:
    """Stop an account from signing in; the account and its history stay."""
    if not _may_manage(actor, user):
        raise PermissionDenied(DENIED)
    if actor is not None and actor.pk == user.pk:
        raise PermissionDenied("不能停用自己的账号。")
    if not user.is_active:
        raise DomainError("该账号已经停用。", code="inactive")
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
    check_password(password, user)
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password", "password_changed_at"])
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
