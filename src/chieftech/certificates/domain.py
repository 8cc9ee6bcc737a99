"""Issuing certificates and reading their current status (SPEC.md §3 step 7, §4).

A certificate is numbered "<authority's prefix>-<round year>-<seq>" (e.g. XXSJ-2026-001), the sequence running
per prefix and year in the committee's rank order, and carries a random verification code that the public
page and the QR code use. What a verifier sees is derived from the tenure, never stored twice.
"""

import re
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.db.models import F
from django.utils import timezone

import chieftech.certificates.rules  # noqa: F401  (declares the rules asked here)
from chieftech.audit.domain import audit_record, snapshot
from chieftech.certificates.models import Certificate
from chieftech.core.dates import date_zh
from chieftech.core.errors import DomainError
from chieftech.core.permissions import require_perm
from chieftech.policy.models import Authority
from chieftech.policy.status_effects import StatusEffect, status_effect
from chieftech.selection.models import Round
from chieftech.tenure.models import Tenure, TenureStatus

# No 0/O, 1/I/L: a code read aloud over the phone or typed from paper cannot be mistaken.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 12
CODE_ATTEMPTS = 20
CERTIFICATE_FIELDS = ["tenure", "number", "verification_code", "issued_on", "issued_by"]


def verification_code_new() -> str:
    """A fresh code of CODE_LENGTH characters from the unambiguous alphabet, unused so far."""
    for _ in range(CODE_ATTEMPTS):
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if not Certificate.objects.filter(verification_code=code).exists():
            return code
    # 31^12 codes: reaching this means the random source is broken, not that the space is full.
    raise RuntimeError("could not draw an unused certificate verification code")


def verification_code_normalise(value: str) -> str:
    """What a person typed, as stored: blanks and hyphens dropped, upper case."""
    return "".join(ch for ch in (value or "") if ch not in " -\u3000\t").upper()


def certificate_number_normalise(value: str) -> str:
    """A certificate number as typed (lower case, full-width, blanks or spaces for the hyphens, a short
    serial), as stored: "abcd 2026 1" and "ＡＢＣＤ２０２６００１" are ABCD-2026-001."""
    text = unicodedata.normalize("NFKC", value or "").upper()
    parts = [p for p in re.split(r"[\s\-_—–]+", text) if p]
    if len(parts) == 1:
        match = re.fullmatch(r"([A-Z]+)(\d{4})(\d{1,6})", parts[0])
        parts = list(match.groups()) if match else parts
    if len(parts) == 3 and re.fullmatch(r"\d{4}", parts[1]) and re.fullmatch(r"\d{1,6}", parts[2]):
        return f"{parts[0]}-{parts[1]}-{int(parts[2]):03d}"
    return "-".join(parts)


def _number_prefix(authority: Authority, year: int) -> str:
    return f"{authority.certificate_prefix}-{year}-"


def _next_sequence(prefix: str) -> int:
    numbers = Certificate.objects.filter(number__startswith=prefix).values_list("number", flat=True)
    used = [int(n[len(prefix) :]) for n in numbers if n[len(prefix) :].isdigit()]
    return max(used, default=0) + 1


def certificate_issue(*, actor, tenure: Tenure, issued_on: date) -> Certificate:
    """Number and issue the certificate of one tenure (the next number of its prefix and year)."""
    require_perm(actor, "certificates.certificate_issue", tenure, "只有本机关的区政府经办人可以颁发证书。")
    with transaction.atomic():
        tenure = (
            Tenure.objects.select_for_update()
            .select_related("application__round__authority", "policy")
            .get(pk=tenure.pk)
        )
        if Certificate.objects.filter(tenure=tenure).exists():
            raise DomainError(
                f"{tenure.application.name}的证书已经颁发，不能重复颁发。", code="already_issued"
            )
        if tenure.status == TenureStatus.REVOKED:
            raise DomainError(f"{tenure.application.name}已被取消资格，不能颁发证书。", code="revoked")
        authority = tenure.application.round.authority
        # Numbers are drawn one at a time per prefix: the authority rows sharing the prefix serialise issuers.
        list(Authority.objects.select_for_update().filter(certificate_prefix=authority.certificate_prefix))
        prefix = _number_prefix(authority, tenure.application.round.year)
        certificate = Certificate.objects.create(
            tenure=tenure,
            number=f"{prefix}{_next_sequence(prefix):03d}",
            verification_code=verification_code_new(),
            issued_on=issued_on,
            issued_by=actor,
        )
        audit_record(
            action="certificate.issue",
            actor=actor,
            obj=certificate,
            after=snapshot(certificate, CERTIFICATE_FIELDS),
        )
    return certificate


def round_tenures_in_rank_order(round_: Round):
    """The round's tenures in the committee's rank order (those without a result last, by application)."""
    return (
        Tenure.objects.filter(application__round=round_)
        .select_related("application", "enterprise")
        .order_by(F("application__result__rank").asc(nulls_last=True), "application_id")
    )


def certificates_issue_for_round(*, actor, round_: Round, issued_on: date) -> list[Certificate]:
    """A certificate for every tenure of the round that has none yet, numbered in rank order."""
    require_perm(actor, "certificates.certificate_issue", round_, "只有本机关的区政府经办人可以颁发证书。")
    with transaction.atomic():
        pending = list(round_tenures_in_rank_order(round_).filter(certificate__isnull=True))
        return [certificate_issue(actor=actor, tenure=tenure, issued_on=issued_on) for tenure in pending]


# --- What a verifier sees ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CertificateStatus:
    key: str
    label: str
    css: str
    note: str = ""


VALID = "valid"
SUSPENDED = "suspended"
EXPIRED = "expired"
REVOKED = "revoked"


def certificate_status(certificate: Certificate, today: date) -> CertificateStatus:
    """The certificate's status on `today`, most final first; its label and note are the wording of the
    tenure's policy version (policy.status_effects), the date of the change put in.

    - revoked: the title was revoked (第17条) or the certificate withdrawn;
    - not renewed: the annual re-review failed (第12条 keeps in the title only those the second year's
      re-review confirms, so a failed re-review ends the term early);
    - expired: the management period ended (ends_on before today, or the tenure marked expired);
    - suspended: 第16条(一), left a skill post or moved out of the district while the term runs;
    - active: otherwise.
    """
    tenure = certificate.tenure
    effects = tenure.policy.status_effects
    if certificate.withdrawn_at is not None or tenure.status == TenureStatus.REVOKED:
        when = (
            tenure.status_since
            if tenure.status == TenureStatus.REVOKED
            else timezone.localdate(certificate.withdrawn_at)
        )
        return _status(REVOKED, "status-bad", status_effect(effects, TenureStatus.REVOKED), when)
    if tenure.status == TenureStatus.NOT_RENEWED:
        return _status(
            EXPIRED, "status-bad", status_effect(effects, TenureStatus.NOT_RENEWED), tenure.status_since
        )
    if tenure.status == TenureStatus.EXPIRED or tenure.ends_on < today:
        return _status(EXPIRED, "status-bad", status_effect(effects, TenureStatus.EXPIRED), tenure.ends_on)
    if tenure.status == TenureStatus.SUSPENDED:
        return _status(
            SUSPENDED, "status-warn", status_effect(effects, TenureStatus.SUSPENDED), tenure.status_since
        )
    return _status(VALID, "status-ok", status_effect(effects, TenureStatus.ACTIVE), tenure.status_since)


def _status(key: str, css: str, effect: StatusEffect, when: date) -> CertificateStatus:
    return CertificateStatus(key, effect.label, css, effect.note_on(date_zh(when)))
