"""Writing, reading and verifying the tamper-evident audit log.

Every state change and every create/update/delete of personal data calls `audit_record` inside the
same transaction as the change, so a change and its record are saved together or not at all.

Each record's hash is SHA-256 over the previous record's hash and the canonical JSON of every content
column. The canonical form is built from values exactly as they come back from the database (UTC
timestamps with microseconds, normalised IP addresses, JSON with sorted keys and no floats), so a
record hashes the same on SQLite and PostgreSQL, before and after it was stored.
"""

import hashlib
import ipaddress
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from enum import Enum
from typing import Any
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import Q, QuerySet
from django.db.models.fields.files import FieldFile
from django.utils import timezone

from chieftech.audit.models import AuditChainHead, AuditRecord
from chieftech.core.context import current_ip
from chieftech.core.pii import EncryptedTextField, mask_value

GENESIS_HASH = "0" * 64
ACTION_REVEAL = "personal_data.reveal"
ACTION_EXPORT = "audit.export"


# --- Canonical content ----------------------------------------------------------------------------


def _clean_text(value: str) -> str:
    # PostgreSQL refuses NUL in text and JSON; a lone surrogate cannot be encoded as UTF-8 at all.
    if "\x00" in value:
        value = value.replace("\x00", "\ufffd")
    return value.encode("utf-8", "replace").decode("utf-8")


def _jsonable(value: Any) -> Any:
    """A value made of str, int, bool, None, lists and str-keyed dicts only.

    Floats and Decimals become strings: PostgreSQL's jsonb rewrites numbers (1e20 comes back as an
    integer), which would change the hash; dates become ISO strings, aware datetimes in Asia/Shanghai.
    """
    if value is None:
        return None
    if isinstance(value, Enum):
        return _jsonable(value.value)
    if isinstance(value, bool):
        return bool(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float | Decimal):
        return str(value)
    if isinstance(value, str):
        return _clean_text(str(value))
    if isinstance(value, datetime):
        return (timezone.localtime(value) if timezone.is_aware(value) else value).isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value)
    if isinstance(value, models.Model):
        return _jsonable(value.pk)
    if isinstance(value, FieldFile):
        return value.name or ""
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, dict):
        return {_clean_text(str(_jsonable(k))): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, set | frozenset):
        items = [_jsonable(v) for v in value]
        return sorted(items, key=lambda item: json.dumps(item, ensure_ascii=False, sort_keys=True))
    return _clean_text(str(value))


def _canonical_at(value: datetime) -> str:
    if timezone.is_naive(value):
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _canonical_ip(value: str | None) -> str | None:
    if not value:
        return None
    try:
        address = ipaddress.ip_address(str(value).split("%")[0].strip())
    except ValueError:
        return None
    # An IPv4 client seen through an IPv6 socket is the IPv4 client.
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return str(address)


def _content(record: AuditRecord) -> dict[str, Any]:
    return {
        "at": _canonical_at(record.at),
        "actor_id": record.actor_id,
        "actor_username": record.actor_username,
        "actor_role": record.actor_role,
        "ip": _canonical_ip(record.ip),
        "action": record.action,
        "object_type": record.object_type,
        "object_id": record.object_id,
        "object_repr": record.object_repr,
        "reason": record.reason,
        "before": record.before,
        "after": record.after,
        "prev_hash": record.prev_hash,
    }


