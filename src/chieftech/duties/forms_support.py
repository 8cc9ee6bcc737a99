"""Forms of the employer's obligations, the departments' support and the liaison cadre. The forms only parse;
what is allowed is the domain's (duties.domain.obligations, .support, .liaison), whose refusals are shown at
the fields."""

from django import forms

from chieftech.core.widgets import DateInput
from chieftech.duties.models import LiaisonContact, SupportKind
from chieftech.selection.domain.evidence import MAX_FILE_BYTES, MB

ACCEPT = ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"
TEXT = {"rows": 3}


class EmployerRecordForm(forms.Form):
    has_supplementary_insurance = forms.BooleanField(label="本单位已建立补充医疗保险", required=False)
    medical_subsidy = forms.CharField(
        label="医疗费用补助（元）",
        required=False,
        max_length=20,
        help_text="已建立补充医疗保险的，填写本年度对其基本医疗保险政策范围内个人负担医疗费用给予的补助，精确到分；"
        "未建立的不填。",
    )
    medical_note = forms.CharField(
        label="医疗补助说明", required=False, max_length=2000, widget=forms.Textarea(attrs=TEXT)
    )
    health_check_on = forms.DateField(label="健康查体日期", required=False, widget=DateInput())
    health_check_note = forms.CharField(
        label="健康查体说明",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs=TEXT),
        help_text="本年度未安排健康查体的，请说明原因。",
    )
    paid_leave_days = forms.CharField(label="带薪休假（天）", required=False, max_length=5)
    paid_leave_note = forms.CharField(
        label="带薪休假说明",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs=TEXT),
        help_text="未安排带薪休假的，请说明原因。",
    )


class SupportRecordForm(forms.Form):
    kind = forms.ChoiceField(label="类别", choices=[("", "请选择"), *SupportKind.choices], required=False)
    occurred_on = forms.DateField(label="日期", widget=DateInput())
    title = forms.CharField(label="事项", required=False, max_length=200)
    department = forms.CharField(label="组织部门或单位", required=False, max_length=200)
    description = forms.CharField(
        label="内容", required=False, max_length=4000, widget=forms.Textarea(attrs=TEXT)
    )
    file = forms.FileField(
        label="证明材料",
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
        help_text=f"可选。PDF、JPG或PNG格式，不超过{MAX_FILE_BYTES // MB}MB。",
    )


class LiaisonAssignForm(forms.Form):
    cadre_name = forms.CharField(label="联系领导干部姓名", required=False, max_length=50)
    cadre_post = forms.CharField(label="职务", required=False, max_length=100)
    cadre_unit = forms.CharField(label="工作单位", required=False, max_length=200)
    cadre_phone = forms.CharField(label="联系电话", required=False, max_length=30)
    assigned_on = forms.DateField(
        label="确定联系日期", widget=DateInput(), help_text="现联系领导干部的联系至前一日结束。"
    )


class LiaisonContactForm(forms.Form):
    contacted_on = forms.DateField(label="联系日期", widget=DateInput())
    mode = forms.ChoiceField(
        label="方式", choices=[("", "请选择"), *LiaisonContact.Mode.choices], required=False
    )
    difficulties = forms.CharField(
        label="反映的困难和诉求", required=False, max_length=4000, widget=forms.Textarea(attrs=TEXT)
    )
    resolution = forms.CharField(
        label="协调解决情况", required=False, max_length=4000, widget=forms.Textarea(attrs=TEXT)
    )
