"""Enterprises, their self-registration on the portal, and user accounts with their roles.

Each function checks who may do it, validates and normalises its input (raising ValidationError keyed by
field, in Chinese, before anything is saved), changes the data and writes the audit record inside one
transaction. `actor=None` means the command line (the demo loader, an operator's shell); views always pass
the signed-in user.
"""

from collections.abc import Iterable

from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.urls import reverse

from chieftech.accounts.models import Enterprise, Industry, IndustryFocus, Town, User
from chieftech.accounts.roles import Role, role_values
from chieftech.audit.domain import audit_record, personal_data_reveal, snapshot
from chieftech.core.notify import notify
from chieftech.core.pii import normalize_phone, normalize_uscc, validate_phone, validate_uscc

ENTERPRISE_AUDIT_FIELDS = [
    "name",
    "uscc",
    "address",
    "town",
    "industry",
    "industry_focus",
    "contact_name",
    "contact_phone",
    "status",
    "status_reason",
    "registered_via_portal",
]
USER_AUDIT_FIELDS = ["username", "real_name", "phone", "email", "enterprise", "is_active"]

# Separation of duties (SPEC.md §1): the audit admin reads the log and does nothing else; the system
# admin keeps accounts and configuration but never scores, approves or reads the log.
SOLE_ROLES = {Role.AUDITOR}
SYSADMIN_EXCLUDES = {Role.AUDITOR, Role.EXPERT, Role.CHAIR, Role.LEADER, Role.GOVERNMENT}

DENIED = "您没有执行此操作的权限。"


# --- Shared checks --------------------------------------------------------------------------------


def _require(actor: User | None, capability: str) -> None:
    if actor is not None and not actor.has_perm(capability):
        raise PermissionDenied(DENIED)


def _role_snapshot(user: User) -> list[str]:
    return sorted(user.groups.values_list("name", flat=True))


def _user_snapshot(user: User) -> dict:
    return {**snapshot(user, USER_AUDIT_FIELDS), "roles": _role_snapshot(user)}


def _clean_phone(value: str, *, field: str, required: bool, errors: dict) -> str:
    phone = normalize_phone(value)
    if not phone:
        if required:
            errors[field] = "请填写联系电话。"
        return ""
    try:
        validate_phone(phone)
    except ValidationError as exc:
        errors[field] = exc.messages
    return phone


def _clean_enterprise(
    *,
    name: str,
    uscc: str,
    town: str,
    industry: str,
    industry_focus: str,
    address: str,
    contact_name: str,
    contact_phone: str,
    exclude_pk: int | None = None,
    contact_required: bool = False,
) -> dict:
    """The enterprise's fields, normalised; a ValidationError naming every bad field otherwise."""
    errors: dict = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = "请填写企业名称。"
    elif len(name) > Enterprise._meta.get_field("name").max_length:
        errors["name"] = "企业名称过长。"
    code = normalize_uscc(uscc)
    if not code:
        errors["uscc"] = "请填写统一社会信用代码。"
    else:
        try:
            validate_uscc(code)
        except ValidationError as exc:
            errors["uscc"] = exc.messages
        else:
            if Enterprise.objects.filter(uscc=code).exclude(pk=exclude_pk).exists():
                errors["uscc"] = "该统一社会信用代码已登记，同一企业不能重复登记。"
    if town not in Town.values:
        errors["town"] = "请选择所在镇街。"
    if industry not in Industry.values:
        errors["industry"] = "请选择所属行业。"
    if industry_focus not in IndustryFocus.values:
        errors["industry_focus"] = "请选择产业类别。"
    contact_name = (contact_name or "").strip()
    if contact_required and not contact_name:
        errors["contact_name"] = "请填写联系人。"
    phone = _clean_phone(contact_phone, field="contact_phone", required=contact_required, errors=errors)
    if errors:
        raise ValidationError(errors)
    return {
        "name": name,
        "uscc": code,
        "town": town,
        "industry": industry,
        "industry_focus": industry_focus,
        "address": (address or "").strip(),
        "contact_name": contact_name,
        "contact_phone": phone,
    }


