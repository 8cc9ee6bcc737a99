"""Insiders writing markup into every free text of the ledger, the log, the employer's record, the support and
the liaison: every page shows it as text and the register's Excel keeps it as text; the apprentice's full ID
number and the liaison cadre's phone reach no page, file, notice or audit record, and the pages with the masked
ones are not cached."""

from datetime import date
from io import BytesIO

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from chieftech.audit.models import AuditRecord
from chieftech.core.models import Notification, OutboxMessage
from chieftech.duties.domain import ledger
from chieftech.duties.domain.duty_log import duty_activity_add
from chieftech.duties.domain.files import Upload
from chieftech.duties.domain.liaison import liaison_assign, liaison_contact_add
from chieftech.duties.domain.obligations import employer_record_save
from chieftech.duties.domain.support import support_record_add
from chieftech.duties.models import DutyKind, LiaisonContact, SupportKind
from chieftech.policy.models import SkillLevel
from chieftech.tenure.models import Tenure
from tests.duties import support_fixtures as fixtures
from tests.duties.support_fixtures import RECORD
from tests.factories import PDF_BYTES, make_id_number, make_tenure

tech1 = fixtures.tech1
wang = fixtures.wang

SCRIPT = '<script>alert("x")</script>'
APPRENTICE_ID = make_id_number(date(2001, 4, 12), serial=515)
PHONE = "13963112345"
PDF = Upload(name="证明.pdf", content=PDF_BYTES)


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def marked(wang, tech1, alice, bob, gina, olivia):
    """Every free text of 王建国's records carries markup; the same apprentice is claimed by a second holder
    (so the duplicates page lists them)."""
    apprentice = ledger.apprentice_add(
        actor=tech1,
        tenure=wang,
        name="孙" + SCRIPT,
        id_number=APPRENTICE_ID,
        occupation=SCRIPT,
        enterprise_name="区外" + SCRIPT,
    )
    ledger.certificate_add(
        actor=tech1,
        apprentice=apprentice,
        level=SkillLevel.SENIOR,
        occupation=SCRIPT,
        number="3706002025000123",
        issuer=SCRIPT,
        issued_on=date(2025, 6, 18),
        upload=PDF,
    )
    other = make_tenure(bob, gina, round_=wang.application.round, name="李秀英")
    other_tenure = Tenure.objects.get(pk=other.pk)
    ledger.apprentice_add(
        actor=bob,
        tenure=other_tenure,
        name="孙小明",
        id_number=APPRENTICE_ID,
        occupation="钳工",
        enterprise=other_tenure.enterprise,
    )
    duty_activity_add(
        actor=tech1,
        tenure=wang,
        kind=DutyKind.values[0],
        occurred_on=date(2025, 5, 1),
        title=SCRIPT,
        description=SCRIPT,
        upload=PDF,
    )
    employer_record_save(
        actor=alice,
        tenure=wang,
        year=2025,
        data={**RECORD, "medical_note": SCRIPT, "health_check_note": SCRIPT, "paid_leave_note": SCRIPT},
    )
    support_record_add(
        actor=olivia,
        tenure=wang,
        kind=SupportKind.values[0],
        occurred_on=date(2025, 4, 1),
        title=SCRIPT,
        department=SCRIPT,
        description=SCRIPT,
        upload=PDF,
    )
    assignment = liaison_assign(
        actor=olivia,
        tenure=wang,
        cadre_name="刘" + SCRIPT,
        cadre_post=SCRIPT,
        cadre_unit=SCRIPT,
        cadre_phone=PHONE,
        assigned_on=date(2025, 1, 6),
    )
    liaison_contact_add(
        actor=olivia,
        assignment=assignment,
        contacted_on=date(2025, 3, 1),
        mode=LiaisonContact.Mode.values[0],
        difficulties=SCRIPT,
        resolution=SCRIPT,
    )
    return wang


def pages(tenure) -> dict[str, tuple[str, str]]:
    return {
        "my_ledger": ("tech1", reverse("duties:my_ledger")),
        "my_log": ("tech1", reverse("duties:my_log")),
        "my_support": ("tech1", reverse("duties:my_support")),
        "holder_home": ("tech1", reverse("tenure:holder_home")),
        "ledger_enterprise": ("alice", reverse("duties:ledger", args=[tenure.pk])),
        "log_enterprise": ("alice", reverse("duties:log", args=[tenure.pk])),
        "employer_record": ("alice", reverse("duties:employer_record", args=[tenure.pk, 2025])),
        "support_enterprise": ("alice", reverse("duties:support", args=[tenure.pk])),
        "enterprise_tenure": ("alice", reverse("tenure:enterprise_tenure", args=[tenure.pk])),
        "ledger_officer": ("olivia", reverse("duties:ledger", args=[tenure.pk])),
        "log_officer": ("olivia", reverse("duties:log", args=[tenure.pk])),
        "duplicates": ("olivia", reverse("duties:duplicates")),
        "obligations": ("olivia", reverse("duties:obligations") + "?year=2025"),
        "support_officer": ("olivia", reverse("duties:support", args=[tenure.pk])),
        "liaison": ("olivia", reverse("duties:liaison", args=[tenure.pk])),
        "liaison_list": ("olivia", reverse("duties:liaison_list")),
        "tenure_list": ("olivia", reverse("tenure:tenure_list")),
        "tenure_detail": ("olivia", reverse("tenure:tenure_detail", args=[tenure.pk])),
    }


def fetched(request, tenure) -> dict:
    found = {}
    for name, (who, url) in pages(tenure).items():
        found[name] = logged_in(request.getfixturevalue(who)).get(url)
    return found


def test_markup_in_every_free_text_is_shown_as_text_on_every_page(request, marked):
    found = fetched(request, marked)

    shown = {name: (r.status_code, "<script>alert" in r.content.decode()) for name, r in found.items()}

    assert shown == dict.fromkeys(shown, (200, False))
    assert "&lt;script&gt;" in found["duplicates"].content.decode()
    assert "&lt;script&gt;" in found["liaison"].content.decode()


def test_the_registers_excel_keeps_the_markup_as_text_and_no_full_number(marked, olivia):
    xlsx = logged_in(olivia).get(reverse("tenure:register_export"))
    cells = [
        str(c.value)
        for row in load_workbook(BytesIO(b"".join(xlsx.streaming_content))).active.iter_rows()
        for c in row
    ]

    assert xlsx.status_code == 200
    assert [c for c in cells if c.startswith("=")] == []
    assert [c for c in cells if APPRENTICE_ID in c or PHONE in c] == []


def test_no_full_id_number_or_phone_reaches_a_page_a_notice_or_the_audit_log(request, marked):
    texts = [r.content.decode() for r in fetched(request, marked).values()]
    texts += [f"{n.subject} {n.body}" for n in Notification.objects.all()]
    texts += [str(vars(m)) for m in OutboxMessage.objects.all()]
    texts += [f"{r.object_repr} {r.reason} {r.before} {r.after}" for r in AuditRecord.objects.all()]

    leaks = {
        secret: [i for i, text in enumerate(texts) if secret in text] for secret in (APPRENTICE_ID, PHONE)
    }

    assert leaks == {APPRENTICE_ID: [], PHONE: []}


def test_the_pages_with_masked_numbers_are_not_kept_in_caches(request, marked):
    found = fetched(request, marked)

    cached = [
        name
        for name in (
            "my_ledger",
            "my_support",
            "ledger_enterprise",
            "ledger_officer",
            "duplicates",
            "liaison",
        )
        if "no-store" not in found[name].get("Cache-Control", "")
    ]

    assert cached == []
