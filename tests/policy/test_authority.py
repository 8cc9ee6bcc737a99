"""A second authority in the same installation (SPEC.md §2): its documents speak its own names and wording,
its certificates carry its own prefix, its territory is its own; the seeded district's stay as they were.
And no code names the seeded district: its names live in the data only."""

import re
import subprocess
from datetime import date
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

import chieftech
from chieftech.accounts.forms import RegistrationForm
from chieftech.accounts.roles import Role
from chieftech.certificates.documents import certificate_pdf, round_certificates, verification_url
from chieftech.certificates.models import Certificate
from chieftech.evaluation.domain.scheme import scheme_default_create
from chieftech.policy.identity import site_identity, site_identity_forget
from chieftech.policy.models import Authority, PolicyVersion, Town
from chieftech.policy.territory import OUTSIDE_TOWN, town_choices, towns_forget
from chieftech.policy.wording import WordingError, wording_render
from chieftech.publicity.domain.approval import roster_publish
from chieftech.publicity.domain.notice import NoticePeriod, notice_body_render, notice_title
from chieftech.selection.domain.eligibility import check_competition, check_district
from chieftech.selection.domain.rounds import round_create
from tests.certificates.factories import approve_staged, make_approval_stage_round
from tests.factories import (
    DEFAULT_TIMELINE,
    SHANGHAI,
    committee_chair,
    grant,
    huancui,
    make_enterprise,
    make_round,
)

SRC = Path(chieftech.__file__).parent

HUANCUI_CALL = """关于开展2026年度环翠区首席技师选拔工作的通知

各镇政府、街道办事处，里口山管理服务中心，区直有关部门、单位，各企业：

根据《环翠区首席技师选拔管理办法》（威环人社字〔2022〕26号），经区委人才工作领导小组同意，现开展2026年度环翠区首席技师选拔工作。有关事项通知如下：

一、选拔范围
全区各类所有制经济企业中，具有技师（二级）以上职业资格、在一线岗位上直接从事技术技能工作的高技能人才，重点从我区经济发展支柱产业和战略性新兴产业相关企业中选拔。本次选拔5人左右，管理期2年，管理期内每人每月发放政府津贴500元。

二、选拔条件
（一）热爱祖国，遵纪守法，爱岗敬业，具有良好的职业道德和社会公德，为所在单位发展作出突出贡献；
（二）职业技能在市内同行业（领域）中处于领先水平、区内同行业（领域）中处于拔尖水平，市级一、二类职业技能竞赛成绩优异者；
（三）具有绝招绝技，能够解决关键技术难题，获得技术创新革新成果或者专利，创造了同行业公认的先进操作法，在编制国家级标准工艺、工作方法方面具有突出贡献；
（四）在带徒方面成绩突出，所带徒弟多人成为所在单位技术骨干、在各类职业技能竞赛中取得优异成绩；
（五）年龄一般不超过55周岁（以2026年12月15日计算），同等条件下优先从45周岁（含）以下的高技能人才中选拔。

三、推荐方式
由各企业推荐或从各类职业技能竞赛成绩优异者中推荐，经单位公示后上报。

四、申报材料
1. 环翠区首席技师申报表（可在本页面下载空白表）；
2. 1000字左右的事迹材料；
3. 申报人职业资格证书、主要技术成果、获奖情况等证明材料；
4. 单位内部公示情况。
申报材料通过本系统在线填报、上传。

五、时间安排
申报时间：2026年11月2日至2026年12月15日24时，逾期不予受理；
资格审查：2026年12月31日前完成；
专家评审（含现场技能考查）：2027年1月29日前完成；
评审结束后，建议人选名单在有关网站和申报单位公示5个工作日。

六、工作要求
各单位要严格把关，确保申报材料真实准确。材料弄虚作假者，取消当年的申报资格。

联系方式：区人力资源和社会保障局

威海市环翠区人力资源和社会保障局
"""

