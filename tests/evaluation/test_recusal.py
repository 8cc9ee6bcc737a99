"""Declared conflicts of interest: any member, on any of their candidates, with a reason; the chair sees them all.

A recused member neither sees the candidate's material nor counts in its result.
"""

from datetime import datetime

import pytest
from django.urls import reverse

from chieftech.audit.models import AuditRecord
from chieftech.core.errors import DomainError
from chieftech.core.models import Notification
from chieftech.evaluation.domain.scoring import (
    recusal_declare,
    scoring_close,
    scoring_open,
    sheet_reopen,
)
from chieftech.evaluation.models import Assignment, Committee, CommitteeState, Recusal, Result, ScoreSheet
from chieftech.evaluation.selectors import scoring_missing, scoring_progress
from tests.evaluation.test_scoring import COMPREHENSIVE, ONSITE, scoring_setup
from tests.factories import SHANGHAI

CLOSED = datetime(2026, 12, 24, 17, 0, tzinfo=SHANGHAI)
REASON = "候选人系本人表弟"


def test_a_member_declares_a_conflict_and_their_drafts_for_the_candidate_go(olivia, alice, bob):
    s = scoring_setup(olivia, [alice, bob], n=2)
    expert = s.experts[0]
    first, _second = s.applications

    recusal = recusal_declare(actor=expert, round_=s.round_, application=first, reason=f"  {REASON} ")

    assert (recusal.member, recusal.application, recusal.kind, recusal.reason) == (
        s.member(expert),
        first,
        Recusal.Kind.DECLARED,
        REASON,
    )
    assert sorted(
        ScoreSheet.objects.filter(member=s.member(expert)).values_list("application__name", "part")
    ) == [
        ("李秀英", COMPREHENSIVE),
        ("李秀英", ONSITE),
    ]
    record = AuditRecord.objects.get(action="recusal.declare")
    assert (record.actor_username, record.object_id, record.reason) == ("expert1", str(recusal.pk), REASON)
    assert record.after == {
        "member": s.member(expert).pk,
        "expert": "专家1",
        "application": first.pk,
        "deleted_drafts": ["comprehensive", "onsite"],
        "kept_sheets": [],
    }
    note = Notification.objects.get(user=s.chair, subject="回避申明：专家1申明回避王建国")
    assert note.body == f"{s.round_.title}：委员专家1申明回避候选人王建国。理由：{REASON}"
    assert note.url == f"/evaluation/rounds/{s.round_.pk}/chair/"
    assert Notification.objects.filter(subject__startswith="回避申明").count() == 1


def test_a_conflict_can_be_declared_before_scoring_opens(olivia, alice):
    s = scoring_setup(olivia, [alice], n=1, open_scoring=False)

    recusal_declare(actor=s.experts[0], round_=s.round_, application=s.applications[0], reason=REASON)

    scoring_open(actor=s.chair, round_=s.round_)
    assert ScoreSheet.objects.filter(member=s.member(s.experts[0])).count() == 0
    assert ScoreSheet.objects.count() == 2 * 2


def test_a_submitted_sheet_is_kept_for_the_record_and_never_counts(olivia, alice):
    s = scoring_setup(olivia, [alice], n=1)
    expert, application = s.experts[0], s.applications[0]
    s.submit(expert, application, values=["0", "0", "0", "0", "0"], onsite="0")

    recusal_declare(actor=expert, round_=s.round_, application=application, reason=REASON)

    assert sorted(ScoreSheet.objects.filter(member=s.member(expert)).values_list("part", "state")) == [
        (COMPREHENSIVE, "submitted"),
        (ONSITE, "submitted"),
    ]
    assert AuditRecord.objects.get(action="recusal.declare").after["kept_sheets"] == [
        "comprehensive:submitted",
        "onsite:submitted",
    ]
    progress = scoring_progress(s.committee)
    row = next(m for m in progress.members if m.name == "专家1")
    assert (row.comprehensive.submitted, row.comprehensive.recused, row.onsite.submitted) == (0, 1, 0)
    with pytest.raises(DomainError) as refused:
        sheet_reopen(actor=s.chair, sheet=s.sheet(expert, application), reason="请复核")
    assert refused.value.message == "该委员已回避该候选人，其评分表不计入结果，不能退回重评。"

    s.submit(s.chair, application)
    s.submit(s.experts[1], application)
    scoring_close(actor=s.chair, round_=s.round_, now=CLOSED)
    result = Result.objects.get(application=application)
    assert (result.valid_sheets, result.onsite_valid_sheets) == (2, 2)
    assert str(s.member(expert).expert_id) not in result.expert_totals


def test_a_recused_members_open_drafts_do_not_hold_up_the_close(olivia, alice):
    s = scoring_setup(olivia, [alice], n=1)
    application = s.applications[0]
    s.submit(s.chair, application)
    s.submit(s.experts[1], application)
    recusal_declare(actor=s.experts[0], round_=s.round_, application=application, reason=REASON)

    assert scoring_missing(s.committee) == []
    scoring_close(actor=s.chair, round_=s.round_, now=CLOSED)
    assert Committee.objects.get(pk=s.committee.pk).state == CommitteeState.CLOSED


