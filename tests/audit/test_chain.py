"""The hash chain: every edit, deletion or reordering of a stored record is found and named."""

from datetime import UTC, date, datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction

from chieftech.audit.domain import GENESIS_HASH, VerifyResult, audit_record, audit_verify, record_hash
from chieftech.audit.models import AuditChainHead, AuditRecord
from tests.audit.conftest import CONTENT_COLUMNS, cli_verify, insider, raw

EDITED = "记录内容与其哈希不符：该记录被修改。"
INTACT_4 = "审计日志完整：1条链共4条记录校验通过；尚无锚点文件，无法确认链尾未被截去。\n"


@pytest.fixture(autouse=True)
def as_an_insider(db):
    """Every edit below bypasses the model's guards, and on PostgreSQL the append-only trigger as well."""
    with insider():
        yield


@pytest.fixture
def chain(db):
    """Four records, as any workflow writes them."""
    return [
        audit_record(action="test.step", object_type="test.thing", object_id=str(n), reason=f"第{n}步")
        for n in range(1, 5)
    ]


def swap(first: AuditRecord, second: AuditRecord) -> None:
    a = raw().filter(pk=first.pk).values(*CONTENT_COLUMNS).get()
    b = raw().filter(pk=second.pk).values(*CONTENT_COLUMNS).get()
    raw().filter(pk=first.pk).update(hash="swap-in-progress")  # hash is unique
    raw().filter(pk=second.pk).update(**a)
    raw().filter(pk=first.pk).update(**b)


def test_intact_chain_verifies_and_the_command_exits_0(chain, capsys):
    assert audit_verify() == VerifyResult(ok=True, checked=4)
    out = StringIO()
    call_command("audit", "verify", stdout=out)
    assert out.getvalue() == INTACT_4
    assert cli_verify(capsys) == (0, INTACT_4, "")


def test_empty_log_verifies(db, capsys):
    assert audit_verify() == VerifyResult(ok=True, checked=0)
    assert cli_verify(capsys) == (
        0,
        "审计日志完整：1条链共0条记录校验通过；尚无锚点文件，无法确认链尾未被截去。\n",
        "",
    )


def test_records_link_to_their_predecessor(chain):
    assert chain[0].prev_hash == GENESIS_HASH
    assert [r.prev_hash for r in chain[1:]] == [r.hash for r in chain[:-1]]
    assert AuditChainHead.objects.get(authority=None).last_hash == chain[-1].hash
    assert AuditChainHead.objects.get(authority=None).last_id == chain[-1].pk


def test_edit_of_one_reason_is_found_at_that_record(chain, capsys):
    raw().filter(pk=chain[1].pk).update(reason="改过的理由")

    assert audit_verify() == VerifyResult(False, 1, chain[1].pk, EDITED)
    code, out, err = cli_verify(capsys)
    assert (code, out) == (1, "")
    assert err == f"审计日志校验失败：系统审计链：第一条异常记录为 #{chain[1].pk}。{EDITED}\n"


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("after", {"state": "approved"}),
        ("actor_username", "someone"),
        ("ip", "10.9.8.7"),
        ("at", datetime(2020, 1, 1, tzinfo=UTC)),
        ("object_id", "99"),
    ],
)
def test_edit_of_any_content_column_is_found(chain, column, value):
    raw().filter(pk=chain[2].pk).update(**{column: value})

    assert audit_verify() == VerifyResult(False, 2, chain[2].pk, EDITED)


def test_deleting_a_middle_record_is_found_at_the_next_one(chain, capsys):
    raw().filter(pk=chain[1].pk).delete()

    result = audit_verify()
    assert (result.ok, result.bad_record_id) == (False, chain[2].pk)
    assert result.problem == (
        f"其“前一条记录哈希”与上一条记录 #{chain[0].pk}不符：中间的记录被删除、插入或调换了顺序。"
    )
    code, _, err = cli_verify(capsys)
    assert code == 1
    assert err.startswith(f"审计日志校验失败：系统审计链：第一条异常记录为 #{chain[2].pk}。")


def test_deleting_the_first_record_is_found_at_the_second(chain):
    raw().filter(pk=chain[0].pk).delete()

    result = audit_verify()
    assert (result.ok, result.checked, result.bad_record_id) == (False, 0, chain[1].pk)


def test_deleting_the_last_record_names_it(chain, capsys):
    raw().filter(pk=chain[3].pk).delete()

    result = audit_verify()
    assert result == VerifyResult(
        False,
        3,
        chain[3].pk,
        f"链头记载最后一条记录为 #{chain[3].pk}，日志却止于 #{chain[2].pk}：末尾的记录被删除。",
    )
    code, _, err = cli_verify(capsys)
    assert code == 1
    assert err.startswith(f"审计日志校验失败：系统审计链：第一条异常记录为 #{chain[3].pk}。")


def test_deleting_every_record_is_found(chain):
    raw().all().delete()

    result = audit_verify()
    assert (result.ok, result.bad_record_id) == (False, chain[3].pk)


def test_reordering_two_records_is_found_at_the_first_of_them(chain, capsys):
    swap(chain[1], chain[2])

    result = audit_verify()
    assert (result.ok, result.checked, result.bad_record_id) == (False, 1, chain[1].pk)
    code, _, err = cli_verify(capsys)
    assert code == 1
    assert err.startswith(f"审计日志校验失败：系统审计链：第一条异常记录为 #{chain[1].pk}。")