HUANCUI_NOTICE = """根据《环翠区首席技师选拔管理办法》（威环人社字〔2022〕26号）规定，经企业推荐、资格审查、专家评审和现场技能考查，2026年度环翠区首席技师选拔评审委员会提出了3名环翠区首席技师建议人选。为广泛听取社会各界意见，接受群众监督，现将建议人选名单予以公示（名单附后）。

公示时间为2026年12月21日至12月25日（五个工作日），截至12月25日24时（北京时间）。

公示期间，任何单位和个人对公示人选有异议的，可通过本网站公示页面的“提出异议”在线提交，也可以书面、来电或来访的方式向区人力资源和社会保障局反映。反映问题须实事求是、客观公正，以真实姓名反映，并提供联系方式和具体事实，尽可能附相关证明材料，以便调查核实；匿名或缺乏具体事实的反映不予受理。对反映人的信息严格保密。在线提交的异议可凭回执码查询处理情况。

联系方式：威海市环翠区人力资源和社会保障局

附：2026年度环翠区首席技师选拔建议人选名单

威海市环翠区人力资源和社会保障局
2026年12月21日
"""

WEIHAI_CALL = """关于开展{year}年度{title_name}选拔工作的通知

根据《{policy_title}》（{policy_number}），经{leadership}同意，现开展{year}年度{title_name}选拔工作。本次选拔{quota}人，管理期{management_years}年，申报时间为{opens_on}至{deadline}。

联系方式：{contact}

{bureau}
"""
WEIHAI_NOTICE = """经{leadership}同意，现将{round_title}{count}名建议人选予以公示。{period}，截至{closes}。

{bureau}
{issued_on}
"""
WEIHAI_CERTIFICATE = "经{leadership}审定、{government}批准，授予您{year}年度{title_name}称号。特发此证。"
WEIHAI_APPROVAL = "经{leadership}审定、{government}批准（{document_number}），{published_on}发布。"
WEIHAI_TOWNS = [("wh-gaoqu", "高区（测试）"), ("wh-jingqu", "经区（测试）")]


@pytest.fixture
def weihai(db, olivia, leo, gina):
    """The city bureau, with its own towns, wording, prefix, counted competition levels and policy; the
    district's officer, leader and government approver hold the same roles for the city too."""
    city = Authority.objects.create(
        code="weihai",
        name="威海市",
        level="city",
        parent=None,
        bureau_name="威海市人力资源和社会保障局",
        leadership_name="市委人才工作领导小组",
        government_name="市人民政府",
        title_name="威海市首席技师",
        site_name="威海市首席技师选拔管理系统",
        public_base_url="https://rsj.weihai.example.cn/",
        certificate_prefix="WHSJ",
        counted_competition_levels=["national", "provincial", "city_1"],
        scoring_template={
            **huancui().scoring_template,
            "criteria": [
                {"name": "技能水平", "description": "", "max_points": "60"},
                {"name": "传技带徒", "description": "", "max_points": "40"},
            ],
            "note": "{bureau}默认评分模板，非《{policy_title}》规定。",
        },
        call_wording=WEIHAI_CALL,
        notice_wording=WEIHAI_NOTICE,
        certificate_wording=WEIHAI_CERTIFICATE,
        approval_wording=WEIHAI_APPROVAL,
        contact_default="市人社局职业能力建设处",
    )
    city.full_clean()
    for position, (code, name) in enumerate(WEIHAI_TOWNS):
        Town.objects.create(authority=city, code=code, name=name, position=position)
    PolicyVersion.objects.create(
        authority=city,
        issuer="威海市人力资源和社会保障局",
        document_number="威人社发〔2025〕1号",
        title="威海市首席技师选拔管理办法",
        valid_from=date(2025, 1, 1),
        valid_until=date(2029, 12, 31),
        selection_interval_years=1,
        quota_per_round=15,
        management_period_months=48,
        monthly_subsidy="800.00",
        min_skill_level=5,
        max_age=55,
        priority_age=45,
        notice_working_days=5,
        apprentices_per_year=2,
    )
    for user, role in ((olivia, Role.OFFICER), (leo, Role.LEADER), (gina, Role.GOVERNMENT)):
        grant(user, role, authority=city)
    grant(committee_chair(), Role.CHAIR, authority=city)
    # The per-process maps learn of a change when it commits; a test's transaction never does.
    towns_forget()
    site_identity_forget()
    return city


