"""Forms of building a batch and of recording a refund: parsing only; the rules are the domain's."""

import re
from datetime import date

from django import forms

MONTH = re.compile(r"^(\d{4})-(\d{2})$")


class MonthField(forms.CharField):
    """A month as the browser's month input sends it (2026-12), parsed to its 1st."""

    widget = forms.TextInput(attrs={"type": "month", "placeholder": "2026-12"})

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        found = MONTH.match(value.strip())
        # Year 0000 matches the pattern but is no date: refused here, not as a server error.
        if not found or not 1 <= int(found.group(2)) <= 12 or int(found.group(1)) < 1:
            raise forms.ValidationError("请按“年-月”填写，如 2026-12。")
        return date(int(found.group(1)), int(found.group(2)), 1)


class BatchBuildForm(forms.Form):
    period_start = MonthField(label="所属期", help_text="按季或按年发放的，填写该季或该年的第一个月")


class RecoveryRefundForm(forms.Form):
    refunded_on = forms.DateField(label="退回日期", widget=forms.DateInput(attrs={"type": "date"}))
    reference = forms.CharField(label="退回凭证号", max_length=100, help_text="如非税收入缴款书号码")
