"""A list the leadership sends back goes through the notice stage and the leadership a second time; the first
notice and the first decision stay, closed and superseded, beside the second ones, every step audited."""

from datetime import date, datetime

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from chieftech.audit.models import AuditRecord
from chieftech.core.errors import DomainError
from chieftech.evaluation.domain.results import proposed_list_confirm
from chieftech.evaluation.models import CommitteeState
from chieftech.policy.models import CalendarDay, CalendarYear
from chieftech.publicity.domain.approval import government_approve, leadership_decide
from chieftech.publicity.domain.current import (
    round_current_decision,
    round_current_notice,
    round_earlier_decisions,
    round_earlier_notices,
)
from chieftech.publicity.domain.notice import notice_finish, notice_prepare, notice_publish
from chieftech.publicity.domain.objections import objection_file
from chieftech.publicity.models import LeadershipDecision, Notice, Objection
from chieftech.selection.models import ApplicationState, RoundState
from chieftech.tenure.models import Tenure
from tests.certificates.factories import SIGNED, make_closed_notice
from tests.evaluation.factories import AFTER_DEADLINE, make_committee, make_expert
from tests.factories import SHANGHAI
from tests.publicity.factories import make_notice_stage_round

Outcome = LeadershipDecision.Outcome
REJECTION_NOTE = "建议人选行业分布过于集中，请评审委员会重新评审。"


def at(day: date, hour: int) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI)


def audit(*names: str) -> list[tuple[str, str, str]]:
    return list(
        AuditRecord.objects.filter(action__in=names)
        .order_by("id")
        .values_list("action", "actor_username", "object_id")
    )


@pytest.fixture
def calendar_2027(db):
    """The second notice runs in January 2027: the admin has entered that year's holidays."""
    year = CalendarYear.objects.create(
        year=2027, source="国务院办公厅关于2027年部分节假日安排的通知", complete=True
    )
    CalendarDay.objects.create(
        calendar_year=year, date=date(2027, 1, 1), kind=CalendarDay.Kind.HOLIDAY, name="元旦"
    )


@pytest.fixture
def notice_stage(olivia, alice, bob, chris):
    """A round whose committee (chaired by chris) confirmed three of its four qualified candidates."""
    round_, proposed = make_notice_stage_round(olivia, [alice, bob], n=4, proposed=3)
    committee = make_committee(
        round_, officer=olivia, chair=make_expert("克里斯", user=chris), experts=[make_expert("吴专家")]
    )
    committee.state = CommitteeState.CONFIRMED
    committee.save(update_fields=["state"])
    return round_, proposed, committee


def run_notice(officer, round_, *, starts_on: date, prepared_at: datetime, finished_at: datetime) -> Notice:
    notice = notice_prepare(actor=officer, round_=round_, starts_on=starts_on, now=prepared_at)
    notice_publish(actor=officer, notice=notice, now=prepared_at)
    notice_finish(actor=officer, round_=round_, now=finished_at)
    round_.refresh_from_db()
    notice.refresh_from_db()
    return notice


