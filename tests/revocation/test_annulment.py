"""An approved revocation annulled after administrative reconsideration (第十七条): the office opens the undoing,
the same three steps follow (finding, the leadership, the government), and on approval the term is back as it
was: its status and date, the certificate valid, the months the revocation stopped owed again — a recovery not
yet taken back is cancelled, a month already taken back is paid again by the next batch as 补发."""

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.urls import reverse

from chieftech.audit.models import AuditRecord
from chieftech.certificates.models import Certificate
from chieftech.core.errors import DomainError
from chieftech.core.models import Notification
from chieftech.revocation.domain.bar import fraud_bars
from chieftech.revocation.domain.cases import (
    revocation_annulment_open,
    revocation_certificate_returned,
)
from chieftech.revocation.models import RevocationCase
from chieftech.subsidy.domain.build import payroll_batch_build
from chieftech.subsidy.domain.entitlement import MonthState, entitlements_compute
from chieftech.subsidy.domain.recovery import recoveries_detect, recovery_refund
from chieftech.subsidy.models import PayrollMonth, Recovery
from chieftech.tenure.models import Tenure, TenureStatusEvent
from tests.factories import SHANGHAI, huancui
from tests.revocation.factories import (
    EVIDENCE,
    REOPENED,
    RESTORED,
    case_annulled,
    case_approved,
    make_paid_tenure,
)


@pytest.fixture
def tenure(alice, gina, olivia):
    """Paid through May 2026, revoked below from 18 March 2026."""
    return make_paid_tenure(alice, gina, olivia)


@pytest.fixture
def revoked(tenure, olivia, leo, gina):
    return case_approved(tenure, olivia, leo, gina)


def test_the_revocation_stopped_april_and_may_and_they_became_recoveries(revoked):
    assert sorted(Recovery.objects.values_list("month", "state")) == [
        (date(2026, 4, 1), "open"),
        (date(2026, 5, 1), "open"),
    ]


def test_an_approved_annulment_restores_the_term_the_certificate_and_tells_the_holder(
    tenure, revoked, olivia, leo, gina
):
    annulment = case_annulled(revoked, olivia, leo, gina)

    assert (annulment.kind, annulment.state, annulment.annuls_id) == ("annul", "approved", revoked.pk)
    saved = Tenure.objects.get(pk=tenure.pk)
    assert (saved.status, saved.status_since) == ("active", date(2024, 12, 27))
    event = TenureStatusEvent.objects.get(tenure=tenure, status="revoked")
    assert event.annulled_reason == "依威环政字〔2026〕30号撤销威环政字〔2026〕15号取消资格决定"
    certificate = Certificate.objects.get(tenure=tenure)
    assert (certificate.withdrawn_at, certificate.withdrawn_reason) == (None, "")
    assert Notification.objects.filter(
        user__enterprise=tenure.enterprise, subject__endswith="首席技师资格已恢复"
    )
    assert list(
        AuditRecord.objects.filter(object_id=str(annulment.pk), action__startswith="revocation.")
        .values_list("action", flat=True)
        .order_by("pk")
    ) == [
        "revocation.annulment_open",
        "revocation.annulment_finding",
        "revocation.annulment_endorsed",
        "revocation.annulment_approved",
    ]
    assert (
        AuditRecord.objects.filter(action="tenure.revocation_annulled", object_id=str(tenure.pk)).count() == 1
    )


def test_the_months_owed_are_paid_again_as_arrears_and_a_recovery_not_taken_back_is_cancelled(
    tenure, revoked, olivia, leo, gina
):
    april = Recovery.objects.get(month=date(2026, 4, 1))
    recovery_refund(
        actor=olivia,
        recovery=april,
        refunded_on=date(2026, 5, 20),
        reference="非税缴款书0045678",
        now=datetime(2026, 5, 20, 10, 0, tzinfo=SHANGHAI),
    )

    case_annulled(revoked, olivia, leo, gina)

    months = entitlements_compute(tenures=[Tenure.objects.select_related("policy").get(pk=tenure.pk)])[
        tenure.pk
    ].months
    assert {m.month: m.state for m in months if m.month.year == 2026 and m.month.month in (4, 5)} == {
        date(2026, 4, 1): MonthState.PAYABLE,
        date(2026, 5, 1): MonthState.PAYABLE,
    }
    # May's money was never taken back: its recovery is cancelled and the payment stands.
    assert Recovery.objects.get(month=date(2026, 5, 1)).state == "cancelled"
    # April's was refunded: the month is owed again and June's batch pays it beside June, as 补发.
    assert Recovery.objects.get(month=date(2026, 4, 1)).state == "refunded"
    batch = payroll_batch_build(
        actor=olivia,
        authority=huancui(),
        period_start=date(2026, 6, 1),
        now=datetime(2026, 6, 20, 10, 0, tzinfo=SHANGHAI),
    )
    line = batch.lines.get(tenure=tenure)
    assert sorted(line.months.values_list("month", "kind")) == [
        (date(2026, 4, 1), "arrears"),
        (date(2026, 6, 1), "regular"),
    ]
    assert (line.gross, line.offset) == (Decimal("1000.00"), Decimal("0.00"))
    # Never twice: one live payment of each month.
    assert PayrollMonth.objects.filter(tenure=tenure, month=date(2026, 4, 1), live=True).count() == 1


