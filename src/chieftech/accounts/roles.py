"""The roles of SPEC.md §1 as Django groups, each granted a fixed set of capabilities.

A capability is a Django permission ("app_label.codename") declared in the Meta.permissions of the
model it concerns. `roles_sync` makes the groups match this table exactly; it runs after every migrate.
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
        "tenure.run_payroll",
        "tenure.propose_revocation",
    ],
    Role.EXPERT: ["evaluation.score"],
    Role.CHAIR: ["evaluation.score", "evaluation.chair_committee"],
    Role.LEADER: ["publicity.decide_leadership", "tenure.decide_revocation"],
    Role.GOVERNMENT: ["publicity.record_government_approval", "tenure.approve_revocation"],
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

    The rule is per authority: it applies to the roles a person holds for one issuing authority, so the same
    person may be an expert of the city and an officer of the district. Until roles are granted per
    authority, an account's roles are all held for the installation's one authority and the whole set is
    checked. Every function that grants roles asks here.
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
    """The user's role values, cached on the user object for the request."""
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, "_chieftech_roles", None)
    if cached is None:
        names = {name for name in user.groups.values_list("name", flat=True)}
        cached = [role.value for role in Role if role.value in names]
        user._chieftech_roles = cached
    return cached


def role_labels(user) -> list[str]:
    return [Role(value).label for value in role_values(user)]


def has_role(user, role: str) -> bool:
    return role in role_values(user)


def acting_authority(user):
    """The authority a staff user acts for.

    Roles are not yet held per authority, so this is the installation's first authority; pages and domain
    calls that need an authority ask here, so the per-authority grants change only this function.
    """
    from chieftech.policy.models import Authority

    return Authority.objects.order_by("id").first()


def has_role_in(user, role: str, authority) -> bool:
    """Whether the user holds `role` for `authority` (the object's issuing authority).

    Every permission rule that combines role and authority asks here. Until roles are granted per authority
    every role is held for the installation's one authority.
    """
    return has_role(user, role) and authority is not None and authority == acting_authority(user)


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
