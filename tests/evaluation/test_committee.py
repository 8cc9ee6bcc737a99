"""Forming the committee: who may sit on it, the size and load warnings, assignments and employer recusals."""

import pytest
from django.utils import timezone

from chieftech.accounts.roles import Role
from chieftech.audit.models import AuditRecord
from chieftech.core.errors import DomainError
from chieftech.evaluation.domain.committee import (
    EMPLOYER_RECUSAL_REASON,
    committee_assignments_sync,
    committee_form,
    committee_groups_update,
    committee_overview,
    committee_problems,
    committee_update,
    expert_update,
)
from chieftech.evaluation.models import (
    Assignment,
    AssignmentMode,
    Committee,
    CommitteeMember,
    CommitteeState,
    Criterion,
    GroupPlacement,
    Recusal,
    ScoringScheme,
)
from chieftech.selection.domain.rounds import round_transition
from chieftech.selection.models import RoundState
from tests.evaluation.factories import AFTER_DEADLINE, make_expert, make_expert_user
from tests.factories import make_round


def _form(olivia, round_, chair, experts, **kwargs):
    return committee_form(
        actor=olivia, round_=round_, name="评审委员会", chair=chair, experts=[chair, *experts], **kwargs
    )


def _pairs(committee, model):
    return sorted(
        (row.member.expert.name, row.application.name)
        for row in model.objects.filter(member__committee=committee).select_related(
            "member__expert", "application"
        )
    )


# --- Forming ----------------------------------------------------------------------------------------


def test_forming_seats_the_members_seeds_the_default_scheme_and_assigns_everyone(olivia, round3, panel):
    round_, _applications = round3
    chair, experts = panel

    committee = _form(olivia, round_, chair, experts[:4])

    assert committee.state == CommitteeState.FORMING
    assert committee.chair == chair
    assert committee.created_by == olivia
    assert [m.expert.name for m in committee.members.order_by("pk")] == [
        "蔡主任",
        "专家1",
        "专家2",
        "专家3",
        "专家4",
    ]
    scheme = ScoringScheme.objects.get(round=round_)
    assert scheme.from_default_template is True
    assert list(Criterion.objects.filter(scheme=scheme).values_list("name", flat=True)) == [
        "职业道德",
        "技能水平",
        "技术创新与攻关",
        "传技带徒",
        "业绩贡献",
    ]
    assert Assignment.objects.filter(member__committee=committee).count() == 5 * 3
    record = AuditRecord.objects.get(action="committee.form")
    assert record.object_id == str(committee.pk)
    assert record.after["chair"] == chair.pk
    assert [m["name"] for m in record.after["members"]] == ["蔡主任", "专家1", "专家2", "专家3", "专家4"]
    assert record.after["assignment_mode"] == "all"


def test_the_committee_can_be_formed_during_qualification_review(olivia, alice, panel):
    round_ = make_round(olivia)
    round_transition(actor=olivia, round_=round_, to_state=RoundState.REVIEW, now=AFTER_DEADLINE)
    chair, experts = panel

    committee = _form(olivia, round_, chair, experts[:4])

    assert committee.round == round_
    assert Assignment.objects.filter(member__committee=committee).count() == 0


def test_a_round_still_taking_applications_cannot_have_a_committee(olivia, panel):
    round_ = make_round(olivia)
    chair, experts = panel

    with pytest.raises(DomainError) as exc:
        _form(olivia, round_, chair, experts[:4])

    assert exc.value.message == "批次处于“申报中”阶段，只有资格审查或专家评审阶段可以组建、调整评审委员会。"
    assert Committee.objects.count() == 0


def test_a_round_has_one_committee(olivia, round3, panel):
    round_, _ = round3
    chair, experts = panel
    _form(olivia, round_, chair, experts[:4])

    with pytest.raises(DomainError) as exc:
        _form(olivia, round_, chair, experts[:4])

    assert exc.value.message == "本批次已组建评审委员会，请在委员会页面调整。"
    assert Committee.objects.count() == 1


def test_the_chair_must_be_a_member(olivia, round3, panel):
    round_, _ = round3
    chair, experts = panel

    with pytest.raises(DomainError) as exc:
        committee_form(actor=olivia, round_=round_, name="评审委员会", chair=chair, experts=experts[:4])

    assert exc.value.message == "主任蔡主任须是委员会委员，请同时勾选其为委员。"
    assert exc.value.field == "chair"
    assert Committee.objects.count() == 0


