"""Personal data (个人信息保护法): validation, masking, encryption at rest and keyed look-up hashes.

ID numbers, phones and bank accounts are stored with EncryptedTextField (Fernet, keys from the
FIELD_ENCRYPTION_KEY environment variable; the first key encrypts, every key decrypts, so keys rotate)
and, where uniqueness or look-up is needed, beside a keyed HMAC-SHA256 (`pii_hash`) that reveals nothing
without the key.
"""

import hashlib
import hmac
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from stdnum import exceptions as stdnum_exceptions
from stdnum.cn import ric, uscc

PII_KINDS = {"id_number", "phone", "bank_account"}

# --- Encryption -----------------------------------------------------------------------------------


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
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


def pii_hash(value: str) -> str:
    """Keyed hash for equality look-ups (one application per ID number per round)."""
    key = hashlib.sha256(b"chieftech-pii-hash:" + settings.FIELD_ENCRYPTION_KEYS[0].encode()).digest()
    return hmac.new(key, value.strip().upper().encode(), hashlib.sha256).hexdigest()


class EncryptedTextField(models.TextField):
    """A text value encrypted at rest. Not searchable: pair it with a pii_hash column for look-ups.

    `pii_kind` ("id_number", "phone" or "bank_account") says how the value is masked for display and in
    audit snapshots.
    """

    def __init__(self, *args, pii_kind: str = "phone", **kwargs):
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


# --- Validation -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ResidentId:
    number: str  # always the 18-character form
    birth_date: date
    gender: str  # "男" / "女"


def _upgrade_15(number: str) -> str:
    """A 15-digit legacy number (born 19xx, no check digit) upgraded to 18 characters per GB 11643."""
    body = number[:6] + "19" + number[6:]
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    total = sum(int(digit) * weight for digit, weight in zip(body, weights, strict=True))
    return body + "10X98765432"[total % 11]


def parse_resident_id(value: str) -> ResidentId:
    """Validate a resident ID number (GB 11643) and derive birth date and gender.

    Raises ValidationError with a Chinese message naming what is wrong.
    """
    number = (value or "").strip().upper().replace(" ", "")
    if len(number) == 15:
        if not number.isdigit():
            raise ValidationError("15位身份证号码应全部为数字。", code="invalid")
        number = _upgrade_15(number)
    if len(number) != 18:
        raise ValidationError("身份证号码应为18位（或15位旧号码）。", code="invalid_length")
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        raise ValidationError("身份证号码前17位应为数字，最后一位为数字或X。", code="invalid_format")
    try:
        ric.validate(number)
    except stdnum_exceptions.InvalidChecksum:
        raise ValidationError("身份证号码校验位不正确，请核对。", code="invalid_checksum") from None
    except stdnum_exceptions.InvalidComponent:
        raise ValidationError("身份证号码中的出生日期或地区码无效。", code="invalid_component") from None
    except stdnum_exceptions.ValidationError:
        raise ValidationError("身份证号码无效。", code="invalid") from None
    birth = ric.get_birth_date(number)
    gender = "男" if int(number[16]) % 2 == 1 else "女"
    return ResidentId(number=number, birth_date=birth, gender=gender)


def validate_resident_id(value: str) -> None:
    parse_resident_id(value)


def normalize_uscc(value: str) -> str:
    return (value or "").strip().upper().replace(" ", "")


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
        raise ValidationError("统一社会信用代码格式不正确。", code="invalid") from None


def normalize_phone(value: str) -> str:
    return "".join(ch for ch in (value or "") if ch.isdigit() or ch == "-")


def validate_phone(value: str) -> None:
    digits = normalize_phone(value).replace("-", "")
    if len(digits) == 11 and digits.startswith("1"):
        return
    if 7 <= len(digits) <= 12 and digits.startswith("0"):
        return  # landline with area code, e.g. 0631-5201234
    raise ValidationError("请输入有效的手机号码（11位）或带区号的固定电话。", code="invalid_phone")


# --- Masking --------------------------------------------------------------------------------------


def mask_id_number(value: str | None) -> str:
    if not value:
        return ""
    return value[:4] + "*" * (len(value) - 8) + value[-4:] if len(value) > 8 else "*" * len(value)


def mask_phone(value: str | None) -> str:
    if not value:
        return ""
    digits = value.replace("-", "")
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
