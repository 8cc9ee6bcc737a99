"""Separation of duties holds even against Django's superuser flag, and one table says which roles one account
may hold together."""

import pytest
from django.db import IntegrityError, transaction

from chieftech.accounts.models import User
from chieftech.accounts.roles import Role, role_conflicts, role_conflicts_message


def test_no_account_can_be_a_superuser(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_superuser("root", password="Another-long-secret-9")
    assert User.objects.filter(username="root").count() == 0


def test_the_system_admin_cannot_read_the_audit_log_and_the_auditor_holds_nothing_else(sam, aubrey):
    assert sam.has_perm("audit.view_auditlog") is False
    assert sorted(aubrey.get_all_permissions()) == ["audit.export_auditlog", "audit.view_auditlog"]


# --- Which roles one account may hold together (accounts/roles.py) ---------------------------------

# Written out pair by pair so that a change of the table shows here as a change of policy.
COMPATIBLE_PAIRS = {("expert", "chair")}
ALL_PAIRS = [(a, b) for i, a in enumerate(Role.values) for b in Role.values[i + 1 :]]


def test_the_table_covers_every_pair_of_roles():
    assert len(Role.values) == 10
    assert len(ALL_PAIRS) == 45


@pytest.mark.parametrize(("a", "b"), ALL_PAIRS, ids=[f"{a}+{b}" for a, b in ALL_PAIRS])
def test_every_pair_of_roles_is_incompatible_except_chair_with_expert(a, b):
    compatible = (a, b) in COMPATIBLE_PAIRS or (b, a) in COMPATIBLE_PAIRS

    assert role_conflicts({a, b}) == ([] if compatible else [(a, b)])
    assert role_conflicts({b, a}) == role_conflicts({a, b})


@pytest.mark.parametrize("role", Role.values)
def test_one_role_alone_never_conflicts(role):
    assert role_conflicts({role}) == []


def test_officer_leader_and_government_on_one_account_are_three_conflicts_named_in_chinese():
    conflicts = role_conflicts({"officer", "leader", "government"})

    assert conflicts == [("officer", "leader"), ("officer", "government"), ("leader", "government")]
    assert role_conflicts_message(conflicts) == (
        "“区人社局经办人”与“区委人才工作领导小组”；“区人社局经办人”与“区政府经办人”；"
        "“区委人才工作领导小组”与“区政府经办人”不能由同一账号兼任（职责分离）。"
    )


def test_the_committee_chair_may_also_be_an_expert_but_nothing_else():
    assert role_conflicts({"expert", "chair"}) == []
    assert role_conflicts({"expert", "chair", "leader"}) == [("expert", "leader"), ("chair", "leader")]
