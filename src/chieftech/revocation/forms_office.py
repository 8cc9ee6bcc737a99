"""The office's forms of a revocation case: opening it, the initial finding, the certificate's return.

The forms only parse; the rules (one ground at least, the facts, the evidence, the holder heard first) are
revocation.domain.cases', whose refusals come back at these fields. A form that carries files asks for the
confirmation in itself: a confirmation page could not send the chosen files again.
"""

from django import forms

from chieftech.core.confirm import IRREVERSIBLE
from chieftech.duties.domain.files import Upload
from chieftech.revocation.forms_files import confirmed_field, files_field, uploads_of
from chieftech.revocation.models import Ground

REVOKE, KEEP = "revoke", "keep"


def _confirmed_field(question: str) -> forms.BooleanField:
    return confirmed_field(f"我已知悉：{question}", IRREVERSIBLE)


class _UploadsMixin:
    def uploads(self) -> list[Upload]:
        return uploads_of(self)


OPEN_QUESTION = "立案后将通知本人及所在单位，并给予陈述申辩期限。"


class CaseOpenForm(_UploadsMixin, forms.Form):
    grounds = forms.MultipleChoiceField(
        label="取消情形（第十七条）",
        choices=[(g.value, f"第十七条{g.label}") for g in Ground],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="可多选。",
    )
    facts = forms.CharField(
        label="事实与依据",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="写明查实的事实、证据及所依据的条款，将告知本人及所在单位。",
    )
    files = files_field("证据材料")
    question = OPEN_QUESTION
    confirmed = _confirmed_field(question)


class FindingForm(_UploadsMixin, forms.Form):
    outcome = forms.ChoiceField(
        label="初步认定结论",
        choices=[(REVOKE, "拟取消资格，报领导小组审定"), (KEEP, "不予取消，结案")],
        widget=forms.RadioSelect,
        error_messages={"required": "请选择初步认定结论。"},
    )
    finding = forms.CharField(
        label="初步认定意见",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="结合本人的陈述申辩写明认定的事实和理由。",
    )
    files = files_field("相关材料（选填）")
    question = "初步认定作出后不能修改：拟取消的报领导小组审定，不予取消的即行结案并通知本人及所在单位。"
    confirmed = _confirmed_field(question)

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
