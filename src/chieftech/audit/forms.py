from django import forms

from chieftech.audit.domain import AuditFilter
from chieftech.audit.labels import action_choices, object_type_choices
from chieftech.core.widgets import DateInput


class AuditFilterForm(forms.Form):
    """The list and the export read the same filters from the query string."""

    action = forms.ChoiceField(label="操作", required=False)
    actor = forms.CharField(label="操作人（用户名）", required=False, max_length=150)
    object_type = forms.ChoiceField(label="对象类型", required=False)
    object_id = forms.CharField(label="对象ID", required=False, max_length=64)
    date_from = forms.DateField(label="起始日期", required=False, widget=DateInput())
    date_to = forms.DateField(label="截止日期", required=False, widget=DateInput())
    q = forms.CharField(label="关键词（对象或理由）", required=False, max_length=100)

    def __init__(self, *args, actions: list[str], object_types: list[str], **kwargs):
        super().__init__(*args, label_suffix="", **kwargs)
        # The options name the codes the records hold in Chinese; the query string keeps the code.
        self.fields["action"].choices = [("", "全部"), *action_choices(actions)]
        self.fields["object_type"].choices = [("", "全部"), *object_type_choices(object_types)]

    def clean(self):
        cleaned = super().clean()
        date_from, date_to = cleaned.get("date_from"), cleaned.get("date_to")
        if date_from and date_to and date_to < date_from:
            self.add_error("date_to", "截止日期不能早于起始日期。")
        return cleaned

    def to_filter(self) -> AuditFilter:
        data = self.cleaned_data
        return AuditFilter(
            action=data.get("action") or "",
            actor_username=(data.get("actor") or "").strip(),
            object_type=data.get("object_type") or "",
            object_id=(data.get("object_id") or "").strip(),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            text=(data.get("q") or "").strip(),
        )
