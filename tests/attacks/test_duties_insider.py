"""Insiders on the management period's records, each attempt kept as a test that fails to get through: another
enterprise, the former employer after a transfer, a suspended enterprise, another holder and another
authority's officer at every ledger, log, obligation, support and liaison URL of our holder; the holder and the
enterprise at the officer's pages; entries a sent review counts, dates in the future, tampered amounts and
dates. The free texts and the personal data are in test_duties_insider_texts.py."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from chieftech.accounts.domain.enterprises import enterprise_suspend
from chieftech.accounts.roles import Role
from chieftech.audit.models import AuditRecord
from chieftech.core.errors import DomainError
from chieftech.duties.domain import ledger
from chieftech.duties.domain.duty_log import duty_activity_add
from chieftech.duties.domain.files import Upload
from chieftech.duties.domain.liaison import liaison_assign
from chieftech.duties.domain.obligations import employer_record_save
from chieftech.duties.models import (
    Apprentice,
    ApprenticeCertificate,
    DutyActivity,
    DutyKind,
    EmployerDutyRecord,
    LiaisonAssignment,
    LiaisonContact,
    MentorshipAgreement,
    SupportKind,
    SupportRecord,
)
from chieftech.policy.models import SkillLevel
from chieftech.tenure.models import Tenure
from tests.duties import support_fixtures as fixtures
from tests.duties.support_fixtures import RECORD, make_liaison, make_support_record, move
from tests.factories import PDF_BYTES, make_annual_review, make_apprentice, make_tenure, make_user

tech1 = fixtures.tech1
walter = fixtures.walter
wang = fixtures.wang
weihai = fixtures.weihai

PDF = Upload(name="证明.pdf", content=PDF_BYTES)


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def records(wang, tech1, alice, olivia):
    """王建国's records: an apprentice with agreement and certificate (scanned), a log entry, a support record,
    the liaison cadre, the enterprise's 2025 record."""
    apprentice = make_apprentice(
        wang, by=tech1, name="孙小明", certificates=[(SkillLevel.SENIOR, date(2025, 6, 18))]
    )
    certificate = ApprenticeCertificate.objects.get(apprentice=apprentice)
    agreement = MentorshipAgreement.objects.get(apprentice=apprentice)
    for record in (certificate, agreement):
        record.file_name, record.file_size, record.file_type = "扫描件.pdf", len(PDF_BYTES), "application/pdf"
        record.file.save("scan.pdf", ContentFile(PDF_BYTES))
    activity = duty_activity_add(
        actor=tech1,
        tenure=wang,
        kind=DutyKind.values[0],
        occurred_on=date(2025, 5, 1),
        title="带徒授课",
        description="数控编程",
        upload=PDF,
    )
    return {
        "apprentice": apprentice,
        "agreement": agreement,
        "certificate": certificate,
        "activity": activity,
        "support": make_support_record(wang, by=olivia),
        "liaison": make_liaison(wang, by=olivia),
        "employer": employer_record_save(actor=alice, tenure=wang, year=2025, data=RECORD),
    }


def urls(tenure, records) -> dict[str, tuple[str, str]]:
    r = records
    return {
        "ledger": ("get", reverse("duties:ledger", args=[tenure.pk])),
        "apprentice_add": ("post", reverse("duties:apprentice_add", args=[tenure.pk])),
        "agreement_add": ("post", reverse("duties:agreement_add", args=[r["apprentice"].pk])),
        "certificate_add": ("post", reverse("duties:certificate_add", args=[r["apprentice"].pk])),
        "apprentice_remove": ("post", reverse("duties:apprentice_remove", args=[r["apprentice"].pk])),
        "agreement_remove": ("post", reverse("duties:agreement_remove", args=[r["agreement"].pk])),
        "certificate_remove": ("post", reverse("duties:certificate_remove", args=[r["certificate"].pk])),
        "log": ("get", reverse("duties:log", args=[tenure.pk])),
        "activity_add": ("post", reverse("duties:activity_add", args=[tenure.pk])),
        "activity_edit": ("post", reverse("duties:activity_edit", args=[r["activity"].pk])),
        "activity_remove": ("post", reverse("duties:activity_remove", args=[r["activity"].pk])),
        "file_agreement": ("get", reverse("duties:file", args=["agreement", r["agreement"].pk])),
        "file_certificate": ("get", reverse("duties:file", args=["certificate", r["certificate"].pk])),
        "file_activity": ("get", reverse("duties:file", args=["activity", r["activity"].pk])),
        "employer_record": ("post", reverse("duties:employer_record", args=[tenure.pk, 2025])),
        "support": ("post", reverse("duties:support", args=[tenure.pk])),
        "support_remove": ("post", reverse("duties:support_remove", args=[r["support"].pk])),
        "support_file": ("get", reverse("duties:support_file", args=[r["support"].pk])),
        "liaison": ("get", reverse("duties:liaison", args=[tenure.pk])),
        "liaison_assign": ("post", reverse("duties:liaison_assign", args=[tenure.pk])),
        "liaison_contact_add": ("post", reverse("duties:liaison_contact_add", args=[r["liaison"].pk])),
    }


