"""Every named permission a domain function asks, crossed with every role and every state of its object.

The object belongs to the Huancui authority; each permission is also asked by a holder of the right role
about the same object in another authority, where they hold no role.
"""

import itertools

import pytest
import rules

import chieftech.subsidy.rules  # noqa: F401  (declares the subsidy's rules asked here)
from chieftech.accounts.roles import INSTALLATION_ROLES, Role
from chieftech.policy.models import Authority
from chieftech.selection.domain.rounds import ROUND_TRANSITIONS
from chieftech.selection.models import Application, ApplicationState, Round, RoundState
from chieftech.selection.rules import APPLICATION_MOVE_PERM, ROUND_MOVE_ROLE, round_move_perm
from tests.certificates.factories import SIGNED
from tests.factories import huancui, make_user

# permission → the one role that holds it, and what it is asked about.
ROLE_RULES = {
    "selection.round_create": (Role.OFFICER, "authority"),
    "selection.round_manage": (Role.OFFICER, "round"),
    "selection.application_review": (Role.OFFICER, "application"),
    "policy.version_register": (Role.SYSADMIN, "authority"),
    "certificates.certificate_issue": (Role.GOVERNMENT, "round"),
    "tenure.tenure_start": (Role.GOVERNMENT, "application"),
    "publicity.notice_manage": (Role.OFFICER, "round"),
    "publicity.objection_handle": (Role.OFFICER, "round"),
    "publicity.leadership_decide": (Role.LEADER, "round"),
    "publicity.government_approve": (Role.GOVERNMENT, "round"),
    "publicity.government_send_back": (Role.GOVERNMENT, "round"),
    "publicity.roster_publish": (Role.OFFICER, "round"),
    "evaluation.committee_manage": (Role.OFFICER, "round"),
    "tenure.showcase_manage": (Role.OFFICER, "application"),
    "tenure.tenure_move": (Role.OFFICER, "application"),
    "subsidy.batch_build": (Role.OFFICER, "authority"),
}
ROLES = [role.value for role in Role]


@pytest.fixture
def people(db):
    """One user per role, plus a signed-in user with no role."""
    users = {role: make_user(f"matrix-{role}", role) for role in ROLES}
    users["none"] = make_user("matrix-none")
    return users


@pytest.fixture
def weihai(db):
    return Authority.objects.create(
        code="weihai",
        name="威海市",
        level="city",
        bureau_name="威海市人力资源和社会保障局",
        leadership_name="市委人才工作领导小组",
        government_name="市人民政府",
        title_name="威海市首席技师",
        site_name="威海市首席技师选拔管理系统",
        certificate_prefix="WHSJ",
    )


def _object(
    kind: str, authority: Authority, round_state: str, application_state: str = ApplicationState.SUBMITTED
):
    if kind == "authority":
        return authority
    round_ = Round(authority=authority, state=round_state, title="matrix", year=2026, quota=5)
    if kind == "round":
        return round_
    return Application(round=round_, state=application_state)


@pytest.mark.parametrize("perm", sorted(ROLE_RULES))
def test_each_role_rule_is_held_by_its_role_in_every_state_and_by_no_one_else(perm, people, weihai):
    required, kind = ROLE_RULES[perm]
    table = {}
    for state, who in itertools.product(RoundState.values, [*ROLES, "none"]):
        obj = _object(kind, huancui(), state)
        table[(state, who)] = rules.has_perm(perm, people[who], obj)
    assert table == {(state, who): who == required for state, who in table}
    # The same role holder asking about the other authority's object is refused in every state, but for an
    # installation-wide role (the system admin keeps every authority's policy).
    assert {
        rules.has_perm(perm, people[required], _object(kind, weihai, state)) for state in RoundState.values
    } == {required in INSTALLATION_ROLES}


def test_deciding_an_application_needs_the_officer_a_submitted_application_and_a_review_stage(people, weihai):
    table = {}
    for round_state, app_state, who in itertools.product(RoundState.values, ApplicationState.values, ROLES):
        obj = _object("application", huancui(), round_state, app_state)
        table[(round_state, app_state, who)] = rules.has_perm(
            "selection.decide_application", people[who], obj
        )
    assert table == {
        (round_state, app_state, who): (
            who == Role.OFFICER
            and app_state == ApplicationState.SUBMITTED
            and round_state in (RoundState.OPEN, RoundState.REVIEW)
        )
        for round_state, app_state, who in table
    }
    other = _object("application", weihai, RoundState.REVIEW)
    assert rules.has_perm("selection.decide_application", people[Role.OFFICER], other) is False


