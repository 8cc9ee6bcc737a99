"""The officer's queue filter is one function, so the page and the Excel export list the same rows."""

from datetime import date

from chieftech.selection.selectors import application_queue
from tests.factories import make_application, make_id_number, make_round


def test_the_judgement_flag_selects_over_age_and_non_focus_rows(alice, olivia):
    round_ = make_round(olivia)
    over_age = make_application(alice, round_, submit=True, id_number=make_id_number(date(1968, 1, 1)))
    make_application(alice, round_, submit=True, id_number=make_id_number(date(1985, 1, 1)))

    rows = application_queue(round_=round_, params={"flag": "judge"})

    assert [a.pk for a in rows] == [over_age.pk]
