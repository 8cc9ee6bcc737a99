"""The office's form opening the annulment of an approved revocation."""

from django import forms

from chieftech.revocation.forms_files import files_field


class AnnulmentForm(forms.Form):
    facts = forms.CharField(
        label="撤销的事实与依据",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="写明行政复议决定或判决的文号、日期及结论。",
        error_messages={"required": "请写明撤销的事实与依据（行政复议决定或判决）。"},
    )
    files = files_field("行政复议决定书或判决书")
    # The confirmation is asked at the form: the confirmation page could not carry the files.
    confirmed = forms.BooleanField(
        label="已核对行政复议决定或判决，确认发起撤销程序",
        error_messages={"required": "请勾选确认后发起撤销程序。"},
    )
