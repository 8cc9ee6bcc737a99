"""Form widgets every app uses the same way."""

from django import forms


class DateInput(forms.DateInput):
    """The browser's date picker: the value travels as 2026-12-05, whatever the user's locale."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")