def record_hash(prev_hash: str, record: AuditRecord) -> str:
    """SHA-256 of the previous hash and this record's canonical content (every column but id/hash)."""
    payload = json.dumps(_content(record), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256((prev_hash + payload).encode()).hexdigest()


# --- Writing --------------------------------------------------------------------------------------


def _actor_role(actor) -> str:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return ""
    from chieftech.accounts.roles import role_labels

    return "、".join(role_labels(actor))


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
) -> AuditRecord:
    """Append one record. `before`/`after` must already have sensitive values masked (see `snapshot`).

    Call it inside the transaction of the change it records; `actor=None` means the system itself.
    """
    if not action or len(action) > AuditRecord._meta.get_field("action").max_length:
        raise ValueError(f"audit action must be 1-100 characters, got {action!r}")
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(
            pk=1, defaults={"last_hash": GENESIS_HASH}
        )
        record = AuditRecord(
            at=timezone.now(),
            actor_id=actor.pk if authenticated else None,
            actor_username=_clean_text(actor.get_username())[:150] if authenticated else "",
            actor_role=_actor_role(actor)[:200],
            ip=_canonical_ip(ip if ip is not None else current_ip.get()),
            action=_clean_text(action),
            object_type=_clean_text(object_type)[:100],
            object_id=_clean_text(str(object_id))[:64],
            object_repr=_clean_text(object_repr)[:300],
            reason=_clean_text(reason or ""),
            before=_jsonable(before) if before is not None else None,
            after=_jsonable(after) if after is not None else None,
            prev_hash=head.last_hash,
        )
        record.hash = record_hash(head.last_hash, record)
        record.save()
        head.last_hash = record.hash
        head.last_id = record.pk
        head.save(update_fields=["last_hash", "last_id"])
    return record


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
        data[name] = _jsonable(value)
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


# --- Verifying ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    bad_record_id: int | None = None
    problem: str = ""

    @property
    def message(self) -> str:
        if self.ok:
            return f"审计日志完整：共{self.checked}条记录校验通过。"
        where = f"第一条异常记录为 #{self.bad_record_id}。" if self.bad_record_id is not None else ""
        return f"审计日志校验失败：{where}{self.problem}"


def audit_verify() -> VerifyResult:
    """Walk the chain in id order; report the first record whose link or content does not hold.

    The chain head is read after the walk: a record and its head update commit together, so every
    record seen during the walk is already in the head. Records committed meanwhile are walked too.
    """
    prev, last_id, checked = GENESIS_HASH, 0, 0
    while True:
        found = False
        for record in AuditRecord.objects.filter(id__gt=last_id).order_by("id").iterator(chunk_size=2000):
            found = True
            if record.prev_hash != prev:
                before = f"上一条记录 #{last_id}" if last_id else "链的起点"
                return VerifyResult(
                    False,
                    checked,
                    record.pk,
                    f"其“前一条记录哈希”与{before}不符：中间的记录被删除、插入或调换了顺序。",
                )
            if record_hash(prev, record) != record.hash:
                return VerifyResult(False, checked, record.pk, "记录内容与其哈希不符：该记录被修改。")
            prev, last_id, checked = record.hash, record.pk, checked + 1
        head = AuditChainHead.objects.filter(pk=1).first()
        if not (found and head is not None and head.last_id > last_id):
            break
    if head is None:
        if checked:
            return VerifyResult(False, checked, None, "审计链头缺失：链头记录被删除。")
        return VerifyResult(True, 0)
    if head.last_id > last_id:
        return VerifyResult(
            False,
            checked,
            head.last_id,
            f"链头记载最后一条记录为 #{head.last_id}，日志却"
            f"{f'止于 #{last_id}' if last_id else '没有任何记录'}：末尾的记录被删除。",
        )
    if head.last_id < last_id:
        extra = AuditRecord.objects.filter(id__gt=head.last_id).order_by("id").values_list("id", flat=True)
        return VerifyResult(
            False,
            checked,
            extra.first(),
            f"链头记载最后一条记录为 #{head.last_id}，其后的记录不是由系统写入的。",
        )
    if head.last_hash != prev:
        return VerifyResult(
            False, checked, last_id or None, "链头哈希与最后一条记录不符：链头或最后一条记录被改动。"
        )
    return VerifyResult(True, checked)


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
        return {key: _jsonable(value) for key, value in self.__dict__.items() if value not in ("", None)}


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def audit_record_search(*, filters: AuditFilter, newest_first: bool = True) -> QuerySet[AuditRecord]:
    records = AuditRecord.objects.all()
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
