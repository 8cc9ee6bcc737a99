"""Aggregation and ranking of the committee's scores: the arithmetic alone, with exact figures (第10条(四),
第7条(五)). The rules are documented in chieftech.evaluation.domain.aggregation."""

import itertools
import math
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction
from zoneinfo import ZoneInfo

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from chieftech.evaluation.domain.aggregation import (
    TIE_BREAK_AGE,
    TIE_BREAK_APPLICATION_ID,
    TIE_BREAK_ONSITE,
    TIE_BREAK_SUBMITTED,
    Candidate,
    CandidateResult,
    ExpertScores,
    Scheme,
    aggregate,
    evaluate,
    rank_key,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 12, 1, 9, 0, tzinfo=SHANGHAI)
DEFAULT = {
    "comprehensive_max": Decimal(100),
    "onsite_max": Decimal(100),
    "comprehensive_weight": Decimal("0.60"),
    "onsite_weight": Decimal("0.40"),
    "trimmed_mean": True,
    "trim_min_sheets": 5,
}


def scheme(**changes) -> Scheme:
    return Scheme(**{**DEFAULT, **changes})


def candidate(
    application_id: int,
    comprehensive: list[str],
    onsite: list[str],
    *,
    age_priority: bool = False,
    submitted_at: datetime = T0,
    experts: list[int] | None = None,
) -> Candidate:
    """Expert i gives comprehensive[i] and onsite[i]; a shorter list leaves the last experts without that part."""
    experts = experts or list(range(1, max(len(comprehensive), len(onsite)) + 1))
    return Candidate(
        application_id=application_id,
        age_priority=age_priority,
        submitted_at=submitted_at,
        sheets=[
            ExpertScores(
                expert_id=expert_id,
                comprehensive=Decimal(comprehensive[i]) if i < len(comprehensive) else None,
                onsite=Decimal(onsite[i]) if i < len(onsite) else None,
            )
            for i, expert_id in enumerate(experts)
        ],
    )


def only(results: list[CandidateResult]) -> CandidateResult:
    (result,) = results
    return result


def order(results: list[CandidateResult]) -> list[tuple[int, int, str]]:
    return [(result.application_id, result.rank, result.tie_break) for result in results]


# --- The composite -------------------------------------------------------------------------------------------


def test_each_part_is_put_on_a_100_point_scale_before_it_is_weighted():
    """Comprehensive out of 80, on-site out of 50: 62.5/80 × 100 × 0.6 + 37/50 × 100 × 0.4 = 46.875 + 29.6."""
    result = only(
        evaluate(
            [candidate(1, ["60", "62.5", "65"], ["36", "38"])],
            scheme(comprehensive_max=Decimal(80), onsite_max=Decimal(50)),
        )
    )

    assert (result.comprehensive, result.onsite, result.composite) == (
        Decimal("62.50"),
        Decimal("37.00"),
        Decimal("76.48"),
    )


def test_worked_example_in_the_default_scheme():
    """Five sheets: the highest and lowest of each part are dropped. Comprehensive (85 + 86.5 + 88) / 3 = 86.5,
    on-site (80 + 82 + 84) / 3 = 82, composite 86.5 × 0.6 + 82 × 0.4 = 84.7. The spread is over all five
    comprehensive totals: mean 86.5, squared deviations 72.25 + 2.25 + 0 + 2.25 + 72.25 = 149, population
    standard deviation √(149 / 5) = 5.4589…, max − min = 17 > 15."""
    result = only(
        evaluate([candidate(1, ["78", "85", "86.5", "88", "95"], ["70", "80", "82", "84", "99"])], scheme())
    )

    assert result == CandidateResult(
        application_id=1,
        comprehensive=Decimal("86.50"),
        onsite=Decimal("82.00"),
        composite=Decimal("84.70"),
        std_dev=Decimal("5.46"),
        spread=Decimal("17.00"),
        spread_flagged=True,
        normalised=Decimal("84.70"),  # each expert scored this candidate only: their raw values count
        valid_sheets=5,
        expert_totals={
            1: Decimal("78.00"),
            2: Decimal("85.00"),
            3: Decimal("86.50"),
            4: Decimal("88.00"),
            5: Decimal("95.00"),
        },
        rank=1,
        tie_break="",
    )


