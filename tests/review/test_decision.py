"""The officer's decision: passed, not passed (the term ends, the subsidy stops), returned with a new deadline;
every refusal, the notifications, and the attempts of those who may not decide."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied

from chieftech.accounts.roles import Role, role_conflicts
from chieftech.audit.models import AuditRecord
from chieftech.core.errors import DomainError
from chieftech.core.models import Notification
from chieftech.review.domain.decision import review_decide
from chieftech.subsidy.domain.entitlement import MonthState, entitlements_compute
from chieftech.tenure.models import AnnualReview, Tenure, TenureStatus
from tests.factories import grant, make_bank_account
from tests.review import decision_fixtures as fixtures
from tests.review.decision_fixtures import (
    DECIDED_AT,
    IN_PERIOD,
    SENIOR,
    apprentice,
    submitted_review,
)

# The fixtures the tests below ask for by name (tests/review/conftest.py is the campaign part's).
henry = fixtures.henry
review = fixtures.review
tenure = fixtures.tenure
walter = fixtures.walter
weihai = fixtures.weihai


MET = {n: {"verdict": "pass"} for n in (2, 3, 4)}


def decide(actor, review, outcome, verdicts=MET, reason=""):
    return review_decide(
        actor=actor, review=review, outcome=outcome, verdicts=verdicts, reason=reason, now=DECIDED_AT
    )


def one_apprentice_short(tenure, alice):
    apprentice(tenure, alice, "孙小明", (SENIOR, IN_PERIOD))
    return submitted_review(tenure)


def test_passed_keeps_the_snapshot_of_the_checks_and_the_verdicts(olivia, review):
    decided = decide(olivia, review, "passed", verdicts={**MET, 4: {"verdict": "pass", "note": "带头攻关"}})

    decided.refresh_from_db()
    assert (decided.state, decided.decided_by, decided.decided_at) == ("passed", olivia, DECIDED_AT)
    assert {n: (c["auto"], c["verdict"], c["note"]) for n, c in decided.checks.items()} == {
        "1": ("pass", "pass", ""),
        "2": ("judge", "pass", ""),
        "3": ("judge", "pass", ""),
        "4": ("judge", "pass", "带头攻关"),
        "5": ("pass", "pass", ""),
    }
    assert decided.checks["1"]["auto_reason"] == "管理期内仍在一线岗位从事技能工作，符合第八条（一）。"
    assert Tenure.objects.get(pk=review.tenure_id).status == TenureStatus.ACTIVE
    assert AuditRecord.objects.filter(action="review.pass").count() == 1


def test_failed_ends_the_term_from_the_decisions_day(olivia, tenure, alice):
    review = one_apprentice_short(tenure, alice)

    decide(olivia, review, "failed", reason="仅1名徒弟取得高级工证书。")

    tenure.refresh_from_db()
    review.refresh_from_db()
    assert (review.state, review.reason, review.checks["5"]["verdict"]) == (
        "failed",
        "仅1名徒弟取得高级工证书。",
        "fail",
    )
    assert (tenure.status, tenure.status_since) == (TenureStatus.NOT_RENEWED, date(2025, 12, 23))
    assert tenure.status_events.get().reason == "管理期第1年复核认定未通过：仅1名徒弟取得高级工证书。"


def test_returned_gives_the_correction_deadline_on_the_working_day_calendar(olivia, review):
    decide(olivia, review, "returned", verdicts=None, reason="带徒协议缺少签字页。")

    review.refresh_from_db()
    # 5 working days after Tuesday 23 December 2025: 24, 25, 26, 29, 30.
    assert (review.state, review.deadline, review.return_reason, review.returned_count) == (
        "returned",
        date(2025, 12, 30),
        "带徒协议缺少签字页。",
        1,
    )
    assert review.decided_by is None


# --- Refusals -------------------------------------------------------------------------------------------


def test_passed_is_refused_while_a_condition_is_not_met(olivia, tenure, alice):
    review = one_apprentice_short(tenure, alice)

    with pytest.raises(DomainError) as refused:
        decide(olivia, review, "passed")

    assert (refused.value.message, refused.value.field) == (
        "第八条（五）认定为不符合，不能作出“复核通过”的结论。",
        "outcome",
    )
    review.refresh_from_db()
    assert review.state == "submitted"


def test_every_condition_left_to_the_officer_must_be_judged(olivia, review):
    with pytest.raises(DomainError) as refused:
        decide(olivia, review, "passed", verdicts={2: {"verdict": "pass"}})

    assert refused.value.message_dict == {
        "verdict_3": ["请认定第八条（三）（无违法违纪行为）。"],
        "verdict_4": ["请认定第八条（四）（保持领先水平，发挥首席技师作用）。"],
    }


def test_overturning_an_automatic_result_needs_a_note(olivia, review):
    with pytest.raises(DomainError) as refused:
        decide(olivia, review, "failed", verdicts={**MET, 1: {"verdict": "fail"}}, reason="已调离一线。")

    assert refused.value.message_dict == {"note_1": ["改变第八条（一）的自动核查结果，须说明理由。"]}

    decide(
        olivia,
        review,
        "failed",
        verdicts={**MET, 1: {"verdict": "fail", "note": "实为管理岗"}},
        reason="已调离一线。",
    )
    review.refresh_from_db()
    assert (review.state, review.checks["1"]["note"]) == ("failed", "实为管理岗")


def test_failed_needs_a_condition_not_met_and_a_reason(olivia, review, tenure, alice):
    with pytest.raises(DomainError) as all_met:
        decide(olivia, review, "failed", reason="不同意。")
    assert all_met.value.message == "各项条件均认定为符合，不能作出“复核未通过”的结论。"

    with pytest.raises(DomainError) as no_reason:
        decide(olivia, review, "failed", verdicts={**MET, 2: {"verdict": "fail"}})
    assert (no_reason.value.message, no_reason.value.field) == (
        "请填写复核未通过的理由，告知本人和用人单位。",
        "reason",
    )


def test_returned_needs_a_reason_and_an_outcome_must_be_chosen(olivia, review):
    with pytest.raises(DomainError) as no_reason:
        decide(olivia, review, "returned", reason="  ")
    with pytest.raises(DomainError) as no_outcome:
        decide(olivia, review, "approved")

    assert (no_reason.value.field, no_outcome.value.message) == ("reason", "请选择复核结论。")


def test_a_decision_is_taken_once(olivia, review):
    stale = AnnualReview.objects.get(pk=review.pk)
    decide(olivia, review, "passed")

    with pytest.raises(DomainError) as repeated:
        decide(olivia, stale, "failed", verdicts={**MET, 2: {"verdict": "fail"}}, reason="重复")
    with pytest.raises(PermissionDenied):
        decide(olivia, AnnualReview.objects.get(pk=review.pk), "passed")

    assert repeated.value.message == "复核认定当前为“复核通过”，不能变更为“复核未通过”。"
    assert AuditRecord.objects.filter(action__in=["review.pass", "review.fail"]).count() == 1


@pytest.mark.parametrize("who", ["walter", "alice", "bob", "henry", "gina"])
def test_only_the_officer_of_the_terms_authority_decides(request, review, who):
    with pytest.raises(PermissionDenied):
        decide(request.getfixturevalue(who), review, "passed")

    review.refresh_from_db()
    assert review.state == "submitted"


def test_the_holder_can_never_decide_their_own_review(review, henry, alice):
    # An officer's role cannot be given to a holder's or an enterprise's account...
    assert role_conflicts({Role.TECHNICIAN, Role.OFFICER}) == [(Role.OFFICER.value, Role.TECHNICIAN.value)]
    assert role_conflicts({Role.ENTERPRISE, Role.OFFICER}) == [(Role.ENTERPRISE.value, Role.OFFICER.value)]
    # ...and were one given behind the rules' back, the decision would still be refused.
    for user in (henry, alice):
        grant(user, Role.OFFICER, authority=review.tenure.authority)
        with pytest.raises(PermissionDenied):
            decide(user, review, "passed")


def test_a_review_not_yet_submitted_cannot_be_decided(olivia, tenure):
    pending = submitted_review(tenure)
    AnnualReview.objects.filter(pk=pending.pk).update(state="pending")
    pending.refresh_from_db()

    with pytest.raises(PermissionDenied):
        decide(olivia, pending, "passed")


# --- Notifications and the subsidy --------------------------------------------------------------------------


def test_the_holder_and_the_enterprise_are_told(olivia, review, henry, alice, bob):
    decide(olivia, review, "returned", reason="带徒协议缺少签字页。")

    assert sorted(Notification.objects.values_list("user__username", "subject", "body", "url")) == [
        (
            "alice",
            "张海峰管理期第1年复核认定：退回补正",
            "退回理由：带徒协议缺少签字页。\n请于2025年12月30日前补正后重新报送，逾期不再受理。",
            f"/tenure/enterprise/{review.tenure_id}/",
        ),
        (
            "henry",
            "张海峰管理期第1年复核认定：退回补正",
            "退回理由：带徒协议缺少签字页。\n请于2025年12月30日前补正后重新报送，逾期不再受理。",
            "/tenure/me/reviews/",
        ),
    ]


def test_the_failed_notice_says_the_title_and_benefits_end(olivia, tenure, alice, henry):
    decide(olivia, one_apprentice_short(tenure, alice), "failed", reason="仅1名徒弟取得高级工证书。")

    assert set(Notification.objects.values_list("subject", "body")) == {
        (
            "张海峰管理期第1年复核认定：复核未通过",
            "管理期第1年复核认定未通过，理由：仅1名徒弟取得高级工证书。\n"
            "依第十二条，自2025年12月23日起不再保留首席技师称号，停止享受有关待遇。",
        )
    }


def months_13_to_24(tenure) -> set:
    fresh = Tenure.objects.select_related("policy").get(pk=tenure.pk)
    months = entitlements_compute(tenures=[fresh])[tenure.pk].months
    assert (months[12].month, months[-1].month) == (date(2026, 1, 1), date(2026, 12, 1))
    return {m.state for m in months[12:]}


def test_the_subsidy_stops_after_a_failed_review_and_pays_after_a_passed_one(olivia, tenure, alice, gina):
    make_bank_account(tenure, number="6222021603001234567")
    decide(olivia, one_apprentice_short(tenure, alice), "failed", reason="仅1名徒弟取得高级工证书。")
    assert months_13_to_24(tenure) == {MonthState.STOPPED}

    from tests.factories import make_tenure
    from tests.review.decision_fixtures import two_apprentices

    other = make_tenure(alice, gina, round_=tenure.application.round, name="李秀英")
    make_bank_account(other, number="6222021603007654321")
    two_apprentices(other, alice)
    assert months_13_to_24(other) == {MonthState.HELD}
    decide(olivia, submitted_review(other), "passed")
    assert months_13_to_24(other) == {MonthState.PAYABLE}


def test_a_return_in_a_year_without_calendar_data_is_refused_in_plain_words(olivia, review):
    from datetime import datetime

    from tests.factories import SHANGHAI

    with pytest.raises(DomainError) as refused:
        review_decide(
            actor=olivia,
            review=review,
            outcome="returned",
            verdicts=None,
            reason="补正",
            now=datetime(2035, 12, 28, 10, tzinfo=SHANGHAI),
        )

    assert refused.value.message == "缺少2035年的节假日安排：请系统管理员先录入2035年的放假和调休安排。"
    review.refresh_from_db()
    assert (review.state, review.returned_count) == ("submitted", 0)
