"""Every date field of every form uses the browser's date picker, with the value as ISO 8601."""

from datetime import date

from chieftech.core.widgets import DateInput


def test_the_date_input_is_a_date_picker_with_an_iso_value():
    assert DateInput().render("d", date(2026, 12, 5)) == '<input type="date" name="d" value="2026-12-05">'
