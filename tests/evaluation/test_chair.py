"""The chair's control of scoring: progress, reopening one sheet with a reason, closing (第10条(四))."""

from datetime import datetime
from decimal import Decimal

import pytest

from chieftech.audit.models import AuditRecord
from chieftech.core.errors import DomainError
from chieftech.core.models import Notification
from chieftech.evaluation.domain.scoring import (
    scoring_close,
    sheet_reopen,
    sheet_save,
    sheet_submit,
)
from chieftech.evaluation.models import Committee, CommitteeState, Expert, Result, Score, ScoreSheet
from chieftech.evaluation.selectors import missing_by_expert, scoring_missing, scoring_progress
from tests.evaluation.test_scoring import COMPREHENSIVE, ONSITE, OPENED, SUBMITTED, scoring_setup
from tests.factories import SHANGHAI

CLOSED = datetime(2026, 12, 24, 17, 0, tzinfo=SHANGHAI)


def _all_submitted(s, *, absent=()):
    """Every member submits both sheets for every candidate; (user, application) pairs in `absent` mark the
    on-site sheet absent instead."""
    for user in s.members:
        for application in s.applications:
            s.submit(user, application, onsite=None if (user, application) in absent else "80")


# --- Reopening -------------------------------------------------------------------------------------


def test_the_chair_reopens_a_submitted_sheet_with_a_reason(olivia, alice):
    s = scoring_setup(olivia, [alice], n=1)
    expert, application = s.experts[0], s.applications[0]
    s.submit(expert, application)
    sheet = s.sheet(expert, application)

    sheet_reopen(actor=s.chair, sheet=sheet, reason="职业道德一项与事迹材料不符，请复核")

    sheet.refresh_from_db()
    assert (sheet.state, sheet.total, sheet.submitted_at, sheet.reopened_reason) == (
        ScoreSheet.State.DRAFT,
        None,
        None,
        "职业道德一项与事迹材料不符，请复核",
    )
    # The expert's points stay for them to correct.
    assert Score.objects.filter(sheet=sheet).count() == 5
    record = AuditRecord.objects.get(action="sheet.reopen")
    assert (record.actor_username, record.object_id, record.reason) == (
        "chair1",
        str(sheet.pk),
        "职业道德一项与事迹材料不符，请复核",
    )
    assert record.before["state"] == "submitted"
    assert record.before["total"] == "84.00"
    assert record.after == {"state": "draft"}
    note = Notification.objects.get(user=expert, subject="评分表退回重评：王建国（综合评审）")
    assert note.body == (
        f"{s.round_.title}：评审委员会主任退回了您对王建国的综合评审评分表，请修改后重新提交。"
        "理由：职业道德一项与事迹材料不符，请复核"
    )
    assert note.url == f"/evaluation/rounds/{s.round_.pk}/candidates/{application.pk}/"
    # The expert corrects it and submits again.
    sheet_save(actor=expert, sheet=sheet, points={s.criteria[0].pk: "6"})
    sheet_submit(actor=expert, sheet=sheet, now=CLOSED)
    sheet.refresh_from_db()
    assert (sheet.state, sheet.total, sheet.submitted_at) == (
        ScoreSheet.State.SUBMITTED,
        Decimal("81.50"),
        CLOSED,
    )


def test_an_absent_on_site_sheet_can_be_reopened(olivia, alice):
    s = scoring_setup(olivia, [alice], n=1)
    expert, application = s.experts[0], s.applications[0]
    s.submit(expert, application, onsite=None)

    sheet_reopen(actor=s.chair, sheet=s.sheet(expert, application, ONSITE), reason="该委员实际到场")

    assert s.sheet(expert, application, ONSITE).state == ScoreSheet.State.DRAFT
    assert AuditRecord.objects.get(action="sheet.reopen").before["state"] == "absent"


