"""Checks and normalisation shared by the enterprise and the account operations."""

import unicodedata

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction

from chieftech.accounts.models import Enterprise, Industry, IndustryFocus, User
from chieftech.core.errors import DomainError
from chieftech.core.pii import normalize_phone, normalize_uscc, validate_phone, validate_uscc
from chieftech.policy.territory import town_codes

DENIED = "您没有执行此操作的权限。"
USCC_TAKEN = "该统一社会信用代码已登记，同一企业不能重复登记。"
USERNAME_TAKEN = "该用户名已被使用，请换一个。"


def require_capability(actor: User | None, capability: str) -> None:
    if actor is not None and not actor.has_perm(capability):
        raise PermissionDenied(DENIED)


def clean_phone(value: str, *, field: str, required: bool, errors: dict) -> str:
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


def clean_enterprise(
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
    taken: dict | None = None,
) -> dict:
    """The enterprise's fields, normalised; a DomainError naming every bad field otherwise. With `taken`, a
    credit code already registered goes there instead of being refused (the public registration)."""
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
                (errors if taken is None else taken)["uscc"] = USCC_TAKEN
    if town not in town_codes():
        errors["town"] = "请选择所在镇街。"
    if industry not in Industry.values:
        errors["industry"] = "请选择所属行业。"
    if industry_focus not in IndustryFocus.values:
        errors["industry_focus"] = "请选择产业类别。"
    contact_name = (contact_name or "").strip()
    if contact_required and not contact_name:
        errors["contact_name"] = "请填写联系人。"
    phone = clean_phone(contact_phone, field="contact_phone", required=contact_required, errors=errors)
    if errors:
        raise DomainError.fields(errors)
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


def clean_account(
    *,
    username: str,
    password: str | None,
    real_name: str,
    email: str,
    phone: str,
    errors: dict,
    taken: dict | None = None,
) -> dict:
    """A new account's fields; problems are added to `errors` so they show beside the enterprise's.

    `password=None`: the account is created without one and its holder sets it (domain.activation).
    The user name is stored in its NFKC form: "ｏｆｆｉｃｅｒ" (full-width) becomes "officer", the name sign-in
    (Django's AuthenticationForm) also folds it to, and so meets the existing account, whatever its case."""
    username = username_normalize(username)
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
                (errors if taken is None else taken)["username"] = USERNAME_TAKEN
    email = (email or "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = "请输入有效的电子邮箱地址。"
    phone = clean_phone(phone, field="phone", required=False, errors=errors)
    real_name = (real_name or "").strip()
    if password is None:
        pass
    elif not password:
        errors["password"] = "请设置密码。"  # noqa: S105 - a message, not a password
    else:
        try:
            validate_password(password, User(username=username, real_name=real_name, email=email))
        except ValidationError as exc:
            errors["password"] = exc.messages
    return {"username": username, "real_name": real_name, "email": email, "phone": phone}


def username_normalize(value: str | None) -> str:
    """A user name as stored and looked up: compatibility characters (full-width letters, ligatures) folded."""
    return unicodedata.normalize("NFKC", value or "").strip()


def check_password(password: str, user: User) -> None:
    """Django's password policy for `user`; every message it gives, at the password, if it refuses."""
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise DomainError.fields({"password": exc.messages}, code="weak_password") from None


def save_unique(save) -> None:
    """Run `save`, turning a lost race on a unique column into the same message the pre-check gives."""
    try:
        with transaction.atomic():
            save()
    except IntegrityError:
        raise DomainError("统一社会信用代码或用户名已被占用，请核对后重新提交。", code="taken") from None
