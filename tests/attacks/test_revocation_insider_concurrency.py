"""Two officers (or two clicks) at once on a revocation case (第十七条): two approvals of two cases with the same
document number, two cases opened on one term, one approval recorded twice, two annulments of one revocation and
the holder's statement sent twice each happen once; the other is refused in words, never with an error escaping.
Run on SQLite by default and on PostgreSQL with DATABASE_URL."""

import pytest

from chieftech.audit.models import AuditRecord
from chieftech.core.models import Notification
from chieftech.revocation.domain.cases import (
    revocation_annulment_open,
    revocation_case_open,
    revocation_government_decide,
    revocation_statement_submit,
)
from chieftech.revocation.models import RevocationCase
from chieftech.tenure.models import Tenure, TenureStatusEvent
from tests.attacks.test_review_insider_concurrency import at_once, otto
from tests.attacks.test_revocation_insider import tenure
from tests.attacks.test_revocation_insider_steps import IN_DEADLINE, REOPENED
from tests.factories import make_tenure
from tests.revocation.factories import (
    APPROVED_AT,
    APPROVED_ON,
    DOCUMENT_NUMBER,
    EVIDENCE,
    OPENED,
    case_approved,
    case_endorsed,
    case_opened,
)

__all__ = ["otto", "tenure"]


def approve(gina, case):
    return lambda: revocation_government_decide(
        actor=gina,
        case=case,
        approve=True,
        document_number=DOCUMENT_NUMBER,
        approved_on=APPROVED_ON,
        reason="",
        files=EVIDENCE,
        now=APPROVED_AT,
    )


@pytest.mark.django_db(transaction=True)
def test_two_approvals_with_the_same_document_number_at_once_approve_one_case(
    tenure, alice, olivia, leo, gina
):
    other = make_tenure(alice, gina, round_=tenure.application.round, name="李秀英")
    first, second = case_endorsed(tenure, olivia, leo), case_endorsed(other, olivia, leo)

    outcomes = at_once(approve(gina, first), approve(gina, second))

    assert outcomes == sorted(["done", f"文号{DOCUMENT_NUMBER}已用于另一案件，请核对。"])
    assert sorted(RevocationCase.objects.values_list("state", flat=True)) == ["approved", "endorsed"]
    assert sorted(Tenure.objects.values_list("status", flat=True)) == ["active", "revoked"]
    assert TenureStatusEvent.objects.filter(status="revoked").count() == 1
    assert AuditRecord.objects.filter(action="revocation.approved").count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_officers_opening_a_case_on_one_term_at_once_open_one(tenure, olivia, otto):
    def open_by(officer):
        return lambda: revocation_case_open(
            actor=officer, tenure=tenure, grounds=["3"], facts="伪造证书。", files=EVIDENCE, now=OPENED
        )

    outcomes = at_once(open_by(olivia), open_by(otto))

    assert outcomes == sorted(["done", "该首席技师已有正在办理的取消资格案件。"])
    assert RevocationCase.objects.count() == 1
    assert AuditRecord.objects.filter(action="revocation.open").count() == 1
    assert Notification.objects.filter(user=tenure.user).count() == 1


@pytest.mark.django_db(transaction=True)
def test_one_approval_recorded_twice_at_once_revokes_once(tenure, olivia, leo, gina):
    case = case_endorsed(tenure, olivia, leo)

    outcomes = at_once(approve(gina, case), approve(gina, case))

    assert outcomes.count("done") == 1
    [refusal] = [o for o in outcomes if o != "done"]
    assert refusal in (
        "取消资格案件当前为“政府已批准”，不能变更为“政府已批准”。",
        f"文号{DOCUMENT_NUMBER}已用于另一案件，请核对。",
    )
    assert TenureStatusEvent.objects.filter(status="revoked").count() == 1
    assert AuditRecord.objects.filter(action="revocation.approved").count() == 1
    assert (
        Notification.objects.filter(user=tenure.user, subject__endswith="首席技师资格已被取消").count() == 1
    )


@pytest.mark.django_db(transaction=True)
def test_two_officers_annulling_one_revocation_at_once_open_one_annulment(tenure, olivia, otto, leo, gina):
    revoked = case_approved(tenure, olivia, leo, gina)

    def annul_by(officer):
        return lambda: revocation_annulment_open(
            actor=officer, case=revoked, facts="复议决定撤销。", files=EVIDENCE, now=REOPENED
        )

    outcomes = at_once(annul_by(olivia), annul_by(otto))

    assert outcomes == sorted(["done", "该首席技师已有正在办理的案件。"])
    assert RevocationCase.objects.filter(kind="annul").count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_statement_sent_twice_at_once_is_kept_once(tenure, olivia):
    case = case_opened(tenure, olivia)

    def state(text):
        return lambda: revocation_statement_submit(
            actor=tenure.user, case=case, statement=text, files=[], now=IN_DEADLINE
        )

    outcomes = at_once(state("第一份意见。"), state("第二份意见。"))

    assert outcomes == sorted(["done", "陈述申辩已提交，不能重复提交。"])
    assert AuditRecord.objects.filter(action="revocation.statement").count() == 1
    assert RevocationCase.objects.get().statement in ("第一份意见。", "第二份意见。")