def weihai_round(officer, city, **fields):
    return round_create(
        actor=officer,
        authority=city,
        title="2026年度威海市首席技师选拔",
        year=2026,
        **DEFAULT_TIMELINE,
        **fields,
    )


# --- Documents ------------------------------------------------------------------------------------


def test_each_authoritys_call_is_written_in_its_own_wording(olivia, weihai):
    city_round = weihai_round(olivia, weihai)
    district_round = make_round(olivia, publish=False)

    assert city_round.call_text == (
        "关于开展2026年度威海市首席技师选拔工作的通知\n\n"
        "根据《威海市首席技师选拔管理办法》（威人社发〔2025〕1号），经市委人才工作领导小组同意，"
        "现开展2026年度威海市首席技师选拔工作。本次选拔15人，管理期4年，申报时间为2026年11月2日至2026年12月15日。\n\n"
        "联系方式：市人社局职业能力建设处\n\n"
        "威海市人力资源和社会保障局\n"
    )
    assert district_round.call_text == HUANCUI_CALL


def test_each_authoritys_notice_has_its_own_title_and_text(olivia, weihai):
    city_round = weihai_round(olivia, weihai)
    district_round = make_round(olivia, publish=False)
    period = NoticePeriod(date(2026, 12, 21), date(2026, 12, 25), 5)

    assert notice_title(city_round) == "关于2026年度威海市首席技师建议人选的公示"
    assert notice_body_render(round_=city_round, starts_on=date(2026, 12, 21), period=period, count=3) == (
        "经市委人才工作领导小组同意，现将2026年度威海市首席技师选拔3名建议人选予以公示。"
        "公示时间为2026年12月21日至12月25日（五个工作日），截至12月25日24时。\n\n"
        "威海市人力资源和社会保障局\n2026年12月21日\n"
    )
    assert notice_title(district_round) == "关于2026年度环翠区首席技师建议人选的公示"
    assert (
        notice_body_render(round_=district_round, starts_on=date(2026, 12, 21), period=period, count=3)
        == HUANCUI_NOTICE
    )


def test_a_round_seeds_its_scheme_from_its_authoritys_template(olivia, weihai):
    scheme = scheme_default_create(round_=weihai_round(olivia, weihai))

    assert [(c.name, str(c.max_points)) for c in scheme.criteria.order_by("order")] == [
        ("技能水平", "60.00"),
        ("传技带徒", "40.00"),
    ]


def pdf_lines(content: bytes, tmp_path: Path) -> list[str]:
    path = tmp_path / "certificate.pdf"
    path.write_bytes(content)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    return ["".join(line.split()) for line in text.splitlines() if line.strip()]


@pytest.fixture
def both_published(olivia, leo, gina, alice, bob, weihai):
    """A published round in each authority, one candidate each, certificates issued on approval."""
    from datetime import datetime

    district_round, _ = make_approval_stage_round(olivia, [alice], n=1)
    city_round, _ = make_approval_stage_round(
        olivia, [bob], n=1, title="2026年度威海市首席技师选拔", confirmed=True
    )
    # The staged round was made in the district; it becomes the city's before anything is decided on it.
    city_policy = PolicyVersion.objects.get(authority=weihai)
    type(city_round).objects.filter(pk=city_round.pk).update(authority=weihai, policy=city_policy)
    city_round.refresh_from_db()
    published = datetime(2027, 1, 4, 9, 0, tzinfo=SHANGHAI)
    for round_, number in ((district_round, "威环政字〔2026〕12号"), (city_round, "威政字〔2026〕3号")):
        approve_staged(round_, leo, gina, document_number=number)
        roster_publish(actor=olivia, round_=round_, now=published)
    return district_round, city_round


def test_certificates_carry_their_authoritys_prefix_wording_bureau_and_address(both_published, tmp_path):
    district_round, city_round = both_published
    district = round_certificates(district_round)[0]
    city = round_certificates(city_round)[0]

    assert (district.number, city.number) == ("HCSJ-2026-001", "WHSJ-2026-001")
    city_lines = pdf_lines(certificate_pdf(city), tmp_path)
    assert (
        "".join(city_lines[3:5])
        == "经市委人才工作领导小组审定、市人民政府批准，授予您2026年度威海市首席技师称号。特发此证。"
    )
    assert city_lines[-3] == f"查验码：{city.verification_code}威海市人力资源和社会保障局"
    district_lines = pdf_lines(certificate_pdf(district), tmp_path)
    assert (
        "".join(district_lines[3:5])
        == "经区委人才工作领导小组审定、区人民政府批准，您被评为2026年度环翠区首席技师。特发此证。"
    )
    assert verification_url(city) == f"https://rsj.weihai.example.cn/verify/{city.verification_code}/"
    assert verification_url(district) == f"http://127.0.0.1:8000/verify/{district.verification_code}/"


