"""The audit log as an Excel workbook, streamed row by row (openpyxl write-only mode)."""

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


def audit_log_workbook(records: QuerySet[AuditRecord]) -> tuple[IO[bytes], int]:
    """Write `records` (oldest first) to a temporary .xlsx file; returns the open file and the row count."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("审计日志")
    for index, (_, width) in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    bold = Font(bold=True)
    header = []
    for title, _ in COLUMNS:
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
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
        ]
        sheet.append([_cell(sheet, value) for value in values])
        rows += 1
    output = tempfile.TemporaryFile()  # noqa: SIM115 - handed to FileResponse, which closes it
    workbook.save(output)
    output.seek(0)
    return output, rows
