"""Evidence files of the management period's records (agreements, certificates, duties, support, the re-review's
achievements): checked as every upload of the system is (chieftech.selection.domain.evidence: size, type,
content), stored under a random name, described on the record."""

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.core.files.base import ContentFile
from django.db import models

from chieftech.selection.domain.evidence import inspect_upload, random_storage_name, upload_size_check


@dataclass(frozen=True)
class Upload:
    name: str
    content: bytes


def uploads_check(files: Sequence[Upload]) -> None:
    """Refuse (DomainError naming the file) before anything is saved."""
    for upload in files:
        upload_size_check(name=upload.name, size=len(upload.content))
        inspect_upload(name=upload.name, content=upload.content)


def evidence_attach(record: models.Model, upload: Upload, *, field: str = "file") -> None:
    """Put `upload` on `record` (a model with `file`, `file_name`, `file_size`, `file_type`), unsaved: the
    caller saves the record in its transaction. Call `uploads_check` first."""
    record.file_name = PurePosixPath(upload.name).name[:200]
    record.file_size = len(upload.content)
    record.file_type = inspect_upload(name=upload.name, content=upload.content)
    extension = PurePosixPath(upload.name).suffix.lower()
    getattr(record, field).save(random_storage_name(extension), ContentFile(upload.content), save=False)
