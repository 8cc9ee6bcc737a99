"""The automatic checks of 第八条: each condition's verdict and reason, read from the records of the period."""

from datetime import date

from django.utils import timezone

from chieftech.duties.models import DutyActivity, DutyKind
from chieftech.review.domain.checks import review_certificates, review_checks_compute
from chieftech.tenure.domain.transitions import tenure_transition
from chieftech.tenure.models import StatusChange, TenureStatus
from tests.factories import make_apprentice, make_tenure
from tests.review import decision_fixtures as fixtures
from tests.review.decision_fixtures import (
    IN_PERIOD,
    INTERMEDIATE,
    SENIOR,
    TECHNICIAN,
    apprentice,
    submitted_review,
    two_apprentices,
)

# The fixtures the tests below ask for by name (tests/review/conftest.py is the campaign part's).
henry = fixtures.henry
review = fixtures.review
tenure = fixtures.tenure
walter = fixtures.walter
weihai = fixtures.weihai


def checks(review) -> list[tuple[str, str]]:
    return [(r.verdict, r.reason) for r in review_checks_compute(reviews=[review])[review.pk]]


def check(review, number: int) -> tuple[str, str, bool]:
    r = review_checks_compute(reviews=[review])[review.pk][number - 1]
    return (r.verdict, r.reason, r.officer_needed)


def test_a_holder_meeting_every_condition_gets_the_five_results_in_order(review):
    results = review_checks_compute(reviews=[review])[review.pk]

    assert [(r.number, r.article, r.title, r.verdict) for r in results] == [
        (1, "第八条（一）", "仍在一线岗位从事技能工作", "pass"),
        (2, "第八条（二）", "无直接责任的生产安全、技术责任事故", "judge"),
        (3, "第八条（三）", "无违法违纪行为", "judge"),
        (4, "第八条（四）", "保持领先水平，发挥首席技师作用", "judge"),
        (5, "第八条（五）", "徒弟取得职业技能等级证书", "pass"),
    ]
    assert [r.officer_needed for r in results] == [False, True, True, True, False]
    assert results[0].reason == "管理期内仍在一线岗位从事技能工作，符合第八条（一）。"
    assert results[4].reason == (
        "复核期间有2名徒弟取得高级工（三级）以上职业技能等级证书：孙小明、周晓红，达到第八条（五）规定的2名。"
    )


# --- (一) ---------------------------------------------------------------------------------------------------


def test_a_suspension_in_the_period_is_the_officers_to_judge(review, olivia):
    tenure_transition(
        actor=olivia,
        tenure=review.tenure,
        to_status=TenureStatus.SUSPENDED,
        effective_on=date(2025, 8, 1),
        reason="不再从事技能岗位工作",
    )

    assert check(review, 1) == (
        "judge",
        "管理期内自2025年8月1日起保留资格、停止待遇：依第十六条（一）资格仍保留，"
        "是否仍在一线岗位从事技能工作由经办人认定（第八条（一））。",
        True,
    )


def test_a_term_revoked_in_the_period_fails_the_first_condition(review, gina):
    tenure_transition(
        actor=gina, tenure=review.tenure, to_status=TenureStatus.REVOKED, effective_on=date(2025, 10, 9)
    )

    assert check(review, 1) == (
        "fail",
        "管理期内自2025年10月9日起首席技师状态为“已取消资格”，不符合第八条（一）。",
        False,
    )


def test_a_status_change_after_the_period_does_not_count(review, olivia):
    tenure_transition(
        actor=olivia, tenure=review.tenure, to_status=TenureStatus.SUSPENDED, effective_on=date(2025, 12, 27)
    )

    assert check(review, 1)[0] == "pass"


def test_an_open_status_report_in_the_period_is_the_officers_to_judge(review, alice):
    StatusChange.objects.create(
        tenure=review.tenure,
        kind=StatusChange.Kind.LEFT_SKILL_POST,
        effective_on=date(2025, 11, 3),
        reason="调整至管理岗位",
        reported_by=alice,
        reported_as="enterprise",
        reporting_enterprise=review.tenure.enterprise,
        reported_at=timezone.now(),
    )

    assert check(review, 1) == (
        "judge",
        "有尚未确认的人员变动报告（不再从事技能或技术岗位工作，2025年11月3日），"
        "请先处理报告，再认定是否仍在一线岗位从事技能工作（第八条（一））。",
        True,
    )


