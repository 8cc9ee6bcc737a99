"""The committee's and the score sheet's transition tables, pair by pair: every allowed move succeeds with one
audit record of the states before and after; every other move is refused and changes nothing."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from chieftech.core.errors import DomainError
from chieftech.evaluation.domain.transitions import (
    COMMITTEE_TRANSITIONS,
    SHEET_TRANSITIONS,
    committee_transition,
    sheet_transition,
)
from chieftech.evaluation.models import Committee, CommitteeMember, CommitteeState, ScoreSheet
from tests.evaluation.factories import make_expert
from tests.factories import IN_WINDOW, make_application, make_round
from tests.transitions import pairs, records, row

COMMITTEE_ALLOWED, COMMITTEE_REFUSED = pairs(COMMITTEE_TRANSITIONS, CommitteeState.values)
SHEET_ALLOWED, SHEET_REFUSED = pairs(SHEET_TRANSITIONS, ScoreSheet.State.values)


def test_the_tables_cover_every_state_and_name_only_known_ones():
    assert set(COMMITTEE_TRANSITIONS) == set(CommitteeState.values)
    assert set().union(*COMMITTEE_TRANSITIONS.values()) <= set(CommitteeState.values)
    assert set(SHEET_TRANSITIONS) == set(ScoreSheet.State.values)
    assert set().union(*SHEET_TRANSITIONS.values()) <= set(ScoreSheet.State.values)
    assert (len(COMMITTEE_ALLOWED), len(SHEET_ALLOWED)) == (4, 4)


@pytest.fixture
def committee(olivia, chris):
    round_ = make_round(olivia)
    chair = make_expert("蔡主任", user=chris)
    committee = Committee.objects.create(round=round_, name="评审委员会", chair=chair, created_by=olivia)
    CommitteeMember.objects.create(committee=committee, expert=chair)
    return committee


def _in_state(obj, state: str):
    """`obj` put in `state` behind the caller's back: the caller's copy is stale, as another request's is."""
    type(obj)._default_manager.filter(pk=obj.pk).update(state=state)
    return obj


@pytest.mark.parametrize(("current", "to"), COMMITTEE_ALLOWED)
def test_an_allowed_committee_move_is_saved_and_audited_once(committee, chris, leo, current, to):
    _in_state(committee, current)
    # The chair moves the committee; sending a confirmed list back is the leadership's.
    actor = leo if (current, to) == (CommitteeState.CONFIRMED, CommitteeState.CLOSED) else chris

    committee_transition(actor=actor, committee=committee, to_state=to, reason="理由", now=IN_WINDOW)

    assert Committee.objects.get(pk=committee.pk).state == to
    [record] = records(committee)
    assert (record.actor_username, record.before["state"], record.after["state"]) == (
        actor.username,
        current,
        to,
    )


@pytest.mark.parametrize(("current", "to"), COMMITTEE_ALLOWED)
@pytest.mark.parametrize("who", ["olivia", "erin", "gina", "alice"])
def test_a_committee_move_by_anyone_else_is_refused_and_changes_nothing(committee, request, who, current, to):
    _in_state(committee, current)
    before = row(committee)

    with pytest.raises(PermissionDenied):
        committee_transition(
            actor=request.getfixturevalue(who), committee=committee, to_state=to, now=IN_WINDOW
        )

    assert row(committee) == before
    assert not records(committee).exists()


@pytest.mark.parametrize(("current", "to"), COMMITTEE_REFUSED)
def test_a_committee_move_the_table_does_not_allow_is_refused_and_changes_nothing(
    committee, chris, current, to
):
    _in_state(committee, current)
    before = row(committee)

    with pytest.raises(DomainError) as refused:
        committee_transition(actor=chris, committee=committee, to_state=to, reason="理由", now=IN_WINDOW)

    assert refused.value.code == "invalid_transition"
    assert refused.value.message == (
        f"评审委员会当前为“{CommitteeState(current).label}”，不能变更为“{CommitteeState(to).label}”。"
    )
    assert row(committee) == before
    assert not records(committee).exists()


def test_closing_records_the_time_and_reason_and_a_return_to_closed_keeps_them(committee, chris, leo):
    _in_state(committee, CommitteeState.SCORING)
    committee_transition(
        actor=chris, committee=committee, to_state=CommitteeState.CLOSED, reason="提前结束", now=IN_WINDOW
    )
    committee_transition(actor=chris, committee=committee, to_state=CommitteeState.CONFIRMED)

    committee_transition(actor=leo, committee=committee, to_state=CommitteeState.CLOSED, reason="审定不同意")

    committee.refresh_from_db()
    assert (committee.state, committee.scoring_closed_at, committee.close_reason) == (
        CommitteeState.CLOSED,
        IN_WINDOW,
        "提前结束",
    )
    assert list(records(committee).order_by("pk").values_list("action", flat=True)) == [
        "scoring.close",
        "committee.confirm",
        "committee.return_by_leadership",
    ]


# --- Score sheets --------------------------------------------------------------------------------------


@pytest.fixture
def sheets(committee, alice, olivia):
    application = make_application(alice, committee.round)
    member = committee.members.get()
    return {
        part: ScoreSheet.objects.create(member=member, application=application, part=part)
        for part in ScoreSheet.Part.values
    }


def _move_sheet(sheet, to, actor):
    return sheet_transition(
        actor=actor, sheet=sheet, to_state=to, total=Decimal("80.00"), now=IN_WINDOW, reason="理由"
    )


@pytest.mark.parametrize(("current", "to"), SHEET_ALLOWED)
def test_an_allowed_sheet_move_is_saved_and_audited_once(sheets, chris, current, to):
    sheet = _in_state(sheets[ScoreSheet.Part.ONSITE], current)

    _move_sheet(sheet, to, chris)  # the sheet's own expert submits; as the chair, sends it back

    saved = ScoreSheet.objects.get(pk=sheet.pk)
    assert (saved.state, saved.total, saved.submitted_at) == (
        to,
        Decimal("80.00") if to == ScoreSheet.State.SUBMITTED else None,
        IN_WINDOW if to == ScoreSheet.State.SUBMITTED else None,
    )
    [record] = records(sheet)
    assert (record.before["state"], record.after["state"]) == (current, to)


@pytest.mark.parametrize(("current", "to"), SHEET_REFUSED)
def test_a_sheet_move_the_table_does_not_allow_is_refused_and_changes_nothing(sheets, chris, current, to):
    sheet = _in_state(sheets[ScoreSheet.Part.ONSITE], current)
    before = row(sheet)

    with pytest.raises(DomainError) as refused:
        _move_sheet(sheet, to, chris)

    assert refused.value.code == "invalid_transition"
    assert row(sheet) == before
    assert not records(sheet).exists()


@pytest.mark.parametrize(("current", "to"), SHEET_ALLOWED)
def test_another_expert_neither_submits_nor_sends_back_a_sheet(sheets, erin, current, to):
    sheet = _in_state(sheets[ScoreSheet.Part.ONSITE], current)
    before = row(sheet)

    with pytest.raises(PermissionDenied):
        _move_sheet(sheet, to, erin)

    assert row(sheet) == before
    assert not records(sheet).exists()


def test_only_an_onsite_sheet_can_be_absent(sheets, chris):
    sheet = sheets[ScoreSheet.Part.COMPREHENSIVE]
    before = row(sheet)

    with pytest.raises(DomainError) as refused:
        _move_sheet(sheet, ScoreSheet.State.ABSENT, chris)

    assert refused.value.message == "只有现场技能考查评分表可以标记未到场。"
    assert row(sheet) == before
    assert not records(sheet).exists()
