"""`chieftech audit anchor`: each chain's head, dated and signed, in a file outside the database and a line
for a log shipped off the machine; `audit verify` checks the chains against every anchor file."""

import json
from datetime import UTC, datetime
from io import StringIO

import pytest
from django.core.management import call_command

from chieftech.audit.anchors import anchor_write, anchors_read
from chieftech.audit.chain import anchor_mac
from chieftech.audit.domain import audit_record, audit_verify
from tests.audit.conftest import insider
from tests.factories import huancui


def run(*args) -> tuple[int, str, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command("audit", *args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exit_:
        code = exit_.code
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def records(db):
    return [
        audit_record(action="test.system"),
        audit_record(action="test.district", authority=huancui()),
        audit_record(action="test.district", authority=huancui()),
    ]


def test_the_anchor_file_names_every_chains_head_and_is_signed(records, anchor_dir, tmp_path):
    log = tmp_path / "anchors.log"

    code, out, err = run("anchor", "--log", str(log))

    assert (code, err) == (0, "")
    [path] = anchor_dir.iterdir()
    data = json.loads(path.read_text())
    body = {key: value for key, value in data.items() if key != "mac"}
    assert path.name == f"{data['date']}.json"
    assert data["format"] == "chieftech-audit-anchor/1"
    assert data["chains"] == [
        {
            "chain": "system",
            "authority_id": None,
            "authority": "",
            "last_id": records[0].pk,
            "last_hash": records[0].hash,
        },
        {
            "chain": f"authority-{huancui().pk}",
            "authority_id": huancui().pk,
            "authority": "威海市环翠区人力资源和社会保障局",
            "last_id": records[2].pk,
            "last_hash": records[2].hash,
        },
    ]
    assert data["mac"] == anchor_mac(body)
    assert out.splitlines() == [
        f"锚点 {path.name}（校验码 {data['mac']}）：",
        f"  系统 链头 #{records[0].pk} {records[0].hash}",
        f"  威海市环翠区人力资源和社会保障局 链头 #{records[2].pk} {records[2].hash}",
    ]
    assert [json.loads(line) for line in log.read_text().splitlines()] == [data]


def test_a_second_anchor_the_same_day_replaces_the_file_and_adds_a_log_line(records, anchor_dir, tmp_path):
    log = tmp_path / "anchors.log"
    run("anchor", "--log", str(log))
    later = audit_record(action="test.district", authority=huancui())

    run("anchor", "--log", str(log))

    [path] = anchor_dir.iterdir()
    assert json.loads(path.read_text())["chains"][1]["last_id"] == later.pk
    assert len(log.read_text().splitlines()) == 2
    assert audit_verify().anchors == 1


def test_anchors_of_several_days_are_all_checked(records, anchor_dir):
    anchor_write(now=datetime(2026, 12, 1, 2, 20, tzinfo=UTC))
    audit_record(action="test.district", authority=huancui())
    anchor_write(now=datetime(2026, 12, 2, 2, 20, tzinfo=UTC))

    assert sorted(path.name for path in anchor_dir.iterdir()) == ["2026-12-01.json", "2026-12-02.json"]
    result = audit_verify()
    assert (result.ok, result.anchors) == (True, 2)


def test_an_edited_anchor_file_is_refused(records, anchor_dir):
    anchor = anchor_write()
    path = anchor_dir / anchor.name
    data = json.loads(path.read_text())
    data["chains"][1]["last_id"] = records[1].pk
    data["chains"][1]["last_hash"] = records[1].hash
    path.write_text(json.dumps(data))

    result = audit_verify()

    assert (result.ok, result.anchors) == (False, 0)
    assert result.problem == (
        f"锚点文件 {anchor.name} 的校验码不符：文件被改动，或不是用本系统的密钥生成的。"
    )
    assert result.message == f"审计日志校验失败：{result.problem}"


def test_an_unreadable_anchor_file_is_reported(records, anchor_dir):
    anchor_dir.mkdir()
    (anchor_dir / "2026-12-01.json").write_text("{not json")

    result = audit_verify()

    assert (result.ok, result.problem) == (False, "锚点文件 2026-12-01.json 无法读取或格式不符。")


def test_anchor_refuses_to_vouch_for_a_broken_chain(records, anchor_dir):
    with insider() as cursor:
        cursor.execute("UPDATE audit_auditrecord SET reason = %s WHERE id = %s", ["改", records[1].pk])

    code, out, err = run("anchor")

    assert (code, out) == (1, "")
    assert err.startswith("未写入锚点。审计日志校验失败：威海市环翠区人力资源和社会保障局审计链：")
    assert not anchor_dir.exists() or list(anchor_dir.iterdir()) == []


def test_verify_reads_the_anchors_from_the_folder_it_is_given(records, tmp_path):
    elsewhere = tmp_path / "copied-back"
    anchor_write(directory=elsewhere)
    with insider() as cursor:
        cursor.execute("DELETE FROM audit_auditrecord WHERE id = %s", [records[2].pk])
        cursor.execute(
            "UPDATE audit_auditchainhead SET last_id = %s, last_hash = %s WHERE authority_id = %s",
            [records[1].pk, records[1].hash, huancui().pk],
        )

    assert run("verify")[0] == 0  # the default folder holds no anchor
    code, _, err = run("verify", "--anchors", str(elsewhere))
    assert code == 1
    assert f"第一条异常记录为 #{records[2].pk}。锚点文件" in err


def test_read_returns_the_anchors_oldest_first(records, anchor_dir):
    anchor_write(now=datetime(2026, 12, 2, 2, 20, tzinfo=UTC))
    anchor_write(now=datetime(2026, 12, 1, 2, 20, tzinfo=UTC))

    anchors, problems = anchors_read()

    assert ([anchor.name for anchor in anchors], problems) == (["2026-12-01.json", "2026-12-02.json"], [])
