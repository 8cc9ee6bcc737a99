"""The blank 申报表 of a call, made once and kept: every visitor downloads the same stored file.

Rendering the form costs a few hundred milliseconds of CPU; rendered per request, a crowd on the call's
download link starved every other page. The file is named by a hash of everything it prints (the round's
title and dates, the policy version's limits, the authority's names, via `blank_form_content`) and of the
code that lays it out, so a change of any of them makes a new file and the old one is simply no longer
asked for. The files live in the default storage (the media folder, or the S3 bucket), which every worker
and every app server shares.
"""

import dataclasses
import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from chieftech.core import pdf as core_pdf
from chieftech.selection.documents import form, pdf, word
from chieftech.selection.models import Round

FOLDER = "blank-forms"
RENDERERS = {"pdf": pdf.form_pdf, "docx": word.form_docx}


def _code_digest() -> str:
    """The layout code's own hash: a deployment that changes how the form is drawn makes new files."""
    digest = hashlib.sha256()
    for module in (form, pdf, word, core_pdf):
        digest.update(Path(module.__file__).read_bytes())
    return digest.hexdigest()


CODE_DIGEST = _code_digest()


@dataclass(frozen=True)
class StoredForm:
    name: str  # in the default storage
    etag: str
    modified: datetime


def blank_form_key(round_: Round, kind: str) -> str:
    """The hash of what the blank form of `round_` prints, in format `kind` ("pdf" or "docx")."""
    content = dataclasses.asdict(form.blank_form_content(round_))
    text = json.dumps([kind, CODE_DIGEST, content], ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def blank_form_stored(round_: Round, kind: str) -> StoredForm:
    """The stored blank form of `round_`, rendered and saved the first time it is asked for."""
    key = blank_form_key(round_, kind)
    name = f"{FOLDER}/{key}.{kind}"
    if not default_storage.exists(name):
        content = RENDERERS[kind](form.blank_form_content(round_))
        saved = default_storage.save(name, ContentFile(content))
        if saved != name:
            # Another worker stored the same file meanwhile: theirs is kept, this copy goes.
            default_storage.delete(saved)
    return StoredForm(name=name, etag=f'"{key}"', modified=default_storage.get_modified_time(name))
