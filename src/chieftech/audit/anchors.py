"""Anchors: each chain's head copied outside the database, dated and signed.

`chieftech audit anchor` (daily, from cron) writes AUDIT_ANCHOR_DIR/YYYY-MM-DD.json with every chain's last
record id and hash, and an HMAC of the file under a key derived from AUDIT_CHAIN_KEY; it can also append the
same as one line to a log the operator ships off the machine. `audit verify` reads the directory back: a chain
whose records no longer reach a head it once anchored was cut back (its last records deleted, the head
rewound) or emptied, which the chain alone cannot show. Someone without the key cannot forge an anchor.
"""

import hmac
import json
import os
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone

from chieftech.audit.chain import anchor_mac, chain_name
from chieftech.audit.models import AuditChainHead

ANCHOR_FORMAT = "chieftech-audit-anchor/1"


@dataclass(frozen=True)
class AnchorPoint:
    """One chain's head as an anchor file recorded it."""

    file: str
    authority_id: int | None
    last_id: int
    last_hash: str


@dataclass(frozen=True)
class AnchorFile:
    name: str
    body: dict[str, Any]
    mac: str

    @property
    def points(self) -> list[AnchorPoint]:
        return [
            AnchorPoint(self.name, chain["authority_id"], chain["last_id"], chain["last_hash"])
            for chain in self.body["chains"]
        ]

    def as_json(self) -> dict[str, Any]:
        return {**self.body, "mac": self.mac}


def default_anchor_dir() -> Path:
    return Path(settings.AUDIT_ANCHOR_DIR)


def anchor_body(*, now: datetime | None = None) -> dict[str, Any]:
    """Every chain's head as it stands."""
    now = now or timezone.now()
    heads = AuditChainHead.objects.select_related("authority").order_by("authority_id")
    chains = [
        {
            "chain": chain_name(head.authority_id),
            "authority_id": head.authority_id,
            "authority": head.authority.bureau_name if head.authority_id else "",
            "last_id": head.last_id,
            "last_hash": head.last_hash,
        }
        for head in heads
    ]
    # The system chain (no authority) first, then by authority.
    chains.sort(key=lambda chain: (chain["authority_id"] is not None, chain["authority_id"] or 0))
    return {
        "format": ANCHOR_FORMAT,
        "date": timezone.localdate(now).isoformat(),
        "created_at": timezone.localtime(now).isoformat(timespec="seconds"),
        "chains": chains,
    }


