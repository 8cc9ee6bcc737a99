"""The scoring scheme: the default template, the officer's edits, and the freeze when scoring opens."""

from decimal import Decimal

import pytest
from django.utils import timezone

from chieftech.audit.models import AuditRecord
from chieftech.core.errors import DomainError
from chieftech.evaluation.domain.scheme import CriterionInput, comprehensive_max, scheme_update
from chieftech.evaluation.models import Committee, CommitteeState, Criterion, ScoringScheme
from tests.evaluation.factories import make_committee, make_evaluation_round, make_expert_user


@pytest.fixture
def scheme(olivia, alice):
    round_, _ = make_evaluation_round(olivia, [alice], n=1)
    _user, chair = make_expert_user("chair1", role="chair")
    make_committee(round_, officer=olivia, chair=chair, experts=[])
    return ScoringScheme.objects.get(round=round_)


def _criteria(scheme) -> list[CriterionInput]:
    return [
        CriterionInput(pk=c.pk, name=c.name, description=c.description, max_points=c.max_points)
        for c in scheme.criteria.all()
    ]


def _update(olivia, scheme, **overrides):
    data = {
        "criteria": _criteria(scheme),
        "onsite_max": Decimal("100"),
        "comprehensive_weight": Decimal("0.60"),
        "onsite_weight": Decimal("0.40"),
        "trimmed_mean": True,
        "trim_min_sheets": 5,
        "rank_by_normalised": False,
    }
    data.update(overrides)
    return scheme_update(actor=olivia, scheme=scheme, **data)


def _state(scheme) -> tuple:
    scheme = ScoringScheme.objects.get(pk=scheme.pk)
    return (
        scheme.comprehensive_weight,
        scheme.onsite_weight,
        scheme.onsite_max,
        scheme.trimmed_mean,
        scheme.trim_min_sheets,
        scheme.rank_by_normalised,
        scheme.from_default_template,
        [(c.name, c.max_points) for c in scheme.criteria.all()],
    )


DEFAULT_STATE = (
    Decimal("0.60"),
    Decimal("0.40"),
    Decimal("100.00"),
    True,
    5,
    False,
    True,
    [
        ("职业道德", Decimal("10.00")),
        ("技能水平", Decimal("30.00")),
        ("技术创新与攻关", Decimal("25.00")),
        ("传技带徒", Decimal("20.00")),
        ("业绩贡献", Decimal("15.00")),
    ],
)


def test_the_default_template_is_the_issues_proposal_and_labelled_as_such(scheme):
    assert _state(scheme) == DEFAULT_STATE
    assert comprehensive_max(scheme) == Decimal("100")


def test_saving_the_default_unchanged_keeps_the_default_label_and_writes_no_record(olivia, scheme):
    _update(olivia, scheme)

    assert _state(scheme) == DEFAULT_STATE
    assert AuditRecord.objects.filter(action="scheme.update").count() == 0


def test_an_edit_replaces_criteria_weights_and_settings_and_is_audited(olivia, scheme):
    criteria = _criteria(scheme)
    criteria[1] = CriterionInput(
        pk=criteria[1].pk, name="技能水平", description="含竞赛成绩", max_points=Decimal("35")
    )
    del criteria[4]  # 业绩贡献
    criteria.append(CriterionInput(name="示范引领", description="", max_points=Decimal("10")))
    kept_pk = criteria[0].pk

    _update(
        olivia,
        scheme,
        criteria=criteria,
        onsite_max=Decimal("50.5"),
        comprehensive_weight=Decimal("0.70"),
        onsite_weight=Decimal("0.30"),
        trimmed_mean=False,
        trim_min_sheets=7,
        rank_by_normalised=True,
    )

    assert _state(scheme) == (
        Decimal("0.70"),
        Decimal("0.30"),
        Decimal("50.50"),
        False,
        7,
        True,
        False,
        [
            ("职业道德", Decimal("10.00")),
            ("技能水平", Decimal("35.00")),
            ("技术创新与攻关", Decimal("25.00")),
            ("传技带徒", Decimal("20.00")),
            ("示范引领", Decimal("10.00")),
        ],
    )
    assert Criterion.objects.filter(scheme=scheme, name="职业道德").get().pk == kept_pk
    assert Criterion.objects.get(scheme=scheme, name="技能水平").description == "含竞赛成绩"
    record = AuditRecord.objects.get(action="scheme.update")
    assert record.object_id == str(scheme.pk)
    assert record.before["comprehensive_weight"] == "0.60"
    assert record.after["comprehensive_weight"] == "0.70"
    assert record.before["from_default_template"] is True
    assert record.after["from_default_template"] is False
    assert [c["name"] for c in record.before["criteria"]] == [
        "职业道德",
        "技能水平",
        "技术创新与攻关",
        "传技带徒",
        "业绩贡献",
    ]
    assert [(c["name"], c["max_points"]) for c in record.after["criteria"]] == [
        ("职业道德", "10.00"),
        ("技能水平", "35.00"),
        ("技术创新与攻关", "25.00"),
        ("传技带徒", "20.00"),
        ("示范引领", "10.00"),
    ]


