"""Writing and reading the tamper-evident audit log.

Every state change and every create/update/delete of personal data calls `audit_record` inside the
same transaction as the change, so a change and its record are saved together or not at all. Records go to
the chain of the authority whose work they record (see `record_authority_id`); the canonical form and the
keys are in audit.chain, verification in audit.verify, the anchors outside the database in audit.anchors.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache
from typing import Any

from django.apps import apps
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db import models, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from chieftech.audit.chain import GENESIS_HASH, canonical_ip, clean_text, jsonable, record_hash
from chieftech.audit.models import AuditChainHead, AuditRecord
from chieftech.audit.verify import VerifyResult, audit_verify
from chieftech.core.context import current_ip
from chieftech.core.pii import EncryptedTextField, mask_value

__all__ = [
    "ACTION_EXPORT",
    "ACTION_REVEAL",
    "GENESIS_HASH",
    "VerifyResult",
    "audit_record",
    "audit_record_many",
    "audit_verify",
    "personal_data_reveal",
    "record_authority_id",
    "record_hash",
    "snapshot",
]

ACTION_REVEAL = "personal_data.reveal"
ACTION_EXPORT = "audit.export"
AUTHORITY_MODEL = "policy.Authority"
# Hops followed from an object towards its authority (a score goes score → sheet → member → committee → round).
MAX_HOPS = 5


def _actor_role(actor) -> str:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return ""
    from chieftech.accounts.roles import role_labels

    return "、".join(role_labels(actor))


# --- Which chain ----------------------------------------------------------------------------------


@cache
def _hops_to_authority(model: type[models.Model]) -> int | None:
    """Foreign-key hops from `model` to an authority (0: it is one), None when no path exists."""
    authority_model = apps.get_model(AUTHORITY_MODEL)
    seen, frontier = {model}, [model]
    for hops in range(MAX_HOPS + 1):
        if authority_model in frontier:
            return hops
        following = []
        for current in frontier:
            for field in current._meta.concrete_fields:
                target = field.related_model if field.many_to_one or field.one_to_one else None
                if target is not None and target not in seen:
                    seen.add(target)
                    following.append(target)
        frontier = following
    return None


@cache
def _routes(model: type[models.Model]) -> tuple[models.ForeignKey, ...]:
    """The foreign keys of `model` that lead to an authority, shortest way first."""
    routes = []
    for field in model._meta.concrete_fields:
        if not (field.many_to_one or field.one_to_one):
            continue
        hops = _hops_to_authority(field.related_model)
        if hops is not None:
            routes.append((hops, field.name, field))
    return tuple(field for _, _, field in sorted(routes, key=lambda route: route[:2]))


def record_authority_id(obj: models.Model | None, *, hops: int = MAX_HOPS) -> int | None:
    """The authority whose chain records a change of `obj`: the object's own `authority`, or its round's,
    policy's, tenure's... followed through foreign keys (already loaded ones first, so a caller that holds the
    related rows costs no query). None, the system chain, for what belongs to no one authority (accounts,
    enterprises, the calendar)."""
    if obj is None:
        return None
    if obj._meta.label == AUTHORITY_MODEL:
        return obj.pk
    routes = _routes(obj._meta.model)
    for field in routes:
        if field.related_model._meta.label == AUTHORITY_MODEL:
            authority_id = getattr(obj, field.attname)
            if authority_id is not None:
                return authority_id
    if hops == 0:
        return None
    for field in sorted(routes, key=lambda route: not route.is_cached(obj)):
        if getattr(obj, field.attname) is None:
            continue
        try:
            related = getattr(obj, field.name)
        except ObjectDoesNotExist:
            continue
        authority_id = record_authority_id(related, hops=hops - 1)
        if authority_id is not None:
            return authority_id
    return None


def _authority_id_of(object_type: str, object_id: str) -> int | None:
    """The chain of an object named only by its type and id, when the type leads to an authority."""
    try:
        model = apps.get_model(object_type)
    except (LookupError, ValueError):
        return None
    if _hops_to_authority(model) is None:
        return None
    try:
        obj = model._base_manager.filter(pk=object_id).first()
    except (ValueError, TypeError):
        return None
    return record_authority_id(obj)


# --- Writing --------------------------------------------------------------------------------------


def audit_record(
    *,
    action: str,
    actor=None,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    reason: str = "",
    before: dict | None = None,
    after: dict | None = None,
    ip: str | None = None,
    authority=None,
) -> AuditRecord:
    """Append one record. `before`/`after` must already have sensitive values masked (see `snapshot`).

    Call it inside the transaction of the change it records; `actor=None` means the system itself.
    The record goes to the chain of `authority` (an Authority or its id) when given, else of the authority
    `obj` (or `object_type`/`object_id`) belongs to, else to the system chain. Only that chain's head row is
    locked, so two authorities' writes do not wait for each other.
    """
    [record] = audit_records_append(
        [
            _record_build(
                action=action,
                actor=actor,
                obj=obj,
                object_type=object_type,
                object_id=object_id,
                object_repr=object_repr,
                reason=reason,
                before=before,
                after=after,
                ip=ip,
                authority=authority,
            )
        ]
    )
    return record


def audit_record_many(entries: list[dict[str, Any]]) -> list[AuditRecord]:
    """Append one record per entry (each the keyword arguments of `audit_record`), in order, writing each
    chain's head once and the records in one insert per chain: what a change of thousands of objects at once
    (the end of a cohort's terms) records, at the cost of a few queries instead of three per record."""
    return audit_records_append([_record_build(**entry) for entry in entries])


def _record_build(
    *,
    action: str,
    actor=None,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    reason: str = "",
    before: dict | None = None,
    after: dict | None = None,
    ip: str | None = None,
    authority=None,
) -> AuditRecord:
    """An unsaved record, its chain (`authority_id`) chosen, not yet linked into it."""
    if not action or len(action) > AuditRecord._meta.get_field("action").max_length:
        raise ValueError(f"audit action must be 1-100 characters, got {action!r}")
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)
    if authority is not None:
        authority_id = authority if isinstance(authority, int) else authority.pk
    elif obj is not None:
        authority_id = record_authority_id(obj)
    elif object_type and object_id:
        authority_id = _authority_id_of(object_type, str(object_id))
    else:
        authority_id = None
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    return AuditRecord(
        actor_id=actor.pk if authenticated else None,
        actor_username=clean_text(actor.get_username())[:150] if authenticated else "",
        actor_role=_actor_role(actor)[:200],
        ip=canonical_ip(ip if ip is not None else current_ip.get()),
        action=clean_text(action),
        object_type=clean_text(object_type)[:100],
        object_id=clean_text(str(object_id))[:64],
        object_repr=clean_text(object_repr)[:300],
        reason=clean_text(reason or ""),
        before=jsonable(before) if before is not None else None,
        after=jsonable(after) if after is not None else None,
        authority_id=authority_id,
    )