# --- Trimmed or plain mean -----------------------------------------------------------------------------------


def test_four_sheets_take_the_plain_mean_and_five_the_trimmed_mean():
    assert aggregate([Decimal(v) for v in ("60", "70", "71", "99")], trimmed=True, trim_min=5) == Decimal(75)
    assert aggregate(
        [Decimal(v) for v in ("60", "70", "71", "72", "99")], trimmed=True, trim_min=5
    ) == Decimal(71)

    results = evaluate(
        [
            candidate(4, ["60", "70", "71", "99"], ["80"]),
            candidate(5, ["60", "70", "71", "72", "99"], ["80"]),
        ],
        scheme(),
    )

    assert {r.application_id: (r.comprehensive, r.valid_sheets) for r in results} == {
        4: (Decimal("75.00"), 4),
        5: (Decimal("71.00"), 5),  # the plain mean would be 74.40
    }


def test_the_round_can_switch_the_trimmed_mean_off_or_move_its_threshold():
    five = candidate(5, ["60", "70", "71", "72", "99"], ["80"])
    four = candidate(4, ["60", "70", "71", "99"], ["80"])

    assert only(evaluate([five], scheme(trimmed_mean=False))).comprehensive == Decimal("74.40")
    assert only(evaluate([four], scheme(trim_min_sheets=4))).comprehensive == Decimal("70.50")


def test_each_part_is_trimmed_on_its_own_count_of_sheets():
    """Five comprehensive sheets are trimmed; the four on-site sheets beside them are not."""
    result = only(
        evaluate([candidate(1, ["60", "70", "71", "72", "99"], ["60", "70", "71", "99"])], scheme())
    )

    assert (result.comprehensive, result.onsite) == (Decimal("71.00"), Decimal("75.00"))


# --- Exact arithmetic, rounded once --------------------------------------------------------------------------


def test_figures_are_rounded_once_at_the_end_not_part_by_part():
    """Comprehensive 300.5 / 4 = 75.125, on-site 150.5 / 3 = 50.1666…; composite 45.075 + 20.0666… = 65.1416…
    → 65.14. Rounding the parts first (75.13 and 50.17) would give 45.078 + 20.068 = 65.146 → 65.15."""
    result = only(evaluate([candidate(1, ["75", "75", "75", "75.5"], ["50", "50", "50.5"])], scheme()))

    rounded_parts_first = (result.comprehensive * Decimal("0.6") + result.onsite * Decimal("0.4")).quantize(
        Decimal("0.01"), ROUND_HALF_UP
    )
    assert (result.comprehensive, result.onsite, result.composite) == (
        Decimal("75.13"),
        Decimal("50.17"),
        Decimal("65.14"),
    )
    assert rounded_parts_first == Decimal("65.15")


def test_an_exact_half_cent_rounds_up():
    """320.5 / 4 = 80.125 in both parts and in the composite: ROUND_HALF_UP gives 80.13 (half-even would give
    80.12)."""
    values = ["80", "80", "80", "80.5"]

    assert aggregate([Decimal(v) for v in values], trimmed=True, trim_min=5) == Decimal("80.125")
    result = only(evaluate([candidate(1, values, values)], scheme()))
    assert (result.comprehensive, result.onsite, result.composite) == (
        Decimal("80.13"),
        Decimal("80.13"),
        Decimal("80.13"),
    )


