"""A revocation case driven through its steps on fixed dates in March 2026 (the calendar's data covers them):
opened Monday 2 March (the holder's five working days end Monday 9 March), found on the 10th, endorsed at the
leadership's meeting of the 12th, approved by the government on the 18th (recorded on the 20th)."""

from datetime import date, datetime

from chieftech.certificates.domain import certificate_issue
from chieftech.duties.domain.files import Upload
from chieftech.revocation.domain.cases import (
    revocation_annulment_open,
    revocation_case_open,
    revocation_finding_record,
    revocation_government_decide,
    revocation_leadership_decide,
)
from chieftech.revocation.models import RevocationCase
from chieftech.tenure.models import AnnualReview
from tests.factories import PDF_BYTES, SHANGHAI, make_bank_account, make_payroll_batch, make_tenure

EVIDENCE = [Upload(name="核查报告.pdf", content=PDF_BYTES)]
OPENED = datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI)  # Monday: 5 working days → Monday 9 March
AFTER_DEADLINE = datetime(2026, 3, 10, 9, 0, tzinfo=SHANGHAI)
ENDORSED_AT = datetime(2026, 3, 13, 10, 0, tzinfo=SHANGHAI)
APPROVED_ON = date(2026, 3, 18)
APPROVED_AT = datetime(2026, 3, 20, 10, 0, tzinfo=SHANGHAI)
DOCUMENT_NUMBER = "威环政字〔2026〕15号"
# The annulment: opened 1 June 2026, found on the 2nd, endorsed at the meeting of the 4th, approved on the 9th.
REOPENED = datetime(2026, 6, 1, 9, 0, tzinfo=SHANGHAI)
REFOUND = datetime(2026, 6, 2, 9, 0, tzinfo=SHANGHAI)
REENDORSED = datetime(2026, 6, 5, 10, 0, tzinfo=SHANGHAI)
RESTORED = datetime(2026, 6, 10, 10, 0, tzinfo=SHANGHAI)
ANNULMENT_NUMBER = "威环政字〔2026〕30号"


def make_paid_tenure(enterprise_user, government, officer):
    """The 2024 cohort's term with a certificate, year 1 passed, an account, paid through May 2026."""
    tenure = make_tenure(enterprise_user, government, officer=officer, starts_on=date(2024, 12, 27))
    certificate_issue(actor=government, tenure=tenure, issued_on=date(2024, 12, 27))
    AnnualReview.objects.create(tenure=tenure, review_year=1, state=AnnualReview.State.PASSED)
    make_bank_account(tenure, number="6222021603001234567")
    months = [date(2025, m, 1) for m in range(1, 13)] + [date(2026, m, 1) for m in range(1, 6)]
    make_payroll_batch(officer, period=date(2026, 5, 1), lines=[(tenure, months)], state="completed")
    return tenure


def case_opened(tenure, olivia, **overrides) -> RevocationCase:
    values = {
        "grounds": ["3"],
        "facts": "申报所附市级技能大赛获奖证书经核查系伪造。",
        "files": EVIDENCE,
        "now": OPENED,
    }
    values.update(overrides)
    return revocation_case_open(actor=olivia, tenure=tenure, **values)


def case_found(tenure, olivia) -> RevocationCase:
    return revocation_finding_record(
        actor=olivia,
        case=case_opened(tenure, olivia),
        revoke=True,
        finding="证据确凿，拟取消资格。",
        files=[],
        now=AFTER_DEADLINE,
    )


def case_endorsed(tenure, olivia, leo) -> RevocationCase:
    return revocation_leadership_decide(
        actor=leo,
        case=case_found(tenure, olivia),
        approve=True,
        meeting_on=date(2026, 3, 12),
        minutes="区委人才工作领导小组2026年第2次会议纪要",
        reason="",
        files=[],
        now=ENDORSED_AT,
    )


def case_approved(tenure, olivia, leo, gina, *, number: str = DOCUMENT_NUMBER) -> RevocationCase:
    return revocation_government_decide(
        actor=gina,
        case=case_endorsed(tenure, olivia, leo),
        approve=True,
        document_number=number,
        approved_on=APPROVED_ON,
        reason="",
        files=EVIDENCE,
        now=APPROVED_AT,
    )


def case_annulled(revoked, olivia, leo, gina, *, approve: bool = True) -> RevocationCase:
    """The annulment of `revoked` through its three steps; refused by the government when not `approve`."""
    annulment = revocation_annulment_open(
        actor=olivia,
        case=revoked,
        facts="威海市人民政府行政复议决定书（威政复决字〔2026〕8号）撤销该取消资格决定。",
        files=EVIDENCE,
        now=REOPENED,
    )
    annulment = revocation_finding_record(
        actor=olivia, case=annulment, revoke=True, finding="依复议决定，应予撤销。", files=[], now=REFOUND
    )
    annulment = revocation_leadership_decide(
        actor=leo,
        case=annulment,
        approve=True,
        meeting_on=date(2026, 6, 4),
        minutes="区委人才工作领导小组2026年第5次会议纪要",
        reason="",
        files=[],
        now=REENDORSED,
    )
    return revocation_government_decide(
        actor=gina,
        case=annulment,
        approve=approve,
        document_number=ANNULMENT_NUMBER if approve else "",
        approved_on=date(2026, 6, 9) if approve else None,
        reason="" if approve else "复议决定尚未生效。",
        files=EVIDENCE if approve else [],
        now=RESTORED,
    )
