"""The 申报表 as PDF and Word, the blank form of a call, and the round's applications list in Excel."""

import re
import subprocess
from datetime import date
from io import BytesIO
from pathlib import Path

import pytest
from django.test import override_settings
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook
from PIL import Image

from chieftech.audit.models import AuditRecord
from chieftech.core.pdf import PdfFontMissing, register_cjk_font
from chieftech.selection.documents.pdf import _deeds_chunks
from chieftech.selection.domain.applications import application_submit, application_update
from chieftech.selection.domain.review import review_decide
from chieftech.selection.models import Application
from tests.factories import IN_WINDOW, judged, make_application, make_id_number, make_round

EXPORT_QUERIES = 18
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

ALICE_ID = make_id_number(date(1980, 5, 17))
ALICE_ID_MASKED = ALICE_ID[:4] + "*" * 10 + ALICE_ID[-4:]
ALICE_PHONE = "13863112345"
CERTIFICATE_NUMBER = "S000037100000255001"
DEEDS = (
    "王建国同志1998年参加工作，一直在数控车间一线从事精密零件加工。"
    "他刻苦钻研数控编程与工艺优化，先后解决薄壁件变形、深孔加工精度不稳定等关键技术难题十余项。\n"
    "他主持的“高精度液压阀体加工工艺改进”项目，使产品合格率由92%提高到99.5%，每年为企业节约成本一百余万元。"
    "他总结的“王建国精车操作法”在全市同行业推广。\n"
    "他注重传技带徒，先后带徒8人，其中5人取得技师职业资格，2人在市级职业技能竞赛中获奖。"
)


def pdf_text(content: bytes, tmp_path: Path) -> str:
    path = tmp_path / "form.pdf"
    path.write_bytes(content)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def pdf_fonts(content: bytes, tmp_path: Path) -> list[list[str]]:
    path = tmp_path / "fonts.pdf"
    path.write_bytes(content)
    output = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    return [line.split() for line in output.splitlines()[2:]]


def docx_cells(content: bytes) -> list[str]:
    document = Document(BytesIO(content))
    return [cell.text for table in document.tables for row in table.rows for cell in row.cells]


@pytest.fixture
def round_(olivia):
    return make_round(olivia)


@pytest.fixture
def application(alice, olivia, round_):
    """Alice's submitted application with every part of the form filled, qualified by the bureau."""
    application = make_application(alice, round_, deeds=DEEDS)
    application_update(
        actor=alice,
        application=application,
        data={},
        competitions=[
            {"name": "威海市数控车工职业技能大赛", "level": "city_1", "rank": "一等奖", "year": 2021}
        ],
        achievements=[
            {
                "kind": "patent",
                "title": "一种液压阀体夹紧装置",
                "number": "ZL202120123456.7",
                "achieved_on": date(2022, 3, 8),
                "description": "实用新型专利",
            },
            {"kind": "method", "title": "王建国精车操作法", "description": "在全市同行业推广"},
        ],
    )
    application_submit(actor=alice, application=application, now=IN_WINDOW)
    review_decide(
        actor=olivia,
        application=application,
        outcome="qualified",
        reason="符合申报条件。",
        officer_verdicts=judged(application),
        now=IN_WINDOW,
    )
    return Application.objects.get(pk=application.pk)


# --- Looking at it ---------------------------------------------------------------------------------


