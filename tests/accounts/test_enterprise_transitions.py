"""The enterprise's status table, pair by pair: every allowed move succeeds with one audit record of the
status before and after; every other move is refused and changes nothing. Suspension needs a reason."""

import pytest

from chieftech.accounts.domain import (
    ENTERPRISE_TRANSITIONS,
    enterprise_reactivate,
    enterprise_suspend,
    enterprise_transition,
)
from chieftech.accounts.models import Enterprise
from chieftech.core.errors import DomainError
from chieftech.selection.domain.applications import application_create
from tests.factories import IN_WINDOW, application_data, make_enterprise, make_round, make_user
from tests.transitions import pairs, records, row

ALLOWED, REFUSED = pairs(ENTERPRISE_TRANSITIONS, Enterprise.Status.values)


def test_the_table_covers_every_status_and_names_only_known_ones():
    assert set(ENTERPRISE_TRANSITIONS) == set(Enterprise.Status.values)
    assert set().union(*ENTERPRISE_TRANSITIONS.values()) <= set(Enterprise.Status.values)
    assert len(ALLOWED) == 5


@pytest.fixture
def enterprise(db):
    return make_enterprise("威海丁电子有限公司")


def _in_status(enterprise, status: str):
    """Put in `status` behind the caller's back: the caller's copy is stale, as another request's is."""
    Enterprise.objects.filter(pk=enterprise.pk).update(status=status)
    return enterprise


@pytest.mark.parametrize(("current", "to"), ALLOWED)
def test_an_allowed_move_is_saved_and_audited_once(enterprise, olivia, current, to):
    _in_status(enterprise, current)

    enterprise_transition(actor=olivia, enterprise=enterprise, to_status=to, reason="说明")

    saved = Enterprise.objects.get(pk=enterprise.pk)
    assert (saved.status, saved.status_reason) == (to, "说明")
    [record] = records(enterprise)
    assert (record.actor_username, record.before["status"], record.after["status"]) == ("olivia", current, to)


@pytest.mark.parametrize(("current", "to"), REFUSED)
def test_a_move_the_table_does_not_allow_is_refused_and_changes_nothing(enterprise, olivia, current, to):
    _in_status(enterprise, current)
    before = row(enterprise)

    with pytest.raises(DomainError) as refused:
        enterprise_transition(actor=olivia, enterprise=enterprise, to_status=to, reason="说明")

    assert refused.value.code == "invalid_transition"
    assert refused.value.message == (
        f"企业当前为“{Enterprise.Status(current).label}”，不能变更为“{Enterprise.Status(to).label}”。"
    )
    assert row(enterprise) == before
    assert not records(enterprise).exists()


def test_a_suspended_enterprise_files_no_application_until_reactivated(enterprise, olivia):
    dora = make_user("dora", "enterprise", enterprise=enterprise)
    round_ = make_round(olivia)

    enterprise_suspend(actor=olivia, enterprise=enterprise, reason="企业已注销登记。")
    with pytest.raises(DomainError) as refused:
        application_create(actor=dora, round_=round_, data=application_data(), now=IN_WINDOW)
    enterprise_reactivate(actor=olivia, enterprise=enterprise, reason="经核实，企业恢复正常经营。")
    application_create(actor=dora, round_=round_, data=application_data(), now=IN_WINDOW)

    assert refused.value.message == "您的企业尚未通过审核，暂不能填报。"
    assert list(records(enterprise).order_by("pk").values_list("action", "reason")) == [
        ("enterprise.suspend", "企业已注销登记。"),
        ("enterprise.reactivate", "经核实，企业恢复正常经营。"),
    ]


def test_suspension_needs_a_reason(enterprise, olivia):
    with pytest.raises(DomainError) as refused:
        enterprise_suspend(actor=olivia, enterprise=enterprise, reason=" ")

    assert (refused.value.message, refused.value.field) == ("请填写停用的原因。", "reason")
    assert Enterprise.objects.get(pk=enterprise.pk).status == Enterprise.Status.ACTIVE
