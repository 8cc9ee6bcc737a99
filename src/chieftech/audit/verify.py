"""Verifying the audit chains, each on its own, against their heads and the anchors outside the database."""

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from chieftech.audit.anchors import AnchorPoint, anchors_read, chain_labels
from chieftech.audit.chain import (
    ACTION_CHAIN_KEYED,
    GENESIS_HASH,
    KEYED_VERSION,
    LEGACY_VERSION,
    record_hash_ok,
)
from chieftech.audit.models import AuditChainHead, AuditRecord

EDITED = "记录内容与其哈希不符：该记录被修改。"


@dataclass(frozen=True)
class ChainResult:
    authority_id: int | None
    label: str
    ok: bool
    checked: int
    bad_record_id: int | None = None
    problem: str = ""

    @property
    def message(self) -> str:
        if self.ok:
            return f"{self.label}：{self.checked}条记录校验通过。"
        where = f"第一条异常记录为 #{self.bad_record_id}。" if self.bad_record_id is not None else ""
        return f"{self.label}：{where}{self.problem}"


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    bad_record_id: int | None = None
    problem: str = ""
    chains: tuple[ChainResult, ...] = field(default=(), compare=False)
    anchors: int = field(default=0, compare=False)
    anchor_problems: tuple[str, ...] = field(default=(), compare=False)

    @property
    def message(self) -> str:
        if self.ok:
            anchored = (
                f"，链头与{self.anchors}个锚点文件相符"
                if self.anchors
                else "；尚无锚点文件，无法确认链尾未被截去"
            )
            return f"审计日志完整：{len(self.chains)}条链共{self.checked}条记录校验通过{anchored}。"
        failures = [chain.message for chain in self.chains if not chain.ok] + list(self.anchor_problems)
        return "审计日志校验失败：" + "\n".join(failures)


def _label(authority_id: int | None, labels: dict[int | None, str]) -> str:
    return labels.get(authority_id, f"机关#{authority_id}审计链")


def _chain_records(authority_id: int | None):
    if authority_id is None:
        return AuditRecord.objects.filter(authority__isnull=True)
    return AuditRecord.objects.filter(authority_id=authority_id)


def _head(authority_id: int | None) -> AuditChainHead | None:
    return AuditChainHead.objects.filter(authority_id=authority_id).first()


