"""Irreversible actions ask first, on the server: a POST without the confirmation changes nothing and shows
what will happen; the confirmation page's own form (the fields sent again with the confirmation) then does it.
"""

from datetime import timedelta

import lxml.html
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from chieftech.audit.models import AuditRecord
from chieftech.core.confirm import IRREVERSIBLE
from chieftech.evaluation.models import ScoreSheet
from chieftech.publicity.models import Notice
from chieftech.selection.models import RoundState
from tests.certificates.factories import make_approval_stage_round
from tests.evaluation.test_results_helpers import make_worked_example
from tests.evaluation.test_scoring import scoring_setup
from tests.factories import make_application, make_round
from tests.publicity.factories import make_notice_stage_round
from tests.publicity.test_approval_views import record_approval, record_decision
from tests.publicity.test_notice import calendar_known_from_today
from tests.selection.test_enterprise_views import open_round


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def asked(response) -> tuple[str, str, str]:
    """What the confirmation page says: the question, the warning and its button."""
    assert (response.status_code, response.templates[0].name) == (200, "core/confirm.html")
    doc = lxml.html.fromstring(response.content.decode())
    return (
        doc.get_element_by_id("confirm-question").text_content(),
        doc.get_element_by_id("confirm-irreversible").text_content(),
        doc.xpath('//form[@id="confirm-form"]//button')[0].text_content(),
    )


def confirm(client, response, **follow):
    """Press the confirmation page's button: its form, as the browser would send it."""
    doc = lxml.html.fromstring(response.content.decode())
    form = doc.get_element_by_id("confirm-form")
    data: dict[str, list[str]] = {}
    for field in form.xpath(".//input[@type='hidden']"):
        data.setdefault(field.get("name"), []).append(field.get("value"))
    return client.post(form.get("action"), data, **follow)


def actions(name: str) -> int:
    return AuditRecord.objects.filter(action=name).count()


def test_submitting_an_application_asks_first(alice, olivia):
    application = make_application(alice, open_round(olivia))
    client = logged_in(alice)
    url = reverse("selection:application_submit", args=[application.pk])

    response = client.post(url)

    assert asked(response) == (
        "即将提交王建国的申报材料，提交后由区人力资源和社会保障局进行资格审查，"
        "申报内容和证明材料不能再修改（审查退回补正的除外）。",
        IRREVERSIBLE,
        "确认提交申报",
    )
    application.refresh_from_db()
    assert (application.state, actions("application.submit")) == ("draft", 0)

    response = confirm(client, response)

    assert response["Location"] == reverse("selection:application_detail", args=[application.pk])
    application.refresh_from_db()
    assert (application.state, actions("application.submit")) == ("submitted", 1)


def test_submitting_a_score_sheet_asks_first_and_saves_nothing_until_confirmed(olivia, alice):
    s = scoring_setup(olivia, [alice], n=1)
    expert, application = s.experts[0], s.applications[0]
    client = logged_in(expert)
    scores = {
        f"criterion_{c.pk}": v for c, v in zip(s.criteria, ["8", "27.5", "20", "15", "12"], strict=True)
    }
    url = reverse("evaluation:sheet", args=[s.round_.pk, application.pk])

    response = client.post(url, {"part": "comprehensive", "action": "submit", **scores})

    assert asked(response) == (
        "即将提交王建国的综合评审评分表。提交后评分锁定，不能再修改（确需修改的，须由评审委员会主任退回）。",
        IRREVERSIBLE,
        "确认提交评分表",
    )
    sheet = s.sheet(expert, application)
    assert (sheet.state, sheet.scores.count(), actions("sheet.submit")) == (ScoreSheet.State.DRAFT, 0, 0)

    response = confirm(client, response)

    assert response["Location"] == url
    sheet.refresh_from_db()
    assert (sheet.state, str(sheet.total), actions("sheet.submit")) == (
        ScoreSheet.State.SUBMITTED,
        "82.50",
        1,
    )


