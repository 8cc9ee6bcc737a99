"""The officer's register of chief technicians (首席技师名册): filters, counts, pages, the person's page and the
Excel export, for the officer of the term's authority only."""

from datetime import date, timedelta
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from chieftech.accounts.models import Industry
from chieftech.accounts.roles import Role
from chieftech.audit.models import AuditRecord
from chieftech.core.dates import date_zh
from chieftech.policy.models import PolicyVersion, Town
from chieftech.policy.territory import towns_forget
from chieftech.selection.models import Round, RoundState
from chieftech.tenure.models import Tenure, TenureStatus
from tests.factories import grant, make_enterprise, make_round, make_user, make_weihai
from tests.portal.helpers import BANK_ACCOUNT, TERM_END, TERM_START, chief_round, make_chief, round_publish

REGISTER = reverse("tenure:tenure_list")
EXPORT = reverse("tenure:register_export")


def detail_url(tenure) -> str:
    return reverse("tenure:tenure_detail", args=[tenure.pk])


def names(response) -> list[str]:
    return [row["name"] for row in response.context["rows"]]


@pytest.fixture
def city(db):
    """Another authority with its own policy, officer and chief technician: none of it may reach olivia."""
    city = make_weihai()
    PolicyVersion.objects.create(
        authority=city,
        issuer="威海市人力资源和社会保障局",
        document_number="威人社发〔2025〕1号",
        title="威海市首席技师选拔管理办法",
        valid_from=date(2025, 1, 1),
        valid_until=date(2029, 12, 31),
        selection_interval_years=1,
        quota_per_round=15,
        management_period_months=24,
        monthly_subsidy="800.00",
        min_skill_level=5,
        max_age=55,
        priority_age=45,
        notice_working_days=5,
        apprentices_per_year=2,
    )
    return city


@pytest.fixture
def far_officer(city):
    return make_user("far_officer", Role.OFFICER, authority=city, real_name="远官")


@pytest.fixture
def far_tenure(city, far_officer):
    """A chief technician of the city, of an enterprise in the city's own town, named like nobody of olivia's."""
    Town.objects.create(authority=city, code="wh-gaoqu", name="高区（测试）")
    towns_forget()
    far_user = make_user(
        "far_user", Role.ENTERPRISE, enterprise=make_enterprise("威海远方制造有限公司", town="wh-gaoqu")
    )
    round_ = make_round(
        far_officer, authority=city, title="2026年度威海市首席技师选拔", confirmed=True, publish=False
    )
    # The city has no wording for a call of its own: the round is simply opened for this test.
    Round.objects.filter(pk=round_.pk).update(state=RoundState.OPEN)
    round_.refresh_from_db()
    return make_chief(far_officer, far_user, round_, name="远方技师")


@pytest.fixture
def register(olivia, alice, bob):
    """Three of olivia's chief technicians that each filter tells apart.

    甲 (alice's enterprise, 张村镇, 装备制造, the 2026 round, active), 乙 (bob's enterprise, 羊亭镇, 海洋产业,
    the 2026 round, suspended) and 丙 (alice's enterprise, the 2024 round, expired, ending soon before that)."""
    bob.enterprise.town, bob.enterprise.industry = "yangting", Industry.MARINE
    bob.enterprise.save(update_fields=["town", "industry"])
    current = chief_round(olivia)
    earlier = chief_round(olivia, title="2024年度环翠区首席技师选拔")
    jia = make_chief(olivia, alice, current, name="张甲")
    yi = make_chief(olivia, bob, current, name="李乙", status=TenureStatus.SUSPENDED, certificate=False)
    bing = make_chief(olivia, alice, earlier, name="王丙", status=TenureStatus.EXPIRED)
    return {"current": current, "earlier": earlier, "jia": jia, "yi": yi, "bing": bing}


# --- The list and its filters ------------------------------------------------------------------------


