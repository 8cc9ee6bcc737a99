"""The policy and calendar pages: who may open them, what they show, and that every save is audited."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from chieftech.audit.models import AuditRecord
from chieftech.policy.domain import calendar_year_save, policy_register
from chieftech.policy.models import CalendarDay, CalendarYear, PolicyVersion, SkillLevel
from chieftech.policy.status_effects import HUANCUI_STATUS_EFFECTS
from tests.factories import huancui
from tests.policy.test_policy import successor_data

PAGES = [
    ("policy:policy_list", {}),
    ("policy:policy_detail", None),  # the seeded version
    ("policy:policy_create", {}),
    ("policy:calendar_list", {}),
    ("policy:calendar_year", {"year": 2027}),
]
# Expected status per page for each named user: officers read policies; only the system admin manages.
ACCESS = {
    "sam": [200, 200, 200, 200, 200],
    "olivia": [200, 200, 403, 403, 403],
    "alice": [403, 403, 403, 403, 403],
    "aubrey": [403, 403, 403, 403, 403],
    "stranger": [403, 403, 403, 403, 403],
}


def page_url(name: str, kwargs: dict | None) -> str:
    if kwargs is None:
        kwargs = {"pk": PolicyVersion.objects.get().pk}
    return reverse(name, kwargs=kwargs)


@pytest.mark.parametrize("username", sorted(ACCESS))
def test_who_may_open_each_page(client, request, username):
    client.force_login(request.getfixturevalue(username))
    statuses = [client.get(page_url(name, kwargs)).status_code for name, kwargs in PAGES]
    assert statuses == ACCESS[username]


def test_anonymous_users_are_sent_to_login(client, db):
    for name, kwargs in PAGES:
        url = page_url(name, kwargs)
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == f"{reverse('accounts:login')}?next={url}"


def test_the_officer_sees_no_register_button_and_the_admin_does(client, olivia, sam):
    create_url = reverse("policy:policy_create")
    client.force_login(olivia)
    assert create_url not in client.get(reverse("policy:policy_list")).content.decode()
    client.force_login(sam)
    assert create_url in client.get(reverse("policy:policy_list")).content.decode()


def test_an_unknown_version_is_404(client, sam):
    client.force_login(sam)
    assert client.get(reverse("policy:policy_detail", kwargs={"pk": 999999})).status_code == 404


def test_a_year_out_of_range_is_404(client, sam):
    client.force_login(sam)
    assert client.get(reverse("policy:calendar_year", kwargs={"year": 1900})).status_code == 404


def test_the_detail_page_shows_every_parameter(client, olivia):
    client.force_login(olivia)
    response = client.get(page_url("policy:policy_detail", None))
    assert response.context["parameters"] == [
        ("选拔周期", "每2年选拔一次", "第四条"),
        ("每次选拔人数", "5人左右", "第四条"),
        ("管理期", "24个月", "第四条"),
        ("政府津贴", "每人每月500.00元", "第四条、第十二条"),
        ("最低技能等级", "技师（二级）以上", "第六条"),
        ("年龄", "一般不超过55周岁", "第七条（五）"),
        ("优先年龄", "同等条件下优先45周岁（含）以下", "第七条（五）"),
        ("公示期", "5个工作日", "第十条（五）"),
        ("复核带徒要求", "每年所带徒弟至少2人取得高级工（三级）以上职业技能等级证书", "第八条（五）"),
        ("事迹材料", "1000字左右", "第十条（二）"),
        ("届满提醒", "管理期届满前60天、30天提醒本人、所在单位和经办人", "第十六条（二）"),
        ("津贴发放周期", "按月发放", "第十二条"),
        ("津贴起计月份", "管理期起始次月起计发（起始日为1日的，当月起计发）", "第十二条"),
        ("首年津贴", "按发放周期当年发放", "第十二条"),
        ("复核认定", "每12个月复核认定一次，通过后发放其后各月津贴", "第八条、第十二条"),
        (
            "津贴个人所得税",
            "代扣个人所得税：劳务报酬所得，劳务报酬预扣法（每次收入不超过4000元的减除800元，超过的减除20%，"
            "按20%—40%预扣）",
            "个人所得税法",
        ),
        ("复核材料报送", "开启复核后15个工作日内报送；退回补正的，5个工作日内补正", "第十一条"),
        ("用人单位履职记录", "每年12月1日起提醒尚未记录当年情况的用人单位", "第十三条"),
        ("取消资格前的陈述申辩", "告知后5个工作日内", "第十七条"),
        ("弄虚作假被取消资格者", "永久不得申报", "第十七条（三）"),
    ]


# --- List pages: the same queries for one item as for three -----------------------------------------


# The system admin keeps every authority: one query lists them for its scope and the header's switcher.
POLICY_LIST_QUERIES = 13  # one of them lists the authorities for the expiry warnings
CALENDAR_LIST_QUERIES = 11


@pytest.mark.parametrize("count", [1, 3])
def test_policy_list_queries_do_not_grow_with_versions(client, sam, django_assert_num_queries, count):
    for i in range(count - 1):  # the seeded version is the first
        start = date(2028 + 2 * i, 1, 1)
        policy_register(
            actor=sam,
            authority=huancui(),
            data=successor_data(
                document_number=f"威环人社字〔{start.year}〕{i + 1}号",
                valid_from=start,
                valid_until=date(start.year + 1, 12, 31),
            ),
        )
    assert PolicyVersion.objects.count() == count
    client.force_login(sam)
    with django_assert_num_queries(POLICY_LIST_QUERIES):
        response = client.get(reverse("policy:policy_list"))
    assert len(response.context["rows"]) == count


@pytest.mark.parametrize("count", [1, 3])
def test_calendar_list_queries_do_not_grow_with_entered_years(client, sam, django_assert_num_queries, count):
    for year in range(2030, 2030 + count):
        calendar_year_save(actor=sam, year=year, source="通知（测试数据）", complete=True, days=[])
    client.force_login(sam)
    with django_assert_num_queries(CALENDAR_LIST_QUERIES):
        response = client.get(reverse("policy:calendar_list"))
    assert [s.year for s in (row["status"] for row in response.context["rows"]) if s.admin_source] == list(
        range(2029 + count, 2029, -1)
    )


# --- Registering a version through the form ---------------------------------------------------------------


def status_effect_fields(effects: dict | None = None) -> dict[str, str]:
    """The form's four fields per tenure status, as a browser sends them (default: the 2022 measures)."""
    fields = {}
    for key, row in (effects or HUANCUI_STATUS_EFFECTS).items():
        fields[f"effect_{key}_title"] = "1" if row["title_kept"] else "0"
        fields[f"effect_{key}_benefits"] = "1" if row["benefits_paid"] else "0"
        fields[f"effect_{key}_label"] = row["label"]
        fields[f"effect_{key}_note"] = row["note"]
    return fields


