"""Separation of duties holds even against Django's superuser flag."""

import pytest
from django.db import IntegrityError, transaction

from chieftech.accounts.models import User


def test_no_account_can_be_a_superuser(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_superuser("root", password="Another-long-secret-9")
    assert User.objects.filter(username="root").count() == 0


def test_the_system_admin_cannot_read_the_audit_log_and_the_auditor_holds_nothing_else(sam, aubrey):
    assert sam.has_perm("audit.view_auditlog") is False
    assert sorted(aubrey.get_all_permissions()) == ["audit.export_auditlog", "audit.view_auditlog"]
