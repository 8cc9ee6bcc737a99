"""The three rewrites an insider with database access could do unnoticed before the chains were keyed and
anchored (issue 9 §4). Each runs raw SQL through the connection, as such an insider would; `audit verify`
now names each one."""

import pytest
from django.utils import timezone

from chieftech.audit.anchors import anchor_write
from chieftech.audit.domain import audit_record, audit_verify
from chieftech.audit.models import AuditChainHead, AuditRecord
from tests.audit.conftest import CONTENT_COLUMNS, cli_verify, insider, sha256_chain_link
from tests.factories import huancui

COLUMNS = ["id", *CONTENT_COLUMNS, "authority_id", "version"]


@pytest.fixture
def district(db):
    """Six records in the district's chain, anchored after the fourth; two system records beside them."""
    authority = huancui()
    records = []
    for n in range(1, 7):
        records.append(
            audit_record(action="test.step", authority=authority, object_id=str(n), reason=f"第{n}步")
        )
        if n == 2:
            audit_record(action="session.login", reason="系统链上的记录")
        if n == 4:
            anchor_write()
    audit_record(action="session.logout", reason="系统链上的记录")
    return records


def rows_from(record_id: int, authority_id: int) -> list[dict]:
    """The chain's rows from `record_id` on, as the insider reads them (values as the ORM returns them)."""
    return list(
        AuditRecord._base_manager.filter(authority_id=authority_id, id__gte=record_id)
        .order_by("id")
        .values(*COLUMNS)
    )


def test_the_district_chain_and_the_system_chain_verify_with_the_anchor(district):
    result = audit_verify()

    assert (result.ok, result.checked, result.anchors) == (True, 8, 1)
    assert [(chain.label, chain.checked) for chain in result.chains] == [
        ("系统审计链", 2),
        ("威海市环翠区人力资源和社会保障局审计链", 6),
    ]
    assert result.message == "审计日志完整：2条链共8条记录校验通过，链头与1个锚点文件相符。"


def test_a_deleting_the_last_records_and_rewinding_the_head(district, capsys):
    authority_id = district[0].authority_id
    keep = district[1]
    with insider() as cursor:
        cursor.execute(
            "DELETE FROM audit_auditrecord WHERE authority_id = %s AND id > %s", [authority_id, keep.pk]
        )
        cursor.execute(
            "UPDATE audit_auditchainhead SET last_id = %s, last_hash = %s WHERE authority_id = %s",
            [keep.pk, keep.hash, authority_id],
        )

    result = audit_verify()

    anchored = district[3]
    problem = (
        f"锚点文件 {timezone.localdate().isoformat()}.json 记载本链当时的最后一条记录为 "
        f"#{anchored.pk}（哈希 {anchored.hash[:16]}…），"
        "链上已没有这条记录：其后的记录被删除、链头被回退，或整条链被清空。"
    )
    assert (result.ok, result.bad_record_id, result.problem) == (False, anchored.pk, problem)
    assert [chain.ok for chain in result.chains] == [True, False]
    code, out, err = cli_verify(capsys)
    assert (code, out) == (1, "")
    assert err == (
        f"审计日志校验失败：威海市环翠区人力资源和社会保障局审计链：第一条异常记录为 #{anchored.pk}。{problem}\n"
    )


def test_a_without_an_anchor_the_cut_goes_unseen(district, anchor_dir):
    """Why the anchors exist: the cut chain is consistent in itself."""
    for path in anchor_dir.iterdir():
        path.unlink()
    authority_id = district[0].authority_id
    keep = district[1]
    with insider() as cursor:
        cursor.execute(
            "DELETE FROM audit_auditrecord WHERE authority_id = %s AND id > %s", [authority_id, keep.pk]
        )
        cursor.execute(
            "UPDATE audit_auditchainhead SET last_id = %s, last_hash = %s WHERE authority_id = %s",
            [keep.pk, keep.hash, authority_id],
        )

    assert audit_verify().ok is True


