"""The office's forms of a revocation case: opening it, the initial finding, the certificate's return.

The forms only parse; the rules (one ground at least, the facts, the evidence, the holder heard first) are
revocation.domain.cases', whose refusals come back at these fields. A form that carries files asks for the
confirmation in itself: a confirmation page could not send the chosen files again.
"""

from django import forms

from chieftech.core.confirm import IRREVERSIBLE
from chieftech.duties.domain.files import Upload
from chieftech.revocation.forms_files import confirmed_field, files_field, uploads_of
from chieftech.revocation.models import CaseKind, Ground

REVOKE, KEEP = "revoke", "keep"


def _confirmed_field(question: str) -> forms.BooleanField:
    # The error summary writes "label：message": the label ends without its full stop.
    return confirmed_field(f"我已知悉：{question.rstrip('。')}", IRREVERSIBLE)


class _UploadsMixin:
    def uploads(self) -> list[Upload]:
        return uploads_of(self)


OPEN_QUESTION = "立案后将通知本人及所在单位，并给予陈述申辩期限。"


class CaseOpenForm(_UploadsMixin, forms.Form):
    # Required here with the domain's own words, so an empty form shows every missing field at once (the
    # domain checks them again, and the files last).
    grounds = forms.MultipleChoiceField(
        label="取消情形（第十七条）",
        choices=[(g.value, f"第十七条{g.label}") for g in Ground],
        widget=forms.CheckboxSelectMultiple,
        help_text="可多选。",
        error_messages={"required": "请选择第十七条规定的取消情形（可多选）。"},
    )
    facts = forms.CharField(
        label="事实与依据",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="写明查实的事实、证据及所依据的条款，将告知本人及所在单位。",
        error_messages={"required": "请写明事实与依据。"},
    )
    files = files_field("证据材料")
    question = OPEN_QUESTION
    confirmed = _confirmed_field(question)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[
            "files"
        ].required = True  # marked as required; the field itself lets an empty list through

    def clean_files(self):
        files = self.cleaned_data.get("files") or []
        if not files:
            raise forms.ValidationError("请上传证据材料（PDF、JPG或PNG）。")
        return files


FINDING_CHOICES = {
    CaseKind.REVOKE: [(REVOKE, "拟取消资格，报领导小组审定"), (KEEP, "不予取消，结案")],
    CaseKind.ANNUL: [(REVOKE, "拟撤销取消资格决定，报领导小组审定"), (KEEP, "不予撤销，结案")],
}
FINDING_HELP = {
    CaseKind.REVOKE: "结合本人的陈述申辩写明认定的事实和理由。",
    CaseKind.ANNUL: "结合行政复议决定或判决写明认定的事实和理由。",
}
FINDING_QUESTION = {
    CaseKind.REVOKE: "初步认定作出后不能修改：拟取消的报领导小组审定，不予取消的即行结案并通知本人及所在单位。",
    CaseKind.ANNUL: "初步认定作出后不能修改：拟撤销的报领导小组审定，不予撤销的即行结案并通知本人及所在单位。",
}


class FindingForm(_UploadsMixin, forms.Form):
    outcome = forms.ChoiceField(
        label="初步认定结论",
        choices=[],
        widget=forms.RadioSelect,
        error_messages={"required": "请选择初步认定结论。"},
    )
    finding = forms.CharField(
        label="初步认定意见",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "请填写初步认定意见。"},
    )
    files = files_field("相关材料（选填）")
    confirmed = _confirmed_field("")

    def __init__(self, *args, kind: str = CaseKind.REVOKE, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.question = FINDING_QUESTION[kind]
        self.fields["outcome"].choices = FINDING_CHOICES[kind]
        self.fields["finding"].help_text = FINDING_HELP[kind]
        self.fields["confirmed"].label = f"我已知悉：{self.question.rstrip('。')}"

    @property
    def revoke(self) -> bool:
        return self.cleaned_data["outcome"] == REVOKE


class CertificateReturnForm(forms.Form):
    returned_on = forms.DateField(
        label="收回日期",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "请填写正确的日期，例如2026-03-25。"},
    )
    note = forms.CharField(
        label="收回说明",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="例如交回人、交回方式；证书遗失的，写明情况。",
    )