POSTED = {
    "name": "冒名徒弟",
    "id_number": "",
    "occupation": "钳工",
    "signed_on": "2025-01-02",
    "level": SkillLevel.SENIOR,
    "number": "X1",
    "issued_on": "2025-03-01",
    "kind": DutyKind.values[0],
    "occurred_on": "2025-03-01",
    "title": "篡改",
    "description": "篡改",
    "department": "篡改",
    "medical_subsidy": "99999.00",
    "paid_leave_days": "99",
    "cadre_name": "冒名",
    "cadre_post": "局长",
    "cadre_unit": "区政府",
    "cadre_phone": "13900000000",
    "assigned_on": "2025-03-01",
    "contacted_on": "2025-03-01",
    "mode": "visit",
    "difficulties": "篡改",
    "confirmed": "yes",
}


def state() -> tuple:
    """Everything an attempt might change."""
    return (
        Apprentice.objects.count(),
        MentorshipAgreement.objects.count(),
        ApprenticeCertificate.objects.count(),
        sorted(DutyActivity.objects.values_list("title", flat=True)),
        sorted(EmployerDutyRecord.objects.values_list("medical_subsidy", flat=True)),
        SupportRecord.objects.count(),
        LiaisonAssignment.objects.count(),
        LiaisonContact.objects.count(),
        AuditRecord.objects.count(),
    )


def statuses(client, table: dict) -> dict[str, int]:
    return {
        name: (client.get(url) if method == "get" else client.post(url, POSTED)).status_code
        for name, (method, url) in table.items()
    }


@pytest.fixture
def hugo(alice, gina, wang):
    """Another holder of the same round and enterprise, with his own login."""
    other = make_tenure(alice, gina, round_=wang.application.round, name="胡志强")
    user = make_user("hugo", Role.TECHNICIAN, real_name="胡志强")
    Tenure.objects.filter(pk=other.pk).update(user=user)
    return user


# The officer's pages (liaison) are refused by capability to anyone who is not an officer (403); the rest is
# looked up among what the user may know (404).
OFFICER_ONLY = {"liaison", "liaison_assign", "liaison_contact_add"}


# A holder keeps no employer's record and records no support (the holder's own page shows it): 403.
NOT_A_HOLDERS = OFFICER_ONLY | {"employer_record", "support", "support_remove"}


@pytest.mark.parametrize(("who", "refused"), [("bob", OFFICER_ONLY), ("hugo", NOT_A_HOLDERS)])
def test_another_enterprise_or_holder_finds_nothing_of_the_holders_records(
    request, wang, records, who, refused
):
    client = logged_in(request.getfixturevalue(who))
    before = state()

    found = statuses(client, urls(wang, records))

    assert found == {name: 403 if name in refused else 404 for name in found}
    assert state() == before


def test_weihais_officer_finds_nothing_of_huancuis_records(wang, records, walter):
    client = logged_in(walter)
    before = state()

    found = statuses(client, urls(wang, records))
    lists = {
        name: client.get(reverse(name)).content.decode()
        for name in ("duties:duplicates", "duties:obligations", "duties:liaison_list")
    }

    keeper_only = {
        name for name in found if name.endswith(("_add", "_remove", "_edit")) or name == "employer_record"
    }
    assert {n: s for n, s in found.items() if n not in keeper_only} == dict.fromkeys(
        [n for n in found if n not in keeper_only], 404
    )
    assert set(found[n] for n in keeper_only) <= {403, 404}
    assert [name for name, page in lists.items() if "王建国" in page or "刘建军" in page] == []
    assert state() == before


def test_the_former_employer_after_a_transfer_finds_nothing_but_its_own_years(
    wang, records, alice, enterprise_b
):
    move(wang, enterprise_b, date(2026, 1, 1))
    client = logged_in(alice)
    table = urls(wang, records)
    # Its own 2025 record stays its to keep (第13条: each employer records the years it employed the holder).
    del table["employer_record"]
    before = state()

    found = statuses(client, table)

    assert found == {name: 403 if name in OFFICER_ONLY else 404 for name in found}
    assert state() == before


