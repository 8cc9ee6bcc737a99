"""Each role's home page lists what awaits it; when nothing does, it says so in words."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.timezone import localdate

from chieftech.policy.calendar import calendar_next_year_warning
from chieftech.policy.domain import policy_expiry_warnings
from tests.factories import make_enterprise, make_id_number, make_user


def _home(client, user):
    client.force_login(user)
    response = client.get(reverse("core:home"))
    assert response.status_code == 200
    return response


def _section(response, role):
    [section] = [s for s in response.context["sections"] if s["role"] == role]
    return section


@pytest.mark.parametrize(
    ("who", "role", "title", "empty"),
    [
        ("erin", "expert", "评审专家", "目前没有分配给您的评审任务。"),
        ("chris", "chair", "评审委员会主任", "目前没有需要您主持或确认的评审。"),
        ("leo", "leader", "区委人才工作领导小组", "目前没有待审定的事项。"),
        ("gina", "government", "区政府经办人", "目前没有待批准的事项。"),
        ("aubrey", "auditor", "审计管理员", "审计日志随时可查阅；目前没有待办事项。"),
    ],
)
def test_roles_with_nothing_waiting_say_so_in_words(client, request, who, role, title, empty):
    response = _home(client, request.getfixturevalue(who))

    [section] = response.context["sections"]
    assert (section["role"], section["title"], section["items"], section["empty"]) == (role, title, [], empty)
    assert empty in response.content.decode()


def test_the_auditor_is_pointed_to_the_audit_log(client, aubrey):
    section = _section(_home(client, aubrey), "auditor")

    assert section["links"] == [{"label": "审计日志", "url": reverse("audit:record_list"), "count": None}]


def test_the_officer_sees_pending_registrations_with_their_count(
    client, olivia, pending_enterprise, enterprise_a
):
    make_enterprise("威海丁注册企业有限公司", status="pending", registered_via_portal=True)

    section = _section(_home(client, olivia), "officer")

    assert section["items"] == [
        {"label": "待审核的企业注册申请", "url": reverse("accounts:registration_list"), "count": 2}
    ]
    assert section["links"][1] == {
        "label": "企业管理",
        "url": reverse("accounts:enterprise_list"),
        "count": 3,
    }


def test_the_officer_with_no_pending_registration_is_told_so(client, olivia, enterprise_a):
    response = _home(client, olivia)

    section = _section(response, "officer")
    assert section["items"] == []
    assert (
        "目前没有待审核的企业注册申请、待资格审查的推荐申报，也没有待推进的评审、公示或审批环节。"
        in response.content.decode()
    )


def test_the_officer_sees_applications_awaiting_review(client, olivia, alice):
    from tests.factories import make_application, make_round

    round_ = make_round(olivia)
    make_application(alice, round_, submit=True)
    make_application(
        alice, round_, id_number=make_id_number(date(1985, 1, 1))
    )  # a draft: not the officer's yet

    section = _section(_home(client, olivia), "officer")

    assert section["items"] == [
        {"label": "待资格审查的推荐申报", "url": reverse("selection:round_list"), "count": 1}
    ]


def test_the_enterprise_sees_returned_applications_drafts_and_open_rounds(client, alice, olivia):
    from chieftech.selection.domain.review import review_decide
    from tests.factories import IN_WINDOW, make_application, make_round

    round_ = make_round(olivia)
    returned = make_application(alice, round_, submit=True)
    review_decide(
        actor=olivia, application=returned, outcome="returned", reason="请补充证书。", now=IN_WINDOW
    )
    make_application(alice, round_, id_number=make_id_number(date(1985, 1, 1)))

    section = _section(_home(client, alice), "enterprise")

    url = reverse("selection:my_applications")
    assert section["items"] == [
        {"label": "被退回补正的申报", "url": url, "count": 1},
        {"label": "尚未提交的申报草稿", "url": url, "count": 1},
        {"label": "正在接受申报的选拔批次", "url": url, "count": 1},
    ]


def test_the_system_admin_sees_policy_and_calendar_warnings_and_user_management(client, sam):
    section = _section(_home(client, sam), "sysadmin")

    today = localdate()
    expected = [
        {"label": t, "url": reverse("policy:policy_list"), "count": None}
        for t in policy_expiry_warnings(today=today)
    ]
    calendar_warning = calendar_next_year_warning(today=today)
    if calendar_warning:
        expected.append({"label": calendar_warning, "url": reverse("policy:calendar_list"), "count": None})
    assert section["items"] == expected
    assert [link["url"] for link in section["links"]] == [
        reverse("accounts:user_list"),
        reverse("policy:policy_list"),
        reverse("policy:calendar_list"),
    ]


def test_the_system_admin_is_warned_when_next_years_calendar_is_missing(client, sam):
    from chieftech.policy.calendar import library_covers

    next_year = localdate().year + 1
    if library_covers(next_year):
        pytest.skip(f"the calendar library already covers {next_year}")

    section = _section(_home(client, sam), "sysadmin")

    calendar_items = [i for i in section["items"] if i["url"] == reverse("policy:calendar_list")]
    assert [i["label"][:20] for i in calendar_items] == [f"{next_year}年的节假日安排尚未完整录入：跨入"]


def test_an_active_enterprise_user_sees_its_enterprise_and_nothing_pending(client, alice):
    response = _home(client, alice)

    [section] = response.context["sections"]
    assert (section["role"], section["message"], section["items"]) == (
        "enterprise",
        "威海甲精密机械有限公司（已认证）",
        [],
    )
    assert (
        section["empty"] == "目前没有待办事项。区人社局发布首席技师选拔申报通知后，可在此为本企业推荐候选人。"
    )
    assert section["links"] == [
        {"label": "推荐申报", "url": reverse("selection:my_applications"), "count": None},
        {"label": "首席技师津贴发放", "url": reverse("subsidy:enterprise_payments"), "count": None},
        {"label": "本企业信息", "url": reverse("accounts:my_enterprise"), "count": None},
    ]


def test_a_user_with_two_roles_gets_two_sections(client, db):
    user = make_user("duo", "officer", "expert")

    response = _home(client, user)

    assert [s["role"] for s in response.context["sections"]] == ["officer", "expert"]


def test_a_user_without_any_role_is_told_to_ask_the_admin(client, stranger):
    response = _home(client, stranger)

    assert response.context["sections"] == []
    assert "您的账号尚未分配角色，请联系系统管理员。" in response.content.decode()


def test_the_officers_home_runs_the_same_queries_with_one_or_three_registrations(
    client, olivia, django_assert_num_queries
):
    make_enterprise(status="pending")
    client.force_login(olivia)
    client.get(reverse("core:home"))
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("core:home"))

    make_enterprise(status="pending")
    make_enterprise(status="pending")
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(reverse("core:home"))
    assert _section(response, "officer")["items"][0]["count"] == 3
