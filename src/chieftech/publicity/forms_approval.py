"""Forms of the approval page: the leadership's decision, the government's approval, publication.

Forms parse input; the rules live in chieftech.publicity.domain.approval and come back as DomainError,
which `add_domain_error` puts beside its field.
"""

from django import forms

from chieftech.core.widgets import DateInput
from chieftech.publicity.models import LeadershipDecision


class RemovedChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.name}（{obj.enterprise.name}，{obj.occupation}）"


class LeadershipDecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        label="审定结论",
        choices=LeadershipDecision.Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "请选择审定结论。"},
    )
    meeting_date = forms.DateField(
        label="会议日期", widget=DateInput(), error_messages={"required": "请填写会议日期。"}
    )
    minutes_reference = forms.CharField(
        label="会议纪要",
        max_length=200,
        help_text="纪要编号或名称，如：人才工作领导小组2026年第4次会议纪要",
        error_messages={"required": "请填写会议纪要编号或名称。"},
    )
    removed = RemovedChoiceField(
        label="取消的人选（仅“部分同意”时选择）",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    note = forms.CharField(
        label="说明",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="部分同意时写明取消理由；不同意时写明理由，名单退回评审委员会重新评审。",
    )

    def __init__(self, *args, proposed, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["removed"].queryset = proposed


class GovernmentApprovalForm(forms.Form):
    document_number = forms.CharField(
        label="批准文号",
        max_length=100,
        help_text="如：威环政字〔2026〕12号",
        error_messages={"required": "请填写区政府批准文号。"},
    )
    approved_on = forms.DateField(
        label="批准日期",
        widget=DateInput(),
        help_text="首席技师管理期自批准日期起计算。",
        error_messages={"required": "请填写批准日期。"},
    )
    signed_document = forms.FileField(
        label="批准文件（签发件）",
        help_text="区政府签发的批准文件扫描件，PDF格式，不超过10MB。仅供本机关经办人员和领导小组查阅，不对外公开。",
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,application/pdf"}),
        error_messages={
            "required": "请上传区政府签发的批准文件（PDF）。",
            "empty": "上传的批准文件是空文件。",
        },
    )


class GovernmentSendBackForm(forms.Form):
    reason = forms.CharField(
        label="退回理由",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="名单退回领导小组重新审定；领导小组可重新审定同意、取消部分人选或退回评审委员会。",
        error_messages={"required": "退回须写明理由，领导小组将据此重新审定。"},
    )