def anchor_write(*, directory: Path | None = None, log: Path | None = None, now=None) -> AnchorFile:
    """Write today's anchor file (a second run the same day replaces it with the newer heads) and append it
    as one line to `log`. The caller verifies the chains first: a broken chain must not be anchored."""
    directory = Path(directory or default_anchor_dir())
    directory.mkdir(parents=True, exist_ok=True)
    body = anchor_body(now=now)
    anchor = AnchorFile(name=f"{body['date']}.json", body=body, mac=anchor_mac(body))
    text = json.dumps(anchor.as_json(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    # Written beside and renamed, so a reader never sees half a file.
    handle, temporary = tempfile.mkstemp(dir=directory, prefix=".anchor-", suffix=".json")
    with os.fdopen(handle, "w", encoding="utf-8") as file:
        file.write(text)
    Path(temporary).replace(directory / anchor.name)
    if log is not None:
        with Path(log).open("a", encoding="utf-8") as file:
            file.write(json.dumps(anchor.as_json(), ensure_ascii=False, sort_keys=True) + "\n")
    return anchor


def _valid_body(data: Any) -> bool:
    if (
        not isinstance(data, dict)
        or data.get("format") != ANCHOR_FORMAT
        or not isinstance(data.get("mac"), str)
    ):
        return False
    chains = data.get("chains")
    return isinstance(chains, list) and all(
        isinstance(chain, dict)
        and (chain.get("authority_id") is None or type(chain.get("authority_id")) is int)
        and type(chain.get("last_id")) is int
        and isinstance(chain.get("last_hash"), str)
        for chain in chains
    )


def _anchor_files(directory: Path | None) -> list[Path]:
    directory = Path(directory or default_anchor_dir())
    if not directory.is_dir():
        return []
    return sorted(path for path in directory.glob("*.json") if not path.name.startswith("."))


def _anchor_read(path: Path) -> AnchorFile | str:
    """The anchor file, or the reason it cannot be trusted."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        data = None
    if not _valid_body(data):
        return f"锚点文件 {path.name} 无法读取或格式不符。"
    mac = data.pop("mac")
    if not hmac.compare_digest(anchor_mac(data), mac):
        return f"锚点文件 {path.name} 的校验码不符：文件被改动，或不是用本系统的密钥生成的。"
    return AnchorFile(name=path.name, body=data, mac=mac)


def anchors_read(directory: Path | None = None) -> tuple[list[AnchorFile], list[str]]:
    """The anchor files whose HMAC holds, oldest first, and a problem for each file that cannot be trusted."""
    anchors, problems = [], []
    for path in _anchor_files(directory):
        anchor = _anchor_read(path)
        if isinstance(anchor, str):
            problems.append(anchor)
        else:
            anchors.append(anchor)
    return anchors, problems


def anchor_latest(directory: Path | None = None) -> AnchorFile | None:
    """The newest anchor file whose HMAC holds."""
    for path in reversed(_anchor_files(directory)):
        anchor = _anchor_read(path)
        if not isinstance(anchor, str):
            return anchor
    return None


def chain_label(authority) -> str:
    return f"{authority.bureau_name}审计链" if authority is not None else "系统审计链"


def chain_labels() -> dict[int | None, str]:
    """Each chain's name, by authority id (None: the system chain)."""
    from chieftech.policy.models import Authority

    return {None: chain_label(None)} | {
        authority.pk: chain_label(authority) for authority in Authority.objects.all()
    }


@dataclass(frozen=True)
class ChainHeadRow:
    """One line of the printed report: a chain's head now, and what the latest anchor file says of it."""

    label: str
    last_id: int
    last_hash: str
    anchor_file: str = ""
    anchor_created_at: str = ""
    anchor_last_id: int | None = None
    anchor_last_hash: str = ""
    anchor_mac: str = ""


def chain_heads_report(directory: Path | None = None) -> list[ChainHeadRow]:
    """Every chain's head beside its latest anchor, for the audit admin to print and compare with the anchor
    lines shipped off the machine."""
    latest = anchor_latest(directory)
    points = {point.authority_id: point for point in latest.points} if latest else {}
    rows = []
    heads = AuditChainHead.objects.select_related("authority").order_by("authority_id")
    for head in sorted(heads, key=lambda head: (head.authority_id is not None, head.authority_id or 0)):
        point = points.get(head.authority_id)
        rows.append(
            ChainHeadRow(
                label=chain_label(head.authority),
                last_id=head.last_id,
                last_hash=head.last_hash,
                anchor_file=latest.name if point else "",
                anchor_created_at=latest.body["created_at"] if point else "",
                anchor_last_id=point.last_id if point else None,
                anchor_last_hash=point.last_hash if point else "",
                anchor_mac=latest.mac if point else "",
            )
        )
    return rows


def anchor_daily(*, now: datetime) -> str:
    """The scheduled daily anchor (chieftech.core.schedule): verify every chain, then write today's file.

    A broken chain is not anchored: the run fails with the verifier's message, which the system admin sees
    beside the run, and `chieftech audit verify` names the record.
    """
    from chieftech.audit.verify import audit_verify

    result = audit_verify()
    if not result.ok:
        raise RuntimeError("未写入锚点。" + result.message)
    anchor = anchor_write(now=now)
    return f"锚点 {anchor.name}（校验码 {anchor.mac}）"
