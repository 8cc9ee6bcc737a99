"""The audit chains' canonical form and their keys.

Each record's `hash` is a MAC over the previous record's `hash` (in the same chain) and the canonical JSON of
every content column. The canonical form is built from values exactly as they come back from the database
(UTC timestamps with microseconds, normalised IP addresses, JSON with sorted keys and no floats), so a record
hashes the same on SQLite and PostgreSQL, before and after it was stored.

Formats (`AuditRecord.version`):

1. SHA-256, unkeyed, one chain for the whole installation: the records written before the chains were keyed.
   Anyone who could write to the database could recompute it; they are sealed by a keyed checkpoint record
   (ACTION_CHAIN_KEYED, written by migration 0003) that names the last of them and its hash.
2. HMAC-SHA256 under a key derived from settings.AUDIT_CHAIN_KEY for the record's chain: one chain per
   authority plus a system chain (authority empty) for installation-level events. The key is kept outside the
   database, so someone who can only write to the database cannot produce a record that verifies.
"""

import hashlib
import hmac
import ipaddress
import json
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from enum import Enum
from functools import lru_cache
from typing import Any
from uuid import UUID

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db import models
from django.db.models.fields.files import FieldFile
from django.utils import timezone

GENESIS_HASH = "0" * 64
LEGACY_VERSION = 1
KEYED_VERSION = 2
ACTION_CHAIN_KEYED = "audit.chain_keyed"


# --- Canonical content ----------------------------------------------------------------------------


def clean_text(value: str) -> str:
    # PostgreSQL refuses NUL in text and JSON; a lone surrogate cannot be encoded as UTF-8 at all.
    if "\x00" in value:
        value = value.replace("\x00", "\ufffd")
    return value.encode("utf-8", "replace").decode("utf-8")


def jsonable(value: Any) -> Any:
    """A value made of str, int, bool, None, lists and str-keyed dicts only.

    Floats and Decimals become strings: PostgreSQL's jsonb rewrites numbers (1e20 comes back as an
    integer), which would change the hash; dates become ISO strings, aware datetimes in Asia/Shanghai.
    """
    if value is None:
        return None
    if isinstance(value, Enum):
        return jsonable(value.value)
    if isinstance(value, bool):
        return bool(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float | Decimal):
        return str(value)
    if isinstance(value, str):
        return clean_text(str(value))
    if isinstance(value, datetime):
        return (timezone.localtime(value) if timezone.is_aware(value) else value).isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value)
    if isinstance(value, models.Model):
        return jsonable(value.pk)
    if isinstance(value, FieldFile):
        return value.name or ""
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, dict):
        return {clean_text(str(jsonable(k))): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, set | frozenset):
        items = [jsonable(v) for v in value]
        return sorted(items, key=lambda item: json.dumps(item, ensure_ascii=False, sort_keys=True))
    return clean_text(str(value))


def canonical_at(value: datetime) -> str:
    if timezone.is_naive(value):
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical_ip(value: str | None) -> str | None:
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


def _content(record) -> dict[str, Any]:
    content = {
        "at": canonical_at(record.at),
        "actor_id": record.actor_id,
        "actor_username": record.actor_username,
        "actor_role": record.actor_role,
        "ip": canonical_ip(record.ip),
        "action": record.action,
        "object_type": record.object_type,
        "object_id": record.object_id,
        "object_repr": record.object_repr,
        "reason": record.reason,
        "before": record.before,
        "after": record.after,
        "prev_hash": record.prev_hash,
    }
    if record.version != LEGACY_VERSION:
        # Moving a record to another chain, or relabelling it as legacy, changes what is signed.
        content |= {"authority_id": record.authority_id, "version": record.version}
    return content


def canonical_json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


# --- Keys -----------------------------------------------------------------------------------------


def chain_name(authority_id: int | None) -> str:
    return "system" if authority_id is None else f"authority-{authority_id}"


@lru_cache(maxsize=256)
def _derive(secret: str, info: str) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info.encode()).derive(secret.encode())


def chain_key(authority_id: int | None) -> bytes:
    """The chain's own key, derived from the one secret: one secret suffices, and no chain's key gives another's."""
    return _derive(settings.AUDIT_CHAIN_KEY, f"chieftech audit chain {chain_name(authority_id)}")


def anchor_key() -> bytes:
    return _derive(settings.AUDIT_CHAIN_KEY, "chieftech audit anchor file")


def record_hash(prev_hash: str, record) -> str:
    """The record's MAC (format 2) or, for a record written before the chains were keyed, its SHA-256."""
    payload = prev_hash.encode() + canonical_json(_content(record))
    if record.version == LEGACY_VERSION:
        return hashlib.sha256(payload).hexdigest()
    return hmac.new(chain_key(record.authority_id), payload, hashlib.sha256).hexdigest()


def record_hash_ok(record) -> bool:
    return hmac.compare_digest(record_hash(record.prev_hash, record), record.hash)


def anchor_mac(body: dict[str, Any]) -> str:
    return hmac.new(anchor_key(), canonical_json(body), hashlib.sha256).hexdigest()
