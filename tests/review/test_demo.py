"""`chieftech demo`, the re-review: the district's 2024 cohort's year 1 decided in December 2025 (four passed, 鞠文涛
not renewed for want of a second apprentice at 高级工), and the city of Weihai's 2025 cohort, whose year-1 re-review
is open today (5 December 2026) with one submission, one draft and one not started.

Loaded once for the module, as `chieftech demo` loads it, inside a transaction rolled back at the end.
"""

from datetime import date, datetime

import pytest
from django.urls import reverse

from chieftech.accounts.models import User
from chieftech.audit.domain import audit_verify
from chieftech.audit.models import AuditRecord
from chieftech.certificates.domain import round_tenures_in_rank_order
from chieftech.core.models import Notification
from chieftech.policy.models import Authority
from chieftech.review.models import ReviewCampaign
from chieftech.selection.models import Round
from chieftech.subsidy.models import PayrollLine, PayrollMonth
from chieftech.tenure.models import AnnualReview, Tenure
from tests.demo_data import demo, demo_load  # noqa: F401 (the module's fixture, by name)
from tests.factories import SHANGHAI

pytestmark = pytest.mark.usefixtures("demo")

DISTRICT_ROUND = "2024年度环翠区首席技师选拔"
CITY_ROUND = "2025年度威海市首席技师选拔"


def reviews_of(title: str) -> dict[str, AnnualReview]:
    return {
        r.tenure.application.name: r
        for r in AnnualReview.objects.filter(tenure__application__round__title=title).select_related(
            "tenure__application", "campaign", "decided_by", "submitted_by"
        )
    }


def test_the_district_opened_year_1_on_1_december_2025_with_its_deadline_on_the_calendar():
    campaign = ReviewCampaign.objects.get(round__title=DISTRICT_ROUND)
    # 15 working days counted from the day after Monday 1 December 2025 (4 + 5 + 5 + 1): Monday 22 December.
    assert (campaign.review_year, campaign.period_start, campaign.period_end, campaign.deadline) == (
        1,
        date(2024, 12, 27),
        date(2025, 12, 26),
        date(2025, 12, 22),
    )
    assert campaign.opened_by.username == "officer"
    assert campaign.opened_at == datetime(2025, 12, 1, 9, 0, tzinfo=SHANGHAI)
    # Every review decided by 23 December, the officer closed it the next morning.
    assert (campaign.state, campaign.closed_by.username, campaign.closed_at) == (
        "closed",
        "officer",
        datetime(2025, 12, 24, 9, 0, tzinfo=SHANGHAI),
    )


def test_four_passed_and_one_was_not_renewed():
    reviews = reviews_of(DISTRICT_ROUND)
    assert {
        name: (r.state, r.submitted_by.username, r.submitted_as, r.decided_by.username, r.decided_at.date())
        for name, r in reviews.items()
    } == {
        "曲志刚": ("passed", "tech1", "holder", "officer", date(2025, 12, 22)),
        "于海燕": ("passed", "tech2", "holder", "officer", date(2025, 12, 22)),
        "宋建军": ("passed", "ent3", "enterprise", "officer", date(2025, 12, 22)),
        "林晓红": ("passed", "tech3", "holder", "officer", date(2025, 12, 23)),
        "鞠文涛": ("failed", "ent6", "enterprise", "officer", date(2025, 12, 23)),
    }
    # Every submission came before the deadline, with the enterprise's opinion and at least one achievement.
    for name, review in reviews.items():
        assert review.submitted_at < datetime(2025, 12, 23, tzinfo=SHANGHAI), name
        assert review.enterprise_opinion, name
        assert review.achievement_items.count() >= 1, name
    statuses = {
        t.application.name: t.status for t in Tenure.objects.filter(application__round__title=DISTRICT_ROUND)
    }
    assert statuses == {
        "曲志刚": "active",
        "于海燕": "active",
        "宋建军": "suspended",
        "林晓红": "active",
        "鞠文涛": "not_renewed",
    }


def test_the_suspended_holder_passed_with_the_officers_word_on_condition_1():
    song = reviews_of(DISTRICT_ROUND)["宋建军"]
    assert (song.checks["1"]["auto"], song.checks["1"]["verdict"]) == ("judge", "pass")
    assert "第十六条（一）保留资格、不享受待遇" in song.checks["1"]["note"]
    assert song.checks["5"]["auto"] == "pass"


