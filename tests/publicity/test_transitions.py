"""The notice's and the objection's transition tables, pair by pair: every allowed move succeeds with one
audit record of the states before and after; every other move is refused and changes nothing."""

import threading
from datetime import date

import pytest
from django.db import connection

from chieftech.accounts.roles import Role
from chieftech.core.errors import DomainError
from chieftech.publicity.domain.objections import objection_decide
from chieftech.publicity.domain.transitions import (
    NOTICE_TRANSITIONS,
    OBJECTION_TRANSITIONS,
    notice_transition,
    objection_transition,
)
from chieftech.publicity.models import Notice, NoticeEntry, Objection
from tests.factories import IN_WINDOW, make_application, make_round, make_user
from tests.transitions import pairs, records, row

NOTICE_ALLOWED, NOTICE_REFUSED = pairs(NOTICE_TRANSITIONS, Notice.State.values)
OBJECTION_ALLOWED, OBJECTION_REFUSED = pairs(OBJECTION_TRANSITIONS, Objection.State.values)


def test_the_tables_cover_every_state_and_name_only_known_ones():
    assert set(NOTICE_TRANSITIONS) == set(Notice.State.values)
    assert set().union(*NOTICE_TRANSITIONS.values()) <= set(Notice.State.values)
    assert set(OBJECTION_TRANSITIONS) == set(Objection.State.values)
    assert set().union(*OBJECTION_TRANSITIONS.values()) <= set(Objection.State.values)
    assert (len(NOTICE_ALLOWED), len(OBJECTION_ALLOWED)) == (2, 6)


def _notice(olivia, alice) -> Notice:
    round_ = make_round(olivia)
    notice = Notice.objects.create(
        round=round_,
        policy=round_.policy,
        title="考察公示",
        body="现将建议人选予以公示。",
        starts_on=date(2026, 12, 21),
        ends_on=date(2026, 12, 25),
        working_days=5,
        issued_by="区人力资源和社会保障局",
    )
    NoticeEntry.objects.create(notice=notice, application=make_application(alice, round_), order=1)
    return notice


def _published_objection(olivia, alice) -> Objection:
    notice = _notice(olivia, alice)
    notice.state = Notice.State.PUBLISHED
    notice.save(update_fields=["state"])
    return Objection.objects.create(
        notice=notice,
        entry=notice.entries.get(),
        name="张三",
        phone="13906311234",
        content="该人选的竞赛成绩与实际不符，请核实其获奖证书的真实性。",
        receipt_code="ABCD-EFGH-JKMN",
        submitted_at=IN_WINDOW,
    )


@pytest.fixture
def notice(olivia, alice):
    return _notice(olivia, alice)


@pytest.fixture
def objection(olivia, alice):
    return _published_objection(olivia, alice)


def _in_state(obj, state: str):
    """`obj` put in `state` behind the caller's back: the caller's copy is stale, as another request's is."""
    type(obj)._default_manager.filter(pk=obj.pk).update(state=state)
    return obj


@pytest.mark.parametrize(("current", "to"), NOTICE_ALLOWED)
def test_an_allowed_notice_move_is_saved_and_audited_once(notice, olivia, current, to):
    _in_state(notice, current)

    notice_transition(actor=olivia, notice=notice, to_state=to, now=IN_WINDOW)

    saved = Notice.objects.get(pk=notice.pk)
    assert saved.state == to
    if to == Notice.State.PUBLISHED:
        assert saved.published_at == IN_WINDOW
    [record] = records(notice)
    assert (record.actor_username, record.before["state"], record.after["state"]) == ("olivia", current, to)


@pytest.mark.parametrize(("current", "to"), NOTICE_REFUSED)
def test_a_notice_move_the_table_does_not_allow_is_refused_and_changes_nothing(notice, olivia, current, to):
    _in_state(notice, current)
    before = row(notice)

    with pytest.raises(DomainError) as refused:
        notice_transition(actor=olivia, notice=notice, to_state=to, now=IN_WINDOW)

    assert refused.value.code == "invalid_transition"
    assert refused.value.message == (
        f"考察公示当前为“{Notice.State(current).label}”，不能变更为“{Notice.State(to).label}”。"
    )
    assert row(notice) == before
    assert not records(notice).exists()


def _move_objection(objection, to, actor):
    return objection_transition(
        actor=actor,
        objection=objection,
        to_state=to,
        notes="已调取证书存根核实。",
        reason="经核实，证书真实有效。",
        public_reply="经核实，异议不成立。",
        now=IN_WINDOW,
    )


@pytest.mark.parametrize(("current", "to"), OBJECTION_ALLOWED)
def test_an_allowed_objection_move_is_saved_and_audited_once(objection, olivia, current, to):
    _in_state(objection, current)

    _move_objection(objection, to, olivia)

    saved = Objection.objects.get(pk=objection.pk)
    assert (saved.state, saved.handled_by, saved.handled_at, saved.investigation_notes) == (
        to,
        olivia,
        IN_WINDOW,
        "已调取证书存根核实。",
    )
    [record] = records(objection)
    assert (record.actor_username, record.before["state"], record.after["state"]) == ("olivia", current, to)


@pytest.mark.parametrize(("current", "to"), OBJECTION_REFUSED)
def test_an_objection_move_the_table_does_not_allow_is_refused_and_changes_nothing(
    objection, olivia, current, to
):
    _in_state(objection, current)
    before = row(objection)

    with pytest.raises(DomainError) as refused:
        _move_objection(objection, to, olivia)

    assert refused.value.code == "invalid_transition"
    assert row(objection) == before
    assert not records(objection).exists()


def test_no_objection_moves_once_its_notice_is_closed(objection, olivia):
    _in_state(objection.notice, Notice.State.CLOSED)
    before = row(objection)

    with pytest.raises(DomainError) as refused:
        _move_objection(objection, Objection.State.INVESTIGATING, olivia)

    assert refused.value.message == "考察公示已经结束，不能再处理异议。"
    assert row(objection) == before
    assert not records(objection).exists()


# --- Two real threads ---------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_officers_deciding_one_objection_at_once_make_one_finding(olivia, alice):
    officer2 = make_user("oscar", Role.OFFICER, real_name="奥斯卡")
    objection = _published_objection(olivia, alice)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def decide(actor, reason: str) -> None:
        copy = Objection.objects.get(pk=objection.pk)  # each officer's page was loaded before either decided
        barrier.wait()
        try:
            objection_decide(
                actor=actor, objection=copy, upheld=False, reason=reason, public_reply="经核实，异议不成立。"
            )
            outcomes.append("decided")
        except DomainError as exc:
            outcomes.append(exc.message)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=decide, args=(olivia, "证书真实有效。")),
        threading.Thread(target=decide, args=(officer2, "竞赛成绩属实。")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == sorted(["decided", "该异议已作出处理结论（异议不成立），不能再更改。"])
    [record] = records(objection).filter(action="objection.dismiss")
    saved = Objection.objects.get(pk=objection.pk)
    assert (saved.state, saved.finding_reason, saved.handled_by.username) == (
        Objection.State.NOT_UPHELD,
        record.reason,
        record.actor_username,
    )
