"""The committee's documents: the score sheets workbook and the 评审委员会评审记录 PDF, both audited exports."""

import subprocess
from io import BytesIO
from pathlib import Path
from urllib.parse import quote

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from chieftech.audit.models import AuditRecord
from chieftech.evaluation.domain.results import proposed_list_confirm, proposed_list_update
from chieftech.evaluation.models import Score, ScoreSheet
from tests.evaluation.test_results_helpers import ABSENT, CLOSED_AT, make_scored_round, make_worked_example

SUBMITTED_AT = "2026-12-20 10:00"


def pdf_text(content: bytes, tmp_path: Path) -> str:
    path = tmp_path / "record.pdf"
    path.write_bytes(content)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return "".join(text.split())


def pdf_fonts(content: bytes, tmp_path: Path) -> list[list[str]]:
    path = tmp_path / "fonts.pdf"
    path.write_bytes(content)
    output = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    return [line.split() for line in output.splitlines()[2:]]


def rows(sheet) -> list[tuple]:
    return list(sheet.iter_rows(values_only=True))


@pytest.fixture
def scored(olivia, alice, bob, chris):
    return make_worked_example(olivia, alice, bob, chris)


def test_score_sheets_workbook_has_every_members_points_recusals_marked_and_the_results(
    client, scored, chris
):
    client.force_login(chris)
    response = client.get(reverse("evaluation:score_sheets_xlsx", args=[scored.round.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"].startswith(
        f"attachment; filename=\"score-sheets-{scored.round.pk}.xlsx\"; filename*=UTF-8''"
        + quote(f"{scored.round.title}_评审评分表_")
    )
    workbook = load_workbook(BytesIO(response.content))
    assert workbook.sheetnames == ["综合评审", "现场技能考查", "评审结果"]

    comprehensive = rows(workbook["综合评审"])
    assert comprehensive[0] == (
        "排名",
        "候选人",
        "推荐单位",
        "评审专家",
        "评分表状态",
        "职业道德（10.00）",
        "技能水平（30.00）",
        "技术创新与攻关（25.00）",
        "传技带徒（20.00）",
        "业绩贡献（15.00）",
        "合计（100.00）",
        "提交时间",
    )
    a, b = "威海甲精密机械有限公司", "威海乙海洋科技有限公司"
    assert comprehensive[1:] == [
        (1, "王建国", a, "克里斯（主任）", "已提交", 10, 30, 25, 15, 0, 80, SUBMITTED_AT),
        (1, "王建国", a, "专家乙", "已提交", 10, 30, 25, 20, 0, 85, SUBMITTED_AT),
        (1, "王建国", a, "专家甲", "已提交", 10, 30, 25, 20, 5, 90, SUBMITTED_AT),
        (2, "李秀英", b, "克里斯（主任）", "已提交", 10, 30, 25, 5, 0, 70, SUBMITTED_AT),
        (2, "李秀英", b, "专家乙", "回避（同单位自动回避）", None, None, None, None, None, None, None),
        (2, "李秀英", b, "专家甲", "已提交", 10, 30, 25, 20, 10, 95, SUBMITTED_AT),
        (3, "张志强", a, "克里斯（主任）", "已提交", 10, 30, 20, 0, 0, 60, SUBMITTED_AT),
        (3, "张志强", a, "专家乙", "已提交", 10, 30, 25, 5, 0, 70, SUBMITTED_AT),
        (3, "张志强", a, "专家甲", "已提交", 10, 30, 25, 0, 0, 65, SUBMITTED_AT),
    ]
    onsite = rows(workbook["现场技能考查"])
    assert onsite[0] == ("排名", "候选人", "推荐单位", "评审专家", "评分表状态", "得分（100.00）", "提交时间")
    assert [row[3:6] for row in onsite[4:7]] == [
        ("克里斯（主任）", "已提交", 60),
        ("专家乙", "回避（同单位自动回避）", None),
        ("专家甲", "已提交", 75),
    ]
    results = rows(workbook["评审结果"])
    assert results == [
        (
            "排名",
            "候选人",
            "推荐单位",
            "克里斯（主任）（综合评审合计）",
            "专家乙（综合评审合计）",
            "专家甲（综合评审合计）",
            "综合评审得分",
            "现场技能考查得分",
            "综合得分",
            "标准差",
            "极差",
            "分歧较大",
            "标准化参考分（仅供参考）",
            "同分排序依据",
            "列入建议名单",
        ),
        (1, "王建国", a, 80, 85, 90, 85, 80, 83, 4.08, 10, None, 59.67, None, "是"),
        (2, "李秀英", b, 70, "回避", 95, 82.5, 67.5, 76.5, 12.5, 25, "是", 53.59, None, "是"),
        (3, "张志强", a, 60, 70, 65, 65, 55, 61, 4.08, 10, None, 37.94, None, None),
    ]

    record = AuditRecord.objects.get(action="evaluation.export")
    assert (record.actor_id, record.object_id) == (chris.pk, str(scored.committee.pk))
    assert record.after == {"document": "score_sheets", "format": "xlsx", "candidates": 3}


def test_draft_and_absent_sheets_are_listed_without_points(client, olivia, alice, bob, chris):
    scored = make_scored_round(
        olivia,
        [alice, bob],
        chair_user=chris,
        scores={"克里斯": [(80, 70)], "专家甲": [(None, ABSENT)]},
        n=1,
    )
    draft = ScoreSheet.objects.create(
        member=scored.members["专家甲"],
        application=scored.applications[0],
        part=ScoreSheet.Part.COMPREHENSIVE,
    )
    Score.objects.create(sheet=draft, criterion=scored.round.scoring_scheme.criteria.first(), points=9)
    client.force_login(olivia)

    response = client.get(reverse("evaluation:score_sheets_xlsx", args=[scored.round.pk]))

    workbook = load_workbook(BytesIO(response.content))
    assert [row[3:] for row in rows(workbook["综合评审"])[1:]] == [
        ("克里斯（主任）", "已提交", 10, 30, 25, 15, 0, 80, SUBMITTED_AT),
        ("专家甲", "未提交（不计入）", None, None, None, None, None, None, None),
    ]
    assert [row[3:] for row in rows(workbook["现场技能考查"])[1:]] == [
        ("克里斯（主任）", "已提交", 70, SUBMITTED_AT),
        ("专家甲", "未到场（不计入）", None, SUBMITTED_AT),
    ]
    assert AuditRecord.objects.get(action="evaluation.export").actor_id == olivia.pk


def test_committee_record_pdf_names_members_recusals_scheme_results_and_list(client, scored, chris, tmp_path):
    proposed_list_update(actor=chris, round_=scored.round, size=3, reason="第三名与第二名差距较小")
    client.force_login(chris)

    response = client.get(reverse("evaluation:committee_record_pdf", args=[scored.round.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith(
        f"attachment; filename=\"committee-record-{scored.round.pk}.pdf\"; filename*=UTF-8''"
    )
    text = pdf_text(response.content, tmp_path)
    expected = [
        "评审委员会评审记录",
        f"批次：{scored.round.title}",
        "评分时间：2026年12月20日至2026年12月30日",
        # Members, the chair marked.
        "1克里斯主任威海职业学院正高级工程师",
        "2专家乙委员威海乙海洋科技有限公司正高级工程师",
        "3专家甲委员威海职业学院正高级工程师",
        # Recusals: who, whom, kind, reason.
        "专家乙李秀英同单位自动回避该专家工作单位与候选人推荐单位相同，依规自动回避。",
        # The scheme and its label.
        "1职业道德10.00",
        "综合评审合计100.00权重60%",
        "现场技能考查100.00权重40%",
        "说明：本评分方案为系统默认评分模板，供参考，非《环翠区首席技师选拔管理办法》规定，可由区人社局调整。",
        # Results.
        "1王建国威海甲精密机械有限公司85.0080.0083.004.0810.0059.67",
        "2李秀英威海乙海洋科技有限公司82.5067.5076.5012.5025.00*53.59",
        "3张志强威海甲精密机械有限公司65.0055.0061.004.0810.0037.94",
        "2李秀英70.00回避95.00",
        # The proposed list with its size reason.
        "建议人数：3人（本批次选拔名额2人左右）",
        "人数说明：第三名与第二名差距较小",
        "确认情况：待评审委员会主任确认。",
        # Signatures and date.
        "评审委员会主任：克里斯签字：",
        "委员：专家乙签字：",
        "委员：专家甲签字：",
        "评审日期：2026年12月30日",
    ]
    assert [phrase for phrase in expected if phrase not in text] == []
    fonts = pdf_fonts(response.content, tmp_path)
    assert fonts and all(font[0].endswith("WenQuanYiMicroHei-0") and font[-5] == "yes" for font in fonts)
    record = AuditRecord.objects.get(action="evaluation.export")
    assert record.after == {"document": "committee_record", "format": "pdf", "candidates": 3}


def test_committee_record_after_confirmation_says_who_confirmed(client, scored, chris, olivia, tmp_path):
    proposed_list_confirm(actor=chris, round_=scored.round, now=CLOSED_AT)
    client.force_login(olivia)

    response = client.get(reverse("evaluation:committee_record_pdf", args=[scored.round.pk]))

    text = pdf_text(response.content, tmp_path)
    assert "确认情况：已由评审委员会主任克里斯于2026年12月30日确认。" in text
    assert "1王建国女威海甲精密机械有限公司数控车工83.00" in text
