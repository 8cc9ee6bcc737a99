"""The roles of SPEC.md §1 as Django groups, each granted a fixed set of capabilities, and held per
issuing authority (SPEC.md §2) through accounts.RoleGrant.

A capability is a Django permission ("app_label.codename") declared in the Meta.permissions of the
model it concerns. `roles_sync` makes the groups match this table exactly; it runs after every migrate.
A user's groups are the union of their grants (accounts.domain.users.role_grants_set keeps them so), so a
capability check is the coarse gate; `authority_ids_for(user, capability)` says for which authorities'
objects the user holds it, and every staff queryset filters by it, so another authority's object is a 404.
"""

import rules
from django.db import models


class Role(models.TextChoices):
    ENTERPRISE = "enterprise", "企业经办人"
    OFFICER = "officer", "区人社局经办人"
    EXPERT = "expert", "评审专家"
    CHAIR = "chair", "评审委员会主任"
    LEADER = "leader", "区委人才工作领导小组"
    GOVERNMENT = "government", "区政府经办人"
    PAYROLL_APPROVER = "payroll_approver", "津贴发放审批人"
    AUDITOR = "auditor", "审计管理员"
    SYSADMIN = "sysadmin", "系统管理员"
    TECHNICIAN = "technician", "首席技师本人"


ROLE_CAPABILITIES: dict[str, list[str]] = {
    Role.ENTERPRISE: [
        "selection.submit_application",
        "tenure.report_status_change",
        "tenure.submit_review_material",
    ],
    Role.OFFICER: [
        "accounts.manage_enterprise",
        "accounts.manage_enterprise_user",
        "accounts.reveal_personal_data",
        "policy.view_policy",
        "selection.manage_round",
        "selection.review_application",
        "evaluation.manage_committee",
        "publicity.manage_notice",
        "publicity.handle_objection",
        "certificates.issue_certificate",
        "tenure.manage_tenure",
        "subsidy.run_payroll",
        "subsidy.export_bank_file",
        "subsidy.view_payroll",
        "subsidy.manage_budget",
        "tenure.propose_revocation",
    ],
    Role.EXPERT: ["evaluation.score"],
    Role.CHAIR: ["evaluation.score", "evaluation.chair_committee"],
    # The leadership and the government also approve the subsidy batches of an authority that names them
    # (Authority.payroll_approver_role); the rules of subsidy/rules.py ask which role each authority names.
    Role.LEADER: ["publicity.decide_leadership", "tenure.decide_revocation", "subsidy.approve_payroll"],
    Role.GOVERNMENT: [
        "publicity.record_government_approval",
        "tenure.approve_revocation",
        "subsidy.approve_payroll",
    ],
    # 审批 of the subsidy batches (the bureau's leader in charge, or whom the authority names:
    # Authority.payroll_approver_role); approves, never builds, checks or exports.
    Role.PAYROLL_APPROVER: ["subsidy.approve_payroll", "subsidy.view_payroll"],
    # The audit admin reads; nothing else (separation of duties).
    Role.AUDITOR: ["audit.view_auditlog", "audit.export_auditlog"],
    # The system admin keeps users, roles, policy and the calendar; it cannot score, approve or read the log.
    Role.SYSADMIN: [
        "accounts.manage_staff_user",
        "policy.view_policy",
        "policy.manage_policy",
        "policy.manage_calendar",
        # Mail that could not be delivered, with the server's last answer (chieftech.core.outbox).
        "core.manage_outbox",
        "policy.manage_authority",
        # The banks' 代发 file formats (chieftech.subsidy.models.BankFileFormat).
        "subsidy.manage_bank_format",
    ],
    Role.TECHNICIAN: ["tenure.log_activity"],
}


# Separation of duties (等保2.0 三员分立, SPEC.md §1 and §5): which roles one account may hold together.
# Every pair of different roles is incompatible unless it is listed here. The committee's chair is one of
# its experts, so chair and expert go together; nothing else does. In particular the chief technician's own
# login holds no other role: a title holder who scored, reviewed, approved or reported for an enterprise
# would act on their own title, subsidy or competitors.
COMPATIBLE_ROLES: frozenset[frozenset[str]] = frozenset({frozenset({Role.EXPERT.value, Role.CHAIR.value})})


# Granting or removing these roles takes two system admins: one proposes, another approves. The auditor
# watches the system admin; and if one system admin could make another alone, it could make a second
# account of its own and approve its own proposals with it.
DUAL_CONTROL_ROLES: frozenset[str] = frozenset({Role.AUDITOR.value, Role.SYSADMIN.value})


def roles_need_second_person(before: set[str], after: set[str]) -> bool:
    return bool((set(before) ^ set(after)) & DUAL_CONTROL_ROLES)