def test_each_certificate_is_titled_with_its_own_authoritys_title(both_published, tmp_path):
    district_round, city_round = both_published
    city = pdf_lines(certificate_pdf(round_certificates(city_round)[0]), tmp_path)
    district = pdf_lines(certificate_pdf(round_certificates(district_round)[0]), tmp_path)
    assert (city[0], district[0]) == ("威海市首席技师证书", "环翠区首席技师证书")


def test_the_verification_page_names_the_issuing_bureau(client, both_published):
    district_round, city_round = both_published
    for round_, bureau in (
        (city_round, "威海市人力资源和社会保障局"),
        (district_round, "威海市环翠区人力资源和社会保障局"),
    ):
        certificate = Certificate.objects.get(tenure__application__round=round_)
        response = client.get(reverse("verify:verify", args=[certificate.verification_code]))
        assert response.context["issuer"] == bureau
        assert f"<dt>发证机关</dt><dd>{bureau}</dd>" in response.content.decode()


def test_the_roster_labels_each_round_with_its_authority_once_there_are_two(client, both_published):
    district_round, city_round = both_published

    response = client.get(reverse("verify:roster"), {"round": city_round.pk})

    html = response.content.decode()
    assert response.context["several"] is True
    assert '<p class="roster-authority">发证机关：威海市人力资源和社会保障局</p>' in html
    assert "经市委人才工作领导小组审定、市人民政府批准（威政字〔2026〕3号），2027年1月4日发布。" in html
    assert [o["title"] for o in response.context["others"]] == [f"环翠区：{district_round.title}"]


# --- The portal -----------------------------------------------------------------------------------


def test_the_portal_labels_calls_by_authority_only_when_two_have_any(client, olivia, weihai):
    make_round(olivia)
    response = client.get(reverse("portal:call_list"))
    assert response.context["calls_several"] is False
    assert "<small>环翠区</small>" not in response.content.decode()

    from chieftech.selection.domain.rounds import round_publish_call
    from tests.factories import IN_WINDOW

    round_publish_call(actor=olivia, round_=weihai_round(olivia, weihai), now=IN_WINDOW)
    response = client.get(reverse("portal:call_list"))
    assert response.context["calls_several"] is True
    assert sorted(c["authority"] for c in response.context["calls"]) == ["威海市", "环翠区"]
    assert "<small>威海市</small>" in response.content.decode()


def test_the_site_is_the_first_authoritys_and_introduces_every_programme(weihai):
    identity = site_identity()

    assert (identity.site_name, identity.bureau_name) == (
        "环翠区首席技师选拔管理系统",
        "威海市环翠区人力资源和社会保障局",
    )
    assert (identity.policy_title, identity.policy_number) == (
        "环翠区首席技师选拔管理办法",
        "威环人社字〔2022〕26号",
    )
    assert [(p.authority, p.interval_years) for p in identity.programmes] == [("环翠区", 2), ("威海市", 1)]


# --- Territory and eligibility --------------------------------------------------------------------


def test_the_registration_form_offers_every_territorys_towns_grouped_by_authority(weihai):
    choices = RegistrationForm().fields["town"].choices

    assert [group for group, _towns in choices[1:-1]] == ["环翠区", "威海市"]
    assert choices[2][1] == WEIHAI_TOWNS
    assert choices[-1] == (OUTSIDE_TOWN, "以上均不是")


def test_a_single_territory_offers_its_towns_as_a_flat_list(db):
    choices = town_choices()

    assert choices[0] == ("huancuilou", "环翠楼街道")
    assert (len(choices), choices[-1]) == (16, (OUTSIDE_TOWN, "以上均不是"))


