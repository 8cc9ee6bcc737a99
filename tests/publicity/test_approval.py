"""审定 and 批准 (第10条(六)): each path of the leadership's decision, the government's approval, publication."""

from datetime import date, datetime

import pytest
from django.core.exceptions import PermissionDenied

from chieftech.audit.models import AuditRecord
from chieftech.certificates.models import Certificate
from chieftech.core.errors import DomainError
from chieftech.core.models import Notification
from chieftech.evaluation.models import CommitteeState, ProposedList
from chieftech.publicity.domain.approval import (
    document_number_normalise,
    government_approve,
    leadership_decide,
    roster_publish,
)
from chieftech.publicity.domain.current import round_current_decision, round_earlier_decisions
from chieftech.publicity.models import GovernmentApproval, LeadershipDecision, Notice
from chieftech.selection.domain.rounds import round_transition
from chieftech.selection.models import ApplicationState, RoundState
from chieftech.tenure.models import Tenure, TenureStatus
from tests.certificates.factories import (
    APPROVED_ON,
    DOCUMENT_NUMBER,
    MEETING,
    SIGNED,
    make_approval_stage_round,
    make_closed_notice,
)
from tests.evaluation.factories import AFTER_DEADLINE, make_committee, make_expert_user
from tests.factories import IN_WINDOW, SHANGHAI, committee_chair
from tests.publicity.factories import make_notice_stage_round

DECIDED_AT = datetime(2026, 12, 29, 15, 0, tzinfo=SHANGHAI)
APPROVED_AT = datetime(2026, 12, 31, 16, 0, tzinfo=SHANGHAI)
PUBLISHED_AT = datetime(2027, 1, 4, 9, 0, tzinfo=SHANGHAI)
MINUTES = "区委人才工作领导小组2026年第4次会议纪要"
Outcome = LeadershipDecision.Outcome


@pytest.fixture
def staged(olivia, alice, bob):
    return make_approval_stage_round(olivia, [alice, bob], n=3)


def decide(leader, round_, outcome=Outcome.APPROVE, **kwargs):
    kwargs = {"meeting_date": MEETING, "minutes_reference": MINUTES, "now": DECIDED_AT, **kwargs}
    return leadership_decide(actor=leader, round_=round_, outcome=outcome, **kwargs)


def approve(government, round_, **kwargs):
    kwargs = {"document_number": DOCUMENT_NUMBER, "approved_on": APPROVED_ON, "now": APPROVED_AT, **kwargs}
    return government_approve(actor=government, round_=round_, **{**SIGNED, **kwargs})


def states(applications) -> list[str]:
    for application in applications:
        application.refresh_from_db()
    return [application.state for application in applications]


def actions(*names: str) -> list[tuple[str, str, str]]:
    return list(
        AuditRecord.objects.filter(action__in=names)
        .order_by("id")
        .values_list("action", "actor_username", "object_id")
    )


# --- The leadership's decision ---------------------------------------------------------------------


def test_approve_records_the_decision_and_waits_for_the_government(staged, leo, gina):
    round_, proposed = staged

    decision = decide(leo, round_)

    round_.refresh_from_db()
    assert round_.state == RoundState.APPROVAL
    assert states(proposed) == [ApplicationState.PROPOSED] * 3
    assert (decision.outcome, decision.meeting_date, decision.minutes_reference) == (
        Outcome.APPROVE,
        MEETING,
        MINUTES,
    )
    assert (decision.decided_by, decision.decided_at) == (leo, DECIDED_AT)
    record = AuditRecord.objects.get(action="leadership.decide")
    assert (record.actor_username, record.object_id) == ("leo", str(decision.pk))
    assert record.before is None
    assert record.after["outcome"] == "approve"
    assert record.after["removed"] == []
    note = Notification.objects.get(user=gina)
    assert note.subject == f"{round_.title}：领导小组已审定，待区政府批准"
    assert note.body == "领导小组2026年12月29日会议审定同意3名首席技师人选，请登记区政府批准文号。"
    assert note.url == f"/publicity/manage/rounds/{round_.pk}/approval/"


