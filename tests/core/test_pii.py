"""Personal data: ID numbers, credit codes and phones validated; stored encrypted; shown masked."""

import hashlib
from datetime import date

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import FieldError, ValidationError
from django.db import connection
from django.test import override_settings
from stdnum.cn import ric

from chieftech.accounts.models import User
from chieftech.core.pii import (
    ResidentId,
    decrypt,
    mask_bank_account,
    mask_id_number,
    mask_phone,
    parse_resident_id,
    pii_hash,
    validate_phone,
    validate_uscc,
)
from tests.factories import make_uscc, make_user

# 371002 (环翠区) 1985-03-12, sequence 101 (odd: male). GB 11643: the digits times the weights
# 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2 sum to 233; 233 mod 11 = 2, which "10X98765432" maps to X.
ID_WITH_X = "37100219850312101X"


def messages(error: ValidationError) -> list[str]:
    return error.messages


def with_check_digit(body: str) -> str:
    return body + ric.calc_check_digit(body + "0")


# --- Resident ID numbers (GB 11643) ---------------------------------------------------------------


def test_valid_id_number_with_x_check_digit_gives_birth_date_and_gender():
    assert with_check_digit(ID_WITH_X[:17]) == ID_WITH_X  # an independent implementation agrees

    assert parse_resident_id(ID_WITH_X) == ResidentId(
        number=ID_WITH_X, birth_date=date(1985, 3, 12), gender="男"
    )


def test_lower_case_x_blanks_and_full_width_digits_are_the_same_number():
    assert parse_resident_id(" 37100219850312101x ").number == ID_WITH_X
    assert parse_resident_id("３７１００２１９８５０３１２１０１Ｘ").number == ID_WITH_X


def test_even_sequence_digit_is_female():
    number = with_check_digit("37100219850312100")

    assert parse_resident_id(number).gender == "女"


def test_wrong_check_digit_is_refused_in_chinese():
    with pytest.raises(ValidationError) as error:
        parse_resident_id("371002198503121010")

    assert messages(error.value) == ["身份证号码校验位不正确，请核对。"]


def test_fifteen_digit_legacy_number_is_upgraded_to_eighteen_digits():
    # 15 digits: region 371002, birth 850312 (19xx), sequence 124 (even: female), no check digit.
    result = parse_resident_id("371002850312124")

    assert result == ResidentId(
        number=with_check_digit("37100219850312124"), birth_date=date(1985, 3, 12), gender="女"
    )
    assert len(result.number) == 18


def test_invalid_date_part_is_refused_for_both_lengths():
    feb_30 = with_check_digit("37100219850230123")
    for number in (feb_30, "371002850230123"):
        with pytest.raises(ValidationError) as error:
            parse_resident_id(number)
        assert messages(error.value) == ["身份证号码中的出生日期无效。"]


def test_birth_date_in_the_future_is_refused():
    with pytest.raises(ValidationError) as error:
        parse_resident_id(ID_WITH_X, today=date(1985, 3, 11))

    assert messages(error.value) == ["身份证号码中的出生日期无效。"]


def test_unknown_province_is_refused():
    with pytest.raises(ValidationError) as error:
        parse_resident_id(with_check_digit("99100219850312101"))

    assert messages(error.value) == ["身份证号码前两位不是有效的省级行政区划代码。"]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "请填写身份证号码。"),
        ("3710021985031210", "身份证号码应为18位（或15位旧号码）。"),
        ("3710021985031210AX", "身份证号码前17位应为数字，最后一位为数字或X。"),
        ("37100285031212X", "15位身份证号码应全部为数字。"),
    ],
)
def test_malformed_id_numbers_are_refused_with_the_reason(value, message):
    with pytest.raises(ValidationError) as error:
        parse_resident_id(value)

    assert messages(error.value) == [message]


# --- Unified social credit codes (GB 32100) -------------------------------------------------------


def test_valid_uscc_passes():
    assert validate_uscc(make_uscc(1234)) is None
    assert validate_uscc("91110000600037341L") is None


def test_uscc_with_a_wrong_check_character_is_refused():
    code = make_uscc(1234)
    wrong = code[:-1] + ("A" if code[-1] != "A" else "B")

    with pytest.raises(ValidationError) as error:
        validate_uscc(wrong)

    assert messages(error.value) == ["统一社会信用代码校验位不正确，请核对。"]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("9137100", "统一社会信用代码应为18位。"),
        (
            "91371002MA000000IO",
            "统一社会信用代码格式不正确：前8位应为数字，其余为数字或大写字母（不含I、O、Z、S、V）。",
        ),
    ],
)
def test_malformed_uscc_is_refused_with_the_reason(value, message):
    with pytest.raises(ValidationError) as error:
        validate_uscc(value)

    assert messages(error.value) == [message]


