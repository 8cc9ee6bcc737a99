"""`chieftech demo`, the notice and approval stages: the completed 2024 round with its published roster and
verifiable certificates, a notice running today with two objections, a list awaiting the leadership — and
not one ID number, phone, bank account or street address on any public page.

The demo is loaded once for the module (it runs every step through the domain functions, which takes a
while) inside a transaction rolled back at the end; each test runs in a savepoint inside it.
"""

import importlib.util
import re
from datetime import date, timedelta

import pytest
from django.db import transaction
from django.test import override_settings
from django.utils import timezone
from django.utils.module_loading import import_string
from lxml import html

from chieftech.accounts.models import Enterprise, User
from chieftech.audit.models import AuditRecord
from chieftech.certificates.models import Certificate
from chieftech.evaluation.models import Expert
from chieftech.policy.calendar import CalendarDataMissing, WorkingCalendar
from chieftech.policy.domain import policy_in_force
from chieftech.policy.models import Town
from chieftech.publicity.demo import (
    APPROVAL_STAGE_TITLE,
    NOTICE_STAGE_TITLE,
    REAL_TITLE,
)
from chieftech.publicity.domain.notice import notice_is_running, notice_period
from chieftech.publicity.models import GovernmentApproval, LeadershipDecision, Notice, Objection
from chieftech.selection.models import Application, ApplicationState, Round, RoundState
from chieftech.tenure.models import BankAccount, Tenure, TenureStatus
from tests.factories import huancui

PASSWORD = "ChiefTech-demo-2026"
LOADERS = [
    "chieftech.accounts.demo.load_demo",
    "chieftech.selection.demo.load_demo",
    # The evaluation stage's demo runs before this one when it exists: the committee reuses its experts.
    *(
        ["chieftech.evaluation.demo.load_demo"]
        if importlib.util.find_spec("chieftech.evaluation.demo") is not None
        else []
    ),
    "chieftech.publicity.demo.load_demo",
]
ROSTER = [
    ("曲志刚", "HCSJ-2024-001"),
    ("于海燕", "HCSJ-2024-002"),
    ("宋建军", "HCSJ-2024-003"),
    ("林晓红", "HCSJ-2024-004"),
    ("鞠文涛", "HCSJ-2024-005"),
]


def _load_all() -> None:
    for path in LOADERS:
        import_string(path)(password=PASSWORD)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), override_settings(DEMO_MODE=True), transaction.atomic():
        _load_all()
        yield
        transaction.set_rollback(True)


def _notice_stage_possible() -> bool:
    """Whether today's notice-stage round could be built: its period must lie in years the calendar knows."""
    today = timezone.localdate()
    try:
        calendar, day, counted = WorkingCalendar(), today, 0
        while counted < 2:
            day -= timedelta(days=1)
            counted += calendar.is_working_day(day)
        notice_period(starts_on=day, policy=policy_in_force(authority=huancui(), on=today))
    except CalendarDataMissing:
        return False
    return True


# --- The completed 2024 round ---------------------------------------------------------------------


def test_the_2024_round_went_all_the_way_to_the_published_roster(demo):
    round_ = Round.objects.get(title=REAL_TITLE)
    approval = GovernmentApproval.objects.get(round=round_)
    decision = LeadershipDecision.objects.get(round=round_)

    assert (round_.year, round_.is_demo, round_.state) == (2024, False, RoundState.PUBLISHED)
    assert Notice.objects.get(round=round_).state == Notice.State.CLOSED
    assert (decision.outcome, decision.meeting_date) == ("approve", date(2024, 12, 10))
    assert (approval.document_number, approval.approved_on) == ("威环政字〔2024〕18号", date(2024, 12, 27))
    assert timezone.localdate(approval.published_at) == date(2024, 12, 30)
    states = sorted(Application.objects.filter(round=round_).values_list("state", flat=True))
    assert states == ["approved"] * 5 + ["not_proposed", "not_qualified"]


