"""results_compute: the committee's sheets turned into stored results, a ranking and the default proposed list."""

from datetime import date

import pytest

from chieftech.audit.models import AuditRecord
from chieftech.core.errors import DomainError
from chieftech.evaluation.domain.aggregation import TIE_BREAK_AGE, TIE_BREAK_APPLICATION_ID
from chieftech.evaluation.domain.results import (
    TIE_BREAK_NORMALISED_AGE,
    results_compute,
)
from chieftech.evaluation.models import CommitteeState, ProposedList, Result, ScoreSheet, ScoringScheme
from chieftech.selection.models import Application
from tests.evaluation.test_results_helpers import (
    ABSENT,
    CLOSED_AT,
    make_scored_round,
    make_worked_example,
)


def _figures(result: Result) -> tuple:
    return (
        result.application.name,
        result.rank,
        str(result.comprehensive),
        str(result.onsite),
        str(result.composite),
        str(result.std_dev),
        str(result.spread),
        result.spread_flagged,
        result.valid_sheets,
        result.onsite_valid_sheets,
        result.tie_break,
    )


def test_worked_example_figures_ranking_and_proposed_list(olivia, alice, bob, chris):
    scored = make_worked_example(olivia, alice, bob, chris)

    results = list(Result.objects.filter(application__round=scored.round).select_related("application"))
    assert [_figures(r) for r in results] == [
        ("王建国", 1, "85.00", "80.00", "83.00", "4.08", "10.00", False, 3, 3, ""),
        ("李秀英", 2, "82.50", "67.50", "76.50", "12.50", "25.00", True, 2, 2, ""),
        ("张志强", 3, "65.00", "55.00", "61.00", "4.08", "10.00", False, 3, 3, ""),
    ]
    chair, first, second = (scored.members[n].expert_id for n in ("克里斯", "专家甲", "专家乙"))
    assert results[0].expert_totals == {str(chair): "80.00", str(first): "90.00", str(second): "85.00"}
    # The recused member's sheet for 李秀英 exists but does not count.
    assert results[1].expert_totals == {str(chair): "70.00", str(first): "95.00"}
    assert all(r.computed_at == CLOSED_AT for r in results)
    assert all(r.normalised is not None for r in results)

    plist = ProposedList.objects.get(round=scored.round)
    assert (plist.size, plist.size_reason) == (2, "")
    assert sorted(plist.applications.values_list("name", flat=True)) == ["李秀英", "王建国"]

    record = AuditRecord.objects.get(action="results.compute")
    assert record.object_id == str(scored.committee.pk)
    assert record.after["ranking"] == [a.pk for a in scored.applications]
    assert record.after["proposed"] == [scored.applications[0].pk, scored.applications[1].pk]
    assert record.after["ranked_by"] == "composite"


def test_a_recused_members_sheet_is_as_if_it_never_existed(olivia, alice, bob, chris):
    scored = make_worked_example(olivia, alice, bob, chris)
    with_sheet = Result.objects.get(application=scored.applications[1])

    ScoreSheet.objects.filter(member=scored.members["专家乙"], application=scored.applications[1]).delete()
    results_compute(committee=scored.committee, now=CLOSED_AT)

    without = Result.objects.get(application=scored.applications[1])
    assert (without.composite, without.std_dev, without.valid_sheets) == (
        with_sheet.composite,
        with_sheet.std_dev,
        with_sheet.valid_sheets,
    )


def test_draft_and_absent_sheets_are_not_values(olivia, alice, bob, chris):
    scored = make_scored_round(
        olivia,
        [alice, bob],
        chair_user=chris,
        scores={"克里斯": [(80, 60)], "专家甲": [(60, ABSENT)]},
        n=1,
        close=False,
    )
    member = scored.members["克里斯"]
    # A draft on-site sheet with points does not count.
    ScoreSheet.objects.filter(member=member, part=ScoreSheet.Part.ONSITE).update(state=ScoreSheet.State.DRAFT)
    with pytest.raises(DomainError) as refused:
        results_compute(committee=scored.committee, now=CLOSED_AT)
    assert refused.value.message == "以下候选人没有有效评分，无法计算结果——现场技能考查：王建国。"
    assert not Result.objects.exists()

    ScoreSheet.objects.filter(member=member, part=ScoreSheet.Part.ONSITE).update(
        state=ScoreSheet.State.SUBMITTED
    )
    results_compute(committee=scored.committee, now=CLOSED_AT)
    result = Result.objects.get()
    assert (str(result.comprehensive), str(result.onsite), result.onsite_valid_sheets) == (
        "70.00",
        "60.00",
        1,
    )
    assert str(result.composite) == "66.00"  # 70 × 60 % + 60 × 40 %


def test_a_candidate_without_any_comprehensive_sheet_is_named(olivia, alice, bob, chris):
    scored = make_scored_round(
        olivia,
        [alice, bob],
        chair_user=chris,
        scores={"克里斯": [(80, 60), (None, 70)], "专家甲": [(60, 50), None]},
        n=2,
        close=False,
    )
    with pytest.raises(DomainError) as refused:
        results_compute(committee=scored.committee, now=CLOSED_AT)
    assert refused.value.message == "以下候选人没有有效评分，无法计算结果——综合评审：李秀英。"