def audit_records_append(records: list[AuditRecord]) -> list[AuditRecord]:
    """Link `records` into their chains in order and save them. Each chain's head row is locked once (heads
    in a fixed order, so two writers to the same chains never wait on each other crosswise)."""
    chains: dict[int | None, list[AuditRecord]] = {}
    for record in records:
        chains.setdefault(record.authority_id, []).append(record)
    with transaction.atomic():
        for authority_id in sorted(chains, key=lambda key: -1 if key is None else key):
            head, _ = AuditChainHead.objects.select_for_update().get_or_create(
                authority_id=authority_id, defaults={"last_hash": GENESIS_HASH}
            )
            chain = chains[authority_id]
            now = timezone.now()  # taken under the lock: a chain's times never go backwards
            for record in chain:
                record.at = now
                record.prev_hash = head.last_hash
                record.hash = record_hash(head.last_hash, record)
                head.last_hash = record.hash
            if len(chain) == 1:
                chain[0].save()
            else:
                # Past the manager's guard, which refuses inserts that bypass the chain; the ids are handed
                # out in the order of the rows, which is the chain's order.
                models.QuerySet(AuditRecord).bulk_create(chain)
            head.last_id = chain[-1].pk
            head.save(update_fields=["last_hash", "last_id"])
    return records


