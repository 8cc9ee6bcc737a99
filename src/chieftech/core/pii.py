"""Personal data (个人信息保护法): validation, masking, encryption at rest and keyed look-up hashes.

ID numbers, phones and bank accounts are stored with EncryptedTextField (Fernet, keys from the
FIELD_ENCRYPTION_KEY environment variable; the first key encrypts, every key decrypts, so keys rotate
by putting the new key first) and, where uniqueness or look-up is needed, beside a keyed HMAC-SHA256
(`pii_hash`) that reveals nothing without the key.

Showing a full value is `chieftech.audit.domain.personal_data_reveal`, which audits every reveal;
everywhere else the value is shown through `mask_value` / `mask_*`.
"""

import hashlib
import hmac
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django import forms
from django.conf import settings
from django.core.exceptions import FieldError, ValidationError
from django.db import models
from django.db.models.lookups import Exact, IsNull
from django.utils import timezone
from stdnum import exceptions as stdnum_exceptions
from stdnum.cn import uscc

PII_KINDS = {"id_number", "phone", "bank_account"}


def _fold(value: str | None) -> str:
    # NFKC turns full-width digits and letters (common with Chinese input methods) into ASCII, so
    # "３７０６…" and "3706…" are one number, for validation and for the look-up hash alike.
    return unicodedata.normalize("NFKC", value or "").strip()


# --- Encryption -----------------------------------------------------------------------------------


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise ValueError("FIELD_ENCRYPTION_KEY is empty")
    try:
        return MultiFernet([Fernet(key.encode()) for key in keys])
    except ValueError as exc:
        raise ValueError("FIELD_ENCRYPTION_KEY must be urlsafe-base64 Fernet keys (32 bytes each)") from exc


def encrypt(value: str) -> str:
    return _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS)).encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS)).decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise ValueError(
            "an encrypted value cannot be read with the configured FIELD_ENCRYPTION_KEY"
        ) from exc


def encrypted_with_newest_key(token: str) -> bool:
    """Whether the first (encrypting) key alone reads `token`: false for values written under an older key."""
    try:
        Fernet(settings.FIELD_ENCRYPTION_KEYS[0].encode()).decrypt(token.encode())
    except InvalidToken:
        return False
    return True


def reencrypt(token: str) -> str:
    """`token` decrypted with whichever key reads it, and encrypted again with the newest key."""
    try:
        return _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS)).rotate(token.encode()).decode()
    except InvalidToken as exc:
        raise ValueError(
            "an encrypted value cannot be read with the configured FIELD_ENCRYPTION_KEY"
        ) from exc


def _hash_key() -> bytes:
    # The look-up hash must not change when the encryption key rotates, or every stored hash stops
    # matching. PII_HASH_KEY pins it; without it the oldest encryption key (rotation puts new keys
    # first, so the original stays last) is used.
    secret = getattr(settings, "PII_HASH_KEY", "") or settings.FIELD_ENCRYPTION_KEYS[-1]
    return hashlib.sha256(b"chieftech-pii-hash:" + secret.encode()).digest()


def pii_hash(value: str) -> str:
    """Keyed hash for equality look-ups (one application per ID number per round).

    Pass the normalised value (e.g. `parse_resident_id(...).number`); case, surrounding blanks and
    full-width characters are folded here as well.
    """
    normalized = _fold(value).replace(" ", "").upper()
    return hmac.new(_hash_key(), normalized.encode(), hashlib.sha256).hexdigest()


class _EmptyOnlyExact(Exact):
    """`field=""` still works (blank values are stored as-is); any other value could never match."""

    def get_prep_lookup(self):
        if self.rhs not in ("", None):
            raise FieldError(
                f"{self.lhs.target.name} is encrypted with a random IV and cannot be searched; "
                "look it up through its pii_hash column"
            )
        return super().get_prep_lookup()


class EncryptedTextField(models.TextField):
    """A text value encrypted at rest. Not searchable: pair it with a pii_hash column for look-ups.

    `pii_kind` ("id_number", "phone" or "bank_account") says how the value is masked for display and in
    audit snapshots. Filtering on the field raises (encryption is randomised, so a filter would silently
    match nothing), except for `isnull` and `=""`.
    """

    def __init__(self, *args, pii_kind: str | None = None, **kwargs):
        if pii_kind not in PII_KINDS:
            raise ValueError(f"pii_kind must be one of {sorted(PII_KINDS)}")
        self.pii_kind = pii_kind
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["pii_kind"] = self.pii_kind
        return name, path, args, kwargs

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return decrypt(value)

    def to_python(self, value):
        return value

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(str(value))

    def get_lookup(self, lookup_name):
        if lookup_name == "isnull":
            return IsNull
        if lookup_name == "exact":
            return _EmptyOnlyExact
        return None

    def formfield(self, **kwargs):
        # A one-line input: these are numbers, not prose (TextField would give a textarea).
        return models.Field.formfield(self, **{"form_class": forms.CharField, **kwargs})


# --- Validation -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ResidentId:
    number: str  # always the 18-character form
    birth_date: date
    gender: str  # "男" / "女"