def test_confirming_the_proposed_list_asks_first(olivia, alice, bob, chris):
    scored = make_worked_example(olivia, alice, bob, chris)
    client = logged_in(chris)
    url = reverse("evaluation:proposed_list", args=[scored.round.pk])

    response = client.post(url, {"action": "confirm"})

    assert asked(response) == (
        f"即将确认“{scored.round.title}”的建议人选名单：名单内候选人列为建议人选，其余候选人未入选，"
        "评审结束，批次进入考察公示阶段。",
        IRREVERSIBLE,
        "确认建议人选名单",
    )
    scored.round.refresh_from_db()
    assert (scored.round.state, actions("proposed_list.confirm")) == (RoundState.EVALUATION, 0)

    confirm(client, response)

    scored.round.refresh_from_db()
    assert (scored.round.state, actions("proposed_list.confirm")) == (RoundState.NOTICE, 1)


def test_publishing_the_call_asks_first(olivia):
    round_ = make_round(olivia, publish=False, confirmed=True)
    client = logged_in(olivia)

    response = client.post(reverse("selection:round_publish", args=[round_.pk]))

    assert asked(response) == (
        f"即将发布“{round_.title}”的申报通知：通知正文在门户网站“申报通知”栏目公开，企业即可开始填报，"
        "发布后通知正文和申报日期不能再修改。",
        IRREVERSIBLE,
        "确认发布",
    )
    round_.refresh_from_db()
    assert (round_.state, actions("round.publish_call")) == (RoundState.DRAFT, 0)

    confirm(client, response)

    round_.refresh_from_db()
    assert (round_.state, actions("round.publish_call")) == (RoundState.OPEN, 1)


def test_publishing_the_notice_asks_first(olivia, alice, bob):
    calendar_known_from_today()
    round_, _ = make_notice_stage_round(olivia, [alice, bob], n=1)
    client = logged_in(olivia)
    url = reverse("publicity:notice_manage", args=[round_.pk])
    start = timezone.localdate() + timedelta(days=1)
    client.post(url, {"action": "prepare", "starts_on": start.isoformat()})
    notice = Notice.objects.get()

    response = client.post(url, {"action": "publish"})

    question, warning, button = asked(response)
    assert question.startswith(
        f"即将发布“{notice.title}”：公示期为{start.year}年{start.month}月{start.day}日至"
    )
    assert question.endswith("群众可在公示期内提出异议；发布后公示内容不能再修改。")
    assert (warning, button) == (IRREVERSIBLE, "确认发布")
    notice.refresh_from_db()
    assert (notice.state, actions("notice.publish")) == (Notice.State.DRAFT, 0)

    response = confirm(client, response)

    assert response["Location"] == url
    notice.refresh_from_db()
    assert (notice.state, actions("notice.publish")) == (Notice.State.PUBLISHED, 1)


def test_publishing_the_roster_asks_first(olivia, alice, bob, leo, gina):
    round_, _ = make_approval_stage_round(olivia, [alice, bob], n=2)
    record_decision(leo, round_)
    record_approval(gina, round_)
    client = logged_in(olivia)
    url = reverse("publicity:approval", args=[round_.pk])

    response = client.post(url, {"action": "publish"})

    assert asked(response) == (
        f"即将发文公布“{round_.title}”的首席技师名单：名单在门户网站“首席技师名单”栏目公开，"
        "证书即可公开查验，批次办结。",
        IRREVERSIBLE,
        "确认公布",
    )
    round_.refresh_from_db()
    assert (round_.state, actions("roster.publish")) == (RoundState.APPROVAL, 0)

    confirm(client, response)

    round_.refresh_from_db()
    assert (round_.state, actions("roster.publish")) == (RoundState.PUBLISHED, 1)


@pytest.mark.parametrize("value", ["", "on", "no", "true"])
def test_only_the_confirmation_pages_own_value_confirms(alice, olivia, value):
    application = make_application(alice, open_round(olivia))

    response = logged_in(alice).post(
        reverse("selection:application_submit", args=[application.pk]), {"confirmed": value}
    )

    assert response.templates[0].name == "core/confirm.html"
    application.refresh_from_db()
    assert application.state == "draft"
