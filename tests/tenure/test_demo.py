"""`chieftech demo`, the management period: the 2024 cohort's two years — a transfer, a suspension, a term not
renewed after the year-1 re-review, three holders with their own logins, the end-of-term reminders sent, and a
report and a bank account waiting for the officer.

Loaded once for the module, with the clock at 5 December 2026 (three weeks before the end of the term), inside
a transaction rolled back at the end.
"""

from datetime import date, datetime

import pytest
from django.db import transaction
from django.test import override_settings
from django.urls import reverse
from django.utils.module_loading import import_string

from chieftech.accounts.models import User
from chieftech.audit.models import AuditRecord
from chieftech.core.models import Notification
from chieftech.tenure.demo import load_demo
from chieftech.tenure.models import BankAccount, StatusChange, Tenure, TenureStatus
from tests.factories import SHANGHAI

PASSWORD = "ChiefTech-demo-2026"
NOW = datetime(2026, 12, 5, 9, 0, tzinfo=SHANGHAI)
LOADERS = [
    "chieftech.accounts.demo.load_demo",
    "chieftech.selection.demo.load_demo",
    "chieftech.evaluation.demo.load_demo",
    "chieftech.publicity.demo.load_demo",
]


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), override_settings(DEMO_MODE=True), transaction.atomic():
        for path in LOADERS:
            import_string(path)(password=PASSWORD)
        load_demo(password=PASSWORD, now=NOW)
        yield
        transaction.set_rollback(True)


def cohort() -> dict[str, Tenure]:
    tenures = Tenure.objects.filter(application__round__year=2024).select_related(
        "application", "enterprise", "user"
    )
    return {t.application.name: t for t in tenures}


def test_the_cohort_lived_its_two_years(demo):
    people = cohort()
    assert {
        name: (t.status, t.status_since, t.enterprise.name, t.user.username if t.user else "")
        for name, t in people.items()
    } == {
        "曲志刚": ("active", date(2024, 12, 27), "威海翠丰精密机械有限公司", "tech1"),
        "于海燕": ("active", date(2024, 12, 27), "威海鑫材新材料科技有限公司", "tech2"),
        "宋建军": ("suspended", date(2025, 6, 16), "威海嵩海电子科技有限公司", ""),
        "林晓红": ("active", date(2024, 12, 27), "威海蓝湾海洋科技有限公司", "tech3"),
        # Not renewed by the officer's decision on the year-1 re-review (chieftech.review.demo).
        "鞠文涛": ("not_renewed", date(2025, 12, 23), "威海鑫材新材料科技有限公司", ""),
    }
    assert {t.ends_on for t in people.values()} == {date(2026, 12, 26)}
    assert list(people["于海燕"].employments.values_list("enterprise__name", "starts_on", "ends_on")) == [
        ("威海安泰医疗器械有限公司", date(2024, 12, 27), date(2025, 3, 31)),
        ("威海鑫材新材料科技有限公司", date(2025, 4, 1), None),
    ]
    changes = StatusChange.objects.filter(tenure__application__round__year=2024).order_by("effective_on")
    assert [
        (c.tenure.application.name, c.kind, c.state, c.effective_on, c.reported_by.username) for c in changes
    ] == [
        ("于海燕", "transfer_in_district", "confirmed", date(2025, 4, 1), "ent2"),
        ("宋建军", "left_skill_post", "confirmed", date(2025, 6, 16), "ent3"),
        ("林晓红", "other", "reported", date(2026, 11, 2), "tech3"),
    ]
    assert all(c.evidence.count() == 1 for c in changes)


def test_both_end_of_term_reminders_went_out_on_their_days(demo, client):
    people = cohort()
    for name, tenure in people.items():
        reminders = list(
            tenure.term_end_reminders.order_by("-days_before").values_list("days_before", "outcome")
        )
        # 鞠文涛's term ended a year early (not renewed): no end of term to announce.
        assert reminders == ([] if name == "鞠文涛" else [(60, "sent"), (30, "sent")]), name
    assert Notification.objects.filter(user__username="tech1", subject__contains="届满").count() == 2
    assert (
        Notification.objects.filter(user__username="officer", subject="4名首席技师的管理期即将届满").count()
        == 2
    )


def test_tech1_signs_in_and_sees_their_own_term(demo, client):
    tech1 = User.objects.get(username="tech1")
    assert tech1.check_password(PASSWORD)
    client.force_login(tech1)
    page = client.get(reverse("tenure:holder_home")).content.decode()
    assert "曲志刚" in page and "于海燕" not in page
    assert "2024年12月27日至2026年12月26日" in page


def test_the_officer_has_a_report_and_a_bank_account_to_decide(demo, client):
    client.force_login(User.objects.get(username="officer"))
    queue = client.get(reverse("tenure:status_queue")).content.decode()
    assert "林晓红" in queue
    [request] = BankAccount.objects.filter(state="requested")
    assert (request.tenure.application.name, request.bank, request.account_name) == (
        "于海燕",
        "中国建设银行",
        "于海燕",
    )
    assert "于海燕" in client.get(reverse("tenure:bank_queue")).content.decode()


def test_the_suspended_holders_certificate_says_so(demo, client):
    certificate = cohort()["宋建军"].certificate
    page = client.get(reverse("verify:verify", args=[certificate.verification_code])).content.decode()
    assert "保留资格、停止待遇" in page


def test_a_second_run_writes_nothing(demo):
    hashes = list(AuditRecord.objects.order_by("pk").values_list("hash", flat=True))
    load_demo(password=PASSWORD, now=NOW)
    assert list(AuditRecord.objects.order_by("pk").values_list("hash", flat=True)) == hashes
    assert cohort()["宋建军"].status == TenureStatus.SUSPENDED