def test_a_repeating_mean_does_not_tip_an_exact_half_cent_the_wrong_way():
    """Comprehensive out of 80, weighted 0.7, plain mean of seven sheets: 393 / 7 = 56.142857…; on-site 70. The
    composite is exactly 56.142857… / 80 × 100 × 0.7 + 70 × 0.3 = 49.125 + 21 = 70.125 → 70.13. Following the
    formula step by step, even with 40 digits, lands a hair below and rounds to 70.12."""
    comprehensive = ["56", "56", "56", "56", "56", "56.5", "56.5"]
    onsite = ["70", "70"]
    tilted = scheme(
        comprehensive_max=Decimal(80),
        comprehensive_weight=Decimal("0.70"),
        onsite_weight=Decimal("0.30"),
        trimmed_mean=False,
    )

    result = only(evaluate([candidate(1, comprehensive, onsite)], tilted))

    with localcontext(prec=40):
        step_by_step = aggregate(
            [Decimal(v) for v in comprehensive], trimmed=False, trim_min=0
        ) / 80 * 100 * Decimal("0.7") + aggregate(
            [Decimal(v) for v in onsite], trimmed=False, trim_min=0
        ) / 100 * 100 * Decimal("0.3")
    assert result.composite == Decimal("70.13")
    assert step_by_step.quantize(Decimal("0.01"), ROUND_HALF_UP) == Decimal("70.12")


# --- Spread --------------------------------------------------------------------------------------------------


def test_spread_is_the_population_standard_deviation_and_max_minus_min_of_the_comprehensive_totals():
    """70, 80, 90: √(200 / 3) = 8.16 (the sample standard deviation would be 10.00); on-site totals play no
    part."""
    result = only(evaluate([candidate(1, ["70", "80", "90"], ["0", "100", "50"])], scheme()))

    assert (result.std_dev, result.spread, result.spread_flagged) == (Decimal("8.16"), Decimal("20.00"), True)


@pytest.mark.parametrize(
    ("comprehensive_max", "totals", "flagged"),
    [
        ("100", ["80", "95"], False),  # 15 points apart: not more than 15
        ("100", ["80", "95.5"], True),
        ("80", ["60", "72"], False),  # 12 of 80 points is 15 on the 100-point scale
        ("80", ["60", "72.5"], True),
    ],
)
def test_a_spread_of_more_than_15_points_on_the_100_point_scale_is_flagged(
    comprehensive_max, totals, flagged
):
    result = only(
        evaluate([candidate(1, totals, ["80"])], scheme(comprehensive_max=Decimal(comprehensive_max)))
    )

    assert result.spread_flagged is flagged


def test_expert_totals_list_the_comprehensive_total_of_each_expert_who_scored():
    """Expert 2 is recused (absent); expert 4 submitted only the on-site part."""
    result = only(
        evaluate(
            [
                Candidate(
                    application_id=1,
                    age_priority=False,
                    submitted_at=T0,
                    sheets=[
                        ExpertScores(expert_id=1, comprehensive=Decimal("81.5"), onsite=Decimal(80)),
                        ExpertScores(expert_id=3, comprehensive=Decimal(77), onsite=None),
                        ExpertScores(expert_id=4, comprehensive=None, onsite=Decimal(90)),
                    ],
                )
            ],
            scheme(),
        )
    )

    assert result.expert_totals == {1: Decimal("81.50"), 3: Decimal("77.00")}
    assert (result.valid_sheets, result.comprehensive, result.onsite) == (
        2,
        Decimal("79.25"),
        Decimal("85.00"),
    )


# --- The normalised reference score --------------------------------------------------------------------------


def test_normalised_score_worked_example():
    """Comprehensive: expert 1 gave 90 and 70 (z = ±1 → 60 and 40), expert 2 gave 82 and 80 (also 60 and 40),
    expert 3 scored candidate 1 only and contributes the raw 88. On-site: expert 1 gave both 85 — no variance,
    so the raw 85. Candidate 1: (60 + 60 + 88) / 3 × 0.6 + 85 × 0.4 = 41.6 + 34; candidate 2: 40 × 0.6 + 34."""
    results = evaluate(
        [
            candidate(1, ["90", "82", "88"], ["85"], experts=[1, 2, 3]),
            candidate(2, ["70", "80"], ["85"], experts=[1, 2]),
        ],
        scheme(),
    )

    assert [(r.application_id, r.composite, r.normalised) for r in results] == [
        (1, Decimal("86.00"), Decimal("75.60")),
        (2, Decimal("79.00"), Decimal("58.00")),
    ]