def test_a_suspended_enterprises_user_may_keep_nothing(wang, records, alice, olivia):
    enterprise_suspend(actor=olivia, enterprise=wang.enterprise, reason="已注销")
    alice.refresh_from_db()
    client = logged_in(alice)
    before = state()

    found = statuses(client, urls(wang, records))

    # The ledger and the log are looked up by what the user may read (404); the support and the employer's
    # record by the enterprise, then refused as closed for business (403).
    closed = OFFICER_ONLY | {"employer_record", "support", "support_remove", "support_file"}
    assert found == {name: 403 if name in closed else 404 for name in found}
    assert state() == before
    with pytest.raises(PermissionDenied):
        ledger.apprentice_add(actor=alice, tenure=wang, name="冒名", id_number="", occupation="钳工")
    with pytest.raises(PermissionDenied):
        employer_record_save(actor=alice, tenure=wang, year=2025, data=RECORD)


@pytest.mark.parametrize("who", ["tech1", "alice"])
def test_the_holder_and_the_enterprise_reach_no_officers_page(request, wang, records, who):
    user = request.getfixturevalue(who)
    client = logged_in(user)
    before = state()

    found = {
        name: client.get(reverse(name)).status_code
        for name in ("duties:duplicates", "duties:obligations", "duties:liaison_list")
    }
    posted = statuses(client, {n: v for n, v in urls(wang, records).items() if n in OFFICER_ONLY})

    assert found == dict.fromkeys(found, 403)
    assert posted == dict.fromkeys(posted, 403)
    with pytest.raises(PermissionDenied):
        liaison_assign(
            actor=user,
            tenure=wang,
            cadre_name="冒名",
            cadre_post="局长",
            cadre_unit="区政府",
            cadre_phone="13900000000",
            assigned_on=date(2025, 3, 1),
        )
    assert state() == before


# --- Steps skipped or repeated, and tampered values ---------------------------------------------------------


def test_an_entry_a_sent_review_counts_can_be_neither_removed_nor_added_behind_it(wang, records, tech1):
    make_annual_review(wang, review_year=1, state="submitted")
    before = state()
    refused = []

    for attempt in (
        lambda: ledger.certificate_remove(actor=tech1, certificate=records["certificate"]),
        lambda: ledger.agreement_remove(actor=tech1, agreement=records["agreement"]),
        lambda: ledger.apprentice_remove(actor=tech1, apprentice=records["apprentice"]),
        lambda: ledger.certificate_add(
            actor=tech1,
            apprentice=records["apprentice"],
            level=SkillLevel.TECHNICIAN,
            occupation="数控车工",
            number="3706002025000999",
            issuer="威海市职业技能鉴定中心",
            issued_on=date(2025, 11, 30),
            upload=None,
        ),
        lambda: duty_activity_add(
            actor=tech1,
            tenure=wang,
            kind=DutyKind.values[0],
            occurred_on=date(2025, 11, 30),
            title="补登",
            description="补登",
            upload=PDF,
        ),
    ):
        with pytest.raises(DomainError) as exc:
            attempt()
        refused.append(exc.value.code)

    assert refused == ["review_sent"] * 5
    assert state() == before


def test_a_certificate_added_behind_a_sent_review_is_refused_in_plain_words(wang, records, tech1):
    make_annual_review(wang, review_year=1, state="submitted")

    with pytest.raises(DomainError) as refused:
        ledger.certificate_add(
            actor=tech1,
            apprentice=records["apprentice"],
            level=SkillLevel.TECHNICIAN,
            occupation="数控车工",
            number="3706002025000999",
            issuer="威海市职业技能鉴定中心",
            issued_on=date(2025, 11, 30),
            upload=None,
        )

    assert refused.value.message == (
        "发证日期（2025年11月30日）在第1年度复核认定的复核期间（2024年12月27日至2025年12月26日）内，"
        "该次复核已报送待审，材料已报送人社局，不能补登；如需补正，请联系区人社局退回补正。"
    )


def test_a_returned_review_lets_the_holder_add_the_missing_certificate(wang, records, tech1):
    make_annual_review(wang, review_year=1, state="returned")

    added = ledger.certificate_add(
        actor=tech1,
        apprentice=records["apprentice"],
        level=SkillLevel.TECHNICIAN,
        occupation="数控车工",
        number="3706002025000999",
        issuer="威海市职业技能鉴定中心",
        issued_on=date(2025, 11, 30),
        upload=None,
    )

    assert added.issued_on == date(2025, 11, 30)


def test_a_certificate_dated_in_the_future_is_refused(wang, records, tech1):
    tomorrow = timezone.localdate() + timedelta(days=1)
    before = state()

    with pytest.raises(DomainError) as refused:
        ledger.certificate_add(
            actor=tech1,
            apprentice=records["apprentice"],
            level=SkillLevel.SENIOR,
            occupation="数控车工",
            number="3706002099000001",
            issuer="威海市职业技能鉴定中心",
            issued_on=tomorrow,
            upload=None,
        )

    assert refused.value.message_dict == {
        "issued_on": [f"发证日期（{tomorrow.year}年{tomorrow.month}月{tomorrow.day}日）不能晚于今天。"]
    }
    assert state() == before


