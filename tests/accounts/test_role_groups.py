from chieftech.accounts.roles import ROLE_CAPABILITIES, Role


def test_every_role_group_holds_exactly_its_capabilities(db):
    from django.contrib.auth.models import Group

    for role in Role:
        group = Group.objects.get(name=role.value)
        held = sorted(f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all())
        assert held == sorted(ROLE_CAPABILITIES[role])


def test_sysadmin_cannot_read_audit_log_and_auditor_cannot_change_anything(sam, aubrey):
    assert not sam.has_perm("audit.view_auditlog")
    assert aubrey.has_perm("audit.view_auditlog")
    assert sorted(ROLE_CAPABILITIES[Role.AUDITOR]) == ["audit.export_auditlog", "audit.view_auditlog"]