def test_a_list_sent_back_is_noticed_and_decided_again_and_both_records_remain(
    client, calendar_2027, notice_stage, olivia, chris, leo, gina
):
    round_, proposed, committee = notice_stage
    everyone = list(round_.applications.order_by("pk"))
    reviewed = [a.decided_at for a in everyone]

    # The first pass: the notice runs 2026-12-21 to 12-25 and the leadership sends the list back.
    first = run_notice(
        olivia,
        round_,
        starts_on=date(2026, 12, 21),
        prepared_at=AFTER_DEADLINE,
        finished_at=at(date(2026, 12, 26), 9),
    )
    rejection = leadership_decide(
        actor=leo,
        round_=round_,
        outcome=Outcome.REJECT,
        meeting_date=date(2026, 12, 29),
        minutes_reference="区委人才工作领导小组2026年第5次会议纪要",
        note=REJECTION_NOTE,
        now=at(date(2026, 12, 29), 15),
    )
    round_.refresh_from_db()
    assert round_.state == RoundState.EVALUATION
    assert (round_current_notice(round_), round_current_decision(round_)) == (None, None)
    assert round_earlier_notices(round_, None) == [first]
    assert round_earlier_decisions(round_) == [rejection]

    # The committee confirms its list again: the round is back at the notice stage, without a notice.
    proposed_list_confirm(actor=chris, round_=round_, now=at(date(2027, 1, 5), 10))
    round_.refresh_from_db()
    committee.refresh_from_db()
    assert (round_.state, committee.state) == (RoundState.NOTICE, CommitteeState.CONFIRMED)
    assert round_current_notice(round_) is None
    client.force_login(olivia)
    page = client.get(reverse("publicity:notice_manage", args=[round_.pk]))
    assert (page.context["notice"], page.context["prepare_form"] is not None) == (None, True)
    assert [(n["period"], n["state"]) for n in page.context["earlier"]] == [
        ("2026年12月21日至2026年12月25日", "已结束")
    ]

    # The second pass: 2027-01-06 to 01-12, then the leadership approves and the government approves.
    second = run_notice(
        olivia,
        round_,
        starts_on=date(2027, 1, 6),
        prepared_at=at(date(2027, 1, 5), 11),
        finished_at=at(date(2027, 1, 13), 9),
    )
    assert (second.starts_on, second.ends_on) == (date(2027, 1, 6), date(2027, 1, 12))
    assert [e.application_id for e in second.entries.order_by("order")] == [a.pk for a in proposed]
    approval = leadership_decide(
        actor=leo,
        round_=round_,
        outcome=Outcome.APPROVE,
        meeting_date=date(2027, 1, 15),
        minutes_reference="区委人才工作领导小组2027年第1次会议纪要",
        now=at(date(2027, 1, 15), 15),
    )
    recorded = government_approve(
        actor=gina,
        round_=round_,
        document_number="威环政字〔2027〕3号",
        approved_on=date(2027, 1, 20),
        now=at(date(2027, 1, 20), 16),
        **SIGNED,
    )

    # Both notices and both decisions remain; the second ones are the round's current ones.
    assert list(Notice.objects.filter(round=round_).order_by("pk").values_list("pk", "state")) == [
        (first.pk, Notice.State.CLOSED),
        (second.pk, Notice.State.CLOSED),
    ]
    assert [e.application_id for e in first.entries.order_by("order")] == [a.pk for a in proposed]
    assert list(
        LeadershipDecision.objects.filter(round=round_)
        .order_by("pk")
        .values_list("pk", "outcome", "superseded")
    ) == [(rejection.pk, Outcome.REJECT, True), (approval.pk, Outcome.APPROVE, False)]
    round_.refresh_from_db()
    assert (round_current_notice(round_), round_earlier_notices(round_, second)) == (second, [first])
    assert (round_current_decision(round_), round_earlier_decisions(round_)) == (approval, [rejection])
    for application in everyone:
        application.refresh_from_db()
    assert [a.state for a in everyone] == [ApplicationState.APPROVED] * 3 + [ApplicationState.NOT_PROPOSED]
    assert [a.decided_at for a in everyone] == reviewed  # the qualification review's time, untouched
    assert Tenure.objects.filter(application__round=round_, starts_on=recorded.approved_on).count() == 3

    # Every step is in the log, by its role, on its own record.
    assert audit("notice.prepare", "notice.publish", "notice.close") == [
        ("notice.prepare", "olivia", str(first.pk)),
        ("notice.publish", "olivia", str(first.pk)),
        ("notice.close", "olivia", str(first.pk)),
        ("notice.prepare", "olivia", str(second.pk)),
        ("notice.publish", "olivia", str(second.pk)),
        ("notice.close", "olivia", str(second.pk)),
    ]
    assert audit("leadership.decide", "government.approve") == [
        ("leadership.decide", "leo", str(rejection.pk)),
        ("leadership.decide", "leo", str(approval.pk)),
        ("government.approve", "gina", str(recorded.pk)),
    ]
    plist_pk = str(round_.proposed_list.pk)
    assert audit("proposed_list.unconfirm", "proposed_list.confirm") == [
        ("proposed_list.unconfirm", "leo", plist_pk),
        ("proposed_list.confirm", "chris", plist_pk),
    ]
    round_steps = [
        (r.action, r.actor_username)
        for r in AuditRecord.objects.filter(object_type="selection.round", object_id=str(round_.pk)).order_by(
            "id"
        )
    ]
    assert round_steps[-4:] == [
        ("round.start_approval", "olivia"),
        ("round.start_evaluation", "leo"),
        ("round.start_notice", "chris"),
        ("round.start_approval", "olivia"),
    ]

    # The pages: the staff notice page shows the second notice with the first as history; the approval page
    # the approval with the rejection as history; the public list keeps both notices.
    page = client.get(reverse("publicity:notice_manage", args=[round_.pk]))
    assert page.context["notice"] == second
    assert [n["period"] for n in page.context["earlier"]] == ["2026年12月21日至2026年12月25日"]
    page = client.get(reverse("publicity:approval", args=[round_.pk]))
    assert (page.context["decision"], page.context["earlier_decisions"]) == (approval, [rejection])
    assert page.context["earlier_notice_periods"] == ["2026年12月21日至2026年12月25日"]
    html = page.content.decode()
    assert REJECTION_NOTE in html
    assert "区委人才工作领导小组2026年第5次会议纪要" in html
    client.logout()
    listing = client.get(reverse("publicity_public:notice_list"))
    assert [row["period"] for row in listing.context["archived"]] == [
        "2027年1月6日至2027年1月12日",
        "2026年12月21日至2026年12月25日",
    ]