def test_the_register_lists_every_chief_technician_newest_first_each_linking_to_the_person(
    client, olivia, register
):
    client.force_login(olivia)
    response = client.get(REGISTER)

    assert names(response) == ["张甲", "李乙", "王丙"]
    html = response.content.decode()
    for key in ("jia", "yi", "bing"):
        tenure = register[key]
        assert f'<a href="{detail_url(tenure)}">{tenure.application.name}</a>' in html
    assert "<h1>首席技师名册</h1>" in html


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"status": "active"}, ["张甲"]),
        ({"status": "suspended"}, ["李乙"]),
        ({"status": "expired"}, ["王丙"]),
        ({"status": "revoked"}, []),
        ({"q": "乙"}, ["李乙"]),
        ({"town": "yangting"}, ["李乙"]),
        ({"town": "zhangcun"}, ["张甲", "王丙"]),
        ({"industry": "marine"}, ["李乙"]),
        ({"industry": "manufacturing"}, ["张甲", "王丙"]),
        ({"town": "zhangcun", "status": "expired"}, ["王丙"]),
        # A value that is not a choice is ignored, never an error page.
        ({"status": "nonsense", "town": "nowhere", "round": "x"}, ["张甲", "李乙", "王丙"]),
        # Keys past what the database holds are no keys, never a server error.
        ({"round": "99999999999999999999", "enterprise": str(2**63)}, ["张甲", "李乙", "王丙"]),
        ({"round": "１２", "enterprise": "-1"}, ["张甲", "李乙", "王丙"]),
    ],
)
def test_each_filter_narrows_the_register_exactly(client, olivia, register, filters, expected):
    client.force_login(olivia)
    assert names(client.get(REGISTER, filters)) == expected


def test_the_round_and_enterprise_filters_narrow_by_id(client, olivia, alice, bob, register):
    client.force_login(olivia)
    assert names(client.get(REGISTER, {"round": register["earlier"].pk})) == ["王丙"]
    assert names(client.get(REGISTER, {"round": register["current"].pk})) == ["张甲", "李乙"]
    assert names(client.get(REGISTER, {"enterprise": bob.enterprise_id})) == ["李乙"]
    assert names(client.get(REGISTER, {"enterprise": alice.enterprise_id})) == ["张甲", "王丙"]


def test_the_ending_soon_filter_keeps_running_terms_ending_within_the_reminder_period(
    client, olivia, register
):
    today = timezone.localdate()
    Tenure.objects.filter(pk=register["jia"].pk).update(ends_on=today + timedelta(days=60))
    Tenure.objects.filter(pk=register["yi"].pk).update(ends_on=today + timedelta(days=61))
    # Expired already: its end date no longer makes it "ending".
    Tenure.objects.filter(pk=register["bing"].pk).update(ends_on=today + timedelta(days=5))
    client.force_login(olivia)
    assert names(client.get(REGISTER, {"ending": "soon"})) == ["张甲"]


def test_the_filter_form_offers_the_registers_own_rounds_and_enterprises(
    client, olivia, alice, bob, register, far_tenure
):
    client.force_login(olivia)
    form = client.get(REGISTER).context["form"]
    # Both rounds are of the year 2026 (the factory's): the later made comes first.
    assert form.fields["round"].choices == [
        ("", "全部"),
        (str(register["earlier"].pk), "2024年度环翠区首席技师选拔"),
        (str(register["current"].pk), "2026年度环翠区首席技师选拔"),
    ]
    assert form.fields["enterprise"].choices == [
        ("", "全部"),
        *sorted([(str(e.pk), e.name) for e in (alice.enterprise, bob.enterprise)], key=lambda c: c[1]),
    ]


def test_counts_per_status_follow_the_other_filters_and_link_to_the_status(client, olivia, register):
    client.force_login(olivia)
    tallies = client.get(REGISTER, {"town": "zhangcun", "page": "1"}).context["tallies"]

    assert [(t["label"], t["count"], t["current"]) for t in tallies] == [
        ("全部", 2, True),
        ("有效", 1, False),
        ("保留资格、停止待遇", 0, False),
        ("复核未通过", 0, False),
        ("管理期满", 1, False),
        ("已取消资格", 0, False),
    ]
    assert tallies[1]["url"] == f"{REGISTER}?town=zhangcun&status=active"
    assert tallies[0]["url"] == f"{REGISTER}?town=zhangcun"


