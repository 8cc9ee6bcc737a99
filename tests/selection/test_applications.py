"""Applications through their life: drafts, submission at the deadline, duplicates, review decisions."""

from datetime import date, datetime, timedelta

import pytest

from chieftech.audit.models import AuditRecord
from chieftech.core.errors import DomainError
from chieftech.selection.domain.applications import (
    application_submit,
    application_update,
    application_withdraw,
)
from chieftech.selection.domain.review import review_decide
from chieftech.selection.domain.rounds import round_transition
from chieftech.selection.models import Application, ReviewDecision
from tests.factories import IN_WINDOW, SHANGHAI, judged, make_application, make_id_number, make_round

LAST_SECOND = datetime(2026, 12, 15, 23, 59, 59, tzinfo=SHANGHAI)


@pytest.fixture
def round_(olivia):
    return make_round(olivia)


def test_submission_at_the_last_second_of_the_deadline_day_is_accepted(alice, round_):
    application = make_application(alice, round_)
    application_submit(actor=alice, application=application, now=LAST_SECOND)
    application.refresh_from_db()
    assert application.state == "submitted"
    assert application.age_on_reference_date == 46
    assert application.skill_level == 5


def test_submission_one_second_after_the_deadline_is_refused_with_the_deadline(alice, round_):
    application = make_application(alice, round_)
    with pytest.raises(DomainError) as refused:
        application_submit(actor=alice, application=application, now=LAST_SECOND + timedelta(seconds=1))
    assert refused.value.message == "申报已于2026年12月15日24时截止，不能再提交。"
    application.refresh_from_db()
    assert application.state == "draft"


def test_a_second_application_for_the_same_id_number_is_refused(alice, bob, round_):
    make_application(alice, round_)
    with pytest.raises(DomainError) as refused:
        make_application(bob, round_)
    assert refused.value.field == "id_number"
    assert (
        refused.value.message
        == "该人员在本批次已有申报，不能重复申报。如有疑问，请联系区人力资源和社会保障局。"
    )
    assert Application.objects.count() == 1


def test_submit_needs_the_enterprise_notice(alice, round_):
    application = make_application(alice, round_, enterprise_notice_outcome="")
    with pytest.raises(DomainError) as refused:
        application_submit(actor=alice, application=application, now=IN_WINDOW)
    assert "推荐人选须经单位公示后上报" in refused.value.message
    assert AuditRecord.objects.filter(action="application.submit").count() == 0


def test_another_enterprise_cannot_submit_or_edit(alice, bob, round_):
    application = make_application(alice, round_)
    with pytest.raises(DomainError):
        application_submit(actor=bob, application=application, now=IN_WINDOW)
    with pytest.raises(DomainError):
        application_update(actor=bob, application=application, data={"name": "篡改"})
    application.refresh_from_db()
    assert (application.state, application.name) == ("draft", "王建国")


def test_return_correct_resubmit_then_qualify_keeps_the_history(alice, olivia, round_):
    application = make_application(alice, round_, submit=True)
    review_decide(
        actor=olivia,
        application=application,
        outcome="returned",
        reason="请补充技师证书扫描件。",
        now=IN_WINDOW,
    )
    application.refresh_from_db()
    assert (application.state, application.correction_round) == ("returned", 1)
    application_update(actor=alice, application=application, data={"post": "数控车间班组长"})
    application_submit(actor=alice, application=application, now=IN_WINDOW)
    review_decide(
        actor=olivia,
        application=application,
        outcome="qualified",
        officer_verdicts=judged(application),
        now=IN_WINDOW,
    )
    application.refresh_from_db()
    assert application.state == "qualified"
    decisions = list(application.decisions.values_list("correction_round", "outcome"))
    assert decisions == [(1, "returned"), (1, "qualified")]
    actions = list(
        AuditRecord.objects.filter(object_type="selection.application").values_list("action", flat=True)
    )
    assert actions == [
        "application.create",
        "application.submit",
        "application.return",
        "application.update",
        "application.resubmit",
        "application.qualify",
    ]


