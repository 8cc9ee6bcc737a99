"""The officer's committee and scheme pages: forming, warnings, groups, the scheme editor, who may open them."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from chieftech.accounts.roles import Role
from chieftech.evaluation.models import (
    AssignmentMode,
    Committee,
    CommitteeMember,
    CommitteeState,
    Criterion,
    GroupPlacement,
    ScoringScheme,
)
from tests.evaluation.factories import make_committee, make_evaluation_round, make_expert_user
from tests.factories import make_round


def _members_post(chair, experts, **overrides):
    data = {
        "action": "members",
        "name": "评审委员会",
        "chair": chair.pk,
        "experts": [chair.pk, *(e.pk for e in experts)],
        "assignment_mode": AssignmentMode.ALL,
        "load_cap": "",
    }
    data.update(overrides)
    return data


def _url(name, round_):
    return reverse(f"evaluation:{name}", args=[round_.pk])


# --- Forming ------------------------------------------------------------------------------------------


def test_the_officer_forms_the_committee_from_the_page(client, olivia, round3, panel):
    round_, _ = round3
    chair, experts = panel
    client.force_login(olivia)

    page = client.get(_url("committee", round_))
    assert page.status_code == 200
    assert page.context["form"].initial["name"] == "2026年度环翠区首席技师选拔评审委员会"
    assert [r["name"] for r in page.context["pool_rows"]] == [
        "专家1",
        "专家2",
        "专家3",
        "专家4",
        "专家5",
        "专家6",
        "蔡主任",
    ]

    response = client.post(_url("committee", round_), _members_post(chair, experts[:4]))

    assert response.status_code == 302
    assert response["Location"] == _url("committee", round_)
    committee = Committee.objects.get(round=round_)
    assert (committee.name, committee.chair, committee.members.count()) == ("评审委员会", chair, 5)
    assert ScoringScheme.objects.filter(round=round_, from_default_template=True).count() == 1


def test_a_chair_without_the_chair_role_is_refused_at_the_chair_field(client, olivia, round3, panel):
    round_, _ = round3
    _chair, experts = panel
    client.force_login(olivia)

    response = client.post(_url("committee", round_), _members_post(experts[0], experts[1:5]))

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "chair": [
            "专家1的登录账号没有“评审委员会主任”角色，不能担任主任（开启、结束评分和确认建议名单需要该角色）。"
            "请另选主任，或请系统管理员先授予角色。"
        ]
    }
    assert Committee.objects.count() == 0
    # The officer's choices are kept on the page.
    assert [r["name"] for r in response.context["pool_rows"] if r["checked"]] == [
        "专家1",
        "专家2",
        "专家3",
        "专家4",
        "专家5",
    ]


def test_the_page_warns_about_size_and_shows_employer_recusals(client, olivia, round3, panel, enterprise_a):
    round_, _ = round3
    chair, experts = panel
    _user, insider = make_expert_user("insider", real_name="甲厂专家", employer_enterprise=enterprise_a)
    client.force_login(olivia)

    client.post(_url("committee", round_), _members_post(chair, [experts[0], insider]))
    page = client.get(_url("committee", round_))

    body = page.content.decode()
    assert page.context["overview"].warnings[0] == (
        "委员会现有3名委员。建议委员人数为不少于5人的单数：单数便于表决，去掉一个最高分和一个最低分后仍有足够的评分。"
    )
    assert "委员会现有3名委员。" in body
    assert [(r.candidate, r.expert, r.kind_label) for r in page.context["overview"].recusals] == [
        ("张志强", "甲厂专家", "同单位自动回避"),
        ("王建国", "甲厂专家", "同单位自动回避"),
    ]
    assert [(r["name"], r["assigned"], r["recused"], r["load"]) for r in page.context["member_rows"]] == [
        ("蔡主任", 3, 0, 3),
        ("专家1", 3, 0, 3),
        ("甲厂专家", 3, 2, 1),
    ]


def test_by_group_groups_are_proposed_then_saved(client, olivia, round3, panel):
    round_, (wang, li, zhang) = round3
    chair, experts = panel
    experts[0].field = "数控车工"
    experts[0].save(update_fields=["field"])
    client.force_login(olivia)
    client.post(_url("committee", round_), _members_post(chair, experts[:4], assignment_mode="by_group"))
    committee = Committee.objects.get(round=round_)

    page = client.get(_url("committee", round_))
    assert page.context["groups_proposed"] is True
    groups_form = page.context["groups_form"]
    assert groups_form.initial[f"place_{wang.pk}"] == "数控车工"
    # The experts' field (机械加工) is no candidate's trade: left for the officer to fill.
    assert groups_form.initial[f"group_{chair.pk}"] == ""
    assert groups_form.initial[f"group_{experts[0].pk}"] == "数控车工"
    assert GroupPlacement.objects.count() == 0  # proposed, not saved

    response = client.post(
        _url("committee", round_),
        {
            "action": "groups",
            f"group_{chair.pk}": "数控",
            f"group_{experts[0].pk}": "数控",
            f"group_{experts[1].pk}": "焊接",
            f"group_{experts[2].pk}": "焊接",
            f"group_{experts[3].pk}": "",
            f"place_{wang.pk}": "数控",
            f"place_{li.pk}": "焊接",
            f"place_{zhang.pk}": "数控",
        },
    )

    assert response.status_code == 302
    assert dict(
        CommitteeMember.objects.filter(committee=committee).values_list("expert__name", "trade_group")
    ) == {"蔡主任": "数控", "专家1": "数控", "专家2": "焊接", "专家3": "焊接", "专家4": ""}
    page = client.get(_url("committee", round_))
    assert page.context["groups_proposed"] is False
    assert [(r["name"], r["group"], r["load"]) for r in page.context["member_rows"]] == [
        ("蔡主任", "数控", 2),
        ("专家1", "数控", 2),
        ("专家2", "焊接", 1),
        ("专家3", "焊接", 1),
        ("专家4", "", 0),
    ]
    assert [(r["name"], r["group"], r["scorers"]) for r in page.context["candidate_rows"]] == [
        ("张志强", "数控", 2),
        ("李秀英", "焊接", 2),
        ("王建国", "数控", 2),
    ]


def test_a_load_over_the_cap_is_marked(client, olivia, round3, panel):
    round_, _ = round3
    chair, experts = panel
    client.force_login(olivia)

    client.post(_url("committee", round_), _members_post(chair, experts[:4], load_cap="2"))
    page = client.get(_url("committee", round_))

    assert [r["over_cap"] for r in page.context["member_rows"]] == [True] * 5
    assert "蔡主任需评审3名候选人，超过每位专家2人的上限。" in page.content.decode()


def test_a_round_still_open_cannot_have_a_committee(client, olivia, panel):
    round_ = make_round(olivia)
    chair, experts = panel
    client.force_login(olivia)

    page = client.get(_url("committee", round_))
    assert page.context["editable"] is False
    assert "批次处于“申报中”阶段。资格审查或专家评审阶段方可组建评审委员会。" in page.content.decode()

    response = client.post(_url("committee", round_), _members_post(chair, experts[:4]), follow=True)
    assert [str(m) for m in response.context["messages"]] == ["批次处于“申报中”阶段，不能组建评审委员会。"]
    assert Committee.objects.count() == 0


def test_once_scoring_opened_the_page_is_read_only_and_changes_are_refused(client, olivia, round3, panel):
    round_, _ = round3
    chair, experts = panel
    committee = make_committee(round_, officer=olivia, chair=chair, experts=experts[:4])
    Committee.objects.filter(pk=committee.pk).update(
        state=CommitteeState.SCORING, scoring_opened_at=timezone.now()
    )
    client.force_login(olivia)

    page = client.get(_url("committee", round_))
    assert page.context["editable"] is False
    assert b'id="committee-form"' not in page.content

    response = client.post(
        _url("committee", round_), _members_post(chair, experts[:2], name="改名"), follow=True
    )
    assert [str(m) for m in response.context["messages"]] == ["评审委员会已开始评分，不能再修改。"]
    committee.refresh_from_db()
    assert (committee.name, committee.members.count()) == ("2026年度环翠区首席技师选拔评审委员会", 5)


@pytest.mark.parametrize("n", [1, 3])
def test_the_committee_page_has_a_constant_query_count(
    client, olivia, alice, enterprise_a, django_assert_num_queries, n
):
    round_, _ = make_evaluation_round(olivia, [alice], n=n)
    _user, chair = make_expert_user("chair1", role=Role.CHAIR, employer_enterprise=enterprise_a)
    experts = [make_expert_user(f"exp{i}", employer_enterprise=enterprise_a)[1] for i in range(n - 1)]
    committee = make_committee(round_, officer=olivia, chair=chair, experts=experts)
    Committee.objects.filter(pk=committee.pk).update(assignment_mode=AssignmentMode.BY_GROUP)
    client.force_login(olivia)

    with django_assert_num_queries(19):
        response = client.get(_url("committee", round_))

    assert len(response.context["member_rows"]) == n
    assert len(response.context["candidate_rows"]) == n
    assert len(response.context["overview"].recusals) == n * n


# --- The scheme editor --------------------------------------------------------------------------------


@pytest.fixture
def formed(olivia, round3, panel):
    round_, _ = round3
    chair, experts = panel
    make_committee(round_, officer=olivia, chair=chair, experts=experts[:4])
    return round_, ScoringScheme.objects.get(round=round_)


def _scheme_post(scheme, **overrides):
    criteria = list(scheme.criteria.all())
    data = {
        "criteria-TOTAL_FORMS": str(len(criteria) + 2),
        "criteria-INITIAL_FORMS": str(len(criteria)),
        "criteria-MIN_NUM_FORMS": "0",
        "criteria-MAX_NUM_FORMS": "20",
        "onsite_max": "100",
        "comprehensive_weight": "60",
        "onsite_weight": "40",
        "trimmed_mean": "on",
        "trim_min_sheets": "5",
    }
    for i, c in enumerate(criteria):
        data.update(
            {
                f"criteria-{i}-id": str(c.pk),
                f"criteria-{i}-name": c.name,
                f"criteria-{i}-description": c.description,
                f"criteria-{i}-max_points": format(c.max_points.normalize(), "f"),
            }
        )
    for i in range(len(criteria), len(criteria) + 2):
        data.update({f"criteria-{i}-id": "", f"criteria-{i}-name": "", f"criteria-{i}-max_points": ""})
    data.update(overrides)
    return data


def test_the_scheme_page_says_the_default_is_not_the_measures(client, olivia, formed):
    round_, _scheme = formed
    client.force_login(olivia)

    page = client.get(_url("scheme", round_))

    body = page.content.decode()
    assert '<span class="status status-warn" id="default-label">系统默认模板，非办法规定</span>' in body
    assert page.context["comprehensive_max"] == "100"
    assert [c["max_points"] for c in page.context["criteria"]] == ["10", "30", "25", "20", "15"]
    assert page.context["form"].initial["comprehensive_weight"] == 60


def test_the_officer_edits_the_scheme_and_the_default_label_goes(client, olivia, formed):
    round_, scheme = formed
    client.force_login(olivia)

    response = client.post(
        _url("scheme", round_),
        _scheme_post(
            scheme,
            **{
                "criteria-1-max_points": "32.5",
                "criteria-4-DELETE": "on",
                "criteria-5-name": "示范引领",
                "criteria-5-max_points": "12.5",
                "comprehensive_weight": "70",
                "onsite_weight": "30",
                "rank_by_normalised": "on",
            },
        ),
    )

    assert response.status_code == 302
    scheme.refresh_from_db()
    assert (scheme.comprehensive_weight, scheme.onsite_weight, scheme.rank_by_normalised) == (
        Decimal("0.70"),
        Decimal("0.30"),
        True,
    )
    assert scheme.from_default_template is False
    assert [(c.name, c.max_points) for c in scheme.criteria.all()] == [
        ("职业道德", Decimal("10.00")),
        ("技能水平", Decimal("32.50")),
        ("技术创新与攻关", Decimal("25.00")),
        ("传技带徒", Decimal("20.00")),
        ("示范引领", Decimal("12.50")),
    ]
    page = client.get(_url("scheme", round_))
    assert "系统默认模板，非办法规定" not in page.content.decode()
    assert 'id="adjusted-label">已由区人社局调整</span>' in page.content.decode()


def test_weights_not_adding_up_are_refused_at_the_field_and_nothing_saved(client, olivia, formed):
    round_, scheme = formed
    client.force_login(olivia)

    response = client.post(
        _url("scheme", round_),
        _scheme_post(
            scheme, **{"comprehensive_weight": "60", "onsite_weight": "35", "criteria-0-max_points": "12"}
        ),
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {"onsite_weight": ["两部分权重之和须为100%（现为95%）。"]}
    scheme.refresh_from_db()
    assert (scheme.onsite_weight, scheme.from_default_template) == (Decimal("0.40"), True)
    assert Criterion.objects.get(scheme=scheme, name="职业道德").max_points == Decimal("10.00")


def test_a_criterion_off_the_half_point_step_is_refused_at_its_row(client, olivia, formed):
    round_, scheme = formed
    client.force_login(olivia)

    response = client.post(_url("scheme", round_), _scheme_post(scheme, **{"criteria-2-max_points": "25.25"}))

    assert response.status_code == 200
    assert response.context["formset"].forms[2].errors == {
        "max_points": ["“技术创新与攻关”的满分须为0.5分的整数倍（如10或12.5）。"]
    }
    assert response.context["form"].errors == {}
    assert Criterion.objects.get(scheme=scheme, name="技术创新与攻关").max_points == Decimal("25.00")


def test_a_weight_with_decimals_is_refused_by_the_form(client, olivia, formed):
    round_, scheme = formed
    client.force_login(olivia)

    response = client.post(
        _url("scheme", round_), _scheme_post(scheme, comprehensive_weight="60.5", onsite_weight="39.5")
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "comprehensive_weight": ["输入整数。"],
        "onsite_weight": ["输入整数。"],
    }


def test_a_frozen_scheme_is_shown_without_the_editor_and_changes_are_refused(client, olivia, formed):
    round_, scheme = formed
    ScoringScheme.objects.filter(pk=scheme.pk).update(frozen_at=timezone.now())
    client.force_login(olivia)

    page = client.get(_url("scheme", round_))
    assert page.context["editable"] is False
    assert b'id="scheme-form"' not in page.content

    response = client.post(_url("scheme", round_), _scheme_post(scheme, onsite_max="50"), follow=True)
    assert [str(m) for m in response.context["messages"]] == ["评分已开始，评分方案已冻结，不能再修改。"]
    scheme.refresh_from_db()
    assert scheme.onsite_max == Decimal("100.00")


def test_before_the_committee_there_is_no_scheme_to_edit(client, olivia, round3):
    round_, _ = round3
    client.force_login(olivia)

    page = client.get(_url("scheme", round_))

    assert page.status_code == 200
    assert "组建评审委员会后，系统按默认模板生成评分方案，届时可在此调整。" in page.content.decode()


# --- Who may open them --------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["erin", "chris", "alice", "stranger"])
def test_only_the_officer_opens_the_committee_pages(client, request, olivia, round3, panel, who):
    round_, _ = round3
    chair, experts = panel
    committee = make_committee(round_, officer=olivia, chair=chair, experts=experts[:4])
    client.force_login(request.getfixturevalue(who))

    for name in ["committee", "scheme"]:
        assert client.get(_url(name, round_)).status_code == 403
        assert (
            client.post(_url(name, round_), _members_post(chair, experts[:2], name="改名")).status_code == 403
        )
    committee.refresh_from_db()
    assert committee.name == "2026年度环翠区首席技师选拔评审委员会"


def test_the_committees_own_chair_is_still_refused_the_officers_pages(client, olivia, round3, panel):
    round_, _ = round3
    chair, experts = panel
    make_committee(round_, officer=olivia, chair=chair, experts=experts[:4])
    client.force_login(chair.user)

    assert client.get(_url("committee", round_)).status_code == 403
    assert client.get(_url("scheme", round_)).status_code == 403


def test_the_anonymous_are_sent_to_sign_in(client, olivia, round3):
    round_, _ = round3

    for name in ["committee", "scheme"]:
        response = client.get(_url(name, round_))
        assert response.status_code == 302
        assert response["Location"] == f"/accounts/login/?next={_url(name, round_)}"


def test_an_unknown_round_is_404(client, olivia):
    client.force_login(olivia)

    assert client.get(reverse("evaluation:committee", args=[987654])).status_code == 404
    assert client.get(reverse("evaluation:scheme", args=[987654])).status_code == 404
