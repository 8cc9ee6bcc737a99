"""Policy versions: the seeded 2022 measures, the look-up by date, registration and expiry warnings."""

from datetime import date
from decimal import Decimal
from importlib import import_module

import pytest
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from chieftech.audit.models import AuditRecord
from chieftech.core.errors import DomainError
from chieftech.policy.domain import policy_expiry_warnings, policy_in_force, policy_register
from chieftech.policy.models import Authority, PolicyVersion, SkillLevel, Town
from tests.factories import huancui

DOC_2022 = "威环人社字〔2022〕26号"


def successor_data(**overrides) -> dict:
    data = {
        "issuer": "威海市环翠区人力资源和社会保障局",
        "document_number": "威环人社字〔2027〕8号",
        "title": "环翠区首席技师选拔管理办法",
        "valid_from": date(2027, 12, 1),
        "valid_until": date(2032, 11, 30),
        "selection_interval_years": 2,
        "quota_per_round": 6,
        "management_period_months": 24,
        "monthly_subsidy": Decimal("600.00"),
        "min_skill_level": SkillLevel.TECHNICIAN,
        "max_age": 55,
        "priority_age": 45,
        "notice_working_days": 5,
        "apprentices_per_year": 2,
        "apprentice_min_level": SkillLevel.SENIOR,
        "deeds_target_chars": 1000,
    }
    data.update(overrides)
    return data


# --- The seeded 2022 version --------------------------------------------------------------------------


def test_the_2022_measures_are_seeded_exactly(db):
    version = PolicyVersion.objects.get()
    assert version.issuer == "威海市环翠区人力资源和社会保障局"
    assert version.document_number == DOC_2022
    assert version.title == "环翠区首席技师选拔管理办法"
    assert (version.valid_from, version.valid_until) == (date(2022, 12, 1), date(2027, 11, 30))
    assert version.selection_interval_years == 2
    assert version.quota_per_round == 5
    assert version.management_period_months == 24
    assert version.monthly_subsidy == Decimal("500.00")
    assert version.min_skill_level == SkillLevel.TECHNICIAN
    assert version.max_age == 55
    assert version.priority_age == 45
    assert version.notice_working_days == 5
    assert version.apprentices_per_year == 2
    assert version.apprentice_min_level == SkillLevel.SENIOR
    assert version.deeds_target_chars == 1000
    assert version.predecessor is None


def test_the_seed_migrations_are_idempotent(db):
    # 0002 seeded the 2022 version while the issuer was a text column; 0005 made the issuer an authority and
    # seeded it. Run against today's schema, the latest seed adds nothing the second time.
    migration = import_module("chieftech.policy.migrations.0005_authority")
    state_apps = MigrationLoader(connection).project_state(("policy", "0005_authority")).apps
    editor = connection.schema_editor()  # only its connection is used by the data functions

    migration.seed(state_apps, editor)
    migration.seed(state_apps, editor)
    assert Authority.objects.count() == 1
    assert Town.objects.count() == 15
    version = PolicyVersion.objects.get(document_number=DOC_2022)
    assert version.authority == Authority.objects.get(code="huancui")
    assert version.issuer == "威海市环翠区人力资源和社会保障局"
    assert version.monthly_subsidy == Decimal("500.00")


# --- The policy in force on a date ----------------------------------------------------------------------


def test_policy_in_force_inside_and_on_both_boundary_days(db):
    seeded = PolicyVersion.objects.get(document_number=DOC_2022)
    assert policy_in_force(authority=huancui(), on=date(2025, 6, 1)) == seeded
    assert policy_in_force(authority=huancui(), on=date(2022, 12, 1)) == seeded
    assert policy_in_force(authority=huancui(), on=date(2027, 11, 30)) == seeded


def test_no_policy_before_the_first_version(db):
    with pytest.raises(DomainError) as exc:
        policy_in_force(authority=huancui(), on=date(2022, 11, 30))
    assert exc.value.code == "no_policy"
    assert str(exc.value) == (
        "2022年11月30日没有有效的选拔管理政策：该日期不在任何已登记政策版本的有效期内，"
        "请系统管理员登记覆盖该日期的政策版本。"
    )


def test_no_policy_after_the_validity_ends(db):
    with pytest.raises(DomainError) as exc:
        policy_in_force(authority=huancui(), on=date(2027, 12, 1))
    assert str(exc.value) == (
        "2027年12月1日没有有效的选拔管理政策：该日期不在任何已登记政策版本的有效期内，"
        "请系统管理员登记覆盖该日期的政策版本。"
    )


# --- Registering a successor -------------------------------------------------------------------------------


def test_registering_a_successor_links_it_and_is_audited(sam):
    seeded = PolicyVersion.objects.get(document_number=DOC_2022)
    version = policy_register(actor=sam, authority=huancui(), data=successor_data())
    assert version.predecessor == seeded
    assert policy_in_force(authority=huancui(), on=date(2027, 12, 1)) == version
    assert policy_in_force(authority=huancui(), on=date(2027, 11, 30)) == seeded
    record = AuditRecord.objects.get()
    assert (record.action, record.actor_username, record.object_type, record.object_id) == (
        "policy.register",
        "sam",
        "policy.policyversion",
        str(version.pk),
    )
    assert record.after["document_number"] == "威环人社字〔2027〕8号"
    assert record.after["monthly_subsidy"] == "600.00"
    assert record.after["predecessor"] == seeded.pk


