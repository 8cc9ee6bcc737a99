"""实名异议 (第10条(五)): objections the public files while a notice runs, and the officer's findings.

Filing is public and anonymous to the system (no account): the objector gives a real name and a phone,
gets an unguessable receipt code, and with it alone can look up the handling status of that one objection.
The server enforces the window (not only the form), and each address may file only so many an hour.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

import chieftech.publicity.rules  # noqa: F401  (declares the rules asked here)
from chieftech.accounts.models import User
from chieftech.accounts.roles import roles_with
from chieftech.audit.domain import audit_record
from chieftech.core.errors import DomainError
from chieftech.core.notify import email_enqueue, notify
from chieftech.core.permissions import require_perm
from chieftech.core.pii import mask_phone, normalize_phone, validate_phone
from chieftech.core.ratelimit import RateLimit, rate_limit_hit, rate_limit_undo
from chieftech.policy.calendar import DEADLINE_TZ
from chieftech.publicity.domain.notice import notice_is_running, period_label
from chieftech.publicity.domain.transitions import FINDING_STATES, objection_transition
from chieftech.publicity.models import Notice, NoticeEntry, Objection, ObjectionEvidence
from chieftech.selection.domain.applications import application_transition
from chieftech.selection.domain.evidence import (
    MAX_TOTAL_BYTES,
    MB,
    inspect_upload,
    random_storage_name,
    upload_size_check,
)
from chieftech.selection.models import ApplicationState

HANDLE_OBJECTION = "publicity.handle_objection"
# The issue asks for at least 20 characters of content: enough to name a fact that can be checked.
OBJECTION_MIN_CHARS = 20
OBJECTION_MAX_CHARS = 5000
OBJECTION_MAX_FILES = 5
# Receipt codes: no 0/O, 1/I/L, so a code read out over the phone or copied by hand is not mistaken.
RECEIPT_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
RECEIPT_GROUPS = 3
RECEIPT_GROUP_LENGTH = 4
RATE_WINDOW = timedelta(hours=1)
REMOVED_MESSAGE = "该人选已被取消，不再接受对其的异议。"


def content_char_count(text: str) -> int:
    """Characters of the content, white space not counted (as the deeds statement is counted)."""
    return len("".join((text or "").split()))


def receipt_code_new() -> str:
    """12 random characters over a 31-letter alphabet (about 59 bits), shown in groups: ABCD-EFGH-JKMN."""
    groups = [
        "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(RECEIPT_GROUP_LENGTH))
        for _ in range(RECEIPT_GROUPS)
    ]
    return "-".join(groups)


def receipt_code_normalize(code: str) -> str:
    """What the objector typed, as stored: case, blanks and dashes folded; '' when it cannot be a code."""
    raw = "".join(ch for ch in (code or "").upper() if ch not in " -\u3000")
    length = RECEIPT_GROUPS * RECEIPT_GROUP_LENGTH
    if len(raw) != length or any(ch not in RECEIPT_ALPHABET for ch in raw):
        return ""
    return "-".join(raw[i : i + RECEIPT_GROUP_LENGTH] for i in range(0, length, RECEIPT_GROUP_LENGTH))


# --- Filing ---------------------------------------------------------------------------------------


def _filing_rate() -> RateLimit:
    return RateLimit(scope="objection-ip", limit=settings.OBJECTIONS_PER_IP_PER_HOUR, window=RATE_WINDOW)


def objection_window_message(notice: Notice) -> str:
    return f"公示期为{period_label(notice)}，当前不在公示期内，不能提交异议。"


def _clean_fields(*, name: str, phone: str, email: str, content: str) -> tuple[str, str, str, str]:
    name = (name or "").strip()
    if not name:
        raise DomainError("请填写您的真实姓名（实名反映，信息严格保密）。", field="name")
    if len(name) > 50:
        raise DomainError("姓名最多50个字。", field="name")
    phone = normalize_phone(phone or "")
    if not phone:
        raise DomainError("请填写联系电话，以便核实情况。", field="phone")
    try:
        validate_phone(phone)
    except ValidationError as exc:
        raise DomainError(exc.messages[0], field="phone") from None
    email = (email or "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise DomainError("请输入有效的电子邮箱地址，或不填。", field="email") from None
    content = (content or "").strip()
    count = content_char_count(content)
    if count < OBJECTION_MIN_CHARS:
        raise DomainError(
            f"异议内容至少{OBJECTION_MIN_CHARS}个字，请写明具体事实（当前{count}个字）。", field="content"
        )
    if count > OBJECTION_MAX_CHARS:
        raise DomainError(f"异议内容最多{OBJECTION_MAX_CHARS}个字（当前{count}个字）。", field="content")
    return name, phone, email, content


def objection_files_check(files: list[tuple[str, bytes]]) -> list[tuple[str, bytes, str]]:
    """Every file under the applications' upload rules, all checked before any is stored."""
    if len(files) > OBJECTION_MAX_FILES:
        raise DomainError(f"证明材料最多{OBJECTION_MAX_FILES}个文件。", field="files")
    total = sum(len(content) for _name, content in files)
    if total > MAX_TOTAL_BYTES:
        raise DomainError(f"证明材料合计不能超过{MAX_TOTAL_BYTES // MB}MB。", field="files")
    checked = []
    for name, content in files:
        try:
            content_type = inspect_upload(name=name, content=content)
        except DomainError as exc:
            raise DomainError(exc.message, field="files") from None
        checked.append((name, content, content_type))
    return checked