def test_normalised_score_is_clipped_to_the_100_point_scale():
    """Expert 1 gave 29 candidates 50 and one 100: z = √29 = 5.39 would put it at 103.85; it counts as 100.
    The others sit at 50 − 10 / √29 = 48.1430…; on-site, the same 80 for all, counts as the raw 80."""
    candidates = [candidate(n, ["50"], ["80"]) for n in range(1, 30)] + [candidate(30, ["100"], ["80"])]

    results = {r.application_id: r.normalised for r in evaluate(candidates, scheme())}

    assert results[30] == Decimal("92.00")  # 100 × 0.6 + 80 × 0.4
    assert results[1] == Decimal("60.89")  # 48.1430… × 0.6 + 32


def test_the_normalised_score_never_changes_the_ranking():
    """Expert 1 scores candidates 1 and 2 generously, expert 2 scores 3 and 4 strictly. Normalised, 3 would
    overtake 2; the ranking follows the composite."""
    results = evaluate(
        [
            candidate(1, ["90"], ["80"], experts=[1]),
            candidate(2, ["88"], ["80"], experts=[1]),
            candidate(3, ["60"], ["80"], experts=[2]),
            candidate(4, ["50"], ["80"], experts=[2]),
        ],
        scheme(),
    )

    assert [(r.application_id, r.rank, r.composite, r.normalised) for r in results] == [
        (1, 1, Decimal("86.00"), Decimal("68.00")),
        (2, 2, Decimal("84.80"), Decimal("56.00")),
        (3, 3, Decimal("68.00"), Decimal("68.00")),
        (4, 4, Decimal("62.00"), Decimal("56.00")),
    ]


# --- Ranking -------------------------------------------------------------------------------------------------


def test_equal_on_everything_but_age_the_candidate_45_or_under_goes_first():
    """Candidate 2 is 45 or under: it goes first although its application id is the larger."""
    results = evaluate(
        [
            candidate(1, ["80", "80"], ["80"]),
            candidate(2, ["80", "80"], ["80"], age_priority=True),
        ],
        scheme(),
    )

    assert order(results) == [(2, 1, ""), (1, 2, "综合得分相同，属同等条件下年龄优先人选（第七条（五））")]


def test_ties_are_broken_by_age_then_on_site_score_then_submission_then_application_id():
    """Every composite below the first is 80.00 (80 / 80, or 85 / 72.5: 51 + 29)."""
    candidates = [
        candidate(14, ["85"], ["72.5"], submitted_at=T0 - timedelta(days=1)),
        candidate(13, ["80"], ["80"], submitted_at=T0 + timedelta(hours=1)),
        candidate(15, ["80"], ["80"]),
        candidate(12, ["80"], ["80"]),
        candidate(11, ["80"], ["80"], age_priority=True, submitted_at=T0 + timedelta(hours=2)),
        candidate(10, ["90"], ["80"]),
    ]

    results = evaluate(candidates, scheme())

    assert order(results) == [
        (10, 1, ""),
        (11, 2, ""),
        (12, 3, "综合得分相同，属同等条件下年龄优先人选（第七条（五））"),
        (15, 4, TIE_BREAK_APPLICATION_ID),
        (13, 5, "综合得分相同，申报提交时间较早"),
        (14, 6, "综合得分相同，现场技能考查得分较高"),
    ]
    assert {r.composite for r in results[1:]} == {Decimal("80.00")}