def test_a_citys_territory_holds_its_own_towns_and_its_districts(weihai):
    district = huancui()
    in_district = make_enterprise(town="zhangcun")
    in_city = make_enterprise(town="wh-gaoqu")
    outside = make_enterprise(town=OUTSIDE_TOWN)

    assert [in_district.in_territory(district), in_city.in_territory(district)] == [True, False]
    assert [in_district.in_territory(weihai), in_city.in_territory(weihai)] == [False, True]

    Authority.objects.filter(pk=district.pk).update(parent=weihai)
    towns_forget()
    assert [in_district.in_territory(weihai), outside.in_territory(weihai)] == [True, False]


def test_the_district_check_names_the_rounds_authority(weihai):
    in_city = make_enterprise(town="wh-jingqu")

    check = check_district(enterprise=in_city, authority=weihai)
    assert (check.title, check.verdict, check.reason) == (
        "用人单位在威海市内",
        "pass",
        "第六条：推荐单位位于经区（测试），属于本市企业。",
    )
    refused = check_district(enterprise=in_city, authority=huancui())
    assert (refused.title, refused.verdict, refused.reason) == (
        "用人单位在环翠区内",
        "fail",
        "第六条：选拔范围为全区各类所有制经济企业，推荐单位不在本区。",
    )


def test_each_authority_counts_its_own_competition_levels(weihai):
    def verdict(authority):
        counted = authority.counted_competition_levels
        return check_competition(route="competition", level="city_2", rank="第一名", counted_levels=counted)

    assert verdict(huancui()).verdict == "pass"
    assert (verdict(weihai).verdict, verdict(weihai).reason) == (
        "judge",
        "第七条（二）：竞赛推荐应为市级一类以上职业技能竞赛成绩优异者，请核对竞赛级别。",
    )


# --- Wording is checked when it is saved ----------------------------------------------------------


def test_an_unknown_placeholder_is_refused_when_the_authority_is_saved(weihai):
    weihai.certificate_wording = "您被评为{year}年度{honour}。"
    weihai.notice_wording = "{round_title.__class__}"

    with pytest.raises(ValidationError) as refused:
        weihai.full_clean()

    assert set(refused.value.message_dict) == {"certificate_wording", "notice_wording"}
    assert refused.value.message_dict["certificate_wording"][0].startswith("文稿中的占位符{honour}无法识别。")


@pytest.mark.parametrize("template", ["{0}", "{}", "{year.real}", "{year[0]}", "{year:{width}}", "{year"])
def test_the_renderer_fills_names_only(template):
    with pytest.raises(WordingError):
        wording_render(template, {"year": 2026})


def test_the_renderer_fills_known_names_and_keeps_doubled_braces():
    assert wording_render("{{注}}{year}年度", {"year": 2026}) == "{注}2026年度"


# --- No code names the seeded district ------------------------------------------------------------

SEEDED_NAMES = ["环翠", "威海", "HCSJ"]


def test_no_code_names_the_seeded_district_its_towns_or_its_prefix(db):
    names = SEEDED_NAMES + list(Town.objects.filter(authority=huancui()).values_list("name", flat=True))
    pattern = re.compile("|".join(map(re.escape, names)))
    offending = []
    for path in sorted(SRC.rglob("*")):
        relative = path.relative_to(SRC)
        if (
            not path.is_file()
            or "migrations" in relative.parts
            or path.stem == "demo"
            or path.stem.startswith("demo_")
        ):
            continue
        if path.suffix not in {".py", ".html", ".txt", ".js", ".css", ".md", ".json", ".toml"}:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if pattern.search(line):
                offending.append(f"{relative}:{number}: {line.strip()}")
    assert len(names) == 18
    assert offending == []


@pytest.mark.parametrize(
    ("name", "emblem"), [("环翠区", "翠"), ("威海市", "海"), ("山东省", "东"), ("区", "区")]
)
def test_the_header_emblem_is_the_hosts_name_without_its_level(name, emblem):
    from chieftech.policy.identity import _emblem

    assert _emblem(name) == emblem


def test_the_header_shows_the_seeded_districts_emblem(client):
    assert '<span class="brand-emblem" aria-hidden="true">翠</span>' in client.get("/").content.decode()