def test_each_decision_that_needs_a_reason_refuses_without_one(alice, olivia, round_):
    application = make_application(alice, round_, submit=True)
    for outcome in ("not_qualified", "returned", "fraud"):
        with pytest.raises(DomainError) as refused:
            review_decide(actor=olivia, application=application, outcome=outcome, reason="  ", now=IN_WINDOW)
        assert refused.value.field == "reason"
    application.refresh_from_db()
    assert application.state == "submitted"
    assert ReviewDecision.objects.count() == 0


def test_not_qualified_with_reason(alice, olivia, round_):
    application = make_application(alice, round_, submit=True)
    review_decide(
        actor=olivia, application=application, outcome="not_qualified", reason="不在一线岗位。", now=IN_WINDOW
    )
    application.refresh_from_db()
    assert application.state == "not_qualified"
    assert AuditRecord.objects.get(action="application.disqualify").reason == "不在一线岗位。"


def test_a_senior_worker_cannot_be_qualified(alice, olivia, round_):
    application = make_application(alice, round_, submit=True, level=4)
    with pytest.raises(DomainError) as refused:
        review_decide(
            actor=olivia,
            application=application,
            outcome="qualified",
            officer_verdicts=judged(application),
            now=IN_WINDOW,
        )
    assert refused.value.message_dict == {
        "outcome": ["不能认定资格审查通过：1项条件不符合，见各条件的审查意见。"],
        "verdict_skill_level": ["第六条“具有技师以上职业资格”判定为不符合，不能认定资格审查通过。"],
    }


def test_fraud_bars_the_id_number_from_the_round(alice, bob, olivia, round_):
    application = make_application(alice, round_, submit=True)
    review_decide(
        actor=olivia, application=application, outcome="fraud", reason="技师证书系伪造。", now=IN_WINDOW
    )
    with pytest.raises(DomainError) as refused:
        make_application(bob, round_)
    assert refused.value.message == "该身份证号码因申报材料弄虚作假，已被取消本批次申报资格，不能再次申报。"


def test_withdrawal_needs_a_reason_and_frees_the_id_number(alice, round_):
    application = make_application(alice, round_, submit=True)
    with pytest.raises(DomainError):
        application_withdraw(actor=alice, application=application, reason="")
    application_withdraw(actor=alice, application=application, reason="本人调离一线岗位。")
    application.refresh_from_db()
    assert application.state == "withdrawn"
    again = make_application(alice, round_)
    assert again.state == "draft"


def test_no_withdrawal_after_the_decision(alice, olivia, round_):
    application = make_application(alice, round_, submit=True)
    review_decide(
        actor=olivia,
        application=application,
        outcome="qualified",
        officer_verdicts=judged(application),
        now=IN_WINDOW,
    )
    with pytest.raises(DomainError):
        application_withdraw(actor=alice, application=application, reason="改变主意")


def test_review_starts_only_after_the_deadline(olivia, round_):
    with pytest.raises(DomainError) as refused:
        round_transition(actor=olivia, round_=round_, to_state="review", now=LAST_SECOND)
    assert refused.value.message == "申报截止时间为2026年12月15日24时，截止后方可开始资格审查。"
    round_transition(actor=olivia, round_=round_, to_state="review", now=LAST_SECOND + timedelta(seconds=1))
    round_.refresh_from_db()
    assert round_.state == "review"


def test_id_number_is_stored_encrypted_with_birth_date_and_gender_derived(alice, round_):
    application = make_application(alice, round_, id_number=make_id_number(date(1990, 3, 8), serial=124))
    assert (application.birth_date, application.gender) == (date(1990, 3, 8), "女")
    assert application.id_number_masked == application.id_number[:4] + "*" * 10 + application.id_number[-4:]
