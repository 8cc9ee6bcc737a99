"""Chinese line breaking in printed paragraphs: no line starts with closing punctuation or ends with
opening punctuation, and a Latin word or a number is never cut."""

import subprocess
from pathlib import Path

import pytest
from django.urls import reverse

from chieftech.core.pdf import para, pdf_build, pdf_styles
from chieftech.core.pdf_linebreak import CANNOT_END, CANNOT_START, break_allowed
from tests.factories import make_application, make_round

# Runs of 9- and 10-character clauses: at any line length one of them puts "，" or "；" where a simple
# wrap starts a line; then clauses with other marks, Latin words and numbers.
REPEATED = "长期扎根生产一线，" * 12 + "深孔加工精度不稳定；" * 12
CLAUSES = [
    "他刻苦钻研数控编程，",
    "先后解决薄壁件变形、",
    "深孔加工精度不稳定等关键技术难题；",
    "使产品合格率由92%提高到99.5%。",
    "他总结的《王建国精车操作法》",
    "在全市推广！",
    "他改造的Siemens840D数控系统（",
    "“HeidenhainTNC640”）",
    "每年节约成本1234567.89元：",
    "带徒8人？",
    "是。",
]
DEEDS = REPEATED + "".join(CLAUSES[i % len(CLAUSES)] for i in range(60))
WORDS = ["Siemens840D", "HeidenhainTNC640", "1234567.89", "99.5%", "92%"]


def printed_lines(content: bytes, tmp_path: Path) -> list[str]:
    path = tmp_path / "text.pdf"
    path.write_bytes(content)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    # Each printed line with the blanks of the layout removed.
    return ["".join(line.split()) for line in text.splitlines() if line.strip()]


def assert_broken_by_the_rules(lines: list[str]) -> None:
    assert [line for line in lines if line[0] in CANNOT_START] == []
    assert [line for line in lines if line[-1] in CANNOT_END] == []
    for word in WORDS:
        # Each word is whole on its line: as many on the lines as in the text.
        assert sum(line.count(word) for line in lines) == DEEDS.count(word)


@pytest.mark.parametrize(
    ("before", "after", "allowed"),
    [
        ("术", "，", False),
        ("术", "。", False),
        ("书", "》", False),
        ("《", "王", False),
        ("（", "H", False),
        ("“", "H", False),
        ("s", "8", False),
        ("9", ".", False),
        ("—", "—", False),
        ("…", "…", False),
        ("，", "先", True),
        ("术", "难", True),
        ("D", "数", True),
        ("造", "S", True),
    ],
)
def test_where_a_line_may_break(before, after, allowed):
    assert break_allowed(before, after) is allowed


@pytest.mark.parametrize("width_mm", [120, 150, 173])
def test_a_paragraph_breaks_by_the_chinese_rules_at_any_width(db, width_mm, tmp_path):
    from reportlab.lib.units import mm

    styles = pdf_styles()
    paragraph = para(DEEDS, styles.body)
    paragraph.wrap(width_mm * mm, 10_000)
    lines = [
        "".join(line[1]) if isinstance(line, tuple) else "".join(frag.text for frag in line.words)
        for line in paragraph.blPara.lines
    ]

    assert "".join(lines) == DEEDS
    assert_broken_by_the_rules(lines)


def test_the_deeds_in_the_application_form_break_by_the_chinese_rules(client, alice, olivia, tmp_path):
    application = make_application(alice, make_round(olivia), deeds=DEEDS)
    client.force_login(alice)
    content = client.get(reverse("selection:application_pdf", args=[application.pk])).content

    lines = printed_lines(content, tmp_path)
    start = lines.index(f"六、主要事迹（共{len(DEEDS)}字）") + 1
    deeds_lines = [line for line in lines[start:] if not line.startswith("环翠区首席技师申报表·")]
    deeds_lines = deeds_lines[: deeds_lines.index("七、单位内部公示情况")]

    assert "".join(deeds_lines) == DEEDS
    assert_broken_by_the_rules(deeds_lines)


def test_a_full_width_paragraph_breaks_by_the_chinese_rules(db, tmp_path):
    content = pdf_build([para(DEEDS, pdf_styles().body)], title="事迹")
    lines = printed_lines(content, tmp_path)

    assert lines[-1] == "第1页共1页"
    assert "".join(lines[:-1]) == DEEDS
    assert_broken_by_the_rules(lines[:-1])