def snapshot(obj: models.Model, fields: list[str]) -> dict[str, Any]:
    """Field values of `obj` for an audit record's before/after.

    Encrypted personal data is masked by its `pii_kind`, dates are ISO strings, foreign keys their pk,
    choices their stored value, many-to-many fields the sorted list of pks.
    """
    data: dict[str, Any] = {}
    for name in fields:
        field = obj._meta.get_field(name)
        if field.many_to_many and field.concrete:
            value = sorted(getattr(obj, name).values_list("pk", flat=True))
        elif not field.concrete:
            raise ValueError(f"{name} is not a column of {obj._meta.label}")
        else:
            value = getattr(obj, field.attname)
            if isinstance(field, EncryptedTextField) and value is not None:
                value = mask_value(field.pii_kind, value)
        data[name] = jsonable(value)
    return data


def personal_data_reveal(*, actor, obj: models.Model, field_name: str, reason: str = "") -> str:
    """The full value of an encrypted personal-data field; every reveal is audited.

    The record names the field, never the value. Whether `actor` may see it is the caller's check
    (e.g. the accounts.reveal_personal_data capability); an anonymous caller is always refused.
    """
    field = obj._meta.get_field(field_name)
    if not isinstance(field, EncryptedTextField):
        raise ValueError(f"{obj._meta.label}.{field_name} is not an encrypted personal-data field")
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise PermissionDenied("请先登录。")
    value = getattr(obj, field.attname) or ""
    audit_record(
        action=ACTION_REVEAL,
        actor=actor,
        obj=obj,
        reason=reason,
        after={"field": field_name, "label": str(field.verbose_name)},
    )
    return value


# --- Reading --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AuditFilter:
    action: str = ""
    actor_username: str = ""
    object_type: str = ""
    object_id: str = ""
    date_from: date | None = None  # Asia/Shanghai dates, both ends included
    date_to: date | None = None
    text: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {key: jsonable(value) for key, value in self.__dict__.items() if value not in ("", None)}


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def audit_records_visible(authority_ids) -> QuerySet[AuditRecord]:
    """The records an audit admin of `authority_ids` reads: those authorities' chains and the system chain
    (sign-ins, accounts, enterprises: the installation's own events)."""
    return AuditRecord.objects.filter(Q(authority__isnull=True) | Q(authority_id__in=list(authority_ids)))


def audit_record_search(
    *, filters: AuditFilter, authority_ids, newest_first: bool = True
) -> QuerySet[AuditRecord]:
    records = audit_records_visible(authority_ids)
    if filters.action:
        records = records.filter(action=filters.action)
    if filters.actor_username:
        records = records.filter(actor_username__iexact=filters.actor_username)
    if filters.object_type:
        records = records.filter(object_type=filters.object_type)
    if filters.object_id:
        records = records.filter(object_id=filters.object_id)
    if filters.date_from:
        records = records.filter(at__gte=_day_start(filters.date_from))
    if filters.date_to:
        records = records.filter(at__lt=_day_start(filters.date_to + timedelta(days=1)))
    if filters.text:
        records = records.filter(Q(object_repr__icontains=filters.text) | Q(reason__icontains=filters.text))
    return records.order_by("-id" if newest_first else "id")


def audit_filter_choices() -> tuple[list[str], list[str]]:
    """The actions and object types present in the log, for the filter form."""
    actions = AuditRecord.objects.order_by("action").values_list("action", flat=True).distinct()
    types = AuditRecord.objects.exclude(object_type="").order_by("object_type")
    return list(actions), list(types.values_list("object_type", flat=True).distinct())


def audit_export_record(*, actor, filters: AuditFilter, rows: int) -> AuditRecord:
    """The export of the log is itself recorded: who took which part of it away."""
    return audit_record(
        action=ACTION_EXPORT,
        actor=actor,
        object_type=AuditRecord._meta.label_lower,
        object_repr="审计日志导出",
        after={"filters": filters.as_dict(), "rows": rows},
    )
