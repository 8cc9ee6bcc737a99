"""Audit snapshots never carry personal data in the clear; every reveal of a full value is recorded."""

import json
from datetime import date

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied

from chieftech.audit.domain import VerifyResult, audit_verify, personal_data_reveal, snapshot
from chieftech.audit.models import AuditRecord
from chieftech.selection.models import Application, ApplicationState
from tests.factories import make_user

PHONE = "13812341234"
ID_NUMBER = "37100219850312101X"


def test_snapshot_masks_the_phone_and_gives_the_enterprise_as_its_pk(enterprise_a):
    user = make_user("zhang", enterprise=enterprise_a, phone=PHONE)

    assert snapshot(user, ["username", "phone", "enterprise", "is_active"]) == {
        "username": "zhang",
        "phone": "138****1234",
        "enterprise": enterprise_a.pk,
        "is_active": True,
    }


def test_snapshot_masks_the_id_number_and_gives_dates_iso_and_choices_as_value(db):
    application = Application(
        name="张三",
        id_number=ID_NUMBER,
        phone=PHONE,
        birth_date=date(1985, 3, 12),
        state=ApplicationState.SUBMITTED,
    )

    assert snapshot(application, ["name", "id_number", "phone", "birth_date", "state"]) == {
        "name": "张三",
        "id_number": "3710**********101X",
        "phone": "138****1234",
        "birth_date": "1985-03-12",
        "state": "submitted",
    }


def test_snapshot_refuses_a_reverse_relation(enterprise_a):
    with pytest.raises(ValueError, match="not a column"):
        snapshot(enterprise_a, ["users"])


def test_reveal_returns_the_full_phone_and_records_the_field_but_not_the_value(olivia, enterprise_a):
    person = make_user("zhang", enterprise=enterprise_a, phone=PHONE)

    revealed = personal_data_reveal(actor=olivia, obj=person, field_name="phone", reason="核对联系方式")

    assert revealed == PHONE
    record = AuditRecord.objects.get(action="personal_data.reveal")
    assert (record.actor_username, record.object_type, record.object_id, record.reason) == (
        "olivia",
        "accounts.user",
        str(person.pk),
        "核对联系方式",
    )
    assert (record.before, record.after) == (None, {"field": "phone", "label": "手机号码"})
    stored = json.dumps(AuditRecord.objects.filter(pk=record.pk).values().get(), default=str)
    assert PHONE not in stored
    assert PHONE[-8:] not in stored
    assert audit_verify() == VerifyResult(True, 1)


def test_reveal_refuses_a_field_that_is_not_encrypted(olivia):
    with pytest.raises(ValueError, match="not an encrypted personal-data field"):
        personal_data_reveal(actor=olivia, obj=olivia, field_name="real_name")
    assert AuditRecord.objects.count() == 0


def test_reveal_refuses_an_anonymous_caller(enterprise_a):
    person = make_user("zhang", enterprise=enterprise_a, phone=PHONE)

    with pytest.raises(PermissionDenied):
        personal_data_reveal(actor=AnonymousUser(), obj=person, field_name="phone")
    assert AuditRecord.objects.count() == 0
