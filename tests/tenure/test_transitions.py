"""The term's status table, pair by pair: every allowed move succeeds with one audit record of the status
before and after; every other move is refused and changes nothing. The effective date is checked too."""

import threading
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection

from chieftech.core.errors import DomainError
from chieftech.tenure.domain.terms import tenure_start
from chieftech.tenure.domain.transitions import TENURE_TRANSITIONS, tenure_transition
from chieftech.tenure.models import Tenure, TenureStatus
from tests.factories import make_application, make_round
from tests.transitions import pairs, records, row

ALLOWED, REFUSED = pairs(TENURE_TRANSITIONS, TenureStatus.values)
STARTS = date(2026, 12, 31)
EFFECTIVE = date(2027, 5, 20)


def test_the_table_covers_every_status_and_names_only_known_ones():
    assert set(TENURE_TRANSITIONS) == set(TenureStatus.values)
    assert set().union(*TENURE_TRANSITIONS.values()) <= set(TenureStatus.values)
    assert len(ALLOWED) == 10


@pytest.fixture
def tenure(olivia, gina, alice):
    application = make_application(alice, make_round(olivia))
    # The term starts with the government's approval.
    return tenure_start(application=application, starts_on=STARTS, actor=gina)


def _in_status(tenure, status: str):
    """Put in `status` behind the caller's back: the caller's copy is stale, as another request's is."""
    Tenure.objects.filter(pk=tenure.pk).update(status=status)
    return tenure


def _own_records(tenure):
    return records(tenure).exclude(action="tenure.start")


@pytest.mark.parametrize(("current", "to"), ALLOWED)
def test_an_allowed_move_is_saved_and_audited_once(tenure, olivia, gina, current, to):
    _in_status(tenure, current)
    # The government records a revocation's approval (第十七条); the officer every other move.
    actor = gina if to == TenureStatus.REVOKED else olivia

    tenure_transition(actor=actor, tenure=tenure, to_status=to, effective_on=EFFECTIVE, reason="说明")

    saved = Tenure.objects.get(pk=tenure.pk)
    assert (saved.status, saved.status_since) == (to, EFFECTIVE)
    [record] = _own_records(tenure)
    assert (record.before["status"], record.after["status"]) == (current, to)
    assert (record.before["status_since"], record.after["status_since"]) == ("2026-12-31", "2027-05-20")


@pytest.mark.parametrize(("current", "to"), REFUSED)
def test_a_move_the_table_does_not_allow_is_refused_and_changes_nothing(tenure, olivia, gina, current, to):
    _in_status(tenure, current)
    before = row(tenure)

    with pytest.raises(DomainError) as refused:
        tenure_transition(
            actor=gina if to == TenureStatus.REVOKED else olivia,
            tenure=tenure,
            to_status=to,
            effective_on=EFFECTIVE,
        )

    assert refused.value.code == "invalid_transition"
    assert refused.value.message == (
        f"首席技师资格当前为“{TenureStatus(current).label}”，不能变更为“{TenureStatus(to).label}”。"
    )
    assert row(tenure) == before
    assert not _own_records(tenure).exists()


@pytest.mark.parametrize(
    ("effective_on", "message"),
    [
        (date(2026, 12, 30), "生效日期不能早于管理期起始日期2026年12月31日。"),
        (date(2027, 5, 19), "生效日期不能早于当前状态的生效日期2027年5月20日。"),
    ],
)
def test_an_effective_date_before_the_term_or_the_current_status_is_refused(
    tenure, olivia, effective_on, message
):
    tenure_transition(actor=olivia, tenure=tenure, to_status=TenureStatus.SUSPENDED, effective_on=EFFECTIVE)
    before = row(tenure)

    with pytest.raises(DomainError) as refused:
        tenure_transition(
            actor=olivia, tenure=tenure, to_status=TenureStatus.ACTIVE, effective_on=effective_on
        )

    assert (refused.value.message, refused.value.field) == (message, "effective_on")
    assert row(tenure) == before


# --- Two real threads ---------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_suspensions_make_one_change_and_one_record(olivia, gina, alice):
    application = make_application(alice, make_round(olivia))
    tenure = tenure_start(application=application, starts_on=STARTS, actor=gina)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def suspend() -> None:
        copy = Tenure.objects.get(pk=tenure.pk)  # each request loads its own, still active
        barrier.wait()
        try:
            tenure_transition(
                actor=olivia, tenure=copy, to_status=TenureStatus.SUSPENDED, effective_on=EFFECTIVE
            )
            outcomes.append("suspended")
        except DomainError as exc:
            outcomes.append(exc.message)
        finally:
            connection.close()

    threads = [threading.Thread(target=suspend) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == sorted(
        ["suspended", "首席技师资格当前为“保留资格、停止待遇”，不能变更为“保留资格、停止待遇”。"]
    )
    assert list(_own_records(tenure).values_list("action", flat=True)) == ["tenure.suspend"]
    assert Tenure.objects.get(pk=tenure.pk).status == TenureStatus.SUSPENDED


@pytest.mark.parametrize("who", ["alice", "leo", "gina", "stranger"])
def test_only_the_officer_of_the_terms_authority_changes_its_status(tenure, request, who):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        tenure_transition(
            actor=request.getfixturevalue(who),
            tenure=tenure,
            to_status=TenureStatus.SUSPENDED,
            effective_on=EFFECTIVE,
        )

    tenure.refresh_from_db()
    assert tenure.status == TenureStatus.ACTIVE


def test_the_office_alone_cannot_revoke_the_title(tenure, olivia):
    before = row(tenure)

    with pytest.raises(PermissionDenied) as refused:
        tenure_transition(actor=olivia, tenure=tenure, to_status=TenureStatus.REVOKED, effective_on=EFFECTIVE)

    assert (
        str(refused.value)
        == "取消首席技师资格须经初步认定、领导小组审定，由本机关的政府经办人登记批准后生效。"
    )
    assert row(tenure) == before
