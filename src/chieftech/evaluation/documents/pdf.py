"""The 评审委员会评审记录 as a PDF with the embedded Chinese font: the members, the recusals, the scheme, the results,
the proposed list, the date and the members' signature lines."""

from django.utils import timezone
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Spacer, Table

from chieftech.core.dates import date_zh
from chieftech.core.pdf import FRAME_WIDTH, LINE_COLOR, grid_style, para, pdf_build, pdf_styles, plain_style
from chieftech.evaluation.documents.excel import Download, audited_download
from chieftech.evaluation.documents.report import ResultsReport, figure, results_report
from chieftech.evaluation.models import Committee

RECORD_TITLE = "评审委员会评审记录"
# Member columns of the per-expert table: more would be too narrow to read on A4.
MEMBERS_PER_TABLE = 7
SIGNATURE_BLANK = "\u3000" * 8


def _widths(*millimetres: float) -> list[float]:
    scale = FRAME_WIDTH / (sum(millimetres) * mm)
    return [m * mm * scale for m in millimetres]


def _small(s) -> tuple[ParagraphStyle, ParagraphStyle]:
    cell = ParagraphStyle("small", parent=s.cell, fontSize=8.5, leading=11)
    centred = ParagraphStyle("small_center", parent=s.cell_center, fontSize=8.5, leading=11)
    return cell, centred


def _table(header: list[str], rows: list[list[str]], widths: list[float], s, *, left: set[int] = frozenset()):
    cell, centred = _small(s)
    data = [[para(h, centred) for h in header]]
    data += [[para(v, cell if i in left else centred) for i, v in enumerate(row)] for row in rows]
    return Table(data, colWidths=widths, style=grid_style(header_rows=1), repeatRows=1)


def _none_table(text: str, s) -> Table:
    return Table([[para(text, s.cell)]], colWidths=[FRAME_WIDTH], style=grid_style())


def _members(report: ResultsReport, s) -> list:
    rows = [
        [str(i), m.name, "主任" if m.is_chair else "委员", m.employer, m.title]
        for i, m in enumerate(report.members, start=1)
    ]
    return [
        para("一、评审委员会组成", s.section),
        Spacer(1, 2 * mm),
        _table(["序号", "姓名", "职务", "工作单位", "职称/技能等级"], rows, _widths(12, 22, 16, 80, 44), s),
    ]


def _recusals(report: ResultsReport, s) -> list:
    story = [para("二、回避情况", s.section), Spacer(1, 2 * mm)]
    if not report.recusals:
        return [*story, _none_table("无回避情况。", s)]
    rows = [[r.expert, r.candidate, r.kind, r.reason] for r in report.recusals]
    story.append(_table(["委员", "回避候选人", "类型", "理由"], rows, _widths(22, 24, 28, 100), s, left={3}))
    story.append(Spacer(1, 1 * mm))
    story.append(para("回避的委员不查阅该候选人材料，其评分不计入该候选人结果。", s.note))
    return story


def _scheme(report: ResultsReport, s) -> list:
    story = [para("三、评分方案", s.section), Spacer(1, 2 * mm)]
    scheme = report.scheme
    if scheme is None:
        return [*story, _none_table("未设置评分方案。", s)]
    comprehensive_weight, onsite_weight = report.weights
    rows = [
        [str(i), c.name, figure(c.max_points), c.description] for i, c in enumerate(report.criteria, start=1)
    ]
    rows.append(["", "综合评审合计", figure(report.comprehensive_max), f"权重 {comprehensive_weight}"])
    rows.append(["", "现场技能考查", figure(scheme.onsite_max), f"权重 {onsite_weight}"])
    story.append(_table(["序号", "评分项", "满分", "说明"], rows, _widths(12, 34, 18, 110), s, left={3}))
    story.append(Spacer(1, 2 * mm))
    story.append(para(f"汇总规则：{report.aggregation_rule}", s.cell))
    story.append(para(f"排名规则：{report.ranking_rule}", s.cell))
    if report.template_note:
        story.append(para(f"说明：本评分方案为{report.template_note}", s.note))
    return story


