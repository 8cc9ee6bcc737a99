"""The mentorship ledger (带徒台账, 第8条(五), 第11条(三)): a holder's apprentices, the agreements signed with them
and the skill certificates they obtained.

Kept by the holder or a user of the holder's current enterprise while the term is active or suspended
(duties.ledger_edit). ID numbers are validated (GB 11643), encrypted at rest beside a keyed hash, and only
ever written masked to the audit log. An entry that the material of a sent or decided re-review rests on cannot
be removed: the officer must decide on what was sent.
"""

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

import chieftech.duties.rules  # noqa: F401  (declares the rules asked here)
from chieftech.accounts.models import Enterprise
from chieftech.audit.domain import audit_record, snapshot
from chieftech.core.dates import date_zh
from chieftech.core.errors import DomainError
from chieftech.core.permissions import require_perm
from chieftech.core.pii import parse_resident_id, pii_hash
from chieftech.duties.domain.files import Upload, evidence_attach, uploads_check
from chieftech.duties.models import (
    Apprentice,
    ApprenticeCertificate,
    MentorshipAgreement,
    RecordedAs,
    certificate_number_key,
)
from chieftech.policy.models import SkillLevel
from chieftech.tenure.models import AnnualReview, Tenure
from chieftech.tenure.rules import is_the_holder

NOT_KEEPER = "只有首席技师本人或其现工作单位可以登记带徒台账，且仅限管理期有效或暂停待遇期间。"
NAME_MAX_CHARS = 50
TEXT_MAX_CHARS = 100
LONG_TEXT_MAX_CHARS = 200
# The re-review states in which the officer holds (or has decided on) the material sent.
SENT_REVIEW_STATES = (AnnualReview.State.SUBMITTED, AnnualReview.State.PASSED, AnnualReview.State.FAILED)

APPRENTICE_FIELDS = ["name", "id_number", "enterprise", "enterprise_name", "occupation"]
AGREEMENT_FIELDS = ["signed_on", "ends_on", "file_name"]
CERTIFICATE_FIELDS = ["level", "occupation", "number", "issuer", "issued_on", "file_name"]


def recorded_as(actor, tenure: Tenure) -> str:
    return RecordedAs.HOLDER if is_the_holder(actor, tenure) else RecordedAs.ENTERPRISE


def text_clean(value: str, *, field: str, label: str, max_chars: int, errors: dict, required=True) -> str:
    text = " ".join((value or "").split())
    if not text and required:
        errors[field] = f"请填写{label}。"
    elif len(text) > max_chars:
        errors[field] = f"{label}不能超过{max_chars}字。"
    return text


def not_in_future(day: date | None, *, field: str, label: str, today: date, errors: dict) -> None:
    if day is None:
        errors.setdefault(field, f"请填写{label}。")
    elif day > today:
        errors.setdefault(field, f"{label}（{date_zh(day)}）不能晚于今天。")


def sent_review_covering(tenure_id: int, start: date, end: date | None) -> AnnualReview | None:
    """The first re-review of the term, sent or decided, whose period meets [start, end] (end None: open)."""
    overlap = Q(period_end__isnull=True) | Q(period_end__gte=start)
    if end is not None:
        overlap &= Q(period_start__isnull=True) | Q(period_start__lte=end)
    return (
        AnnualReview.objects.filter(overlap, tenure_id=tenure_id, state__in=SENT_REVIEW_STATES)
        .order_by("review_year")
        .first()
    )


def removal_refuse_if_sent(tenure_id: int, start: date, end: date | None, *, what: str) -> None:
    review = sent_review_covering(tenure_id, start, end)
    if review is not None:
        raise DomainError(
            f"{what}属于第{review.review_year}年度复核认定的材料"
            f"（复核期间{date_zh(review.period_start)}至{date_zh(review.period_end)}，"
            f"{review.get_state_display()}），材料已报送人社局，不能删除。",
            code="review_sent",
        )


