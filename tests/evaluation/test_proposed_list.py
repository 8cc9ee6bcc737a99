"""The proposed list (建议人选名单): the chair changes its size with a reason and confirms it in one transition."""

import pytest

from chieftech.audit.models import AuditRecord
from chieftech.core.errors import DomainError
from chieftech.core.models import Notification
from chieftech.evaluation.domain.results import proposed_list_confirm, proposed_list_update
from chieftech.evaluation.models import CommitteeState, ProposedList
from chieftech.selection.models import Application, ApplicationState, RoundState
from tests.evaluation.test_results_helpers import CLOSED_AT, make_worked_example


@pytest.fixture
def scored(olivia, alice, bob, chris):
    return make_worked_example(olivia, alice, bob, chris)


def _listed(round_) -> list[str]:
    return sorted(ProposedList.objects.get(round=round_).applications.values_list("name", flat=True))


def test_a_size_other_than_the_quota_needs_a_reason(scored, chris):
    with pytest.raises(DomainError) as refused:
        proposed_list_update(actor=chris, round_=scored.round, size=3, reason="  ")
    assert (refused.value.message, refused.value.field) == (
        "本批次选拔名额为2人左右，建议人数与名额不同须填写理由。",
        "reason",
    )
    assert _listed(scored.round) == ["李秀英", "王建国"]

    plist = proposed_list_update(actor=chris, round_=scored.round, size=3, reason="第三名与第二名差距较小")

    assert (plist.size, plist.size_reason) == (3, "第三名与第二名差距较小")
    assert _listed(scored.round) == ["张志强", "李秀英", "王建国"]
    record = AuditRecord.objects.get(action="proposed_list.update")
    assert (record.actor_id, record.reason) == (chris.pk, "第三名与第二名差距较小")
    assert record.before["size"] == 2
    assert record.after["size"] == 3


def test_back_to_the_quota_needs_no_reason(scored, chris):
    proposed_list_update(actor=chris, round_=scored.round, size=1, reason="只推荐第一名")
    plist = proposed_list_update(actor=chris, round_=scored.round, size=2, reason="")
    assert (plist.size, plist.size_reason) == (2, "")
    assert _listed(scored.round) == ["李秀英", "王建国"]


@pytest.mark.parametrize("size", [0, 4])
def test_the_size_lies_between_one_and_the_number_of_candidates(scored, chris, size):
    with pytest.raises(DomainError) as refused:
        proposed_list_update(actor=chris, round_=scored.round, size=size, reason="理由")
    assert (refused.value.message, refused.value.field) == ("建议人数须在1至3人之间（候选人共3人）。", "size")


def test_only_the_committees_chair_changes_the_list(scored, olivia):
    other_chair = scored.users["专家甲"]  # a member, but not the chair
    for actor in (olivia, other_chair):
        with pytest.raises(DomainError) as refused:
            proposed_list_update(actor=actor, round_=scored.round, size=3, reason="理由")
        assert refused.value.message == "只有评审委员会主任可以调整建议人数。"
    assert not AuditRecord.objects.filter(action="proposed_list.update").exists()


def test_confirm_moves_applications_committee_and_round_in_one_audited_step(scored, chris, olivia):
    first, second, third = scored.applications

    plist = proposed_list_confirm(actor=chris, round_=scored.round, now=CLOSED_AT)

    states = {a.pk: a.state for a in Application.objects.filter(round=scored.round)}
    assert states == {
        first.pk: ApplicationState.PROPOSED,
        second.pk: ApplicationState.PROPOSED,
        third.pk: ApplicationState.NOT_PROPOSED,
    }
    scored.committee.refresh_from_db()
    scored.round.refresh_from_db()
    assert scored.committee.state == CommitteeState.CONFIRMED
    assert scored.round.state == RoundState.NOTICE
    assert (plist.confirmed_by, plist.confirmed_at) == (chris, CLOSED_AT)
    actions = list(
        AuditRecord.objects.filter(actor_id=chris.pk).order_by("id").values_list("action", "object_id")
    )
    assert actions == [
        ("application.propose", str(first.pk)),
        ("application.propose", str(second.pk)),
        ("application.not_propose", str(third.pk)),
        ("committee.confirm", str(scored.committee.pk)),
        ("round.start_notice", str(scored.round.pk)),
        ("proposed_list.confirm", str(plist.pk)),
    ]
    record = AuditRecord.objects.get(action="proposed_list.confirm")
    assert record.after == {
        "committee": "confirmed",
        "round": "notice",
        "size": 2,
        "proposed": [first.pk, second.pk],
    }
    notice = Notification.objects.get(
        user=olivia, subject=f"{scored.round.title}：评审委员会已确认建议人选名单"
    )
    assert notice.url == f"/evaluation/rounds/{scored.round.pk}/results/"


def test_confirm_is_refused_before_close(olivia, alice, bob, chris):
    scored = make_worked_example(olivia, alice, bob, chris, close=False)
    with pytest.raises(DomainError) as refused:
        proposed_list_confirm(actor=chris, round_=scored.round, now=CLOSED_AT)
    assert refused.value.message == "评分结束后方可确认建议人选名单。"
    scored.round.refresh_from_db()
    assert scored.round.state == RoundState.EVALUATION
    assert not AuditRecord.objects.filter(action="proposed_list.confirm").exists()


def test_confirm_is_refused_to_anyone_but_the_chair(scored, olivia):
    for actor in (olivia, scored.users["专家甲"]):
        with pytest.raises(DomainError) as refused:
            proposed_list_confirm(actor=actor, round_=scored.round, now=CLOSED_AT)
        assert refused.value.message == "只有评审委员会主任可以确认建议人选名单。"
    scored.committee.refresh_from_db()
    assert scored.committee.state == CommitteeState.CLOSED
    states = set(Application.objects.filter(round=scored.round).values_list("state", flat=True))
    assert states == {ApplicationState.QUALIFIED}


def test_confirm_twice_is_refused_and_changes_nothing(scored, chris):
    proposed_list_confirm(actor=chris, round_=scored.round, now=CLOSED_AT)
    with pytest.raises(DomainError) as refused:
        proposed_list_confirm(actor=chris, round_=scored.round, now=CLOSED_AT)
    assert refused.value.message == "建议人选名单已确认。"
    assert AuditRecord.objects.filter(action="proposed_list.confirm").count() == 1
    with pytest.raises(DomainError):
        proposed_list_update(actor=chris, round_=scored.round, size=3, reason="理由")