def render_pages(content: bytes, name: str, tmp_path: Path) -> list[Path]:
    """Each page as a PNG under test-artifacts/, to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    source = tmp_path / f"{name}.pdf"
    source.write_bytes(content)
    for old in ARTIFACTS.glob(f"{name}-*.png"):
        old.unlink()
    subprocess.run(["pdftoppm", "-r", "80", "-png", str(source), str(ARTIFACTS / name)], check=True)
    return sorted(ARTIFACTS.glob(f"{name}-*.png"))


def test_the_filled_and_the_blank_form_render_to_a4_pages(client, alice, application, round_, tmp_path):
    client.force_login(alice)
    filled = client.get(reverse("selection:application_pdf", args=[application.pk])).content
    blank = client.get(reverse("selection:blank_form_pdf", args=[round_.pk])).content
    filled_pages = render_pages(filled, "application-form", tmp_path)
    blank_pages = render_pages(blank, "blank-application-form", tmp_path)
    assert len(filled_pages) == 2
    assert len(blank_pages) == 2
    # A4 (595 x 842 pt) at 80 dpi.
    assert {Image.open(page).size for page in filled_pages + blank_pages} == {(662, 936)}


def submitted(user, round_, *, name: str, birth: date, **overrides) -> Application:
    application = make_application(user, round_, name=name, id_number=make_id_number(birth), **overrides)
    return application_submit(actor=user, application=application, now=IN_WINDOW)


# --- The filled form as PDF ------------------------------------------------------------------------


def test_the_pdf_shows_the_application_with_id_number_and_phone_masked(client, alice, application, tmp_path):
    client.force_login(alice)
    response = client.get(reverse("selection:application_pdf", args=[application.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content, tmp_path)
    for expected in (
        "环翠区首席技师申报表",
        "王建国",
        "威海甲精密机械有限公司",
        CERTIFICATE_NUMBER,
        ALICE_ID_MASKED,
        "138****2345",
        "威海市数控车工职业技能大赛",
        "ZL202120123456.7",
        "主要事迹（共200字）",
        "2026年11月3日至2026年11月9日",
        "审查结论：资格审查通过",
        "经办人：欧丽",
    ):
        assert expected in text, expected
    assert ALICE_ID not in text
    assert ALICE_PHONE not in text


def test_the_pdf_embeds_its_only_font(client, alice, application, tmp_path):
    client.force_login(alice)
    response = client.get(reverse("selection:application_pdf", args=[application.pk]))
    fonts = pdf_fonts(response.content, tmp_path)
    # reportlab splits the subset into 256-glyph parts; each is a TrueType font, embedded ("emb yes").
    assert {(row[0].split("+")[1], row[1], row[3]) for row in fonts} == {
        ("WenQuanYiMicroHei-0", "TrueType", "yes")
    }


def test_the_whole_deeds_statement_is_printed_across_pages(client, alice, round_, tmp_path):
    # One paragraph at the hard maximum, without a single full stop: no row of the form may outgrow a page.
    deeds = "".join(f"第{i}项攻关" for i in range(1, 601))[:3000]
    application = make_application(alice, round_, deeds=deeds)
    client.force_login(alice)
    response = client.get(reverse("selection:application_pdf", args=[application.pk]))
    text = re.sub(
        r"环翠区首席技师申报表·王建国第\d页共\d页", "", "".join(pdf_text(response.content, tmp_path).split())
    )
    assert len(_deeds_chunks(deeds)) == 13
    assert "主要事迹（共3000字）" in text
    assert deeds in text


def test_the_bureau_box_stays_blank_until_a_final_decision(client, alice, olivia, round_, tmp_path):
    application = submitted(alice, round_, name="李卫东", birth=date(1979, 3, 2))
    client.force_login(alice)
    url = reverse("selection:application_pdf", args=[application.pk])
    assert "审查结论" not in pdf_text(client.get(url).content, tmp_path)
    review_decide(
        actor=olivia, application=application, outcome="returned", reason="请补充专利证书。", now=IN_WINDOW
    )
    # A return for correction is not the bureau's opinion on the form.
    assert "审查结论" not in pdf_text(client.get(url).content, tmp_path)


def test_text_from_the_form_is_printed_as_written(client, alice, round_, tmp_path):
    application = make_application(alice, round_, enterprise_opinion="同意推荐<b>&amp;</b> & 5<6")
    client.force_login(alice)
    response = client.get(reverse("selection:application_pdf", args=[application.pk]))
    assert "同意推荐<b>&amp;</b> & 5<6" in pdf_text(response.content, tmp_path)


def test_an_officer_may_print_the_full_numbers_and_each_reveal_is_audited(
    client, olivia, application, tmp_path
):
    client.force_login(olivia)
    response = client.get(reverse("selection:application_pdf", args=[application.pk]) + "?reveal=1")
    text = pdf_text(response.content, tmp_path)
    assert ALICE_ID in text
    assert ALICE_PHONE in text
    reveals = AuditRecord.objects.filter(action="personal_data.reveal").order_by("id")
    assert [(r.actor_username, r.object_id, r.after["field"], r.reason) for r in reveals] == [
        ("olivia", str(application.pk), "id_number", "打印申报表（PDF）"),
        ("olivia", str(application.pk), "phone", "打印申报表（PDF）"),
    ]


def test_the_enterprise_cannot_ask_for_the_full_numbers(client, alice, application):
    client.force_login(alice)
    response = client.get(reverse("selection:application_pdf", args=[application.pk]) + "?reveal=1")
    assert response.status_code == 403
    assert not AuditRecord.objects.filter(action="personal_data.reveal").exists()


def test_downloads_are_attachments_with_the_chinese_name(client, alice, application):
    client.force_login(alice)
    response = client.get(reverse("selection:application_pdf", args=[application.pk]))
    assert response["Content-Disposition"] == (
        f'attachment; filename="application-{application.pk}.pdf"; '
        "filename*=UTF-8''%E7%8E%AF%E7%BF%A0%E5%8C%BA%E9%A6%96%E5%B8%AD%E6%8A%80%E5%B8%88%E7%94%B3%E6%8A%A5%E8%A1%A8"
        f"_%E7%8E%8B%E5%BB%BA%E5%9B%BD_2026-{application.pk:05d}.pdf"
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"


def test_a_missing_font_names_the_package_to_install(tmp_path):
    with (
        override_settings(PDF_FONT_PATH=str(tmp_path / "missing.ttc")),
        pytest.raises(PdfFontMissing) as missing,
    ):
        register_cjk_font()
    assert "apt-get install fonts-wqy-microhei" in str(missing.value)


# --- The filled form as Word -----------------------------------------------------------------------


def test_the_docx_holds_the_application_in_its_tables(client, alice, application):
    client.force_login(alice)
    response = client.get(reverse("selection:application_docx", args=[application.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    assert response["Content-Disposition"].startswith(
        f'attachment; filename="application-{application.pk}.docx"'
    )
    cells = docx_cells(response.content)
    for expected in ("王建国", "威海甲精密机械有限公司", CERTIFICATE_NUMBER, ALICE_ID_MASKED, "138****2345"):
        assert expected in cells, expected
    assert "主要事迹（共200字）" in " ".join(cells)
    everything = "".join(cells)
    assert ALICE_ID not in everything
    assert ALICE_PHONE not in everything


def test_the_docx_names_its_chinese_font_for_word(client, alice, application):
    client.force_login(alice)
    document = Document(
        BytesIO(client.get(reverse("selection:application_docx", args=[application.pk])).content)
    )
    fonts = document.styles["Normal"].element.rPr.rFonts
    assert fonts.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia") == "宋体"
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)


# --- The blank form of a call ----------------------------------------------------------------------


def test_anyone_downloads_the_blank_form_of_an_open_call(client, round_, tmp_path):
    response = client.get(reverse("selection:blank_form_pdf", args=[round_.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    text = pdf_text(response.content, tmp_path)
    assert "批次：2026年度环翠区首席技师选拔" in text
    assert "主要事迹（1000字左右，不超过3000字，可另附页）" in text
    docx = client.get(reverse("selection:blank_form_docx", args=[round_.pk]))
    assert docx.status_code == 200
    cells = docx_cells(docx.content)
    assert cells[cells.index("姓名") + 1] == ""
    assert "批次：2026年度环翠区首席技师选拔" in cells


def test_the_blank_form_of_a_draft_round_does_not_exist(client, olivia):
    draft = make_round(olivia, title="2027年度（草稿）", year=2027, publish=False, confirmed=True)
    assert client.get(reverse("selection:blank_form_pdf", args=[draft.pk])).status_code == 404
    assert client.get(reverse("selection:blank_form_docx", args=[draft.pk])).status_code == 404
    assert client.get(reverse("selection:blank_form_pdf", args=[draft.pk + 1])).status_code == 404


# --- Who may download an application's form --------------------------------------------------------


@pytest.mark.parametrize("name", ["selection:application_pdf", "selection:application_docx"])
@pytest.mark.parametrize(
    ("user", "status"),
    [("alice", 200), ("olivia", 200), ("bob", 404), ("erin", 403), ("stranger", 403)],
)
def test_only_the_owning_enterprise_and_officers_get_the_form(
    client, request, application, name, user, status
):
    client.force_login(request.getfixturevalue(user))
    assert client.get(reverse(name, args=[application.pk])).status_code == status


@pytest.mark.parametrize("name", ["selection:application_pdf", "selection:application_docx"])
def test_anonymous_users_are_sent_to_log_in_for_a_form(client, application, name):
    url = reverse(name, args=[application.pk])
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:login')}?next={url}"


# --- The round's applications in Excel -------------------------------------------------------------

HEADER = (
    "序号",
    "姓名",
    "性别",
    "年龄",
    "身份证号码",
    "联系电话",
    "推荐单位",
    "镇街",
    "行业",
    "职业（工种）",
    "最高技能等级",
    "推荐方式",
    "状态",
    "提交时间",
    "资格审查结论",
    "审查意见",
)


def export_rows(response) -> list[tuple]:
    content = b"".join(response.streaming_content)
    sheet = load_workbook(BytesIO(content), read_only=True)["申报名单"]
    # A row ends at its last non-empty cell in the file.
    return [row + (None,) * (len(HEADER) - len(row)) for row in sheet.iter_rows(values_only=True)]


def test_the_export_lists_the_rounds_submitted_applications_masked(
    client, olivia, alice, bob, application, round_
):
    other = submitted(bob, round_, name="赵海燕", birth=date(1985, 9, 30), phone="0631-5201234")
    make_application(alice, round_, name="钱草稿", id_number=make_id_number(date(1990, 1, 1)))  # a draft
    later = make_round(olivia, title="2028年度环翠区首席技师选拔", year=2028, confirmed=True)
    make_application(alice, later, name="孙别批", id_number=make_id_number(date(1982, 2, 2)), submit=True)
    client.force_login(olivia)
    response = client.get(reverse("selection:round_export_xlsx", args=[round_.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith(
        f"attachment; filename=\"applications-{round_.pk}.xlsx\"; filename*=UTF-8''"
    )
    other_id = make_id_number(date(1985, 9, 30))
    submitted_at = "2026-11-20 10:00"
    assert export_rows(response) == [
        HEADER,
        (
            1,
            "王建国",
            "男",
            46,
            ALICE_ID_MASKED,
            "138****2345",
            "威海甲精密机械有限公司",
            "张村镇",
            "装备制造",
            "数控车工",
            "技师（二级）",
            "企业推荐",
            "资格审查通过",
            submitted_at,
            "资格审查通过",
            "符合申报条件。",
        ),
        (
            2,
            "赵海燕",
            "男",
            41,
            other_id[:4] + "*" * 10 + other_id[-4:],
            "063****1234",
            "威海乙海洋科技有限公司",
            "张村镇",
            "装备制造",
            "数控车工",
            "技师（二级）",
            "企业推荐",
            "已提交待审",
            submitted_at,
            None,
            None,
        ),
    ]
    assert other.state == "submitted"
    record = AuditRecord.objects.get(action="application.export")
    assert (record.actor_username, record.object_id, record.after) == (
        "olivia",
        str(round_.pk),
        {"filters": {}, "rows": 2, "format": "xlsx"},
    )


def test_the_export_takes_the_queue_filters(client, olivia, alice, bob, application, round_):
    submitted(bob, round_, name="赵海燕", birth=date(1985, 9, 30))
    client.force_login(olivia)
    url = reverse("selection:round_export_xlsx", args=[round_.pk])
    by_state = export_rows(client.get(url, {"state": "submitted"}))
    assert [row[1] for row in by_state[1:]] == ["赵海燕"]
    by_name = export_rows(client.get(url, {"q": "建国"}))
    assert [row[1] for row in by_name[1:]] == ["王建国"]
    by_id_number = export_rows(client.get(url, {"q": make_id_number(date(1985, 9, 30))}))
    assert [row[1] for row in by_id_number[1:]] == ["赵海燕"]
    by_enterprise = export_rows(client.get(url, {"enterprise": str(alice.enterprise_id), "town": "zhangcun"}))
    assert [row[1] for row in by_enterprise[1:]] == ["王建国"]
    assert export_rows(client.get(url, {"industry": "marine"})) == [HEADER]
    assert export_rows(client.get(url, {"flag": "age_priority"}))[1:][0][1] == "赵海燕"
    exports = AuditRecord.objects.filter(action="application.export").order_by("id")
    assert [record.after["filters"] for record in exports][:2] == [{"state": "submitted"}, {"q": "建国"}]


def test_formula_like_text_is_exported_as_text(client, olivia, alice, round_):
    submitted(alice, round_, name="=HYPERLINK(1)", birth=date(1980, 5, 17))
    client.force_login(olivia)
    content = b"".join(client.get(reverse("selection:round_export_xlsx", args=[round_.pk])).streaming_content)
    cell = load_workbook(BytesIO(content))["申报名单"]["B2"]
    assert (cell.value, cell.data_type) == ("=HYPERLINK(1)", "s")


@pytest.mark.parametrize(("user", "status"), [("alice", 403), ("erin", 403), ("stranger", 403)])
def test_only_officers_export(client, request, round_, user, status):
    client.force_login(request.getfixturevalue(user))
    assert client.get(reverse("selection:round_export_xlsx", args=[round_.pk])).status_code == status
    assert not AuditRecord.objects.filter(action="application.export").exists()


def test_anonymous_users_are_sent_to_log_in_for_the_export(client, round_):
    url = reverse("selection:round_export_xlsx", args=[round_.pk])
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:login')}?next={url}"


@pytest.mark.parametrize("count", [1, 3])
def test_the_export_costs_the_same_queries_for_1_and_3_applications(
    client, olivia, alice, round_, count, django_assert_num_queries
):
    for n in range(count):
        review_decide(
            actor=olivia,
            application=submitted(alice, round_, name=f"申报人{n}", birth=date(1980, 1, 1 + n)),
            outcome="not_qualified",
            reason="技能等级不符。",
            now=IN_WINDOW,
        )
    client.force_login(olivia)
    url = reverse("selection:round_export_xlsx", args=[round_.pk])
    with django_assert_num_queries(EXPORT_QUERIES):
        rows = export_rows(client.get(url))
    assert len(rows) == count + 1
