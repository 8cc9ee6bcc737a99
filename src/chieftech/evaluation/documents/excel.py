"""The committee's score sheets as an Excel workbook: one sheet per part with every member's points for every
candidate (recusals marked), and the results sheet. A committee's workbook is small (candidates × members
rows), so it is built in memory."""

from dataclasses import dataclass
from decimal import Decimal
from io import BytesIO

from django.db import transaction
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from chieftech.audit.domain import audit_record
from chieftech.evaluation.documents.report import NO_VALUE, RECUSED, ResultsReport, results_report
from chieftech.evaluation.models import Committee, ScoreSheet

EXPORT_ACTION = "evaluation.export"
TIME_FORMAT = "%Y-%m-%d %H:%M"
SHEET_STATES = {
    ScoreSheet.State.SUBMITTED: "已提交",
    ScoreSheet.State.DRAFT: "未提交（不计入）",
    ScoreSheet.State.ABSENT: "未到场（不计入）",
}
NO_SHEET = "无评分表"
PROPOSED_FILL = PatternFill("solid", fgColor="FFF4D6")


def _text(value: str | None) -> str | None:
    if not value:
        return None
    text = ILLEGAL_CHARACTERS_RE.sub("", value)
    # User-entered text is never a formula.
    return "'" + text if text.startswith("=") else text


def _header(sheet, titles: list[str], widths: list[int]) -> None:
    sheet.append(titles)
    bold = Font(bold=True)
    centred = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for index, width in enumerate(widths, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font, cell.alignment = bold, centred
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"


def _sheets(committee: Committee) -> dict[tuple[int, int, str], ScoreSheet]:
    sheets = ScoreSheet.objects.filter(member__committee=committee).prefetch_related("scores")
    return {(s.member_id, s.application_id, s.part): s for s in sheets}


def _number(value: Decimal | str | None) -> Decimal | None:
    return None if value is None or value == NO_VALUE else Decimal(value)


def _part_rows(report: ResultsReport, sheets, part: str):
    """(rank, candidate, enterprise, member, status, values…, submitted) for every candidate × member of `part`."""
    recused = {(line.member_id, line.application_id): line.kind for line in report.recusals}
    criteria = report.criteria
    width = len(criteria) + 1 if part == ScoreSheet.Part.COMPREHENSIVE else 1
    for row in report.rows:
        for column in report.members:
            pair = (column.member_id, row.application_id)
            sheet = sheets.get((*pair, part))
            values, submitted = [], None
            if pair in recused:
                # Whatever the member may have entered before the recusal never counts.
                status = f"{RECUSED}（{recused[pair]}）"
            elif sheet is None:
                status = NO_SHEET
            else:
                status = SHEET_STATES.get(sheet.state, sheet.state)
                if sheet.submitted_at:
                    submitted = timezone.localtime(sheet.submitted_at).strftime(TIME_FORMAT)
                # Only submitted points count; a draft's points were never handed in.
                if sheet.state == ScoreSheet.State.SUBMITTED:
                    if part == ScoreSheet.Part.COMPREHENSIVE:
                        points = {s.criterion_id: s.points for s in sheet.scores.all()}
                        values = [*(points.get(c.pk) for c in criteria), sheet.total]
                    else:
                        values = [sheet.total]
            yield [
                row.rank,
                _text(row.name),
                _text(row.enterprise),
                _text(column.label),
                status,
                *(_number(v) for v in values),
                *([None] * (width - len(values))),
                submitted,
            ]


def score_sheets_workbook(committee: Committee) -> tuple[bytes, ResultsReport]:
    report = results_report(committee)
    sheets = _sheets(committee)
    workbook = Workbook()
    comprehensive = workbook.active
    comprehensive.title = "综合评审"
    criteria = report.criteria
    _header(
        comprehensive,
        [
            "排名",
            "候选人",
            "推荐单位",
            "评审专家",
            "评分表状态",
            *(f"{c.name}（{c.max_points:.2f}）" for c in criteria),
            f"合计（{report.comprehensive_max:.2f}）",
            "提交时间",
        ],
        [6, 10, 28, 14, 16, *([12] * len(criteria)), 12, 18],
    )
    for values in _part_rows(report, sheets, ScoreSheet.Part.COMPREHENSIVE):
        comprehensive.append(values)

    onsite = workbook.create_sheet("现场技能考查")
    onsite_max = report.scheme.onsite_max if report.scheme else None
    _header(
        onsite,
        ["排名", "候选人", "推荐单位", "评审专家", "评分表状态", f"得分（{onsite_max:.2f}）", "提交时间"],
        [6, 10, 28, 14, 16, 12, 18],
    )
    for values in _part_rows(report, sheets, ScoreSheet.Part.ONSITE):
        onsite.append(values)

    results = workbook.create_sheet("评审结果")
    normalised_title = (
        "标准化参考分（排名依据）" if report.ranked_by_normalised else "标准化参考分（仅供参考）"
    )
    _header(
        results,
        [
            "排名",
            "候选人",
            "推荐单位",
            *(f"{c.label}（综合评审合计）" for c in report.members),
            "综合评审得分",
            "现场技能考查得分",
            "综合得分",
            "标准差",
            "极差",
            "分歧较大",
            normalised_title,
            "同分排序依据",
            "列入建议名单",
        ],
        [6, 10, 28, *([14] * len(report.members)), 12, 14, 10, 8, 8, 10, 16, 40, 12],
    )
    for row in report.rows:
        results.append(
            [
                row.rank,
                _text(row.name),
                _text(row.enterprise),
                *(RECUSED if cell == RECUSED else _number(cell) for cell in row.expert_cells),
                _number(row.comprehensive),
                _number(row.onsite),
                _number(row.composite),
                _number(row.std_dev),
                _number(row.spread),
                "是" if row.spread_flagged else "",
                _number(row.normalised),
                row.tie_break or None,
                "是" if row.proposed else "",
            ]
        )
        if row.proposed:
            for cell in results[results.max_row]:
                cell.fill = PROPOSED_FILL
    for sheet in workbook.worksheets:
        for line in sheet.iter_rows(min_row=2):
            for cell in line:
                if isinstance(cell.value, Decimal | float):
                    cell.number_format = "0.00"
    output = BytesIO()
    workbook.save(output)
    return output.getvalue(), report


@dataclass(frozen=True)
class Download:
    content: bytes
    filename: str


def audited_download(
    *,
    actor,
    committee: Committee,
    report: ResultsReport,
    document: str,
    fmt: str,
    content: bytes,
    filename: str,
) -> Download:
    """Every export of the committee's scores is audited alike: who took which document of how many candidates."""
    with transaction.atomic():
        audit_record(
            action=EXPORT_ACTION,
            actor=actor,
            obj=committee,
            after={"document": document, "format": fmt, "candidates": len(report.rows)},
        )
    return Download(content=content, filename=filename)


def score_sheets_export(*, actor, committee: Committee) -> Download:
    """The committee's score sheets for download; who took them away is audited."""
    content, report = score_sheets_workbook(committee)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    return audited_download(
        actor=actor,
        committee=committee,
        report=report,
        document="score_sheets",
        fmt="xlsx",
        content=content,
        filename=f"{committee.round.title}_评审评分表_{stamp}.xlsx",
    )