def test_approve_with_removals_marks_the_named_candidates_not_approved(staged, leo, gina):
    round_, proposed = staged
    note = "经研究，该同志所在企业正接受安全生产事故调查，暂不予审定。"

    decision = decide(leo, round_, Outcome.APPROVE_WITH_REMOVALS, removed=[proposed[1]], note=note)

    assert states(proposed) == [
        ApplicationState.PROPOSED,
        ApplicationState.NOT_APPROVED,
        ApplicationState.PROPOSED,
    ]
    assert list(decision.removed.all()) == [proposed[1]]
    removal = AuditRecord.objects.get(action="application.not_approve")
    assert (removal.object_id, removal.reason, removal.actor_username) == (str(proposed[1].pk), note, "leo")
    assert AuditRecord.objects.get(action="leadership.decide").after["removed"] == [proposed[1].pk]
    assert Notification.objects.get(user=gina).body == (
        "领导小组2026年12月29日会议审定同意2名首席技师人选，请登记区政府批准文号。"
    )


def test_reject_sends_the_whole_list_back_to_the_committee(olivia, alice, bob, leo, chris):
    round_, applications = make_notice_stage_round(olivia, [alice, bob], n=4, proposed=3)
    _, chair = make_expert_user("chair-zhou", real_name="周主任")
    _, expert = make_expert_user("expert-wu", real_name="吴专家")
    committee = make_committee(round_, officer=olivia, chair=chair, experts=[expert])
    committee.state = CommitteeState.CONFIRMED
    committee.save(update_fields=["state"])
    make_closed_notice(round_, applications)
    round_transition(actor=olivia, round_=round_, to_state=RoundState.APPROVAL, now=AFTER_DEADLINE)
    everyone = list(round_.applications.order_by("pk"))
    note = "建议人选行业分布过于集中，请评审委员会重新评审。"

    rejection = decide(leo, round_, Outcome.REJECT, note=note)

    round_.refresh_from_db()
    committee.refresh_from_db()
    assert (rejection.outcome, rejection.superseded) == (Outcome.REJECT, True)  # kept, as the record
    plist = ProposedList.objects.get(round=round_)
    assert round_.state == RoundState.EVALUATION
    assert states(everyone) == [ApplicationState.QUALIFIED] * 4
    assert committee.state == CommitteeState.CLOSED
    assert (plist.confirmed_by, plist.confirmed_at) == (None, None)
    assert Notice.objects.get(round=round_).state == Notice.State.CLOSED  # the archived record stays
    assert actions("committee.return_by_leadership", "proposed_list.unconfirm", "round.start_evaluation")[
        -3:
    ] == [
        ("committee.return_by_leadership", "leo", str(committee.pk)),
        ("proposed_list.unconfirm", "leo", str(plist.pk)),
        ("round.start_evaluation", "leo", str(round_.pk)),
    ]
    assert AuditRecord.objects.filter(action="application.return_to_committee", reason=note).count() == 4
    assert AuditRecord.objects.get(action="round.start_evaluation", actor_username="leo").reason == note
    subject = f"{round_.title}：领导小组审定不同意，名单退回评审委员会"
    assert sorted(Notification.objects.filter(subject=subject).values_list("user__username", flat=True)) == [
        "chair-zhou",
        "olivia",
    ]


def test_after_a_rejection_the_next_decision_is_a_record_of_its_own_beside_it(staged, olivia, leo):
    round_, proposed = staged
    rejection = decide(leo, round_, Outcome.REJECT, note="请重新评审。")
    assert rejection.superseded is True
    assert round_current_decision(round_) is None
    for application in proposed:
        application.refresh_from_db()
    # The committee confirms its list again and the notice runs again (states only, as the stages do).
    from chieftech.selection.domain.applications import application_transition

    for application in proposed:
        application_transition(
            actor=committee_chair(), application=application, to_state=ApplicationState.PROPOSED
        )
    round_transition(actor=committee_chair(), round_=round_, to_state=RoundState.NOTICE, now=AFTER_DEADLINE)
    round_transition(actor=olivia, round_=round_, to_state=RoundState.APPROVAL, now=AFTER_DEADLINE)

    decision = decide(
        leo, round_, meeting_date=date(2027, 2, 3), now=datetime(2027, 2, 3, 15, tzinfo=SHANGHAI)
    )

    assert list(
        LeadershipDecision.objects.filter(round=round_)
        .order_by("pk")
        .values_list("pk", "outcome", "superseded")
    ) == [(rejection.pk, Outcome.REJECT, True), (decision.pk, Outcome.APPROVE, False)]
    assert round_current_decision(round_) == decision
    assert round_earlier_decisions(round_) == [rejection]
    records = list(AuditRecord.objects.filter(action="leadership.decide").order_by("id"))
    assert [(r.object_id, r.after["outcome"], r.after["superseded"], r.before) for r in records] == [
        (str(rejection.pk), "reject", True, None),
        (str(decision.pk), "approve", False, None),
    ]