def test_ties_are_judged_on_the_rounded_composite_the_committee_sees():
    """Candidate 1: exactly 80.125; candidate 2: 80.1333… (and the higher on-site score). Both show 80.13, so
    the 45-or-under candidate 1 goes first."""
    results = evaluate(
        [
            candidate(1, ["80", "80", "80", "80.5"], ["80", "80", "80", "80.5"], age_priority=True),
            candidate(2, ["80", "80", "80"], ["80", "80.5", "80.5"]),
        ],
        scheme(),
    )

    assert [(r.application_id, r.composite, r.onsite, r.tie_break) for r in results] == [
        (1, Decimal("80.13"), Decimal("80.13"), ""),
        (2, Decimal("80.13"), Decimal("80.33"), TIE_BREAK_AGE),
    ]


# --- Refusals ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sheets", "message"),
    [
        (
            [ExpertScores(expert_id=1, comprehensive=Decimal(80), onsite=None)],
            "申报（编号 7）没有有效的现场技能考查评分，无法计算结果。",
        ),
        (
            [ExpertScores(expert_id=1, comprehensive=None, onsite=Decimal(80))],
            "申报（编号 7）没有有效的综合评审评分，无法计算结果。",
        ),
        ([], "申报（编号 7）没有有效的综合评审评分，无法计算结果。"),
        (
            [ExpertScores(expert_id=3, comprehensive=Decimal("100.5"), onsite=Decimal(80))],
            "申报（编号 7）中专家（编号 3）的综合评审得分 100.5 超出 0～100。",
        ),
        (
            [
                ExpertScores(expert_id=3, comprehensive=Decimal(80), onsite=Decimal(80)),
                ExpertScores(expert_id=3, comprehensive=Decimal(90), onsite=Decimal(90)),
            ],
            "申报（编号 7）中有专家的评分重复出现。",
        ),
    ],
)
def test_a_candidate_without_valid_scores_is_refused_by_application(sheets, message):
    good = candidate(1, ["80"], ["80"])
    bad = Candidate(application_id=7, age_priority=False, submitted_at=T0, sheets=sheets)

    with pytest.raises(ValueError) as refused:
        evaluate([good, bad], scheme())

    assert str(refused.value) == message


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"comprehensive_weight": Decimal(60), "onsite_weight": Decimal(40)},
            "综合评审和现场技能考查的权重须为非负数，且合计为1（如0.60与0.40）。",
        ),
        (
            {"comprehensive_weight": Decimal("1.2"), "onsite_weight": Decimal("-0.2")},
            "综合评审和现场技能考查的权重须为非负数，且合计为1（如0.60与0.40）。",
        ),
        ({"onsite_max": Decimal(0)}, "综合评审和现场技能考查的满分须大于0。"),
        ({"trim_min_sheets": 2}, "去掉一个最高分和一个最低分至少需要3份有效评分。"),
    ],
)
def test_a_scheme_the_arithmetic_cannot_follow_is_refused(changes, message):
    with pytest.raises(ValueError) as refused:
        scheme(**changes)

    assert str(refused.value) == message


def test_a_plain_mean_needs_no_threshold():
    plain = scheme(trimmed_mean=False, trim_min_sheets=0)

    assert only(
        evaluate([candidate(1, ["60", "70", "71", "72", "99"], ["80"])], plain)
    ).comprehensive == Decimal("74.40")


# --- Properties ----------------------------------------------------------------------------------------------

halves = st.integers(min_value=0, max_value=200).map(lambda k: Decimal(k) / 2)  # 0, 0.5, … 100
cents = st.integers(min_value=0, max_value=10_000).map(lambda k: Decimal(k) / 100)


