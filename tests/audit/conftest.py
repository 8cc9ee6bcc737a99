"""What an insider with database access can do, and where the anchors of these tests go."""

import hashlib
import json
from contextlib import contextmanager

import pytest
from django.core.management import ManagementUtility
from django.db import connection

from chieftech.audit.chain import canonical_at, canonical_ip
from chieftech.audit.models import AuditRecord


@pytest.fixture(autouse=True)
def anchor_dir(settings, tmp_path):
    """Each test anchors into its own folder; `audit verify` reads it by default."""
    settings.AUDIT_ANCHOR_DIR = tmp_path / "audit-anchors"
    return settings.AUDIT_ANCHOR_DIR


@contextmanager
def insider():
    """SQL straight on the tables, as someone with database access could run it. On PostgreSQL a database
    superuser first has the session skip the append-only trigger (session_replication_role)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = replica")
        yield cursor
        # A command run from the shell closes the connection when it ends; the setting went with it.
        if connection.vendor == "postgresql" and not connection.needs_rollback:
            cursor.execute("RESET session_replication_role")


def raw():
    """The ORM without the model's guards; use inside `insider()` so PostgreSQL's trigger lets it through."""
    return AuditRecord._base_manager


def sha256_chain_link(prev_hash: str, row: dict) -> str:
    """The record's hash as anyone can compute it without the key: the published canonical form, SHA-256."""
    content = {
        "at": canonical_at(row["at"]),
        "actor_id": row["actor_id"],
        "actor_username": row["actor_username"],
        "actor_role": row["actor_role"],
        "ip": canonical_ip(row["ip"]),
        "action": row["action"],
        "object_type": row["object_type"],
        "object_id": row["object_id"],
        "object_repr": row["object_repr"],
        "reason": row["reason"],
        "before": row["before"],
        "after": row["after"],
        "prev_hash": prev_hash,
    }
    if row["version"] != 1:
        content |= {"authority_id": row["authority_id"], "version": row["version"]}
    payload = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256((prev_hash + payload).encode()).hexdigest()


# A record's content columns, as its hash covers them (chieftech.audit.chain).
CONTENT_COLUMNS = [
    "at",
    "actor_id",
    "actor_username",
    "actor_role",
    "ip",
    "action",
    "object_type",
    "object_id",
    "object_repr",
    "reason",
    "before",
    "after",
    "prev_hash",
    "hash",
]


def cli_verify(capsys) -> tuple[int, str, str]:
    """`chieftech audit verify` as run from a shell: exit code, stdout, stderr."""
    try:
        ManagementUtility(["chieftech", "audit", "verify"]).execute()
        code = 0
    except SystemExit as exit_:
        code = exit_.code
    captured = capsys.readouterr()
    return code, captured.out, captured.err
