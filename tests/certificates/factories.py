"""Rounds at the approval stage and after it, for the approval and certificate tests.

The notice is a plain ORM row (closed, as the notice stage leaves it) so these tests do not depend on how
the notice was run; the approvals go through the publicity domain's own functions.
"""

from datetime import date, datetime
from io import BytesIO

from django.utils import timezone
from reportlab.pdfgen.canvas import Canvas

from chieftech.publicity.domain.approval import government_approve, leadership_decide, roster_publish
from chieftech.publicity.models import LeadershipDecision, Notice, NoticeEntry
from chieftech.selection.domain.rounds import round_transition
from chieftech.selection.models import RoundState
from tests.evaluation.factories import AFTER_DEADLINE
from tests.factories import SHANGHAI
from tests.publicity.factories import make_notice_stage_round

NOTICE_STARTS = date(2026, 12, 21)
NOTICE_ENDS = date(2026, 12, 25)
MEETING = date(2026, 12, 29)
APPROVED_ON = date(2026, 12, 31)
DOCUMENT_NUMBER = "威环政字〔2026〕12号"
# After the government's approval, inside the first year of the terms.
AFTER_APPROVAL = datetime(2027, 1, 6, 10, 0, tzinfo=SHANGHAI)


def signed_pdf() -> bytes:
    """A real one-page PDF standing for the government's signed approval document."""
    buffer = BytesIO()
    canvas = Canvas(buffer)
    canvas.drawString(72, 720, "Approval document (signed)")
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


SIGNED = {"signed_name": "区政府批准文件.pdf", "signed_content": signed_pdf()}


def make_closed_notice(round_, applications) -> Notice:
    notice = Notice.objects.create(
        round=round_,
        policy=round_.policy,
        title=f"{round_.title}建议人选考察公示",
        body="现将建议人选予以公示。",
        starts_on=NOTICE_STARTS,
        ends_on=NOTICE_ENDS,
        working_days=round_.policy.notice_working_days,
        state=Notice.State.CLOSED,
        issued_by="威海市环翠区人力资源和社会保障局",
        published_at=timezone.now(),
    )
    NoticeEntry.objects.bulk_create(
        [NoticeEntry(notice=notice, application=a, order=i) for i, a in enumerate(applications, start=1)]
    )
    return notice


def make_approval_stage_round(officer, enterprise_users, *, n: int = 3, **fields):
    """A round whose notice has finished: in the approval state, its `n` candidates proposed."""
    round_, proposed = make_notice_stage_round(officer, enterprise_users, n=n, **fields)
    make_closed_notice(round_, proposed)
    round_transition(actor=officer, round_=round_, to_state=RoundState.APPROVAL, now=AFTER_DEADLINE)
    round_.refresh_from_db()
    return round_, proposed


def make_approved_round(
    officer,
    leader,
    government,
    enterprise_users,
    *,
    n: int = 3,
    publish: bool = True,
    document_number: str = DOCUMENT_NUMBER,
    **fields,
):
    """A round the leadership and government approved (and, by default, the officer published)."""
    round_, proposed = make_approval_stage_round(officer, enterprise_users, n=n, **fields)
    approve_staged(round_, leader, government, document_number=document_number)
    if publish:
        roster_publish(actor=officer, round_=round_, now=datetime(2027, 1, 4, 9, 0, tzinfo=SHANGHAI))
    round_.refresh_from_db()
    for application in proposed:
        application.refresh_from_db()
    return round_, proposed


def approve_staged(round_, leader, government, *, document_number: str = DOCUMENT_NUMBER):
    """The leadership approves and the government approves a round already at the approval stage."""
    leadership_decide(
        actor=leader,
        round_=round_,
        outcome=LeadershipDecision.Outcome.APPROVE,
        meeting_date=MEETING,
        minutes_reference="区委人才工作领导小组2026年第4次会议纪要",
        now=datetime(2026, 12, 29, 15, 0, tzinfo=SHANGHAI),
    )
    return government_approve(
        actor=government,
        round_=round_,
        document_number=document_number,
        approved_on=APPROVED_ON,
        now=datetime(2026, 12, 31, 16, 0, tzinfo=SHANGHAI),
        **SIGNED,
    )
