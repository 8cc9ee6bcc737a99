"""Enterprises: the officer's register, and self-registration on the portal with the officer's review."""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
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
from chieftech.accounts.roles import Role, role_conflicts, role_conflicts_message, role_grants
from chieftech.audit.domain import audit_record, snapshot
from chieftech.audit.transitions import transition
from chieftech.core.errors import DomainError
from chieftech.core.notify import notify
from chieftech.core.ratelimit import RateLimit, rate_limit_hit

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

_STATUS = Enterprise.Status
# Registration on the portal waits for the officer; a refused one may be corrected and sent again. An active
# enterprise may be suspended (it can then file no application) and later reactivated.
ENTERPRISE_TRANSITIONS: dict[str, frozenset[str]] = {
    _STATUS.PENDING: frozenset({_STATUS.ACTIVE, _STATUS.REFUSED}),
    _STATUS.REFUSED: frozenset({_STATUS.PENDING}),
    _STATUS.ACTIVE: frozenset({_STATUS.SUSPENDED}),
    _STATUS.SUSPENDED: frozenset({_STATUS.ACTIVE}),
}
ENTERPRISE_ACTIONS: dict[tuple[str, str], str] = {
    (_STATUS.PENDING, _STATUS.ACTIVE): "enterprise.registration_approve",
    (_STATUS.PENDING, _STATUS.REFUSED): "enterprise.registration_refuse",
    (_STATUS.REFUSED, _STATUS.PENDING): "enterprise.registration_resubmit",
    (_STATUS.ACTIVE, _STATUS.SUSPENDED): "enterprise.suspend",
    (_STATUS.SUSPENDED, _STATUS.ACTIVE): "enterprise.reactivate",
}


def enterprise_transition(
    *,
    actor: User | None,
    enterprise: Enterprise,
    to_status: str,
    reason: str = "",
    data: dict | None = None,
    after: dict | None = None,
    refused: str = "",
) -> Enterprise:
    """The one way an enterprise's status changes: locked, re-checked against ENTERPRISE_TRANSITIONS, saved
    with the reason the enterprise sees (`status_reason`) and any corrected `data`, audited.

    `refused` words the refusal for the caller's action; "{status}" in it is the status the enterprise has."""
    changes = {**(data or {}), "status_reason": reason}
    return transition(
        enterprise,
        to=to_status,
        table=ENTERPRISE_TRANSITIONS,
        what="企业",
        field="status",
        actor=actor,
        action=ENTERPRISE_ACTIONS,
        reason=reason,
        refusal=(lambda locked: refused.format(status=locked.get_status_display())) if refused else None,
        changes=changes,
        audit_fields=ENTERPRISE_AUDIT_FIELDS,
        after=after,
    )


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
    taken: dict | None = None,
) -> Enterprise:
    """An enterprise registers itself on the portal: the enterprise (pending) and its first account.

    The account can sign in but holds no role until the officer approves the registration, so it sees
    its registration's status and nothing else. Both rows are saved together or not at all.
    With `taken` (a dict), a credit code or user name already in use is reported apart from the format
    errors: after them, in a DomainError of code "taken" (domain.registration keeps it from the visitor).
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
            taken=taken,
        )
    except DomainError as exc:
        errors.update(exc.message_dict)
        fields = {}
    account = clean_account(
        username=username,
        password=password,
        real_name=contact_name,
        email=email,
        phone=contact_phone,
        errors=errors,
        taken=taken,
    )
    errors.pop("phone", None)  # the same number as contact_phone, already reported there
    if errors:
        raise DomainError.fields(errors)
    if taken:
        raise DomainError.fields(taken, code="taken")
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
    if actor is not None and actor.enterprise_id == enterprise.pk:
        # The registration was submitted (or corrected) by this enterprise's own account: the one who
        # submits never decides on it (separation of duties).
        raise PermissionDenied("不能审核自己所在企业的注册申请，请由区人社局其他经办人审核（职责分离）。")
    reason = (reason or "").strip()
    if not approve and not reason:
        raise DomainError("请填写未通过的原因，企业将看到这一说明。", field="reason", code="reason_required")
    with transaction.atomic():
        users = list(enterprise.users.filter(is_active=True).order_by("pk"))
        enterprise = enterprise_transition(
            actor=actor,
            enterprise=enterprise,
            to_status=Enterprise.Status.ACTIVE if approve else Enterprise.Status.REFUSED,
            reason=reason,
            after={"enterprise_role_granted": [u.username for u in users] if approve else []},
            refused="该企业的状态是“{status}”，只有待审核的注册申请可以审核。",
        )
        if approve:
            for user in users:
                # The enterprise role is installation-wide: it meets every role the account holds anywhere.
                conflicts = role_conflicts({*(role for role, _ in role_grants(user)), Role.ENTERPRISE.value})
                if conflicts:
                    raise DomainError(
                        f"账号“{user.username}”：{role_conflicts_message(conflicts)}", code="role_conflict"
                    )
                role_grant_add(user=user, role=Role.ENTERPRISE)
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
    # A refused account is told at the field when a credit code is taken: without a limit it could test
    # every code there, which the anonymous registration form never reveals.
    rate = RateLimit(
        scope="registration-resubmit", limit=settings.REGISTRATIONS_PER_IP_PER_HOUR, window=timedelta(hours=1)
    )
    if not rate_limit_hit(rate, str(actor.pk)):
        raise DomainError(f"每小时最多提交{rate.limit}次修改，请稍后再试。", code="rate_limited")
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
    result: list[Enterprise] = []
    save_unique(
        lambda: result.append(
            enterprise_transition(
                actor=actor,
                enterprise=enterprise,
                to_status=Enterprise.Status.PENDING,
                data=fields,
                refused="只有未通过审核的注册申请可以修改后重新提交。",
            )
        )
    )
    return result[0]


def enterprise_suspend(*, actor: User | None, enterprise: Enterprise, reason: str) -> Enterprise:
    """The officer suspends an active enterprise (e.g. deregistered, moved away), saying why."""
    require_capability(actor, "accounts.manage_enterprise")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("请填写停用的原因。", field="reason", code="reason_required")
    return enterprise_transition(
        actor=actor, enterprise=enterprise, to_status=Enterprise.Status.SUSPENDED, reason=reason
    )


def enterprise_reactivate(*, actor: User | None, enterprise: Enterprise, reason: str = "") -> Enterprise:
    """The officer reactivates a suspended enterprise."""
    require_capability(actor, "accounts.manage_enterprise")
    return enterprise_transition(
        actor=actor, enterprise=enterprise, to_status=Enterprise.Status.ACTIVE, reason=(reason or "").strip()
    )