def roles_compatible(a: str, b: str) -> bool:
    return a == b or frozenset({a, b}) in COMPATIBLE_ROLES


def role_conflicts(roles: set[str]) -> list[tuple[str, str]]:
    """The pairs of `roles` that one account may not hold together, each pair and the list in Role order.

    The rule is per authority: it applies to the roles a person holds for one issuing authority (its grants
    there and the installation-wide roles, `roles_held_in`), so the same person may be an expert of the city
    and an officer of the district; an installation-wide role meets the roles held for every authority
    (accounts.domain.users.check_roles). Every function that grants roles asks here.
    """
    ordered = [role.value for role in Role if role.value in roles]
    return [(a, b) for i, a in enumerate(ordered) for b in ordered[i + 1 :] if not roles_compatible(a, b)]


def role_conflicts_message(conflicts: list[tuple[str, str]]) -> str:
    pairs = "；".join(f"“{Role(a).label}”与“{Role(b).label}”" for a, b in conflicts)
    return f"{pairs}不能由同一账号兼任（职责分离）。"


def roles_sync(using: str = "default") -> None:
    from django.contrib.auth.models import Group, Permission

    for role, capabilities in ROLE_CAPABILITIES.items():
        group, _ = Group.objects.using(using).get_or_create(name=role)
        perms = []
        for capability in capabilities:
            app_label, codename = capability.split(".")
            try:
                perms.append(
                    Permission.objects.using(using).get(content_type__app_label=app_label, codename=codename)
                )
            except Permission.DoesNotExist:
                raise LookupError(
                    f"capability {capability} of role {role} is not declared by any model"
                ) from None
        group.permissions.set(perms)


def role_values(user) -> list[str]:
    """The user's role values, cached on the user object for the request (read with its grants)."""
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, "_chieftech_roles", None)
    if cached is None:
        names = {role for role, _ in role_grants(user)}
        cached = [role.value for role in Role if role.value in names]
        user._chieftech_roles = cached
    return cached


def role_labels(user) -> list[str]:
    return [Role(value).label for value in role_values(user)]


def has_role(user, role: str) -> bool:
    return role in role_values(user)


# Roles held for the whole installation rather than for one authority: the system admin keeps every
# authority's users, policy versions and calendar; an enterprise registers once and may apply to every
# authority whose territory holds its town; the chief technician's own login sees their own record. Every
# other role (the auditor included: each authority's audit chain is its own) is granted per authority.
INSTALLATION_ROLES = frozenset({Role.SYSADMIN.value, Role.ENTERPRISE.value, Role.TECHNICIAN.value})

# The session key of the authority a user holding roles in several chose to act for (the header switcher).
ACTING_AUTHORITY_SESSION_KEY = "acting_authority_id"


def role_grants(user) -> list[tuple[str, int | None]]:
    """The user's (role, authority id) grants, None for an installation-wide role; cached on the user.

    One query for the roles and the grants: a grant counts while the user is in its role's group (the
    groups are the union of the grants; a group removed by hand takes the role away everywhere).
    """
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, "_chieftech_grants", None)
    if cached is None:
        from django.db.models import F

        from chieftech.accounts.models import RoleGrant

        cached = list(
            RoleGrant.objects.filter(user_id=user.pk, user__groups__name=F("role")).values_list(
                "role", "authority_id"
            )
        )
        user._chieftech_grants = cached
    return cached


def roles_cache_clear(user) -> None:
    """Forget the role caches of `role_values` and `role_grants` after the grants changed."""
    user._chieftech_roles = None
    user._chieftech_grants = None
    user._chieftech_acting = None
    user._chieftech_all_authorities = None
    for cache in ("_perm_cache", "_group_perm_cache", "_user_perm_cache"):
        user.__dict__.pop(cache, None)


def roles_held_in(user, authority) -> set[str]:
    """The roles the user holds for `authority`: its grants there plus the installation-wide roles.

    This is the set a separation-of-duties check looks at: incompatible roles are refused on one account
    within one authority.
    """
    if authority is None:
        return set()
    authority_id = getattr(authority, "pk", authority)
    return {role for role, held_for in role_grants(user) if held_for in (None, authority_id)}


def authority_ids_for_roles(user, *roles: str) -> set[int]:
    """The ids of the authorities where the user holds one of `roles` (every authority for an
    installation-wide role). Staff querysets filter their objects' authority by this."""
    from chieftech.policy.models import Authority

    held = [(role, authority_id) for role, authority_id in role_grants(user) if role in roles]
    if any(authority_id is None for _, authority_id in held):
        cached = getattr(user, "_chieftech_all_authorities", None)
        if cached is None:
            cached = user._chieftech_all_authorities = set(Authority.objects.values_list("pk", flat=True))
        return set(cached)
    return {authority_id for _, authority_id in held}