def _verify_chain(authority_id: int | None, label: str, anchored: list[AnchorPoint]) -> ChainResult:
    """Walk one chain in id order; report the first record whose link, format or content does not hold, then
    the head, then every anchored head the walk did not reach.

    The head is read after the walk: a record and its head update commit together, so every record seen
    during the walk is already in the head. Records committed meanwhile are walked too.
    """

    def bad(record_id: int | None, problem: str) -> ChainResult:
        return ChainResult(authority_id, label, False, checked, record_id, problem)

    prev, last_id, checked = GENESIS_HASH, 0, 0
    legacy, keyed = 0, False
    expected = {point.last_id: point for point in anchored}
    reached: set[int] = set()
    records = _chain_records(authority_id)
    while True:
        found = False
        for record in records.filter(id__gt=last_id).order_by("id").iterator(chunk_size=2000):
            found = True
            if record.prev_hash != prev:
                before = f"上一条记录 #{last_id}" if last_id else "链的起点"
                return bad(
                    record.pk, f"其“前一条记录哈希”与{before}不符：中间的记录被删除、插入或调换了顺序。"
                )
            if record.version == LEGACY_VERSION and (authority_id is not None or keyed):
                return bad(
                    record.pk,
                    "记录标为启用密钥之前的旧格式，却在启用密钥之后或在机关审计链中：该记录被改写。",
                )
            if record.version not in (LEGACY_VERSION, KEYED_VERSION):
                return bad(record.pk, f"记录格式 {record.version} 未知：该记录被修改。")
            if not record_hash_ok(record):
                return bad(record.pk, EDITED)
            if record.version == LEGACY_VERSION:
                legacy += 1
            elif legacy and not keyed:
                # The first keyed record after the unkeyed ones is the checkpoint that sealed them.
                sealed = {"legacy_records": legacy, "legacy_last_id": last_id, "legacy_last_hash": prev}
                if record.action != ACTION_CHAIN_KEYED or record.after != sealed:
                    return bad(
                        record.pk,
                        f"启用密钥时的确认记录应确认旧格式记录 {legacy} 条、止于 #{last_id}，实际不符："
                        "旧格式记录被改写、增删或重新计算过。",
                    )
            keyed = keyed or record.version == KEYED_VERSION
            if record.pk in expected and expected[record.pk].last_hash == record.hash:
                reached.add(record.pk)
            prev, last_id, checked = record.hash, record.pk, checked + 1
        head = _head(authority_id)
        if not (found and head is not None and head.last_id > last_id):
            break
    if legacy and not keyed:
        return bad(
            last_id,
            "旧格式（未加密钥）记录之后没有启用密钥的确认记录：记录被改写为旧格式，或确认记录被删除。",
        )
    if head is None and checked:
        return bad(None, "审计链头缺失：链头记录被删除。")
    if head is not None and head.last_id > last_id:
        return bad(
            head.last_id,
            f"链头记载最后一条记录为 #{head.last_id}，日志却"
            f"{f'止于 #{last_id}' if last_id else '没有任何记录'}：末尾的记录被删除。",
        )
    if head is not None and head.last_id < last_id:
        extra = records.filter(id__gt=head.last_id).order_by("id").values_list("id", flat=True)
        return bad(extra.first(), f"链头记载最后一条记录为 #{head.last_id}，其后的记录不是由系统写入的。")
    if head is not None and head.last_hash != prev:
        return bad(last_id or None, "链头哈希与最后一条记录不符：链头或最后一条记录被改动。")
    for point in sorted(anchored, key=lambda point: point.last_id):
        if point.last_id and point.last_id not in reached:
            return bad(
                point.last_id,
                f"锚点文件 {point.file} 记载本链当时的最后一条记录为 #{point.last_id}（哈希 {point.last_hash[:16]}…），"
                "链上已没有这条记录：其后的记录被删除、链头被回退，或整条链被清空。",
            )
    return ChainResult(authority_id, label, True, checked)


def audit_verify(*, anchor_dir: Path | None = None) -> VerifyResult:
    """Verify every chain (the system chain and each authority's) on its own, and against the anchor files in
    `anchor_dir` (settings.AUDIT_ANCHOR_DIR by default)."""
    anchors, anchor_problems = anchors_read(anchor_dir)
    anchored: dict[int | None, list[AnchorPoint]] = defaultdict(list)
    for anchor in anchors:
        for point in anchor.points:
            anchored[point.authority_id].append(point)
    chain_ids = set(AuditChainHead.objects.values_list("authority_id", flat=True))
    chain_ids |= set(AuditRecord.objects.order_by().values_list("authority_id", flat=True).distinct())
    chain_ids |= set(anchored)
    chain_ids.add(None)
    labels = chain_labels()
    ordered = sorted(chain_ids, key=lambda pk: (pk is not None, pk or 0))
    chains = tuple(_verify_chain(pk, _label(pk, labels), anchored.get(pk, [])) for pk in ordered)
    checked = sum(chain.checked for chain in chains)
    first_bad = next((chain for chain in chains if not chain.ok), None)
    if first_bad is None and not anchor_problems:
        return VerifyResult(True, checked, chains=chains, anchors=len(anchors))
    return VerifyResult(
        False,
        checked,
        first_bad.bad_record_id if first_bad else None,
        first_bad.problem if first_bad else anchor_problems[0],
        chains=chains,
        anchors=len(anchors),
        anchor_problems=tuple(anchor_problems),
    )