# The subsidy's rules as the form sends them: the seeded version's (monthly, from the next month, re-reviewed
# yearly, 劳务报酬 withheld by the prepayment rule). An unticked checkbox is not sent at all.
SUBSIDY_FORM = {
    "subsidy_cadence": "monthly",
    "subsidy_first_month": "next_month",
    "review_interval_months": "12",
    "subsidy_taxable": "on",
    "subsidy_income_category": "labour",
    "subsidy_tax_rule": "labour_prepay",
    "subsidy_tax_rate": "",
}


def form_data(**overrides) -> dict[str, str]:
    subsidy = {key: overrides.pop(key) for key in list(overrides) if key in SUBSIDY_FORM}
    data = {key: str(value) for key, value in successor_data(**overrides).items()} | status_effect_fields()
    return data | {key: value for key, value in (SUBSIDY_FORM | subsidy).items() if value is not None}


def test_the_form_is_prefilled_for_a_successor(client, sam):
    client.force_login(sam)
    form = client.get(reverse("policy:policy_create")).context["form"]
    assert form.initial["valid_from"] == date(2027, 12, 1)
    assert form.initial["monthly_subsidy"] == Decimal("500.00")
    assert {name: form.initial[name] for name in SUBSIDY_FORM} == {
        "subsidy_cadence": "monthly",
        "subsidy_first_month": "next_month",
        "review_interval_months": 12,
        "subsidy_taxable": True,
        "subsidy_income_category": "labour",
        "subsidy_tax_rule": "labour_prepay",
        "subsidy_tax_rate": None,
    }
    assert "valid_until" not in form.initial


def test_registering_through_the_form_saves_and_audits(client, sam):
    client.force_login(sam)
    response = client.post(reverse("policy:policy_create"), form_data())
    version = PolicyVersion.objects.get(document_number="威环人社字〔2027〕8号")
    assert response.status_code == 302
    assert response["Location"] == reverse("policy:policy_detail", kwargs={"pk": version.pk})
    assert version.monthly_subsidy == Decimal("600.00")
    assert version.min_skill_level == SkillLevel.TECHNICIAN
    assert list(AuditRecord.objects.values_list("action", "actor_username", "object_id")) == [
        ("policy.register", "sam", str(version.pk))
    ]


def test_form_errors_are_chinese_at_the_field_and_nothing_is_saved(client, sam):
    client.force_login(sam)
    response = client.post(
        reverse("policy:policy_create"),
        form_data(title="", valid_until="2027-13-01", quota_per_round="五", max_age="550"),
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "title": ["这个字段是必填项。"],
        "valid_until": ["输入一个有效的日期。"],
        "quota_per_round": ["输入整数。"],
    }
    assert PolicyVersion.objects.count() == 1
    assert AuditRecord.objects.count() == 0