def objection_file_size_check(*, name: str, size: int) -> None:
    """For a view: refuse an empty or oversized upload by its size before reading it."""
    try:
        upload_size_check(name=name, size=size)
    except DomainError as exc:
        raise DomainError(exc.message, field="files") from None


def _objection_handlers(authority_id: int):
    return User.objects.filter(
        groups__permissions__content_type__app_label="publicity",
        groups__permissions__codename="handle_objection",
        role_grants__authority_id=authority_id,
        role_grants__role__in=roles_with("publicity.handle_objection"),
        is_active=True,
    ).distinct()


def objection_file(
    *,
    notice: Notice,
    entry: NoticeEntry | None,
    name: str,
    phone: str,
    email: str = "",
    content: str,
    files: list[tuple[str, bytes]] | None = None,
    ip: str | None,
    now: datetime | None = None,
) -> Objection:
    """A named objection against one candidate of a running notice; returns it with its receipt code."""
    now = now or timezone.now()
    if not notice_is_running(notice, now):
        raise DomainError(objection_window_message(notice))
    if entry is None or entry.notice_id != notice.pk:
        raise DomainError("请选择被反映的公示人选。", field="entry")
    if entry.removed:
        raise DomainError(REMOVED_MESSAGE, field="entry")
    name, phone, email, content = _clean_fields(name=name, phone=phone, email=email, content=content)
    checked = objection_files_check(files or [])
    # Counted before saving, shared by every worker (a check here and a count after saving would let
    # concurrent filings all pass the check); given back if the filing then fails.
    rate, address = _filing_rate(), ip or "unknown"
    if not rate_limit_hit(rate, address, now=now):
        raise DomainError(
            f"同一网络每小时最多在线提交{rate.limit}件异议，请稍后再试，或按公示中的联系方式直接反映。"
        )
    candidate = entry.application.name
    stored: list = []
    try:
        objection = _objection_save(
            notice=notice,
            entry=entry,
            candidate=candidate,
            fields={"name": name, "phone": phone, "email": email, "content": content},
            checked=checked,
            ip=ip,
            now=now,
            stored=stored,
        )
    except BaseException:
        # The rows rolled back; the files written meanwhile must not stay behind.
        for evidence_file in stored:
            evidence_file.storage.delete(evidence_file.name)
        rate_limit_undo(rate, address, now=now)
        raise
    return objection


def _objection_save(*, notice, entry, candidate, fields, checked, ip, now, stored) -> Objection:
    name, phone, email, content = fields["name"], fields["phone"], fields["email"], fields["content"]
    with transaction.atomic():
        # Locked: a finding that removes this candidate and an objection against them do not cross.
        if NoticeEntry.objects.select_for_update().get(pk=entry.pk).removed:
            raise DomainError(REMOVED_MESSAGE, field="entry")
        for _attempt in range(5):
            try:
                with transaction.atomic():
                    objection = Objection.objects.create(
                        notice=notice,
                        entry=entry,
                        name=name,
                        phone=phone,
                        email=email,
                        content=content,
                        receipt_code=receipt_code_new(),
                        submitted_at=now,
                    )
                break
            except IntegrityError:  # a receipt code drawn twice: draw again
                continue
        else:
            raise DomainError("系统繁忙，请稍后再试。")
        for file_name, file_content, content_type in checked:
            evidence = ObjectionEvidence(
                objection=objection,
                original_name=file_name,
                size=len(file_content),
                content_type=content_type,
                sha256=hashlib.sha256(file_content).hexdigest(),
            )
            extension = PurePosixPath(file_name).suffix.lower()
            evidence.file.save(random_storage_name(extension), ContentFile(file_content), save=False)
            stored.append(evidence.file)
            evidence.save()
        audit_record(
            action="objection.file",
            obj=objection,
            ip=ip,
            after={
                "notice": notice.pk,
                "entry": entry.pk,
                "candidate": candidate,
                "name": name,
                "phone": mask_phone(phone),
                "email": bool(email),
                "content_chars": content_char_count(content),
                "files": [{"name": n, "sha256": hashlib.sha256(c).hexdigest()} for n, c, _t in checked],
            },
        )
        notify(
            users=_objection_handlers(notice.round.authority_id),
            subject=f"收到考察公示异议：{candidate}",
            body=f"{notice.title}：有群众对建议人选{candidate}提出实名异议（回执码{objection.receipt_code}），请调查核实并作出处理结论。",
            url=reverse("publicity:objection_detail", args=[objection.pk]),
        )
    return objection


# --- The objector's look-up -------------------------------------------------------------------------


