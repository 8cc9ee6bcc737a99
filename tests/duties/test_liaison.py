# ruff: noqa: F811  (the fixtures imported from tests/duties/support_fixtures.py are the tests' parameters)
"""The liaison cadre (第14条(五)): one at a time per holder, assigned by the officer, with the contacts logged;
the phone encrypted and masked on every page."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.urls import reverse

from chieftech.audit.models import AuditRecord
from chieftech.core.confirm import IRREVERSIBLE
from chieftech.core.errors import DomainError
from chieftech.core.models import Notification
from chieftech.duties.domain.liaison import liaison_assign, liaison_contact_add
from chieftech.duties.models import LiaisonAssignment, LiaisonContact
from tests.duties.support_fixtures import at, tech1, walter, wang, weihai  # noqa: F401  (fixtures)
from tests.factories import grant, huancui, make_tenure
from tests.test_irreversible_actions import asked, confirm

NOW = at(date(2025, 12, 10))
CADRE = {
    "cadre_name": "刘建军",
    "cadre_post": "区人社局副局长",
    "cadre_unit": "环翠区人力资源和社会保障局",
    "cadre_phone": "13963112345",
    "assigned_on": date(2025, 3, 1),
}


def assign(actor, tenure, **changes):
    return liaison_assign(actor=actor, tenure=tenure, now=NOW, **{**CADRE, **changes})


def contact(actor, assignment, **changes):
    fields = {"contacted_on": date(2025, 6, 1), "mode": "visit", "difficulties": "子女入学", "resolution": ""}
    return liaison_contact_add(actor=actor, assignment=assignment, now=NOW, **{**fields, **changes})


def test_the_officer_assigns_a_cadre_whose_phone_is_stored_encrypted_and_the_holder_is_told(
    olivia, tech1, wang
):
    assignment = assign(olivia, wang)

    with connection.cursor() as cursor:
        cursor.execute("SELECT cadre_phone FROM duties_liaisonassignment WHERE id = %s", [assignment.pk])
        stored = cursor.fetchone()[0]
    assert "13963112345" not in stored
    assert (assignment.cadre_phone, assignment.cadre_phone_masked) == ("13963112345", "139****2345")
    audit = AuditRecord.objects.get(action="duties.liaison_assign")
    assert audit.after["cadre_phone"] == "139****2345"
    note = Notification.objects.get(user=tech1)
    assert (note.subject, note.body) == (
        "已为您确定联系领导干部",
        "自2025年3月1日起，区人社局副局长刘建军（环翠区人力资源和社会保障局）作为联系领导干部联系服务您。",
    )


def test_a_new_cadre_ends_the_current_one_the_day_before(olivia, wang):
    first = assign(olivia, wang)
    second = assign(olivia, wang, cadre_name="张明", assigned_on=date(2025, 9, 1))

    first.refresh_from_db()
    assert (first.ended_on, second.ended_on) == (date(2025, 8, 31), None)
    assert AuditRecord.objects.filter(action="duties.liaison_end").count() == 1


def test_a_new_cadre_not_after_the_current_one_or_before_its_contacts_is_refused(olivia, wang):
    first = assign(olivia, wang)
    contact(olivia, first, contacted_on=date(2025, 9, 10))

    with pytest.raises(DomainError) as before:
        assign(olivia, wang, assigned_on=date(2025, 3, 1))
    with pytest.raises(DomainError) as contacts:
        assign(olivia, wang, assigned_on=date(2025, 9, 5))

    assert before.value.message_dict == {
        "assigned_on": ["确定联系日期应晚于现联系领导干部刘建军的确定联系日期（2025年3月1日）。"]
    }
    assert contacts.value.message_dict == {
        "assigned_on": ["刘建军在2025年9月5日及以后还有联系记录，确定联系日期应晚于这些记录。"]
    }
    assert LiaisonAssignment.objects.count() == 1


def test_each_bad_field_of_an_assignment_is_named(olivia, wang):
    with pytest.raises(DomainError) as caught:
        assign(
            olivia, wang, cadre_name="", cadre_post=" ", cadre_phone="12345", assigned_on=date(2025, 12, 11)
        )

    assert caught.value.message_dict == {
        "cadre_name": ["请填写联系领导干部姓名。"],
        "cadre_post": ["请填写职务。"],
        "cadre_phone": ["请输入有效的手机号码（11位）或带区号的固定电话（如0631-5201234）。"],
        "assigned_on": ["确定联系日期不能晚于今天。"],
    }


def test_an_enterprise_the_holder_and_weihai_may_not_assign(alice, tech1, walter, wang):
    for actor in (alice, tech1, walter):
        with pytest.raises(PermissionDenied):
            assign(actor, wang)

    assert LiaisonAssignment.objects.count() == 0


def test_a_holder_who_became_an_officer_may_not_assign_their_own_cadre(tech1, wang):
    grant(tech1, "officer", authority=huancui())

    with pytest.raises(PermissionDenied):
        assign(tech1, wang)


def test_contacts_lie_between_the_assignment_and_its_end(olivia, wang):
    first = assign(olivia, wang)
    assign(olivia, wang, cadre_name="张明", assigned_on=date(2025, 9, 1))
    first.refresh_from_db()

    logged = contact(olivia, first, contacted_on=date(2025, 8, 31), resolution="已协调就近入学")
    assert (logged.contacted_on, logged.mode) == (date(2025, 8, 31), "visit")
    for day, message in (
        (date(2025, 2, 28), "联系日期不能早于确定联系日期（2025年3月1日）。"),
        (date(2025, 9, 1), "联系日期不能晚于结束联系日期（2025年8月31日）。"),
    ):
        with pytest.raises(DomainError) as caught:
            contact(olivia, first, contacted_on=day)
        assert caught.value.message_dict == {"contacted_on": [message]}


def test_a_contact_needs_a_mode_and_something_said(olivia, wang):
    assignment = assign(olivia, wang)

    with pytest.raises(DomainError) as caught:
        contact(olivia, assignment, mode="", difficulties="", resolution="", contacted_on=date(2025, 12, 11))

    assert caught.value.message_dict == {
        "contacted_on": ["联系日期不能晚于今天。"],
        "mode": ["请选择联系方式。"],
        "difficulties": ["请填写反映的困难和诉求，或协调解决情况。"],
    }


def test_an_enterprise_and_weihai_may_not_log_a_contact(olivia, alice, walter, wang):
    assignment = assign(olivia, wang)
    for actor in (alice, walter):
        with pytest.raises(PermissionDenied):
            contact(actor, assignment)

    assert LiaisonContact.objects.count() == 0


# --- Pages -----------------------------------------------------------------------------------------------


def test_the_officer_assigns_and_logs_through_the_page_and_sees_the_phone_masked(client, olivia, wang):
    client.force_login(olivia)
    url = reverse("duties:liaison", args=[wang.pk])

    response = client.post(
        reverse("duties:liaison_assign", args=[wang.pk]), {**CADRE, "assigned_on": "2026-03-01"}
    )
    assert response["Location"] == url
    assignment = LiaisonAssignment.objects.get()
    response = client.post(
        reverse("duties:liaison_contact_add", args=[assignment.pk]),
        {"contacted_on": "2026-04-02", "mode": "phone", "difficulties": "", "resolution": "协调解决住房"},
    )
    assert response["Location"] == url

    page = client.get(url)
    html = page.content.decode()
    assert (page.context["current"]["phone"], "13963112345" in html, page["Cache-Control"]) == (
        "139****2345",
        False,
        "max-age=0, no-cache, no-store, must-revalidate, private",
    )
    assert page.context["current"]["contacts"] == [
        {"contacted_on": "2026年4月2日", "mode": "电话联系", "difficulties": "", "resolution": "协调解决住房"}
    ]


def test_a_bad_assignment_is_shown_at_its_field(client, olivia, wang):
    client.force_login(olivia)

    response = client.post(reverse("duties:liaison_assign", args=[wang.pk]), {**CADRE, "cadre_phone": "123"})

    assert response.context["assign_form"].errors == {
        "cadre_phone": ["请输入有效的手机号码（11位）或带区号的固定电话（如0631-5201234）。"]
    }
    assert LiaisonAssignment.objects.count() == 0


@pytest.mark.parametrize(("who", "status"), [("walter", 404), ("alice", 403), ("tech1", 403)])
def test_outsiders_cannot_open_the_page_assign_or_log(client, request, olivia, wang, tech1, who, status):
    assignment = assign(olivia, wang)
    client.force_login(request.getfixturevalue(who))

    assert [
        client.get(reverse("duties:liaison", args=[wang.pk])).status_code,
        client.post(reverse("duties:liaison_assign", args=[wang.pk]), CADRE).status_code,
        client.post(reverse("duties:liaison_contact_add", args=[assignment.pk]), {}).status_code,
    ] == [status] * 3
    assert (LiaisonAssignment.objects.count(), LiaisonContact.objects.count()) == (1, 0)


def test_the_holder_sees_the_cadre_with_the_phone_masked_on_a_page_not_stored(client, olivia, tech1, wang):
    assign(olivia, wang)
    client.force_login(tech1)

    page = client.get(reverse("duties:my_support"))

    assert (page.context["cadre"]["name"], page.context["cadre"]["phone"]) == ("刘建军", "139****2345")
    assert "13963112345" not in page.content.decode()
    assert page["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"


def _terms(alice, gina, olivia, wang, n):
    tenures = [wang] + [
        make_tenure(alice, gina, round_=wang.application.round, name=name)
        for name in ("李秀英", "赵立新")[: n - 1]
    ]
    for tenure in tenures[1:]:
        contact(olivia, assign(olivia, tenure), contacted_on=date(2025, 7, 1))
    return tenures


LIST_QUERIES = 10
DETAIL_QUERIES = 13


@pytest.mark.parametrize("n", [1, 3])
def test_the_list_puts_holders_without_a_cadre_first_at_constant_queries(
    client, olivia, alice, gina, wang, n, django_assert_num_queries
):
    _terms(alice, gina, olivia, wang, n)
    client.force_login(olivia)

    with django_assert_num_queries(LIST_QUERIES):
        rows = client.get(reverse("duties:liaison_list")).context["rows"]

    expected = [("王建国", "", "")] + [
        (name, "刘建军（区人社局副局长）", "2025年7月1日") for name in ("李秀英", "赵立新")[: n - 1]
    ]
    assert [(r["name"], r["cadre"], r["last_contact"]) for r in rows] == expected


@pytest.mark.parametrize("n", [1, 3])
def test_the_detail_page_costs_the_same_for_one_or_three_cadres(
    client, olivia, wang, n, django_assert_num_queries
):
    days = [date(2025, 3, 1), date(2025, 6, 1), date(2025, 9, 1)][:n]
    for day in days:
        contact(olivia, assign(olivia, wang, assigned_on=day), contacted_on=day)
    client.force_login(olivia)

    with django_assert_num_queries(DETAIL_QUERIES):
        page = client.get(reverse("duties:liaison", args=[wang.pk]))

    assert len(page.context["past"]) == n - 1


def test_weihais_officer_lists_none_of_huancuis_terms(client, walter, wang):
    client.force_login(walter)

    assert client.get(reverse("duties:liaison_list")).context["rows"] == []


def test_replacing_the_cadre_asks_first_and_then_ends_the_current_one(client, olivia, wang):
    first = assign(olivia, wang)
    client.force_login(olivia)

    question = client.post(
        reverse("duties:liaison_assign", args=[wang.pk]),
        {**CADRE, "cadre_name": "张明", "assigned_on": "2026-01-10"},
    )

    assert asked(question)[:2] == (
        "即将由张明接替刘建军联系王建国，刘建军的联系至2026年1月9日结束。",
        IRREVERSIBLE,
    )
    assert LiaisonAssignment.objects.count() == 1
    assert confirm(client, question)["Location"] == reverse("duties:liaison", args=[wang.pk])
    first.refresh_from_db()
    assert (first.ended_on, LiaisonAssignment.objects.get(ended_on__isnull=True).cadre_name) == (
        date(2026, 1, 9),
        "张明",
    )
