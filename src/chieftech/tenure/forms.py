from django import forms

from chieftech.accounts.models import Enterprise
from chieftech.publicity.forms_notice import MultipleFileField, MultipleFileInput
from chieftech.selection.domain.evidence import MAX_FILE_BYTES, MB
from chieftech.tenure.domain.holders import InviteChannel
from chieftech.tenure.domain.showcase import SUMMARY_MAX_CHARS
from chieftech.tenure.models import StatusChange, StatusChangeKind

CONSENT_CHOICES = [("yes", "本人同意在门户展示"), ("no", "不同意或已撤回同意（不在门户展示）")]


class ShowcaseForm(forms.Form):
    consent = forms.ChoiceField(label="门户展示", choices=CONSENT_CHOICES, widget=forms.RadioSelect)
    summary = forms.CharField(
        label="事迹简介（公开）",
        required=False,
        # The length is checked by the domain rule, which says how long the text is.
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": SUMMARY_MAX_CHARS}),
        help_text=f"将在门户公开，不超过{SUMMARY_MAX_CHARS}字；不得包含电话、身份证号、银行账号、详细住址等个人信息。",
    )
    photo = forms.FileField(
        label="照片",
        required=False,
        help_text=f"JPG或PNG格式，不超过{MAX_FILE_BYTES // MB}MB。保存时自动去除拍摄地点等附加信息。",
        widget=forms.FileInput(attrs={"accept": ".jpg,.jpeg,.png,image/jpeg,image/png"}),
    )
    remove_photo = forms.BooleanField(label="删除现有照片", required=False)


# --- Status changes ---------------------------------------------------------------------------------------


class StatusReportForm(forms.Form):
    kind = forms.ChoiceField(label="变动类型", choices=[("", "请选择"), *StatusChangeKind.choices])
    effective_on = forms.DateField(
        label="生效日期",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="变动实际发生的日期，应在管理期内且不晚于今天。",
    )
    reason = forms.CharField(
        label="变动说明",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="写明变动的事实，例如新岗位、调动文件、退休审批等。",
    )
    new_enterprise = forms.ModelChoiceField(
        label="调入单位（区内）",
        queryset=Enterprise.objects.none(),
        required=False,
        empty_label="请选择",
        help_text="仅“调入区内其他单位”时填写。",
    )
    new_employer = forms.CharField(
        label="区外新单位名称",
        max_length=200,
        required=False,
        help_text="仅“调往区外单位”时填写。",
    )
    files = MultipleFileField(
        label="证明材料",
        required=False,
        widget=MultipleFileInput(
            attrs={"accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"}
        ),
        help_text=f"PDF、JPG或PNG格式，可选择多个文件，单个不超过{MAX_FILE_BYTES // MB}MB。",
    )

    def __init__(self, *args, enterprises, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_enterprise"].queryset = enterprises


class StatusReturnForm(forms.Form):
    reason = forms.CharField(
        label="退回理由",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="说明需要补正的内容，报告人将收到通知。",
    )


class StatusConfirmForm(forms.Form):
    outcome = forms.ChoiceField(
        label="对待遇的影响",
        choices=StatusChange.Outcome.choices,
        required=False,
        widget=forms.RadioSelect,
        help_text="仅“其他”类变动需要选择。",
    )
    outcome_reason = forms.CharField(
        label="认定理由", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class HolderInviteForm(forms.Form):
    channel = forms.ChoiceField(
        label="发送激活链接的方式", choices=InviteChannel.choices, widget=forms.RadioSelect
    )
    email = forms.CharField(
        label="本人电子邮箱",
        required=False,
        max_length=254,
        help_text="选择电子邮件时填写。申报材料中没有电子邮箱，请填写首席技师本人的邮箱，保存在其账号中。",
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )


class AccountNumberInput(forms.TextInput):
    """The account number as typed is never sent back in a page: after an error it is typed again."""

    def format_value(self, value):
        return None


class BankAccountRequestForm(forms.Form):
    # The lengths and formats are checked by the domain rule, which says what is wrong at the field.
    bank = forms.CharField(label="开户银行", required=False, help_text="如：中国农业银行")
    branch = forms.CharField(label="开户网点（支行）", required=False, help_text="支行或营业网点的全称。")
    number = forms.CharField(
        label="银行账号",
        required=False,
        widget=AccountNumberInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        help_text="12至30位数字，可含空格；须为本人名下的银行卡或社保卡金融账户。为保护账号，提交后只显示部分号码，表单有误时需重新填写账号。",
    )
    account_name = forms.CharField(label="户名", required=False, help_text="须为本人姓名。")


class BankAccountDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label="处理结果",
        choices=[
            ("confirm", "确认：核对无误，自下一个未发放月份起使用该账户"),
            ("return", "退回：请本人修改后重新申请"),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label="理由", required=False, widget=forms.Textarea(attrs={"rows": 3}), help_text="退回时必填。"
    )


class RevealForm(forms.Form):
    reason = forms.CharField(label="查看理由", required=False, help_text="将记入审计日志。")