# --- Phones ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["13812341234", "+86 138 1234 1234", "0631-5201234", "01012345678"])
def test_valid_phones_pass(value):
    assert validate_phone(value) is None


@pytest.mark.parametrize("value", ["12812341234", "1381234123", "138abc12341234", "5201234", ""])
def test_invalid_phones_are_refused(value):
    with pytest.raises(ValidationError) as error:
        validate_phone(value)

    assert messages(error.value) == ["请输入有效的手机号码（11位）或带区号的固定电话（如0631-5201234）。"]


# --- Masking --------------------------------------------------------------------------------------


def test_masks_are_exact():
    assert mask_id_number("37060219900101123X") == "3706**********123X"
    assert mask_phone("13812341234") == "138****1234"
    assert mask_bank_account("6222021234567890123") == "6222 **** **** 0123"
    assert (mask_id_number(""), mask_phone(None)) == ("", "")


# --- Encryption at rest ---------------------------------------------------------------------------


def raw_phone(user: User) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone FROM accounts_user WHERE id = %s", [user.pk])
        return cursor.fetchone()[0]


def test_the_stored_column_is_not_the_plaintext_and_decrypts_to_it(db):
    user = make_user("zhang", phone="13812341234")

    stored = raw_phone(user)

    assert "13812341234" not in stored
    assert decrypt(stored) == "13812341234"
    assert User.objects.get(pk=user.pk).phone == "13812341234"


def test_an_empty_value_stays_empty(db):
    user = make_user("zhang", phone="")

    assert raw_phone(user) == ""
    assert list(User.objects.filter(phone="").values_list("username", flat=True)) == ["zhang"]


def test_searching_by_an_encrypted_value_is_refused_not_silently_empty(db):
    make_user("zhang", phone="13812341234")

    with pytest.raises(FieldError, match="pii_hash"):
        list(User.objects.filter(phone="13812341234"))
    with pytest.raises(FieldError):
        list(User.objects.filter(phone__contains="1381"))


def test_key_rotation_keeps_old_values_readable_and_writes_with_the_new_key(db, settings):
    old_key = settings.FIELD_ENCRYPTION_KEYS[0]
    user = make_user("zhang", phone="13812341234")
    new_key = Fernet.generate_key().decode()

    with override_settings(FIELD_ENCRYPTION_KEYS=[new_key, old_key]):
        assert User.objects.get(pk=user.pk).phone == "13812341234"
        User.objects.filter(pk=user.pk).update(phone="13900001111")
    with override_settings(FIELD_ENCRYPTION_KEYS=[new_key]):
        assert User.objects.get(pk=user.pk).phone == "13900001111"


def test_a_value_cannot_be_read_without_its_key(db):
    user = make_user("zhang", phone="13812341234")

    other_key = Fernet.generate_key().decode()

    with (
        override_settings(FIELD_ENCRYPTION_KEYS=[other_key]),
        pytest.raises(ValueError, match="cannot be read"),
    ):
        User.objects.get(pk=user.pk)


# --- Keyed look-up hash ---------------------------------------------------------------------------


def test_pii_hash_is_keyed_and_stable():
    assert pii_hash(ID_WITH_X) == pii_hash(ID_WITH_X)
    assert pii_hash(ID_WITH_X) == pii_hash(" 37100219850312101x")
    assert pii_hash(ID_WITH_X) != pii_hash("371002198503121001")
    assert pii_hash(ID_WITH_X) != hashlib.sha256(ID_WITH_X.encode()).hexdigest()
    assert len(pii_hash(ID_WITH_X)) == 64


def test_pii_hash_survives_key_rotation_but_not_another_key(settings):
    old_key = settings.FIELD_ENCRYPTION_KEYS[0]
    before = pii_hash(ID_WITH_X)
    new_key = Fernet.generate_key().decode()

    with override_settings(FIELD_ENCRYPTION_KEYS=[new_key, old_key]):
        assert pii_hash(ID_WITH_X) == before
    with override_settings(FIELD_ENCRYPTION_KEYS=[new_key]):
        assert pii_hash(ID_WITH_X) != before