def test_reopening_needs_a_reason(olivia, alice):
    s = scoring_setup(olivia, [alice], n=1)
    s.submit(s.experts[0], s.applications[0])
    sheet = s.sheet(s.experts[0], s.applications[0])

    with pytest.raises(DomainError) as refused:
        sheet_reopen(actor=s.chair, sheet=sheet, reason="  ")

    assert (refused.value.message, refused.value.field) == ("退回重评须填写理由。", "reason")
    sheet.refresh_from_db()
    assert sheet.state == ScoreSheet.State.SUBMITTED


def test_only_the_chair_reopens(olivia, alice):
    s = scoring_setup(olivia, [alice], n=1)
    s.submit(s.experts[0], s.applications[0])
    sheet = s.sheet(s.experts[0], s.applications[0])

    for actor in (s.experts[0], s.experts[1], olivia):
        with pytest.raises(DomainError) as refused:
            sheet_reopen(actor=actor, sheet=sheet, reason="请复核")
        assert refused.value.message == "只有评审委员会主任可以退回评分表。"
    assert AuditRecord.objects.filter(action="sheet.reopen").count() == 0


def test_a_draft_is_not_reopened(olivia, alice):
    s = scoring_setup(olivia, [alice], n=1)

    with pytest.raises(DomainError) as refused:
        sheet_reopen(actor=s.chair, sheet=s.sheet(s.experts[0], s.applications[0]), reason="请复核")

    assert refused.value.message == "该评分表尚未提交，无需退回。"


def test_no_sheet_is_reopened_once_scoring_closed(olivia, alice):
    s = scoring_setup(olivia, [alice], n=1)
    _all_submitted(s)
    scoring_close(actor=s.chair, round_=s.round_, now=CLOSED)

    with pytest.raises(DomainError) as refused:
        sheet_reopen(actor=s.chair, sheet=s.sheet(s.experts[0], s.applications[0]), reason="请复核")

    assert refused.value.message == "只有评分进行中才能退回评分表。"


# --- Progress --------------------------------------------------------------------------------------


def test_progress_counts_each_members_sheets_per_part_and_per_candidate(olivia, alice, bob):
    s = scoring_setup(olivia, [alice, bob], n=2)
    first, second = s.applications
    s.submit(s.experts[0], first)
    s.submit(s.experts[0], second, onsite=None)
    sheet_save(actor=s.chair, sheet=s.sheet(s.chair, first), points={s.criteria[0].pk: "5"})

    progress = scoring_progress(s.committee)

    assert [
        (
            m.name,
            (m.comprehensive.submitted, m.comprehensive.draft),
            (m.onsite.submitted, m.onsite.absent, m.onsite.draft),
        )
        for m in progress.members
    ] == [
        ("专家1", (2, 0), (1, 1, 0)),
        ("专家2", (0, 2), (0, 0, 2)),
        ("主任甲", (0, 2), (0, 0, 2)),
    ]
    assert [
        (c.name, (c.comprehensive.submitted, c.comprehensive.draft), (c.onsite.submitted, c.onsite.absent))
        for c in progress.candidates
    ] == [("王建国", (1, 2), (1, 0)), ("李秀英", (1, 2), (0, 1))]
    assert (progress.done, progress.total) == (4, 12)
    assert [str(m) for m in progress.missing] == [str(m) for m in scoring_missing(s.committee)]
    assert [str(m) for m in progress.missing] == [
        "专家2—李秀英（综合评审）",
        "专家2—李秀英（现场技能考查）",
        "专家2—王建国（综合评审）",
        "专家2—王建国（现场技能考查）",
        "主任甲—李秀英（综合评审）",
        "主任甲—李秀英（现场技能考查）",
        "主任甲—王建国（综合评审）",
        "主任甲—王建国（现场技能考查）",
    ]


# --- Closing ---------------------------------------------------------------------------------------


