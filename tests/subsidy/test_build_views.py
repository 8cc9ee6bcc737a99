"""The 经办 pages: the build form and its redirect, rebuilding with the confirmation step, the recoveries list
(constant queries) and the refund form; another authority's batch or recovery is a 404."""

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from chieftech.accounts.roles import Role
from chieftech.audit.models import AuditRecord
from chieftech.core.confirm import IRREVERSIBLE
from chieftech.subsidy.models import PayrollBatch, Recovery
from chieftech.tenure.domain.transitions import tenure_transition
from chieftech.tenure.models import TenureStatus
from tests.factories import (
    make_bank_account,
    make_payroll_batch,
    make_round,
    make_tenure,
    make_user,
    make_weihai,
)
from tests.test_irreversible_actions import asked, confirm


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def tenure(alice, gina, olivia):
    tenure = make_tenure(alice, gina, officer=olivia, starts_on=date(2024, 12, 27))
    make_bank_account(tenure, number="6222021603001234567")
    return tenure


def test_the_build_page_offers_the_current_period(olivia, tenure):
    today = timezone.localdate()

    response = logged_in(olivia).get(reverse("subsidy:batch_build"))

    assert response.status_code == 200
    assert response.context["form"]["period_start"].value() == f"{today:%Y-%m}"
    assert response.context["current"] == f"{today.year}年{today.month}月"
    assert response.context["existing"] is None


def test_building_redirects_to_the_new_batch(olivia, tenure):
    response = logged_in(olivia).post(reverse("subsidy:batch_build"), {"period_start": "2025-01"})

    batch = PayrollBatch.objects.get()
    assert (response.status_code, response["Location"]) == (302, f"/subsidy/batches/{batch.pk}/")
    assert (batch.number, batch.built_by, batch.line_count) == ("HCSJ-JT-202501", olivia, 1)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2025/01", "请按“年-月”填写，如 2026-12。"),
        ("", "这个字段是必填项。"),
        ("2999-01", "不能编制尚未开始的所属期的发放表。"),
    ],
)
def test_a_bad_period_is_shown_at_its_field(olivia, tenure, value, message):
    response = logged_in(olivia).post(reverse("subsidy:batch_build"), {"period_start": value})

    assert response.status_code == 200
    assert response.context["form"].errors == {"period_start": [message]}
    assert not PayrollBatch.objects.exists()


def test_a_second_build_of_the_period_is_refused_on_the_page(olivia, tenure):
    client = logged_in(olivia)
    client.post(reverse("subsidy:batch_build"), {"period_start": "2025-01"})

    response = client.post(reverse("subsidy:batch_build"), {"period_start": "2025-01"})

    assert response.context["form"].errors == {
        "period_start": ["2025年1月的津贴发放表已由其他经办人编制，请在发放表列表中查看，不能重复编制。"]
    }
    assert PayrollBatch.objects.count() == 1


def test_rebuilding_asks_first_then_rebuilds(olivia, tenure):
    client = logged_in(olivia)
    client.post(reverse("subsidy:batch_build"), {"period_start": "2025-01"})
    batch = PayrollBatch.objects.get()

    question = client.post(reverse("subsidy:batch_rebuild", args=[batch.pk]))

    assert asked(question) == (
        "即将按当前的人员状态、复核结论和发放账户重新编制发放表HCSJ-JT-202501（2025年1月）。现有明细将被全部替换。",
        IRREVERSIBLE,
        "确认重新编制",
    )
    assert AuditRecord.objects.filter(action="payroll.rebuild").count() == 0
    done = confirm(client, question)
    assert (done.status_code, done["Location"]) == (302, f"/subsidy/batches/{batch.pk}/")
    assert AuditRecord.objects.filter(action="payroll.rebuild").count() == 1


def test_another_authoritys_officer_gets_404_for_the_batch_and_the_recovery(olivia, tenure):
    batch = make_payroll_batch(
        olivia, period=date(2025, 1, 1), lines=[(tenure, [date(2025, 1, 1)])], state="completed"
    )
    tenure_transition(
        actor=olivia, tenure=tenure, to_status=TenureStatus.SUSPENDED, effective_on=date(2024, 12, 28)
    )
    recovery = Recovery.objects.get()
    wendy = logged_in(make_user("wendy", Role.OFFICER, authority=make_weihai()))

    assert (
        wendy.post(reverse("subsidy:batch_rebuild", args=[batch.pk]), {"confirmed": "yes"}).status_code == 404
    )
    assert wendy.get(reverse("subsidy:recovery_refund", args=[recovery.pk])).status_code == 404
    listed = wendy.get(reverse("subsidy:recovery_list"))
    assert (listed.status_code, listed.context["rows"]) == (200, [])


@pytest.mark.parametrize("n", [1, 3])
def test_the_recoveries_list_takes_the_same_queries_for_1_and_3(
    olivia, alice, gina, n, django_assert_num_queries
):
    round_ = make_round(olivia)
    tenures = [
        make_tenure(alice, gina, round_=round_, name=f"张{k}", starts_on=date(2024, 12, 27)) for k in range(n)
    ]
    for tenure in tenures:
        make_bank_account(tenure, number="6222021603001234567")
    make_payroll_batch(
        olivia,
        period=date(2025, 2, 1),
        lines=[(t, [date(2025, 1, 1), date(2025, 2, 1)]) for t in tenures],
        state="completed",
    )
    for tenure in tenures:
        tenure_transition(
            actor=olivia, tenure=tenure, to_status=TenureStatus.SUSPENDED, effective_on=date(2025, 1, 10)
        )
    client = logged_in(olivia)
    client.get(reverse("subsidy:recovery_list"))  # the session and the role cache, read once

    with django_assert_num_queries(10):
        response = client.get(reverse("subsidy:recovery_list"))

    assert [(r["name"], r["month"], r["amount"], r["state"]) for r in response.context["rows"]] == [
        (t.application.name, "2025年2月", t.policy.monthly_subsidy, "待追回") for t in tenures
    ]
    assert (
        response.context["rows"][0]["reason"] == "自2025年1月10日起保留资格、停止待遇，次月起停发（第十二条）"
    )


def test_the_refund_form_asks_first_and_records_it(olivia, tenure):
    make_payroll_batch(
        olivia, period=date(2025, 1, 1), lines=[(tenure, [date(2025, 1, 1)])], state="completed"
    )
    tenure_transition(
        actor=olivia, tenure=tenure, to_status=TenureStatus.SUSPENDED, effective_on=date(2024, 12, 28)
    )
    recovery = Recovery.objects.get()
    client = logged_in(olivia)
    url = reverse("subsidy:recovery_refund", args=[recovery.pk])
    assert client.get(url).status_code == 200

    missing = client.post(url, {"refunded_on": "2025-03-02", "reference": ""})
    assert missing.context["form"].errors == {"reference": ["这个字段是必填项。"]}
    question = client.post(url, {"refunded_on": "2025-03-02", "reference": "缴款书0012345"})
    assert asked(question)[0] == "即将登记王建国2025年1月的追回款500.00元已退回（凭证号缴款书0012345）。"
    assert Recovery.objects.get().state == "open"
    done = confirm(client, question)

    assert (done.status_code, done["Location"]) == (302, reverse("subsidy:recovery_list"))
    assert Recovery.objects.values_list("state", "refund_reference").get() == ("refunded", "缴款书0012345")
