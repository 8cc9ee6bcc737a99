"""Aggregation and ranking of the committee's scores (第10条(四), 第7条(五)): pure arithmetic, no database.

The caller turns a round's submitted score sheets into `Candidate`s (a recused expert is simply left out of that
candidate's `sheets`; a part with no submitted sheet is `None`) and the round's scoring scheme into a `Scheme`;
`evaluate()` returns one `CandidateResult` per candidate, ranked.

How each figure is computed
---------------------------
Part aggregate
    Each part — the comprehensive evaluation (综合评审, the sum of an expert's criterion points) and the on-site
    skill assessment (现场技能考查) — is aggregated over that part's valid values alone: with `trimmed_mean` on
    and at least `trim_min_sheets` values, one highest and one lowest are dropped (去掉一个最高分和一个最低分)
    and the rest averaged; otherwise the plain mean. The parts are counted separately (a candidate may have five
    comprehensive sheets and four on-site ones). A candidate without a single valid value for a part is an error
    (`ValueError` naming the application): scoring is closed only once sheets exist.

Composite
    composite = comprehensive / comprehensive_max × 100 × comprehensive_weight
              + onsite / onsite_max × 100 × onsite_weight
    Each part is put on a 100-point scale first, so a part's weight means what it says whatever its maximum; the
    weights are fractions adding up to 1 (0.60 and 0.40 by default), so the composite is on a 100-point scale.

Exactness and rounding
    Scores are `Decimal`; sums are exact. Each part's aggregate and the composite are one fraction of exact sums,
    divided once in a 40-digit context and rounded once at the end to two decimals, ROUND_HALF_UP. A rounded part
    is never fed into the composite, and neither is an inexact mean: a repeating mean (393 / 7 = 56.142857…)
    carried through the formula step by step can land a hair below an exact x.xx5 and round the wrong way. The
    standard deviation and the normalised score, irrational in general, are rounded from their 40-digit values.

Spread
    Over the experts' comprehensive-evaluation totals (the part every expert scores criterion by criterion, where
    disagreement is worth the committee's discussion), in that part's points: `std_dev`, the population standard
    deviation (divided by n: the sheets are the whole committee, not a sample of it), and `spread`, max − min.
    `spread_flagged` when max − min exceeds `SPREAD_FLAG_POINTS` on the 100-point scale (15 points when the
    comprehensive evaluation is out of 100). `expert_totals` are those same comprehensive totals by expert id and
    `valid_sheets` is their count.

Normalised reference score
    Shown beside the result, never used for the ranking. For each expert and each part, the expert's values over
    every candidate they scored in this evaluation become z-scores (population standard deviation) rescaled to
    50 + 10·z and clipped to 0…100; an expert with a single candidate, or the same value for all of them, has
    no spread to correct and contributes the raw value on the 100-point scale (value / maximum × 100). The
    rescaled values are aggregated exactly like the raw ones (same trimming rule) and weighted like the
    composite. It is a reference figure: the square roots make it irrational, so it is rounded from the 40-digit
    value.

Ranking
    Composite descending; at equal composite, 45 周岁（含）以下 first (第7条(五), `age_priority`); then the
    higher on-site aggregate; then the earlier submission (`submitted_at`); then the smaller application id, so
    the order is total and ranks are 1…n without sharing. The composite and on-site figures compared are the
    rounded ones the committee sees: two candidates shown with the same composite are ordered by the rules, not
    by a hidden third decimal. `tie_break` names the rule that put the candidate just above ahead ("" when the
    composite alone decides).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal, localcontext
from itertools import chain

__all__ = [
    "SPREAD_FLAG_POINTS",
    "TIE_BREAK_AGE",
    "TIE_BREAK_APPLICATION_ID",
    "TIE_BREAK_ONSITE",
    "TIE_BREAK_SUBMITTED",
    "Candidate",
    "CandidateResult",
    "ExpertScores",
    "Scheme",
    "aggregate",
    "evaluate",
    "rank_key",
]

# Scores have two decimals and sums of a few hundred of them stay under ten digits; 40 significant digits keep
# every product of the composite's fraction exact and leave the one division far more precise than the rounding.
PRECISION = 40
CENT = Decimal("0.01")
HUNDRED = Decimal(100)
ZERO = Decimal(0)
# Rescaled (normalised) values are irrational; cut to 30 decimals (at most 33 digits) they add up exactly, in any
# order, within the 40-digit context.
RESCALED_EXPONENT = Decimal("1E-30")

# Not a rule of the measures but a prompt for the committee: experts more than 15 points apart on a candidate's
# comprehensive evaluation (on the 100-point scale) judged the same evidence very differently, which is worth
# a discussion before the list is confirmed. The flag only marks the result; nothing is computed from it.
SPREAD_FLAG_POINTS = Decimal(15)

# The T-score scale: an expert's average candidate lands on 50 and one of their standard deviations is 10 points.
NORMALISED_CENTRE = Decimal(50)
NORMALISED_STEP = Decimal(10)

# The age itself comes from the policy version, so the note names the rule, not a number.
TIE_BREAK_AGE = "综合得分相同，属同等条件下年龄优先人选（第七条（五））"
TIE_BREAK_ONSITE = "综合得分相同，现场技能考查得分较高"
TIE_BREAK_SUBMITTED = "综合得分相同，申报提交时间较早"
TIE_BREAK_APPLICATION_ID = "综合得分、年龄条件、现场技能考查得分和提交时间均相同，按申报编号先后"
# Indexed by the first position at which two rank keys differ.
_TIE_BREAKS = ("", TIE_BREAK_AGE, TIE_BREAK_ONSITE, TIE_BREAK_SUBMITTED, TIE_BREAK_APPLICATION_ID)


@dataclass(frozen=True, slots=True)
class ExpertScores:
    """One non-recused expert's totals for one candidate; `None` where that part's sheet is not valid."""

    expert_id: int
    comprehensive: Decimal | None
    onsite: Decimal | None


@dataclass(frozen=True, slots=True)
class Candidate:
    application_id: int
    age_priority: bool  # 45 周岁（含）以下 on the round's reference date (第7条(五))
    submitted_at: datetime
    sheets: list[ExpertScores]


@dataclass(frozen=True, slots=True)
class Scheme:
    """The round's scoring scheme as far as the arithmetic needs it; weights are fractions adding up to 1."""

    comprehensive_max: Decimal
    onsite_max: Decimal
    comprehensive_weight: Decimal
    onsite_weight: Decimal
    trimmed_mean: bool
    trim_min_sheets: int

    def __post_init__(self) -> None:
        if self.comprehensive_max <= 0 or self.onsite_max <= 0:
            raise ValueError("综合评审和现场技能考查的满分须大于0。")
        if (
            self.comprehensive_weight < 0
            or self.onsite_weight < 0
            or self.comprehensive_weight + self.onsite_weight != 1
        ):
            raise ValueError("综合评审和现场技能考查的权重须为非负数，且合计为1（如0.60与0.40）。")
        if self.trimmed_mean:
            _check_trim_min(self.trim_min_sheets)