@st.composite
def rounds(draw, *, max_candidates: int = 8, max_experts: int = 9):
    """A scheme and candidates scored by a committee: each expert scores some candidates (the others they are
    recused from or not assigned to), each part of a sheet may be missing, every candidate has both parts."""
    weight = draw(st.sampled_from(["0.60", "0.50", "0.70", "1", "0"]))
    drawn = scheme(
        comprehensive_weight=Decimal(weight),
        onsite_weight=1 - Decimal(weight),
        trimmed_mean=draw(st.booleans()),
        trim_min_sheets=draw(st.integers(min_value=3, max_value=6)),
    )
    experts = draw(st.integers(min_value=1, max_value=max_experts))
    candidates = []
    for application_id in range(1, draw(st.integers(min_value=1, max_value=max_candidates)) + 1):
        scorers = draw(st.lists(st.integers(1, experts), min_size=1, max_size=experts, unique=True))
        sheets = [
            ExpertScores(
                expert_id=expert_id,
                comprehensive=draw(st.none() | halves) if i else draw(halves),
                onsite=draw(st.none() | halves) if i else draw(halves),
            )
            for i, expert_id in enumerate(scorers)
        ]
        candidates.append(
            Candidate(
                application_id=application_id,
                age_priority=draw(st.booleans()),
                submitted_at=T0 + timedelta(minutes=draw(st.integers(0, 3))),
                sheets=sheets,
            )
        )
    return drawn, candidates


@settings(deadline=None)
@given(data=st.data(), drawn=rounds())
def test_order_of_experts_and_of_candidates_does_not_matter(data, drawn):
    scheme_, candidates = drawn
    shuffled = [
        Candidate(c.application_id, c.age_priority, c.submitted_at, data.draw(st.permutations(c.sheets)))
        for c in data.draw(st.permutations(candidates))
    ]

    assert evaluate(shuffled, scheme_) == evaluate(candidates, scheme_)


@given(
    values=st.lists(cents, min_size=1, max_size=20),
    trimmed=st.booleans(),
    trim_min=st.integers(min_value=3, max_value=8),
)
def test_the_trimmed_mean_lies_between_the_lowest_and_the_highest_value(values, trimmed, trim_min):
    assert min(values) <= aggregate(values, trimmed=trimmed, trim_min=trim_min) <= max(values)


@settings(deadline=None)
@given(data=st.data(), drawn=rounds())
def test_a_recused_expert_counts_as_never_having_been_on_the_committee(data, drawn):
    """Drop one expert from one candidate (recused) and compare that candidate's figures with a committee the
    expert never sat on: their scores of the other candidates leak into nothing, not even the normalised score."""
    scheme_, candidates = drawn
    target = data.draw(st.sampled_from(candidates))
    assume(len(target.sheets) > 1)
    # Not the first sheet: rounds() makes that one complete, so the target keeps both parts.
    expert_id = data.draw(st.sampled_from([s.expert_id for s in target.sheets[1:]]))

    def without_expert(c: Candidate) -> Candidate:
        kept = [s for s in c.sheets if s.expert_id != expert_id]
        return Candidate(c.application_id, c.age_priority, c.submitted_at, kept)

    def complete(c: Candidate) -> bool:
        return any(s.comprehensive is not None for s in c.sheets) and any(
            s.onsite is not None for s in c.sheets
        )

    # Candidates the expert scored alone could not be evaluated without them: leave those out of both.
    never_there = [c for c in map(without_expert, candidates) if complete(c)]
    scored = {c.application_id for c in never_there}
    recused = [without_expert(c) if c is target else c for c in candidates if c.application_id in scored]

    def figures(candidates_: list[Candidate]) -> CandidateResult:
        result = next(r for r in evaluate(candidates_, scheme_) if r.application_id == target.application_id)
        result.rank, result.tie_break = 0, ""  # the others' figures, and so the ranking, may differ
        return result

    assert figures(recused) == figures(never_there)


def test_a_sheet_with_neither_part_counts_as_absent():
    present = candidate(1, ["70", "80", "90"], ["80", "85", "90"])
    with_empty_sheet = Candidate(
        1, False, T0, [*present.sheets, ExpertScores(expert_id=9, comprehensive=None, onsite=None)]
    )

    assert evaluate([with_empty_sheet], scheme()) == evaluate([present], scheme())