def test_the_list_sent_back_keeps_the_time_of_each_qualification_review(olivia, alice, bob, leo):
    round_, proposed = make_notice_stage_round(olivia, [alice, bob], n=3, proposed=2)
    make_closed_notice(round_, proposed)
    round_transition(actor=olivia, round_=round_, to_state=RoundState.APPROVAL, now=AFTER_DEADLINE)
    applications = list(round_.applications.order_by("pk"))  # two proposed, one not proposed
    reviewed = [a.decided_at for a in applications]
    assert reviewed == [IN_WINDOW] * 3

    decide(leo, round_, Outcome.REJECT, note="请重新评审。")

    assert states(applications) == [ApplicationState.QUALIFIED] * 3
    assert [a.decided_at for a in applications] == reviewed
    assert AuditRecord.objects.filter(action="application.return_to_committee").count() == 3


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        (
            {"outcome": Outcome.APPROVE_WITH_REMOVALS, "note": "理由"},
            "removed",
            "部分同意须至少选择一名取消的人选。",
        ),
        ({"outcome": Outcome.REJECT}, "note", "不同意时须写明理由，名单将退回评审委员会。"),
        ({"minutes_reference": "  "}, "minutes_reference", "请填写会议纪要编号或名称。"),
        ({"meeting_date": date(2026, 12, 30)}, "meeting_date", "会议日期不能晚于今天。"),
        ({"outcome": "maybe"}, "outcome", "请选择审定结论。"),
    ],
)
def test_an_incomplete_decision_is_refused_at_its_field(staged, leo, kwargs, field, message):
    round_, _ = staged
    kwargs = {"outcome": Outcome.APPROVE, **kwargs}

    with pytest.raises(DomainError) as refused:
        decide(leo, round_, **kwargs)

    assert (refused.value.field, refused.value.message) == (field, message)
    assert not LeadershipDecision.objects.filter(round=round_).exists()


def test_removals_are_refused_for_people_not_on_the_list_for_everyone_and_without_a_reason(staged, leo):
    round_, proposed = staged
    _, others = make_approval_stage_round(
        staged[0].created_by, [proposed[0].created_by], n=1, title="2026年度另一批次", confirmed=True
    )
    cases = [
        (dict(removed=[others[0]], note="理由"), "removed", "只能取消本批次建议人选名单中的人员。"),
        (
            dict(removed=proposed, note="理由"),
            "removed",
            "全部人选均不同意时，请选择“不同意”并退回评审委员会。",
        ),
        (dict(removed=[proposed[0]]), "note", "取消部分人选须在说明中写明理由。"),
    ]
    for kwargs, field, message in cases:
        with pytest.raises(DomainError) as refused:
            decide(leo, round_, Outcome.APPROVE_WITH_REMOVALS, **kwargs)
        assert (refused.value.field, refused.value.message) == (field, message)
    with pytest.raises(DomainError) as refused:
        decide(leo, round_, Outcome.APPROVE, removed=[proposed[0]])
    assert refused.value.message == "只有“部分同意”时才能选择取消的人选。"
    assert states(proposed) == [ApplicationState.PROPOSED] * 3
    assert not LeadershipDecision.objects.exists()


def test_the_leadership_decides_only_once_the_notice_has_finished(olivia, alice, leo):
    round_, _ = make_notice_stage_round(olivia, [alice], n=2)

    with pytest.raises(DomainError) as refused:
        decide(leo, round_)

    assert refused.value.message == "批次当前为“考察公示”，不能审定。须在“审定审批”阶段办理。"


