"""On PostgreSQL the audit table itself refuses to change or lose a row, and two authorities' writers do not
wait for each other. Run with DATABASE_URL=postgres://…; skipped on SQLite, which has neither."""

import threading

import pytest
from django.db import DatabaseError, connection, connections, transaction

from chieftech.audit.domain import audit_record, audit_verify
from chieftech.audit.models import AuditChainHead, AuditRecord
from chieftech.policy.models import Authority
from tests.audit.test_authority_chains import make_city
from tests.factories import huancui

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_auditrecord SET reason = 'rewritten' WHERE id = %s",
        "DELETE FROM audit_auditrecord WHERE id = %s",
        "UPDATE audit_auditrecord SET hash = hash WHERE id >= %s",
    ],
)
def test_the_table_refuses_update_and_delete(db, sql):
    record = audit_record(action="test.kept", reason="原文")

    with (
        pytest.raises(DatabaseError, match="audit records are append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, [record.pk])

    stored = AuditRecord.objects.get(pk=record.pk)
    assert (stored.reason, stored.hash) == ("原文", record.hash)
    assert audit_verify().ok is True


def test_the_heads_still_move(db):
    first = audit_record(action="test.one", authority=huancui())
    second = audit_record(action="test.two", authority=huancui())

    head = AuditChainHead.objects.get(authority=huancui())
    assert (head.last_id, head.last_hash) == (second.pk, second.hash)
    assert second.prev_hash == first.hash


@pytest.mark.django_db(transaction=True)
def test_two_authorities_do_not_queue_on_one_lock():
    """The district's writer holds its chain's head; the city's writer appends meanwhile, while a second
    district writer has to wait (it gives up after its lock timeout)."""
    district, city = huancui(), make_city()
    audit_record(action="test.warm", authority=district)
    audit_record(action="test.warm", authority=city)
    holding, release = threading.Event(), threading.Event()
    outcome: dict[str, str] = {}

    def district_writer():
        try:
            with transaction.atomic():
                audit_record(action="test.long", authority=Authority.objects.get(pk=district.pk))
                holding.set()
                release.wait(10)
        finally:
            connections.close_all()

    def writer(name: str, authority_id: int):
        try:
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL lock_timeout = '1s'")
                audit_record(action=f"test.{name}", authority=authority_id)
            outcome[name] = "written"
        except DatabaseError:
            outcome[name] = "waited"
        finally:
            connections.close_all()

    holder = threading.Thread(target=district_writer)
    holder.start()
    assert holding.wait(10)
    for name, authority_id in (("city", city.pk), ("district", district.pk)):
        thread = threading.Thread(target=writer, args=(name, authority_id))
        thread.start()
        thread.join(10)
    release.set()
    holder.join(10)

    assert outcome == {"city": "written", "district": "waited"}
    assert audit_verify().ok is True
