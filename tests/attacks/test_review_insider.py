"""Insiders on the re-review, each attempt kept as a test that fails to get through: another enterprise, the
former employer after a transfer, a suspended enterprise, another holder and another authority's officer at
every review URL; the holder and the enterprise at the officer's actions; steps skipped or repeated (decide a
pending review, submit after the deadline with an old page, submit or decide twice, decide a returned review,
open a campaign twice, close it undecided, edit after sending). Tampered posts are in
test_review_insider_tampering.py, the free texts and the personal data in test_review_insider_texts.py."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from chieftech.accounts.domain.enterprises import enterprise_suspend
from chieftech.accounts.roles import Role
from chieftech.audit.models import AuditRecord
from chieftech.core.errors import DomainError
from chieftech.review.domain.campaigns import review_campaign_close, review_campaign_open
from chieftech.review.domain.decision import review_decide
from chieftech.review.domain.material import (
    review_achievement_add,
    review_achievement_remove,
    review_form_save,
    review_submit,
)
from chieftech.review.models import AchievementKind, CampaignState, ReviewAchievement, ReviewCampaign
from chieftech.tenure.models import AnnualReview, Tenure
from tests.duties.support_fixtures import move
from tests.factories import PDF_BYTES, form_token_of, make_tenure, make_user
from tests.review import decision_fixtures as fixtures
from tests.review.decision_fixtures import submitted_review, two_apprentices
from tests.test_irreversible_actions import confirm

campaign = fixtures.campaign
henry = fixtures.henry
tenure = fixtures.tenure
walter = fixtures.walter
weihai = fixtures.weihai

MET = {"verdict_2": "pass", "verdict_3": "pass", "verdict_4": "pass"}
VERDICTS = {n: {"verdict": "pass", "note": ""} for n in (2, 3, 4)}


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def pending(tenure, campaign=None, **fields):
    """A review waiting for material, its deadline ten days ahead, its form filled in."""
    fields.setdefault("deadline", timezone.localdate() + timedelta(days=10))
    fields.setdefault("post", "数控车间机床操作")
    fields.setdefault("performance", "带领班组完成关键零件加工攻关。")
    fields.setdefault("mentoring_summary", "带徒2人。")
    fields.setdefault("declared_no_accident", True)
    fields.setdefault("declared_no_violation", True)
    return fixtures.make_annual_review(tenure, state="pending", campaign=campaign, **fields)


def with_achievement(review, by):
    item = ReviewAchievement(
        review=review,
        kind=AchievementKind.values[0],
        title="曲轴精车工艺改进",
        achieved_on=review.period_start + timedelta(days=30),
        added_by=by,
        added_at=timezone.now(),
        file_name="成果.pdf",
        file_size=len(PDF_BYTES),
        file_type="application/pdf",
    )
    item.file.save("proof.pdf", ContentFile(PDF_BYTES), save=False)
    item.save()
    return item


def snapshot(review) -> tuple:
    """What an attempt must leave as it was: the review, its achievements, the audit log, the term."""
    fresh = AnnualReview.objects.get(pk=review.pk)
    return (
        fresh.state,
        fresh.post,
        fresh.deadline,
        fresh.decided_at,
        ReviewAchievement.objects.filter(review=review).count(),
        AuditRecord.objects.count(),
        Tenure.objects.get(pk=review.tenure_id).status,
        ReviewCampaign.objects.count(),
    )


@pytest.fixture
def hugo(alice, gina, tenure):
    """Another holder of the same round and enterprise, with his own login."""
    other = make_tenure(alice, gina, round_=tenure.application.round, name="胡志强")
    user = make_user("hugo", Role.TECHNICIAN, real_name="胡志强")
    Tenure.objects.filter(pk=other.pk).update(user=user)
    return user


@pytest.fixture
def material_review(tenure, campaign, alice):
    review = pending(tenure, campaign)
    with_achievement(review, alice)
    return review


def party_urls(review) -> dict[str, tuple[str, str]]:
    achievement = ReviewAchievement.objects.get(review=review)
    return {
        "material": ("get", reverse("review:material", args=[review.pk])),
        "material_save": ("post", reverse("review:material", args=[review.pk])),
        "material_submit": ("post", reverse("review:material_submit", args=[review.pk])),
        "achievement_add": ("post", reverse("review:achievement_add", args=[review.pk])),
        "achievement_remove": ("post", reverse("review:achievement_remove", args=[achievement.pk])),
        "achievement_file": ("get", reverse("review:achievement_file", args=[achievement.pk])),
        "form_pdf": ("get", reverse("review:form_pdf", args=[review.pk])),
        "form_docx": ("get", reverse("review:form_docx", args=[review.pk])),
    }


def officer_urls(review) -> dict[str, tuple[str, str]]:
    campaign = review.campaign
    return {
        "review_detail": ("get", reverse("review:review_detail", args=[review.pk])),
        "review_decide": ("post", reverse("review:review_decide", args=[review.pk])),
        "campaign_detail": ("get", reverse("review:campaign_detail", args=[campaign.pk])),
        "campaign_close": ("post", reverse("review:campaign_close", args=[campaign.pk])),
        "results": ("get", reverse("review:results", args=[campaign.pk])),
        "results_xlsx": ("get", reverse("review:results_xlsx", args=[campaign.pk])),
    }


POSTED = {**MET, "outcome": "passed", "post": "篡改", "confirmed": "yes", "title": "伪造成果"}


def statuses(client, urls: dict) -> dict[str, int]:
    return {
        name: (client.get(url) if method == "get" else client.post(url, POSTED)).status_code
        for name, (method, url) in urls.items()
    }


# --- Outsiders at every URL of our holder's review -------------------------------------------------------


@pytest.mark.parametrize("who", ["bob", "hugo", "walter"])
def test_outsiders_find_nothing_of_the_holders_material(request, material_review, who):
    client = logged_in(request.getfixturevalue(who))
    before = snapshot(material_review)

    found = statuses(client, party_urls(material_review))

    # Another enterprise's user and another holder may keep material, just not this one: 404. Weihai's
    # officer keeps none at all (403 at the material's pages) and finds no file or form of Huancui's (404).
    if who == "walter":
        expected = {name: 403 for name in found} | {
            "achievement_file": 404,
            "form_pdf": 404,
            "form_docx": 404,
        }
    else:
        expected = dict.fromkeys(found, 404)
    assert found == expected
    assert snapshot(material_review) == before


@pytest.mark.parametrize(("who", "status"), [("bob", 403), ("henry", 403), ("alice", 403), ("walter", 404)])
def test_no_one_but_huancuis_officer_reaches_the_officers_pages(request, material_review, who, status):
    AnnualReview.objects.filter(pk=material_review.pk).update(state="submitted")
    client = logged_in(request.getfixturevalue(who))
    before = snapshot(material_review)

    found = statuses(client, officer_urls(material_review))

    assert found == dict.fromkeys(found, status)
    assert snapshot(material_review) == before


def test_the_former_employer_after_a_transfer_finds_nothing(material_review, tenure, alice, enterprise_b):
    move(tenure, enterprise_b, timezone.localdate())
    before = snapshot(material_review)

    found = statuses(logged_in(alice), party_urls(material_review))

    assert found == dict.fromkeys(found, 404)
    assert snapshot(material_review) == before


def test_a_suspended_enterprises_user_may_neither_keep_nor_download_the_material(
    material_review, tenure, alice, olivia
):
    enterprise_suspend(actor=olivia, enterprise=tenure.enterprise, reason="已注销")
    alice.refresh_from_db()
    before = snapshot(material_review)

    found = statuses(logged_in(alice), party_urls(material_review))

    assert found == dict.fromkeys(found, 403)
    assert snapshot(material_review) == before
    with pytest.raises(PermissionDenied):
        review_form_save(actor=alice, review=material_review, data={"post": "篡改"})


# --- The parties at the officer's actions ---------------------------------------------------------------


@pytest.mark.parametrize("who", ["henry", "alice"])
def test_the_parties_may_not_decide_open_or_close(request, tenure, campaign, who):
    review = submitted_review(tenure, campaign=campaign)
    user = request.getfixturevalue(who)
    before = snapshot(review)

    with pytest.raises(PermissionDenied):
        review_decide(actor=user, review=review, outcome="passed", verdicts=VERDICTS, reason="")
    with pytest.raises(PermissionDenied):
        review_campaign_open(actor=user, round_=tenure.application.round, review_year=1)
    with pytest.raises(PermissionDenied):
        review_campaign_close(actor=user, campaign=campaign)
    client = logged_in(user)
    opened = client.post(
        reverse("review:campaign_open"),
        {"round": tenure.application.round_id, "review_year": 1, "confirmed": "yes"},
    )
    listed = client.get(reverse("review:campaign_list"))

    assert (opened.status_code, listed.status_code) == (403, 403)
    assert snapshot(review) == before


def test_weihais_officer_may_not_open_or_close_huancuis_campaign(tenure, campaign, walter, olivia):
    review = pending(tenure, campaign)
    before = snapshot(review)
    client = logged_in(walter)

    opened = client.post(
        reverse("review:campaign_open"),
        {"round": tenure.application.round_id, "review_year": 1, "confirmed": "yes"},
    )

    assert opened.status_code == 404
    with pytest.raises(PermissionDenied):
        review_campaign_close(actor=walter, campaign=campaign)
    with pytest.raises(PermissionDenied):
        review_decide(actor=walter, review=review, outcome="passed", verdicts=VERDICTS, reason="")
    # Switching to an authority the officer holds no role in is refused, and changes nothing either.
    switched = client.post(reverse("accounts:acting_authority_switch"), {"authority": tenure.authority_id})
    assert switched.status_code == 404
    assert client.get(reverse("review:campaign_detail", args=[campaign.pk])).status_code == 404
    assert snapshot(review) == before


# --- Steps skipped or repeated ---------------------------------------------------------------------------


def test_a_pending_review_cannot_be_decided(tenure, olivia):
    review = pending(tenure)
    before = snapshot(review)

    with pytest.raises(PermissionDenied):
        review_decide(actor=olivia, review=review, outcome="passed", verdicts=VERDICTS, reason="")
    response = logged_in(olivia).post(
        reverse("review:review_decide", args=[review.pk]), {**MET, "outcome": "passed", "confirmed": "yes"}
    )

    assert response.status_code == 403
    assert "待报送材料" in response.content.decode()
    assert snapshot(review) == before


def test_an_old_page_sent_after_the_deadline_is_refused_naming_the_deadline(tenure, henry):
    review = pending(tenure)
    client = logged_in(henry)
    page = client.get(reverse("review:material", args=[review.pk]))
    token = form_token_of(page)
    AnnualReview.objects.filter(pk=review.pk).update(deadline=timezone.localdate() - timedelta(days=1))
    before = snapshot(review)

    response = client.post(
        reverse("review:material_submit", args=[review.pk]), {"form_token": token, "confirmed": "yes"}
    )

    assert response.status_code == 200
    deadline = timezone.localdate() - timedelta(days=1)
    assert (
        f"材料报送截止时间为{deadline.year}年{deadline.month}月{deadline.day}日24时，已过截止时间，不能报送。"
        in response.content.decode()
    )
    assert snapshot(review) == before


def test_sending_twice_sends_once(tenure, henry, alice):
    review = pending(tenure)
    client = logged_in(henry)
    url = reverse("review:material_submit", args=[review.pk])
    asked = client.post(url)
    confirm(client, asked)
    sent = snapshot(review)

    confirm(client, asked)
    again = client.post(url, {"confirmed": "yes"})
    with pytest.raises(DomainError) as refused:
        review_submit(actor=alice, review=review)

    assert sent[0] == "submitted"
    assert "复核材料当前为“已报送待审”，不能报送" in again.content.decode()
    assert refused.value.message == "复核材料当前为“已报送待审”，不能报送（被退回补正的除外）。"
    assert snapshot(review) == sent
    assert AuditRecord.objects.filter(action="review.submit", object_id=str(review.pk)).count() == 1


def test_deciding_twice_decides_once(tenure, alice, olivia):
    two_apprentices(tenure, alice)
    review = submitted_review(tenure)
    review_decide(actor=olivia, review=review, outcome="passed", verdicts=VERDICTS, reason="")
    decided = snapshot(review)

    with pytest.raises(PermissionDenied):
        review_decide(actor=olivia, review=review, outcome="failed", verdicts=VERDICTS, reason="再次")

    assert snapshot(review) == decided
    assert decided[0] == "passed"


def test_a_returned_review_cannot_be_decided_before_it_is_sent_again(tenure, alice, olivia):
    two_apprentices(tenure, alice)
    review = submitted_review(tenure)
    review_decide(actor=olivia, review=review, outcome="returned", verdicts={}, reason="请补充证书扫描件。")
    returned = snapshot(review)

    with pytest.raises(PermissionDenied):
        review_decide(actor=olivia, review=review, outcome="passed", verdicts=VERDICTS, reason="")
    response = logged_in(olivia).post(
        reverse("review:review_decide", args=[review.pk]), {**MET, "outcome": "passed", "confirmed": "yes"}
    )

    assert response.status_code == 403
    assert snapshot(review) == returned
    assert returned[0] == "returned"


def test_the_same_campaign_cannot_be_opened_twice(tenure, olivia):
    round_ = tenure.application.round
    first = review_campaign_open(actor=olivia, round_=round_, review_year=1)
    opened = (ReviewCampaign.objects.count(), AnnualReview.objects.count(), AuditRecord.objects.count())

    with pytest.raises(DomainError) as refused:
        review_campaign_open(actor=olivia, round_=round_, review_year=1)

    assert refused.value.message == f"{round_.title}管理期第1年的复核认定已经开启，不能重复开启。"
    assert (
        ReviewCampaign.objects.count(),
        AnnualReview.objects.count(),
        AuditRecord.objects.count(),
    ) == opened
    assert first.state == CampaignState.OPEN


def test_a_year_the_policy_does_not_review_is_refused(tenure, olivia):
    round_ = tenure.application.round
    response = logged_in(olivia).post(
        reverse("review:campaign_open"), {"round": round_.pk, "review_year": 2, "confirmed": "yes"}
    )

    with pytest.raises(DomainError) as refused:
        review_campaign_open(actor=olivia, round_=round_, review_year=2)

    assert response.status_code == 302
    assert refused.value.code == "not_a_review_year"
    assert "不能开启管理期第2年的复核" in refused.value.message
    assert ReviewCampaign.objects.count() == 0


def test_a_campaign_with_undecided_reviews_cannot_be_closed(tenure, campaign, olivia):
    pending(tenure, campaign)

    with pytest.raises(DomainError) as refused:
        review_campaign_close(actor=olivia, campaign=campaign)
    response = logged_in(olivia).post(
        reverse("review:campaign_close", args=[campaign.pk]), {"confirmed": "yes"}, follow=True
    )

    assert refused.value.message == "尚有1人未作出复核结论，不能结束复核认定工作。"
    assert "尚有1人未作出复核结论" in response.content.decode()
    campaign.refresh_from_db()
    assert campaign.state == CampaignState.OPEN


def test_sent_material_cannot_be_edited_added_to_or_taken_from(tenure, henry, alice):
    review = submitted_review(tenure)
    achievement = with_achievement(review, alice)
    before = snapshot(review)
    client = logged_in(henry)

    with pytest.raises(DomainError) as refused:
        review_form_save(actor=henry, review=review, data={"post": "篡改"})
    with pytest.raises(DomainError):
        review_achievement_add(
            actor=alice,
            review=review,
            kind=AchievementKind.values[0],
            title="补充成果",
            achieved_on=review.period_start,
            issuer="",
            description="",
            upload=fixtures_upload(),
        )
    with pytest.raises(DomainError):
        review_achievement_remove(actor=henry, achievement=achievement)
    removed = client.post(reverse("review:achievement_remove", args=[achievement.pk]), follow=True)
    page = client.post(reverse("review:material", args=[review.pk]), {"post": "篡改", "performance": "篡改"})

    assert refused.value.message == "复核材料当前为“已报送待审”，不能修改（被退回补正的除外）。"
    assert "不能修改" in page.content.decode()
    assert "不能修改" in removed.content.decode()
    assert snapshot(review) == before


def fixtures_upload():
    from chieftech.duties.domain.files import Upload

    return Upload(name="成果.pdf", content=PDF_BYTES)


def test_an_achievement_outside_the_period_is_refused(tenure, henry):
    review = pending(tenure)
    before = snapshot(review)

    with pytest.raises(DomainError) as refused:
        review_achievement_add(
            actor=henry,
            review=review,
            kind=AchievementKind.values[0],
            title="旧成果",
            achieved_on=review.period_start - timedelta(days=1),
            issuer="市总工会",
            description="",
            upload=fixtures_upload(),
        )

    assert refused.value.message_dict["achieved_on"] == [
        "取得日期应在本次复核期间（2024年12月27日至2025年12月26日）内。"
    ]
    assert snapshot(review) == before
