"""Chief technicians, notices and published rosters for the portal tests, written with plain ORM rows.

The approval functions of the publicity stage are not used here, so these tests show only what the portal
does with whatever the approval stage left behind.
"""

import itertools
import secrets
from datetime import date, datetime, timedelta

from django.utils import timezone

from chieftech.certificates.models import Certificate
from chieftech.publicity.models import GovernmentApproval, Notice
from chieftech.selection.models import Application, ApplicationState, Round, RoundState
from chieftech.tenure.models import Tenure, TenureStatus
from tests.factories import SHANGHAI, make_application, make_bank_account, make_id_number, make_round

_serial = itertools.count(101)
TERM_START = date(2027, 2, 1)
TERM_END = date(2029, 1, 31)
BANK_ACCOUNT = "6222 0216 0200 8765 {:03d}"
STREET = "环翠区文化西路{}号院3单元502室"


def round_publish(officer, round_: Round, *, published_at: datetime | None = None) -> Round:
    """Take a round whose chief technicians were made to `published`, with its government approval."""
    published_at = published_at or datetime(2027, 2, 3, 10, 0, tzinfo=SHANGHAI)
    Round.objects.filter(pk=round_.pk).update(state=RoundState.PUBLISHED)
    GovernmentApproval.objects.create(
        round=round_,
        document_number=f"威环政字〔{round_.year + 1}〕{round_.pk}号",
        approved_on=TERM_START,
        recorded_by=officer,
        recorded_at=published_at - timedelta(days=2),
        published_at=published_at,
    )
    round_.refresh_from_db()
    return round_


def chief_round(officer, *, title: str = "2026年度环翠区首席技师选拔") -> Round:
    """A round still open for applications: make its chief technicians, then `round_publish` it."""
    return make_round(officer, title=title, confirmed=True)


def make_chief(
    officer,
    enterprise_user,
    round_: Round,
    *,
    name: str,
    occupation: str = "数控车工",
    consent: bool = True,
    summary: str = "扎根一线二十年，带徒十余人，主持数控工艺革新多项。",
    status: str = TenureStatus.ACTIVE,
    certificate: bool = True,
) -> Tenure:
    """An approved application of `enterprise_user`'s enterprise in `round_`, its tenure and certificate.

    Every sensitive value is distinct per person (ID number, phone, bank account), so a leak test can look
    for each one.
    """
    serial = next(_serial)
    application = make_application(
        enterprise_user,
        round_,
        name=name,
        occupation=occupation,
        id_number=make_id_number(date(1980, 5, 17), serial=serial),
        phone=f"1396311{serial:04d}",
    )
    Application.objects.filter(pk=application.pk).update(state=ApplicationState.APPROVED)
    tenure = Tenure.objects.create(
        authority=round_.authority,
        application=application,
        policy=round_.policy,
        enterprise=application.enterprise,
        starts_on=TERM_START,
        ends_on=TERM_END,
        status=status,
        status_since=TERM_START,
        showcase_consent=consent,
        showcase_consent_at=timezone.now() if consent else None,
        showcase_summary=summary,
    )
    make_bank_account(tenure, number=BANK_ACCOUNT.format(serial), bank="中国工商银行", branch="威海环翠支行")
    if certificate:
        Certificate.objects.create(
            tenure=tenure,
            number=f"HCSJ-{round_.year}-{serial:03d}",
            verification_code=secrets.token_hex(6).upper(),
            issued_on=TERM_START,
            issued_by=officer,
        )
    return tenure


def make_current_notice(officer, *, title: str, today: date | None = None) -> Notice:
    """A published notice of a round of its own whose period runs over today."""
    today = today or timezone.localdate()
    round_ = make_round(officer, title=title, confirmed=True)
    Round.objects.filter(pk=round_.pk).update(state=RoundState.NOTICE)
    return Notice.objects.create(
        round=round_,
        policy=round_.policy,
        title=f"关于{title}拟认定人选的公示",
        body="现将拟认定人选予以公示。",
        starts_on=today - timedelta(days=2),
        ends_on=today + timedelta(days=5),
        working_days=5,
        state=Notice.State.PUBLISHED,
        issued_by="环翠区人力资源和社会保障局",
        published_at=timezone.now() - timedelta(days=2),
    )
