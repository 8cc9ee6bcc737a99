# ruff: noqa: F811  (the fixtures imported from tests/subsidy/conftest.py are the tests' parameters)
"""The batches awaiting a step on the home page: 复核 for the officers who did not build them, 审批 for the role
the authority names (the payroll approver by default)."""

from datetime import date

import pytest
from django.urls import reverse

from chieftech.policy.models import PayrollApproverRole
from chieftech.subsidy.models import PayrollBatchState
from tests.factories import huancui, make_payroll_batch
from tests.subsidy.conftest import april, batch, oscar, tenures, walter, weihai, wendy  # noqa: F401  (fixtures)
from tests.subsidy.test_workflow import moved

S = PayrollBatchState


def _items(client, user, role: str) -> list[tuple[str, str, int | None]]:
    client.force_login(user)
    response = client.get(reverse("core:home"))
    [section] = [s for s in response.context["sections"] if s["role"] == role]
    return [(i["label"], i["url"], i["count"]) for i in section["items"] if "津贴发放表" in i["label"]]


def test_a_submitted_batch_awaits_the_other_officers_check_and_not_its_builders(client, batch, olivia, oscar):
    moved(batch, S.SUBMITTED)
    url = reverse("subsidy:batch_detail", args=[batch.pk])

    assert _items(client, oscar, "officer") == [(f"待复核的津贴发放表：{batch.number}（2026年12月）", url, 2)]
    assert _items(client, olivia, "officer") == []


def test_a_checked_batch_awaits_the_approver_who_is_told_when_nothing_does(client, batch, oscar, april):
    client.force_login(april)
    [section] = client.get(reverse("core:home")).context["sections"]
    assert (section["title"], section["items"], section["empty"]) == (
        "津贴发放审批人",
        [],
        "目前没有待审批的津贴发放表。",
    )

    moved(batch, S.CHECKED, checker=oscar)

    assert _items(client, april, "payroll_approver") == [
        (
            f"待审批的津贴发放表：{batch.number}（2026年12月）",
            reverse("subsidy:batch_detail", args=[batch.pk]),
            2,
        )
    ]


def test_the_leadership_is_asked_to_approve_only_where_the_authority_names_it(
    client, batch, oscar, april, leo
):
    moved(batch, S.CHECKED, checker=oscar)
    assert _items(client, leo, "leader") == []

    authority = huancui()
    authority.payroll_approver_role = PayrollApproverRole.LEADER
    authority.save(update_fields=["payroll_approver_role"])

    assert [label for label, _, _ in _items(client, leo, "leader")] == [
        f"待审批的津贴发放表：{batch.number}（2026年12月）"
    ]
    assert _items(client, april, "payroll_approver") == []


def test_another_authoritys_approver_is_not_asked(client, batch, oscar, wendy):
    moved(batch, S.CHECKED, checker=oscar)
    assert _items(client, wendy, "payroll_approver") == []


@pytest.mark.parametrize("n", [1, 3])
def test_the_approvers_home_costs_the_same_queries_for_one_batch_and_three(
    n, client, olivia, oscar, april, tenures, django_assert_num_queries
):
    for i in range(n):
        month = date(2026, 12 - i, 1)
        moved(
            make_payroll_batch(olivia, period=month, lines=[(tenures[0], [month])]), S.CHECKED, checker=oscar
        )
    client.force_login(april)
    client.get(reverse("core:home"))

    with django_assert_num_queries(10):
        response = client.get(reverse("core:home"))

    assert len(response.context["sections"][0]["items"]) == n