def test_a_second_notice_is_refused_while_the_first_is_open_and_the_database_holds_the_rule(
    notice_stage, olivia, leo
):
    round_, _, _ = notice_stage
    notice = notice_prepare(actor=olivia, round_=round_, starts_on=date(2026, 12, 21), now=AFTER_DEADLINE)

    with pytest.raises(DomainError) as refused:
        notice_prepare(actor=olivia, round_=round_, starts_on=date(2026, 12, 22), now=AFTER_DEADLINE)
    assert refused.value.message == "本批次已有考察公示，请在原公示上修改。"

    copy = {f.attname: getattr(notice, f.attname) for f in Notice._meta.concrete_fields if f.name != "id"}
    with pytest.raises(IntegrityError), transaction.atomic():
        Notice.objects.create(**copy)
    Notice.objects.create(**{**copy, "state": Notice.State.CLOSED})  # a closed one is history: allowed
    assert Notice.objects.filter(round=round_).count() == 2


def test_the_database_holds_one_current_decision_per_round(notice_stage, leo):
    round_, _, _ = notice_stage
    fields = {
        "round": round_,
        "outcome": Outcome.APPROVE,
        "meeting_date": date(2026, 12, 29),
        "minutes_reference": "会议纪要",
        "decided_by": leo,
        "decided_at": AFTER_DEADLINE,
    }
    LeadershipDecision.objects.create(**fields)

    with pytest.raises(IntegrityError), transaction.atomic():
        LeadershipDecision.objects.create(**fields)
    LeadershipDecision.objects.create(**{**fields, "outcome": Outcome.REJECT, "superseded": True})
    assert LeadershipDecision.objects.filter(round=round_).count() == 2


def test_the_staff_pages_tell_the_notices_of_a_round_apart(client, calendar_2027, notice_stage, olivia):
    """The first notice closed before the list went back; the second runs: each objection names its notice,
    and the enterprises' printable copy is the running notice."""
    round_, proposed, _ = notice_stage
    first = make_closed_notice(round_, proposed)
    Objection.objects.create(
        notice=first,
        entry=first.entries.first(),
        name="赵明理",
        phone="13905317788",
        content="该同志申报材料所列成果并非本人完成。",
        receipt_code="YY2026A",
        submitted_at=at(date(2026, 12, 22), 10),
        state=Objection.State.NOT_UPHELD,
    )
    second = notice_prepare(actor=olivia, round_=round_, starts_on=date(2026, 12, 28), now=AFTER_DEADLINE)
    notice_publish(actor=olivia, notice=second, now=AFTER_DEADLINE)
    objection_file(
        notice=second,
        entry=second.entries.last(),
        name="钱其他",
        phone="13700001111",
        email="",
        content="该同志的技能等级证书取得时间与申报不符，请核实。",
        files=[],
        ip="203.0.113.8",
        now=at(date(2026, 12, 28), 10),
    )
    client.force_login(olivia)

    objections = client.get(reverse("publicity:objection_list", args=[round_.pk]))
    manage = client.get(reverse("publicity:notice_manage", args=[round_.pk]))
    pdf = client.get(reverse("publicity:notice_pdf", args=[round_.pk, proposed[0].enterprise_id]))

    assert objections.context["several_notices"] is True
    assert [(row["candidate"], row["notice_period"]) for row in objections.context["rows"]] == [
        (proposed[0].name, "2026年12月21日至2026年12月25日"),
        (proposed[-1].name, "2026年12月28日至2027年1月4日"),
    ]
    assert "<th>所属公示</th>" in objections.content.decode()
    assert manage.context["notice"] == second
    assert [(n["period"], n["objections"]) for n in manage.context["earlier"]] == [
        ("2026年12月21日至2026年12月25日", 1)
    ]
    assert pdf["Content-Disposition"].startswith(f'attachment; filename="notice-{second.pk}-enterprise-')
