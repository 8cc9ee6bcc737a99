"""The enterprise's application form: parsing only. Every rule (ID check digit, one application per person per
round, the deeds limit, what a submission needs) is the domain's; its DomainError comes back at a field."""

from django import forms
from django.core.files.uploadhandler import FileUploadHandler
from django.http.multipartparser import MultiPartParser

from chieftech.core.widgets import DateInput
from chieftech.policy.models import SkillLevel
from chieftech.selection.domain.applications import PERSON_FIELDS
from chieftech.selection.models import (
    Achievement,
    Application,
    CompetitionLevel,
    CompetitionResult,
    Education,
    EvidenceFile,
    Route,
    SkillCertificate,
)

# The competition route asks for a 市级一类/二类 competition or higher (第7条(二)).
ROUTE_COMPETITION_LEVELS = [
    (value, label) for value, label in CompetitionLevel.choices if value != CompetitionLevel.DISTRICT
]
COMPETITION_FIELDS = ("competition_name", "competition_level", "competition_rank", "competition_year")


def _label(model, name: str) -> str:
    return str(model._meta.get_field(name).verbose_name)


def _text(model, name: str, **kwargs) -> forms.CharField:
    field = model._meta.get_field(name)
    return forms.CharField(label=_label(model, name), max_length=field.max_length, required=False, **kwargs)


