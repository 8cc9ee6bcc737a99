"""The forms of the mentorship ledger and the duties log: they parse, the domain functions judge (every rule's
message comes from chieftech.duties.domain, at its field)."""

from django import forms

from chieftech.accounts.models import Enterprise
from chieftech.duties.domain.files import Upload
from chieftech.duties.models import DutyKind
from chieftech.policy.models import SkillLevel
from chieftech.selection.domain.evidence import MAX_FILE_BYTES, MB, upload_size_check

ACCEPT = ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"
FILE_HELP = f"PDF、JPG或PNG格式，不超过{MAX_FILE_BYTES // MB}MB。"


def _date(label: str, *, required: bool = True, help_text: str = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=help_text,
        error_messages={
            "required": f"请填写{label}。",
            "invalid": f"{label}格式不正确，请按“2025-06-30”填写。",
        },
    )


def _file(label: str, *, required: bool) -> forms.FileField:
    return forms.FileField(
        label=label,
        required=False,
        widget=forms.FileInput(attrs={"accept": ACCEPT}),
        help_text=FILE_HELP if required else f"可选。{FILE_HELP}",
    )


def upload_of(form: forms.Form, name: str = "file") -> Upload | None:
    """The form's file as the domain takes it; refused by size before its content is read into memory."""
    upload = form.cleaned_data.get(name)
    if not upload:
        return None
    upload_size_check(name=upload.name, size=upload.size)
    return Upload(name=upload.name, content=upload.read())


class ApprenticeForm(forms.Form):
    name = forms.CharField(label="徒弟姓名", max_length=50, required=False)
    id_number = forms.CharField(
        label="身份证号码",
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        help_text="登记后只显示部分号码。",
    )
    occupation = forms.CharField(label="职业（工种）", max_length=100, required=False)
    enterprise = forms.ModelChoiceField(
        label="所在单位",
        queryset=Enterprise.objects.none(),
        required=False,
        empty_label="区外或未注册单位（在下方填写名称）",
    )
    enterprise_name = forms.CharField(
        label="所在单位名称（区外或未注册单位）", max_length=200, required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = (
            Enterprise.objects.filter(status=Enterprise.Status.ACTIVE)
            .only("pk", "name")
            .order_by("name", "pk")
        )


class AgreementForm(forms.Form):
    signed_on = _date("签订日期", help_text="可早于管理期开始，不能晚于今天。")
    ends_on = _date("协议期满", required=False, help_text="协议约定的期满日期，没有约定的不填。")
    file = _file("带徒协议", required=True)


class CertificateForm(forms.Form):
    level = forms.TypedChoiceField(
        label="证书等级", choices=[("", "请选择"), *SkillLevel.choices], coerce=int, required=False
    )
    occupation = forms.CharField(label="职业（工种）", max_length=100, required=False)
    number = forms.CharField(label="证书编号", max_length=100, required=False)
    issuer = forms.CharField(label="发证机构", max_length=200, required=False)
    issued_on = _date("发证日期")
    file = _file("证书扫描件", required=False)


class ActivityForm(forms.Form):
    kind = forms.ChoiceField(label="类别", choices=[("", "请选择"), *DutyKind.choices], required=False)
    occurred_on = _date("日期", help_text="应在管理期内，不能晚于今天。")
    title = forms.CharField(label="事项", max_length=200, required=False)
    description = forms.CharField(
        label="内容", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    file = _file("证明材料", required=True)


class LogFilterForm(forms.Form):
    """The log's filters as a plain GET form; a value that is not a choice is ignored."""

    year = forms.TypedChoiceField(label="年度", required=False, coerce=int, empty_value=None)
    kind = forms.ChoiceField(label="类别", required=False, choices=[("", "全部"), *DutyKind.choices])

    def __init__(self, *args, years: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", "全部"), *((str(y), f"{y}年") for y in years)]
