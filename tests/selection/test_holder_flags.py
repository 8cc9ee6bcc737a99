"""The officer is told when an applicant held the title before or holds it now (第16条(二)): on the review
page and in the review queue, information only, never a refusal; the enterprise is not shown it."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from chieftech.selection.domain.holders import applications_holder_flags
from chieftech.selection.models import Round
from chieftech.tenure.models import Tenure, TenureStatus
from tests.factories import make_application, make_id_number, make_round, make_tenure, make_weihai

FORMER_2022 = "曾任首席技师（2022年度环翠区首席技师选拔，管理期2022年12月27日至2024年12月26日，已期满）"
SITTING_2024 = "现任首席技师，管理期至2026年12月26日，在管理期内再次申报"


def id_number(serial: int) -> str:
    return make_id_number(date(1978, 3, 9), serial=serial)


@pytest.fixture
def round_2022(olivia):
    return make_round(olivia, title="2022年度环翠区首席技师选拔", year=2022)


@pytest.fixture
def round_2024(olivia):
    return make_round(olivia, title="2024年度环翠区首席技师选拔", year=2024)


def former_holder(
    alice, gina, olivia, round_2022, *, serial: int = 11, status=TenureStatus.EXPIRED
) -> Tenure:
    tenure = make_tenure(
        alice,
        gina,
        officer=olivia,
        round_=round_2022,
        starts_on=date(2022, 12, 27),
        id_number=id_number(serial),
    )
    Tenure.objects.filter(pk=tenure.pk).update(status=status, status_since=date(2024, 12, 27))
    return tenure


def applies_again(alice, round_, serial: int, **fields):
    return make_application(alice, round_, submit=True, id_number=id_number(serial), **fields)


def flags_of(application) -> list[tuple[bool, str]]:
    flags = applications_holder_flags(round_=application.round, applications=[application])[application.pk]
    return [(f.sitting, f.text) for f in flags]


def test_a_former_holder_is_flagged_with_the_round_term_and_how_it_ended(alice, gina, olivia, round_2022):
    former_holder(alice, gina, olivia, round_2022)
    application = applies_again(alice, make_round(olivia), 11)

    assert flags_of(application) == [(False, FORMER_2022)]


@pytest.mark.parametrize(
    ("status", "ended"), [(TenureStatus.REVOKED, "已取消资格"), (TenureStatus.NOT_RENEWED, "复核未通过")]
)
def test_a_term_that_ended_early_says_how(alice, gina, olivia, round_2022, status, ended):
    former_holder(alice, gina, olivia, round_2022, status=status)
    application = applies_again(alice, make_round(olivia), 11)

    assert flags_of(application) == [
        (False, f"曾任首席技师（2022年度环翠区首席技师选拔，管理期2022年12月27日至2024年12月26日，{ended}）")
    ]


@pytest.mark.parametrize("status", [TenureStatus.ACTIVE, TenureStatus.SUSPENDED])
def test_a_sitting_holder_applying_in_mid_term_is_flagged(alice, gina, olivia, round_2024, status):
    tenure = make_tenure(alice, gina, officer=olivia, round_=round_2024, id_number=id_number(12))
    Tenure.objects.filter(pk=tenure.pk).update(status=status)
    application = applies_again(alice, make_round(olivia), 12)

    assert flags_of(application) == [(True, SITTING_2024)]


def test_no_flag_for_a_new_applicant_or_an_earlier_applicant_never_selected(alice, gina, olivia, round_2022):
    former_holder(alice, gina, olivia, round_2022, serial=11)
    make_application(alice, round_2022, id_number=id_number(13), name="李四")  # applied in 2022, no term
    round_ = make_round(olivia)
    never_selected = applies_again(alice, round_, 13, name="李四")
    newcomer = applies_again(alice, round_, 14, name="张三")

    assert (flags_of(never_selected), flags_of(newcomer)) == ([], [])


def test_a_holder_is_not_flagged_against_their_own_round(alice, gina, olivia, round_2024):
    tenure = make_tenure(alice, gina, officer=olivia, round_=round_2024, id_number=id_number(12))
    assert flags_of(tenure.application) == []


def test_another_authoritys_term_is_not_shown(alice, gina, olivia, round_2022):
    former_holder(alice, gina, olivia, round_2022)
    weihai = make_weihai()
    Round.objects.filter(pk=round_2022.pk).update(authority=weihai)
    application = applies_again(alice, make_round(olivia), 11)

    assert flags_of(application) == []


def test_the_review_page_shows_both_flags_to_the_officer(client, alice, gina, olivia, round_2022, round_2024):
    former_holder(alice, gina, olivia, round_2022, serial=11)
    make_tenure(alice, gina, officer=olivia, round_=round_2024, id_number=id_number(11))
    application = applies_again(alice, make_round(olivia, confirmed=True), 11)
    client.force_login(olivia)

    html = client.get(reverse("selection:review_detail", args=[application.pk])).content.decode()

    assert (
        '<ul><li><span class="status ">'
        + FORMER_2022
        + '</span></li><li><span class="status status-warn">'
        + SITTING_2024
        + "</span></li></ul>"
    ) in html


def test_the_review_page_of_a_newcomer_has_no_holder_panel(client, alice, olivia):
    application = applies_again(alice, make_round(olivia), 14)
    client.force_login(olivia)
    html = client.get(reverse("selection:review_detail", args=[application.pk])).content.decode()
    assert 'id="holder-flags"' not in html


def test_the_enterprise_is_not_shown_the_flag(client, alice, gina, olivia, round_2024):
    make_tenure(alice, gina, officer=olivia, round_=round_2024, id_number=id_number(12))
    application = applies_again(alice, make_round(olivia), 12)
    client.force_login(alice)

    html = client.get(reverse("selection:application_detail", args=[application.pk])).content.decode()

    assert ("现任首席技师" in html, "管理期" in html) == (False, False)


def test_the_queue_flags_each_row_in_a_constant_number_of_queries(
    client, alice, gina, olivia, round_2024, django_assert_num_queries
):
    round_ = make_round(olivia)
    url = reverse("selection:review_queue", args=[round_.pk])
    make_tenure(alice, gina, officer=olivia, round_=round_2024, id_number=id_number(20), name="甲")
    applies_again(alice, round_, 20, name="甲")
    client.force_login(olivia)
    client.get(url)  # the session settles on the first request
    with CaptureQueriesContext(connection) as one_row:
        response = client.get(url)
    assert [row["flags"][0]["label"] for row in response.context["rows"]] == [SITTING_2024]

    for serial, name in ((21, "乙"), (22, "丙")):
        make_tenure(alice, gina, officer=olivia, round_=round_2024, id_number=id_number(serial), name=name)
        applies_again(alice, round_, serial, name=name)
    with django_assert_num_queries(len(one_row.captured_queries)):
        response = client.get(url)

    assert [row["flags"][0]["label"] for row in response.context["rows"]] == [SITTING_2024] * 3
