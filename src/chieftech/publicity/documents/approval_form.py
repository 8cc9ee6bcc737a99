"""The 呈批表 as an A4 PDF: the usual layout of an approval form put before the leadership or the government.

Title, the submitting bureau and the date; the round and a summary of how it went; the proposed list (no ID
number, no phone); the office's proposal (拟办意见); the boxes where the leadership and the government write
their opinion, sign and date.
"""

from reportlab.lib.enums import TA_LEFT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Spacer, Table

from chieftech.core.dates import date_zh
from chieftech.core.pdf import FRAME_WIDTH, grid_style, para, pdf_build, pdf_styles
from chieftech.publicity.domain.approval_form import LEADERSHIP, ApprovalFormFacts

LIST_HEADER = ("排名", "姓名", "性别", "工作单位", "职业（工种）", "技能等级", "综合得分")
SIGNATURE_LINE = (
    "签字：\u3000\u3000\u3000\u3000\u3000\u3000\u3000\u3000日期：\u3000\u3000年\u3000\u3000月\u3000\u3000日"
)
BLANK = ""


def _widths(*millimetres: float) -> list[float]:
    scale = FRAME_WIDTH / (sum(millimetres) * mm)
    return [m * mm * scale for m in millimetres]


def _lines(lines, style):
    """Several lines in one cell, each escaped; an empty line leaves room to write by hand."""
    return para("\n".join(lines), style)


def approval_form_pdf(facts: ApprovalFormFacts) -> bytes:
    s = pdf_styles()
    box = ParagraphStyle("box", parent=s.cell, alignment=TA_LEFT, leading=16)
    addressee = facts.leadership if facts.stage == LEADERSHIP else facts.government
    head = [
        [
            para("呈报单位", s.label),
            para(facts.bureau, s.cell),
            para("呈报日期", s.label),
            para(date_zh(facts.prepared_on), s.cell),
        ],
        [
            para("批次", s.label),
            para(facts.round_title, s.cell),
            para("报送", s.label),
            para(addressee, s.cell),
        ],
    ]
    summary = [[para("办理情况", s.label), _lines(facts.process, box)]]
    if facts.objections:
        summary.append([para("异议及处理", s.label), _lines(facts.objections, box)])
    rows = [[para(h, s.label) for h in LIST_HEADER]]
    rows += [
        [
            para(v, s.cell_center)
            for v in (c.rank, c.name, c.gender, c.enterprise, c.occupation, c.skill_level, c.composite)
        ]
        for c in facts.candidates
    ]
    opinions = [
        [
            para("拟办意见", s.label),
            _lines([facts.proposal, BLANK, facts.bureau, SIGNATURE_LINE], box),
        ],
        [
            para(f"{facts.leadership}意见", s.label),
            _lines([facts.leadership_opinion, BLANK, BLANK, SIGNATURE_LINE], box),
        ],
        [para(f"{facts.government}审批意见", s.label), _lines([BLANK, BLANK, BLANK, SIGNATURE_LINE], box)],
    ]
    story = [
        para(facts.title, s.title),
        Spacer(1, 4 * mm),
        Table(head, colWidths=_widths(22, 78, 22, 48), style=grid_style()),
        Table(summary, colWidths=_widths(22, 148), style=grid_style()),
        Spacer(1, 3 * mm),
        para(f"拟认定人选名单（{len(facts.candidates)}人）", s.section),
        Spacer(1, 1.5 * mm),
        Table(
            rows, colWidths=_widths(12, 20, 12, 54, 30, 22, 20), style=grid_style(header_rows=1), repeatRows=1
        ),
        Spacer(1, 3 * mm),
        Table(opinions, colWidths=_widths(30, 140), style=grid_style()),
    ]
    return pdf_build(story, title=facts.title, subject=facts.round_title, footer=facts.bureau)
