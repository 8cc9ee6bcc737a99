# ruff: noqa: F811  (the fixtures imported from tests/duties/support_fixtures.py are the tests' parameters)
"""The enterprise's yearly record form and the officer's list of who has recorded what (第13条)."""

from datetime import date

import lxml.html
import pytest
from django.urls import reverse

from chieftech.duties.domain.obligations import employer_record_save
from chieftech.duties.models import EmployerDutyRecord, ObligationReminder
from tests.duties.support_fixtures import RECORD, at, tech1, walter, wang, weihai, yu  # noqa: F401  (fixtures)
from tests.factories import form_token_of, make_tenure

FORM = {
    "has_supplementary_insurance": "on",
    "medical_subsidy": "800.00",
    "medical_note": "",
    "health_check_on": "2025-06-18",
    "health_check_note": "",
    "paid_leave_days": "5",
    "paid_leave_note": "",
}


def url(tenure, year=2025) -> str:
    return reverse("duties:employer_record", args=[tenure.pk, year])


def text(response, element_id: str) -> str:
    return (
        lxml.html.fromstring(response.content.decode()).get_element_by_id(element_id).text_content().strip()
    )


def test_the_enterprise_records_the_year_and_comes_back_to_the_saved_form(client, alice, wang):
    client.force_login(alice)
    page = client.get(url(wang))
    assert text(page, "recorded") == "本年度尚未登记。"

    response = client.post(url(wang), {**FORM, "form_token": form_token_of(page, "employer-record-form")})

    assert response["Location"] == url(wang)
    record = EmployerDutyRecord.objects.get()
    assert (str(record.medical_subsidy), record.health_check_on, record.paid_leave_days) == (
        "800.00",
        date(2025, 6, 18),
        5,
    )
    again = client.get(url(wang))
    assert text(again, "recorded").startswith("本年度已登记，最后修改于")
    assert again.context["form"].initial["medical_subsidy"] == "800.00"


def test_a_repeated_post_saves_once(client, alice, wang):
    client.force_login(alice)
    token = form_token_of(client.get(url(wang)), "employer-record-form")
    client.post(url(wang), {**FORM, "form_token": token})
    client.post(url(wang), {**FORM, "paid_leave_days": "9", "form_token": token})

    assert EmployerDutyRecord.objects.get().paid_leave_days == 5


def test_a_bad_value_is_shown_at_its_field_and_in_the_summary_and_nothing_is_saved(client, alice, wang):
    client.force_login(alice)

    response = client.post(url(wang), {**FORM, "has_supplementary_insurance": "", "paid_leave_days": "0"})

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "medical_subsidy": [
            "未建立补充医疗保险的单位不填写医疗费用补助（第十三条适用于建立补充医疗保险的用人单位）。"
        ],
        "paid_leave_note": ["本年度未安排带薪休假的，请说明原因。"],
    }
    assert text(response, "error-summary-title") == "请修改以下 2 处错误"
    assert EmployerDutyRecord.objects.count() == 0


def test_the_enterprise_page_links_to_this_years_record(client, alice, wang):
    client.force_login(alice)
    page = client.get(reverse("tenure:enterprise_tenure", args=[wang.pk]))

    link = lxml.html.fromstring(page.content.decode()).get_element_by_id("employer-record-link")
    assert link.get("href") == url(wang, 2026)


def test_each_employer_of_a_transferred_holder_sees_only_its_own_record(client, alice, bob, yu):
    employer_record_save(actor=alice, tenure=yu, year=2025, data=RECORD, now=at(date(2025, 12, 1)))
    client.force_login(bob)

    page = client.get(url(yu))

    assert text(page, "recorded") == "本年度尚未登记。"
    assert page.context["form"].initial == {}
    # The former employer's year after she left is not its business.
    client.force_login(alice)
    assert client.get(url(yu, 2026)).status_code == 404


@pytest.mark.parametrize(
    ("who", "status"),
    [("bob", 404), ("tech1", 403), ("walter", 403), ("olivia", 403)],
)
def test_outsiders_cannot_open_or_post_the_form(client, request, wang, tech1, who, status):
    client.force_login(request.getfixturevalue(who))

    assert (client.get(url(wang)).status_code, client.post(url(wang), FORM).status_code) == (status, status)
    assert EmployerDutyRecord.objects.count() == 0


def test_a_year_outside_the_term_is_not_found(client, alice, wang):
    client.force_login(alice)

    assert client.get(url(wang, 2023)).status_code == 404


# --- The officer's list ----------------------------------------------------------------------------------


def obligations(client, year=2025):
    return client.get(reverse("duties:obligations") + f"?year={year}")


def test_the_officer_sees_the_records_the_missing_and_the_reminders(client, olivia, alice, bob, wang, yu):
    employer_record_save(actor=alice, tenure=wang, year=2025, data=RECORD, now=at(date(2025, 12, 10)))
    ObligationReminder.objects.create(
        tenure=yu, enterprise=bob.enterprise, year=2025, sent_at=at(date(2025, 12, 1), 8)
    )
    client.force_login(olivia)

    page = obligations(client)

    assert [(m["name"], m["enterprise"], m["reminded"]) for m in page.context["missing"]] == [
        ("于海燕", alice.enterprise.name, ""),
        ("于海燕", bob.enterprise.name, "2025年12月1日 08:00"),
    ]
    assert [
        (r["name"], r["insured"], r["subsidy"], r["health_check"], r["leave"])
        for r in page.context["records"]
    ] == [("王建国", "是", "1,200.50", "2025年5月20日", "10天")]


def test_weihais_officer_sees_nothing_of_huancui(client, walter, wang):
    client.force_login(walter)

    page = obligations(client)

    assert (page.context["missing"], page.context["records"]) == ([], [])


def _holders(alice, gina, wang, n: int) -> None:
    for name in ("李秀英", "赵立新")[: n - 1]:
        tenure = make_tenure(alice, gina, round_=wang.application.round, name=name)
        employer_record_save(actor=alice, tenure=tenure, year=2025, data=RECORD, now=at(date(2025, 12, 10)))


OBLIGATION_QUERIES = 11


@pytest.mark.parametrize("n", [1, 3])
def test_the_officers_list_costs_the_same_queries_for_one_or_three(
    client, olivia, alice, gina, wang, n, django_assert_num_queries
):
    _holders(alice, gina, wang, n)
    employer_record_save(actor=alice, tenure=wang, year=2025, data=RECORD, now=at(date(2025, 12, 10)))
    for name in ("孙立", "周红")[: n - 1]:
        make_tenure(alice, gina, round_=wang.application.round, name=name)
    client.force_login(olivia)

    with django_assert_num_queries(OBLIGATION_QUERIES):
        page = obligations(client)

    assert (len(page.context["records"]), len(page.context["missing"])) == (n, n - 1)
