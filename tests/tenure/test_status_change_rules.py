"""The rules of status changes, every role against every state of a report: who reports (the current
enterprise or the holder), who corrects and withdraws (the reporting party), who decides (the officer of the
term's authority who did not report it)."""

import itertools

import pytest
import rules

from chieftech.accounts.roles import Role
from chieftech.tenure.models import StatusChange, StatusChangeState, Tenure
from tests.factories import huancui, make_enterprise, make_user

WHO = ["own", "other_enterprise", "holder", "other_holder", *[r.value for r in Role if r != Role.ENTERPRISE]]


@pytest.fixture
def people(enterprise_a, enterprise_b):
    users = {role: make_user(f"rules-{role}", role) for role in WHO if role in Role.values}
    users["own"] = make_user("rules-own", Role.ENTERPRISE, enterprise=enterprise_a)
    users["other_enterprise"] = make_user("rules-b", Role.ENTERPRISE, enterprise=enterprise_b)
    users["holder"] = make_user("rules-holder", Role.TECHNICIAN)
    users["other_holder"] = make_user("rules-holder2", Role.TECHNICIAN)
    return users


def _tenure(people, enterprise) -> Tenure:
    return Tenure(authority=huancui(), enterprise=enterprise, user_id=people["holder"].pk)


def test_the_report_is_the_current_enterprises_or_the_holders(people, enterprise_a):
    tenure = _tenure(people, enterprise_a)
    assert {who: rules.has_perm("tenure.status_report", people[who], tenure) for who in WHO} == {
        who: who in ("own", "holder") for who in WHO
    }
    assert rules.has_perm("tenure.status_report_as_holder", people["holder"], tenure) is True
    assert rules.has_perm("tenure.status_report_as_enterprise", people["holder"], tenure) is False


@pytest.mark.parametrize("reported_as", ["enterprise", "holder"])
def test_the_reporting_party_corrects_a_returned_report_and_withdraws_an_open_one(
    people, enterprise_a, reported_as
):
    tenure = _tenure(people, enterprise_a)
    reporter = people["own"] if reported_as == "enterprise" else people["holder"]
    table, expected = {}, {}
    for state, who in itertools.product(StatusChangeState.values, WHO):
        change = StatusChange(
            tenure=tenure,
            state=state,
            reported_as=reported_as,
            reporting_enterprise=enterprise_a if reported_as == "enterprise" else None,
            reported_by_id=reporter.pk,
        )
        party = who == ("own" if reported_as == "enterprise" else "holder")
        for perm, states in [
            ("tenure.status_change_correct", {"returned"}),
            ("tenure.status_change_withdraw", {"reported", "returned"}),
        ]:
            table[(perm, state, who)] = rules.has_perm(perm, people[who], change)
            expected[(perm, state, who)] = party and state in states
    assert table == expected


def test_once_the_holder_moved_the_old_enterprise_no_longer_acts_on_its_report(people, enterprise_a):
    moved = _tenure(people, make_enterprise("威海丙电子有限公司"))
    change = StatusChange(
        tenure=moved, state="returned", reported_as="enterprise", reporting_enterprise=enterprise_a
    )
    assert rules.has_perm("tenure.status_change_withdraw", people["own"], change) is False
    assert rules.has_perm("tenure.status_report", people["own"], moved) is False


def test_the_officer_of_the_authority_decides_but_not_a_report_of_their_own(people, enterprise_a):
    tenure = _tenure(people, enterprise_a)
    change = StatusChange(tenure=tenure, state="reported", reported_by_id=people["own"].pk)
    assert {who: rules.has_perm("tenure.status_decide", people[who], change) for who in WHO} == {
        who: who == Role.OFFICER for who in WHO
    }
    change.reported_by_id = people[Role.OFFICER].pk
    assert rules.has_perm("tenure.status_decide", people[Role.OFFICER], change) is False
