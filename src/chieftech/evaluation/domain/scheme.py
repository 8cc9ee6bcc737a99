"""The round's scoring scheme: seeded from a default template, edited by the officer, frozen when scoring opens.

The default template is the bureau's working proposal, not part of the measures: 第10条(四) names the
comprehensive evaluation and the on-site skill assessment but no criteria, points or weights. The scheme
records `from_default_template` so every page and document can say so.
"""

from decimal import Decimal

from django.db import transaction

from chieftech.evaluation.models import Criterion, ScoringScheme

# (name, description, maximum points)
DEFAULT_CRITERIA: list[tuple[str, str, Decimal]] = [
    ("职业道德", "爱岗敬业、遵纪守法，职业道德和社会公德良好（第7条(一)）。", Decimal("10")),
    ("技能水平", "职业技能在市内同行业领先、区内同行业拔尖，职业技能竞赛成绩（第7条(二)）。", Decimal("30")),
    (
        "技术创新与攻关",
        "绝招绝技，解决关键技术难题，技术创新革新成果、专利、先进操作法，标准工艺编制（第7条(三)）。",
        Decimal("25"),
    ),
    ("传技带徒", "带徒成绩，所带徒弟成为技术骨干或在竞赛中取得优异成绩（第7条(四)）。", Decimal("20")),
    ("业绩贡献", "为所在单位发展作出的突出贡献（第7条(一)）。", Decimal("15")),
]
DEFAULT_ONSITE_MAX = Decimal("100")
DEFAULT_COMPREHENSIVE_WEIGHT = Decimal("0.60")
DEFAULT_ONSITE_WEIGHT = Decimal("0.40")
DEFAULT_TEMPLATE_NOTE = "系统默认评分模板，供参考，非《环翠区首席技师选拔管理办法》规定，可由区人社局调整。"


def scheme_default_create(*, round_) -> ScoringScheme:
    """The round's scheme from the default template (idempotent: an existing scheme is returned as it is)."""
    existing = ScoringScheme.objects.filter(round=round_).first()
    if existing is not None:
        return existing
    with transaction.atomic():
        scheme = ScoringScheme.objects.create(
            round=round_,
            comprehensive_weight=DEFAULT_COMPREHENSIVE_WEIGHT,
            onsite_weight=DEFAULT_ONSITE_WEIGHT,
            onsite_max=DEFAULT_ONSITE_MAX,
            trimmed_mean=True,
            trim_min_sheets=5,
            from_default_template=True,
        )
        Criterion.objects.bulk_create(
            Criterion(scheme=scheme, name=name, description=text, max_points=points, order=i)
            for i, (name, text, points) in enumerate(DEFAULT_CRITERIA, start=1)
        )
    return scheme


def comprehensive_max(scheme: ScoringScheme) -> Decimal:
    return sum((c.max_points for c in scheme.criteria.all()), Decimal("0"))
