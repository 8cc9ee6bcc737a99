"""The migration to roles held per authority grants every existing user's groups for Huancui (the only
authority so far), the installation-wide roles with no authority.

Run against the test database itself: back to the schema without grants and forward again.
"""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from chieftech.accounts.models import RoleGrant
from chieftech.accounts.roles import Role, roles_held_in
from tests.factories import huancui, make_user
from tests.migrating import migrate_to_latest

BEFORE = [("accounts", "0004_role_proposal")]
AFTER = [("accounts", "0006_grant_existing_roles")]


def migrate(targets) -> None:
    MigrationExecutor(connection).migrate(targets)


@pytest.mark.django_db(transaction=True)
def test_existing_groups_become_grants_for_huancui(enterprise_a):
    users = {
        "sam": make_user("sam", Role.SYSADMIN),
        "olivia": make_user("olivia", Role.OFFICER),
        "chris": make_user("chris", Role.EXPERT, Role.CHAIR),
        "alice": make_user("alice", Role.ENTERPRISE, enterprise=enterprise_a),
        "stranger": make_user("stranger"),
    }
    try:
        migrate(BEFORE)
        migrate(AFTER)
    finally:
        migrate_to_latest()

    grants = sorted(RoleGrant.objects.values_list("user__username", "role", "authority__code"))
    assert grants == [
        ("alice", "enterprise", None),
        ("chris", "chair", "huancui"),
        ("chris", "expert", "huancui"),
        ("olivia", "officer", "huancui"),
        ("sam", "sysadmin", None),
    ]
    assert {name: roles_held_in(user, huancui()) for name, user in users.items()} == {
        "sam": {"sysadmin"},
        "olivia": {"officer"},
        "chris": {"chair", "expert"},
        "alice": {"enterprise"},
        "stranger": set(),
    }