def test_reordering_criteria_is_a_change(olivia, scheme):
    criteria = _criteria(scheme)

    _update(olivia, scheme, criteria=[criteria[1], criteria[0], *criteria[2:]])

    assert [c.name for c in scheme.criteria.all()][:2] == ["技能水平", "职业道德"]
    assert ScoringScheme.objects.get(pk=scheme.pk).from_default_template is False


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"comprehensive_weight": Decimal("0.60"), "onsite_weight": Decimal("0.35")},
            "onsite_weight",
            "两部分权重之和须为100%（现为95%）。",
        ),
        (
            {"comprehensive_weight": Decimal("1.10"), "onsite_weight": Decimal("-0.10")},
            "comprehensive_weight",
            "综合评审权重须在0%至100%之间。",
        ),
        (
            {"comprehensive_weight": Decimal("0.605"), "onsite_weight": Decimal("0.395")},
            "comprehensive_weight",
            "综合评审权重须为整数百分比（如60%）。",
        ),
        ({"onsite_max": Decimal("0")}, "onsite_max", "现场技能考查满分须大于0。"),
        ({"onsite_max": Decimal("99.3")}, "onsite_max", "现场技能考查满分须为0.5分的整数倍（如10或12.5）。"),
        ({"onsite_max": Decimal("1000.5")}, "onsite_max", "现场技能考查满分不能超过1000分。"),
        (
            {"trim_min_sheets": 2},
            "trim_min_sheets",
            "去极值所需最少有效评分数须在3至99之间（去掉最高分和最低分后至少还要剩一份）。",
        ),
        ({"criteria": []}, "criteria", "综合评审至少需要一个评分项。"),
    ],
)
def test_bad_settings_are_refused_at_their_field_and_nothing_is_saved(
    olivia, scheme, overrides, field, message
):
    with pytest.raises(DomainError) as exc:
        _update(olivia, scheme, **overrides)

    assert (exc.value.field, exc.value.message) == (field, message)
    assert _state(scheme) == DEFAULT_STATE
    assert AuditRecord.objects.filter(action="scheme.update").count() == 0


@pytest.mark.parametrize(
    ("index", "item", "field", "message"),
    [
        (
            1,
            CriterionInput(name="技能水平", max_points=Decimal("0")),
            "criteria.1.max_points",
            "“技能水平”的满分须大于0。",
        ),
        (
            2,
            CriterionInput(name="技术创新与攻关", max_points=Decimal("25.25")),
            "criteria.2.max_points",
            "“技术创新与攻关”的满分须为0.5分的整数倍（如10或12.5）。",
        ),
        (3, CriterionInput(name="  ", max_points=Decimal("20")), "criteria.3.name", "请填写评分项名称。"),
        (
            4,
            CriterionInput(name="职业道德", max_points=Decimal("15")),
            "criteria.4.name",
            "评分项“职业道德”重复。",
        ),
    ],
)
def test_a_bad_criterion_is_refused_at_its_row(olivia, scheme, index, item, field, message):
    criteria = _criteria(scheme)
    criteria[index] = CriterionInput(pk=criteria[index].pk, name=item.name, max_points=item.max_points)

    with pytest.raises(DomainError) as exc:
        _update(olivia, scheme, criteria=criteria)

    assert (exc.value.field, exc.value.message) == (field, message)
    assert _state(scheme) == DEFAULT_STATE


def test_half_points_are_accepted(olivia, scheme):
    criteria = _criteria(scheme)
    criteria[0] = CriterionInput(pk=criteria[0].pk, name="职业道德", max_points=Decimal("12.5"))

    _update(olivia, scheme, criteria=criteria, onsite_max=Decimal("80.5"))

    assert Criterion.objects.get(pk=criteria[0].pk).max_points == Decimal("12.50")
    assert ScoringScheme.objects.get(pk=scheme.pk).onsite_max == Decimal("80.50")


@pytest.mark.parametrize("how", ["frozen", "scoring"])
def test_a_frozen_scheme_is_refused(olivia, scheme, how):
    if how == "frozen":
        ScoringScheme.objects.filter(pk=scheme.pk).update(frozen_at=timezone.now())
    else:
        Committee.objects.filter(round_id=scheme.round_id).update(state=CommitteeState.SCORING)

    with pytest.raises(DomainError) as exc:
        _update(olivia, scheme, onsite_max=Decimal("50"))

    assert exc.value.message == "评分已开始，评分方案已冻结，不能再修改。"
    assert ScoringScheme.objects.get(pk=scheme.pk).onsite_max == Decimal("100.00")
    assert AuditRecord.objects.filter(action="scheme.update").count() == 0


def test_a_criterion_of_another_scheme_is_refused(olivia, scheme, bob):
    round_b, _ = make_evaluation_round(olivia, [bob], n=1, title="另一批次", is_demo=True)
    _user, chair_b = make_expert_user("chair_b", role="chair")
    make_committee(round_b, officer=olivia, chair=chair_b, experts=[])
    foreign = Criterion.objects.filter(scheme__round=round_b).first()
    criteria = [*_criteria(scheme), CriterionInput(pk=foreign.pk, name="外来", max_points=Decimal("5"))]

    with pytest.raises(DomainError) as exc:
        _update(olivia, scheme, criteria=criteria)

    assert exc.value.message == "评分项已被他人修改，请刷新页面后重试。"
    assert Criterion.objects.get(pk=foreign.pk).name == "职业道德"