def _results(report: ResultsReport, s) -> list:
    story = [para("四、评审结果", s.section), Spacer(1, 2 * mm)]
    if not report.rows:
        return [*story, _none_table("尚无评审结果。", s)]
    normalised = "标准化参考分（排名依据）" if report.ranked_by_normalised else "标准化参考分（仅供参考）"
    rows = [
        [
            str(r.rank),
            r.name,
            r.enterprise,
            r.comprehensive,
            r.onsite,
            r.composite,
            r.std_dev,
            r.spread + ("*" if r.spread_flagged else ""),
            r.normalised,
            r.tie_break,
        ]
        for r in report.rows
    ]
    story.append(
        _table(
            [
                "排名",
                "姓名",
                "推荐单位",
                "综合评审",
                "现场技能考查",
                "综合得分",
                "标准差",
                "极差",
                normalised,
                "同分排序依据",
            ],
            rows,
            _widths(9, 14, 30, 15, 15, 15, 13, 14, 18, 34),
            s,
            left={2, 9},
        )
    )
    if any(r.spread_flagged for r in report.rows):
        story.append(Spacer(1, 1 * mm))
        story.append(para("* 各委员综合评审合计的极差较大，提请委员会讨论。", s.note))
    story.append(Spacer(1, 3 * mm))
    story.append(para("各委员综合评审合计", s.cell))
    members = report.members
    for start in range(0, len(members), MEMBERS_PER_TABLE):
        chunk = members[start : start + MEMBERS_PER_TABLE]
        rows = [[str(r.rank), r.name, *r.expert_cells[start : start + len(chunk)]] for r in report.rows]
        story.append(Spacer(1, 1.5 * mm))
        story.append(
            _table(["排名", "姓名", *(m.label for m in chunk)], rows, _widths(9, 16, *([21] * len(chunk))), s)
        )
    return story


def _proposed(report: ResultsReport, s) -> list:
    story = [para("五、建议人选名单", s.section), Spacer(1, 2 * mm)]
    plist = report.proposed_list
    if plist is None:
        return [*story, _none_table("尚未生成建议人选名单。", s)]
    round_ = report.round
    story.append(para(f"建议人数：{plist.size}人（本批次选拔名额{round_.quota}人左右）", s.cell))
    if plist.size_reason:
        story.append(para(f"人数说明：{plist.size_reason}", s.cell))
    if plist.confirmed_at:
        confirmed = f"已由评审委员会主任{plist.confirmed_by}于{date_zh(plist.confirmed_at)}确认。"
    else:
        confirmed = "待评审委员会主任确认。"
    story.append(para(f"确认情况：{confirmed}", s.cell))
    story.append(Spacer(1, 2 * mm))
    rows = [
        [str(i), r.name, r.gender, r.enterprise, r.occupation, r.composite]
        for i, r in enumerate((r for r in report.rows if r.proposed), start=1)
    ]
    story.append(
        _table(
            ["序号", "姓名", "性别", "推荐单位", "职业（工种）", "综合得分"],
            rows,
            _widths(12, 22, 12, 66, 36, 22),
            s,
        )
    )
    return story


def _signatures(report: ResultsReport, s) -> list:
    committee = report.committee
    chair = next((m for m in report.members if m.is_chair), None)
    others = [m for m in report.members if not m.is_chair]
    lines = [
        [
            para(f"评审委员会主任：{chair.name if chair else ''}", s.cell),
            para(f"签字：{SIGNATURE_BLANK}", s.cell),
        ]
    ]
    lines += [[para(f"委员：{m.name}", s.cell), para(f"签字：{SIGNATURE_BLANK}", s.cell)] for m in others]
    table = Table(
        lines,
        colWidths=[FRAME_WIDTH * 0.5, FRAME_WIDTH * 0.5],
        style=[
            *plain_style(),
            ("LINEBELOW", (1, 0), (1, -1), 0.5, LINE_COLOR),
            ("TOPPADDING", (0, 0), (-1, -1), 7),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 7),
        ],
    )
    when = date_zh(committee.scoring_closed_at)
    return [
        KeepTogether(
            [
                para("六、签字", s.section),
                Spacer(1, 2 * mm),
                table,
                Spacer(1, 4 * mm),
                para(f"评审日期：{when or '　　年　　月　　日'}", s.cell_right),
            ]
        )
    ]


def committee_record_pdf(report: ResultsReport) -> bytes:
    s = pdf_styles()
    committee = report.committee
    round_ = report.round
    opened, closed = date_zh(committee.scoring_opened_at), date_zh(committee.scoring_closed_at)
    heading = [
        para(RECORD_TITLE, s.title),
        Spacer(1, 3 * mm),
        para(f"批次：{round_.title}", s.subtitle),
        para(f"评审委员会：{committee.name}", s.subtitle),
        para(f"评分时间：{opened or '—'}至{closed or '—'}", s.subtitle),
    ]
    if committee.close_reason:
        heading.append(para(f"提前结束评分理由：{committee.close_reason}", s.subtitle))
    story = [*heading, Spacer(1, 4 * mm)]
    for part in (_members, _recusals, _scheme, _results, _proposed, _signatures):
        story += part(report, s)
        story.append(Spacer(1, 5 * mm))
    return pdf_build(
        story, title=f"{RECORD_TITLE}（{round_.title}）", subject=round_.title, footer=RECORD_TITLE
    )


def committee_record_export(*, actor, committee: Committee) -> Download:
    """The committee record for download or print; audited like every export of the scores."""
    report = results_report(committee)
    stamp = timezone.localtime().strftime("%Y%m%d")
    return audited_download(
        actor=actor,
        committee=committee,
        report=report,
        document="committee_record",
        fmt="pdf",
        content=committee_record_pdf(report),
        filename=f"{committee.round.title}_{RECORD_TITLE}_{stamp}.pdf",
    )
