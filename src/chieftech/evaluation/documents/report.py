"""What the results page, the score-sheet workbook and the committee record all show, read in a fixed number
of queries however many candidates and members the committee has."""

from dataclasses import dataclass, field
from decimal import Decimal

from chieftech.evaluation.domain.scheme import percent_text, points_text, scheme_template_note
from chieftech.evaluation.models import (
    Committee,
    Criterion,
    ProposedList,
    Recusal,
    Result,
    ScoringScheme,
)

RECUSED = "回避"
NO_VALUE = "—"


def figure(value: Decimal | None) -> str:
    return NO_VALUE if value is None else f"{value:.2f}"


@dataclass(frozen=True)
class MemberColumn:
    member_id: int
    expert_id: int
    name: str
    employer: str
    title: str
    is_chair: bool

    @property
    def label(self) -> str:
        return f"{self.name}（主任）" if self.is_chair else self.name


@dataclass(frozen=True)
class RecusalLine:
    member_id: int
    expert: str
    application_id: int
    candidate: str
    kind: str
    reason: str


@dataclass(frozen=True)
class ResultRow:
    application_id: int
    rank: int
    name: str
    gender: str
    enterprise: str
    occupation: str
    expert_cells: list[str]  # one per member column: the comprehensive total, 回避 or —
    comprehensive: str
    onsite: str
    composite: str
    std_dev: str
    spread: str
    spread_flagged: bool
    normalised: str
    valid_sheets: int
    onsite_valid_sheets: int
    tie_break: str
    proposed: bool


@dataclass
class ResultsReport:
    committee: Committee
    scheme: ScoringScheme | None
    criteria: list[Criterion]
    comprehensive_max: Decimal
    members: list[MemberColumn]
    recusals: list[RecusalLine]
    rows: list[ResultRow]
    proposed_list: ProposedList | None
    proposed_names: list[str] = field(default_factory=list)

    @property
    def round(self):
        return self.committee.round

    @property
    def ranked_by_normalised(self) -> bool:
        return bool(self.scheme and self.scheme.rank_by_normalised)

    @property
    def recused_pairs(self) -> set[tuple[int, int]]:
        return {(line.member_id, line.application_id) for line in self.recusals}

    @property
    def weights(self) -> tuple[str, str]:
        if self.scheme is None:
            return "", ""
        return percent_text(self.scheme.comprehensive_weight), percent_text(self.scheme.onsite_weight)

    @property
    def aggregation_rule(self) -> str:
        scheme = self.scheme
        if scheme is None:
            return ""
        if scheme.trimmed_mean:
            mean = (
                f"每部分有效评分不少于{scheme.trim_min_sheets}份时，去掉一个最高分和一个最低分后取平均值；"
                "不足时取全部有效评分的平均值"
            )
        else:
            mean = "每部分取全部有效评分的平均值"
        comprehensive_weight, onsite_weight = self.weights
        return (
            f"{mean}。综合得分＝综合评审平均分÷{points_text(self.comprehensive_max)}×100×{comprehensive_weight}"
            f"＋现场技能考查平均分÷{points_text(scheme.onsite_max)}×100×{onsite_weight}，"
            "保留两位小数（四舍五入），只在最后一步舍入。"
        )

    @property
    def ranking_rule(self) -> str:
        basis = "标准化参考分" if self.ranked_by_normalised else "综合得分"
        return (
            f"按{basis}从高到低排序；{basis}相同的，同等条件下年龄优先人选（第七条（五））在前，"
            "再按现场技能考查得分从高到低、申报提交时间从早到晚、申报编号从小到大排序。"
        )

    @property
    def template_note(self) -> str:
        return scheme_template_note(self.round) if self.scheme and self.scheme.from_default_template else ""


def results_report(committee: Committee) -> ResultsReport:
    """Pass a committee fetched with `select_related("round__policy", "round__authority", "chair")`."""
    round_ = committee.round
    scheme = ScoringScheme.objects.filter(round=round_).first()
    criteria = list(scheme.criteria.all()) if scheme else []
    members = sorted(
        committee.members.select_related("expert"),
        key=lambda m: (m.expert_id != committee.chair_id, m.expert.name, m.pk),
    )
    columns = [
        MemberColumn(
            member_id=m.pk,
            expert_id=m.expert_id,
            name=m.expert.name,
            employer=m.expert.employer_name,
            title=m.expert.title,
            is_chair=m.expert_id == committee.chair_id,
        )
        for m in members
    ]
    recusals = [
        RecusalLine(
            member_id=r.member_id,
            expert=r.member.expert.name,
            application_id=r.application_id,
            candidate=r.application.name,
            kind=r.get_kind_display(),
            reason=r.reason,
        )
        for r in Recusal.objects.filter(member__committee=committee)
        .select_related("member__expert", "application")
        .order_by("member__expert__name", "application__name", "pk")
    ]
    recused = {(line.member_id, line.application_id) for line in recusals}
    plist = ProposedList.objects.filter(round=round_).select_related("confirmed_by").first()
    listed = set(plist.applications.values_list("pk", flat=True)) if plist else set()
    results = (
        Result.objects.filter(application__round=round_)
        .select_related("application__enterprise")
        .only(
            *(f.name for f in Result._meta.concrete_fields),
            "application__name",
            "application__gender",
            "application__occupation",
            "application__enterprise__name",
        )
        .order_by("rank")
    )
    rows = []
    for result in results:
        totals = result.expert_totals
        application = result.application
        rows.append(
            ResultRow(
                application_id=application.pk,
                rank=result.rank,
                name=application.name,
                gender=application.gender,
                enterprise=application.enterprise.name,
                occupation=application.occupation,
                expert_cells=[
                    RECUSED
                    if (c.member_id, application.pk) in recused
                    else totals.get(str(c.expert_id), NO_VALUE)
                    for c in columns
                ],
                comprehensive=figure(result.comprehensive),
                onsite=figure(result.onsite),
                composite=figure(result.composite),
                std_dev=figure(result.std_dev),
                spread=figure(result.spread),
                spread_flagged=result.spread_flagged,
                normalised=figure(result.normalised),
                valid_sheets=result.valid_sheets,
                onsite_valid_sheets=result.onsite_valid_sheets,
                tie_break=result.tie_break,
                proposed=application.pk in listed,
            )
        )
    comprehensive_max = sum((c.max_points for c in criteria), Decimal(0))
    return ResultsReport(
        committee=committee,
        scheme=scheme,
        criteria=criteria,
        comprehensive_max=comprehensive_max,
        members=columns,
        recusals=recusals,
        rows=rows,
        proposed_list=plist,
        proposed_names=[row.name for row in rows if row.proposed],
    )
