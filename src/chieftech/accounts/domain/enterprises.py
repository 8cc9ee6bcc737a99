"""Enterprises: the officer's register, and self-registration on the portal with the officer's review."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse

from chieftech.accounts.domain.checks import (
    DENIED,
    clean_account,
    clean_enterprise,
    require_capability,
    save_unique,
)
from chieftech.accounts.domain.users import role_grant_add
from chieftech.accounts.models import Enterprise, User
from chieftech.accounts.roles import Role
from chieftech.audit.domain import audit_record, snapshot
from chieftech.core.notify import notify

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
    require_capability(actor, "accounts.manage_enterprise")
    fields = clean_enterprise(
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
        save_unique(enterprise.save)
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
    require_capability(actor, "accounts.manage_enterprise")
    keep_phone = contact_phone is None
    fields = clean_enterprise(
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
        # Compare values, not snapshots: a new phone number can have the same mask as the old one.
        if all(getattr(enterprise, field) == value for field, value in fields.items()):
            return enterprise
        before = snapshot(enterprise, ENTERPRISE_AUDIT_FIELDS)
        for field, value in fields.items():
            setattr(enterprise, field, value)
        after = snapshot(enterprise, ENTERPRISE_AUDIT_FIELDS)
        save_unique(lambda: enterprise.save(update_fields=[*fields, "updated_at"]))
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
        fields = clean_enterprise(
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
    account = clean_account(
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
        save_unique(save)
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
    require_capability(actor, "accounts.manage_enterprise")
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
            for user in users:
                role_grant_add(user=user, role=Role.ENTERPRISE)
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
    fields = clean_enterprise(
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
        save_unique(enterprise.save)
        audit_record(
            action="enterprise.registration_resubmit",
            actor=actor,
            obj=enterprise,
            before=before,
            after=snapshot(enterprise, ENTERPRISE_AUDIT_FIELDS),
        )
    return enterprise
