"""The duties log's counts in the officer's register: the calendar year's total with its kinds in the list and
the export, every year by kind on the person's page, with links to the ledger and the log."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from chieftech.duties.domain.duty_log import duty_activity_add
from chieftech.duties.models import DutyKind
from tests.factories import make_tenure
from tests.tenure.test_register import sheet_of

TODAY = timezone.localdate()
YEAR = TODAY.year


@pytest.fixture
def tenure(alice, gina, olivia):
    """A term running through last year and this one, whenever the tests run."""
    return make_tenure(alice, gina, officer=olivia, name="王建国", starts_on=date(YEAR - 1, 1, 1))


@pytest.fixture
def other_tenure(alice, gina, tenure):
    return make_tenure(
        alice, gina, round_=tenure.application.round, name="李秀英", starts_on=date(YEAR - 1, 1, 1)
    )


def log(actor, tenure, pdf, on, kind=DutyKind.MENTORING):
    duty_activity_add(
        actor=actor, tenure=tenure, kind=kind, occurred_on=on, title="带教", description="内容。", upload=pdf
    )


def logged(hannah, harry, tenure, other_tenure, pdf):
    # This year's and last year's: the list counts this calendar year only.
    log(hannah, tenure, pdf, TODAY)
    log(hannah, tenure, pdf, TODAY)
    log(hannah, tenure, pdf, TODAY, DutyKind.PUBLICITY)
    log(hannah, tenure, pdf, date(YEAR - 1, 5, 1), DutyKind.INNOVATION)
    log(harry, other_tenure, pdf, date(YEAR - 1, 5, 1))


def test_the_register_shows_this_years_duties_with_the_kinds_in_the_title(
    client, olivia, hannah, harry, tenure, other_tenure, pdf
):
    logged(hannah, harry, tenure, other_tenure, pdf)
    client.force_login(olivia)

    response = client.get(reverse("tenure:tenure_list"))

    rows = {row["name"]: (row["duties"], row["duties_text"]) for row in response.context["rows"]}
    assert rows == {"王建国": (3, "传帮带2次，宣传1次"), "李秀英": (0, "无履职记录")}
    body = response.content.decode()
    assert f"<th>履职记录（{YEAR}年）</th>" in body
    assert f'<td data-label="履职记录（{YEAR}年）" title="传帮带2次，宣传1次">3</td>' in body


def test_the_persons_page_counts_every_year_by_kind_and_links_to_the_ledger_and_log(
    client, olivia, hannah, harry, tenure, other_tenure, pdf
):
    logged(hannah, harry, tenure, other_tenure, pdf)
    client.force_login(olivia)

    response = client.get(reverse("tenure:tenure_detail", args=[tenure.pk]))

    assert response.context["duty_rows"] == [
        {"year": f"{YEAR}年", "cells": [2, 0, 0, 1], "total": 3},
        {"year": f"{YEAR - 1}年", "cells": [0, 1, 0, 0], "total": 1},
    ]
    assert (response.context["ledger_url"], response.context["log_url"]) == (
        reverse("duties:ledger", args=[tenure.pk]),
        reverse("duties:log", args=[tenure.pk]),
    )


def test_the_export_carries_this_years_duties(client, olivia, hannah, harry, tenure, other_tenure, pdf):
    logged(hannah, harry, tenure, other_tenure, pdf)
    client.force_login(olivia)

    sheet = sheet_of(client.get(reverse("tenure:register_export")))

    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[2][-2:] == [f"履职记录（{YEAR}年）", f"履职记录分类（{YEAR}年）"]
    assert sorted((row[1], row[-2], row[-1]) for row in rows[3:]) == [
        ("李秀英", 0, None),
        ("王建国", 3, "传帮带2次，宣传1次"),
    ]