def test_nothing_matching_says_so(client, olivia, register):
    client.force_login(olivia)
    response = client.get(REGISTER, {"q": "无此人"})
    assert names(response) == []
    assert '<p class="empty">没有符合条件的首席技师。</p>' in response.content.decode()


def test_an_empty_register_says_when_it_fills(client, olivia, far_tenure):
    client.force_login(olivia)
    response = client.get(REGISTER)
    assert names(response) == []
    assert "还没有首席技师：区政府批准后，每位首席技师的管理期将在此列出。" in response.content.decode()


def test_fifty_to_a_page_and_the_next_page_keeps_the_filters(client, olivia, alice):
    round_ = chief_round(olivia)
    for n in range(51):
        make_chief(olivia, alice, round_, name=f"技师{n:02d}", certificate=False, consent=False)
    client.force_login(olivia)

    first = client.get(REGISTER, {"status": "active"})
    second = client.get(REGISTER, {"status": "active", "page": "2"})

    assert (len(first.context["rows"]), len(second.context["rows"])) == (50, 1)
    assert 'href="?status=active&amp;page=2"' in first.content.decode()
    assert names(second) == ["技师50"]


def test_the_register_shows_the_phone_and_bank_account_masked_and_no_id_number(client, olivia, register):
    client.force_login(olivia)
    response = client.get(REGISTER)

    html = response.content.decode()
    application = register["jia"].application
    assert response.context["rows"][0]["phone"] == application.phone[:3] + "****" + application.phone[-4:]
    for tenure in (register["jia"], register["yi"], register["bing"]):
        assert tenure.application.phone not in html
        assert tenure.application.id_number not in html
        for account in tenure.bank_accounts.all():
            assert account.number not in html
            assert f"{account.number[:4]} **** **** {account.number[-4:]}" in html
    assert "no-store" in response["Cache-Control"]


def test_another_authoritys_chief_technician_is_not_in_the_register(client, olivia, register, far_tenure):
    client.force_login(olivia)
    html = client.get(REGISTER).content.decode()
    assert names(client.get(REGISTER)) == ["张甲", "李乙", "王丙"]
    assert "远方技师" not in html
    assert far_tenure.enterprise.name not in html
    assert names(client.get(REGISTER, {"round": far_tenure.application.round_id})) == []
    assert names(client.get(REGISTER, {"q": "远方"})) == []


def test_the_register_costs_the_same_queries_for_one_or_three_rows(
    client, olivia, alice, bob, django_assert_num_queries
):
    round_ = chief_round(olivia)
    make_chief(olivia, alice, round_, name="技师一")
    client.force_login(olivia)
    # Session, user, permissions (2), authorities, rounds, enterprises, policies, counts, page count, rows,
    # the rows' bank accounts, the rows' duties log of the year, the menu's roles, unread count, session save (2).
    with django_assert_num_queries(QUERIES):
        assert len(client.get(REGISTER).context["rows"]) == 1
    with django_assert_num_queries(QUERIES):
        assert (
            len(client.get(REGISTER, {"town": "zhangcun", "status": "active", "q": "技师"}).context["rows"])
            == 1
        )

    make_chief(olivia, bob, round_, name="技师二", certificate=False)
    make_chief(olivia, alice, chief_round(olivia, title="2024年度"), name="技师三", consent=False)
    with django_assert_num_queries(QUERIES):
        assert len(client.get(REGISTER).context["rows"]) == 3
    with django_assert_num_queries(QUERIES):
        assert len(client.get(REGISTER, {"q": "技师", "status": "active"}).context["rows"]) == 3


QUERIES = 17


# --- The person's page -------------------------------------------------------------------------------