def test_swapping_only_the_contents_of_two_records_is_found(chain):
    columns = ["action", "object_id", "reason"]
    a = raw().filter(pk=chain[1].pk).values(*columns).get()
    b = raw().filter(pk=chain[2].pk).values(*columns).get()
    raw().filter(pk=chain[1].pk).update(**b)
    raw().filter(pk=chain[2].pk).update(**a)

    assert audit_verify() == VerifyResult(False, 1, chain[1].pk, EDITED)


def test_a_correctly_chained_record_inserted_behind_the_systems_back_is_found(chain):
    forged = AuditRecord(
        at=datetime(2026, 5, 1, tzinfo=UTC),
        action="test.forged",
        reason="补录",
        prev_hash=chain[-1].hash,
    )
    forged.hash = record_hash(chain[-1].hash, forged)
    forged.save()

    result = audit_verify()
    assert (result.ok, result.checked, result.bad_record_id) == (False, 5, forged.pk)
    assert result.problem == f"链头记载最后一条记录为 #{chain[-1].pk}，其后的记录不是由系统写入的。"


def test_a_rewritten_head_is_found(chain):
    AuditChainHead.objects.filter(authority=None).update(last_hash="f" * 64)

    result = audit_verify()
    assert (result.ok, result.bad_record_id) == (False, chain[-1].pk)


def test_records_cannot_be_changed_or_removed_through_the_orm(chain):
    record = AuditRecord.objects.get(pk=chain[0].pk)
    record.reason = "改"
    with pytest.raises(RuntimeError, match="append-only"):
        record.save()
    with pytest.raises(RuntimeError, match="append-only"):
        record.delete()
    with pytest.raises(RuntimeError, match="append-only"):
        AuditRecord.objects.filter(pk=record.pk).update(reason="改")
    with pytest.raises(RuntimeError, match="append-only"):
        AuditRecord.objects.filter(pk=record.pk).delete()
    with pytest.raises(RuntimeError):
        AuditRecord.objects.bulk_create([AuditRecord(action="x", prev_hash="", hash="")])
    assert audit_verify() == VerifyResult(True, 4)


def test_a_record_written_in_a_rolled_back_transaction_leaves_nothing(chain):
    class Abort(Exception):
        pass

    with pytest.raises(Abort), transaction.atomic():
        audit_record(action="test.rolled_back", reason="不会留下")
        raise Abort

    assert AuditRecord.objects.filter(action="test.rolled_back").exists() is False
    assert AuditChainHead.objects.get(authority=None).last_hash == chain[-1].hash
    assert audit_verify() == VerifyResult(True, 4)
    later = audit_record(action="test.after_rollback")
    assert later.prev_hash == chain[-1].hash
    assert audit_verify() == VerifyResult(True, 5)


def test_actor_and_ip_are_recorded(olivia):
    record = audit_record(action="test.actor", actor=olivia, ip="192.0.2.7", reason="原因")

    stored = AuditRecord.objects.get(pk=record.pk)
    assert (stored.actor_id, stored.actor_username, stored.actor_role, stored.ip) == (
        olivia.pk,
        "olivia",
        "区人社局经办人",
        "192.0.2.7",
    )


def test_without_an_actor_the_system_is_the_actor(db):
    record = audit_record(action="test.system")

    assert (record.actor_id, record.actor_username, record.actor_role, record.ip) == (None, "", "", None)


def test_stored_values_hash_the_same_as_the_values_written(db):
    """A JSON round trip through the database (SQLite text, PostgreSQL jsonb) keeps the hash."""
    before = {
        "z_last": "末",
        "a_first": {"nested_z": 1, "nested_a": [3, 2, 1]},
        "subsidy": Decimal("500.00"),
        "starts_on": date(2026, 12, 1),
        "decided_at": datetime(2026, 3, 1, 8, 30, 15, 123456, tzinfo=UTC),
        "ratio": 1e20,
        "tiny": 0.1,
        "big": 2**62,
        "flag": True,
        "nothing": None,
        7: "int key",
    }
    record = audit_record(
        action="test.roundtrip",
        object_repr="威海甲精密机械有限公司",
        reason="含\x00字符",
        before=before,
        after={},
        ip="2001:0DB8:0000:0000:0000:0000:0000:0001",
    )

    stored = AuditRecord.objects.get(pk=record.pk)
    assert record_hash(stored.prev_hash, stored) == stored.hash == record.hash
    assert stored.before == {
        "z_last": "末",
        "a_first": {"nested_z": 1, "nested_a": [3, 2, 1]},
        "subsidy": "500.00",
        "starts_on": "2026-12-01",
        "decided_at": "2026-03-01T16:30:15.123456+08:00",
        "ratio": "1e+20",
        "tiny": "0.1",
        "big": 2**62,
        "flag": True,
        "nothing": None,
        "7": "int key",
    }
    assert stored.after == {}
    assert stored.ip == "2001:db8::1"
    assert stored.reason == "含\ufffd字符"
    assert stored.at == record.at
    assert audit_verify() == VerifyResult(True, 1)


def test_an_ipv4_client_seen_through_ipv6_is_stored_as_ipv4(db):
    record = audit_record(action="test.ip", ip="::ffff:10.0.0.1")

    assert AuditRecord.objects.get(pk=record.pk).ip == "10.0.0.1"
    assert audit_verify() == VerifyResult(True, 1)


def test_a_malformed_address_is_not_stored(db):
    record = audit_record(action="test.ip", ip="not-an-ip, 10.0.0.1")

    assert AuditRecord.objects.get(pk=record.pk).ip is None
    assert audit_verify() == VerifyResult(True, 1)
