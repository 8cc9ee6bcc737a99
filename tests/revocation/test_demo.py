"""`chieftech demo`, the revocation case: 曲志刚's forged award certificate, the case opened on 9 November 2026,
his statement, and the office's initial finding awaiting the leadership's 审定 — his certificate still 有效."""

from datetime import date

import pytest
from django.urls import reverse

from chieftech.audit.domain import audit_verify
from chieftech.certificates.models import Certificate
from chieftech.revocation.models import RevocationCase
from tests.demo_data import demo, demo_load  # noqa: F401 (the module's fixture, by name)

pytestmark = pytest.mark.usefixtures("demo")


def test_one_case_awaits_the_leaderships_decision():
    [case] = RevocationCase.objects.select_related("tenure__application", "statement_by", "found_by")
    assert (
        case.tenure.application.name,
        case.state,
        case.grounds,
        case.statement_deadline,
        case.statement_by.username,
        case.found_by.username,
        case.tenure.status,
    ) == ("曲志刚", "found", ["3"], date(2026, 11, 16), "tech1", "officer", "active")
    assert list(case.documents.values_list("step", flat=True)) == ["open", "finding"]


def test_his_certificate_still_verifies_as_valid_with_nothing_of_the_case(client):
    certificate = Certificate.objects.get(tenure__application__name="曲志刚")
    response = client.get(reverse("verify:verify", args=[certificate.verification_code]))

    assert (certificate.number, response.context["status"].label) == ("HCSJ-2024-001", "有效")
    assert "伪造" not in response.content.decode()


def test_the_audit_chains_hold():
    assert audit_verify().ok