def test_the_chair_needs_a_login_holding_the_chair_role(olivia, round3, panel):
    round_, _ = round3
    _chair, experts = panel
    plain = experts[0]  # holds the expert role only

    with pytest.raises(DomainError) as exc:
        _form(olivia, round_, plain, experts[1:5])

    assert exc.value.message == (
        "专家1的登录账号没有“评审委员会主任”角色，不能担任主任（开启、结束评分和确认建议名单需要该角色）。"
        "请另选主任，或请系统管理员先授予角色。"
    )
    assert exc.value.field == "chair"
    assert Committee.objects.count() == 0


def test_a_chair_without_any_login_is_refused(olivia, round3, panel):
    round_, _ = round3
    _chair, experts = panel
    offline = make_expert("线下专家")

    with pytest.raises(DomainError) as exc:
        _form(olivia, round_, offline, experts[:4])

    assert (
        exc.value.message
        == "线下专家没有可用的登录账号，无法在系统中评分。请先在专家库中为其关联评审专家账号。"
    )
    assert exc.value.field == "chair"


def test_a_member_without_a_login_cannot_score_and_is_refused(olivia, round3, panel):
    round_, _ = round3
    chair, experts = panel
    offline = make_expert("线下专家")

    with pytest.raises(DomainError) as exc:
        _form(olivia, round_, chair, [*experts[:4], offline])

    assert (
        exc.value.message
        == "线下专家没有可用的登录账号，无法在系统中评分。请先在专家库中为其关联评审专家账号。"
    )
    assert exc.value.field == "experts"
    assert Committee.objects.count() == 0


def test_a_member_whose_login_lost_the_expert_role_is_refused(olivia, round3, panel, stranger):
    round_, _ = round3
    chair, experts = panel
    roleless = make_expert("无角色专家", user=stranger)

    with pytest.raises(DomainError) as exc:
        _form(olivia, round_, chair, [*experts[:4], roleless])

    assert exc.value.message == "无角色专家的登录账号没有“评审专家”角色，无法评分。请系统管理员先授予角色。"


def test_an_expert_taken_out_of_the_pool_cannot_be_seated(olivia, round3, panel):
    round_, _ = round3
    chair, experts = panel
    experts[0].active = False
    experts[0].save(update_fields=["active"])

    with pytest.raises(DomainError) as exc:
        _form(olivia, round_, chair, experts[:4])

    assert exc.value.message == "专家1已不在专家库中（已停用），请移出委员会。"


# --- Size warning -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("others", "warned"),
    [(2, True), (3, True), (4, False), (5, True), (6, False)],
)
def test_an_odd_number_of_at_least_five_is_recommended_and_anything_else_warned(
    olivia, round3, panel, others, warned
):
    round_, _ = round3
    chair, experts = panel

    committee = _form(olivia, round_, chair, experts[:others])

    size = others + 1
    expected = (
        [
            f"委员会现有{size}名委员。建议委员人数为不少于5人的单数："
            "单数便于表决，去掉一个最高分和一个最低分后仍有足够的评分。"
        ]
        if warned
        else []
    )
    assert [w for w in committee_overview(committee).warnings if w.startswith("委员会现有")] == expected
    assert committee.members.count() == size  # a warning, never a refusal


# --- Employer recusals --------------------------------------------------------------------------------


def test_an_expert_employed_by_a_candidates_enterprise_is_recused_from_that_candidate(
    olivia, round3, panel, enterprise_a
):
    round_, _ = round3
    chair, experts = panel
    _user, insider = make_expert_user("insider", real_name="甲厂专家", employer_enterprise=enterprise_a)

    committee = _form(olivia, round_, chair, [*experts[:3], insider])

    assert _pairs(committee, Recusal) == [("甲厂专家", "张志强"), ("甲厂专家", "王建国")]
    assert set(Recusal.objects.values_list("kind", "reason")) == {
        (Recusal.Kind.EMPLOYER, EMPLOYER_RECUSAL_REASON)
    }
    overview = committee_overview(committee)
    assert [(r.expert, r.candidate, r.enterprise, r.kind_label) for r in overview.recusals] == [
        ("甲厂专家", "张志强", "威海甲精密机械有限公司", "同单位自动回避"),
        ("甲厂专家", "王建国", "威海甲精密机械有限公司", "同单位自动回避"),
    ]
    loads = {row.member.expert.name: (row.assigned, row.recused, row.load) for row in overview.members}
    assert loads["甲厂专家"] == (3, 2, 1)
    assert loads["专家1"] == (3, 0, 3)


