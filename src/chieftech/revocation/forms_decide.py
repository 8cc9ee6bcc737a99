"""The forms of the leadership's 审定, the government's 批准 and the holder's 陈述申辩: they parse, the domain
(chieftech.revocation.domain.cases) judges; every rule's message comes from there, at its field.

The files travel with the decision in one POST, and a browser cannot send a chosen file again from the
confirmation page, so each form carries the confirmation itself: a box the user ticks under the question
(sent as chieftech.core.confirm's `confirmed=yes`)."""

from django import forms

from chieftech.core.widgets import DateInput
from chieftech.revocation.forms_files import FILE_HELP, confirmed_field, files_field
from chieftech.revocation.models import CaseKind

APPROVE, REJECT = "approve", "reject"
CONFIRM_LABEL = "我已知晓上述后果，确认提交"


def _date(label: str, help_text: str = "") -> forms.DateField:
    # Not required here: the domain says what is missing, with the other fields' problems at once.
    return forms.DateField(
        label=label,
        required=False,
        widget=DateInput(),
        help_text=help_text,
        error_messages={"invalid": f"{label}格式不正确，请按“2026-03-12”填写。"},
    )


def _outcome(label: str, choices: list[tuple[str, str]]) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=choices,
        widget=forms.RadioSelect,
        error_messages={"required": f"请选择{label}。"},
    )


def _confirmed() -> forms.BooleanField:
    # Ticked, the box sends chieftech.core.confirm's "confirmed=yes"; the view asks confirmation_require.
    return confirmed_field(CONFIRM_LABEL)


class LeadershipForm(forms.Form):
    outcome = _outcome("审定结果", [])
    meeting_on = _date("会议日期", "领导小组审定会议的日期，不能早于初步认定日期。")
    minutes = forms.CharField(
        label="会议纪要", max_length=200, required=False, help_text="会议纪要的名称或编号。"
    )
    reason = forms.CharField(
        label="审定意见",
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="不同意的，请写明理由；理由将告知本人和用人单位。",
    )
    files = files_field("会议纪要扫描件（选填）")
    confirmed = _confirmed()

    def __init__(self, *args, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        if kind == CaseKind.ANNUL:
            choices = [(APPROVE, "同意撤销取消资格决定"), (REJECT, "不同意撤销")]
        else:
            choices = [(APPROVE, "同意取消资格"), (REJECT, "不同意，结案")]
        self.fields["outcome"].choices = choices


class GovernmentForm(forms.Form):
    outcome = _outcome("批准结果", [(APPROVE, "批准"), (REJECT, "不予批准")])
    document_number = forms.CharField(
        label="批准文号", max_length=100, required=False, help_text="如：威环政字〔2026〕15号。批准时必填。"
    )
    approved_on = _date("批准日期", "批准时必填；自该日起生效。")
    reason = forms.CharField(
        label="不予批准的理由",
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="不予批准时必填，将告知本人和用人单位。",
    )
    files = files_field("政府批准文件", f"批准时必须上传。{FILE_HELP}")
    confirmed = _confirmed()


class StatementForm(forms.Form):
    statement = forms.CharField(
        label="陈述申辩意见",
        max_length=10000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text="请写明您对调查事实和取消情形的意见及理由。",
    )
    files = files_field("证据材料（选填）")
    confirmed = _confirmed()