def test_the_persons_page_shows_the_term_and_the_timeline(client, olivia, register):
    round_publish(olivia, register["current"])
    tenure = register["jia"]
    client.force_login(olivia)

    response = client.get(detail_url(tenure))

    context = response.context
    assert (context["name"], context["round"], context["certificate"], context["status"]) == (
        "张甲",
        "2026年度环翠区首席技师选拔",
        tenure.certificate.number,
        "有效",
    )
    assert context["term"] == f"{date_zh(TERM_START)}至{date_zh(TERM_END)}"
    assert context["status_since"] == date_zh(TERM_START)
    assert context["showcase_url"] == reverse("tenure:tenure_showcase", args=[tenure.pk])
    # Consent was recorded today, before the term starts (TERM_START is in 2027).
    assert [(event["on"], event["title"]) for event in context["timeline"]] == [
        (date_zh(TERM_START), "颁发证书"),
        (date_zh(TERM_START), "管理期开始"),
        (date_zh(TERM_START), "区政府批准为首席技师"),
        (date_zh(timezone.localdate()), "同意在门户展示"),
    ]
    html = response.content.decode()
    assert tenure.application.id_number not in html
    assert tenure.application.phone not in html
    for account in tenure.bank_accounts.all():
        assert account.number not in html
    assert BANK_ACCOUNT[:4] not in html
    assert "no-store" in response["Cache-Control"]


def test_another_authoritys_chief_technician_is_not_found(client, olivia, far_tenure):
    client.force_login(olivia)
    assert client.get(detail_url(far_tenure)).status_code == 404
    assert client.get(reverse("tenure:tenure_detail", args=[far_tenure.pk + 1000])).status_code == 404


# --- The Excel export --------------------------------------------------------------------------------


def sheet_of(response):
    workbook = load_workbook(BytesIO(b"".join(response.streaming_content)))
    return workbook["首席技师名册"]


def test_the_export_holds_the_filtered_register_masked_with_a_title_and_the_filters(
    client, olivia, register, far_tenure
):
    client.force_login(olivia)

    response = client.get(EXPORT, {"town": "zhangcun", "status": "expired"})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"].startswith('attachment; filename="chief-technicians.xlsx"')
    assert "no-store" in response["Cache-Control"]
    sheet = sheet_of(response)
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    today = date_zh(timezone.localdate())
    assert rows[0][0] == f"环翠区首席技师名册（威海市环翠区人力资源和社会保障局，{today}导出）"
    assert rows[1][0] == "筛选条件：状态：管理期满；镇街：张村镇"
    assert rows[2] == [
        "序号",
        "姓名",
        "选拔批次",
        "现工作单位",
        "镇街",
        "行业",
        "职业（工种）",
        "证书编号",
        "管理期起始",
        "管理期结束",
        "状态",
        "状态生效日期",
        "手机号码",
        "门户展示",
        f"履职记录（{timezone.localdate().year}年）",
        f"履职记录分类（{timezone.localdate().year}年）",
    ]
    bing = register["bing"]
    phone = bing.application.phone
    assert rows[3:] == [
        [
            1,
            "王丙",
            "2024年度环翠区首席技师选拔",
            bing.enterprise.name,
            "张村镇",
            "装备制造",
            "数控车工",
            bing.certificate.number,
            "2027-02-01",
            "2029-01-31",
            "管理期满",
            "2027-02-01",
            phone[:3] + "****" + phone[-4:],
            "同意",
            0,
            None,
        ]
    ]
    assert sheet.freeze_panes == "A4"
    assert (sheet.column_dimensions["B"].width, sheet.column_dimensions["D"].width) == (10, 30)


def test_the_export_without_filters_holds_every_row_and_never_another_authoritys(
    client, olivia, register, far_tenure
):
    client.force_login(olivia)
    rows = list(sheet_of(client.get(EXPORT)).iter_rows(values_only=True))

    assert rows[1][0] == "筛选条件：全部"
    assert [row[1] for row in rows[3:]] == ["张甲", "李乙", "王丙"]
    assert [row[7] for row in rows[3:]] == [
        register["jia"].certificate.number,
        "未颁发",
        register["bing"].certificate.number,
    ]
    values = {str(value) for row in rows for value in row}
    for tenure in (register["jia"], register["yi"], register["bing"], far_tenure):
        assert tenure.application.id_number not in values
        assert tenure.application.phone not in values
    assert "远方技师" not in values