def test_equal_composite_the_younger_candidate_goes_first_and_the_rule_is_named(olivia, alice, bob, chris):
    scored = make_scored_round(
        olivia,
        [alice, bob],
        chair_user=chris,
        scores={"克里斯": [(80, 70), (80, 70), (60, 60)], "专家甲": [(90, 80), (90, 80), (60, 60)]},
        n=3,
        close=True,
        compute=False,
    )
    older, younger, last = scored.applications
    # 45 on the reference date (2026-12-15): still inside the priority age.
    Application.objects.filter(pk=younger.pk).update(birth_date=date(1981, 12, 15))
    Application.objects.filter(pk=older.pk).update(birth_date=date(1981, 12, 14))  # 45 and one day: 45 too
    results_compute(committee=scored.committee, now=CLOSED_AT)
    assert [(r.application_id, r.tie_break) for r in Result.objects.all()] == [
        (older.pk, ""),
        (younger.pk, TIE_BREAK_APPLICATION_ID),
        (last.pk, ""),
    ]

    Application.objects.filter(pk=older.pk).update(birth_date=date(1980, 12, 14))  # 46
    results_compute(committee=scored.committee, now=CLOSED_AT)
    assert [(r.application_id, str(r.composite), r.tie_break) for r in Result.objects.all()] == [
        (younger.pk, "81.00", ""),
        (older.pk, "81.00", TIE_BREAK_AGE),
        (last.pk, "60.00", ""),
    ]


def test_ranking_by_the_normalised_score_when_the_round_says_so(olivia, alice, bob, chris):
    # 克里斯 is harsh and 专家甲 generous on the comprehensive part; both put 王建国 ahead on site.
    scores = {"克里斯": [(50, 80), (40, 79)], "专家甲": [(60, 80), (100, 79)]}
    scored = make_scored_round(
        olivia,
        [alice, bob],
        chair_user=chris,
        scores=scores,
        n=2,
        compute=False,
        quota=1,
        quota_reason="试点",
    )
    first, second = scored.applications

    results_compute(committee=scored.committee, now=CLOSED_AT)
    by_composite = [(r.application_id, str(r.composite), str(r.normalised)) for r in Result.objects.all()]
    assert by_composite == [(second.pk, "73.60", "46.00"), (first.pk, "65.00", "54.00")]
    plist = ProposedList.objects.get(round=scored.round)
    assert list(plist.applications.values_list("pk", flat=True)) == [second.pk]

    ScoringScheme.objects.filter(round=scored.round).update(rank_by_normalised=True)
    results_compute(committee=scored.committee, now=CLOSED_AT)
    by_normalised = [(r.application_id, r.rank, str(r.normalised)) for r in Result.objects.all()]
    assert by_normalised == [(first.pk, 1, "54.00"), (second.pk, 2, "46.00")]
    assert list(ProposedList.objects.get(round=scored.round).applications.values_list("pk", flat=True)) == [
        first.pk
    ]
    assert AuditRecord.objects.filter(action="results.compute").last().after["ranked_by"] == "normalised"


def test_ties_on_the_normalised_score_are_named_as_such(olivia, alice, bob, chris):
    scores = {"克里斯": [(80, 70), (80, 70)], "专家甲": [(90, 80), (90, 80)]}
    scored = make_scored_round(olivia, [alice, bob], chair_user=chris, scores=scores, n=2, compute=False)
    older, younger = scored.applications
    Application.objects.filter(pk=older.pk).update(birth_date=date(1970, 1, 1))
    Application.objects.filter(pk=younger.pk).update(birth_date=date(1990, 1, 1))
    ScoringScheme.objects.filter(round=scored.round).update(rank_by_normalised=True)

    results_compute(committee=scored.committee, now=CLOSED_AT)

    assert [(r.application_id, r.tie_break) for r in Result.objects.all()] == [
        (younger.pk, ""),
        (older.pk, TIE_BREAK_NORMALISED_AGE),
    ]


def test_fewer_candidates_than_the_quota_propose_all_of_them_with_the_reason(olivia, alice, bob, chris):
    scored = make_scored_round(
        olivia, [alice, bob], chair_user=chris, scores={"克里斯": [(80, 70), (70, 60)]}, n=2
    )
    plist = ProposedList.objects.get(round=scored.round)
    assert (plist.size, plist.size_reason) == (
        2,
        "资格审查合格的候选人共2人，少于本批次选拔名额5人，全部列入建议名单。",
    )
    assert plist.applications.count() == 2


def test_recomputing_replaces_results_and_a_confirmed_committee_refuses(olivia, alice, bob, chris):
    scored = make_worked_example(olivia, alice, bob, chris)
    results_compute(committee=scored.committee, now=CLOSED_AT)
    assert Result.objects.filter(application__round=scored.round).count() == 3

    scored.committee.state = CommitteeState.CONFIRMED
    scored.committee.save()
    with pytest.raises(DomainError) as refused:
        results_compute(committee=scored.committee, now=CLOSED_AT)
    assert refused.value.message == "建议人选名单已确认，评审结果不能再重新计算。"