def addition_refuse_if_sent(tenure_id: int, day: date, *, what: str) -> None:
    """An entry dated in the period of a sent or decided re-review would change the material the officer reads
    (the checks read the ledger as it stands): it comes through a return for correction, not behind it."""
    review = sent_review_covering(tenure_id, day, day)
    if review is not None:
        raise DomainError(
            f"{what}（{date_zh(day)}）在第{review.review_year}年度复核认定的复核期间"
            f"（{date_zh(review.period_start)}至{date_zh(review.period_end)}）内，该次复核"
            f"{review.get_state_display()}，材料已报送人社局，不能补登；如需补正，请联系区人社局退回补正。",
            code="review_sent",
        )


def tenure_lock(tenure: Tenure) -> Tenure:
    # The term's row serialises the writes of its ledger (a double click, the holder and the enterprise at once).
    return Tenure.objects.select_for_update().get(pk=tenure.pk)


# --- Apprentices -----------------------------------------------------------------------------------------


def apprentice_add(
    *,
    actor,
    tenure: Tenure,
    name: str,
    id_number: str,
    occupation: str,
    enterprise: Enterprise | None = None,
    enterprise_name: str = "",
    now: datetime | None = None,
) -> Apprentice:
    """An apprentice on `tenure`'s ledger: either an enterprise of the system or the free-text name of one."""
    require_perm(actor, "duties.ledger_edit", tenure, NOT_KEEPER)
    now = now or timezone.now()
    errors: dict[str, str] = {}
    name = text_clean(name, field="name", label="徒弟姓名", max_chars=NAME_MAX_CHARS, errors=errors)
    occupation = text_clean(
        occupation, field="occupation", label="职业（工种）", max_chars=TEXT_MAX_CHARS, errors=errors
    )
    enterprise_name = text_clean(
        enterprise_name,
        field="enterprise_name",
        label="所在单位名称",
        max_chars=LONG_TEXT_MAX_CHARS,
        errors=errors,
        required=False,
    )
    if enterprise is None and not enterprise_name:
        errors["enterprise_name"] = "请选择徒弟所在单位，或填写区外、未注册单位的名称。"
    elif enterprise is not None and enterprise_name:
        errors["enterprise_name"] = "已选择所在单位的，不必再填写单位名称。"
    number = ""
    try:
        number = parse_resident_id(id_number, today=timezone.localdate(now)).number
    except ValidationError as exc:
        errors["id_number"] = exc.messages[0]
    if errors:
        raise DomainError.fields(errors)
    id_hash = pii_hash(number)
    with transaction.atomic():
        tenure_lock(tenure)
        existing = Apprentice.objects.filter(tenure=tenure, id_hash=id_hash).first()
        if existing is not None:
            raise DomainError(
                f"该身份证号码的徒弟已在台账中（{existing.name}，"
                f"{date_zh(timezone.localdate(existing.added_at))}登记），不能重复登记。",
                field="id_number",
                code="duplicate_apprentice",
            )
        apprentice = Apprentice.objects.create(
            tenure=tenure,
            name=name,
            id_number=number,
            id_hash=id_hash,
            enterprise=enterprise,
            enterprise_name=enterprise_name,
            occupation=occupation,
            added_by=actor,
            added_as=recorded_as(actor, tenure),
            added_at=now,
        )
        audit_record(
            action="duties.apprentice_add",
            actor=actor,
            obj=apprentice,
            object_repr=f"{tenure.application.name}的徒弟{name}",
            after=snapshot(apprentice, APPRENTICE_FIELDS),
            authority=tenure.authority_id,
        )
    return apprentice


