"""The register of chief technicians as an Excel workbook, written row by row (openpyxl write-only mode).

Rows come from the database as tuples in chunks and go straight to a temporary file, so memory stays flat
for ten thousand terms. A title row names the authorities and the date, a second row the filters in force;
the header below them stays in view. Personal data is masked: no ID number, the phone masked. Who took which
part of the register away is audited, in the chain of each authority whose terms the file holds.
"""

import tempfile
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from itertools import islice
from typing import IO

from django.db import transaction
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from chieftech.accounts.models import Industry
from chieftech.audit.domain import audit_record
from chieftech.core.dates import date_zh
from chieftech.core.pii import mask_phone
from chieftech.duties.selectors import duty_counts, duty_counts_text
from chieftech.policy.models import Authority
from chieftech.policy.territory import town_label
from chieftech.tenure.domain.register import (
    REGISTER_PARAMS,
    EndingWindow,
    RegisterChoices,
    register_filter,
    register_filter_labels,
    register_tenures,
)
from chieftech.tenure.models import TenureStatus

EXPORT_ACTION = "tenure.register_export"
EXCEL_MAX_CELL = 32_767
CHUNK_SIZE = 1000
DATE_FORMAT = "%Y-%m-%d"
# The title and filter rows above the header; the header row is frozen with them.
HEADER_ROW = 3

COLUMNS: list[tuple[str, int]] = [
    ("序号", 6),
    ("姓名", 10),
    ("选拔批次", 28),
    ("现工作单位", 30),
    ("镇街", 12),
    ("行业", 16),
    ("职业（工种）", 16),
    ("证书编号", 18),
    ("管理期起始", 12),
    ("管理期结束", 12),
    ("状态", 16),
    ("状态生效日期", 13),
    ("手机号码", 14),
    ("门户展示", 10),
    # The duties log of the calendar year of the export (第15条): the total, then by kind.
    ("履职记录（{year}年）", 14),
    ("履职记录分类（{year}年）", 36),
]

# Exactly the columns the sheet needs, as tuples: no model instances, no ID number, no long texts.
FIELDS = (
    "pk",
    "authority_id",
    "application__name",
    "application__round__title",
    "enterprise__name",
    "enterprise__town",
    "enterprise__industry",
    "application__occupation",
    "certificate__number",
    "starts_on",
    "ends_on",
    "status",
    "status_since",
    "application__phone",
    "showcase_consent",
)

_INDUSTRIES = dict(Industry.choices)
_STATUSES = dict(TenureStatus.choices)


def _text(sheet, value: str | None):
    if not value:
        return None
    # Characters XML cannot carry would abort the file; a cell holds at most 32767 characters.
    text = ILLEGAL_CHARACTERS_RE.sub("", value)[:EXCEL_MAX_CELL]
    if not text.startswith("="):
        return text
    # openpyxl would store "=..." as a formula: data entered by users is text, never something to run.
    cell = WriteOnlyCell(sheet, value=text)
    cell.data_type = "s"
    return cell


def _day(value: date | None) -> str | None:
    # Dates as sortable text: a date cell needs a style per cell, which slows write-only mode threefold.
    return value.strftime(DATE_FORMAT) if value else None


def _chunks(rows: Iterator, size: int) -> Iterator[list]:
    chunk = list(islice(rows, size))
    while chunk:
        yield chunk
        chunk = list(islice(rows, size))


def _title_rows(sheet, *, title: str, filters: list[tuple[str, str]]) -> None:
    cell = WriteOnlyCell(sheet, value=title)
    cell.font = Font(bold=True, size=14)
    sheet.append([cell])
    text = "；".join(f"{label}：{value}" for label, value in filters) if filters else "全部"
    sheet.append([_text(sheet, f"筛选条件：{text}")])


def _header(sheet, *, year: int) -> list:
    bold = Font(bold=True)
    centred = Alignment(horizontal="center", vertical="center")
    header = []
    for title, _ in COLUMNS:
        cell = WriteOnlyCell(sheet, value=title.format(year=year))
        cell.font, cell.alignment = bold, centred
        header.append(cell)
    return header


@dataclass(frozen=True)
class RegisterExport:
    file: IO[bytes]
    rows: int
    filename: str


def register_workbook(
    *,
    authority_ids: set[int],
    params: Mapping,
    choices: RegisterChoices,
    window: EndingWindow,
    title: str,
) -> tuple[IO[bytes], Counter]:
    """Write the filtered register to a temporary .xlsx file; returns the file, rewound, and the number
    of rows per authority."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("首席技师名册")
    for index, (_, width) in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = f"A{HEADER_ROW + 1}"
    _title_rows(sheet, title=title, filters=register_filter_labels(params=params, choices=choices))
    year = timezone.localdate().year
    sheet.append(_header(sheet, year=year))
    tenures = register_filter(register_tenures(authority_ids=authority_ids), params=params, window=window)
    rows = tenures.order_by("-starts_on", "application__name", "pk").values_list(*FIELDS)
    per_authority: Counter = Counter()
    number = 0
    for chunk in _chunks(rows.iterator(chunk_size=CHUNK_SIZE), CHUNK_SIZE):
        # One query per chunk for the duties counts, never one per row.
        duties = duty_counts(tenure_ids=[row[0] for row in chunk], year=year)
        for row in chunk:
            number += 1
            (
                pk,
                authority_id,
                name,
                round_title,
                enterprise,
                town,
                industry,
                occupation,
                certificate,
                *rest,
            ) = row
            starts_on, ends_on, status, status_since, phone, consent = rest
            per_authority[authority_id] += 1
            duties_total, duties_text = duty_counts_text(duties.get(pk, {}).get(year, {}))
            sheet.append(
                [
                    number,
                    _text(sheet, name),
                    _text(sheet, round_title),
                    _text(sheet, enterprise),
                    town_label(town),
                    _INDUSTRIES.get(industry),
                    _text(sheet, occupation),
                    certificate or "未颁发",
                    _day(starts_on),
                    _day(ends_on),
                    _STATUSES.get(status, status),
                    _day(status_since),
                    mask_phone(phone) or None,
                    "同意" if consent else "未同意",
                    duties_total,
                    duties_text if duties_total else None,
                ]
            )
    output = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it
    workbook.save(output)
    output.seek(0)
    return output, per_authority


def register_export(
    *, actor, authority_ids: set[int], params: Mapping, choices: RegisterChoices, window: EndingWindow
) -> RegisterExport:
    """The filtered register for download, audited in each authority's chain with its own row count."""
    authorities = Authority.objects.filter(pk__in=authority_ids).order_by("pk")
    titles = "、".join(f"{a.title_name}名册" for a in authorities.only("title_name"))
    bureaus = "、".join(a.bureau_name for a in authorities.only("bureau_name"))
    title = f"{titles}（{bureaus}，{date_zh(timezone.localdate())}导出）"
    output, per_authority = register_workbook(
        authority_ids=authority_ids, params=params, choices=choices, window=window, title=title
    )
    filters = {name: params.get(name) for name in REGISTER_PARAMS if params.get(name)}
    with transaction.atomic():
        for authority_id in sorted(authority_ids):
            audit_record(
                action=EXPORT_ACTION,
                actor=actor,
                object_type="tenure.tenure",
                object_repr="首席技师名册导出",
                authority=authority_id,
                after={"filters": filters, "rows": per_authority[authority_id], "format": "xlsx"},
            )
    rows = sum(per_authority.values())
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    return RegisterExport(file=output, rows=rows, filename=f"首席技师名册_{stamp}.xlsx")