@dataclass(slots=True)
class CandidateResult:
    """One candidate's figures, rounded to two decimals, with its place in the ranking."""

    application_id: int
    comprehensive: Decimal
    onsite: Decimal
    composite: Decimal
    std_dev: Decimal
    spread: Decimal
    spread_flagged: bool
    normalised: Decimal
    valid_sheets: int
    expert_totals: dict[int, Decimal]  # comprehensive totals, in the order of the candidate's sheets
    rank: int = 0  # set once every candidate is evaluated
    tie_break: str = ""


def aggregate(values: list[Decimal], *, trimmed: bool, trim_min: int) -> Decimal:
    """The mean of `values`, without one highest and one lowest when `trimmed` and there are at least `trim_min`
    of them; unrounded (40 significant digits)."""
    with localcontext() as context:
        context.prec = PRECISION
        total, count = _trimmed_sum(values, trimmed=trimmed, trim_min=trim_min)
        return total / count


def rank_key(
    *, composite: Decimal, age_priority: bool, onsite: Decimal, submitted_at: datetime, application_id: int
) -> tuple[Decimal, bool, Decimal, datetime, int]:
    """Sorts ascending into the ranking order; pass the rounded figures."""
    return (-composite, not age_priority, -onsite, submitted_at, application_id)


def evaluate(candidates: list[Candidate], scheme: Scheme) -> list[CandidateResult]:
    """Every candidate's figures, ranked (rank 1 first)."""
    with localcontext() as context:
        context.prec = PRECISION
        return _evaluate(candidates, scheme)