def test_domain_errors_are_shown_at_the_field(client, sam):
    client.force_login(sam)
    response = client.post(reverse("policy:policy_create"), form_data(valid_from="2027-06-01", max_age="550"))
    assert response.status_code == 200
    assert response.context["form"].errors == {"max_age": ["年龄一般不超过（周岁）应在18至70之间。"]}
    response = client.post(reverse("policy:policy_create"), form_data(valid_from="2027-06-01"))
    assert response.context["form"].errors == {
        "valid_from": [
            "有效期与已登记的《环翠区首席技师选拔管理办法》（威环人社字〔2022〕26号，"
            "2022年12月1日至2027年11月30日）重叠：同一日期只能有一个有效的政策版本。"
        ]
    }
    assert "同一日期只能有一个有效的政策版本" in response.content.decode()
    assert PolicyVersion.objects.count() == 1
    assert AuditRecord.objects.count() == 0


def test_the_form_saves_the_subsidy_rules(client, sam):
    client.force_login(sam)
    response = client.post(
        reverse("policy:policy_create"),
        form_data(
            subsidy_cadence="yearly",
            subsidy_first_month="start_month",
            subsidy_first_year_deferred="on",
            review_interval_months="6",
            subsidy_income_category="wages",
            subsidy_tax_rule="flat_rate",
            subsidy_tax_rate="0.2",
        ),
    )
    assert response.status_code == 302
    version = PolicyVersion.objects.get(document_number="威环人社字〔2027〕8号")
    assert [getattr(version, name) for name in (*SUBSIDY_FORM, "subsidy_first_year_deferred")] == [
        "yearly",
        "start_month",
        6,
        True,
        "wages",
        "flat_rate",
        Decimal("0.2000"),
        True,
    ]
    detail = client.get(reverse("policy:policy_detail", kwargs={"pk": version.pk})).context["parameters"]
    assert detail[-9:-4] == [
        ("津贴发放周期", "按年发放", "第十二条"),
        ("津贴起计月份", "管理期起始当月起计发", "第十二条"),
        ("首年津贴", "管理期起始当年的津贴于次年一并发放", "第十二条"),
        ("复核认定", "每6个月复核认定一次，通过后发放其后各月津贴", "第八条、第十二条"),
        ("津贴个人所得税", "代扣个人所得税：工资、薪金所得，按固定比例代扣，比例20.00%", "个人所得税法"),
    ]


def test_a_subsidy_that_is_not_taxable_keeps_no_tax_rule(client, sam):
    client.force_login(sam)
    # The predecessor's category and rule are still in the form; unticking the box clears them.
    response = client.post(
        reverse("policy:policy_create"), form_data(subsidy_taxable=None, subsidy_tax_rate="0.3")
    )
    assert response.status_code == 302
    version = PolicyVersion.objects.get(document_number="威环人社字〔2027〕8号")
    assert (
        version.subsidy_taxable,
        version.subsidy_income_category,
        version.subsidy_tax_rule,
        version.subsidy_tax_rate,
    ) == (False, "", "", None)
    assert AuditRecord.objects.get(action="policy.register").after["subsidy_taxable"] is False


@pytest.mark.parametrize(
    ("overrides", "errors"),
    [
        (
            {"subsidy_income_category": "", "subsidy_tax_rule": ""},
            {
                "subsidy_income_category": ["需代扣个人所得税的，请选择所得项目。"],
                "subsidy_tax_rule": ["需代扣个人所得税的，请选择代扣规则。"],
            },
        ),
        (
            {"subsidy_tax_rule": "flat_rate"},
            {"subsidy_tax_rate": ["按固定比例代扣的，请填写大于0、小于1的代扣比例，如0.2000。"]},
        ),
        (
            {"subsidy_tax_rule": "flat_rate", "subsidy_tax_rate": "1"},
            {"subsidy_tax_rate": ["按固定比例代扣的，请填写大于0、小于1的代扣比例，如0.2000。"]},
        ),
        (
            {"subsidy_tax_rule": "flat_rate", "subsidy_tax_rate": "0"},
            {"subsidy_tax_rate": ["按固定比例代扣的，请填写大于0、小于1的代扣比例，如0.2000。"]},
        ),
        (
            {"review_interval_months": "121"},
            {"review_interval_months": ["复核认定间隔应在0至120个月之间（0表示不复核）。"]},
        ),
    ],
)
def test_wrong_subsidy_rules_are_refused_at_their_fields(client, sam, overrides, errors):
    client.force_login(sam)
    response = client.post(reverse("policy:policy_create"), form_data(**overrides))
    assert (response.status_code, response.context["form"].errors) == (200, errors)
    page = response.content.decode()
    assert [f'href="#id_{name}"' in page for name in errors] == [True] * len(errors)
    assert PolicyVersion.objects.count() == 1


