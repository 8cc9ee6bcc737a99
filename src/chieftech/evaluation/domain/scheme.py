"""The round's scoring scheme: seeded from its authority's default template, edited by the officer, frozen when
scoring opens.

The default template is the bureau's working proposal, not part of the measures: 第10条(四) names the
comprehensive evaluation and the on-site skill assessment but no criteria, points or weights. The scheme
records `from_default_template` so every page and document can say so.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from chieftech.audit.domain import audit_record, snapshot
from chieftech.core.errors import DomainError
from chieftech.core.permissions import require_perm
from chieftech.evaluation.models import Committee, CommitteeState, Criterion, ScoringScheme
from chieftech.evaluation.rules import COMMITTEE_MANAGE, NOT_THE_OFFICER
from chieftech.policy.wording import authority_values, wording_render

TEMPLATE_KEYS = (
    "criteria",
    "comprehensive_weight",
    "onsite_weight",
    "onsite_max",
    "trimmed_mean",
    "trim_min_sheets",
)


def _template(round_) -> dict:
    """The round's authority's default scoring template (policy.Authority.scoring_template)."""
    template = round_.authority.scoring_template or {}
    missing = [key for key in TEMPLATE_KEYS if key not in template]
    if missing or not template["criteria"]:
        raise DomainError(
            f"{round_.authority.bureau_name}尚未设置完整的默认评分模板（缺少：{'、'.join(missing) or 'criteria'}），"
            "请系统管理员在发证机关设置中补充。",
            code="scoring_template_missing",
        )
    return template


def scheme_template_note(round_) -> str:
    """What every page and document says about a scheme taken from the default template."""
    note = (round_.authority.scoring_template or {}).get("note", "")
    policy = round_.policy
    return wording_render(
        note,
        {
            **authority_values(round_.authority),
            "policy_title": policy.title,
            "policy_number": policy.document_number,
        },
    )


# Points are entered in steps of half a point; a maximum above this is a typing error, not a scale.
POINTS_STEP = Decimal("0.5")
CENTS = Decimal("0.01")
POINTS_LIMIT = Decimal("1000")
MAX_CRITERIA = 20
# Trimming drops two sheets, so at least three must remain to trim at all.
TRIM_MIN_SHEETS_FLOOR = 3
TRIM_MIN_SHEETS_LIMIT = 99
SCHEME_AUDIT_FIELDS = [
    "comprehensive_weight",
    "onsite_weight",
    "onsite_max",
    "trimmed_mean",
    "trim_min_sheets",
    "rank_by_normalised",
    "from_default_template",
]


def scheme_default_create(*, round_) -> ScoringScheme:
    """The round's scheme from the default template (idempotent: an existing scheme is returned as it is)."""
    existing = ScoringScheme.objects.filter(round=round_).first()
    if existing is not None:
        return existing
    template = _template(round_)
    with transaction.atomic():
        scheme = ScoringScheme.objects.create(
            round=round_,
            comprehensive_weight=Decimal(template["comprehensive_weight"]),
            onsite_weight=Decimal(template["onsite_weight"]),
            onsite_max=Decimal(template["onsite_max"]),
            trimmed_mean=bool(template["trimmed_mean"]),
            trim_min_sheets=int(template["trim_min_sheets"]),
            from_default_template=True,
        )
        Criterion.objects.bulk_create(
            Criterion(
                scheme=scheme,
                name=item["name"],
                description=item.get("description", ""),
                max_points=Decimal(item["max_points"]),
                order=i,
            )
            for i, item in enumerate(template["criteria"], start=1)
        )
    return scheme


def comprehensive_max(scheme: ScoringScheme) -> Decimal:
    return sum((c.max_points for c in scheme.criteria.all()), Decimal("0"))


def points_text(value: Decimal | None) -> str:
    """Points as the officer wrote them: 100, 37.5 (not 100.00, never 1E+2); "" for none."""
    if value is None:
        return ""
    return format(value.normalize(), "f")


def points_step_ok(value: Decimal) -> bool:
    """Whether `value` is a whole number of half points."""
    return (value / POINTS_STEP) % 1 == 0


@dataclass(frozen=True)
class CriterionInput:
    """One criterion as the officer entered it; `pk` names the existing criterion it replaces."""

    name: str
    max_points: Decimal
    description: str = ""
    pk: int | None = None


def _points(value, *, field: str, label: str) -> Decimal:
    if value is None:
        raise DomainError(f"请填写{label}。", field=field)
    value = Decimal(value)
    if not value.is_finite() or value <= 0:
        raise DomainError(f"{label}须大于0。", field=field)
    if value > POINTS_LIMIT:
        raise DomainError(f"{label}不能超过{POINTS_LIMIT}分。", field=field)
    if not points_step_ok(value):
        raise DomainError(f"{label}须为0.5分的整数倍（如10或12.5）。", field=field)
    return value.quantize(CENTS)


def _weight(value, *, field: str, label: str) -> Decimal:
    if value is None:
        raise DomainError(f"请填写{label}。", field=field)
    value = Decimal(value)
    if not value.is_finite() or value < 0 or value > 1:
        raise DomainError(f"{label}须在0%至100%之间。", field=field)
    if value != value.quantize(CENTS):
        raise DomainError(f"{label}须为整数百分比（如60%）。", field=field)
    return value.quantize(CENTS)


def percent_text(fraction: Decimal) -> str:
    """A weight stored as a fraction (0.60) as the committee reads it (60%)."""
    return f"{points_text(fraction * 100)}%"