def _check_trim_min(trim_min: int) -> None:
    if trim_min < 3:
        raise ValueError("去掉一个最高分和一个最低分至少需要3份有效评分。")


def _kept(
    total: Decimal, low: Decimal, high: Decimal, count: int, *, trimmed: bool, trim_min: int
) -> tuple[Decimal, int]:
    """(sum, count) of the values the mean is taken over, so the caller can divide once."""
    if trimmed and count >= trim_min:
        return total - high - low, count - 2
    return total, count


def _trimmed_sum(values: list[Decimal], *, trimmed: bool, trim_min: int) -> tuple[Decimal, int]:
    if trimmed:
        _check_trim_min(trim_min)
    if not values:
        raise ValueError("没有有效评分，无法汇总。")
    return _kept(sum(values, ZERO), min(values), max(values), len(values), trimmed=trimmed, trim_min=trim_min)


def _round(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(slots=True)
class _Part:
    """One candidate's valid values for one part, with the sums every figure is built from."""

    # Parallel lists rather than (expert, value) pairs: 150,000 sheets would otherwise mean as many tuples.
    experts: list[int]
    values: list[Decimal]
    total: Decimal
    low: Decimal
    high: Decimal
    kept_total: Decimal  # the sum and count the aggregate is the mean of
    kept_count: int


def _part(
    application_id: int,
    label: str,
    experts: list[int],
    values: list[Decimal],
    maximum: Decimal,
    *,
    trimmed: bool,
    trim_min: int,
) -> _Part:
    if not values:
        raise ValueError(f"申报（编号 {application_id}）没有有效的{label}评分，无法计算结果。")
    low, high = min(values), max(values)
    if low < ZERO or high > maximum:
        expert_id, value = next(
            pair for pair in zip(experts, values, strict=True) if not ZERO <= pair[1] <= maximum
        )
        raise ValueError(
            f"申报（编号 {application_id}）中专家（编号 {expert_id}）的{label}得分 {value} 超出 0～{maximum}。"
        )
    total = sum(values, ZERO)
    kept_total, kept_count = _kept(total, low, high, len(values), trimmed=trimmed, trim_min=trim_min)
    return _Part(experts, values, total, low, high, kept_total, kept_count)


def _normalisation_table(parts: list[_Part], maximum: Decimal) -> dict[tuple[int, Decimal], Decimal]:
    """(expert, value) → the value normalised within that expert's values of this part (50 + 10·z, clipped
    to 0…100)."""
    # Scores come in half points, so an expert gives few distinct values: count them, rescale each once.
    given = Counter(chain.from_iterable(zip(part.experts, part.values, strict=True) for part in parts))
    by_expert: dict[int, list[tuple[Decimal, int]]] = defaultdict(list)
    for (expert_id, value), times in given.items():
        by_expert[expert_id].append((value, times))
    table = {}
    for expert_id, counted in by_expert.items():
        count = sum(times for _, times in counted)
        total = sum((value * times for value, times in counted), ZERO)
        # n² × variance, exact: independent of the order of the values and zero exactly when they are all equal.
        scaled_variance = (
            count * sum((value * value * times for value, times in counted), ZERO) - total * total
        )
        if count == 1 or scaled_variance == 0:
            k, c = HUNDRED / maximum, ZERO
        else:
            k = NORMALISED_STEP * count / scaled_variance.sqrt()
            c = NORMALISED_CENTRE - total / count * k
        for value, _ in counted:
            table[expert_id, value] = min(max(k * value + c, ZERO), HUNDRED).quantize(RESCALED_EXPONENT)
    return table


def _normalised_mean(
    part: _Part, table: dict[tuple[int, Decimal], Decimal], *, trimmed: bool, trim_min: int
) -> Decimal:
    rescaled = list(map(table.__getitem__, zip(part.experts, part.values, strict=True)))
    total, count = _kept(
        sum(rescaled, ZERO), min(rescaled), max(rescaled), len(rescaled), trimmed=trimmed, trim_min=trim_min
    )
    return total / count


def _evaluate(candidates: list[Candidate], scheme: Scheme) -> list[CandidateResult]:
    comprehensive_max, onsite_max = scheme.comprehensive_max, scheme.onsite_max
    comprehensive_weight, onsite_weight = scheme.comprehensive_weight, scheme.onsite_weight
    trimmed, trim_min = scheme.trimmed_mean, scheme.trim_min_sheets

    rows: list[tuple[Candidate, _Part, _Part]] = []
    seen: set[int] = set()
    for candidate in candidates:
        application_id = candidate.application_id
        if application_id in seen:
            raise ValueError(f"申报（编号 {application_id}）重复出现。")
        seen.add(application_id)
        sheets = candidate.sheets
        if len({sheet.expert_id for sheet in sheets}) != len(sheets):
            raise ValueError(f"申报（编号 {application_id}）中有专家的评分重复出现。")
        comprehensive = _part(
            application_id,
            "综合评审",
            [sheet.expert_id for sheet in sheets if sheet.comprehensive is not None],
            [sheet.comprehensive for sheet in sheets if sheet.comprehensive is not None],
            comprehensive_max,
            trimmed=trimmed,
            trim_min=trim_min,
        )
        onsite = _part(
            application_id,
            "现场技能考查",
            [sheet.expert_id for sheet in sheets if sheet.onsite is not None],
            [sheet.onsite for sheet in sheets if sheet.onsite is not None],
            onsite_max,
            trimmed=trimmed,
            trim_min=trim_min,
        )
        rows.append((candidate, comprehensive, onsite))

    comprehensive_table = _normalisation_table([row[1] for row in rows], comprehensive_max)
    onsite_table = _normalisation_table([row[2] for row in rows], onsite_max)
    # Rounded comprehensive totals and their squares (for the standard deviation), once per distinct value.
    distinct = set(chain.from_iterable(row[1].values for row in rows))
    cents = {value: _round(value) for value in distinct}
    squares = {value: value * value for value in distinct}
    # composite = 100·(wc·C·Om·On + wo·O·Cm·Cn) / (Cm·Cn·Om·On), C and O the kept sums and Cn and On their
    # counts: every product is exact, which leaves a single division before the rounding.
    comprehensive_coefficient = HUNDRED * comprehensive_weight * onsite_max
    onsite_coefficient = HUNDRED * onsite_weight * comprehensive_max
    maxima = comprehensive_max * onsite_max
    flag_limit = SPREAD_FLAG_POINTS * comprehensive_max

    keys = []
    results = []
    for candidate, comprehensive, onsite in rows:
        c_total, c_count = comprehensive.kept_total, comprehensive.kept_count
        o_total, o_count = onsite.kept_total, onsite.kept_count
        composite = _round(
            (comprehensive_coefficient * c_total * o_count + onsite_coefficient * o_total * c_count)
            / (maxima * c_count * o_count)
        )
        onsite_figure = _round(o_total / o_count)
        values = comprehensive.values
        count = len(values)
        total = comprehensive.total
        scaled_variance = count * sum(map(squares.__getitem__, values), ZERO) - total * total
        spread = comprehensive.high - comprehensive.low
        normalised = (
            _normalised_mean(comprehensive, comprehensive_table, trimmed=trimmed, trim_min=trim_min)
            * comprehensive_weight
            + _normalised_mean(onsite, onsite_table, trimmed=trimmed, trim_min=trim_min) * onsite_weight
        )
        keys.append(
            rank_key(
                composite=composite,
                age_priority=candidate.age_priority,
                onsite=onsite_figure,
                submitted_at=candidate.submitted_at,
                application_id=candidate.application_id,
            )
        )
        results.append(
            CandidateResult(
                application_id=candidate.application_id,
                comprehensive=_round(c_total / c_count),
                onsite=onsite_figure,
                composite=composite,
                std_dev=_round(scaled_variance.sqrt() / count),
                spread=_round(spread),
                spread_flagged=spread * HUNDRED > flag_limit,
                normalised=_round(normalised),
                valid_sheets=count,
                expert_totals=dict(zip(comprehensive.experts, map(cents.__getitem__, values), strict=True)),
            )
        )

    order = sorted(range(len(results)), key=keys.__getitem__)
    ranked = []
    above = None
    for rank, index in enumerate(order, start=1):
        key = keys[index]
        result = results[index]
        result.rank = rank
        result.tie_break = _tie_break(above, key)
        ranked.append(result)
        above = key
    return ranked


def _tie_break(above: tuple | None, key: tuple) -> str:
    if above is None:
        return ""
    # Application ids are unique, so two keys always differ somewhere.
    return next(
        _TIE_BREAKS[i] for i, (mine, theirs) in enumerate(zip(above, key, strict=True)) if mine != theirs
    )