def test_the_recusal_follows_the_experts_employer_while_the_committee_is_forming(
    olivia, round3, panel, enterprise_a, enterprise_b
):
    round_, _ = round3
    chair, experts = panel
    _user, mover = make_expert_user("mover", real_name="流动专家", employer_enterprise=enterprise_a)
    committee = _form(olivia, round_, chair, [*experts[:3], mover])
    assert _pairs(committee, Recusal) == [("流动专家", "张志强"), ("流动专家", "王建国")]

    expert_update(
        actor=olivia,
        expert=mover,
        name="流动专家",
        field="机械加工",
        employer_enterprise=enterprise_b,
        title="正高级工程师",
    )
    assert _pairs(committee, Recusal) == [("流动专家", "李秀英")]

    expert_update(
        actor=olivia,
        expert=mover,
        name="流动专家",
        field="机械加工",
        employer_name="威海职业学院",
        title="正高级工程师",
    )
    assert _pairs(committee, Recusal) == []


def test_a_declared_recusal_is_kept_by_the_sync(olivia, round3, panel, enterprise_a):
    round_, applications = round3
    chair, experts = panel
    committee = _form(olivia, round_, chair, experts[:4])
    member = CommitteeMember.objects.get(committee=committee, expert=experts[0])
    Recusal.objects.create(
        member=member, application=applications[1], kind=Recusal.Kind.DECLARED, reason="与候选人系亲属"
    )

    committee_assignments_sync(committee=committee)
    committee_assignments_sync(committee=committee)

    assert list(Recusal.objects.values_list("kind", "reason")) == [(Recusal.Kind.DECLARED, "与候选人系亲属")]
    overview = committee_overview(committee)
    assert [(r.expert, r.candidate, r.kind_label, r.reason) for r in overview.recusals] == [
        ("专家1", "李秀英", "本人申明回避", "与候选人系亲属")
    ]


def test_the_sync_is_idempotent(olivia, round3, panel, enterprise_a):
    round_, _ = round3
    chair, experts = panel
    _user, insider = make_expert_user("insider", real_name="甲厂专家", employer_enterprise=enterprise_a)
    committee = _form(olivia, round_, chair, [*experts[:3], insider])
    assignments = list(Assignment.objects.order_by("pk").values_list("pk", "member_id", "application_id"))
    recusals = list(Recusal.objects.order_by("pk").values_list("pk", "member_id", "application_id"))

    committee_assignments_sync(committee=committee)

    assert (
        list(Assignment.objects.order_by("pk").values_list("pk", "member_id", "application_id"))
        == assignments
    )
    assert list(Recusal.objects.order_by("pk").values_list("pk", "member_id", "application_id")) == recusals


def test_an_employer_change_is_refused_while_the_expert_sits_on_a_scoring_committee(
    olivia, round3, panel, enterprise_a
):
    round_, _ = round3
    chair, experts = panel
    committee = _form(olivia, round_, chair, experts[:4])
    Committee.objects.filter(pk=committee.pk).update(state=CommitteeState.SCORING)

    with pytest.raises(DomainError) as exc:
        expert_update(
            actor=olivia,
            expert=experts[0],
            name="专家1",
            field="机械加工",
            employer_enterprise=enterprise_a,
            title="正高级工程师",
        )

    assert exc.value.message == (
        "专家1是“评审委员会”的委员，评分已开始，工作单位、登录账号和在库状态在评审结束前不能修改。"
        "如存在利益冲突，请该专家在评审中申明回避。"
    )
    assert exc.value.field == "employer_enterprise"
    assert Recusal.objects.count() == 0
    experts[0].refresh_from_db()
    assert experts[0].employer_enterprise is None


# --- Changing the committee ---------------------------------------------------------------------------