def _clean_criteria(criteria: list[CriterionInput]) -> list[CriterionInput]:
    if not criteria:
        raise DomainError("综合评审至少需要一个评分项。", field="criteria")
    if len(criteria) > MAX_CRITERIA:
        raise DomainError(f"评分项不能超过{MAX_CRITERIA}个。", field="criteria")
    cleaned, names = [], set()
    for i, item in enumerate(criteria):
        name = (item.name or "").strip()
        if not name:
            raise DomainError("请填写评分项名称。", field=f"criteria.{i}.name")
        if len(name) > 50:
            raise DomainError("评分项名称不能超过50个字。", field=f"criteria.{i}.name")
        if name in names:
            raise DomainError(f"评分项“{name}”重复。", field=f"criteria.{i}.name")
        names.add(name)
        points = _points(item.max_points, field=f"criteria.{i}.max_points", label=f"“{name}”的满分")
        cleaned.append(
            CriterionInput(
                name=name, max_points=points, description=(item.description or "").strip(), pk=item.pk
            )
        )
    return cleaned


def scheme_snapshot(scheme: ScoringScheme) -> dict:
    return {
        **snapshot(scheme, SCHEME_AUDIT_FIELDS),
        "criteria": [
            {"name": c.name, "description": c.description, "max_points": str(c.max_points)}
            for c in scheme.criteria.order_by("order", "pk")
        ],
    }


def scheme_editable_check(scheme: ScoringScheme) -> None:
    """Refused once the scheme is frozen (scoring opened) or the committee has left the forming state."""
    committee = Committee.objects.filter(round_id=scheme.round_id).only("state").first()
    if scheme.frozen_at is not None or (committee is not None and committee.state != CommitteeState.FORMING):
        raise DomainError("评分已开始，评分方案已冻结，不能再修改。")


def scheme_update(
    *,
    actor,
    scheme: ScoringScheme,
    criteria: list[CriterionInput],
    onsite_max: Decimal,
    comprehensive_weight: Decimal,
    onsite_weight: Decimal,
    trimmed_mean: bool,
    trim_min_sheets: int,
    rank_by_normalised: bool,
) -> ScoringScheme:
    """The officer's scheme: criteria (in the order given), the on-site maximum, the weights of the two parts
    (fractions adding up to 1), the trimming rule and whether the ranking follows the normalised score.

    All or nothing, audited with before and after. Any change makes the scheme the bureau's own, no longer the
    default template. Criteria with a `pk` are updated in place, those left out removed, the others added.
    """
    require_perm(actor, COMMITTEE_MANAGE, scheme, NOT_THE_OFFICER)
    criteria = _clean_criteria(criteria)
    onsite_max = _points(onsite_max, field="onsite_max", label="现场技能考查满分")
    comprehensive_weight = _weight(comprehensive_weight, field="comprehensive_weight", label="综合评审权重")
    onsite_weight = _weight(onsite_weight, field="onsite_weight", label="现场技能考查权重")
    if comprehensive_weight + onsite_weight != 1:
        raise DomainError(
            f"两部分权重之和须为100%（现为{percent_text(comprehensive_weight + onsite_weight)}）。",
            field="onsite_weight",
        )
    if trim_min_sheets is None or not TRIM_MIN_SHEETS_FLOOR <= trim_min_sheets <= TRIM_MIN_SHEETS_LIMIT:
        raise DomainError(
            f"去极值所需最少有效评分数须在{TRIM_MIN_SHEETS_FLOOR}至{TRIM_MIN_SHEETS_LIMIT}之间"
            "（去掉最高分和最低分后至少还要剩一份）。",
            field="trim_min_sheets",
        )
    settings = {
        "onsite_max": onsite_max,
        "comprehensive_weight": comprehensive_weight,
        "onsite_weight": onsite_weight,
        "trimmed_mean": bool(trimmed_mean),
        "trim_min_sheets": int(trim_min_sheets),
        "rank_by_normalised": bool(rank_by_normalised),
    }
    with transaction.atomic():
        scheme = ScoringScheme.objects.select_for_update().get(pk=scheme.pk)
        scheme_editable_check(scheme)
        existing = {c.pk: c for c in scheme.criteria.all()}
        unknown = [c.pk for c in criteria if c.pk is not None and c.pk not in existing]
        if unknown:
            raise DomainError("评分项已被他人修改，请刷新页面后重试。", field="criteria")
        current = [(c.pk, c.name, c.description, c.max_points) for c in existing.values()]
        proposed = [(c.pk, c.name, c.description, c.max_points) for c in criteria]
        if current == proposed and all(getattr(scheme, k) == v for k, v in settings.items()):
            return scheme
        before = scheme_snapshot(scheme)
        for name, value in settings.items():
            setattr(scheme, name, value)
        kept = {c.pk for c in criteria if c.pk is not None}
        removed = [pk for pk in existing if pk not in kept]
        if removed:
            Criterion.objects.filter(pk__in=removed).delete()
        changed = []
        for order, item in enumerate(criteria, start=1):
            if item.pk is None:
                continue
            criterion = existing[item.pk]
            values = {
                "name": item.name,
                "description": item.description,
                "max_points": item.max_points,
                "order": order,
            }
            if any(getattr(criterion, k) != v for k, v in values.items()):
                for k, v in values.items():
                    setattr(criterion, k, v)
                changed.append(criterion)
        Criterion.objects.bulk_update(changed, ["name", "description", "max_points", "order"])
        Criterion.objects.bulk_create(
            Criterion(
                scheme=scheme,
                name=item.name,
                description=item.description,
                max_points=item.max_points,
                order=order,
            )
            for order, item in enumerate(criteria, start=1)
            if item.pk is None
        )
        scheme.from_default_template = False
        scheme.save(update_fields=[*settings, "from_default_template"])
        after = scheme_snapshot(scheme)
        audit_record(action="scheme.update", actor=actor, obj=scheme, before=before, after=after)
    return scheme