def test_each_move_of_a_round_is_made_by_one_role_only(people, weihai):
    moves = [(a, b) for a, targets in ROUND_TRANSITIONS.items() for b in targets]
    expected_role = {
        move: (
            Role.LEADER if move == (RoundState.APPROVAL, RoundState.EVALUATION) else ROUND_MOVE_ROLE[move[1]]
        )
        for move in moves
    }
    table = {}
    for (from_state, to_state), who in itertools.product(moves, [*ROLES, "none"]):
        round_ = _object("round", huancui(), from_state)
        table[(from_state, to_state, who)] = rules.has_perm(
            round_move_perm(round_, to_state), people[who], round_
        )
    assert table == {(a, b, who): who == expected_role[(a, b)] for a, b, who in table}
    assert expected_role[(RoundState.EVALUATION, RoundState.NOTICE)] == Role.CHAIR
    for from_state, to_state in moves:
        round_ = _object("round", weihai, from_state)
        who = people[expected_role[(from_state, to_state)]]
        assert rules.has_perm(round_move_perm(round_, to_state), who, round_) is False


def test_the_holiday_calendar_is_kept_by_the_system_admin_alone(people):
    assert {who: rules.has_perm("policy.calendar_save", people[who]) for who in people} == {
        who: who == Role.SYSADMIN for who in people
    }


def test_anonymous_holds_no_rule(weihai):
    from django.contrib.auth.models import AnonymousUser

    anonymous = AnonymousUser()
    for perm, (_, kind) in ROLE_RULES.items():
        assert rules.has_perm(perm, anonymous, _object(kind, huancui(), RoundState.OPEN)) is False


# --- The domain functions ask the rules themselves ---------------------------------------------------


def _guarded_calls(officer, enterprise_users):
    """Each guarded domain function, called by a user who holds none of the roles, on a real object."""
    from datetime import date

    from chieftech.certificates.domain import certificates_issue_for_round
    from chieftech.evaluation.domain.committee import expert_create
    from chieftech.policy.domain import calendar_year_save, policy_register
    from chieftech.publicity.domain.approval import (
        government_approve,
        government_send_back,
        leadership_decide,
        roster_publish,
    )
    from chieftech.publicity.domain.notice import notice_prepare
    from chieftech.selection.domain.review import review_decide
    from chieftech.selection.domain.rounds import round_create, round_transition, round_update
    from chieftech.tenure.domain.terms import tenure_start
    from tests.factories import DEFAULT_TIMELINE, make_application, make_round

    round_ = make_round(officer)
    application = make_application(enterprise_users[0], round_)
    return {
        "round_create": lambda actor: round_create(
            actor=actor, authority=huancui(), title="越权批次", year=2026, **DEFAULT_TIMELINE
        ),
        "round_update": lambda actor: round_update(actor=actor, round_=round_, data={"quota": 6}),
        "round_transition": lambda actor: round_transition(
            actor=actor, round_=round_, to_state=RoundState.REVIEW
        ),
        "review_decide": lambda actor: review_decide(
            actor=actor, application=application, outcome="qualified"
        ),
        "policy_register": lambda actor: policy_register(actor=actor, authority=huancui(), data={}),
        "certificates_issue_for_round": lambda actor: certificates_issue_for_round(
            actor=actor, round_=round_, issued_on=date(2027, 1, 5)
        ),
        "tenure_start": lambda actor: tenure_start(
            actor=actor, application=application, starts_on=date(2027, 1, 5)
        ),
        "notice_prepare": lambda actor: notice_prepare(
            actor=actor, round_=round_, starts_on=date(2027, 1, 5)
        ),
        "leadership_decide": lambda actor: leadership_decide(
            actor=actor,
            round_=round_,
            outcome="approve",
            meeting_date=date(2026, 12, 1),
            minutes_reference="纪要",
        ),
        "government_approve": lambda actor: government_approve(
            actor=actor,
            round_=round_,
            document_number="威环政字〔2026〕1号",
            approved_on=date(2026, 12, 1),
            **SIGNED,
        ),
        "government_send_back": lambda actor: government_send_back(actor=actor, round_=round_, reason="退回"),
        "roster_publish": lambda actor: roster_publish(actor=actor, round_=round_),
        "expert_create": lambda actor: expert_create(
            actor=actor, authority=huancui(), name="越权专家", field="机械加工", employer_name="某单位"
        ),
        "calendar_year_save": lambda actor: calendar_year_save(
            actor=actor, year=2027, source="国务院办公厅通知", complete=True, days=[]
        ),
    }


GUARDED = [
    "round_create",
    "round_update",
    "round_transition",
    "review_decide",
    "policy_register",
    "certificates_issue_for_round",
    "tenure_start",
    "notice_prepare",
    "leadership_decide",
    "government_approve",
    "government_send_back",
    "roster_publish",
    "expert_create",
    "calendar_year_save",
]


