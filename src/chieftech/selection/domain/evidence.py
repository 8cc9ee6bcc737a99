"""Evidence files: PDF, JPG or PNG whose content matches its name, within size limits, stored under a random
name outside the web root and only ever served through permission-checked views as a download."""

import hashlib
import secrets
from pathlib import PurePosixPath

from django.core.files.base import ContentFile
from django.db import transaction

from chieftech.audit.domain import audit_record
from chieftech.core.errors import DomainError
from chieftech.core.uploads import ACTIVE_MARKUP, MB, file_size_text, image_check, pdf_check
from chieftech.selection.domain.applications import lock_editable, require_editable, require_own_enterprise
from chieftech.selection.models import EvidenceFile

MAX_FILE_BYTES = 10 * MB
MAX_TOTAL_BYTES = 50 * MB

# extension: (content type, leading bytes, Pillow's format name for images)
ALLOWED = {
    ".pdf": ("application/pdf", (b"%PDF-",), None),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",), "JPEG"),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",), "JPEG"),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",), "PNG"),
}


def random_storage_name(extension: str) -> str:
    return f"{secrets.token_hex(16)}{extension}"


def safe_original_name(name: str) -> str:
    """Refuse names that try to climb out of a folder or hide control characters; keep the rest for display."""
    if not name or "/" in name or "\\" in name or ".." in name or any(ord(ch) < 32 for ch in name):
        raise DomainError(f"文件名“{name}”不合法：不能包含路径或特殊字符。", field="file")
    if len(name) > 200:
        raise DomainError("文件名过长（最多200个字符）。", field="file")
    return name


def upload_size_check(*, name: str, size: int) -> None:
    """Refuse an empty or oversized file by its size alone, so a view can refuse it before reading it."""
    if size == 0:
        raise DomainError(f"“{name}”是空文件。", field="file")
    if size > MAX_FILE_BYTES:
        raise DomainError(
            f"“{name}”的文件大小为 {file_size_text(size)}，超过上限 {MAX_FILE_BYTES // MB} MB。",
            field="file",
            code="too_large",
        )


def inspect_upload(*, name: str, content: bytes) -> str:
    """Return the content type of an acceptable file, or refuse it with the reason."""
    name = safe_original_name(name)
    extension = PurePosixPath(name).suffix.lower()
    if extension not in ALLOWED:
        raise DomainError(f"“{name}”的格式不受支持：只接受PDF、JPG、PNG文件。", field="file")
    upload_size_check(name=name, size=len(content))
    content_type, signatures, image_format = ALLOWED[extension]
    if not any(content.startswith(sig) for sig in signatures):
        raise DomainError(
            f"“{name}”的内容与扩展名不符，不是真正的{extension[1:].upper()}文件。", field="file"
        )
    head = content[:4096].lower()
    if any(marker in head for marker in ACTIVE_MARKUP):
        raise DomainError(f"“{name}”含有网页代码，不是有效的证明材料文件。", field="file")
    if image_format:
        image_check(name=name, content=content, kind=image_format)
    else:
        if b"%%EOF" not in content[-2048:]:
            raise DomainError(f"“{name}”不是完整的PDF文件。", field="file")
        pdf_check(name=name, content=content)
    return content_type


def evidence_add(*, actor, application, kind: str, name: str, content: bytes):
    """Attach one evidence file to an editable application of the actor's own enterprise."""
    require_own_enterprise(actor, application)
    require_editable(application, "上传材料")
    if kind not in EvidenceFile.Kind.values:
        raise DomainError("请选择材料类别。", field="kind")
    content_type = inspect_upload(name=name, content=content)
    extension = PurePosixPath(name).suffix.lower()
    with transaction.atomic():
        # Another tab may have submitted the application since this one loaded it.
        application = lock_editable(application, "上传材料")
        used = sum(application.evidence.select_for_update().values_list("size", flat=True))
        if used + len(content) > MAX_TOTAL_BYTES:
            raise DomainError(
                f"每份申报的证明材料合计不能超过{MAX_TOTAL_BYTES // MB}MB，已上传{used / MB:.1f}MB。",
                field="file",
            )
        evidence = EvidenceFile(
            application=application,
            kind=kind,
            original_name=name,
            size=len(content),
            content_type=content_type,
            sha256=hashlib.sha256(content).hexdigest(),
            uploaded_by=actor,
        )
        evidence.file.save(random_storage_name(extension), ContentFile(content), save=False)
        evidence.save()
        audit_record(
            action="evidence.add",
            actor=actor,
            obj=evidence,
            after={
                "application": application.pk,
                "name": name,
                "size": len(content),
                "sha256": evidence.sha256,
            },
        )
    return evidence


def evidence_remove(*, actor, evidence) -> None:
    application = evidence.application
    require_own_enterprise(actor, application)
    require_editable(application, "删除材料")
    with transaction.atomic():
        # A submission checks that evidence exists: removing it must not slip in beside one.
        lock_editable(application, "删除材料")
        audit_record(
            action="evidence.remove",
            actor=actor,
            obj=evidence,
            before={"application": application.pk, "name": evidence.original_name, "sha256": evidence.sha256},
        )
        stored = evidence.file.name
        evidence.delete()
        transaction.on_commit(lambda: evidence.file.storage.delete(stored))
