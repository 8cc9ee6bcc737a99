"""One chain per authority and one for the system: a record goes to the chain of the authority whose work it
records, each chain has its own key and head, and each verifies on its own."""

import pytest

from chieftech.audit.domain import audit_record, audit_verify, record_authority_id
from chieftech.audit.models import AuditChainHead, AuditRecord
from chieftech.policy.models import Authority, PolicyVersion
from chieftech.selection.models import Application
from tests.audit.conftest import insider
from tests.factories import huancui, make_application, make_round


def make_city() -> Authority:
    return Authority.objects.create(
        code="weihai",
        name="威海市",
        level="city",
        bureau_name="威海市人力资源和社会保障局",
        leadership_name="市委人才工作领导小组",
        government_name="市人民政府",
        title_name="威海市首席技师",
        site_name="威海市首席技师选拔管理系统",
        certificate_prefix="WHSJ",
    )


@pytest.fixture
def city(db):
    return make_city()


def test_a_round_and_everything_under_it_go_to_its_authoritys_chain(olivia, alice):
    round_ = make_round(olivia)
    application = make_application(alice, round_)
    fresh = Application.objects.get(pk=application.pk)  # its round not loaded: one look-up

    assert record_authority_id(round_) == huancui().pk
    assert record_authority_id(fresh) == huancui().pk
    assert record_authority_id(PolicyVersion.objects.filter(authority=huancui()).first()) == huancui().pk
    assert record_authority_id(huancui()) == huancui().pk
    submitted = AuditRecord.objects.filter(action="application.create").get()
    assert submitted.authority_id == huancui().pk


def test_accounts_and_enterprises_go_to_the_system_chain(alice, enterprise_a):
    assert record_authority_id(alice) is None
    assert record_authority_id(enterprise_a) is None
    assert audit_record(action="session.login", actor=alice, obj=alice).authority_id is None
    assert audit_record(action="test.nothing").authority_id is None


def test_the_authority_can_be_named_or_found_from_the_object_type_and_id(olivia, city):
    round_ = make_round(olivia)

    assert audit_record(action="test.named", authority=city).authority_id == city.pk
    assert audit_record(action="test.named", authority=city.pk).authority_id == city.pk
    by_reference = audit_record(action="test.ref", object_type="selection.round", object_id=str(round_.pk))
    assert by_reference.authority_id == huancui().pk
    unknown = audit_record(action="test.ref", object_type="selection.round", object_id="999999")
    assert unknown.authority_id is None


def test_each_chain_links_only_its_own_records_and_has_its_own_head(city):
    district = huancui()
    a1 = audit_record(action="test.a", authority=district)
    c1 = audit_record(action="test.c", authority=city)
    s1 = audit_record(action="test.s")
    a2 = audit_record(action="test.a", authority=district)
    c2 = audit_record(action="test.c", authority=city)

    assert a2.prev_hash == a1.hash
    assert c2.prev_hash == c1.hash
    assert s1.prev_hash == "0" * 64
    heads = {head.authority_id: (head.last_id, head.last_hash) for head in AuditChainHead.objects.all()}
    assert heads == {
        None: (s1.pk, s1.hash),
        district.pk: (a2.pk, a2.hash),
        city.pk: (c2.pk, c2.hash),
    }


def test_the_same_content_in_two_chains_has_two_different_hashes(city):
    first = audit_record(action="test.same", authority=huancui())
    second = audit_record(action="test.same", authority=city)

    assert first.prev_hash == second.prev_hash
    assert first.hash != second.hash


def test_a_rewrite_in_one_chain_leaves_the_others_verified(city):
    district = huancui()
    records = [audit_record(action="test.a", authority=district, reason=str(n)) for n in range(3)]
    for n in range(3):
        audit_record(action="test.c", authority=city, reason=str(n))
    with insider() as cursor:
        cursor.execute("UPDATE audit_auditrecord SET reason = %s WHERE id = %s", ["改", records[1].pk])

    result = audit_verify()

    assert [(chain.label, chain.ok, chain.checked) for chain in result.chains] == [
        ("系统审计链", True, 0),
        ("威海市环翠区人力资源和社会保障局审计链", False, 1),
        ("威海市人力资源和社会保障局审计链", True, 3),
    ]
    assert result.bad_record_id == records[1].pk
