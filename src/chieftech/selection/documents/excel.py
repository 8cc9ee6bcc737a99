"""The round's applications list as an Excel workbook, written row by row (openpyxl write-only mode).

Rows come from the database in chunks and go straight to a temporary file, so memory stays flat however
many applications a round holds. Personal data is masked: the list circulates among staff.
"""

import tempfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
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
from chieftech.core.pii import mask_id_number, mask_phone
from chieftech.policy.models import SkillLevel
from chieftech.policy.territory import town_label
from chieftech.selection.domain.eligibility import age_in_full_years
from chieftech.selection.models import ApplicationState, ReviewDecision, Round, Route
from chieftech.selection.selectors import application_queue, latest_decisions

EXPORT_ACTION = "application.export"
EXCEL_MAX_CELL = 32_767
CHUNK_SIZE = 500
# Times as text in an order that sorts: an Excel date cell needs a style per cell, which makes openpyxl's
# write-only mode about three times slower for the whole sheet.
TIME_FORMAT = "%Y-%m-%d %H:%M"

COLUMNS: list[tuple[str, int]] = [
    ("序号", 6),
    ("姓名", 10),
    ("性别", 6),
    ("年龄", 6),
    ("身份证号码", 21),
    ("联系电话", 14),
    ("推荐单位", 30),
    ("镇街", 12),
    ("行业", 16),
    ("职业（工种）", 14),
    ("最高技能等级", 16),
    ("推荐方式", 16),
    ("状态", 14),
    ("提交时间", 18),
    ("资格审查结论", 14),
    ("审查意见", 40),
]
FILTER_PARAMS = ("state", "enterprise", "town", "industry", "flag", "q", "sort")

# Exactly the columns the sheet needs, as tuples: no model instances, no long texts (deeds) fetched.
FIELDS = (
    "pk",
    "name",
    "gender",
    "birth_date",
    "age_on_reference_date",
    "id_number",
    "phone",
    "enterprise__name",
    "enterprise__town",
    "enterprise__industry",
    "occupation",
    "skill_level",
    "route",
    "state",
    "submitted_at",
)

# Display labels looked up once, not per row.
_INDUSTRIES = dict(Industry.choices)
_STATES = dict(ApplicationState.choices)
_ROUTES = dict(Route.choices)
_LEVELS = dict(SkillLevel.choices)
_OUTCOMES = dict(ReviewDecision.Outcome.choices)


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


def _chunks(iterable: Iterable, size: int) -> Iterator[list]:
    iterator = iter(iterable)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _header(sheet) -> list:
    bold = Font(bold=True)
    centred = Alignment(horizontal="center", vertical="center")
    header = []
    for title, _ in COLUMNS:
        cell = WriteOnlyCell(sheet, value=title)
        cell.font, cell.alignment = bold, centred
        header.append(cell)
    return header


def round_applications_workbook(round_: Round, *, params: Mapping) -> tuple[IO[bytes], int]:
    """Write the round's applications (as the officer's queue filters them) to a temporary .xlsx file.

    Returns the file, rewound, and the number of application rows. Rows are read CHUNK_SIZE at a time,
    each chunk with one more query for its latest review decisions.
    """
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("申报名单")
    for index, (_, width) in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    sheet.append(_header(sheet))
    reference_date = round_.age_reference_date
    local = timezone.get_current_timezone()
    rows = application_queue(round_=round_, params=params).values_list(*FIELDS)
    number = 0
    for chunk in _chunks(rows.iterator(chunk_size=CHUNK_SIZE), CHUNK_SIZE):
        decisions = latest_decisions([row[0] for row in chunk])
        for pk, name, gender, birth, age, id_number, phone, enterprise, town, industry, *rest in chunk:
            occupation, level, route, state, submitted = rest
            outcome, reason = decisions.get(pk, ("", ""))
            number += 1
            sheet.append(
                [
                    number,
                    _text(sheet, name),
                    gender or None,
                    age if age is not None else age_in_full_years(birth_date=birth, on=reference_date),
                    mask_id_number(id_number),
                    mask_phone(phone) or None,
                    _text(sheet, enterprise),
                    town_label(town),
                    _INDUSTRIES.get(industry),
                    _text(sheet, occupation),
                    _LEVELS.get(level),
                    _ROUTES.get(route),
                    _STATES.get(state, state),
                    submitted.astimezone(local).strftime(TIME_FORMAT) if submitted else None,
                    _OUTCOMES.get(outcome),
                    _text(sheet, reason),
                ]
            )
    output = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it
    workbook.save(output)
    output.seek(0)
    return output, number


@dataclass(frozen=True)
class ApplicationsExport:
    file: IO[bytes]
    rows: int
    filename: str


def round_applications_export(*, actor, round_: Round, params: Mapping) -> ApplicationsExport:
    """The applications list for download; who took which part of it away is audited."""
    output, rows = round_applications_workbook(round_, params=params)
    filters = {name: params.get(name) for name in FILTER_PARAMS if params.get(name)}
    with transaction.atomic():
        audit_record(
            action=EXPORT_ACTION,
            actor=actor,
            obj=round_,
            after={"filters": filters, "rows": rows, "format": "xlsx"},
        )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    return ApplicationsExport(file=output, rows=rows, filename=f"{round_.title}_申报名单_{stamp}.xlsx")