def test_update_changes_members_and_chair_and_keeps_a_kept_members_group(olivia, round3, panel):
    round_, _ = round3
    chair, experts = panel
    _user, chair2 = make_expert_user("chair2", role=Role.CHAIR, real_name="陈主任")
    committee = _form(olivia, round_, chair, experts[:4])
    CommitteeMember.objects.filter(committee=committee, expert=experts[0]).update(trade_group="数控")
    kept_pk = CommitteeMember.objects.get(committee=committee, expert=experts[0]).pk

    committee_update(
        actor=olivia,
        committee=committee,
        name="第二届评审委员会",
        chair=chair2,
        experts=[chair2, *experts[:2], experts[5]],
        assignment_mode=AssignmentMode.ALL,
        load_cap=None,
    )

    committee.refresh_from_db()
    assert committee.name == "第二届评审委员会"
    assert committee.chair == chair2
    assert sorted(committee.members.values_list("expert__name", flat=True)) == sorted(
        ["陈主任", "专家1", "专家2", "专家6"]
    )
    kept = CommitteeMember.objects.get(committee=committee, expert=experts[0])
    assert (kept.pk, kept.trade_group) == (kept_pk, "数控")
    assert Assignment.objects.filter(member__committee=committee).count() == 4 * 3
    record = AuditRecord.objects.get(action="committee.update")
    assert record.before["chair"] == chair.pk
    assert record.after["chair"] == chair2.pk
    assert record.before["name"] == "评审委员会"
    assert record.after["name"] == "第二届评审委员会"


def test_an_update_that_changes_nothing_writes_no_record(olivia, round3, panel):
    round_, _ = round3
    chair, experts = panel
    committee = _form(olivia, round_, chair, experts[:4])

    committee_update(
        actor=olivia,
        committee=committee,
        name="评审委员会",
        chair=chair,
        experts=[chair, *experts[:4]],
        assignment_mode=AssignmentMode.ALL,
        load_cap=None,
    )

    assert AuditRecord.objects.filter(action="committee.update").count() == 0


@pytest.mark.parametrize("how", ["state", "frozen"], ids=["committee scoring", "scheme frozen"])
def test_nothing_changes_once_scoring_opened(olivia, round3, panel, how):
    round_, _applications = round3
    chair, experts = panel
    committee = _form(olivia, round_, chair, experts[:4])
    if how == "state":
        Committee.objects.filter(pk=committee.pk).update(
            state=CommitteeState.SCORING, scoring_opened_at=timezone.now()
        )
    else:
        ScoringScheme.objects.filter(round=round_).update(frozen_at=timezone.now())

    with pytest.raises(DomainError) as exc:
        committee_update(
            actor=olivia,
            committee=committee,
            name="改名",
            chair=chair,
            experts=[chair, *experts[:2]],
            assignment_mode=AssignmentMode.ALL,
            load_cap=None,
        )
    label = "评分中" if how == "state" else "组建中"
    assert exc.value.message == f"评审委员会{label}，评分已开始后委员会的组成、分组和评分方案都不能再修改。"
    with pytest.raises(DomainError):
        committee_groups_update(
            actor=olivia, committee=committee, member_groups={chair.pk: "数控"}, placements={}
        )

    committee.refresh_from_db()
    assert committee.name == "评审委员会"
    assert committee.members.count() == 5
    assert CommitteeMember.objects.filter(trade_group="数控").count() == 0
    assert AuditRecord.objects.filter(action="committee.update").count() == 0


# --- Groups and loads ---------------------------------------------------------------------------------


def test_by_group_assigns_each_member_the_candidates_of_their_group(olivia, round3, panel):
    round_, (wang, li, zhang) = round3
    chair, experts = panel
    committee = _form(olivia, round_, chair, experts[:4], assignment_mode=AssignmentMode.BY_GROUP)
    assert Assignment.objects.filter(member__committee=committee).count() == 0

    committee_groups_update(
        actor=olivia,
        committee=committee,
        member_groups={chair.pk: "数控", experts[0].pk: "数控", experts[1].pk: "焊接", experts[2].pk: "焊接"},
        placements={wang.pk: "数控", li.pk: "焊接", zhang.pk: "数控"},
    )

    assert _pairs(committee, Assignment) == [
        ("专家1", "张志强"),
        ("专家1", "王建国"),
        ("专家2", "李秀英"),
        ("专家3", "李秀英"),
        ("蔡主任", "张志强"),
        ("蔡主任", "王建国"),
    ]
    assert dict(GroupPlacement.objects.values_list("application__name", "trade_group")) == {
        "王建国": "数控",
        "李秀英": "焊接",
        "张志强": "数控",
    }
    overview = committee_overview(committee)
    assert {row.member.expert.name: row.load for row in overview.members} == {
        "蔡主任": 2,
        "专家1": 2,
        "专家2": 1,
        "专家3": 1,
        "专家4": 0,
    }
    assert overview.scorers == {wang.pk: 2, li.pk: 2, zhang.pk: 2}
    assert "按组评审时，未分组的委员不评审任何候选人：专家4。" in overview.warnings
    record = AuditRecord.objects.get(action="committee.update")
    assert record.reason == "调整评审分组"
    assert record.after["placements"] == {str(wang.pk): "数控", str(li.pk): "焊接", str(zhang.pk): "数控"}

    # Moving a candidate and clearing another moves their assignments.
    committee_groups_update(
        actor=olivia, committee=committee, member_groups={}, placements={wang.pk: "焊接", zhang.pk: ""}
    )
    assert _pairs(committee, Assignment) == [
        ("专家2", "李秀英"),
        ("专家2", "王建国"),
        ("专家3", "李秀英"),
        ("专家3", "王建国"),
    ]
    overview = committee_overview(committee)
    assert "以下候选人尚未分组：张志强。" in overview.warnings
    assert overview.problems == ["以下候选人没有可评分的委员：张志强。"]