def test_an_overlapping_validity_is_refused(sam):
    with pytest.raises(DomainError) as exc:
        policy_register(actor=sam, authority=huancui(), data=successor_data(valid_from=date(2027, 11, 1)))
    assert exc.value.message_dict == {
        "valid_from": [
            "有效期与已登记的《环翠区首席技师选拔管理办法》（威环人社字〔2022〕26号，"
            "2022年12月1日至2027年11月30日）重叠：同一日期只能有一个有效的政策版本。"
        ]
    }
    assert PolicyVersion.objects.count() == 1
    assert AuditRecord.objects.count() == 0


def test_a_version_wholly_containing_another_is_refused(sam):
    with pytest.raises(DomainError) as exc:
        policy_register(
            actor=sam,
            authority=huancui(),
            data=successor_data(valid_from=date(2020, 1, 1), valid_until=date(2030, 1, 1)),
        )
    assert list(exc.value.message_dict) == ["valid_from"]
    assert PolicyVersion.objects.count() == 1


def test_implausible_parameters_are_refused_field_by_field(sam):
    data = successor_data(
        valid_until=date(2027, 1, 1),
        monthly_subsidy=Decimal("-1"),
        max_age=550,
        notice_working_days=0,
        min_skill_level=9,
        title="  ",
    )
    with pytest.raises(DomainError) as exc:
        policy_register(actor=sam, authority=huancui(), data=data)
    assert exc.value.message_dict == {
        "title": ["请填写标题。"],
        "monthly_subsidy": ["津贴金额应在0至100000.00元之间。"],
        "min_skill_level": ["最低技能等级不是有效的职业技能等级。"],
        "max_age": ["年龄一般不超过（周岁）应在18至70之间。"],
        "notice_working_days": ["公示期（工作日）应在1至30之间。"],
    }
    assert PolicyVersion.objects.count() == 1


def test_validity_ending_before_it_starts_and_priority_age_above_max_age_are_refused(sam):
    with pytest.raises(DomainError) as exc:
        policy_register(
            actor=sam,
            authority=huancui(),
            data=successor_data(valid_until=date(2027, 11, 30), max_age=40, priority_age=45),
        )
    assert exc.value.message_dict == {
        "valid_until": ["有效期至不能早于施行日期。"],
        "priority_age": ["优先年龄不能大于年龄上限。"],
    }


def test_a_document_number_is_registered_once(sam):
    with pytest.raises(DomainError) as exc:
        policy_register(actor=sam, authority=huancui(), data=successor_data(document_number=DOC_2022))
    assert exc.value.message_dict == {"document_number": ["该文号的政策版本已登记。"]}


def test_a_version_registered_into_a_gap_becomes_the_later_ones_predecessor(sam):
    seeded = PolicyVersion.objects.get(document_number=DOC_2022)
    later = policy_register(
        actor=sam,
        authority=huancui(),
        data=successor_data(document_number="威环人社字〔2030〕1号", valid_from=date(2030, 1, 1)),
    )
    assert later.predecessor == seeded
    between = policy_register(
        actor=sam, authority=huancui(), data=successor_data(valid_until=date(2029, 12, 31))
    )
    later.refresh_from_db()
    assert between.predecessor == seeded
    assert later.predecessor == between
    assert list(AuditRecord.objects.values_list("action", "object_id")) == [
        ("policy.register", str(later.pk)),
        ("policy.register", str(between.pk)),
        ("policy.relink", str(later.pk)),
    ]


# --- Expiry warnings ------------------------------------------------------------------------------------


EXPIRY_WARNING = (
    "现行《环翠区首席技师选拔管理办法》（威环人社字〔2022〕26号）有效期至2027年11月30日，"
    "还有{days}天到期，尚未登记后续政策版本。到期后不能再按该政策开启新的选拔轮次，"
    "请系统管理员在新政策印发后及时登记。"
)


def test_expiry_is_warned_within_the_lead_time(db):
    assert policy_expiry_warnings(today=date(2027, 7, 1)) == [EXPIRY_WARNING.format(days=152)]


def test_expiry_warning_starts_exactly_at_the_lead_time(db):
    assert policy_expiry_warnings(today=date(2027, 6, 2)) == []
    assert policy_expiry_warnings(today=date(2027, 6, 3)) == [EXPIRY_WARNING.format(days=180)]
    assert policy_expiry_warnings(today=date(2027, 11, 30)) == [EXPIRY_WARNING.format(days=0)]


def test_no_warning_once_a_successor_is_registered(sam):
    policy_register(actor=sam, authority=huancui(), data=successor_data())
    assert policy_expiry_warnings(today=date(2027, 7, 1)) == []


def test_a_successor_leaving_a_gap_is_warned(sam):
    policy_register(actor=sam, authority=huancui(), data=successor_data(valid_from=date(2028, 3, 1)))
    assert policy_expiry_warnings(today=date(2027, 7, 1)) == [
        "现行《环翠区首席技师选拔管理办法》（威环人社字〔2022〕26号）到期后，"
        "2027年12月1日至2028年2月29日没有有效的政策版本，期间不能开启新的选拔轮次。"
    ]


def test_no_version_in_force_is_warned(db):
    assert policy_expiry_warnings(today=date(2027, 12, 15)) == [
        "今天（2027年12月15日）没有有效的选拔管理政策，不能开启新的选拔轮次。请系统管理员登记新的政策版本。"
    ]
    assert policy_expiry_warnings(today=date(2022, 11, 1)) == [
        "今天（2022年11月1日）没有有效的选拔管理政策，不能开启新的选拔轮次。"
        "下一版本《环翠区首席技师选拔管理办法》（威环人社字〔2022〕26号）自2022年12月1日起施行。"
    ]


def test_no_warning_far_from_expiry(db):
    assert policy_expiry_warnings(today=date(2026, 11, 24)) == []