def apprentice_remove(*, actor, apprentice: Apprentice) -> None:
    """The apprentice off the ledger with its agreements and certificates, unless any of them is in the material
    of a sent re-review."""
    tenure = apprentice.tenure
    require_perm(actor, "duties.ledger_edit", tenure, NOT_KEEPER)
    with transaction.atomic():
        tenure_lock(tenure)
        apprentice = Apprentice.objects.filter(pk=apprentice.pk).first()
        if apprentice is None:
            raise DomainError("该徒弟已从台账中删除。", code="gone")
        agreements = list(apprentice.agreements.all())
        certificates = list(apprentice.certificates.all())
        for agreement in agreements:
            removal_refuse_if_sent(
                tenure.pk, agreement.signed_on, agreement.ends_on, what=f"与{apprentice.name}的带徒协议"
            )
        for certificate in certificates:
            removal_refuse_if_sent(
                tenure.pk,
                certificate.issued_on,
                certificate.issued_on,
                what=f"{apprentice.name}的技能等级证书",
            )
        before = snapshot(apprentice, APPRENTICE_FIELDS)
        files = [record.file for record in [*agreements, *certificates] if record.file]
        apprentice.certificates.all().delete()
        apprentice.agreements.all().delete()
        audit_record(
            action="duties.apprentice_remove",
            actor=actor,
            obj=apprentice,
            object_repr=f"{tenure.application.name}的徒弟{apprentice.name}",
            before={**before, "agreements": len(agreements), "certificates": len(certificates)},
            authority=tenure.authority_id,
        )
        apprentice.delete()
        files_delete_on_commit(files)


def files_delete_on_commit(files) -> None:
    names = [(f.storage, f.name) for f in files]
    transaction.on_commit(lambda: [storage.delete(name) for storage, name in names])


def evidence_entry_remove(
    *,
    actor,
    tenure: Tenure,
    entry,
    action: str,
    gone: str,
    describe: Callable[[Any], tuple[str, date, date | None, str]],
    fields: list[str],
) -> None:
    """Remove an entry that carries a file (an agreement, a certificate, a duties-log entry): re-read under the
    term's lock, refused while a sent re-review covers it, audited with what it said, its file deleted once the
    removal commits. `describe(entry)` gives (what it is, the first and last day it covers, its audit name)."""
    with transaction.atomic():
        tenure_lock(tenure)
        entry = type(entry).objects.filter(pk=entry.pk).first()
        if entry is None:
            raise DomainError(gone, code="gone")
        what, start, end, object_repr = describe(entry)
        removal_refuse_if_sent(tenure.pk, start, end, what=what)
        audit_record(
            action=action,
            actor=actor,
            obj=entry,
            object_repr=object_repr,
            before=snapshot(entry, fields),
            authority=tenure.authority_id,
        )
        files = [entry.file] if entry.file else []
        entry.delete()
        files_delete_on_commit(files)


# --- Agreements ------------------------------------------------------------------------------------------


def agreement_add(
    *,
    actor,
    apprentice: Apprentice,
    signed_on: date | None,
    ends_on: date | None = None,
    upload: Upload | None,
    now: datetime | None = None,
) -> MentorshipAgreement:
    """带徒协议 with its signed copy. It may predate the term (a mentorship that went on), never today."""
    tenure = apprentice.tenure
    require_perm(actor, "duties.ledger_edit", tenure, NOT_KEEPER)
    now = now or timezone.now()
    errors: dict[str, str] = {}
    not_in_future(
        signed_on, field="signed_on", label="签订日期", today=timezone.localdate(now), errors=errors
    )
    if signed_on is not None and ends_on is not None and ends_on < signed_on:
        errors["ends_on"] = f"协议期满日期（{date_zh(ends_on)}）不能早于签订日期（{date_zh(signed_on)}）。"
    if upload is None:
        errors["file"] = "请上传带徒协议（PDF、JPG或PNG）。"
    else:
        try:
            uploads_check([upload])
        except DomainError as exc:
            errors["file"] = exc.message
    if errors:
        raise DomainError.fields(errors)
    with transaction.atomic():
        tenure_lock(tenure)
        agreement = MentorshipAgreement(
            apprentice=apprentice, signed_on=signed_on, ends_on=ends_on, added_by=actor, added_at=now
        )
        evidence_attach(agreement, upload)
        agreement.save()
        audit_record(
            action="duties.agreement_add",
            actor=actor,
            obj=agreement,
            object_repr=f"{tenure.application.name}与{apprentice.name}的带徒协议",
            after=snapshot(agreement, AGREEMENT_FIELDS),
            authority=tenure.authority_id,
        )
    return agreement


