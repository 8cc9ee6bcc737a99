"""The ledger's and the log's rules crossed with every role and every status of the term: read by the holder, the
current enterprise and the officer of the term's authority; kept by the holder and the current enterprise while
the term is active or suspended; an entry of the log changed by who logged it or by the same enterprise."""

import pytest
import rules

import chieftech.duties.rules  # noqa: F401  (declares the rules asked here)
from chieftech.accounts.roles import Role
from chieftech.duties.models import DutyActivity
from chieftech.tenure.models import Tenure, TenureStatus
from tests.factories import make_enterprise, make_user

OPEN = {TenureStatus.ACTIVE, TenureStatus.SUSPENDED}


@pytest.fixture
def people(alice, bob, hannah, harry, olivia, walter, leo, gina, erin, aubrey, sam, stranger):
    return {
        "holder": hannah,
        "enterprise": alice,
        "officer": olivia,
        "other holder": harry,
        "other enterprise": bob,
        "weihai officer": walter,
        "leader": leo,
        "government": gina,
        "expert": erin,
        "auditor": aubrey,
        "sysadmin": sam,
        "no role": stranger,
    }


@pytest.mark.parametrize("status", TenureStatus.values)
def test_who_reads_and_who_keeps_the_ledger_in_each_status(people, tenure, status):
    Tenure.objects.filter(pk=tenure.pk).update(status=status)
    tenure.refresh_from_db()

    view = {who for who, user in people.items() if rules.has_perm("duties.ledger_view", user, tenure)}
    edit = {who for who, user in people.items() if rules.has_perm("duties.ledger_edit", user, tenure)}

    assert view == {"holder", "enterprise", "officer"}
    assert edit == ({"holder", "enterprise"} if status in OPEN else set())


def test_a_suspended_enterprise_keeps_nothing(alice, hannah, tenure):
    tenure.enterprise.status = "suspended"
    tenure.enterprise.save(update_fields=["status"])
    alice.refresh_from_db()

    assert rules.has_perm("duties.ledger_edit", alice, tenure) is False
    assert rules.has_perm("duties.ledger_edit", hannah, tenure) is True


@pytest.mark.parametrize(
    ("logged_by", "logged_as", "allowed"),
    [
        ("holder", "holder", {"holder"}),
        ("enterprise", "enterprise", {"enterprise", "colleague"}),
    ],
)
def test_an_entry_is_changed_by_who_logged_it_or_the_same_enterprise(
    people, tenure, logged_by, logged_as, allowed
):
    colleague = make_user("alex", Role.ENTERPRISE, enterprise=tenure.enterprise, real_name="亚历克斯")
    everyone = {**people, "colleague": colleague}
    activity = DutyActivity(tenure=tenure, logged_by=people[logged_by], logged_as=logged_as)

    assert {
        who for who, user in everyone.items() if rules.has_perm("duties.activity_edit", user, activity)
    } == (allowed)


def test_the_new_enterprise_after_a_transfer_does_not_change_the_former_ones_entries(alice, tenure):
    activity = DutyActivity(tenure=tenure, logged_by=alice, logged_as="enterprise")
    new_home = make_enterprise("威海丙船舶有限公司")
    carol = make_user("carol", Role.ENTERPRISE, enterprise=new_home, real_name="卡罗尔")
    Tenure.objects.filter(pk=tenure.pk).update(enterprise=new_home)
    tenure.refresh_from_db()

    assert (
        rules.has_perm("duties.activity_edit", alice, activity),
        rules.has_perm("duties.activity_edit", carol, activity),
        rules.has_perm("duties.ledger_edit", carol, tenure),
    ) == (False, False, True)