def test_an_approving_decision_cannot_be_made_twice(staged, leo):
    round_, _ = staged
    decide(leo, round_)

    with pytest.raises(DomainError) as refused:
        decide(leo, round_, Outcome.REJECT, note="改变主意")

    assert refused.value.message == "领导小组已于2026年12月29日审定，不能重复审定。"
    assert LeadershipDecision.objects.get(round=round_).outcome == Outcome.APPROVE


@pytest.mark.parametrize("who", ["olivia", "gina", "alice"])
def test_only_the_leadership_decides(staged, request, who):
    round_, _ = staged

    with pytest.raises(PermissionDenied) as refused:
        decide(request.getfixturevalue(who), round_)

    assert str(refused.value) == "只有区委人才工作领导小组可以审定建议人选名单。"


# --- The government's approval ---------------------------------------------------------------------


def test_government_approval_approves_starts_the_terms_and_issues_certificates(staged, olivia, leo, gina):
    round_, proposed = staged
    decide(leo, round_, Outcome.APPROVE_WITH_REMOVALS, removed=[proposed[2]], note="暂缓")

    approval = approve(gina, round_)

    round_.refresh_from_db()
    assert round_.state == RoundState.APPROVAL
    assert (approval.document_number, approval.approved_on, approval.recorded_by) == (
        DOCUMENT_NUMBER,
        APPROVED_ON,
        gina,
    )
    assert approval.published_at is None
    assert states(proposed) == [
        ApplicationState.APPROVED,
        ApplicationState.APPROVED,
        ApplicationState.NOT_APPROVED,
    ]
    tenures = list(Tenure.objects.order_by("application_id"))
    assert [(t.application_id, t.starts_on, t.ends_on, t.status, t.status_since) for t in tenures] == [
        (a.pk, date(2026, 12, 31), date(2028, 12, 30), TenureStatus.ACTIVE, date(2026, 12, 31))
        for a in proposed[:2]
    ]
    assert [t.enterprise_id for t in tenures] == [a.enterprise_id for a in proposed[:2]]
    assert list(Certificate.objects.order_by("number").values_list("number", "tenure__application_id")) == [
        ("HCSJ-2026-001", proposed[0].pk),
        ("HCSJ-2026-002", proposed[1].pk),
    ]
    record = AuditRecord.objects.get(action="government.approve")
    assert record.actor_username == "gina"
    assert record.after["approved"] == [proposed[0].pk, proposed[1].pk]
    assert record.after["certificates"] == ["HCSJ-2026-001", "HCSJ-2026-002"]
    assert AuditRecord.objects.filter(action="tenure.start", actor_username="gina").count() == 2
    assert AuditRecord.objects.filter(action="certificate.issue", actor_username="gina").count() == 2
    assert AuditRecord.objects.filter(action="application.approve", reason=DOCUMENT_NUMBER).count() == 2
    note = Notification.objects.get(user=olivia, subject__contains="区政府已批准")
    assert note.subject == f"{round_.title}：区政府已批准（威环政字〔2026〕12号），待发文公布"
    assert note.body == "区政府于2026年12月31日批准2名首席技师，证书已编号生成。请发文公布名单。"


def test_government_approval_waits_for_an_approving_decision(staged, leo, gina):
    round_, _ = staged
    with pytest.raises(DomainError) as refused:
        approve(gina, round_)
    assert refused.value.message == "领导小组审定同意后，方可登记区政府批准。"

    decide(leo, round_, Outcome.REJECT, note="请重新评审。")
    with pytest.raises(DomainError) as refused:
        approve(gina, round_)
    assert refused.value.message == "批次当前为“专家评审”，不能登记区政府批准。须在“审定审批”阶段办理。"
    assert not GovernmentApproval.objects.exists()
    assert not Tenure.objects.exists()


@pytest.mark.parametrize(
    "number",
    [
        "威环政字2026年12号",
        "威环政字〔2026〕12",
        "〔2026〕12号",
        "威环政字〔26〕12号",
        "威环政字（2026）12号",
        "",
    ],
)
def test_a_document_number_without_year_brackets_and_号_is_refused_at_its_field(staged, leo, gina, number):
    round_, proposed = staged
    decide(leo, round_)

    with pytest.raises(DomainError) as refused:
        approve(gina, round_, document_number=number)

    assert refused.value.field == "document_number"
    assert (
        refused.value.message
        == "批准文号格式不正确，应为“发文机关代字〔年份〕序号号”，如：威环政字〔2026〕12号。"
    )
    assert states(proposed) == [ApplicationState.PROPOSED] * 3
    assert not GovernmentApproval.objects.exists()