def test_an_annulment_refused_at_any_step_leaves_the_revocation_standing(tenure, revoked, olivia, leo, gina):
    closed = case_annulled(revoked, olivia, leo, gina, approve=False)

    assert closed.state == "closed"
    assert Tenure.objects.get(pk=tenure.pk).status == "revoked"
    assert Recovery.objects.filter(state="open").count() == 2
    # A second attempt may follow (a court's judgment), and then restores the term.
    _annulled_again = case_annulled(revoked, olivia, leo, gina)
    assert Tenure.objects.get(pk=tenure.pk).status == "active"
    assert _annulled_again.pk != closed.pk


def test_only_an_approved_revocation_is_annulled_once_by_the_office(tenure, revoked, olivia, leo, gina):
    with pytest.raises(PermissionDenied):
        revocation_annulment_open(actor=leo, case=revoked, facts="复议。", files=EVIDENCE, now=REOPENED)
    with pytest.raises(DomainError) as missing:
        revocation_annulment_open(actor=olivia, case=revoked, facts=" ", files=[], now=REOPENED)
    assert missing.value.message_dict == {"facts": ["请写明撤销的事实与依据（行政复议决定或判决）。"]}

    annulment = case_annulled(revoked, olivia, leo, gina)

    with pytest.raises(DomainError, match="只有经政府批准的取消资格决定可以撤销"):
        revocation_annulment_open(
            actor=olivia, case=annulment, facts="再撤销。", files=EVIDENCE, now=RESTORED
        )
    with pytest.raises(DomainError, match="该取消资格决定已经撤销"):
        revocation_annulment_open(
            actor=olivia, case=revoked, facts="再次撤销。", files=EVIDENCE, now=RESTORED
        )
    with pytest.raises(DomainError, match="经政府批准后方可登记证书收回"):
        revocation_certificate_returned(actor=olivia, case=annulment, returned_on=date(2026, 6, 10), note="")


def test_two_live_annulments_of_one_revocation_are_refused_by_the_database(tenure, revoked, olivia):
    revocation_annulment_open(actor=olivia, case=revoked, facts="复议。", files=EVIDENCE, now=REOPENED)
    with pytest.raises(IntegrityError), transaction.atomic():
        RevocationCase.objects.create(
            authority_id=revoked.authority_id,
            tenure_id=revoked.tenure_id,
            policy_id=revoked.policy_id,
            kind="annul",
            annuls=revoked,
            state="approved",
            facts="x",
            opened_by=olivia,
            opened_at=REOPENED,
        )


def test_an_annulled_fraud_revocation_bars_nobody(tenure, revoked, olivia, leo, gina):
    bars = {
        "id_hash": tenure.application.id_hash,
        "authority_id": tenure.authority_id,
        "on": date(2026, 6, 1),
    }
    assert fraud_bars(**bars)
    case_annulled(revoked, olivia, leo, gina)
    assert not fraud_bars(**bars)


def test_verification_says_valid_again_on_the_next_request_after_the_annulment(
    client, olivia, leo, gina, alice, bob
):
    from tests.certificates.factories import make_approved_round

    _, proposed = make_approved_round(olivia, leo, gina, [alice, bob], n=3)
    certificate = Certificate.objects.get(tenure__application=proposed[0])
    Tenure.objects.filter(pk=certificate.tenure_id).update(
        starts_on=date(2024, 12, 27), ends_on=date(2026, 12, 26), status_since=date(2024, 12, 27)
    )
    url = reverse("verify:verify", args=[certificate.verification_code])
    revoked = case_approved(certificate.tenure, olivia, leo, gina)
    assert client.get(url).context["status"].label == "已取消资格"

    case_annulled(revoked, olivia, leo, gina)

    response = client.get(url)
    assert response.context["status"].label == "有效"
    assert "取消资格" not in response.content.decode()


def test_a_month_whose_recovery_was_cancelled_is_recovered_again_when_a_later_stop_takes_it(
    tenure, revoked, olivia, leo, gina
):
    case_annulled(revoked, olivia, leo, gina)
    assert set(Recovery.objects.values_list("state", flat=True)) == {"cancelled"}

    # A second revocation, effective before the months the first one stopped (a later-found fraud).
    Tenure.objects.filter(pk=tenure.pk).update(status_since=date(2024, 12, 27))
    TenureStatusEvent.objects.create(
        tenure=tenure,
        from_status="active",
        status="revoked",
        effective_on=date(2026, 3, 31),
        recorded_at=RESTORED,
    )
    reopened = recoveries_detect(tenures=[tenure], now=RESTORED)

    assert sorted((r.month, r.state) for r in reopened) == [
        (date(2026, 4, 1), "open"),
        (date(2026, 5, 1), "open"),
    ]
    assert Recovery.objects.filter(state="open").count() == 2 and Recovery.objects.count() == 2