def test_b_deleting_everything(district, capsys):
    anchored_login = AuditRecord.objects.get(action="session.login")
    with insider() as cursor:
        cursor.execute("DELETE FROM audit_auditrecord")
        cursor.execute("DELETE FROM audit_auditchainhead")

    result = audit_verify()

    assert (result.ok, result.checked) == (False, 0)
    assert [(chain.label, chain.ok, chain.bad_record_id) for chain in result.chains] == [
        ("系统审计链", False, anchored_login.pk),
        ("威海市环翠区人力资源和社会保障局审计链", False, district[3].pk),
    ]
    assert result.chains[1].problem.endswith(
        "链上已没有这条记录：其后的记录被删除、链头被回退，或整条链被清空。"
    )
    code, _, err = cli_verify(capsys)
    assert code == 1
    assert err.startswith("审计日志校验失败：系统审计链：第一条异常记录为 #")


def test_c_editing_a_record_and_recomputing_the_chain_with_sha256(district, anchor_dir, capsys):
    """The insider knows the canonical form and recomputes every later link and the head; without the key
    the recomputed hashes are SHA-256, not the chain's HMAC. No anchor is needed to see it."""
    for path in anchor_dir.iterdir():
        path.unlink()
    edited = district[2]
    authority_id = edited.authority_id
    rows = rows_from(edited.pk, authority_id)
    rows[0]["reason"] = "事后改写的理由"
    prev = edited.prev_hash
    with insider() as cursor:
        for row in rows:
            new_hash = sha256_chain_link(prev, row)
            cursor.execute(
                "UPDATE audit_auditrecord SET reason = %s, prev_hash = %s, hash = %s WHERE id = %s",
                [row["reason"], prev, new_hash, row["id"]],
            )
            prev = new_hash
        cursor.execute(
            "UPDATE audit_auditchainhead SET last_hash = %s WHERE authority_id = %s", [prev, authority_id]
        )

    result = audit_verify()

    assert (result.ok, result.bad_record_id, result.problem) == (
        False,
        edited.pk,
        "记录内容与其哈希不符：该记录被修改。",
    )
    assert [chain.ok for chain in result.chains] == [True, False]
    code, _, err = cli_verify(capsys)
    assert code == 1
    assert err == (
        f"审计日志校验失败：威海市环翠区人力资源和社会保障局审计链：第一条异常记录为 #{edited.pk}。"
        "记录内容与其哈希不符：该记录被修改。\n"
    )


def test_c_relabelling_the_records_as_unkeyed_and_recomputing_is_found(district, anchor_dir):
    """The same rewrite, with every record of the chain claimed to be of the old unkeyed format."""
    for path in anchor_dir.iterdir():
        path.unlink()
    authority_id = district[0].authority_id
    rows = rows_from(district[0].pk, authority_id)
    rows[2]["reason"] = "事后改写的理由"
    prev = rows[0]["prev_hash"]
    with insider() as cursor:
        for row in rows:
            row["version"] = 1
            new_hash = sha256_chain_link(prev, row)
            cursor.execute(
                "UPDATE audit_auditrecord SET reason = %s, version = 1, prev_hash = %s, hash = %s WHERE id = %s",
                [row["reason"], prev, new_hash, row["id"]],
            )
            prev = new_hash
        cursor.execute(
            "UPDATE audit_auditchainhead SET last_hash = %s WHERE authority_id = %s", [prev, authority_id]
        )

    result = audit_verify()

    assert (result.ok, result.bad_record_id) == (False, district[0].pk)
    assert result.problem == "记录标为启用密钥之前的旧格式，却在启用密钥之后或在机关审计链中：该记录被改写。"


def test_a_record_moved_to_another_chain_is_found(district):
    moved = district[5]
    with insider() as cursor:
        cursor.execute("UPDATE audit_auditrecord SET authority_id = NULL WHERE id = %s", [moved.pk])

    result = audit_verify()

    assert result.ok is False
    assert [(chain.ok, chain.bad_record_id) for chain in result.chains] == [
        (False, moved.pk),  # not linked to the system chain's records
        (False, moved.pk),  # the district's head names a record its chain no longer has
    ]


def test_the_chain_does_not_verify_under_another_key(district, settings):
    settings.AUDIT_CHAIN_KEY = "another-installation-key-" + "z" * 32

    result = audit_verify()

    assert result.ok is False
    assert result.problem == "记录内容与其哈希不符：该记录被修改。"


def test_the_heads_still_move_and_the_records_stay_put(district):
    head = AuditChainHead.objects.get(authority_id=district[0].authority_id)
    assert (head.last_id, head.last_hash) == (district[-1].pk, district[-1].hash)