def test_the_chair_closes_scoring_once_every_sheet_is_done_and_results_are_computed(olivia, alice, bob):
    s = scoring_setup(olivia, [alice, bob], n=2)
    _all_submitted(s, absent={(s.experts[1], s.applications[0])})

    committee = scoring_close(actor=s.chair, round_=s.round_, now=CLOSED)

    committee.refresh_from_db()
    assert (committee.state, committee.scoring_closed_at, committee.close_reason) == (
        CommitteeState.CLOSED,
        CLOSED,
        "",
    )
    record = AuditRecord.objects.get(action="scoring.close")
    assert (record.actor_username, record.reason, record.before, record.after) == (
        "chair1",
        "",
        {"state": "scoring"},
        {"state": "closed", "missing": []},
    )
    assert Result.objects.filter(application__round=s.round_).count() == 2
    assert AuditRecord.objects.filter(action="results.compute").count() == 1


def test_closing_with_sheets_missing_needs_a_reason_and_names_them(olivia, alice):
    s = scoring_setup(olivia, [alice], n=1)
    s.submit(s.chair, s.applications[0])
    s.submit(s.experts[0], s.applications[0])
    sheet_save(
        actor=s.experts[1], sheet=s.sheet(s.experts[1], s.applications[0]), points={s.criteria[0].pk: "5"}
    )

    with pytest.raises(DomainError) as refused:
        scoring_close(actor=s.chair, round_=s.round_, now=CLOSED)

    assert refused.value.message == (
        "尚有2份评分表未提交：专家2：2份（综合评审、现场技能考查：王建国）。如需提前结束评分，请填写理由。"
    )
    assert refused.value.field == "reason"
    assert Committee.objects.get(pk=s.committee.pk).state == CommitteeState.SCORING
    assert AuditRecord.objects.filter(action="scoring.close").count() == 0


def _submit_comprehensive(s, user, application) -> None:
    comprehensive = s.sheet(user, application)
    sheet_save(actor=user, sheet=comprehensive, points=s.points())
    sheet_submit(actor=user, sheet=comprehensive, now=SUBMITTED)


def test_the_refusal_groups_the_missing_sheets_by_expert_and_part(olivia, alice, bob):
    s = scoring_setup(olivia, [alice, bob], n=2, experts=3)
    first, second = s.applications
    s.submit(s.chair, first)
    s.submit(s.chair, second)
    s.submit(s.experts[0], first)
    _submit_comprehensive(s, s.experts[0], second)
    _submit_comprehensive(s, s.experts[1], first)

    with pytest.raises(DomainError) as refused:
        scoring_close(actor=s.chair, round_=s.round_, now=CLOSED)

    # Parts missing for the same candidates share one list.
    assert refused.value.message == (
        "尚有8份评分表未提交："
        "专家1：1份（现场技能考查：李秀英）；"
        "专家2：3份（综合评审：李秀英，现场技能考查：李秀英、王建国）；"
        "专家3：4份（综合评审、现场技能考查：李秀英、王建国）。"
        "如需提前结束评分，请填写理由。"
    )
    assert [str(g) for g in missing_by_expert(scoring_missing(s.committee))] == [
        "专家1：1份（现场技能考查：李秀英）",
        "专家2：3份（综合评审：李秀英，现场技能考查：李秀英、王建国）",
        "专家3：4份（综合评审、现场技能考查：李秀英、王建国）",
    ]


def test_experts_of_the_same_name_are_not_merged(olivia, alice):
    s = scoring_setup(olivia, [alice], n=1)
    Expert.objects.filter(pk=s.member(s.experts[1]).expert_id).update(name="专家1")

    assert [str(g) for g in missing_by_expert(scoring_missing(s.committee))] == [
        "专家1：2份（综合评审、现场技能考查：王建国）",
        "专家1：2份（综合评审、现场技能考查：王建国）",
        "主任甲：2份（综合评审、现场技能考查：王建国）",
    ]