def test_an_out_of_range_key_in_the_exports_filters_is_ignored(client, olivia, register):
    client.force_login(olivia)
    rows = list(
        sheet_of(client.get(EXPORT, {"round": str(2**63), "status": "active"})).iter_rows(values_only=True)
    )
    assert [row[1] for row in rows[3:]] == ["张甲"]


def test_the_export_is_audited_with_its_filters_and_row_count(client, olivia, register):
    client.force_login(olivia)
    client.get(EXPORT, {"status": "active", "page": "2"})

    [record] = AuditRecord.objects.filter(action="tenure.register_export")
    assert (record.actor_id, record.object_repr, record.authority_id) == (
        olivia.pk,
        "首席技师名册导出",
        register["jia"].authority_id,
    )
    assert record.after == {"filters": {"status": "active"}, "rows": 1, "format": "xlsx"}


def test_an_officer_of_two_authorities_exports_both_and_each_chain_records_its_own_rows(
    client, olivia, city, register, far_tenure
):
    grant(olivia, Role.OFFICER, authority=city)
    client.force_login(olivia)

    assert names(client.get(REGISTER)) == ["张甲", "李乙", "王丙", "远方技师"]
    rows = list(sheet_of(client.get(EXPORT)).iter_rows(values_only=True))

    assert rows[0][0].startswith(
        "环翠区首席技师名册、威海市首席技师名册（威海市环翠区人力资源和社会保障局、威海市人力资源和社会保障局，"
    )
    assert len(rows[3:]) == 4
    records = AuditRecord.objects.filter(action="tenure.register_export").order_by("authority_id")
    assert [(r.authority_id, r.after["rows"]) for r in records] == [
        (register["jia"].authority_id, 3),
        (city.pk, 1),
    ]


# --- Who may see it ----------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["alice", "bob", "erin", "chris", "leo", "gina", "aubrey", "sam", "stranger"])
def test_only_the_officer_sees_the_register(client, request, register, who):
    client.force_login(request.getfixturevalue(who))
    urls = [REGISTER, detail_url(register["jia"]), EXPORT]
    assert [client.get(url).status_code for url in urls] == [403, 403, 403]
    assert not AuditRecord.objects.filter(action="tenure.register_export").exists()


def test_a_holder_with_an_account_does_not_see_the_register(client, register):
    holder = make_user("holder", Role.TECHNICIAN)
    Tenure.objects.filter(pk=register["jia"].pk).update(user=holder)
    client.force_login(holder)
    assert [client.get(url).status_code for url in (REGISTER, detail_url(register["jia"]), EXPORT)] == [
        403,
        403,
        403,
    ]


def test_the_officer_of_another_authority_sees_only_their_own(client, register, far_officer, far_tenure):
    client.force_login(far_officer)
    assert names(client.get(REGISTER)) == ["远方技师"]
    assert client.get(detail_url(register["jia"])).status_code == 404
    rows = list(sheet_of(client.get(EXPORT)).iter_rows(values_only=True))
    assert [row[1] for row in rows[3:]] == ["远方技师"]


@pytest.mark.parametrize("url", [REGISTER, EXPORT])
def test_anonymous_visitors_are_sent_to_sign_in(client, url):
    response = client.get(url)
    assert (response.status_code, response["Location"]) == (302, f"{reverse('accounts:login')}?next={url}")


def test_the_persons_page_sends_anonymous_visitors_to_sign_in(client, register):
    url = detail_url(register["jia"])
    response = client.get(url)
    assert (response.status_code, response["Location"]) == (302, f"{reverse('accounts:login')}?next={url}")


def test_the_register_and_the_export_take_no_post(client, olivia, register):
    client.force_login(olivia)
    assert [client.post(url).status_code for url in (REGISTER, EXPORT, detail_url(register["jia"]))] == [
        405,
        405,
        405,
    ]