# --- (二) (三) ----------------------------------------------------------------------------------------------


def test_the_declarations_are_always_checked_by_the_officer(tenure):
    review = submitted_review(
        tenure,
        declared_no_accident=False,
        declared_no_violation=None,
        declaration_note="2025年5月车间设备事故，负次要责任",
    )

    assert (check(review, 2), check(review, 3)) == (
        (
            "fail",
            "本人声明有直接责任的生产安全或技术责任事故：2025年5月车间设备事故，负次要责任，不符合第八条（二）。",
            True,
        ),
        ("judge", "未作声明，请经办人核实是否无违法违纪行为（第八条（三））。", True),
    )


def test_a_clean_declaration_asks_the_officer_to_verify(review):
    assert check(review, 2) == (
        "judge",
        "本人声明无直接责任的生产安全、技术责任事故，请经办人核实（第八条（二））。",
        True,
    )


# --- (四) ---------------------------------------------------------------------------------------------------


def test_the_holders_role_shows_the_duties_log_of_the_period(review, alice):
    days = [
        (DutyKind.MENTORING, date(2025, 1, 8)),
        (DutyKind.MENTORING, date(2025, 3, 8)),
        (DutyKind.MENTORING, date(2025, 12, 26)),
        (DutyKind.INNOVATION, date(2025, 5, 20)),
        (DutyKind.PUBLICITY, date(2024, 12, 26)),  # before the period
    ]
    for kind, day in days:
        DutyActivity.objects.create(
            tenure=review.tenure,
            kind=kind,
            occurred_on=day,
            title="活动",
            description="内容",
            logged_by=alice,
            logged_as="enterprise",
            logged_at=timezone.now(),
        )

    assert check(review, 4) == (
        "judge",
        "履职记录：传帮带3次、技术攻关与革新1次、技术交流与技能展示0次、宣传0次。"
        "是否保持领先水平、发挥首席技师作用由经办人认定（第八条（四））。",
        True,
    )


# --- (五) ---------------------------------------------------------------------------------------------------

ONE_ONLY = "复核期间仅1名徒弟取得高级工（三级）以上职业技能等级证书，少于第八条（五）规定的2名。"


def test_one_apprentice_reaching_the_level_fails(tenure, alice):
    apprentice(tenure, alice, "孙小明", (SENIOR, IN_PERIOD))
    review = submitted_review(tenure)

    assert check(review, 5) == ("fail", ONE_ONLY, False)


def test_no_apprentice_at_all_fails(tenure):
    review = submitted_review(tenure)

    assert check(review, 5) == (
        "fail",
        "复核期间没有徒弟取得高级工（三级）以上职业技能等级证书，少于第八条（五）规定的2名。",
        False,
    )


def test_a_certificate_before_the_agreement_is_not_counted(tenure, alice):
    apprentice(tenure, alice, "孙小明", (SENIOR, IN_PERIOD))
    apprentice(tenure, alice, "周晓红", (SENIOR, date(2025, 3, 1)), signed_on=date(2025, 3, 2))
    review = submitted_review(tenure)

    assert check(review, 5) == ("fail", ONE_ONLY, False)


def test_a_certificate_outside_the_period_or_below_the_level_is_not_counted(tenure, alice):
    apprentice(tenure, alice, "孙小明", (SENIOR, IN_PERIOD))
    apprentice(tenure, alice, "周晓红", (SENIOR, date(2025, 12, 27)))
    apprentice(tenure, alice, "吴刚", (INTERMEDIATE, IN_PERIOD))
    review = submitted_review(tenure)

    assert check(review, 5) == ("fail", ONE_ONLY, False)
    assert [(c.apprentice, c.counted) for c in review_certificates(review=review)] == [
        ("孙小明", True),
        ("吴刚", False),
        ("周晓红", False),
    ]