def test_the_five_chief_technicians_hold_their_terms_and_certificates(demo):
    tenures = list(
        Tenure.objects.filter(application__round__title=REAL_TITLE)
        .select_related("application", "certificate")
        .order_by("certificate__number")
    )

    assert [(t.application.name, t.certificate.number) for t in tenures] == ROSTER
    assert {(t.starts_on, t.ends_on, t.status) for t in tenures} == {
        (date(2024, 12, 27), date(2026, 12, 26), TenureStatus.ACTIVE)
    }
    assert [(t.showcase_consent, bool(t.photo), bool(t.showcase_summary)) for t in tenures] == [
        (True, True, True),
        (True, True, True),
        (True, False, True),
        (False, False, False),
        (False, False, False),
    ]
    assert [t.bank_accounts.filter(state="confirmed").count() for t in tenures] == [1, 1, 1, 1, 1]
    assert all(len(t.certificate.verification_code) >= 10 for t in tenures)


def test_each_step_was_taken_by_its_role_through_the_audited_domain_functions(demo):
    round_ = Round.objects.get(title=REAL_TITLE)
    actors = dict(
        AuditRecord.objects.filter(
            action__in=["leadership.decide", "government.approve", "roster.publish", "notice.publish"],
            object_id__in=[
                str(LeadershipDecision.objects.get(round=round_).pk),
                str(GovernmentApproval.objects.get(round=round_).pk),
                str(Notice.objects.get(round=round_).pk),
            ],
        ).values_list("action", "actor_username")
    )

    assert actors == {
        "notice.publish": "officer",
        "leadership.decide": "leader",
        "government.approve": "gov",
        "roster.publish": "officer",
    }
    assert AuditRecord.objects.filter(action="certificate.issue", actor_username="gov").count() == 5
    assert AuditRecord.objects.filter(action="tenure.showcase_consent", actor_username="officer").count() == 3


def test_the_roster_links_each_certificate_number_to_its_verification_page(demo, client):
    response = client.get("/roster/")

    assert response.status_code == 200
    page = html.fromstring(response.content.decode())
    rows = page.xpath('//table[@id="roster"]/tbody/tr')
    assert [(r.xpath("./td[1]")[0].text_content(), r.xpath(".//a")[0].text_content()) for r in rows] == ROSTER
    links = [r.xpath(".//a/@href")[0] for r in rows]
    assert all(re.fullmatch(r"/verify/[2-9A-HJ-NP-Z]{10,}/", link) for link in links)
    today = timezone.localdate()
    for (name, number), link in zip(ROSTER, links, strict=True):
        verified = client.get(link)
        assert verified.status_code == 200
        badge = html.fromstring(verified.content.decode()).xpath('//p[@id="verify-status"]')[0].text_content()
        ends_on = Certificate.objects.get(number=number).tenure.ends_on
        # The 2024 terms end on 2026-12-26; from then on the same page says the term is over.
        assert badge == ("有效" if today <= ends_on else "已期满")
        facts = verified.content.decode()
        assert name in facts
        assert number in facts


# --- The two demo rounds of this year ---------------------------------------------------------------


def test_the_notice_stage_round_runs_today_with_one_objection_pending_and_one_handled(demo, client):
    if not _notice_stage_possible():
        pytest.skip("the notice period would need a year the working-day calendar does not know")
    round_ = Round.objects.get(title=NOTICE_STAGE_TITLE)
    notice = Notice.objects.get(round=round_)
    objections = list(Objection.objects.filter(notice=notice).order_by("submitted_at"))

    assert (round_.is_demo, round_.state) == (True, RoundState.NOTICE)
    assert notice.state == Notice.State.PUBLISHED
    assert notice.starts_on < timezone.localdate() <= notice.ends_on
    assert notice_is_running(notice)
    assert notice.entries.count() == 5
    assert [o.state for o in objections] == [Objection.State.NOT_UPHELD, Objection.State.RECEIVED]
    assert objections[0].public_reply.startswith("经调阅项目立项书")
    assert objections[1].public_reply == ""
    page = client.get(f"/publicity/{notice.pk}/").content.decode()
    assert "公示中" in page