_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK_CHARS = "10X98765432"
# GB/T 2260 province-level codes. Only the province is checked: county codes are renamed and
# re-assigned over the years, and a person keeps the number issued under the old code.
_ID_PROVINCES = frozenset(
    str(code)
    for first, last in ((11, 15), (21, 23), (31, 37), (41, 46), (50, 54), (61, 65), (71, 71), (81, 83))
    for code in range(first, last + 1)
)
_ASCII_DIGITS = re.compile(r"[0-9]+")


def resident_id_check_char(body: str) -> str:
    """The GB 11643 check character (0-9 or X) of the first 17 digits."""
    total = sum(int(digit) * weight for digit, weight in zip(body, _ID_WEIGHTS, strict=True))
    return _ID_CHECK_CHARS[total % 11]


def _upgrade_15(number: str) -> str:
    """A 15-digit legacy number (born 19xx, no check digit) upgraded to 18 characters per GB 11643."""
    body = number[:6] + "19" + number[6:]
    return body + resident_id_check_char(body)


def parse_resident_id(value: str, *, today: date | None = None) -> ResidentId:
    """Validate a resident ID number (GB 11643) and derive birth date and gender.

    A 15-digit legacy number is upgraded to its 18-digit form. Raises ValidationError with a Chinese
    message naming what is wrong.
    """
    number = _fold(value).replace(" ", "").upper()
    if not number:
        raise ValidationError("请填写身份证号码。", code="required")
    if len(number) == 15:
        if not _ASCII_DIGITS.fullmatch(number):
            raise ValidationError("15位身份证号码应全部为数字。", code="invalid_format")
        number = _upgrade_15(number)
    elif len(number) != 18:
        raise ValidationError("身份证号码应为18位（或15位旧号码）。", code="invalid_length")
    elif not _ASCII_DIGITS.fullmatch(number[:17]) or number[17] not in "0123456789X":
        raise ValidationError("身份证号码前17位应为数字，最后一位为数字或X。", code="invalid_format")
    if number[17] != resident_id_check_char(number[:17]):
        raise ValidationError("身份证号码校验位不正确，请核对。", code="invalid_checksum")
    if number[:2] not in _ID_PROVINCES:
        raise ValidationError("身份证号码前两位不是有效的省级行政区划代码。", code="invalid_region")
    try:
        birth = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise ValidationError("身份证号码中的出生日期无效。", code="invalid_birth_date") from None
    if birth.year < 1900 or birth > (today or timezone.localdate()):
        raise ValidationError("身份证号码中的出生日期无效。", code="invalid_birth_date")
    gender = "男" if int(number[16]) % 2 == 1 else "女"
    return ResidentId(number=number, birth_date=birth, gender=gender)


def validate_resident_id(value: str) -> None:
    parse_resident_id(value)


def normalize_uscc(value: str) -> str:
    return _fold(value).upper().replace(" ", "").replace("-", "")


def validate_uscc(value: str) -> None:
    """统一社会信用代码 (GB 32100): 18 characters with a check character."""
    code = normalize_uscc(value)
    if len(code) != 18:
        raise ValidationError("统一社会信用代码应为18位。", code="invalid_length")
    try:
        uscc.validate(code)
    except stdnum_exceptions.InvalidChecksum:
        raise ValidationError("统一社会信用代码校验位不正确，请核对。", code="invalid_checksum") from None
    except stdnum_exceptions.ValidationError:
        raise ValidationError(
            "统一社会信用代码格式不正确：前8位应为数字，其余为数字或大写字母（不含I、O、Z、S、V）。",
            code="invalid",
        ) from None


_MOBILE = re.compile(r"1[3-9][0-9]{9}")
_LANDLINE = re.compile(r"0[1-9][0-9]{1,2}-?[1-9][0-9]{6,7}")


def normalize_phone(value: str) -> str:
    """Blanks and full-width characters folded, a +86 country code dropped; nothing else removed."""
    phone = _fold(value).replace(" ", "")
    if phone.startswith("+86"):
        phone = phone[3:].lstrip("-")
    return phone


def validate_phone(value: str) -> None:
    phone = normalize_phone(value)
    if _MOBILE.fullmatch(phone) or _LANDLINE.fullmatch(phone):
        return
    raise ValidationError(
        "请输入有效的手机号码（11位）或带区号的固定电话（如0631-5201234）。", code="invalid_phone"
    )


# --- Masking --------------------------------------------------------------------------------------


def mask_id_number(value: str | None) -> str:
    if not value:
        return ""
    return value[:4] + "*" * (len(value) - 8) + value[-4:] if len(value) > 8 else "*" * len(value)


def mask_phone(value: str | None) -> str:
    if not value:
        return ""
    digits = value.replace("-", "").replace(" ", "")
    if len(digits) < 7:
        return "*" * len(digits)
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]


def mask_bank_account(value: str | None) -> str:
    if not value:
        return ""
    digits = value.replace(" ", "")
    if len(digits) <= 8:
        return "*" * len(digits)
    return digits[:4] + " **** **** " + digits[-4:]


def mask_value(kind: str, value: str | None) -> str:
    return {"id_number": mask_id_number, "phone": mask_phone, "bank_account": mask_bank_account}[kind](value)
