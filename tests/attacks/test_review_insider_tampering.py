"""Insiders tampering with the re-review's posts (an outcome or a verdict not offered, a fake or oversized
file, guessed ids), an officer switched to an authority where they only judge, and an apprentice claimed under
another authority. The outsiders and the skipped steps are in test_review_insider.py."""

from datetime import date

import pytest
from django.urls import reverse

from chieftech.accounts.roles import Role
from chieftech.core.errors import DomainError
from chieftech.review.domain.decision import review_decide
from chieftech.review.domain.material import review_achievement_add
from chieftech.review.models import AchievementKind
from chieftech.tenure.models import AnnualReview, Tenure
from tests.attacks.test_review_insider import (
    MET,
    VERDICTS,
    hugo,
    logged_in,
    material_review,
    officer_urls,
    pending,
    snapshot,
    statuses,
)
from tests.factories import PDF_BYTES, make_tenure
from tests.review import decision_fixtures as fixtures
from tests.review.decision_fixtures import submitted_review, two_apprentices

campaign = fixtures.campaign
henry = fixtures.henry
tenure = fixtures.tenure
walter = fixtures.walter
weihai = fixtures.weihai
# The fixtures shared with test_review_insider.py, asked for by name below.
__all__ = ["hugo", "material_review"]


# --- Tampered posts -------------------------------------------------------------------------------------


def test_an_outcome_not_in_the_choices_is_refused(tenure, alice, olivia):
    two_apprentices(tenure, alice)
    review = submitted_review(tenure)
    before = snapshot(review)

    with pytest.raises(DomainError) as refused:
        review_decide(actor=olivia, review=review, outcome="pending", verdicts=VERDICTS, reason="")
    response = logged_in(olivia).post(
        reverse("review:review_decide", args=[review.pk]), {**MET, "outcome": "approved", "confirmed": "yes"}
    )

    assert refused.value.message == "请选择复核结论。"
    assert response.status_code == 400
    assert snapshot(review) == before


def test_verdicts_beyond_the_five_conditions_are_not_kept(tenure, alice, olivia):
    two_apprentices(tenure, alice)
    review = submitted_review(tenure)

    logged_in(olivia).post(
        reverse("review:review_decide", args=[review.pk]),
        {
            **MET,
            "verdict_6": "fail",
            "verdict_0": "fail",
            "note_9": "<b>x</b>",
            "outcome": "passed",
            "confirmed": "yes",
        },
    )
    decided = AnnualReview.objects.get(pk=review.pk)

    assert decided.state == "passed"
    assert sorted(decided.checks) == ["1", "2", "3", "4", "5"]


def test_a_verdict_other_than_pass_or_fail_is_refused(tenure, alice, olivia):
    two_apprentices(tenure, alice)
    review = submitted_review(tenure)
    before = snapshot(review)

    with pytest.raises(DomainError) as refused:
        review_decide(
            actor=olivia,
            review=review,
            outcome="passed",
            verdicts={**VERDICTS, 2: {"verdict": "judge", "note": ""}},
            reason="",
        )

    assert refused.value.message_dict["verdict_2"] == ["请选择“符合”或“不符合”。"]
    assert snapshot(review) == before


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("成果.pdf", b"<script>alert(1)</script>", None),
        ("成果.pdf", PDF_BYTES + b"0" * (21 * 1024 * 1024), None),
    ],
)
def test_a_fake_or_oversized_file_is_refused(tenure, henry, name, content, code):
    from chieftech.duties.domain.files import Upload

    review = pending(tenure)
    before = snapshot(review)

    with pytest.raises(DomainError) as refused:
        review_achievement_add(
            actor=henry,
            review=review,
            kind=AchievementKind.values[0],
            title="成果",
            achieved_on=review.period_start,
            issuer="",
            description="",
            upload=Upload(name=name, content=content),
        )

    assert refused.value.message_dict.get("file")
    assert snapshot(review) == before


def test_another_holders_review_ids_guessed_in_a_row_find_nothing(tenure, hugo, campaign, henry):
    reviews = [pending(tenure, campaign)]
    other = Tenure.objects.get(user=hugo)
    reviews.append(pending(other, campaign))
    client = logged_in(hugo)

    found = {
        pk: client.get(reverse("review:material", args=[pk])).status_code
        for pk in range(min(r.pk for r in reviews) - 1, max(r.pk for r in reviews) + 3)
    }

    assert [pk for pk, status in found.items() if status == 200] == [reviews[1].pk]
    assert set(found.values()) == {200, 404}


def test_an_officer_switched_to_an_authority_where_they_are_only_an_expert_reaches_nothing_there(
    material_review, tenure, walter
):
    from tests.factories import grant

    grant(walter, Role.EXPERT, authority=tenure.authority)
    AnnualReview.objects.filter(pk=material_review.pk).update(state="submitted")
    client = logged_in(walter)
    switched = client.post(reverse("accounts:acting_authority_switch"), {"authority": tenure.authority_id})
    before = snapshot(material_review)

    found = statuses(client, officer_urls(material_review))
    found["campaign_open"] = client.post(
        reverse("review:campaign_open"),
        {"round": tenure.application.round_id, "review_year": 1, "confirmed": "yes"},
    ).status_code
    found["ledger"] = client.get(reverse("duties:ledger", args=[tenure.pk])).status_code
    found["liaison"] = client.get(reverse("duties:liaison", args=[tenure.pk])).status_code

    assert switched.status_code == 302
    assert found == dict.fromkeys(found, 404)
    assert snapshot(material_review) == before


def test_the_review_page_flags_an_apprentice_claimed_in_another_authority_without_naming_its_holder(
    tenure, alice, gina, olivia, weihai
):
    from tests.factories import make_apprentice, make_id_number
    from tests.review.decision_fixtures import IN_PERIOD, SENIOR

    shared_id = make_id_number(date(2001, 4, 12), serial=515)
    make_apprentice(tenure, by=alice, name="孙小明", id_number=shared_id, certificates=[(SENIOR, IN_PERIOD)])
    elsewhere = make_tenure(alice, gina, round_=tenure.application.round, name="魏海涛")
    # Test set-up: a term of Weihai's (its own rounds and policy are beside the point here).
    Tenure.objects.filter(pk=elsewhere.pk).update(authority=weihai)
    make_apprentice(
        elsewhere, by=alice, name="孙小明", id_number=shared_id, certificates=[(SENIOR, IN_PERIOD)]
    )
    review = submitted_review(tenure)

    page = logged_in(olivia).get(reverse("review:review_detail", args=[review.pk])).content.decode()

    assert "魏海涛" not in page
    assert "其他机关" in page
