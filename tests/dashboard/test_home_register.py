"""The officer's home page counts the chief technicians by status and the terms ending soon, each count a link
to the register so filtered."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils.timezone import localdate

from chieftech.accounts.roles import Role
from chieftech.policy.models import PolicyVersion
from chieftech.tenure.models import Tenure, TenureStatus
from tests.factories import make_user, make_weihai
from tests.portal.helpers import chief_round, make_chief

REGISTER = reverse("tenure:tenure_list")
HOME = reverse("core:home")


def home_tallies(client) -> list[tuple[str, int, str]]:
    [section] = [s for s in client.get(HOME).context["sections"] if s["role"] == "officer"]
    return [(t["label"], t["count"], t["url"]) for t in section["tallies"]]


def tallies(client, user) -> list[tuple[str, int, str]]:
    client.force_login(user)
    return home_tallies(client)


@pytest.fixture
def chiefs(olivia, alice, bob):
    round_ = chief_round(olivia)
    today = localdate()
    soon = make_chief(olivia, alice, round_, name="张甲")
    Tenure.objects.filter(pk=soon.pk).update(ends_on=today + timedelta(days=60))
    later = make_chief(olivia, bob, round_, name="李乙", status=TenureStatus.SUSPENDED)
    Tenure.objects.filter(pk=later.pk).update(ends_on=today + timedelta(days=61))
    ended = make_chief(olivia, alice, round_, name="王丙", status=TenureStatus.EXPIRED)
    Tenure.objects.filter(pk=ended.pk).update(ends_on=today + timedelta(days=3))
    return soon, later, ended


def test_the_officer_sees_the_chief_technicians_by_status_and_the_terms_ending_within_60_days(
    client, olivia, chiefs
):
    assert tallies(client, olivia) == [
        ("有效", 1, f"{REGISTER}?status=active"),
        ("保留资格、停止待遇", 1, f"{REGISTER}?status=suspended"),
        ("复核未通过", 0, f"{REGISTER}?status=not_renewed"),
        ("管理期满", 1, f"{REGISTER}?status=expired"),
        ("已取消资格", 0, f"{REGISTER}?status=revoked"),
        ("60天内管理期届满", 1, f"{REGISTER}?ending=soon"),
    ]


def test_each_count_leads_to_a_register_of_exactly_that_many(client, olivia, chiefs):
    for _label, count, url in tallies(client, olivia):
        assert len(client.get(url).context["rows"]) == count


def test_the_home_page_links_to_the_register(client, olivia):
    client.force_login(olivia)
    html = client.get(HOME).content.decode()
    assert f'<a class="btn secondary" href="{REGISTER}">首席技师名册</a>' in html
    assert f'href="{REGISTER}?status=active"' in html


def test_another_authoritys_chief_technicians_are_not_counted(client, olivia, chiefs):
    city = make_weihai()
    # The city's own policy: a copy of the district's.
    policy = PolicyVersion.objects.get(authority__code="huancui")
    policy.pk, policy.authority, policy.document_number = None, city, "威人社发〔2025〕1号"
    policy.save()
    far = make_user("far_officer", Role.OFFICER, authority=city)
    # Moved to the city by hand: the counts read the term's authority.
    Tenure.objects.filter(pk=chiefs[0].pk).update(authority=city, policy=policy)

    assert [count for _, count, _ in tallies(client, olivia)] == [0, 1, 0, 1, 0, 0]
    assert [count for _, count, _ in tallies(client, far)] == [1, 0, 0, 0, 0, 1]


def test_the_counts_cost_the_same_queries_for_one_or_three_chief_technicians(
    client, olivia, alice, bob, django_assert_num_queries
):
    round_ = chief_round(olivia)
    make_chief(olivia, alice, round_, name="技师一")
    client.force_login(olivia)
    client.get(HOME)
    with django_assert_num_queries(QUERIES):
        client.get(HOME)
    make_chief(olivia, bob, round_, name="技师二", status=TenureStatus.SUSPENDED)
    make_chief(olivia, alice, round_, name="技师三", status=TenureStatus.EXPIRED)
    with django_assert_num_queries(QUERIES):
        assert home_tallies(client)[:2] == [
            ("有效", 1, f"{REGISTER}?status=active"),
            ("保留资格、停止待遇", 1, f"{REGISTER}?status=suspended"),
        ]


# The officer's home as before, plus two for the chief technicians: the policies' reminder periods and the
# counts; one for the payroll batches awaiting the officer's 复核, one for the re-review material awaiting it,
# one for the revocation cases awaiting the office.
QUERIES = 18


def test_a_user_who_is_not_an_officer_gets_no_counts(client, alice, gina, chiefs):
    for user in (alice, gina):
        client.force_login(user)
        for section in client.get(HOME).context["sections"]:
            assert section["tallies"] == []


def test_with_no_chief_technician_every_count_is_zero(client, olivia):
    assert [count for _, count, _ in tallies(client, olivia)] == [0, 0, 0, 0, 0, 0]
