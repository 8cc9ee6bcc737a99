"""Two officers (or two clicks) at once on the re-review: opening the same campaign, deciding the same review,
and the holder and the enterprise sending the same material each happen once; the other is refused in words.
Run on SQLite by default and on PostgreSQL with DATABASE_URL."""

import threading

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection

from chieftech.accounts.roles import Role
from chieftech.audit.models import AuditRecord
from chieftech.core.errors import DomainError
from chieftech.review.domain.campaigns import review_campaign_open
from chieftech.review.domain.decision import review_decide
from chieftech.review.domain.material import review_submit
from chieftech.review.models import ReviewCampaign
from chieftech.tenure.models import AnnualReview
from tests.factories import make_user
from tests.review import decision_fixtures as fixtures
from tests.review.decision_fixtures import submitted_review, two_apprentices

henry = fixtures.henry
tenure = fixtures.tenure

VERDICTS = {n: {"verdict": "pass", "note": ""} for n in (2, 3, 4)}


def at_once(*calls) -> list[str]:
    """Run `calls` in threads released together; what each returned or the refusal's message."""
    barrier = threading.Barrier(len(calls))
    outcomes: list[str] = []

    def run(call) -> None:
        barrier.wait()
        try:
            call()
            outcomes.append("done")
        except (DomainError, PermissionDenied) as exc:
            outcomes.append(getattr(exc, "message", None) or str(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(outcomes)


@pytest.fixture
def otto(db):
    """A second officer of Huancui."""
    return make_user("otto", Role.OFFICER, real_name="奥托")


@pytest.mark.django_db(transaction=True)
def test_two_officers_opening_the_same_campaign_open_it_once(tenure, olivia, otto):
    round_ = tenure.application.round

    outcomes = at_once(
        lambda: review_campaign_open(actor=olivia, round_=round_, review_year=1),
        lambda: review_campaign_open(actor=otto, round_=round_, review_year=1),
    )

    assert outcomes == sorted(["done", f"{round_.title}管理期第1年的复核认定已经开启，不能重复开启。"])
    assert (ReviewCampaign.objects.count(), AnnualReview.objects.count()) == (1, 1)
    assert AuditRecord.objects.filter(action="review.campaign_open").count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_officers_deciding_the_same_review_decide_it_once(tenure, alice, olivia, otto):
    two_apprentices(tenure, alice)
    review = submitted_review(tenure)

    outcomes = at_once(
        lambda: review_decide(actor=olivia, review=review, outcome="passed", verdicts=VERDICTS, reason=""),
        lambda: review_decide(actor=otto, review=review, outcome="returned", verdicts={}, reason="请补正。"),
    )

    refusal = [o for o in outcomes if o != "done"]
    assert (outcomes.count("done"), len(refusal)) == (1, 1)
    assert "复核认定" in refusal[0]
    decisions = AuditRecord.objects.filter(
        action__in=["review.pass", "review.return"], object_id=str(review.pk)
    )
    assert decisions.count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_holder_and_the_enterprise_sending_at_once_send_once(tenure, henry, alice):
    from datetime import timedelta

    from django.utils import timezone

    review = fixtures.make_annual_review(
        tenure,
        state="pending",
        deadline=timezone.localdate() + timedelta(days=10),
        post="数控车间机床操作",
        performance="带领班组完成关键零件加工攻关。",
        mentoring_summary="带徒2人。",
        declared_no_accident=True,
        declared_no_violation=True,
    )

    outcomes = at_once(
        lambda: review_submit(actor=henry, review=review),
        lambda: review_submit(actor=alice, review=review),
    )

    assert outcomes == sorted(["done", "复核材料当前为“已报送待审”，不能报送（被退回补正的除外）。"])
    assert AuditRecord.objects.filter(action="review.submit", object_id=str(review.pk)).count() == 1
