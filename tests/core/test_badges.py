"""One badge per state: each kind's map is checked against the app's own choices, so a renamed or added
state cannot silently lose its badge."""

import pytest
from django.template import Context, Template

from chieftech.accounts.models import Enterprise, RoleProposal
from chieftech.core.badges import BAD, BADGES, NEUTRAL, OK, WARN, badge_css
from chieftech.evaluation.models import CommitteeState, ScoreSheet
from chieftech.publicity.models import Notice, Objection
from chieftech.selection.models import ApplicationState, ConditionVerdict, RoundState
from chieftech.subsidy.models import PayrollBatchState, RecoveryState
from chieftech.tenure.models import BankAccountState, StatusChangeState, TenureStatus

CHOICES = {
    "round": RoundState,
    "application": ApplicationState,
    "verdict": ConditionVerdict,
    "committee": CommitteeState,
    "score_sheet": ScoreSheet.State,
    "notice": Notice.State,
    "objection": Objection.State,
    "enterprise": Enterprise.Status,
    "tenure": TenureStatus,
    "role_proposal": RoleProposal.State,
    "status_change": StatusChangeState,
    "bank_account": BankAccountState,
    "payroll_batch": PayrollBatchState,
    "recovery": RecoveryState,
}


def test_every_kind_is_checked_against_its_choices():
    assert sorted(BADGES) == sorted(CHOICES)


@pytest.mark.parametrize("kind", sorted(CHOICES))
def test_every_state_in_a_map_exists(kind):
    assert set(BADGES[kind]) <= set(CHOICES[kind].values)


@pytest.mark.parametrize(
    ("kind", "neutral"),
    [
        ("round", ["review", "evaluation", "notice", "approval", "published"]),
        ("application", ["withdrawn"]),
        ("verdict", []),
        ("committee", []),
        ("score_sheet", ["absent"]),
        ("notice", ["closed"]),
        ("objection", []),
        ("enterprise", []),
        ("tenure", ["expired"]),
        ("status_change", ["withdrawn"]),
        ("bank_account", ["superseded"]),
        ("payroll_batch", []),
    ],
)
def test_the_states_without_a_tone_are_the_neutral_ones(kind, neutral):
    assert [value for value in CHOICES[kind].values if badge_css(kind, value) == NEUTRAL] == neutral


def test_the_committee_is_in_progress_while_scoring_and_done_once_closed():
    # Two pages used to disagree on "scoring": the officer's committee page showed it as done.
    assert [badge_css("committee", state) for state in CommitteeState] == [WARN, WARN, OK, OK]


def test_the_application_tones():
    assert {state.value: badge_css("application", state) for state in ApplicationState} == {
        "draft": WARN,
        "submitted": WARN,
        "returned": WARN,
        "withdrawn": NEUTRAL,
        "qualified": OK,
        "not_qualified": BAD,
        "fraud": BAD,
        "proposed": OK,
        "not_proposed": BAD,
        "removed": BAD,
        "approved": OK,
        "not_approved": BAD,
    }


def test_the_same_value_can_mean_different_tones_in_different_kinds():
    assert badge_css("score_sheet", "submitted") == "status-ok"
    assert badge_css("application", "submitted") == "status-warn"
    assert badge_css("enterprise", "suspended") == "status-bad"
    assert badge_css("tenure", "suspended") == "status-warn"


def test_an_unknown_or_missing_state_is_neutral():
    assert badge_css("round", "no-such-state") == ""
    assert badge_css("round", None) == ""


def test_the_template_filter_gives_the_same_class():
    template = Template('{% load core_tags %}<span class="status {{ s|badge:"objection" }}">')
    assert template.render(Context({"s": Objection.State.UPHELD})) == '<span class="status status-bad">'