def test_the_officer_cannot_register_by_posting(client, olivia):
    client.force_login(olivia)
    assert client.post(reverse("policy:policy_create"), form_data()).status_code == 403
    assert PolicyVersion.objects.count() == 1


# --- Entering a year's holiday schedule ----------------------------------------------------------------------

SCHEDULE_2027 = """# 测试数据，并非国务院办公厅的2027年通知
2027-01-01 放假 元旦
2027-02-06 上班 春节调休

2027-02-08 放假 春节
"""


def test_entering_a_year_saves_its_days_and_audits(client, sam):
    client.force_login(sam)
    response = client.post(
        reverse("policy:calendar_year", kwargs={"year": 2027}),
        {"source": "国务院办公厅通知（测试数据）", "complete": "on", "days": SCHEDULE_2027},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("policy:calendar_list")
    year = CalendarYear.objects.get(year=2027)
    assert (year.source, year.complete) == ("国务院办公厅通知（测试数据）", True)
    assert list(CalendarDay.objects.values_list("date", "kind", "name")) == [
        (date(2027, 1, 1), CalendarDay.Kind.HOLIDAY, "元旦"),
        (date(2027, 2, 6), CalendarDay.Kind.WORKDAY, "春节调休"),
        (date(2027, 2, 8), CalendarDay.Kind.HOLIDAY, "春节"),
    ]
    record = AuditRecord.objects.get()
    assert (record.action, record.actor_username, record.before) == ("calendar.year_save", "sam", None)
    assert record.after == {
        "year": 2027,
        "source": "国务院办公厅通知（测试数据）",
        "complete": True,
        "days": ["2027-01-01 放假 元旦", "2027-02-06 上班 春节调休", "2027-02-08 放假 春节"],
    }


def test_editing_a_year_replaces_its_days_and_audits_before_and_after(client, sam):
    calendar_year_save(
        actor=sam,
        year=2027,
        source="录入中",
        complete=False,
        days=[(date(2027, 1, 1), CalendarDay.Kind.HOLIDAY, "元旦")],
    )
    client.force_login(sam)
    form = client.get(reverse("policy:calendar_year", kwargs={"year": 2027})).context["form"]
    assert form.initial == {"days": "2027-01-01 放假 元旦", "source": "录入中", "complete": False}
    response = client.post(
        reverse("policy:calendar_year", kwargs={"year": 2027}),
        {"source": "通知（测试数据）", "days": "2027-01-02 放假 元旦"},
    )
    assert response.status_code == 302
    assert list(CalendarDay.objects.values_list("date", flat=True)) == [date(2027, 1, 2)]
    record = AuditRecord.objects.order_by("id").last()
    assert record.before["days"] == ["2027-01-01 放假 元旦"]
    assert record.after["days"] == ["2027-01-02 放假 元旦"]
    assert AuditRecord.objects.filter(action="calendar.year_save").count() == 2


def test_bad_schedule_lines_are_named_by_number_and_nothing_is_saved(client, sam):
    client.force_login(sam)
    days = "\n".join(
        [
            "2027-01-01 放假 元旦",
            "2027-01-01 放假 元旦",
            "2027/02/06 上班",
            "2027-02-30 放假 春节",
            "2027-02-08 休假",
            "2026-12-31 放假",
            "2027-03-01",
        ]
    )
    response = client.post(
        reverse("policy:calendar_year", kwargs={"year": 2027}), {"source": "", "days": days}
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "source": ["这个字段是必填项。"],
        "days": [
            "第2行：2027-01-01与第1行重复。",
            "第3行：日期“2027/02/06”格式不正确，应为YYYY-MM-DD，例如2027-01-01。",
            "第4行：日期“2027-02-30”不存在。",
            "第5行：类型“休假”无法识别，应为“放假”或“上班”。",
            "第6行：2026-12-31不属于2027年。",
            "第7行：应为“日期 放假/上班 名称”，例如“2027-01-01 放假 元旦”。",
        ],
    }
    assert CalendarYear.objects.count() == 0
    assert CalendarDay.objects.count() == 0
    assert AuditRecord.objects.count() == 0


def test_the_calendar_list_flags_next_year_without_data(client, sam):
    next_year = timezone.localdate().year + 1
    client.force_login(sam)
    warning = client.get(reverse("policy:calendar_list")).context["next_year_warning"]
    assert warning.startswith(f"{next_year}年的节假日安排尚未完整录入")
    calendar_year_save(actor=sam, year=next_year, source="通知（测试数据）", complete=True, days=[])
    assert client.get(reverse("policy:calendar_list")).context["next_year_warning"] == ""