def test_two_certificates_of_one_apprentice_count_once(tenure, alice):
    apprentice(tenure, alice, "孙小明", (SENIOR, date(2025, 2, 1)), (TECHNICIAN, IN_PERIOD))
    review = submitted_review(tenure)

    assert check(review, 5) == ("fail", ONE_ONLY, False)


def test_an_apprentice_claimed_by_another_holder_is_the_officers_to_judge_naming_them(tenure, alice, gina):
    other = make_tenure(alice, gina, round_=tenure.application.round, name="李秀英")
    [sun, _] = two_apprentices(tenure, alice)
    make_apprentice(other, by=alice, name="孙小明", id_number=sun.id_number)
    review = submitted_review(tenure)

    assert check(review, 5) == (
        "judge",
        "复核期间有2名徒弟取得高级工（三级）以上职业技能等级证书：周晓红、孙小明（同时登记在李秀英的带徒台账上）；"
        "其中有待核实的证书，核实无误方达到第八条（五）规定的2名，请经办人认定。",
        True,
    )


def test_a_certificate_number_claimed_by_another_holder_is_flagged(tenure, alice, gina):
    other = make_tenure(alice, gina, round_=tenure.application.round, name="李秀英")
    apprentice(tenure, alice, "孙小明", (SENIOR, IN_PERIOD, "3710002025000123"))
    apprentice(tenure, alice, "周晓红", (SENIOR, IN_PERIOD))
    make_apprentice(other, by=alice, name="孙晓明", certificates=[(SENIOR, IN_PERIOD, "37100020-2500-0123")])
    review = submitted_review(tenure)

    assert check(review, 5)[0] == "judge"
    assert [(c.apprentice, c.duplicate_of) for c in review_certificates(review=review)] == [
        ("孙小明", ("李秀英",)),
        ("周晓红", ()),
    ]


def test_a_certificate_without_its_scan_counts_but_is_the_officers_to_judge(tenure, alice):
    apprentice(tenure, alice, "孙小明", (SENIOR, IN_PERIOD))
    make_apprentice(tenure, by=alice, name="周晓红", certificates=[(SENIOR, IN_PERIOD)])
    review = submitted_review(tenure)

    assert check(review, 5) == (
        "judge",
        "复核期间有2名徒弟取得高级工（三级）以上职业技能等级证书：孙小明、周晓红（证书未上传扫描件）；"
        "其中有待核实的证书，核实无误方达到第八条（五）规定的2名，请经办人认定。",
        True,
    )


def test_the_number_and_the_level_come_from_the_policy(tenure, alice):
    policy = tenure.policy
    policy.apprentices_per_year, policy.apprentice_min_level = 1, TECHNICIAN
    policy.save(update_fields=["apprentices_per_year", "apprentice_min_level"])
    two_apprentices(tenure, alice)
    review = submitted_review(tenure)

    assert check(review, 5) == (
        "pass",
        "复核期间有1名徒弟取得技师（二级）以上职业技能等级证书：周晓红，达到第八条（五）规定的1名。",
        False,
    )


# --- Constant queries ---------------------------------------------------------------------------------------


def test_the_checks_read_as_many_queries_for_three_reviews_as_for_one(
    django_assert_num_queries, tenure, alice, gina
):

    reviews = [submitted_review(tenure)]
    two_apprentices(tenure, alice)
    for name in ["李秀英", "赵立新"]:
        other = make_tenure(alice, gina, round_=tenure.application.round, name=name)
        two_apprentices(other, alice)
        reviews.append(submitted_review(other))

    with django_assert_num_queries(10):
        review_checks_compute(reviews=reviews[:1])
    with django_assert_num_queries(10):
        results = review_checks_compute(reviews=reviews)
    assert [[r.verdict for r in results[rv.pk]] for rv in reviews] == [
        ["pass", "judge", "judge", "judge", "pass"]
    ] * 3


def test_a_review_written_without_its_period_is_checked_over_the_terms_year(tenure, alice):
    from chieftech.tenure.models import AnnualReview

    two_apprentices(tenure, alice)
    review = submitted_review(tenure)
    AnnualReview.objects.filter(pk=review.pk).update(period_start=None, period_end=None)
    review.refresh_from_db()

    assert check(review, 5)[0] == "pass"