def _clean_account(
    *, username: str, password: str, real_name: str, email: str, phone: str, errors: dict
) -> dict:
    """A new account's fields; problems are added to `errors` so they show beside the enterprise's."""
    username = (username or "").strip()
    if not username:
        errors["username"] = "请填写用户名。"
    else:
        try:
            User.username_validator(username)
        except ValidationError:
            errors["username"] = "用户名只能包含字母、数字和 @ . + - _ 符号。"
        else:
            if len(username) > 150:
                errors["username"] = "用户名不能超过150个字符。"
            elif User.objects.filter(username__iexact=username).exists():
                errors["username"] = "该用户名已被使用，请换一个。"
    email = (email or "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = "请输入有效的电子邮箱地址。"
    phone = _clean_phone(phone, field="phone", required=False, errors=errors)
    real_name = (real_name or "").strip()
    if not password:
        errors["password"] = "请设置密码。"  # noqa: S105 - a message, not a password
    else:
        try:
            validate_password(password, User(username=username, real_name=real_name, email=email))
        except ValidationError as exc:
            errors["password"] = exc.messages
    return {"username": username, "real_name": real_name, "email": email, "phone": phone}


def _save_unique(save) -> None:
    """Run `save`, turning a lost race on a unique column into the same message the pre-check gives."""
    try:
        with transaction.atomic():
            save()
    except IntegrityError:
        raise ValidationError("统一社会信用代码或用户名已被占用，请核对后重新提交。") from None


# --- Enterprises ----------------------------------------------------------------------------------


def enterprise_create(
    *,
    actor: User | None,
    name: str,
    uscc: str,
    town: str,
    industry: str,
    industry_focus: str,
    address: str = "",
    contact_name: str = "",
    contact_phone: str = "",
) -> Enterprise:
    """The officer records an enterprise; it is active at once (no registration review)."""
    _require(actor, "accounts.manage_enterprise")
    fields = _clean_enterprise(
        name=name,
        uscc=uscc,
        town=town,
        industry=industry,
        industry_focus=industry_focus,
        address=address,
        contact_name=contact_name,
        contact_phone=contact_phone,
    )
    enterprise = Enterprise(status=Enterprise.Status.ACTIVE, **fields)
    with transaction.atomic():
        _save_unique(enterprise.save)
        audit_record(
            action="enterprise.create",
            actor=actor,
            obj=enterprise,
            after=snapshot(enterprise, ENTERPRISE_AUDIT_FIELDS),
        )
    return enterprise


def enterprise_update(
    *,
    actor: User | None,
    enterprise: Enterprise,
    name: str,
    uscc: str,
    town: str,
    industry: str,
    industry_focus: str,
    address: str = "",
    contact_name: str = "",
    contact_phone: str | None = None,
) -> Enterprise:
    """The officer corrects an enterprise's data. `contact_phone=None` keeps the stored number, so
    editing never needs the full number on screen (every look at it is a reveal)."""
    _require(actor, "accounts.manage_enterprise")
    keep_phone = contact_phone is None
    fields = _clean_enterprise(
        name=name,
        uscc=uscc,
        town=town,
        industry=industry,
        industry_focus=industry_focus,
        address=address,
        contact_name=contact_name,
        contact_phone="" if keep_phone else contact_phone,
        exclude_pk=enterprise.pk,
    )
    if keep_phone:
        del fields["contact_phone"]
    with transaction.atomic():
        enterprise = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
        before = snapshot(enterprise, ENTERPRISE_AUDIT_FIELDS)
        for field, value in fields.items():
            setattr(enterprise, field, value)
        after = snapshot(enterprise, ENTERPRISE_AUDIT_FIELDS)
        if after == before:
            return enterprise
        _save_unique(lambda: enterprise.save(update_fields=[*fields, "updated_at"]))
        audit_record(action="enterprise.update", actor=actor, obj=enterprise, before=before, after=after)
    return enterprise


def enterprise_registration_submit(
    *,
    uscc: str,
    name: str,
    town: str,
    industry: str,
    industry_focus: str,
    address: str,
    contact_name: str,
    contact_phone: str,
    username: str,
    password: str,
    email: str = "",
) -> Enterprise:
    """An enterprise registers itself on the portal: the enterprise (pending) and its first account.

    The account can sign in but holds no role until the officer approves the registration, so it sees
    its registration's status and nothing else. Both rows are saved together or not at all.
    """
    errors: dict = {}
    try:
        fields = _clean_enterprise(
            name=name,
            uscc=uscc,
            town=town,
            industry=industry,
            industry_focus=industry_focus,
            address=address,
            contact_name=contact_name,
            contact_phone=contact_phone,
            contact_required=True,
        )
    except ValidationError as exc:
        errors.update(exc.message_dict)
        fields = {}
    account = _clean_account(
        username=username,
        password=password,
        real_name=contact_name,
        email=email,
        phone=contact_phone,
        errors=errors,
    )
    errors.pop("phone", None)  # the same number as contact_phone, already reported there
    if errors:
        raise ValidationError(errors)
    enterprise = Enterprise(status=Enterprise.Status.PENDING, registered_via_portal=True, **fields)
    user = User(**account)
    user.set_password(password)

    def save() -> None:
        enterprise.save()
        user.enterprise = enterprise
        user.save()

    with transaction.atomic():
        _save_unique(save)
        audit_record(
            action="enterprise.registration_submit",
            actor=user,
            obj=enterprise,
            after={**snapshot(enterprise, ENTERPRISE_AUDIT_FIELDS), "account": user.username},
        )
    return enterprise


def _registration_decide(
    *, actor: User | None, enterprise: Enterprise, approve: bool, reason: str
) -> Enterprise:
    _require(actor, "accounts.manage_enterprise")
    reason = (reason or "").strip()
    if not approve and not reason:
        raise ValidationError({"reason": "请填写未通过的原因，企业将看到这一说明。"})
    with transaction.atomic():
        enterprise = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
        if enterprise.status != Enterprise.Status.PENDING:
            raise ValidationError(
                f"该企业的状态是“{enterprise.get_status_display()}”，只有待审核的注册申请可以审核。"
            )
        before = snapshot(enterprise, ENTERPRISE_AUDIT_FIELDS)
        enterprise.status = Enterprise.Status.ACTIVE if approve else Enterprise.Status.REFUSED
        enterprise.status_reason = reason
        enterprise.save(update_fields=["status", "status_reason", "updated_at"])
        users = list(enterprise.users.filter(is_active=True).order_by("pk"))
        if approve:
            Group.objects.get(name=Role.ENTERPRISE).user_set.add(*users)
        after = {
            **snapshot(enterprise, ENTERPRISE_AUDIT_FIELDS),
            "enterprise_role_granted": [u.username for u in users] if approve else [],
        }
        audit_record(
            action="enterprise.registration_approve" if approve else "enterprise.registration_refuse",
            actor=actor,
            obj=enterprise,
            reason=reason,
            before=before,
            after=after,
        )
        if approve:
            subject = "企业注册申请已审核通过"
            body = f"贵单位“{enterprise.name}”的注册申请已审核通过，现在可以登录系统办理首席技师申报等业务。"
        else:
            subject = "企业注册申请未通过审核"
            body = f"贵单位“{enterprise.name}”的注册申请未通过审核。原因：{reason}"
        notify(users=users, subject=subject, body=body, url=reverse("core:home"))
    return enterprise


def enterprise_registration_approve(*, actor: User | None, enterprise: Enterprise) -> Enterprise:
    """The officer approves a portal registration: the enterprise becomes active and its accounts get
    the enterprise role."""
    return _registration_decide(actor=actor, enterprise=enterprise, approve=True, reason="")


def enterprise_registration_refuse(*, actor: User | None, enterprise: Enterprise, reason: str) -> Enterprise:
    """The officer refuses a portal registration and says why; the enterprise's account sees the reason."""
    return _registration_decide(actor=actor, enterprise=enterprise, approve=False, reason=reason)


def enterprise_registration_resubmit(
    *,
    actor: User,
    enterprise: Enterprise,
    name: str,
    uscc: str,
    town: str,
    industry: str,
    industry_focus: str,
    address: str,
    contact_name: str,
    contact_phone: str | None = None,
) -> Enterprise:
    """The account of a refused registration corrects it and sends it back to the officer's queue.
    `contact_phone=None` keeps the stored number."""
    if actor.enterprise_id != enterprise.pk:
        raise PermissionDenied(DENIED)
    keep_phone = contact_phone is None
    fields = _clean_enterprise(
        name=name,
        uscc=uscc,
        town=town,
        industry=industry,
        industry_focus=industry_focus,
        address=address,
        contact_name=contact_name,
        contact_phone=enterprise.contact_phone if keep_phone else contact_phone,
        exclude_pk=enterprise.pk,
        contact_required=True,
    )
    with transaction.atomic():
        enterprise = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
        if enterprise.status != Enterprise.Status.REFUSED:
            raise ValidationError("只有未通过审核的注册申请可以修改后重新提交。")
        before = snapshot(enterprise, ENTERPRISE_AUDIT_FIELDS)
        for field, value in fields.items():
            setattr(enterprise, field, value)
        enterprise.status = Enterprise.Status.PENDING
        enterprise.status_reason = ""
        _save_unique(enterprise.save)
        audit_record(
            action="enterprise.registration_resubmit",
            actor=actor,
            obj=enterprise,
            before=before,
            after=snapshot(enterprise, ENTERPRISE_AUDIT_FIELDS),
        )
    return enterprise


# --- Users and roles ------------------------------------------------------------------------------


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


def _check_roles(*, actor: User | None, roles: set[str], enterprise: Enterprise | None) -> None:
    unknown = roles - set(Role.values)
    if unknown:
        raise ValidationError({"roles": "包含无效的角色。"})
    refused = roles - set(grantable_roles(actor))
    if refused:
        labels = "、".join(Role(r).label for r in sorted(refused))
        raise PermissionDenied(f"您不能授予以下角色：{labels}。")
    if roles & SOLE_ROLES and len(roles) > 1:
        raise ValidationError({"roles": "审计管理员只能查阅审计日志，不能同时担任其他角色（职责分离）。"})
    if Role.SYSADMIN in roles and roles & SYSADMIN_EXCLUDES:
        raise ValidationError({"roles": "系统管理员不能同时担任评审、审定、批准或审计角色（职责分离）。"})
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


def user_create(
    *,
    actor: User | None,
    username: str,
    password: str,
    real_name: str,
    phone: str = "",
    email: str = "",
    enterprise: Enterprise | None = None,
    roles: Iterable[str] = (),
) -> User:
    """The system admin creates any account; the officer creates enterprise users of any enterprise."""
    roles = set(roles)
    if actor is not None and not grantable_roles(actor):
        raise PermissionDenied(DENIED)
    if actor is not None and not actor.has_perm("accounts.manage_staff_user") and enterprise is None:
        raise ValidationError({"enterprise": "请选择所属企业。"})
    errors: dict = {}
    account = _clean_account(
        username=username, password=password, real_name=real_name, email=email, phone=phone, errors=errors
    )
    if not account["real_name"]:
        errors["real_name"] = "请填写姓名。"
    if errors:
        raise ValidationError(errors)
    _check_roles(actor=actor, roles=roles, enterprise=enterprise)
    user = User(enterprise=enterprise, **account)
    user.set_password(password)
    with transaction.atomic():
        _save_unique(user.save)
        _set_groups(user, roles)
        audit_record(action="user.create", actor=actor, obj=user, after=_user_snapshot(user))
    return user


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
        changes["phone"] = _clean_phone(phone, field="phone", required=False, errors=errors)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        before = _user_snapshot(user)
        for field, value in changes.items():
            setattr(user, field, value)
        after = _user_snapshot(user)
        if after == before:
            return user
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
    _check_roles(actor=actor, roles=roles, enterprise=user.enterprise)
    if roles == current:
        return user
    with transaction.atomic():
        before = _user_snapshot(user)
        _set_groups(user, roles)
        audit_record(
            action="user.set_roles", actor=actor, obj=user, before=before, after=_user_snapshot(user)
        )
    return user


def user_deactivate(*, actor: User | None, user: User, reason: str = "") -> User:
    """Stop an account from signing in; the account and its history stay."""
    if not _may_manage(actor, user):
        raise PermissionDenied(DENIED)
    if actor is not None and actor.pk == user.pk:
        raise PermissionDenied("不能停用自己的账号。")
    if not user.is_active:
        raise ValidationError("该账号已经停用。")
    with transaction.atomic():
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


# --- Personal data --------------------------------------------------------------------------------


def phone_reveal(*, actor: User, obj: Enterprise | User, reason: str = "") -> str:
    """The full phone number of an enterprise's contact or of an account, for the officer; audited."""
    _require(actor, "accounts.reveal_personal_data")
    if isinstance(obj, User) and not _may_manage(actor, obj):
        raise PermissionDenied(DENIED)
    field_name = "contact_phone" if isinstance(obj, Enterprise) else "phone"
    return personal_data_reveal(actor=actor, obj=obj, field_name=field_name, reason=reason)
