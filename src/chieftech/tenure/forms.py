from django import forms

from chieftech.selection.domain.evidence import MAX_FILE_BYTES, MB
from chieftech.tenure.domain.showcase import SUMMARY_MAX_CHARS

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