def test_switching_back_to_all_assigns_everyone_again(olivia, round3, panel):
    round_, (wang, _li, _zhang) = round3
    chair, experts = panel
    committee = _form(olivia, round_, chair, experts[:4], assignment_mode=AssignmentMode.BY_GROUP)
    committee_groups_update(
        actor=olivia, committee=committee, member_groups={chair.pk: "数控"}, placements={wang.pk: "数控"}
    )
    assert Assignment.objects.filter(member__committee=committee).count() == 1

    committee_update(
        actor=olivia,
        committee=committee,
        name="评审委员会",
        chair=chair,
        experts=[chair, *experts[:4]],
        assignment_mode=AssignmentMode.ALL,
        load_cap=None,
    )

    assert Assignment.objects.filter(member__committee=committee).count() == 5 * 3


def test_groups_for_someone_outside_the_committee_are_refused(olivia, round3, panel):
    round_, (_wang, _li, _zhang) = round3
    chair, experts = panel
    committee = _form(olivia, round_, chair, experts[:4], assignment_mode=AssignmentMode.BY_GROUP)

    with pytest.raises(DomainError) as exc:
        committee_groups_update(
            actor=olivia, committee=committee, member_groups={experts[5].pk: "数控"}, placements={}
        )
    assert exc.value.message == "所列专家不是本委员会委员，请刷新页面后重试。"

    with pytest.raises(DomainError) as exc:
        committee_groups_update(
            actor=olivia, committee=committee, member_groups={}, placements={987654: "数控"}
        )
    assert exc.value.message == "所列候选人不是本批次资格审查通过的候选人，请刷新页面后重试。"
    assert GroupPlacement.objects.count() == 0


def test_a_load_above_the_cap_is_warned_not_refused(olivia, round3, panel, enterprise_a):
    round_, _ = round3
    chair, experts = panel
    _user, insider = make_expert_user("insider", real_name="甲厂专家", employer_enterprise=enterprise_a)

    committee = _form(olivia, round_, chair, [*experts[:3], insider], load_cap=2)

    overview = committee_overview(committee)
    over = [row.member.expert.name for row in overview.members if row.over_cap]
    # 甲厂专家 is recused from two of the three, so their load (1) is within the cap.
    assert over == ["蔡主任", "专家1", "专家2", "专家3"]
    assert overview.warnings == [
        "蔡主任需评审3名候选人，超过每位专家2人的上限。",
        "专家1需评审3名候选人，超过每位专家2人的上限。",
        "专家2需评审3名候选人，超过每位专家2人的上限。",
        "专家3需评审3名候选人，超过每位专家2人的上限。",
        "以下候选人的评分委员少于5人，将按算术平均计分，不去掉最高分和最低分：张志强、王建国。",
    ]
    assert Assignment.objects.filter(member__committee=committee).count() == 5 * 3


def test_a_zero_cap_is_refused(olivia, round3, panel):
    round_, _ = round3
    chair, experts = panel

    with pytest.raises(DomainError) as exc:
        _form(olivia, round_, chair, experts[:4], load_cap=0)

    assert exc.value.field == "load_cap"


def test_problems_name_what_stops_scoring(olivia, round3, panel):
    round_, _ = round3
    chair, experts = panel
    committee = _form(olivia, round_, chair, experts[:4])
    assert committee_problems(committee) == []

    experts[1].user.groups.clear()
    experts[2].active = False
    experts[2].save(update_fields=["active"])

    assert committee_problems(committee) == [
        "专家2没有可用的评审专家登录账号，无法评分。",
        "专家3已不在专家库中（已停用），请移出委员会。",
    ]