@settings(deadline=None)
@given(drawn=rounds(max_candidates=12))
def test_the_ranking_follows_the_documented_order_and_names_the_deciding_rule(drawn):
    scheme_, candidates = drawn
    by_id = {c.application_id: c for c in candidates}

    results = evaluate(candidates, scheme_)

    def key(result):
        c = by_id[result.application_id]
        return rank_key(
            composite=result.composite,
            age_priority=c.age_priority,
            onsite=result.onsite,
            submitted_at=c.submitted_at,
            application_id=c.application_id,
        )

    assert [r.rank for r in results] == list(range(1, len(candidates) + 1))
    assert results[0].tie_break == ""
    rules = ["", TIE_BREAK_AGE, TIE_BREAK_ONSITE, TIE_BREAK_SUBMITTED, TIE_BREAK_APPLICATION_ID]
    for above, below in itertools.pairwise(results):
        assert key(above) < key(below)
        deciding = next(i for i, (a, b) in enumerate(zip(key(above), key(below), strict=True)) if a != b)
        assert below.tie_break == rules[deciding]


@settings(deadline=None)
@given(data=st.data(), drawn=rounds())
def test_of_two_candidates_equal_on_everything_but_age_the_one_45_or_under_ranks_higher(data, drawn):
    """A twin of any candidate — same sheets, same submission time, the larger application id — who differs only
    in being 45 or under ranks above the original, whoever else is in the round."""
    scheme_, candidates = drawn
    original = data.draw(st.sampled_from(candidates))
    twin = Candidate(
        application_id=len(candidates) + 1,
        age_priority=not original.age_priority,
        submitted_at=original.submitted_at,
        sheets=list(original.sheets),
    )
    younger, older = (twin, original) if twin.age_priority else (original, twin)

    results = {r.application_id: r for r in evaluate([*candidates, twin], scheme_)}

    first, second = results[younger.application_id], results[older.application_id]
    assert first.composite == second.composite
    assert first.rank < second.rank
    if second.rank == first.rank + 1:
        assert second.tie_break == "综合得分相同，属同等条件下年龄优先人选（第七条（五））"


def _exact_mean(values: list[Decimal], scheme_: Scheme) -> Fraction:
    kept = sorted(Fraction(v) for v in values)
    if scheme_.trimmed_mean and len(kept) >= scheme_.trim_min_sheets:
        kept = kept[1:-1]
    return sum(kept) / len(kept)


def _round_half_up(value: Fraction) -> Decimal:
    return Decimal(math.floor(value * 100 + Fraction(1, 2))) / 100


@settings(deadline=None)
@given(drawn=rounds())
def test_every_figure_equals_the_documented_formula_computed_with_fractions(drawn):
    scheme_, candidates = drawn
    results = {r.application_id: r for r in evaluate(candidates, scheme_)}

    for c in candidates:
        comprehensive = [s.comprehensive for s in c.sheets if s.comprehensive is not None]
        onsite = [s.onsite for s in c.sheets if s.onsite is not None]
        exact_comprehensive = _exact_mean(comprehensive, scheme_)
        exact_onsite = _exact_mean(onsite, scheme_)
        composite = exact_comprehensive / Fraction(scheme_.comprehensive_max) * 100 * Fraction(
            scheme_.comprehensive_weight
        ) + exact_onsite / Fraction(scheme_.onsite_max) * 100 * Fraction(scheme_.onsite_weight)
        result = results[c.application_id]
        assert (result.comprehensive, result.onsite, result.composite, result.spread) == (
            _round_half_up(exact_comprehensive),
            _round_half_up(exact_onsite),
            _round_half_up(composite),
            _round_half_up(Fraction(max(comprehensive) - min(comprehensive))),
        )
        assert Decimal(0) <= result.composite <= Decimal(100)
