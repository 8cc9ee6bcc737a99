"""The audit log as an Excel workbook, streamed row by row (openpyxl write-only mode), with a second sheet
that prints each chain's head beside its latest anchor."""

import json
import tempfile
from typing import IO, Any

from django.db.models import QuerySet
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from chieftech.audit.anchors import ChainHeadRow
from chieftech.audit.models import AuditRecord

EXCEL_MAX_ROWS = 1_048_576
EXCEL_MAX_CELL = 32_767

COLUMNS: list[tuple[str, int]] = [
    ("编号", 8),
    ("时间", 20),
    ("操作人", 14),
    ("操作人ID", 9),
    ("角色", 18),
    ("IP地址", 16),
    ("操作", 24),
    ("对象类型", 22),
    ("对象ID", 10),
    ("对象", 28),
    ("理由", 30),
    ("变更前", 40),
    ("变更后", 40),
    ("前一条记录哈希", 66),
    ("本条记录哈希", 66),
    ("所属审计链", 30),
]

HEAD_COLUMNS: list[tuple[str, int]] = [
    ("审计链", 36),
    ("链头记录编号", 12),
    ("链头哈希", 66),
    ("最近锚点文件", 16),
    ("锚点生成时间", 26),
    ("锚点记录编号", 12),
    ("锚点哈希", 66),
    ("锚点文件校验码", 66),
]


def _json_text(value: Any) -> str:
    if value is None:
        return ""
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _cell(sheet, value: Any) -> Any:
    if not isinstance(value, str):
        return value
    # Characters XML cannot carry would abort the whole file; cells hold at most 32767 characters.
    text = ILLEGAL_CHARACTERS_RE.sub("", value)[:EXCEL_MAX_CELL]
    if not text.startswith("="):
        return text
    # openpyxl would store "=..." as a formula; an entry in the log is text, never something to run.
    cell = WriteOnlyCell(sheet, value=text)
    cell.data_type = "s"
    return cell


def _sheet(workbook: Workbook, title: str, columns: list[tuple[str, int]]):
    sheet = workbook.create_sheet(title)
    for index, (_, width) in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    bold = Font(bold=True)
    header = []
    for name, _ in columns:
        cell = WriteOnlyCell(sheet, value=name)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    return sheet


def audit_log_workbook(
    records: QuerySet[AuditRecord], *, heads: list[ChainHeadRow], chain_labels: dict[int | None, str]
) -> tuple[IO[bytes], int]:
    """Write `records` (oldest first) and the chains' `heads` to a temporary .xlsx file; returns the open file
    and the row count."""
    workbook = Workbook(write_only=True)
    sheet = _sheet(workbook, "审计日志", COLUMNS)
    rows = 0
    for record in records.iterator(chunk_size=2000):
        at = timezone.localtime(record.at).replace(tzinfo=None)
        values = [
            record.pk,
            at,
            record.actor_username or "系统",
            record.actor_id,
            record.actor_role,
            record.ip or "",
            record.action,
            record.object_type,
            record.object_id,
            record.object_repr,
            record.reason,
            _json_text(record.before),
            _json_text(record.after),
            record.prev_hash,
            record.hash,
            chain_labels.get(record.authority_id, ""),
        ]
        sheet.append([_cell(sheet, value) for value in values])
        rows += 1
    head_sheet = _sheet(workbook, "链头与锚点", HEAD_COLUMNS)
    for head in heads:
        values = [
            head.label,
            head.last_id,
            head.last_hash,
            head.anchor_file or "无",
            head.anchor_created_at,
            head.anchor_last_id,
            head.anchor_last_hash,
            head.anchor_mac,
        ]
        head_sheet.append([_cell(head_sheet, value) for value in values])
    output = tempfile.TemporaryFile()  # noqa: SIM115 - handed to FileResponse, which closes it
    workbook.save(output)
    output.seek(0)
    return output, rows
