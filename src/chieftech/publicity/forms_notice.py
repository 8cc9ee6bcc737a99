"""Forms of the notice stage: the officer's notice and findings, the public's objection and receipt look-up.

Forms parse input; the rules (the period, the window, the phone, the content's length, the evidence files)
live in publicity.domain and come back as DomainError, which `add_domain_error` puts beside its field.
"""

from django import forms

from chieftech.core.widgets import DateInput
from chieftech.publicity.domain.objections import OBJECTION_MAX_FILES, OBJECTION_MIN_CHARS, content_char_count

# --- The officer's notice --------------------------------------------------------------------------


class NoticePrepareForm(forms.Form):
    starts_on = forms.DateField(
        label="公示开始日期",
        widget=DateInput(),
        help_text="公示期按工作日计算：开始日为工作日的计入；节假日和调休按国务院办公厅安排。",
    )


class NoticeEditForm(forms.Form):
    starts_on = forms.DateField(label="公示开始日期", widget=DateInput())
    title = forms.CharField(label="标题", max_length=200)
    body = forms.CharField(
        label="公示正文",
        widget=forms.Textarea(attrs={"rows": 18}),
        help_text="人选名单由系统按建议人选名单生成，附在正文之后。",
    )
    regenerate = forms.BooleanField(label="按当前开始日期重新生成正文（放弃对正文的修改）", required=False)


# --- The public's objection --------------------------------------------------------------------------


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        if not data:
            return []
        files = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(item, initial) for item in files]


class ObjectionForm(forms.Form):
    entry = forms.TypedChoiceField(label="被反映的公示人选", coerce=int, empty_value=None)
    name = forms.CharField(
        label="您的真实姓名", max_length=50, help_text="实名反映；您的姓名和联系方式严格保密，不会公开。"
    )
    phone = forms.CharField(
        label="联系电话",
        max_length=20,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
        help_text="手机号码或带区号的固定电话，以便核实情况。",
    )
    email = forms.EmailField(
        label="电子邮箱（选填）",
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text="填写后，处理完毕时会发邮件提醒您查询结果。",
    )
    content = forms.CharField(
        label="异议内容",
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=f"请写明具体事实（时间、地点、经过等），至少{OBJECTION_MIN_CHARS}个字。",
    )
    files = MultipleFileField(
        label="证明材料（选填）",
        required=False,
        widget=MultipleFileInput(
            attrs={"accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"}
        ),
        help_text=f"PDF、JPG或PNG格式，最多{OBJECTION_MAX_FILES}个文件，单个不超过10MB。",
    )

    def __init__(self, *args, entries: list[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["entry"].choices = [("", "请选择"), *entries]

    def clean_content(self):
        content = self.cleaned_data["content"].strip()
        count = content_char_count(content)
        if count < OBJECTION_MIN_CHARS:
            raise forms.ValidationError(
                f"异议内容至少{OBJECTION_MIN_CHARS}个字，请写明具体事实（当前{count}个字）。"
            )
        return content


class ReceiptLookupForm(forms.Form):
    code = forms.CharField(
        label="回执码",
        max_length=40,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
        help_text="提交异议后获得的12位回执码，如 ABCD-EFGH-JKMN（不区分大小写）。",
    )


# --- The officer's findings --------------------------------------------------------------------------


class InvestigateForm(forms.Form):
    notes = forms.CharField(label="调查核实情况", widget=forms.Textarea(attrs={"rows": 4}))


class DecideForm(forms.Form):
    FINDINGS = [("upheld", "异议成立（取消该人选）"), ("not_upheld", "异议不成立")]

    finding = forms.ChoiceField(label="处理结论", choices=FINDINGS, widget=forms.RadioSelect)
    reason = forms.CharField(
        label="结论理由",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="调查核实的事实和依据；异议成立时作为取消理由记录。",
    )
    public_reply = forms.CharField(
        label="答复意见",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="反映人凭回执码可查看，请勿写入他人的个人信息。",
    )