def test_closing_early_with_a_reason_records_it_and_the_missing_sheets(olivia, alice):
    s = scoring_setup(olivia, [alice], n=1)
    s.submit(s.chair, s.applications[0])
    s.submit(s.experts[0], s.applications[0])

    scoring_close(actor=s.chair, round_=s.round_, reason="专家2因病无法参加评审", now=CLOSED)

    committee = Committee.objects.get(pk=s.committee.pk)
    assert (committee.state, committee.close_reason) == (CommitteeState.CLOSED, "专家2因病无法参加评审")
    record = AuditRecord.objects.get(action="scoring.close")
    assert record.reason == "专家2因病无法参加评审"
    assert record.after == {
        "state": "closed",
        "missing": ["专家2—王建国（综合评审）", "专家2—王建国（现场技能考查）"],
    }
    # Drafts left open never count.
    result = Result.objects.get(application=s.applications[0])
    assert (result.valid_sheets, result.onsite_valid_sheets) == (2, 2)
    assert s.sheet(s.experts[1], s.applications[0]).state == ScoreSheet.State.DRAFT


def test_a_late_sheet_cannot_be_saved_or_submitted_after_close(olivia, alice):
    s = scoring_setup(olivia, [alice], n=1)
    s.submit(s.chair, s.applications[0])
    scoring_close(actor=s.chair, round_=s.round_, reason="提前结束", now=CLOSED)
    late = s.sheet(s.experts[0], s.applications[0])

    with pytest.raises(DomainError) as refused:
        sheet_save(actor=s.experts[0], sheet=late, points=s.points())
    assert refused.value.message == "评分已经结束，评分表不能再修改。"
    with pytest.raises(DomainError) as refused:
        sheet_submit(actor=s.experts[0], sheet=late, now=CLOSED)
    assert refused.value.message == "评分已经结束，评分表不能再修改。"


def test_a_failed_result_computation_leaves_scoring_open(olivia, alice, bob):
    # Nobody scored 李秀英's on-site assessment: there is nothing to aggregate, so nothing is closed.
    s = scoring_setup(olivia, [alice, bob], n=2)
    _all_submitted(s, absent={(u, s.applications[1]) for u in s.members})

    with pytest.raises(DomainError):
        scoring_close(actor=s.chair, round_=s.round_, now=CLOSED)

    assert Committee.objects.get(pk=s.committee.pk).state == CommitteeState.SCORING
    assert AuditRecord.objects.filter(action="scoring.close").count() == 0
    assert Result.objects.count() == 0


@pytest.mark.parametrize("who", ["expert", "officer"])
def test_only_the_chair_closes(olivia, alice, who):
    s = scoring_setup(olivia, [alice], n=1)
    _all_submitted(s)

    with pytest.raises(DomainError) as refused:
        scoring_close(actor=s.experts[0] if who == "expert" else olivia, round_=s.round_, now=CLOSED)

    assert refused.value.message == "只有评审委员会主任可以结束评分。"
    assert Committee.objects.get(pk=s.committee.pk).state == CommitteeState.SCORING


def test_scoring_closes_only_while_open(olivia, alice):
    s = scoring_setup(olivia, [alice], n=1, open_scoring=False)

    with pytest.raises(DomainError) as refused:
        scoring_close(actor=s.chair, round_=s.round_, reason="x", now=CLOSED)
    assert refused.value.message == "评分尚未开始。"


def test_scoring_closes_once(olivia, alice):
    s = scoring_setup(olivia, [alice], n=1)
    _all_submitted(s)
    scoring_close(actor=s.chair, round_=s.round_, now=CLOSED)

    with pytest.raises(DomainError) as refused:
        scoring_close(actor=s.chair, round_=s.round_, now=CLOSED)
    assert refused.value.message == "评分已经结束。"
    assert AuditRecord.objects.filter(action="scoring.close").count() == 1


def test_opened_and_submitted_times_are_kept(olivia, alice):
    s = scoring_setup(olivia, [alice], n=1)
    _all_submitted(s)

    scoring_close(actor=s.chair, round_=s.round_, now=CLOSED)

    committee = Committee.objects.get(pk=s.committee.pk)
    assert (committee.scoring_opened_at, committee.scoring_closed_at) == (OPENED, CLOSED)
    assert set(
        ScoreSheet.objects.filter(member__committee=committee, part=COMPREHENSIVE).values_list(
            "submitted_at", flat=True
        )
    ) == {SUBMITTED}
