"""Certificate numbers in rank order, verification codes, and the status a verifier sees."""

from datetime import date, datetime

import pytest
from django.utils import timezone

from chieftech.certificates.domain import (
    CODE_ALPHABET,
    certificate_issue,
    certificate_status,
    verification_code_normalise,
)
from chieftech.certificates.models import Certificate
from chieftech.core.errors import DomainError
from chieftech.evaluation.models import Result
from chieftech.tenure.models import TenureStatus
from tests.certificates.factories import (
    APPROVED_ON,
    approve_staged,
    make_approval_stage_round,
    make_approved_round,
)
from tests.factories import SHANGHAI


def rank(applications, ranks: list[int]) -> None:
    """The committee's results with the given ranks (the scores are not what these tests are about)."""
    for application, position in zip(applications, ranks, strict=True):
        Result.objects.create(
            application=application,
            comprehensive=80,
            onsite=80,
            composite=90 - position,
            std_dev=1,
            spread=2,
            valid_sheets=5,
            rank=position,
            computed_at=timezone.now(),
        )


def test_numbers_follow_the_committees_rank_order(olivia, leo, gina, alice, bob):
    round_, proposed = make_approval_stage_round(olivia, [alice, bob], n=3)
    rank(proposed, [3, 1, 2])
    approve_staged(round_, leo, gina)

    numbers = dict(Certificate.objects.values_list("tenure__application_id", "number"))

    assert [numbers[a.pk] for a in proposed] == ["HCSJ-2026-003", "HCSJ-2026-001", "HCSJ-2026-002"]


def test_numbers_continue_within_a_prefix_and_year_and_restart_in_another_year(olivia, leo, gina, alice):
    make_approved_round(olivia, leo, gina, [alice], n=2, title="2026年度第一批次")
    make_approved_round(
        olivia,
        leo,
        gina,
        [alice],
        n=2,
        title="2026年度第二批次",
        confirmed=True,
        document_number="威环政字〔2026〕13号",
    )
    make_approved_round(
        olivia,
        leo,
        gina,
        [alice],
        n=1,
        title="2027年度批次",
        year=2027,
        confirmed=True,
        document_number="威环政字〔2026〕14号",
    )

    assert list(Certificate.objects.order_by("id").values_list("number", flat=True)) == [
        "HCSJ-2026-001",
        "HCSJ-2026-002",
        "HCSJ-2026-003",
        "HCSJ-2026-004",
        "HCSJ-2027-001",
    ]


def test_verification_codes_are_long_random_and_unique(olivia, leo, gina, alice, bob):
    make_approved_round(olivia, leo, gina, [alice, bob], n=5)

    codes = list(Certificate.objects.values_list("verification_code", flat=True))

    assert len(set(codes)) == 5
    assert all(len(code) == 12 and set(code) <= set(CODE_ALPHABET) for code in codes)
    assert not set(CODE_ALPHABET) & set("01ILO")


def test_a_typed_code_is_read_as_stored():
    assert verification_code_normalise(" abcd-efgh 2345 ") == "ABCDEFGH2345"


def test_a_certificate_is_issued_once(olivia, leo, gina, alice):
    _, proposed = make_approved_round(olivia, leo, gina, [alice], n=1)

    with pytest.raises(DomainError) as refused:
        certificate_issue(actor=gina, tenure=proposed[0].tenure, issued_on=APPROVED_ON)

    assert refused.value.message == "王建国的证书已经颁发，不能重复颁发。"
    assert Certificate.objects.count() == 1


# --- Status ---------------------------------------------------------------------------------------

TODAY = date(2027, 6, 1)


@pytest.fixture
def certificate(olivia, leo, gina, alice):
    _, proposed = make_approved_round(olivia, leo, gina, [alice], n=1)
    return proposed[0].tenure.certificate


def status_of(certificate, today=TODAY):
    certificate = Certificate.objects.select_related("tenure").get(pk=certificate.pk)
    status = certificate_status(certificate, today)
    return (status.key, status.label, status.css, status.note)


def set_tenure(certificate, **fields):
    tenure = certificate.tenure
    for name, value in fields.items():
        setattr(tenure, name, value)
    tenure.save(update_fields=list(fields))


def test_an_active_certificate_in_its_term_is_valid(certificate):
    assert status_of(certificate) == ("valid", "有效", "status-ok", "")
    assert status_of(certificate, date(2028, 12, 30)) == ("valid", "有效", "status-ok", "")


def test_suspended_benefits_keep_the_title(certificate):
    set_tenure(certificate, status=TenureStatus.SUSPENDED, status_since=date(2027, 4, 1))

    assert status_of(certificate) == (
        "suspended",
        "保留资格、停止待遇",
        "status-warn",
        "自2027年4月1日起保留首席技师资格，不再享受有关待遇。",
    )


def test_a_certificate_past_its_term_has_expired(certificate):
    assert status_of(certificate, date(2028, 12, 31)) == (
        "expired",
        "已期满",
        "status-bad",
        "管理期已于2028年12月30日届满。",
    )


def test_a_suspended_certificate_past_its_term_has_expired(certificate):
    set_tenure(certificate, status=TenureStatus.SUSPENDED, status_since=date(2027, 4, 1))

    assert status_of(certificate, date(2029, 1, 5))[:2] == ("expired", "已期满")


def test_a_tenure_marked_expired_has_expired(certificate):
    set_tenure(certificate, status=TenureStatus.EXPIRED, status_since=date(2028, 12, 31))

    assert status_of(certificate)[:2] == ("expired", "已期满")


def test_a_failed_re_review_ends_the_title(certificate):
    set_tenure(certificate, status=TenureStatus.NOT_RENEWED, status_since=date(2027, 12, 31))

    assert status_of(certificate, date(2028, 1, 10)) == (
        "expired",
        "复核未通过",
        "status-bad",
        "该同志未通过管理期年度复核认定，自2027年12月31日起不再保留首席技师称号，不再享受政府津贴。",
    )


def test_a_revoked_title_shows_revoked(certificate):
    set_tenure(certificate, status=TenureStatus.REVOKED, status_since=date(2027, 5, 20))

    assert status_of(certificate) == (
        "revoked",
        "已取消资格",
        "status-bad",
        "自2027年5月20日起取消资格，证书已收回。",
    )


def test_a_withdrawn_certificate_shows_revoked(certificate):
    certificate.withdrawn_at = datetime(2027, 5, 21, 0, 30, tzinfo=SHANGHAI)
    certificate.withdrawn_reason = "第17条（三）"
    certificate.save(update_fields=["withdrawn_at", "withdrawn_reason"])

    assert status_of(certificate) == (
        "revoked",
        "已取消资格",
        "status-bad",
        "自2027年5月21日起取消资格，证书已收回。",
    )
