"""The reason fields of the batch's return and cancellation (the rules are the domain's)."""

from django import forms


class BatchReturnForm(forms.Form):
    reason = forms.CharField(
        label="退回理由",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="说明需要修改的内容，经办人将收到通知。",
    )


class BatchCancelForm(forms.Form):
    reason = forms.CharField(
        label="作废理由",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="作废后本表各月份可由其他发放表重新发放。",
    )
