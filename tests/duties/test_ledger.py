"""The mentorship ledger's domain functions: who may keep it, what each entry needs, what is refused and why."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from chieftech.audit.models import AuditRecord
from chieftech.core.errors import DomainError
from chieftech.core.pii import pii_hash
from chieftech.duties.domain.files import Upload
from chieftech.duties.domain.ledger import (
    agreement_add,
    agreement_remove,
    apprentice_add,
    apprentice_remove,
    certificate_add,
    certificate_remove,
)
from chieftech.duties.models import Apprentice, ApprenticeCertificate, MentorshipAgreement
from chieftech.policy.models import SkillLevel
from chieftech.tenure.models import Tenure, TenureStatus
from tests.duties.conftest import APPRENTICE_ID, BAD_CHECK_DIGIT
from tests.factories import PDF_BYTES, make_annual_review, make_apprentice, make_enterprise, make_user

TODAY = timezone.localdate()


def add(actor, tenure, **overrides):
    data = {
        "name": "张小明",
        "id_number": APPRENTICE_ID,
        "occupation": "数控车工",
        "enterprise": tenure.enterprise,
    }
    return apprentice_add(actor=actor, tenure=tenure, **{**data, **overrides})


def errors_of(excinfo) -> dict:
    return excinfo.value.message_dict


# --- Apprentices ------------------------------------------------------------------------------------------


def test_the_holder_adds_an_apprentice_stored_encrypted_and_audited_masked(hannah, tenure):
    apprentice = add(hannah, tenure)

    stored = Apprentice.objects.get()
    assert (stored.name, stored.id_number, stored.id_hash, stored.added_as, stored.enterprise_id) == (
        "张小明",
        APPRENTICE_ID,
        pii_hash(APPRENTICE_ID),
        "holder",
        tenure.enterprise_id,
    )
    record = AuditRecord.objects.get(action="duties.apprentice_add")
    assert record.after["id_number"] == apprentice.id_number_masked
    assert APPRENTICE_ID not in str(record.after)
    assert apprentice.id_number_masked == APPRENTICE_ID[:4] + "*" * 10 + APPRENTICE_ID[-4:]


def test_the_current_enterprise_adds_an_apprentice_of_an_outside_company(alice, tenure):
    apprentice = add(alice, tenure, enterprise=None, enterprise_name="荣成某船厂")

    assert (apprentice.added_as, apprentice.enterprise_id, apprentice.enterprise_name) == (
        "enterprise",
        None,
        "荣成某船厂",
    )


def test_an_invalid_check_digit_is_refused_at_the_id_field(hannah, tenure):
    with pytest.raises(DomainError) as excinfo:
        add(hannah, tenure, id_number=BAD_CHECK_DIGIT)

    assert errors_of(excinfo) == {"id_number": ["身份证号码校验位不正确，请核对。"]}
    assert Apprentice.objects.count() == 0


def test_every_missing_field_is_named_at_once(hannah, tenure):
    with pytest.raises(DomainError) as excinfo:
        add(hannah, tenure, name=" ", id_number="", occupation="", enterprise=None)

    assert errors_of(excinfo) == {
        "name": ["请填写徒弟姓名。"],
        "occupation": ["请填写职业（工种）。"],
        "enterprise_name": ["请选择徒弟所在单位，或填写区外、未注册单位的名称。"],
        "id_number": ["请填写身份证号码。"],
    }


def test_both_an_enterprise_and_a_free_name_is_refused(hannah, tenure):
    with pytest.raises(DomainError) as excinfo:
        add(hannah, tenure, enterprise_name="另一家单位")

    assert errors_of(excinfo) == {"enterprise_name": ["已选择所在单位的，不必再填写单位名称。"]}


def test_the_same_person_twice_on_one_ledger_is_refused_naming_the_entry(hannah, alice, tenure):
    add(hannah, tenure)
    # Typed again by the enterprise, in full-width digits and lower-case: still the same person.
    full_width = APPRENTICE_ID.translate(str.maketrans("0123456789X", "０１２３４５６７８９x"))

    with pytest.raises(DomainError) as excinfo:
        add(alice, tenure, name="张晓明", id_number=full_width)

    assert errors_of(excinfo) == {
        "id_number": [
            f"该身份证号码的徒弟已在台账中（张小明，{TODAY.year}年{TODAY.month}月{TODAY.day}日登记），不能重复登记。"
        ]
    }
    assert Apprentice.objects.count() == 1


def test_a_15_digit_number_is_stored_in_its_18_digit_form(hannah, tenure):
    apprentice = add(hannah, tenure, id_number="370602850101123")

    assert apprentice.id_number == "370602198501011236"[:17] + apprentice.id_number[17]
    assert len(apprentice.id_number) == 18


# --- Who may keep it --------------------------------------------------------------------------------------


def test_outsiders_and_the_officer_cannot_add(tenure, hannah, harry, bob, olivia, walter):
    for actor in (harry, bob, olivia, walter):
        with pytest.raises(PermissionDenied):
            add(actor, tenure)
    assert Apprentice.objects.count() == 0


def test_a_closed_term_is_kept_as_it_closed(hannah, alice, tenure):
    Tenure.objects.filter(pk=tenure.pk).update(status=TenureStatus.NOT_RENEWED)
    tenure.refresh_from_db()

    for actor in (hannah, alice):
        with pytest.raises(PermissionDenied):
            add(actor, tenure)


def test_a_suspended_term_is_still_kept(hannah, tenure):
    Tenure.objects.filter(pk=tenure.pk).update(status=TenureStatus.SUSPENDED)
    tenure.refresh_from_db()

    assert add(hannah, tenure).name == "张小明"


def test_the_former_enterprise_loses_the_ledger_after_the_transfer(alice, tenure):
    new_home = make_enterprise("威海丙船舶有限公司")
    Tenure.objects.filter(pk=tenure.pk).update(enterprise=new_home)
    tenure.refresh_from_db()
    carol = make_user("carol", "enterprise", enterprise=new_home, real_name="卡罗尔")

    with pytest.raises(PermissionDenied):
        add(alice, tenure)
    assert add(carol, tenure).added_as == "enterprise"


# --- Agreements -------------------------------------------------------------------------------------------


def test_an_agreement_needs_its_file_and_dates_in_order(hannah, tenure):
    apprentice = add(hannah, tenure)

    with pytest.raises(DomainError) as excinfo:
        agreement_add(
            actor=hannah,
            apprentice=apprentice,
            signed_on=date(2025, 3, 1),
            ends_on=date(2025, 2, 1),
            upload=None,
        )

    assert errors_of(excinfo) == {
        "ends_on": ["协议期满日期（2025年2月1日）不能早于签订日期（2025年3月1日）。"],
        "file": ["请上传带徒协议（PDF、JPG或PNG）。"],
    }


def test_an_agreement_may_predate_the_term_but_not_be_dated_after_today(hannah, tenure, pdf):
    apprentice = add(hannah, tenure)
    agreement = agreement_add(actor=hannah, apprentice=apprentice, signed_on=date(2023, 9, 1), upload=pdf)
    tomorrow = TODAY + timedelta(days=1)

    with pytest.raises(DomainError) as excinfo:
        agreement_add(actor=hannah, apprentice=apprentice, signed_on=tomorrow, upload=pdf)

    assert (agreement.signed_on, agreement.file_name, agreement.file_type) == (
        date(2023, 9, 1),
        "带徒协议.pdf",
        "application/pdf",
    )
    assert errors_of(excinfo) == {
        "signed_on": [f"签订日期（{tomorrow.year}年{tomorrow.month}月{tomorrow.day}日）不能晚于今天。"]
    }


def test_a_fake_pdf_is_refused_and_nothing_is_saved(hannah, tenure):
    apprentice = add(hannah, tenure)
    fake = Upload(name="协议.pdf", content=b"<html><body>not a pdf</body></html>")

    with pytest.raises(DomainError) as excinfo:
        agreement_add(actor=hannah, apprentice=apprentice, signed_on=date(2025, 1, 5), upload=fake)

    assert errors_of(excinfo) == {"file": ["“协议.pdf”的内容与扩展名不符，不是真正的PDF文件。"]}
    assert (
        MentorshipAgreement.objects.count(),
        AuditRecord.objects.filter(action="duties.agreement_add").count(),
    ) == (
        0,
        0,
    )


# --- Certificates -----------------------------------------------------------------------------------------


def certify(actor, apprentice, **overrides):
    data = {
        "level": SkillLevel.SENIOR,
        "occupation": "数控车工",
        "number": "S2025-3710-0042",
        "issuer": "威海市职业技能鉴定中心",
        "issued_on": date(2025, 6, 20),
        "upload": None,
    }
    return certificate_add(actor=actor, apprentice=apprentice, **{**data, **overrides})


def test_a_certificate_is_kept_with_its_number_key(hannah, tenure):
    apprentice = add(hannah, tenure)

    certificate = certify(hannah, apprentice, upload=Upload(name="证书.pdf", content=PDF_BYTES))

    assert (
        certificate.number,
        certificate.number_key,
        certificate.get_level_display(),
        certificate.file_name,
    ) == (
        "S2025-3710-0042",
        "S202537100042",
        "高级工（三级）",
        "证书.pdf",
    )


def test_the_same_certificate_number_twice_on_one_apprentice_is_refused(hannah, tenure):
    apprentice = add(hannah, tenure)
    certify(hannah, apprentice)

    with pytest.raises(DomainError) as excinfo:
        certify(hannah, apprentice, number="s2025 3710 0042")

    assert errors_of(excinfo) == {
        "number": [
            "证书编号S2025-3710-0042已登记在张小明名下：高级工（三级），2025年6月20日发证，不能重复登记。"
        ]
    }
    assert ApprenticeCertificate.objects.count() == 1


def test_a_certificate_issued_after_today_or_without_a_level_is_refused(hannah, tenure):
    apprentice = add(hannah, tenure)
    tomorrow = TODAY + timedelta(days=1)

    with pytest.raises(DomainError) as excinfo:
        certify(hannah, apprentice, level=None, issued_on=tomorrow, issuer="")

    assert errors_of(excinfo) == {
        "level": ["请选择证书等级。"],
        "issuer": ["请填写发证机构。"],
        "issued_on": [f"发证日期（{tomorrow.year}年{tomorrow.month}月{tomorrow.day}日）不能晚于今天。"],
    }


# --- Removal ----------------------------------------------------------------------------------------------


def test_entries_are_removed_while_no_review_holds_them(hannah, tenure, pdf):
    apprentice = add(hannah, tenure)
    agreement = agreement_add(actor=hannah, apprentice=apprentice, signed_on=date(2025, 1, 5), upload=pdf)
    certificate = certify(hannah, apprentice)
    make_annual_review(tenure, state="pending")

    certificate_remove(actor=hannah, certificate=certificate)
    agreement_remove(actor=hannah, agreement=agreement)
    apprentice_remove(actor=hannah, apprentice=apprentice)

    assert (
        Apprentice.objects.count(),
        MentorshipAgreement.objects.count(),
        ApprenticeCertificate.objects.count(),
    ) == (
        0,
        0,
        0,
    )
    assert list(
        AuditRecord.objects.filter(action__startswith="duties.")
        .order_by("pk")
        .values_list("action", flat=True)
    ) == [
        "duties.apprentice_add",
        "duties.agreement_add",
        "duties.certificate_add",
        "duties.certificate_remove",
        "duties.agreement_remove",
        "duties.apprentice_remove",
    ]


def test_removal_is_refused_once_the_review_covering_it_was_submitted(hannah, tenure):
    apprentice = make_apprentice(
        tenure, by=hannah, signed_on=date(2025, 1, 5), certificates=[(SkillLevel.SENIOR, date(2025, 6, 20))]
    )
    make_annual_review(tenure, state="submitted")

    with pytest.raises(DomainError) as excinfo:
        certificate_remove(actor=hannah, certificate=apprentice.certificates.get())
    with pytest.raises(DomainError) as whole:
        apprentice_remove(actor=hannah, apprentice=apprentice)

    assert excinfo.value.message == (
        "张小明的技能等级证书属于第1年度复核认定的材料（复核期间2024年12月27日至2025年12月26日，已报送待审），"
        "材料已报送人社局，不能删除。"
    )
    assert whole.value.code == "review_sent"
    assert (Apprentice.objects.count(), ApprenticeCertificate.objects.count()) == (1, 1)


def test_a_certificate_after_the_decided_period_is_still_removable(hannah, tenure):
    apprentice = make_apprentice(
        tenure, by=hannah, signed_on=date(2025, 1, 5), certificates=[(SkillLevel.SENIOR, date(2026, 1, 10))]
    )
    make_annual_review(tenure, state="passed")

    certificate_remove(actor=hannah, certificate=apprentice.certificates.get())

    assert ApprenticeCertificate.objects.count() == 0


def test_removing_twice_is_refused_the_second_time(hannah, tenure):
    apprentice = add(hannah, tenure)
    apprentice_remove(actor=hannah, apprentice=apprentice)

    with pytest.raises(DomainError) as excinfo:
        apprentice_remove(actor=hannah, apprentice=apprentice)

    assert excinfo.value.message == "该徒弟已从台账中删除。"
    assert AuditRecord.objects.filter(action="duties.apprentice_remove").count() == 1


def test_the_officer_and_another_holder_cannot_remove(hannah, harry, olivia, tenure):
    apprentice = add(hannah, tenure)

    for actor in (harry, olivia):
        with pytest.raises(PermissionDenied):
            apprentice_remove(actor=actor, apprentice=apprentice)
    assert Apprentice.objects.count() == 1