def test_ju_wentao_was_not_renewed_for_condition_5():
    ju = reviews_of(DISTRICT_ROUND)["鞠文涛"]
    assert (ju.checks["5"]["auto"], ju.checks["5"]["verdict"]) == ("fail", "fail")
    assert ju.checks["5"]["auto_reason"] == (
        "复核期间仅1名徒弟取得高级工（三级）以上职业技能等级证书，少于第八条（五）规定的2名。"
    )
    assert (
        ju.reason
        == "第八条（五）：复核期内所带徒弟仅1人取得高级工以上职业技能等级证书，少于规定的2人，复核未通过。"
    )
    assert [c["auto"] for n, c in sorted(ju.checks.items()) if n != "5"] == [
        "pass",
        "judge",
        "judge",
        "judge",
    ]
    # The enterprise (he has no login of his own) was told.
    [told] = Notification.objects.filter(
        user__username="ent6", subject__startswith="鞠文涛管理期第1年复核认定"
    )
    assert told.body.startswith("管理期第1年复核认定未通过，理由：第八条（五）")


def test_his_certificate_tells_the_public_the_review_did_not_pass(client):
    ju = Tenure.objects.select_related("certificate").get(application__name="鞠文涛")
    page = client.get(reverse("verify:verify", args=[ju.certificate.verification_code])).content.decode()
    assert "复核未通过" in page
    assert (
        "该同志未通过管理期年度复核认定，自2025年12月23日起不再保留首席技师称号，不再享受政府津贴。" in page
    )


def test_none_of_2026_is_paid_to_him():
    ju = Tenure.objects.get(application__name="鞠文涛")
    assert not PayrollMonth.objects.filter(tenure=ju, month__year=2026).exists()
    assert not PayrollLine.objects.filter(tenure=ju, batch__period_start__year=2026).exists()
    # His year 1 was paid in full (March failed at the bank and was paid again in April).
    assert PayrollMonth.objects.filter(tenure=ju, live=True, line__state="paid").count() == 12


def test_the_city_and_its_cohort():
    city = Authority.objects.get(code="weihai")
    assert (city.name, city.level, city.title_name, city.certificate_prefix) == (
        "威海市",
        "city",
        "威海市首席技师",
        "WHSJ",
    )
    assert Authority.objects.get(code="huancui").parent == city
    [policy] = city.policy_versions.all()
    assert (
        policy.document_number,
        policy.quota_per_round,
        policy.management_period_months,
        policy.review_interval_months,
        policy.selection_interval_years,
    ) == ("威政办字〔2018〕33号", 15, 48, 12, 1)
    assert "演示" in policy.title  # the amount is the demo's, not the measures'
    round_ = Round.objects.get(title=CITY_ROUND)
    assert [
        (t.application.name, t.certificate.number, t.starts_on, t.ends_on, t.enterprise.name)
        for t in round_tenures_in_rank_order(round_)
    ] == [
        ("王立伟", "WHSJ-2025-001", date(2025, 12, 15), date(2029, 12, 14), "威海翠丰精密机械有限公司"),
        ("刘春梅", "WHSJ-2025-002", date(2025, 12, 15), date(2029, 12, 14), "威海安泰医疗器械有限公司"),
        ("姜海龙", "WHSJ-2025-003", date(2025, 12, 15), date(2029, 12, 14), "威海蓝湾海洋科技有限公司"),
    ]


def test_the_citys_year_1_re_review_is_open_with_one_sent_one_draft_and_one_not_started(client):
    campaign = ReviewCampaign.objects.get(round__title=CITY_ROUND)
    # 15 working days counted from the day after Monday 23 November 2026: Monday 14 December, year 1's last day.
    assert (campaign.state, campaign.opened_by.username, campaign.deadline) == (
        "open",
        "cityofficer",
        date(2026, 12, 14),
    )
    assert (campaign.period_start, campaign.period_end) == (date(2025, 12, 15), date(2026, 12, 14))
    reviews = reviews_of(CITY_ROUND)
    assert {
        name: (r.state, r.post != "", r.submitted_by.username if r.submitted_by else "")
        for name, r in reviews.items()
    } == {
        "王立伟": ("submitted", True, "ent1"),
        "刘春梅": ("pending", True, ""),
        "姜海龙": ("pending", False, ""),
    }
    client.force_login(User.objects.get(username="cityofficer"))
    page = client.get(reverse("review:campaign_detail", args=[campaign.pk]))
    assert page.status_code == 200
    assert all(name in page.content.decode() for name in reviews)
    # The district's officer does not know the city's campaign.
    client.force_login(User.objects.get(username="officer"))
    assert client.get(reverse("review:campaign_detail", args=[campaign.pk])).status_code == 404


def test_the_audit_chains_hold_and_a_second_run_writes_nothing():
    assert audit_verify().ok
    hashes = list(AuditRecord.objects.order_by("pk").values_list("hash", flat=True))
    demo_load()
    assert list(AuditRecord.objects.order_by("pk").values_list("hash", flat=True)) == hashes
