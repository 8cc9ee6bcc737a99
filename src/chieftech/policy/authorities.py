"""The issuing authorities (SPEC.md §2): the system admin registers another authority (a city bureau beside
the district) and corrects one. Audited like every change of configuration."""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from chieftech.audit.domain import audit_record, snapshot
from chieftech.core.errors import DomainError
from chieftech.policy.models import Authority

MANAGE_AUTHORITY = "policy.manage_authority"
AUTHORITY_FIELDS = [
    "code",
    "name",
    "level",
    "parent",
    "bureau_name",
    "leadership_name",
    "government_name",
    "title_name",
    "site_name",
    "public_base_url",
    "certificate_prefix",
    "counted_competition_levels",
    "scoring_template",
    "call_wording",
    "notice_wording",
    "certificate_wording",
    "approval_wording",
    "contact_default",
    # Who approves (审批) the authority's subsidy batches (chieftech.subsidy.rules).
    "payroll_approver_role",
]


def _require_admin(actor) -> None:
    if actor is not None and not actor.has_perm(MANAGE_AUTHORITY):
        raise PermissionDenied("只有系统管理员可以管理发证机关。")


def _check_parent(authority: Authority) -> None:
    parent = authority.parent
    while parent is not None:
        if authority.pk is not None and parent.pk == authority.pk:
            raise DomainError("上级机关不能是本机关或其下级。", field="parent", code="cycle")
        parent = parent.parent


def _full_clean(authority: Authority) -> None:
    """The model's own field checks (the parent is checked by _check_parent), as a refusal naming each field."""
    try:
        authority.full_clean(exclude=["parent"])
    except ValidationError as exc:
        raise DomainError.fields(exc.message_dict) from None


def _save(authority: Authority) -> None:
    try:
        with transaction.atomic():
            authority.save()
    except IntegrityError:
        raise DomainError("该代码已被其他发证机关使用。", field="code", code="taken") from None


def authority_create(*, actor, data: dict[str, Any]) -> Authority:
    """Register an issuing authority; its policy versions, officers and experts are added afterwards.

    Without a scoring template of its own it starts from the installation's default one (the first
    authority's, marked on every page as a system template, not a rule of any measures)."""
    _require_admin(actor)
    authority = Authority(**{f: data[f] for f in AUTHORITY_FIELDS if f in data})
    if not authority.scoring_template:
        first = Authority.objects.order_by("id").first()
        authority.scoring_template = dict(first.scoring_template) if first is not None else {}
    _full_clean(authority)
    _check_parent(authority)
    with transaction.atomic():
        _save(authority)
        audit_record(
            action="authority.create", actor=actor, obj=authority, after=snapshot(authority, AUTHORITY_FIELDS)
        )
    return authority


def authority_update(*, actor, authority: Authority, data: dict[str, Any]) -> Authority:
    """Correct an authority's names, territory parent, wording or certificate prefix."""
    _require_admin(actor)
    with transaction.atomic():
        authority = Authority.objects.select_for_update().get(pk=authority.pk)
        before = snapshot(authority, AUTHORITY_FIELDS)
        for field in AUTHORITY_FIELDS:
            if field in data:
                setattr(authority, field, data[field])
        _full_clean(authority)
        _check_parent(authority)
        after = snapshot(authority, AUTHORITY_FIELDS)
        if after == before:
            return authority
        _save(authority)
        audit_record(action="authority.update", actor=actor, obj=authority, before=before, after=after)
    return authority