class ApplicationForm(forms.Form):
    """One form for the whole application. Only the ID number is needed to save a draft: it is what identifies
    the person in the round. On edit, the stored ID number and phone are never put back into the page (they
    are shown masked); leaving them blank keeps them."""

    route = forms.ChoiceField(
        label=_label(Application, "route"),
        choices=Route.choices,
        initial=Route.ENTERPRISE,
        widget=forms.RadioSelect,
    )
    name = _text(Application, "name")
    id_number = forms.CharField(
        label=_label(Application, "id_number"),
        max_length=30,
        required=False,
        error_messages={"required": "请填写身份证号码：它确定本批次的申报人，保存草稿也需要。"},
        help_text="18位，出生日期和性别由号码自动得出。",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    phone = forms.CharField(
        label=_label(Application, "phone"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    education = forms.ChoiceField(
        label=_label(Application, "education"), choices=[("", "请选择"), *Education.choices], required=False
    )
    occupation = _text(Application, "occupation")
    post = _text(Application, "post", help_text="例如：数控车间机床操作。")
    is_frontline = forms.BooleanField(label=_label(Application, "is_frontline"), required=False, initial=True)
    years_in_trade = forms.IntegerField(
        label=_label(Application, "years_in_trade"), min_value=0, max_value=60, required=False
    )
    competition_name = _text(Application, "competition_name")
    competition_level = forms.ChoiceField(
        label=_label(Application, "competition_level"),
        choices=[("", "请选择"), *ROUTE_COMPETITION_LEVELS],
        required=False,
        help_text="须为市级二类以上职业技能竞赛。",
    )
    competition_rank = _text(Application, "competition_rank", help_text="例如：第一名、一等奖。")
    competition_year = forms.IntegerField(
        label=_label(Application, "competition_year"), min_value=1950, max_value=2100, required=False
    )
    apprentices_trained = forms.IntegerField(
        label=_label(Application, "apprentices_trained"), min_value=0, max_value=10000, required=False
    )
    apprentices_summary = forms.CharField(
        label=_label(Application, "apprentices_summary"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="所带徒弟成为技术骨干、在职业技能竞赛中取得成绩等情况。",
    )
    deeds = forms.CharField(
        label=_label(Application, "deeds"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 14}),
    )
    enterprise_notice_starts_on = forms.DateField(
        label=_label(Application, "enterprise_notice_starts_on"), required=False, widget=DateInput()
    )
    enterprise_notice_ends_on = forms.DateField(
        label=_label(Application, "enterprise_notice_ends_on"), required=False, widget=DateInput()
    )
    enterprise_notice_outcome = _text(
        Application, "enterprise_notice_outcome", help_text="例如：公示期间无异议。"
    )
    enterprise_opinion = forms.CharField(
        label=_label(Application, "enterprise_opinion"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, application: Application | None = None, **kwargs):
        self.application = application
        if application is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                name: getattr(application, name)
                for name in PERSON_FIELDS
                if name not in ("id_number", "phone")
            }
        super().__init__(*args, **kwargs)
        if application is None:
            self.fields["id_number"].required = True
        else:
            self.fields[
                "id_number"
            ].help_text = (
                f"当前：{application.id_number_masked}。留空则不修改；如填写错误，请重新输入完整号码。"
            )
            self.fields["phone"].help_text = f"当前：{application.phone_masked or '未填写'}。留空则不修改。"

    def person_data(self) -> dict:
        """The cleaned form as the domain's `data` dict (PERSON_FIELDS)."""
        data = {name: self.cleaned_data.get(name) for name in PERSON_FIELDS}
        for name in ("years_in_trade", "apprentices_trained"):
            data[name] = data[name] or 0
        for name in ("name", "occupation", "post", "competition_name", "competition_rank"):
            data[name] = (data[name] or "").strip()
        if data["route"] != Route.COMPETITION:
            # Competition details belong to the competition route only; switching away clears them.
            data.update(competition_name="", competition_level="", competition_rank="", competition_year=None)
        if self.application is not None:
            for name in ("id_number", "phone"):
                if not data[name]:
                    del data[name]
        return data


class _RowForm(forms.Form):
    """A row of a child table: its inputs sit in table cells under a heading, so each carries its own label."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.setdefault("aria-label", field.label)


class _RowFormSet(forms.BaseFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = "删除"
            form.fields["DELETE"].widget.attrs["aria-label"] = "删除此行"


class CertificateForm(_RowForm):
    level = forms.TypedChoiceField(
        label=_label(SkillCertificate, "level"), coerce=int, choices=[("", "请选择"), *SkillLevel.choices]
    )
    occupation = forms.CharField(label=_label(SkillCertificate, "occupation"), max_length=100)
    number = forms.CharField(label=_label(SkillCertificate, "number"), max_length=100)
    issuer = forms.CharField(label=_label(SkillCertificate, "issuer"), max_length=200)
    issued_on = forms.DateField(label=_label(SkillCertificate, "issued_on"), widget=DateInput())


class CompetitionForm(_RowForm):
    name = forms.CharField(label=_label(CompetitionResult, "name"), max_length=200)
    level = forms.ChoiceField(
        label=_label(CompetitionResult, "level"), choices=[("", "请选择"), *CompetitionLevel.choices]
    )
    rank = forms.CharField(label=_label(CompetitionResult, "rank"), max_length=50)
    year = forms.IntegerField(label=_label(CompetitionResult, "year"), min_value=1950, max_value=2100)


class AchievementForm(_RowForm):
    kind = forms.ChoiceField(
        label=_label(Achievement, "kind"), choices=[("", "请选择"), *Achievement.Kind.choices]
    )
    title = forms.CharField(label=_label(Achievement, "title"), max_length=200)
    number = forms.CharField(label=_label(Achievement, "number"), max_length=100, required=False)
    achieved_on = forms.DateField(
        label=_label(Achievement, "achieved_on"), required=False, widget=DateInput()
    )
    description = forms.CharField(
        label=_label(Achievement, "description"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


CertificateFormSet = forms.formset_factory(CertificateForm, formset=_RowFormSet, extra=1, can_delete=True)
CompetitionFormSet = forms.formset_factory(CompetitionForm, formset=_RowFormSet, extra=1, can_delete=True)
AchievementFormSet = forms.formset_factory(AchievementForm, formset=_RowFormSet, extra=1, can_delete=True)

CHILD_FORMSETS = {
    # keyword of application_create/update: (formset class, prefix, related name, fields)
    "certificates": (
        CertificateFormSet,
        "cert",
        "certificates",
        ("level", "occupation", "number", "issuer", "issued_on"),
    ),
    "competitions": (CompetitionFormSet, "comp", "competitions", ("name", "level", "rank", "year")),
    "achievements": (
        AchievementFormSet,
        "ach",
        "achievements",
        ("kind", "title", "number", "achieved_on", "description"),
    ),
}


def child_formsets(data=None, *, application: Application | None = None) -> dict[str, forms.BaseFormSet]:
    formsets = {}
    for keyword, (formset_class, prefix, related, fields) in CHILD_FORMSETS.items():
        initial = None
        if application is not None and data is None:
            initial = [
                {name: getattr(row, name) for name in fields} for row in getattr(application, related).all()
            ]
        formsets[keyword] = formset_class(data, prefix=prefix, initial=initial)
    return formsets


def kept_forms(formset: forms.BaseFormSet) -> list[forms.Form]:
    """The row forms of a valid formset that the domain receives, in order (blank extra and deleted rows
    dropped): the domain's row n is this list's n, which is how its refusals find their cells."""
    kept = []
    for index, form in enumerate(formset.forms):
        blank_extra_row = index >= formset.initial_form_count() and not form.has_changed()
        if not (blank_extra_row or form.cleaned_data.get("DELETE")):
            kept.append(form)
    return kept


def child_rows(formset: forms.BaseFormSet) -> list[dict]:
    """The kept rows of a valid formset as dicts for the domain."""
    rows = []
    for form in kept_forms(formset):
        row = {name: value for name, value in form.cleaned_data.items() if name != "DELETE"}
        for name, value in row.items():
            if isinstance(value, str):
                row[name] = value.strip()
        rows.append(row)
    return rows


class EvidenceForm(forms.Form):
    kind = forms.ChoiceField(label="材料类别", choices=[("", "请选择"), *EvidenceFile.Kind.choices])
    file = forms.FileField(
        label="文件",
        help_text="PDF、JPG或PNG格式，单个文件不超过10MB，每份申报合计不超过50MB。",
        widget=forms.ClearableFileInput(
            attrs={"accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"}
        ),
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(label="撤回理由", widget=forms.Textarea(attrs={"rows": 2}), max_length=500)


# --- Keeping the file name the client sent --------------------------------------------------------------


class _NameKeepingParser(MultiPartParser):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.client_names: dict[str, str] = {}

    def sanitize_file_name(self, file_name):
        sanitized = super().sanitize_file_name(file_name)
        if sanitized:
            self.client_names[sanitized] = file_name
        return sanitized


class ClientFileNameHandler(FileUploadHandler):
    """Django strips any folder from an uploaded file's name before a view sees it. The evidence rules refuse
    a name that tries to climb out of a folder ("../../etc/passwd.png") and say so, so this handler parses the
    body itself and keeps, per uploaded name, the name exactly as the client sent it.

    Install it before the request body is read (the view must be csrf_exempt and then csrf_protect itself)."""

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        others = [handler for handler in self.request.upload_handlers if handler is not self]
        parser = _NameKeepingParser(META, input_data, others, encoding)
        post, files = parser.parse()
        self.request.client_file_names = parser.client_names
        return post, files


def client_file_name(request, upload) -> str:
    """The uploaded file's name as the client sent it (see ClientFileNameHandler)."""
    return getattr(request, "client_file_names", {}).get(upload.name, upload.name)