def roles_with(*capabilities: str) -> set[str]:
    """The roles granted any of `capabilities` in ROLE_CAPABILITIES."""
    return {str(role) for role, caps in ROLE_CAPABILITIES.items() if set(caps) & set(capabilities)}


def authority_ids_for(user, *capabilities: str) -> set[int]:
    """The ids of the authorities where the user holds a role with one of `capabilities`: a view gated by
    `capability_required(cap)` scopes its queryset with `authority_ids_for(user, cap)`."""
    return authority_ids_for_roles(user, *roles_with(*capabilities))


def acting_authority_ids(user) -> set[int]:
    """The ids of the authorities the user may act for: those they hold a role in (all for the system
    admin); none for an enterprise user, who is not staff of any authority."""
    if not getattr(user, "is_authenticated", False):
        return set()
    return authority_ids_for_roles(user, *(r for r in role_values(user) if r != Role.ENTERPRISE))


def acting_authorities(user) -> list:
    """The authorities the user may act for, in order."""
    from chieftech.policy.models import Authority

    ids = acting_authority_ids(user)
    return list(Authority.objects.filter(pk__in=ids).order_by("id")) if ids else []


def acting_authority(user):
    """The authority a staff user acts for when a page creates something (a round, an expert, a policy).

    A user holding roles in one authority acts for it. One holding roles in several (or the system admin,
    who keeps every authority) acts for the one chosen in the header switcher, kept in the session
    (`ACTING_AUTHORITY_SESSION_KEY`, put on the user by ActingAuthorityMiddleware), else the first. Anyone
    else (an enterprise user, the public) gets the installation's first authority. Actions on an existing
    object use the object's own authority, not this.
    """
    cached = getattr(user, "_chieftech_acting", None)
    if cached is not None:
        return cached
    authority = _acting_among(user, acting_authority_ids(user))
    if getattr(user, "is_authenticated", False):
        user._chieftech_acting = authority
    return authority


def acting_authority_for(user, *capabilities: str):
    """`acting_authority`, among the authorities where the user holds a role with one of `capabilities`: an
    officer of Huancui who is also an expert of Weihai creates Huancui's rounds even while the switcher says
    Weihai. A page that creates an object of a capability asks here."""
    return _acting_among(user, authority_ids_for(user, *capabilities))


def _acting_among(user, ids: set[int]):
    from chieftech.policy.models import Authority

    chosen = getattr(user, "_chieftech_acting_authority_id", None)
    if chosen in ids:
        pk = chosen
    elif ids:
        pk = min(ids)
    else:
        return Authority.objects.order_by("id").first()
    return Authority.objects.get(pk=pk)


def has_role_in(user, role: str, authority) -> bool:
    """Whether the user holds `role` for `authority` (the object's issuing authority).

    Every permission rule that combines role and authority asks here. An installation-wide role
    (INSTALLATION_ROLES) is held for every authority.
    """
    return authority is not None and role in roles_held_in(user, authority)


# Where an object's issuing authority is found, tried in order: rounds, policy versions, experts and tenures
# hold it; applications, committees, notices, objections, sheets and certificates reach it through these.
_AUTHORITY_PATHS = ("authority", "round", "application", "committee", "notice", "tenure", "member")


def authority_of(obj):
    """The issuing authority an object belongs to (an Authority is its own); None for no object."""
    from chieftech.policy.models import Authority

    for _ in range(len(_AUTHORITY_PATHS) + 1):
        if obj is None or isinstance(obj, Authority):
            return obj
        obj = next((getattr(obj, path) for path in _AUTHORITY_PATHS if hasattr(obj, path)), None)
    return None


def holds_role(role: str):
    """A django-rules predicate: the user holds `role` for the authority of the object asked about."""

    @rules.predicate(name=f"holds_{role}")
    def predicate(user, obj=None) -> bool:
        return bool(getattr(user, "is_authenticated", False)) and has_role_in(user, role, authority_of(obj))

    return predicate


def users_holding(role: str, authority):
    """The active users holding `role` for `authority` (e.g. the officers to notify of a submission)."""
    from chieftech.accounts.models import User

    authority_id = getattr(authority, "pk", authority)
    grants = {"role_grants__role": role}
    if role in INSTALLATION_ROLES:
        return User.objects.filter(is_active=True, groups__name=role, **grants).distinct()
    return User.objects.filter(
        is_active=True, groups__name=role, role_grants__authority_id=authority_id, **grants
    ).distinct()
