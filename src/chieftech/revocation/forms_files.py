"""What every form of a revocation case shares: the files it carries, read as the domain takes them, and the
confirmation box. A browser cannot send chosen files again from a confirmation page, so a form that carries
files asks for the confirmation in itself: ticked, the box sends chieftech.core.confirm's `confirmed=yes`."""

from django import forms

from chieftech.core.confirm import CONFIRM_VALUE
from chieftech.core.errors import DomainError
from chieftech.duties.domain.files import Upload
from chieftech.publicity.forms_notice import MultipleFileField, MultipleFileInput
from chieftech.selection.domain.evidence import MAX_FILE_BYTES, MB, upload_size_check

ACCEPT = ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"
FILE_HELP = f"PDF、JPG或PNG格式，可选择多个文件，单个不超过{MAX_FILE_BYTES // MB}MB。"


def files_field(label: str, help_text: str = FILE_HELP) -> MultipleFileField:
    # Not required here: the domain says when files are missing, with the other fields' problems at once.
    return MultipleFileField(
        label=label, required=False, widget=MultipleFileInput(attrs={"accept": ACCEPT}), help_text=help_text
    )


def confirmed_field(label: str, help_text: str = "") -> forms.BooleanField:
    return forms.BooleanField(
        label=label,
        required=False,
        widget=forms.CheckboxInput(attrs={"value": CONFIRM_VALUE}),
        help_text=help_text,
    )


def uploads_of(form: forms.Form) -> list[Upload]:
    """The form's files as the domain takes them, each refused by its size before it is read into memory."""
    uploads = []
    for file in form.cleaned_data.get("files") or []:
        try:
            upload_size_check(name=file.name, size=file.size)
        except DomainError as exc:
            raise DomainError(exc.message, field="files", code=exc.code) from None
        uploads.append(Upload(name=file.name, content=file.read()))
    return uploads