def test_the_approval_stage_round_awaits_the_leadership(demo):
    round_ = Round.objects.get(title=APPROVAL_STAGE_TITLE)
    notice = Notice.objects.get(round=round_)

    assert (round_.is_demo, round_.state) == (True, RoundState.APPROVAL)
    assert notice.state == Notice.State.CLOSED
    assert notice.ends_on < timezone.localdate()
    assert not LeadershipDecision.objects.filter(round=round_).exists()
    assert Application.objects.filter(round=round_, state=ApplicationState.PROPOSED).count() == 5


def test_the_committees_reuse_the_expert_pool_entries_of_the_demo_logins(demo):
    usernames = sorted(Expert.objects.values_list("user__username", flat=True))

    assert usernames == ["chair", *(f"expert{n}" for n in range(1, 7))]


def test_a_second_run_writes_nothing(demo):
    hashes = list(AuditRecord.objects.order_by("pk").values_list("hash", flat=True))
    counts = (
        Round.objects.count(),
        Application.objects.count(),
        Objection.objects.count(),
        Tenure.objects.count(),
    )

    _load_all()

    assert list(AuditRecord.objects.order_by("pk").values_list("hash", flat=True)) == hashes
    assert (
        Round.objects.count(),
        Application.objects.count(),
        Objection.objects.count(),
        Tenure.objects.count(),
    ) == counts


# --- The leak test -----------------------------------------------------------------------------------


def _secrets() -> dict[str, str]:
    """Every personal number and street address the demo holds, read back from the database (the
    encrypted fields decrypted), with what it is for the failure message."""
    found: dict[str, str] = {}

    def add(value: str | None, what: str) -> None:
        if value:
            found[value] = what

    for a in Application.objects.all():
        add(a.id_number, f"ID number of applicant {a.name}")
        add(a.phone, f"phone of applicant {a.name}")
    for o in Objection.objects.all():
        add(o.phone, f"phone of objector {o.name}")
        add(o.name, "name of an objector")
    for e in Expert.objects.all():
        add(e.phone, f"phone of expert {e.name}")
    for u in User.objects.all():
        add(u.phone, f"phone of user {u.username}")
    for account in BankAccount.objects.select_related("tenure__application"):
        add(account.number, f"bank account of {account.tenure.application.name}")
    towns = list(Town.objects.values_list("name", flat=True))
    for e in Enterprise.objects.all():
        add(e.contact_phone, f"contact phone of {e.name}")
        add(e.address, f"address of {e.name}")
        street = e.address
        for town in towns:
            street = street.split(town, 1)[-1]
        add(street, f"street address of {e.name}")
    return found


def _public_urls() -> list[str]:
    from chieftech.portal.selectors import calls_public

    urls = ["/", "/calls/", "/publicity/", "/roster/", "/verify/", "/showcase/"]
    urls += [f"/calls/{pk}/" for pk in calls_public().values_list("pk", flat=True)]
    notices = Notice.objects.filter(state__in=[Notice.State.PUBLISHED, Notice.State.CLOSED])
    for pk in notices.values_list("pk", flat=True):
        urls += [f"/publicity/{pk}/", f"/publicity/{pk}/objection/"]
    urls += [
        f"/publicity/receipt/?code={code}"
        for code in Objection.objects.values_list("receipt_code", flat=True)
    ]
    urls += [f"/verify/{code}/" for code in Certificate.objects.values_list("verification_code", flat=True)]
    return urls


def test_no_public_page_shows_an_id_number_phone_bank_account_or_street_address(demo, client):
    secrets = _secrets()
    urls = _public_urls()
    # The data that must not leak exists: every kind of it.
    kinds = {what.split(" of ")[0] for what in secrets.values()}
    assert kinds == {
        "ID number", "phone", "bank account", "contact phone", "address", "street address", "name",
    }  # fmt: skip
    assert Objection.objects.count() == 2
    assert len([u for u in urls if u.startswith("/verify/") and u != "/verify/"]) == 5

    leaks = []
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        page = response.content.decode()
        # Also with the spaces and hyphens a formatter might put inside a number taken out.
        squeezed = re.sub(r"[\s\-]", "", page)
        leaks += [(url, what) for value, what in secrets.items() if value in page or value in squeezed]

    assert leaks == []