def agreement_remove(*, actor, agreement: MentorshipAgreement) -> None:
    apprentice = agreement.apprentice
    tenure = apprentice.tenure
    require_perm(actor, "duties.ledger_edit", tenure, NOT_KEEPER)
    evidence_entry_remove(
        actor=actor,
        tenure=tenure,
        entry=agreement,
        action="duties.agreement_remove",
        gone="该带徒协议已删除。",
        describe=lambda a: (
            f"与{apprentice.name}的带徒协议",
            a.signed_on,
            a.ends_on,
            f"{tenure.application.name}与{apprentice.name}的带徒协议",
        ),
        fields=AGREEMENT_FIELDS,
    )


# --- Certificates ----------------------------------------------------------------------------------------


def certificate_add(
    *,
    actor,
    apprentice: Apprentice,
    level: int | None,
    occupation: str,
    number: str,
    issuer: str,
    issued_on: date | None,
    upload: Upload | None,
    now: datetime | None = None,
) -> ApprenticeCertificate:
    """An apprentice's 职业技能等级证书; its scan is optional (the number can be checked with the issuer)."""
    tenure = apprentice.tenure
    require_perm(actor, "duties.ledger_edit", tenure, NOT_KEEPER)
    now = now or timezone.now()
    errors: dict[str, str] = {}
    if level not in SkillLevel.values:
        errors["level"] = "请选择证书等级。"
    occupation = text_clean(
        occupation, field="occupation", label="职业（工种）", max_chars=TEXT_MAX_CHARS, errors=errors
    )
    number = text_clean(number, field="number", label="证书编号", max_chars=TEXT_MAX_CHARS, errors=errors)
    issuer = text_clean(
        issuer, field="issuer", label="发证机构", max_chars=LONG_TEXT_MAX_CHARS, errors=errors
    )
    not_in_future(
        issued_on, field="issued_on", label="发证日期", today=timezone.localdate(now), errors=errors
    )
    key = certificate_number_key(number)
    if number and not key:
        errors["number"] = "证书编号应包含字母或数字。"
    if upload is not None:
        try:
            uploads_check([upload])
        except DomainError as exc:
            errors["file"] = exc.message
    if errors:
        raise DomainError.fields(errors)
    with transaction.atomic():
        tenure_lock(tenure)
        addition_refuse_if_sent(tenure.pk, issued_on, what="发证日期")
        existing = ApprenticeCertificate.objects.filter(apprentice=apprentice, number_key=key).first()
        if existing is not None:
            raise DomainError(
                f"证书编号{existing.number}已登记在{apprentice.name}名下："
                f"{existing.get_level_display()}，{date_zh(existing.issued_on)}发证，不能重复登记。",
                field="number",
                code="duplicate_certificate",
            )
        certificate = ApprenticeCertificate(
            apprentice=apprentice,
            level=level,
            occupation=occupation,
            number=number,
            number_key=key,
            issuer=issuer,
            issued_on=issued_on,
            added_by=actor,
            added_at=now,
        )
        if upload is not None:
            evidence_attach(certificate, upload)
        certificate.save()
        audit_record(
            action="duties.certificate_add",
            actor=actor,
            obj=certificate,
            object_repr=f"{tenure.application.name}的徒弟{apprentice.name}的{certificate.get_level_display()}证书",
            after=snapshot(certificate, CERTIFICATE_FIELDS),
            authority=tenure.authority_id,
        )
    return certificate


def certificate_remove(*, actor, certificate: ApprenticeCertificate) -> None:
    apprentice = certificate.apprentice
    tenure = apprentice.tenure
    require_perm(actor, "duties.ledger_edit", tenure, NOT_KEEPER)
    evidence_entry_remove(
        actor=actor,
        tenure=tenure,
        entry=certificate,
        action="duties.certificate_remove",
        gone="该证书已删除。",
        describe=lambda c: (
            f"{apprentice.name}的技能等级证书",
            c.issued_on,
            c.issued_on,
            f"{tenure.application.name}的徒弟{apprentice.name}的{c.get_level_display()}证书",
        ),
        fields=CERTIFICATE_FIELDS,
    )
