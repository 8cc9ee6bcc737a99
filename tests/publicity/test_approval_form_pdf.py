"""The 呈批表 of each decision: a printable approval form with the process, the proposed list without any ID
or phone number, the office's proposal and the boxes for the leadership's and the government's opinions."""

import subprocess
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from chieftech.accounts.roles import Role
from chieftech.publicity.domain.approval import leadership_decide
from chieftech.publicity.models import LeadershipDecision
from tests.factories import make_user
from tests.publicity.decision_factories import FINDING, make_decision_stage_round, make_other_authority

MINUTES = "区委人才工作领导小组2026年第4次会议纪要"


@pytest.fixture
def weihai(db):
    return make_other_authority()


def pdf_text(content: bytes, tmp_path: Path) -> str:
    path = tmp_path / "form.pdf"
    path.write_bytes(content)
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


def flat(text: str) -> str:
    return "".join(text.split())


@pytest.fixture
def stage(olivia, alice, bob, chris):
    return make_decision_stage_round(olivia, alice, bob, chris)


def form_url(round_, which: str) -> str:
    return reverse("publicity:approval_form", args=[round_.pk, which])


def decide(leo, round_):
    return leadership_decide(
        actor=leo,
        round_=round_,
        outcome=LeadershipDecision.Outcome.APPROVE,
        meeting_date=timezone.localdate(),
        minutes_reference=MINUTES,
    )


def test_the_leaderships_form_states_the_process_the_list_and_the_proposal(client, stage, leo, tmp_path):
    client.force_login(leo)
    response = client.get(form_url(stage.round, "leadership"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = flat(pdf_text(b"".join([response.content]), tmp_path))
    for expected in [
        "关于环翠区首席技师拟认定人选的呈批表",
        "威海市环翠区人力资源和社会保障局",
        stage.round.title,
        "共收到推荐申报3份",
        "经资格审查，符合条件3人",
        "评分3人",
        "考察公示自2026年12月21日至2026年12月25日",
        "公示期间收到异议1件，经调查核实，异议成立0件、不成立1件。",
        flat(FINDING),
        "拟认定人选名单（2人）",
        "王建国",
        "李秀英",
        "威海甲精密机械有限公司",
        "拟办意见",
        "经资格审查、专家评审和考察公示，上述2名同志符合环翠区首席技师选拔条件",
        "请区委人才工作领导小组审定。",
        "区委人才工作领导小组意见",
        "区人民政府审批意见",
        "签字：",
        "日期：年月日",
    ]:
        assert flat(expected) in text, expected
    assert "张志强" not in text  # not proposed by the committee
    for application in stage.proposed:
        assert application.id_number not in text
        assert application.phone not in text


def test_the_governments_form_carries_the_leaderships_decision(client, stage, leo, gina, tmp_path):
    decide(leo, stage.round)
    client.force_login(gina)
    text = flat(pdf_text(client.get(form_url(stage.round, "government")).content, tmp_path))
    assert flat("关于环翠区首席技师认定人选的呈批表") in text
    assert (
        flat(f"已经区委人才工作领导小组{timezone.localdate():%Y年%-m月%-d日}会议审定同意（{MINUTES}）")
        in text
    )
    assert flat(f"审定同意（{timezone.localdate():%Y年%-m月%-d日}，{MINUTES}）") in text
    assert "请区人民政府审批。" in text


def test_the_governments_form_waits_for_the_leaderships_approval(client, stage, gina):
    client.force_login(gina)
    assert client.get(form_url(stage.round, "government")).status_code == 403


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("leo", 200),
        ("gina", 200),
        ("olivia", 200),
        ("leader_elsewhere", 404),
        ("erin", 403),
        ("alice", 403),
    ],
)
def test_the_form_is_for_the_authoritys_officer_leadership_and_government(
    client,
    stage,
    leo,
    gina,
    olivia,
    erin,
    alice,
    weihai,
    who,
    status,
):
    users = {
        "leo": leo,
        "gina": gina,
        "olivia": olivia,
        "leader_elsewhere": make_user("leader-weihai", Role.LEADER, authority=weihai),
        "erin": erin,
        "alice": alice,
    }
    client.force_login(users[who])
    assert client.get(form_url(stage.round, "leadership")).status_code == status


def test_an_unknown_form_is_404(client, stage, leo):
    client.force_login(leo)
    assert client.get(form_url(stage.round, "chair")).status_code == 404


def test_the_approval_page_links_the_forms_it_has_reached(client, stage, leo):
    client.force_login(leo)
    page = client.get(reverse("publicity:approval", args=[stage.round.pk])).content.decode()
    assert form_url(stage.round, "leadership") in page
    assert form_url(stage.round, "government") not in page
    decide(leo, stage.round)
    page = client.get(reverse("publicity:approval", args=[stage.round.pk])).content.decode()
    assert form_url(stage.round, "government") in page