@pytest.mark.parametrize("name", GUARDED)
@pytest.mark.parametrize("who", ["stranger", "alice", None])
def test_a_guarded_domain_function_refuses_an_actor_without_the_role_and_changes_nothing(
    name, who, request, olivia, alice
):
    from django.core.exceptions import PermissionDenied

    from chieftech.audit.models import AuditRecord

    call = _guarded_calls(olivia, [alice])[name]
    actor = request.getfixturevalue(who) if who else None
    records = AuditRecord.objects.count()
    rounds = list(Round.objects.values_list("pk", "state", "quota"))
    with pytest.raises(PermissionDenied):
        call(actor)
    assert AuditRecord.objects.count() == records
    assert list(Round.objects.values_list("pk", "state", "quota")) == rounds


# --- The enterprise's own application ----------------------------------------------------------------

ENTERPRISE_RULES = {
    "selection.view_application": lambda who, state: who in ("own", Role.OFFICER),
    "selection.edit_application": lambda who, state: (
        who == "own" and state in (ApplicationState.DRAFT, ApplicationState.RETURNED)
    ),
    "selection.withdraw_application": lambda who, state: (
        who == "own"
        and state in (ApplicationState.DRAFT, ApplicationState.SUBMITTED, ApplicationState.RETURNED)
    ),
}


@pytest.mark.parametrize("perm", sorted(ENTERPRISE_RULES))
def test_an_application_is_edited_and_withdrawn_by_its_own_enterprise_in_the_states_that_allow_it(
    perm, people, enterprise_a, enterprise_b
):
    own = make_user("matrix-own", Role.ENTERPRISE, enterprise=enterprise_a)
    other = make_user("matrix-other", Role.ENTERPRISE, enterprise=enterprise_b)
    users = {**people, "own": own, "other": other}
    table = {}
    for state, who in itertools.product(ApplicationState.values, users):
        application = Application(
            round=_object("round", huancui(), RoundState.OPEN), enterprise=enterprise_a, state=state
        )
        table[(state, who)] = rules.has_perm(perm, users[who], application)
    assert table == {(state, who): ENTERPRISE_RULES[perm](who, state) for state, who in table}


def test_an_officer_of_another_authority_does_not_see_the_application(people, weihai, enterprise_a):
    application = Application(round=_object("round", weihai, RoundState.OPEN), enterprise=enterprise_a)
    assert rules.has_perm("selection.view_application", people[Role.OFFICER], application) is False


# --- Who moves an application, a committee, a sheet ------------------------------------------------------

APPLICATION_MOVER = {
    "selection.application_review": Role.OFFICER,
    "selection.application_propose": Role.CHAIR,
    "selection.application_leadership": Role.LEADER,
    "selection.application_approve": Role.GOVERNMENT,
}


@pytest.mark.parametrize("action", sorted(APPLICATION_MOVE_PERM))
def test_each_move_of_an_application_is_made_by_its_mover_only(
    action, people, weihai, enterprise_a, enterprise_b
):
    own = make_user("matrix-own", Role.ENTERPRISE, enterprise=enterprise_a)
    other = make_user("matrix-other", Role.ENTERPRISE, enterprise=enterprise_b)
    users = {**people, "own": own, "other": other}
    perm = APPLICATION_MOVE_PERM[action]
    application = Application(round=_object("round", huancui(), RoundState.OPEN), enterprise=enterprise_a)

    allowed = {who for who, user in users.items() if rules.has_perm(perm, user, application)}

    assert allowed == ({"own"} if perm == "selection.application_own" else {APPLICATION_MOVER[perm]})
    elsewhere = Application(round=_object("round", weihai, RoundState.OPEN), enterprise=enterprise_a)
    mover = own if perm == "selection.application_own" else people[APPLICATION_MOVER[perm]]
    # The enterprise's own application is its own wherever it applied; staff act for their authority only.
    assert rules.has_perm(perm, mover, elsewhere) is (perm == "selection.application_own")


def test_the_decision_materials_are_read_by_the_leadership_and_the_government_once_the_round_awaits_them(
    people, weihai
):
    table = {}
    for state, who in itertools.product(RoundState.values, [*ROLES, "none"]):
        round_ = _object("round", huancui(), state)
        table[(state, who)] = rules.has_perm("selection.round_view_materials", people[who], round_)
    assert table == {
        (state, who): who in (Role.LEADER, Role.GOVERNMENT)
        and state in (RoundState.APPROVAL, RoundState.PUBLISHED)
        for state, who in table
    }
    for who in (Role.LEADER, Role.GOVERNMENT):
        other = _object("round", weihai, RoundState.APPROVAL)
        assert rules.has_perm("selection.round_view_materials", people[who], other) is False
