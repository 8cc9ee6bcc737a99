"""`chieftech reencrypt` moves every stored personal value onto the newest key, and the look-up hashes onto
the current hash key, so that an old key (the development key included) can be removed."""

import pytest
from cryptography.fernet import Fernet
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

from chieftech.audit.models import AuditRecord
from chieftech.core.pii import pii_hash
from chieftech.selection.models import Application
from tests.factories import make_application, make_round, make_user

NEW_KEY = Fernet.generate_key().decode()
NEW_HASH_KEY = "a-new-look-up-hash-key-of-48-characters-xxxxxxxx"
ID_NUMBER = "37100219850312101X"


def raw(table, column, pk):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])  # noqa: S608
        return cursor.fetchone()[0]


@pytest.fixture
def stored(db, olivia, alice):
    make_user("zhang", phone="13812341234")
    application = make_application(alice, make_round(olivia), id_number=ID_NUMBER, phone="13900001111")
    return application


def run(*args, capsys):
    code = 0
    try:
        call_command("reencrypt", *args)
    except SystemExit as exc:
        code = exc.code
    return code, capsys.readouterr().out


def test_every_value_moves_to_the_new_key_and_the_old_key_can_go(stored, settings, capsys):
    old_key = settings.FIELD_ENCRYPTION_KEYS[0]
    user = get_user_model().objects.get(username="zhang")
    before = raw("selection_application", "id_number", stored.pk)

    # The look-up hashes must not hang on a key that goes: PII_HASH_KEY is set before the old key leaves.
    with override_settings(FIELD_ENCRYPTION_KEYS=[NEW_KEY, old_key], PII_HASH_KEY=NEW_HASH_KEY):
        code, out = run("--check", capsys=capsys)
        assert code == 1
        assert "selection_application.id_number：待重新加密 1 个" in out
        assert raw("selection_application", "id_number", stored.pk) == before

        code, out = run(capsys=capsys)
        assert code == 0
        assert "selection_application.id_number：已重新加密 1 个" in out
        assert "selection_application.phone：已重新加密 1 个" in out

    with override_settings(FIELD_ENCRYPTION_KEYS=[NEW_KEY], PII_HASH_KEY=NEW_HASH_KEY):
        application = Application.objects.get(pk=stored.pk)
        assert list(Application.objects.filter(id_hash=pii_hash(ID_NUMBER))) == [application]
        assert application.id_number == ID_NUMBER
        assert application.phone == "13900001111"
        assert get_user_model().objects.get(pk=user.pk).phone == "13812341234"
        assert run("--check", capsys=capsys)[0] == 0
    assert raw("selection_application", "id_number", stored.pk) != before


def test_the_look_up_hashes_follow_a_new_hash_key_so_duplicates_are_still_found(stored, settings, capsys):
    with override_settings(PII_HASH_KEY=NEW_HASH_KEY):
        assert Application.objects.filter(id_hash=pii_hash(ID_NUMBER)).count() == 0

        code, out = run(capsys=capsys)

        assert code == 0
        assert "selection_application.id_hash：已重算 1 个查询哈希" in out
        assert list(Application.objects.filter(id_hash=pii_hash(ID_NUMBER))) == [stored]


def test_a_rewrite_is_audited_once_and_a_second_run_changes_nothing(stored, settings, capsys):
    old_key = settings.FIELD_ENCRYPTION_KEYS[0]
    with override_settings(FIELD_ENCRYPTION_KEYS=[NEW_KEY, old_key]):
        run(capsys=capsys)
        after_first = raw("selection_application", "phone", stored.pk)
        code, out = run(capsys=capsys)

    assert code == 0
    assert "重新加密 0 个值，重算 0 个查询哈希" in out
    assert raw("selection_application", "phone", stored.pk) == after_first
    record = AuditRecord.objects.get(action="system.pii_reencrypt")
    assert record.authority_id is None
    assert record.after["重新加密"] >= 3
    assert record.after["重算查询哈希"] == 0