def test_a_document_number_is_stored_as_printed():
    assert document_number_normalise(" 威环政字[2026]012号 ") == "威环政字〔2026〕12号"
    assert document_number_normalise("威环政字［2026］3号") == "威环政字〔2026〕3号"


def test_the_approval_date_must_match_the_document_year_and_follow_the_meeting(staged, leo, gina):
    round_, _ = staged
    decide(leo, round_)
    cases = [
        (
            dict(document_number="威环政字〔2027〕1号"),
            "document_number",
            "批准文号中的年份（2027）与批准日期（2026年12月31日）不一致。",
        ),
        (
            dict(approved_on=date(2026, 12, 28)),
            "approved_on",
            "批准日期不能早于领导小组审定会议日期（2026年12月29日）。",
        ),
        (dict(approved_on=date(2027, 1, 2)), "approved_on", "批准日期不能晚于今天。"),
    ]
    for kwargs, field, message in cases:
        with pytest.raises(DomainError) as refused:
            approve(gina, round_, **kwargs)
        assert (refused.value.field, refused.value.message) == (field, message)
    assert not GovernmentApproval.objects.exists()


def test_a_document_number_used_by_another_round_is_refused_and_nothing_is_half_saved(
    olivia, alice, leo, gina
):
    first, _ = make_approval_stage_round(olivia, [alice], n=1, title="2026年度第一批次")
    second, proposed = make_approval_stage_round(
        olivia, [alice], n=2, title="2026年度第二批次", confirmed=True
    )
    decide(leo, first)
    approve(gina, first)
    decide(leo, second)

    with pytest.raises(DomainError) as refused:
        approve(gina, second)

    assert (refused.value.field, refused.value.message) == (
        "document_number",
        "该批准文号已被其他批次使用，请核对。",
    )
    assert states(proposed) == [ApplicationState.PROPOSED] * 2
    assert Tenure.objects.filter(application__round=second).count() == 0


@pytest.mark.parametrize("who", ["olivia", "leo"])
def test_only_the_government_records_its_approval(staged, leo, request, who):
    round_, _ = staged
    decide(leo, round_)

    with pytest.raises(PermissionDenied) as refused:
        approve(request.getfixturevalue(who), round_)

    assert str(refused.value) == "只有本机关的区政府经办人可以登记批准。"


# --- Publication ----------------------------------------------------------------------------------


def test_the_officer_publishes_the_roster(staged, olivia, leo, gina, alice, bob):
    round_, _ = staged
    decide(leo, round_)
    approve(gina, round_)

    approval = roster_publish(actor=olivia, round_=round_, now=PUBLISHED_AT)

    round_.refresh_from_db()
    assert round_.state == RoundState.PUBLISHED
    assert approval.published_at == PUBLISHED_AT
    assert actions("roster.publish", "round.publish_roster") == [
        ("round.publish_roster", "olivia", str(round_.pk)),
        ("roster.publish", "olivia", str(approval.pk)),
    ]
    subject = f"{round_.title}：首席技师名单已发文公布"
    assert sorted(Notification.objects.filter(subject=subject).values_list("user__username", flat=True)) == [
        "alice",
        "bob",
    ]


def test_the_roster_is_published_only_after_the_government_approved_and_only_once(staged, olivia, leo, gina):
    round_, _ = staged
    decide(leo, round_)
    with pytest.raises(DomainError) as refused:
        roster_publish(actor=olivia, round_=round_, now=PUBLISHED_AT)
    assert refused.value.message == "区政府批准后，方可发文公布名单。"

    approve(gina, round_)
    with pytest.raises(PermissionDenied) as refused:
        roster_publish(actor=gina, round_=round_, now=PUBLISHED_AT)
    assert str(refused.value) == "只有本机关的人社局经办人可以发文公布名单。"

    roster_publish(actor=olivia, round_=round_, now=PUBLISHED_AT)
    with pytest.raises(DomainError) as refused:
        roster_publish(actor=olivia, round_=round_, now=PUBLISHED_AT)
    assert refused.value.message == "批次当前为“已发文公布”，不能发文公布。须在“审定审批”阶段办理。"
