"""Writing and verifying the tamper-evident audit log.

Every state change and every create/update/delete of personal data calls `audit_record` inside the
same transaction as the change, so a change and its record are saved together or not at all.
"""

import hashlib
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from chieftech.audit.models import AuditChainHead, AuditRecord
from chieftech.core.context import current_ip

GENESIS_HASH = "0" * 64


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    if hasattr(value, "isoformat"):  # date, datetime, time
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)


def _content(record: AuditRecord) -> dict[str, Any]:
    return {
        "at": record.at.isoformat(),
        "actor_id": record.actor_id,
        "actor_username": record.actor_username,
        "actor_role": record.actor_role,
        "ip": record.ip,
        "action": record.action,
        "object_type": record.object_type,
        "object_id": record.object_id,
        "object_repr": record.object_repr,
        "reason": record.reason,
        "before": record.before,
        "after": record.after,
    }


def record_hash(prev_hash: str, record: AuditRecord) -> str:
    payload = json.dumps(_content(record), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256((prev_hash + payload).encode()).hexdigest()


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
    """Append one record. `before`/`after` must already have sensitive values masked."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:300]
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(
            pk=1, defaults={"last_hash": GENESIS_HASH}
        )
        authenticated = actor is not None and getattr(actor, "is_authenticated", False)
        record = AuditRecord(
            # Microseconds dropped: the value must survive a round trip through every database unchanged.
            at=timezone.now().replace(microsecond=0),
            actor_id=actor.pk if authenticated else None,
            actor_username=actor.get_username() if authenticated else "",
            actor_role=_actor_role(actor),
            ip=ip if ip is not None else current_ip.get(),
            action=action,
            object_type=object_type,
            object_id=str(object_id),
            object_repr=object_repr[:300],
            reason=reason,
            before=_jsonable(before) if before is not None else None,
            after=_jsonable(after) if after is not None else None,
            prev_hash=head.last_hash,
        )
        record.hash = record_hash(head.last_hash, record)
        record.save()
        head.last_hash = record.hash
        head.save(update_fields=["last_hash"])
    return record


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    bad_record_id: int | None = None
    problem: str = ""


def audit_verify() -> VerifyResult:
    """Walk the chain in id order; report the first record whose link or content does not hold."""
    prev = GENESIS_HASH
    checked = 0
    for record in AuditRecord.objects.order_by("id").iterator(chunk_size=2000):
        if record.prev_hash != prev:
            return VerifyResult(False, checked, record.pk, "链接断开：前一条记录被删除、插入或调换了顺序")
        if record_hash(prev, record) != record.hash:
            return VerifyResult(False, checked, record.pk, "内容与哈希不符：该记录被修改")
        prev = record.hash
        checked += 1
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and head.last_hash != prev:
        return VerifyResult(False, checked, None, "最后若干条记录被删除：链头与最后一条记录不符")
    return VerifyResult(True, checked)
