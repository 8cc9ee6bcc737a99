"""Roles become grants per authority: every existing user's groups are granted for the Huancui authority
(the only one so far), the installation-wide roles with no authority. The role names are written here,
not imported, so this migration never changes when the code does."""

from django.db import migrations

INSTALLATION_ROLES = {"sysadmin", "enterprise", "technician"}
ROLES = {
    "enterprise",
    "officer",
    "expert",
    "chair",
    "leader",
    "government",
    "auditor",
    "sysadmin",
    "technician",
}


def grant_existing(apps, schema_editor):
    db = schema_editor.connection.alias
    User = apps.get_model("accounts", "User")
    RoleGrant = apps.get_model("accounts", "RoleGrant")
    Authority = apps.get_model("policy", "Authority")
    huancui = Authority.objects.using(db).filter(code="huancui").first()
    grants = []
    for user in User.objects.using(db).prefetch_related("groups"):
        for group in user.groups.all():
            if group.name not in ROLES:
                continue
            if group.name in INSTALLATION_ROLES:
                grants.append(RoleGrant(user=user, role=group.name, authority=None))
            elif huancui is not None:
                grants.append(RoleGrant(user=user, role=group.name, authority=huancui))
    RoleGrant.objects.using(db).bulk_create(grants)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_role_grant"),
        ("policy", "0005_authority"),
    ]

    operations = [migrations.RunPython(grant_existing, migrations.RunPython.noop)]
