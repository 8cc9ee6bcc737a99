"""Records written before the chains were keyed stay as they were (SHA-256, format 1); migration 0003 seals
them with one keyed checkpoint record instead of re-chaining them, which would itself be a rewrite."""

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from chieftech.audit.chain import GENESIS_HASH
from chieftech.audit.domain import audit_record, audit_verify
from chieftech.audit.models import AuditChainHead, AuditRecord
from tests.audit.conftest import insider, sha256_chain_link
from tests.migrating import migrate_to_latest

BEFORE = ("audit", "0002_chain_head_last_id")
KEYED = ("audit", "0003_keyed_chains")


def migrate(target):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([target])
    return executor.loader.project_state(target).apps


def legacy_row(n: int, prev_hash: str) -> dict:
    row = {
        "at": datetime(2026, 11, n, 8, 0, tzinfo=UTC),
        "actor_id": None,
        "actor_username": "olivia",
        "actor_role": "区人社局经办人",
        "ip": "10.0.0.1",
        "action": "application.review",
        "object_type": "selection.application",
        "object_id": str(n),
        "object_repr": f"申报{n}",
        "reason": f"第{n}条",
        "before": {"state": "submitted"},
        "after": {"state": "eligible"},
        "prev_hash": prev_hash,
        "version": 1,
    }
    row["hash"] = sha256_chain_link(prev_hash, row)
    return row


@pytest.fixture
def legacy_log(transactional_db):
    """Three records written by the unkeyed SHA-256 chain, then the migration."""
    old_apps = migrate(BEFORE)
    try:
        OldRecord = old_apps.get_model("audit", "AuditRecord")
        OldHead = old_apps.get_model("audit", "AuditChainHead")
        prev, ids = GENESIS_HASH, []
        for n in (1, 2, 3):
            row = legacy_row(n, prev)
            del row["version"]
            ids.append(OldRecord.objects.create(**row).pk)
            prev = row["hash"]
        OldHead.objects.update_or_create(pk=1, defaults={"last_hash": prev, "last_id": ids[-1]})
    finally:
        migrate_to_latest()
    return ids


def test_the_old_records_are_kept_and_sealed_by_a_keyed_checkpoint(legacy_log):
    old = list(AuditRecord.objects.filter(pk__in=legacy_log).order_by("id"))
    checkpoint = AuditRecord.objects.get(action="audit.chain_keyed")

    assert [(record.version, record.authority_id) for record in old] == [(1, None)] * 3
    assert (checkpoint.version, checkpoint.authority_id, checkpoint.prev_hash) == (2, None, old[-1].hash)
    assert checkpoint.after == {
        "legacy_records": 3,
        "legacy_last_id": old[-1].pk,
        "legacy_last_hash": old[-1].hash,
    }
    assert AuditChainHead.objects.get(authority=None).last_id == checkpoint.pk
    later = audit_record(action="session.login")
    assert later.prev_hash == checkpoint.hash
    result = audit_verify()
    assert (result.ok, result.checked) == (True, 5)


def test_old_records_rewritten_and_rechained_with_sha256_no_longer_reach_the_checkpoint(legacy_log):
    rows = list(AuditRecord._base_manager.filter(pk__in=legacy_log).order_by("id").values())
    checkpoint = AuditRecord.objects.get(action="audit.chain_keyed")
    rows[1]["reason"] = "事后改写"
    prev = rows[0]["hash"]
    with insider() as cursor:
        for row in rows[1:]:
            row["prev_hash"] = prev
            new_hash = sha256_chain_link(prev, row)
            cursor.execute(
                "UPDATE audit_auditrecord SET reason = %s, prev_hash = %s, hash = %s WHERE id = %s",
                [row["reason"], prev, new_hash, row["id"]],
            )
            prev = new_hash
        cursor.execute("UPDATE audit_auditrecord SET prev_hash = %s WHERE id = %s", [prev, checkpoint.pk])

    result = audit_verify()

    assert (result.ok, result.bad_record_id, result.problem) == (
        False,
        checkpoint.pk,
        "记录内容与其哈希不符：该记录被修改。",
    )


def test_deleting_the_checkpoint_and_what_follows_leaves_old_records_unsealed(legacy_log):
    checkpoint = AuditRecord.objects.get(action="audit.chain_keyed")
    last_old = AuditRecord.objects.get(pk=legacy_log[-1])
    with insider() as cursor:
        cursor.execute("DELETE FROM audit_auditrecord WHERE id >= %s", [checkpoint.pk])
        cursor.execute(
            "UPDATE audit_auditchainhead SET last_id = %s, last_hash = %s WHERE authority_id IS NULL",
            [last_old.pk, last_old.hash],
        )

    result = audit_verify()

    assert (result.ok, result.bad_record_id) == (False, last_old.pk)
    assert result.problem == (
        "旧格式（未加密钥）记录之后没有启用密钥的确认记录：记录被改写为旧格式，或确认记录被删除。"
    )
