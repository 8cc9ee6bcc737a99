"""The chief technicians' showcase on the portal (第14条(六)): shown only with the person's recorded consent.

The officer records the consent, an optional photo and a short public summary of the person's deeds. The
portal shows a tenure while it holds the title (benefits suspended under 第16条(一) keeps the title) and the
consent stands; withdrawing the consent takes the person off the portal at once.

The photo is re-encoded before it is stored: a phone photo carries EXIF data (the place it was taken,
often to the metre), and nothing finer than the town may reach a public page.
"""

import re
from dataclasses import dataclass
from datetime import datetime
from io import BytesIO
from pathlib import PurePosixPath

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageOps, UnidentifiedImageError

import chieftech.tenure.rules  # noqa: F401  (declares the rules asked here)
from chieftech.audit.domain import audit_record, snapshot
from chieftech.core.errors import DomainError
from chieftech.core.notify import notify
from chieftech.core.permissions import require_perm
from chieftech.core.uploads import file_size_text
from chieftech.selection.domain.evidence import MAX_FILE_BYTES, MB, inspect_upload, random_storage_name
from chieftech.selection.models import RoundState
from chieftech.tenure.domain.public_pages import public_pages_purge_for_tenure
from chieftech.tenure.models import Tenure, TenureStatus

# The title stays while benefits are suspended (第16条(一)); an expired, not renewed or revoked term is
# no longer a chief technician of the district.
SHOWCASE_STATUSES = (TenureStatus.ACTIVE, TenureStatus.SUSPENDED)
SUMMARY_MAX_CHARS = 500
PHOTO_EXTENSIONS = {".jpg": "JPEG", ".jpeg": "JPEG", ".png": "PNG"}
PHOTO_CONTENT_TYPES = {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png"}
# Larger than any phone camera takes; a bigger image is refused before it is decoded.
PHOTO_MAX_PIXELS = 60_000_000
# Stored photos are scaled to fit this box: enough for a portrait on a page, small to serve.
PHOTO_BOX = (1200, 1200)
# A run of 11 or more digits (spaces and hyphens allowed between them): a phone, ID or bank account number.
_LONG_NUMBER = re.compile(r"\d(?:[\s\-]?\d){10,}")

SHOWCASE_FIELDS = ["showcase_consent", "showcase_consent_at", "showcase_summary", "photo"]


@dataclass(frozen=True)
class PhotoUpload:
    name: str
    content: bytes


def showcase_eligible(tenure: Tenure) -> bool:
    """Consented and holding the title: shown on the portal once the round's roster is published."""
    return tenure.showcase_consent and tenure.status in SHOWCASE_STATUSES


def showcase_visible(tenure: Tenure) -> bool:
    """Shown on the portal now (the same rule as chieftech.portal.selectors.showcase_public)."""
    return showcase_eligible(tenure) and tenure.application.round.state == RoundState.PUBLISHED


def photo_content_type(stored_name: str) -> str:
    return PHOTO_CONTENT_TYPES.get(PurePosixPath(stored_name).suffix.lower(), "application/octet-stream")


def _photo_error(message: str) -> DomainError:
    return DomainError(message, field="photo")


def photo_size_check(*, name: str, size: int) -> None:
    """Refuse an oversized photo by its size alone, before it is read into memory."""
    if size > MAX_FILE_BYTES:
        raise _photo_error(
            f"“{name}”的文件大小为 {file_size_text(size)}，照片不能超过 {MAX_FILE_BYTES // MB} MB。"
        )


def showcase_photo_clean(*, name: str, content: bytes) -> tuple[str, bytes]:
    """The photo as it will be stored (extension, bytes): a real JPG or PNG, within the size limit,
    re-encoded without its metadata and scaled to fit PHOTO_BOX."""
    extension = PurePosixPath(name).suffix.lower()
    if extension not in PHOTO_EXTENSIONS:
        raise _photo_error(f"“{name}”的格式不受支持：照片只接受JPG、PNG文件。")
    photo_size_check(name=name, size=len(content))
    too_large = _photo_error(
        f"“{name}”的像素过多（超过{PHOTO_MAX_PIXELS // 1_000_000}百万像素），请缩小后再上传。"
    )
    try:
        inspect_upload(name=name, content=content)
        with Image.open(BytesIO(content)) as image:
            width, height = image.size
            if width * height > PHOTO_MAX_PIXELS:
                raise too_large
            image.draft("RGB", PHOTO_BOX)  # JPEG decodes at a reduced scale; other formats ignore it
            image = ImageOps.exif_transpose(image)
            image.thumbnail(PHOTO_BOX)
            fmt = PHOTO_EXTENSIONS[extension]
            if fmt == "JPEG" and image.mode not in ("RGB", "L"):
                image = image.convert("RGB")
            output = BytesIO()
            image.save(output, fmt, **({"quality": 88} if fmt == "JPEG" else {"optimize": True}))
    except DomainError as exc:
        raise _photo_error(exc.message) from None
    except Image.DecompressionBombError:
        raise too_large from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise _photo_error(f"“{name}”不是有效的图片文件（文件已损坏或尺寸异常）。") from None
    return (".jpg" if fmt == "JPEG" else ".png"), output.getvalue()


def showcase_summary_clean(summary: str) -> str:
    summary = summary.strip()
    if len(summary) > SUMMARY_MAX_CHARS:
        raise DomainError(
            f"事迹简介不能超过{SUMMARY_MAX_CHARS}个字（现为{len(summary)}个字）。", field="summary"
        )
    if _LONG_NUMBER.search(summary):
        raise DomainError("事迹简介将在门户公开，不能包含电话、身份证号、银行账号等号码。", field="summary")
    return summary


def tenure_showcase_update(
    *,
    actor,
    tenure: Tenure,
    consent: bool,
    summary: str,
    photo: PhotoUpload | None = None,
    remove_photo: bool = False,
    now: datetime | None = None,
) -> Tenure:
    """Record the person's consent to be shown on the portal, the public summary and the photo.

    Giving consent records its time; withdrawing it clears the time (the audit log keeps the history)
    and takes the person off the portal at once. Refused, with nothing saved, when consent is given for
    a term that no longer holds the title or without a summary.
    """
    require_perm(actor, "tenure.showcase_manage", tenure, "只有本机关的人社局经办人可以登记展示信息。")
    now = now or timezone.now()
    summary = showcase_summary_clean(summary)
    cleaned_photo = showcase_photo_clean(name=photo.name, content=photo.content) if photo else None
    with transaction.atomic():
        locked = (
            Tenure.objects.select_for_update(of=("self",))
            .select_related("application__round")
            .get(pk=tenure.pk)
        )
        if consent and locked.status not in SHOWCASE_STATUSES:
            raise DomainError(
                f"该首席技师当前为“{locked.get_status_display()}”，不能在门户展示。", field="consent"
            )
        if consent and not summary:
            raise DomainError("同意展示的，须填写公开的事迹简介。", field="summary")
        before = snapshot(locked, SHOWCASE_FIELDS)
        consent_changed = consent != locked.showcase_consent
        if consent_changed:
            locked.showcase_consent = consent
            locked.showcase_consent_at = now if consent else None
        locked.showcase_summary = summary
        old_photo = locked.photo.name if locked.photo else ""
        if cleaned_photo is not None:
            extension, content = cleaned_photo
            locked.photo.save(random_storage_name(extension), ContentFile(content), save=False)
        elif remove_photo:
            locked.photo = ""
        locked.save(update_fields=SHOWCASE_FIELDS)
        after = snapshot(locked, SHOWCASE_FIELDS)
        if after == before:
            return locked
        if consent_changed:
            action = "tenure.showcase_consent" if consent else "tenure.showcase_withdraw"
        else:
            action = "tenure.showcase_update"
        audit_record(action=action, actor=actor, obj=locked, before=before, after=after)
        public_pages_purge_for_tenure(locked)
        if consent_changed:
            notify(
                users=[locked.user],
                subject="门户展示同意已登记" if consent else "门户展示已撤下",
                body=(
                    f"您同意在{locked.authority.title_name}门户展示照片和事迹简介，已登记。"
                    if consent
                    else "您已撤回在门户展示的同意，您的照片和事迹简介已从门户撤下。"
                ),
            )
        stored = locked.photo.name if locked.photo else ""
        if old_photo and old_photo != stored:
            storage = locked.photo.storage
            transaction.on_commit(lambda: storage.delete(old_photo))
    return locked