def test_a_reason_is_required(olivia, alice):
    s = scoring_setup(olivia, [alice], n=1)

    with pytest.raises(DomainError) as refused:
        recusal_declare(actor=s.experts[0], round_=s.round_, application=s.applications[0], reason=" \n")

    assert (refused.value.message, refused.value.field) == ("申明回避须填写理由。", "reason")
    assert Recusal.objects.filter(kind=Recusal.Kind.DECLARED).count() == 0
    assert ScoreSheet.objects.filter(member=s.member(s.experts[0])).count() == 2


def test_only_a_member_declares(olivia, alice, erin):
    s = scoring_setup(olivia, [alice], n=1)

    with pytest.raises(DomainError) as refused:
        recusal_declare(actor=erin, round_=s.round_, application=s.applications[0], reason=REASON)

    assert refused.value.message == "您不是本批次评审委员会委员。"


def test_a_member_declares_only_on_their_own_candidates(olivia, alice):
    s = scoring_setup(olivia, [alice], n=1, open_scoring=False)
    Assignment.objects.filter(member=s.member(s.experts[0])).delete()

    with pytest.raises(DomainError) as refused:
        recusal_declare(actor=s.experts[0], round_=s.round_, application=s.applications[0], reason=REASON)

    assert refused.value.message == "该候选人不在您的评审范围内。"


def test_a_conflict_is_declared_once(olivia, alice):
    s = scoring_setup(olivia, [alice], n=1)
    recusal_declare(actor=s.experts[0], round_=s.round_, application=s.applications[0], reason=REASON)

    with pytest.raises(DomainError) as refused:
        recusal_declare(actor=s.experts[0], round_=s.round_, application=s.applications[0], reason="再次申明")

    assert refused.value.message == "您已回避候选人王建国。"
    assert AuditRecord.objects.filter(action="recusal.declare").count() == 1


def test_no_declaration_after_scoring_closed(olivia, alice):
    s = scoring_setup(olivia, [alice], n=1)
    for user in s.members:
        s.submit(user, s.applications[0])
    scoring_close(actor=s.chair, round_=s.round_, now=CLOSED)

    with pytest.raises(DomainError) as refused:
        recusal_declare(actor=s.experts[0], round_=s.round_, application=s.applications[0], reason=REASON)

    assert refused.value.message == "评分已经结束，不能再申明回避。"


# --- Pages -----------------------------------------------------------------------------------------


def _sheet_url(s, application):
    return reverse("evaluation:sheet", args=[s.round_.pk, application.pk])


def test_the_declare_form_records_the_conflict_and_the_candidate_disappears(client, olivia, alice):
    s = scoring_setup(olivia, [alice], n=1)
    expert, application = s.experts[0], s.applications[0]
    client.force_login(s.experts[0])
    url = reverse("evaluation:recusal_declare", args=[s.round_.pk, application.pk])

    response = client.post(url, {"reason": REASON})

    assert response.status_code == 302
    assert response["Location"] == reverse("evaluation:my_work")
    assert Recusal.objects.get(member=s.member(expert), application=application).reason == REASON
    assert client.get(_sheet_url(s, application)).status_code == 404
    assert client.post(url, {"reason": REASON}).status_code == 404
    work = client.get(reverse("evaluation:my_work")).content.decode()
    assert "已回避" in work
    assert _sheet_url(s, application) not in work


def test_the_declare_form_without_a_reason_shows_the_message(client, olivia, alice):
    s = scoring_setup(olivia, [alice], n=1)
    client.force_login(s.experts[0])

    response = client.post(
        reverse("evaluation:recusal_declare", args=[s.round_.pk, s.applications[0].pk]), {"reason": ""}
    )

    assert response.status_code == 200
    assert "申明回避须填写理由。" in response.content.decode()
    assert Recusal.objects.filter(kind=Recusal.Kind.DECLARED).count() == 0


def test_the_chair_sees_every_declaration_and_every_employer_recusal(
    client, olivia, alice, bob, enterprise_b
):
    s = scoring_setup(olivia, [alice, bob], n=2, expert_employers={2: enterprise_b})
    recusal_declare(actor=s.experts[0], round_=s.round_, application=s.applications[0], reason=REASON)
    client.force_login(s.chair)

    page = client.get(reverse("evaluation:chair", args=[s.round_.pk])).content.decode()

    declarations = page.split('id="declarations"')[1].split("</section>")[0]
    assert '专家1</td><td data-label="候选人">王建国' in declarations
    assert REASON in declarations
    assert "本人申明回避" in declarations
    assert '专家2</td><td data-label="候选人">李秀英' in declarations
    assert "同单位自动回避" in declarations
