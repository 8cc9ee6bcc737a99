"""The home pages point each role at the round that waits for it in the evaluation, notice and approval stages."""

from datetime import date, datetime

from django.urls import reverse
from django.utils import timezone

from chieftech.evaluation.domain.scoring import scoring_open
from chieftech.publicity.domain.notice import notice_prepare, notice_publish
from chieftech.publicity.domain.objections import objection_file
from chieftech.publicity.models import LeadershipDecision
from chieftech.selection.domain.rounds import round_transition
from tests.evaluation.factories import AFTER_DEADLINE, make_committee, make_evaluation_round, make_expert
from tests.factories import SHANGHAI
from tests.publicity.factories import make_notice_stage_round


def _section(client, user, role):
    client.force_login(user)
    response = client.get(reverse("core:home"))
    assert response.status_code == 200
    [section] = [s for s in response.context["sections"] if s["role"] == role]
    return section


def _labels(section):
    return [(item["label"], item["url"], item["count"]) for item in section["items"]]


def test_the_officer_is_asked_to_form_the_committee_then_the_chair_to_open_scoring(
    client, olivia, alice, chris, erin
):
    round_, _ = make_evaluation_round(olivia, [alice], n=2)
    assert _labels(_section(client, olivia, "officer")) == [
        (f"待组建评审委员会：{round_.title}", reverse("evaluation:committee", args=[round_.pk]), None)
    ]

    chair = make_expert("克里斯", user=chris)
    make_committee(round_, officer=olivia, chair=chair, experts=[make_expert("尔琳", user=erin)])
    assert _section(client, olivia, "officer")["items"] == []
    assert _labels(_section(client, chris, "chair")) == [
        (f"待开启评分：{round_.title}", reverse("evaluation:chair", args=[round_.pk]), None)
    ]
    assert _section(client, erin, "expert")["items"] == []

    scoring_open(actor=chris, round_=round_, now=AFTER_DEADLINE)
    # Two candidates, two parts each.
    assert _labels(_section(client, erin, "expert")) == [("待完成的评分表", reverse("evaluation:my_work"), 4)]
    assert _labels(_section(client, chris, "chair")) == [
        (f"评分进行中，待结束评分：{round_.title}", reverse("evaluation:chair", args=[round_.pk]), None)
    ]


def test_the_officer_is_asked_for_the_notice_and_the_leader_then_the_government_for_approval(
    client, olivia, alice, leo, gina
):
    round_, _ = make_notice_stage_round(olivia, [alice], n=2)
    assert _labels(_section(client, olivia, "officer")) == [
        (f"待发布考察公示：{round_.title}", reverse("publicity:notice_manage", args=[round_.pk]), None)
    ]
    assert _section(client, leo, "leader")["items"] == []

    round_transition(actor=olivia, round_=round_, to_state="approval", now=AFTER_DEADLINE)
    approval_url = reverse("publicity:approval", args=[round_.pk])
    assert _labels(_section(client, leo, "leader")) == [
        (f"待审定的建议人选名单：{round_.title}", approval_url, None)
    ]
    assert _section(client, gina, "government")["items"] == []

    LeadershipDecision.objects.create(
        round=round_,
        outcome="approve",
        meeting_date=date(2027, 1, 5),
        minutes_reference="区委人才工作领导小组会议纪要〔2027〕1号",
        decided_by=leo,
        decided_at=timezone.now(),
    )
    assert _section(client, leo, "leader")["items"] == []
    assert _labels(_section(client, gina, "government")) == [
        (f"待区政府批准的首席技师人选：{round_.title}", approval_url, None)
    ]


def test_the_officer_is_pointed_to_the_rounds_open_objections(client, olivia, alice):
    round_, _ = make_notice_stage_round(olivia, [alice], n=2)
    during = datetime(2026, 12, 21, 10, 0, tzinfo=SHANGHAI)
    notice = notice_prepare(actor=olivia, round_=round_, starts_on=date(2026, 12, 21), now=AFTER_DEADLINE)
    notice = notice_publish(actor=olivia, notice=notice, now=AFTER_DEADLINE)
    for i in range(2):
        objection_file(
            notice=notice,
            entry=notice.entries.first(),
            name="韩实名",
            phone="13963100000",
            email="",
            content="该候选人的事迹材料中所述技术攻关成果并非其本人完成，请核实。" + "。" * i,
            files=[],
            ip="203.0.113.9",
            now=during,
        )

    assert _labels(_section(client, olivia, "officer")) == [
        (f"待处理的公示异议：{round_.title}", reverse("publicity:objection_list", args=[round_.pk]), 2)
    ]


def test_the_officer_is_asked_to_finish_a_notice_whose_period_is_over(client, olivia, alice):
    round_, _ = make_notice_stage_round(olivia, [alice], n=2)
    before = datetime(2026, 10, 30, 10, 0, tzinfo=SHANGHAI)
    notice = notice_prepare(actor=olivia, round_=round_, starts_on=date(2026, 11, 2), now=before)
    notice_publish(actor=olivia, notice=notice, now=before)
    notice.refresh_from_db()
    assert notice.ends_on < timezone.localdate()

    assert _labels(_section(client, olivia, "officer")) == [
        (
            f"公示期满，待结束公示并报送审定：{round_.title}",
            reverse("publicity:notice_manage", args=[round_.pk]),
            None,
        )
    ]
