"""Separation of duties with several authorities: a proposal for the audit role is for one authority, the
incompatible-roles table holds per authority and the installation-wide roles meet every authority's, and an
audit admin reads its own authority's chain and the system's, not another authority's."""

import pytest
from django.urls import reverse

from chieftech.accounts.domain import role_proposal_approve, role_proposal_create, user_set_roles
from chieftech.accounts.models import User
from chieftech.accounts.roles import Role, roles_held_in
from chieftech.audit.domain import audit_record
from chieftech.audit.models import AuditRecord
from chieftech.core.errors import DomainError
from chieftech.policy.models import Authority, AuthorityLevel
from tests.factories import huancui, make_user


@pytest.fixture
def weihai(db):
    return Authority.objects.create(
        code="weihai",
        name="威海市",
        level=AuthorityLevel.CITY,
        bureau_name="威海市人力资源和社会保障局",
        leadership_name="市委人才工作领导小组",
        government_name="市人民政府",
        title_name="威海市首席技师",
        site_name="威海市首席技师选拔管理系统",
        certificate_prefix="WHSJ",
    )


@pytest.fixture
def sara(db):
    return make_user("sara", Role.SYSADMIN, real_name="萨拉")


def test_an_audit_role_proposal_is_for_one_authority_and_grants_it_there_only(sam, sara, stranger, weihai):
    proposal = role_proposal_create(actor=sam, user=stranger, roles=["auditor"], authority=weihai)
    assert (proposal.authority, roles_held_in(stranger, weihai)) == (weihai, set())

    role_proposal_approve(actor=sara, proposal=proposal)

    stranger = User.objects.get(pk=stranger.pk)  # the account as it signs in next
    assert (roles_held_in(stranger, weihai), roles_held_in(stranger, huancui())) == ({"auditor"}, set())


def test_the_same_person_may_be_an_expert_of_the_city_and_an_officer_of_the_district(sam, stranger, weihai):
    user_set_roles(actor=sam, user=stranger, roles=["officer"], authority=huancui())
    user_set_roles(actor=sam, user=stranger, roles=["expert"], authority=weihai)

    assert (roles_held_in(stranger, huancui()), roles_held_in(stranger, weihai)) == ({"officer"}, {"expert"})


def test_incompatible_roles_are_refused_within_one_authority(sam, stranger, weihai):
    with pytest.raises(DomainError) as exc:
        user_set_roles(actor=sam, user=stranger, roles=["officer", "leader"], authority=weihai)

    assert exc.value.message_dict["roles"] == [
        "“区人社局经办人”与“区委人才工作领导小组”不能由同一账号兼任（职责分离）。"
    ]
    assert roles_held_in(stranger, weihai) == set()


def test_an_installation_wide_role_meets_the_roles_held_for_every_authority(sam, sara, stranger, weihai):
    user_set_roles(actor=sam, user=stranger, roles=["leader"], authority=weihai)

    # Becoming the installation's system admin is checked against the city's leadership role.
    with pytest.raises(DomainError):
        role_proposal_create(actor=sam, user=stranger, roles=["sysadmin"], authority=huancui())

    assert roles_held_in(stranger, huancui()) == set()


def test_an_audit_admin_reads_its_own_authoritys_chain_and_the_systems_only(client, aubrey, weihai):
    waudit = make_user("waudit", Role.AUDITOR, authority=weihai)
    district = audit_record(
        action="test.district", actor=None, object_type="t", object_id="1", authority=huancui()
    )
    city = audit_record(action="test.city", actor=None, object_type="t", object_id="2", authority=weihai)
    system = audit_record(action="test.system", actor=None, object_type="t", object_id="3")

    def listed(user) -> set[int]:
        client.force_login(user)
        response = client.get(reverse("audit:record_list"), {"action": ""})
        return {row["id"] for row in response.context["rows"]} & {district.pk, city.pk, system.pk}

    assert listed(aubrey) == {district.pk, system.pk}
    assert listed(waudit) == {city.pk, system.pk}
    client.force_login(waudit)
    assert client.get(reverse("audit:record_detail", args=[district.pk])).status_code == 404
    assert client.get(reverse("audit:record_detail", args=[city.pk])).status_code == 200
    assert AuditRecord.objects.get(pk=system.pk).authority_id is None


def test_each_authority_keeps_an_audit_admin_of_its_own(sam, sara, aubrey, weihai):
    from chieftech.accounts.domain import user_deactivate
    from chieftech.core.errors import DomainError

    waudit = make_user("waudit", Role.AUDITOR, authority=weihai)

    # Huancui's audit admin does not read the city's chain: the city's only one stays.
    with pytest.raises(DomainError) as exc:
        role_proposal_create(actor=sam, user=waudit, roles=[], authority=weihai)
    assert exc.value.code == "last_auditor"
    with pytest.raises(DomainError):
        user_deactivate(actor=sam, user=waudit, reason="调离")

    second = make_user("waudit2", Role.AUDITOR, authority=weihai)
    proposal = role_proposal_create(actor=sam, user=waudit, roles=[], authority=weihai)
    role_proposal_approve(actor=sara, proposal=proposal)
    assert roles_held_in(User.objects.get(pk=waudit.pk), weihai) == set()
    assert roles_held_in(second, weihai) == {"auditor"}