@dataclass(frozen=True)
class ObjectionReceipt:
    """What the receipt code shows: this objection's status and the bureau's reply, nothing else."""

    code: str
    notice_title: str
    candidate: str
    submitted_on: date
    state: str
    status: str
    decided: bool
    public_reply: str


def objection_lookup(code: str) -> ObjectionReceipt | None:
    code = receipt_code_normalize(code)
    if not code:
        return None
    objection = (
        Objection.objects.filter(receipt_code=code)
        .select_related("notice", "entry__application")
        .only(
            "receipt_code",
            "submitted_at",
            "state",
            "public_reply",
            "notice__title",
            "entry__application__name",
        )
        .first()
    )
    if objection is None:
        return None
    decided = objection.state in FINDING_STATES
    return ObjectionReceipt(
        code=objection.receipt_code,
        notice_title=objection.notice.title,
        candidate=objection.entry.application.name,
        submitted_on=objection.submitted_at.astimezone(DEADLINE_TZ).date(),
        state=objection.state,
        status=objection.get_state_display(),
        decided=decided,
        public_reply=objection.public_reply if decided else "",
    )


# --- Handling ---------------------------------------------------------------------------------------


def _require_handler(actor, objection) -> None:
    require_perm(actor, "publicity.objection_handle", objection, "只有本机关的人社局经办人可以处理异议。")


def _locked(objection: Objection) -> Objection:
    locked = (
        Objection.objects.select_for_update()
        .select_related("notice", "entry__application__enterprise")
        .get(pk=objection.pk)
    )
    if locked.state in FINDING_STATES:
        raise DomainError(f"该异议已作出处理结论（{locked.get_state_display()}），不能再更改。")
    if locked.notice.state == Notice.State.CLOSED:
        raise DomainError("考察公示已经结束，不能再处理异议。")
    return locked


def objection_investigate(
    *, actor, objection: Objection, notes: str, now: datetime | None = None
) -> Objection:
    """Record what the investigation found so far; the objection is then being investigated."""
    _require_handler(actor, objection)
    now = now or timezone.now()
    notes = (notes or "").strip()
    if not notes:
        raise DomainError("请填写调查核实情况。", field="notes")
    with transaction.atomic():
        locked = _locked(objection)
        objection_transition(
            actor=actor, objection=locked, to_state=Objection.State.INVESTIGATING, notes=notes, now=now
        )
    objection.refresh_from_db()
    return objection


def objection_decide(
    *,
    actor,
    objection: Objection,
    upheld: bool,
    reason: str,
    public_reply: str,
    notes: str | None = None,
    now: datetime | None = None,
) -> Objection:
    """The finding, final once made. Upheld: the candidate is taken off the list (application → removed)."""
    _require_handler(actor, objection)
    now = now or timezone.now()
    reason = (reason or "").strip()
    public_reply = (public_reply or "").strip()
    if not reason:
        raise DomainError("请填写处理结论的理由（调查核实的事实和依据）。", field="reason")
    if not public_reply:
        raise DomainError("请填写答复意见：反映人凭回执码可查看。", field="public_reply")
    with transaction.atomic():
        locked = _locked(objection)
        objection_transition(
            actor=actor,
            objection=locked,
            to_state=Objection.State.UPHELD if upheld else Objection.State.NOT_UPHELD,
            notes=notes,
            reason=reason,
            public_reply=public_reply,
            now=now,
        )
        application = locked.entry.application
        if upheld:
            _remove_candidate(actor=actor, objection=locked, reason=reason, now=now)
        email = locked.email
        code = locked.receipt_code
        if email:
            _email_objector(email=email, code=code)
        if upheld:
            notify(
                users=User.objects.filter(enterprise_id=application.enterprise_id, is_active=True),
                subject=f"建议人选{application.name}经公示异议核实后被取消",
                body=f"{locked.notice.title}：经调查核实，对{application.name}的异议成立，取消其建议人选资格。理由：{reason}",
            )
    objection.refresh_from_db()
    return objection


def _remove_candidate(*, actor, objection: Objection, reason: str, now: datetime) -> None:
    entry = NoticeEntry.objects.select_for_update().get(pk=objection.entry_id)
    if entry.removed:
        return  # an earlier upheld objection already took this candidate off
    entry.removed = True
    entry.removal_reason = reason
    entry.save(update_fields=["removed", "removal_reason"])
    audit_record(
        action="notice.remove_entry",
        actor=actor,
        obj=entry,
        reason=reason,
        before={"removed": False},
        after={"removed": True, "objection": objection.pk},
    )
    application_transition(
        actor=actor,
        application=objection.entry.application,
        to_state=ApplicationState.REMOVED,
        reason=f"公示异议成立（回执码{objection.receipt_code}）：{reason}",
        now=now,
    )


def _email_objector(*, email: str, code: str) -> None:
    link = settings.PUBLIC_BASE_URL + reverse("publicity_public:objection_receipt")
    email_enqueue(
        to=[email],
        subject="您提交的异议已处理",
        body=f"您在考察公示期间提交的异议（回执码{code}）已作出处理结论，请凭回执码查询答复意见：{link}",
    )
