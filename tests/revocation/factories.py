"""A revocation case driven through its steps on fixed dates in March 2026 (the calendar's data covers them):
opened Monday 2 March (the holder's five working days end Monday 9 March), found on the 10th, endorsed at the
leadership's meeting of the 12th, approved by the government on the 18th (recorded on the 20th)."""

from datetime import date, datetime

from chieftech.duties.domain.files import Upload
from chieftech.revocation.domain.cases import (
    revocation_case_open,
    revocation_finding_record,
    revocation_government_decide,
    revocation_leadership_decide,
)
from chieftech.revocation.models import RevocationCase
from tests.factories import PDF_BYTES, SHANGHAI

EVIDENCE = [Upload(name="核查报告.pdf", content=PDF_BYTES)]
OPENED = datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI)  # Monday: 5 working days → Monday 9 March
AFTER_DEADLINE = datetime(2026, 3, 10, 9, 0, tzinfo=SHANGHAI)
ENDORSED_AT = datetime(2026, 3, 13, 10, 0, tzinfo=SHANGHAI)
APPROVED_ON = date(2026, 3, 18)
APPROVED_AT = datetime(2026, 3, 20, 10, 0, tzinfo=SHANGHAI)
DOCUMENT_NUMBER = "威环政字〔2026〕15号"


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