def test_the_same_apprentice_posted_twice_is_kept_once(wang, tech1):
    from tests.duties.conftest import APPRENTICE_ID

    client = logged_in(tech1)
    url = reverse("duties:apprentice_add", args=[wang.pk])
    data = {
        "name": "孙小明",
        "id_number": APPRENTICE_ID,
        "occupation": "数控车工",
        "enterprise": wang.enterprise_id,
    }

    first = client.post(url, data)
    second = client.post(url, data)

    assert (first.status_code, second.status_code) == (302, 200)
    assert Apprentice.objects.filter(tenure=wang).count() == 1
    assert "已在" in second.content.decode() or "重复" in second.content.decode()


def test_an_old_log_form_sent_twice_logs_once(wang, tech1):
    from tests.factories import form_token_of

    client = logged_in(tech1)
    url = reverse("duties:activity_add", args=[wang.pk])
    token = form_token_of(client.get(url))
    data = {
        "form_token": token,
        "kind": DutyKind.values[0],
        "occurred_on": "2025-05-01",
        "title": "带徒授课",
        "description": "数控编程",
    }

    for _ in range(2):
        client.post(url, {**data, "file": ContentFile(PDF_BYTES, name="证明.pdf")})

    assert DutyActivity.objects.filter(tenure=wang).count() == 1


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("medical_subsidy", "-100.00", "补助金额不能为负数。"),
        ("medical_subsidy", "12.345", "补助金额精确到分（最多两位小数）。"),
        ("health_check_on", "2025-13-01", None),
        ("paid_leave_days", "-3", None),
    ],
)
def test_a_tampered_employer_record_is_refused_at_its_field(wang, alice, field, value, message):
    before = state()
    data = {**RECORD, "health_check_on": "2025-05-20", field: value}

    response = logged_in(alice).post(reverse("duties:employer_record", args=[wang.pk, 2025]), data)

    assert response.status_code in (200, 400)
    errors = response.context["form"].errors
    assert list(errors) == [field]
    if message:
        assert errors[field] == [message]
    assert state() == before


@pytest.mark.parametrize("year", [2023, 2099, 13])
def test_a_year_outside_the_term_is_refused(wang, alice, year):
    before = state()

    response = logged_in(alice).post(reverse("duties:employer_record", args=[wang.pk, year]), RECORD)

    assert response.status_code in (302, 404)
    assert state() == before


@pytest.fixture
def not_renewed(wang, olivia):
    """王建国's term ended by a failed re-review on 2025-12-23 (第十二条)."""
    from chieftech.tenure.domain.transitions import tenure_transition
    from chieftech.tenure.models import TenureStatus

    tenure_transition(
        actor=olivia,
        tenure=wang,
        to_status=TenureStatus.NOT_RENEWED,
        effective_on=date(2025, 12, 23),
        reason="管理期第1年复核认定未通过",
    )
    return Tenure.objects.get(pk=wang.pk)


def test_a_term_not_renewed_gets_no_new_cadre_and_no_support_or_contact_after_it_ended(
    not_renewed, olivia, alice
):
    from chieftech.duties.domain.liaison import liaison_contact_add
    from chieftech.duties.domain.support import support_record_add

    assignment = make_liaison(not_renewed, by=olivia)
    before = state()
    refused = {}

    for name, attempt in {
        "liaison_assign": lambda: liaison_assign(
            actor=olivia,
            tenure=not_renewed,
            cadre_name="刘建国",
            cadre_post="区人社局局长",
            cadre_unit="环翠区人力资源和社会保障局",
            cadre_phone="13963100000",
            assigned_on=date(2026, 1, 5),
        ),
        "liaison_contact_add": lambda: liaison_contact_add(
            actor=olivia,
            assignment=assignment,
            contacted_on=date(2026, 1, 5),
            mode=LiaisonContact.Mode.values[0],
            difficulties="走访",
        ),
        "support_record_add": lambda: support_record_add(
            actor=olivia,
            tenure=not_renewed,
            kind=SupportKind.values[0],
            occurred_on=date(2026, 1, 5),
            title="研修班",
            department="区人社局",
        ),
    }.items():
        with pytest.raises(DomainError) as exc:
            attempt()
        refused[name] = exc.value.messages

    assert refused == {
        "liaison_assign": ["该首席技师的管理期已于2025年12月22日结束（复核未通过），不再确定联系领导干部。"],
        "liaison_contact_add": ["管理期已于2025年12月22日结束，联系日期不能晚于该日。"],
        "support_record_add": ["管理期已于2025年12月22日结束，日期不能晚于该日。"],
    }
    assert state() == before
