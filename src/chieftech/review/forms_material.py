"""The forms of the re-review's material and campaigns: they parse; the rules are the domain's."""

from django import forms

from chieftech.core.widgets import DateInput
from chieftech.review.domain.material import POST_MAX
from chieftech.review.models import AchievementKind
from chieftech.selection.domain.evidence import MAX_FILE_BYTES, MB

YES_NO = [("yes", "是"), ("no", "否")]
TO_BOOL = {"yes": True, "no": False}


def _declaration(label: str) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=YES_NO,
        coerce=lambda value: TO_BOOL[value],
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )


class ReviewFormForm(forms.Form):
    """复核申请表 (第11条(一)) and the declarations of 第8条(二)(三)."""

    post = forms.CharField(label="现岗位", max_length=POST_MAX, required=False)
    performance = forms.CharField(
        label="履行首席技师职责情况",
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="复核期间在传帮带、技术攻关与革新、技术交流与技能展示、宣传等方面履行职责的情况（第十五条）。",
    )
    achievements = forms.CharField(
        label="主要技术成果、奖励情况（概述）",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="逐项成果和奖励请在下方“主要技术成果和奖励”中登记并上传证明材料。",
    )
    mentoring_summary = forms.CharField(
        label="技能培训和名师带徒情况",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    declared_no_accident = _declaration("复核期间未发生本人负直接责任的生产安全事故或技术责任事故")
    declared_no_violation = _declaration("复核期间无违法违纪行为")
    declaration_note = forms.CharField(
        label="声明说明",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="以上声明选择“否”的，须写明情况。",
    )
    enterprise_opinion = forms.CharField(
        label="用人单位意见", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, enterprise: bool, editable: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not enterprise:
            # The enterprise's opinion is the enterprise's: the holder's form does not carry it.
            del self.fields["enterprise_opinion"]
        if not editable:
            for field in self.fields.values():
                field.disabled = True


class AchievementForm(forms.Form):
    kind = forms.ChoiceField(label="类别", choices=[("", "请选择"), *AchievementKind.choices])
    title = forms.CharField(label="名称", max_length=200)
    achieved_on = forms.DateField(label="取得日期", widget=DateInput())
    issuer = forms.CharField(label="颁发或认定单位", max_length=200, required=False)
    description = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    file = forms.FileField(
        label="证明材料",
        help_text=f"PDF、JPG或PNG格式，不超过{MAX_FILE_BYTES // MB}MB。",
        widget=forms.FileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )


class CampaignOpenForm(forms.Form):
    round = forms.IntegerField(widget=forms.HiddenInput)
    review_year = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
