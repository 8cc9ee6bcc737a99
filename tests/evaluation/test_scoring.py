"""Scoring: the chair opens it, each expert fills, saves and submits their own sheets (第10条(四)).

`scoring_setup` (imported by the other scoring, chair and recusal tests) builds a round in the evaluation stage
with a committee of a chair and experts who all score every candidate.
"""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

import pytest

from chieftech.accounts.roles import Role
from chieftech.audit.models import AuditRecord
from chieftech.core.errors import DomainError
from chieftech.core.models import Notification
from chieftech.evaluation.domain.scoring import (
    criterion_field,
    points_error,
    scoring_open,
    sheet_mark_absent,
    sheet_save,
    sheet_submit,
)
from chieftech.evaluation.models import (
    AssignmentMode,
    Committee,
    CommitteeMember,
    CommitteeState,
    Criterion,
    Recusal,
    Score,
    ScoreSheet,
    ScoringScheme,
)
from chieftech.evaluation.selectors import my_rounds, my_sheets
from chieftech.selection.models import Round, RoundState
from tests.evaluation.factories import make_committee, make_evaluation_round, make_expert, make_expert_user
from tests.factories import SHANGHAI

OPENED = datetime(2026, 12, 21, 9, 0, tzinfo=SHANGHAI)
SUBMITTED = datetime(2026, 12, 22, 15, 30, tzinfo=SHANGHAI)
COMPREHENSIVE = ScoreSheet.Part.COMPREHENSIVE
ONSITE = ScoreSheet.Part.ONSITE
# The default template's criteria: 职业道德 10, 技能水平 30, 技术创新与攻关 25, 传技带徒 20, 业绩贡献 15.
FULL_MARKS = ["8.5", "27", "20", "16.5", "12"]  # total 84


@dataclass
class Scoring:
    round_: object
    applications: list
    committee: Committee
    chair: object  # the chair's login
    experts: list  # the other members' logins
    officer: object

    def member(self, user) -> CommitteeMember:
        return CommitteeMember.objects.get(committee=self.committee, expert__user=user)

    def sheet(self, user, application, part=COMPREHENSIVE) -> ScoreSheet:
        return ScoreSheet.objects.get(member=self.member(user), application=application, part=part)

    @property
    def criteria(self) -> list[Criterion]:
        return list(Criterion.objects.filter(scheme__round=self.round_).order_by("order", "pk"))

    def points(self, values=FULL_MARKS) -> dict:
        return {c.pk: Decimal(v) for c, v in zip(self.criteria, values, strict=True)}

    def submit(self, user, application, values=FULL_MARKS, onsite="80", now=SUBMITTED):
        """Fill in and submit both of `user`'s sheets for `application` (onsite=None: mark absent)."""
        comprehensive = self.sheet(user, application)
        sheet_save(actor=user, sheet=comprehensive, points=self.points(values))
        sheet_submit(actor=user, sheet=comprehensive, now=now)
        on_site = self.sheet(user, application, ONSITE)
        if onsite is None:
            sheet_mark_absent(actor=user, sheet=on_site)
        else:
            sheet_save(actor=user, sheet=on_site, points={None: Decimal(onsite)})
            sheet_submit(actor=user, sheet=on_site, now=now)

    @property
    def members(self) -> list:
        return [self.chair, *self.experts]


def scoring_setup(
    officer,
    enterprise_users,
    *,
    n: int = 3,
    experts: int = 2,
    open_scoring: bool = True,
    expert_employers: dict | None = None,
) -> Scoring:
    """A round with `n` qualified candidates and a committee of `chair` + `expert1`…; scoring opened unless
    `open_scoring=False`. `expert_employers` maps an expert's index (0 = chair) to their employer enterprise."""
    expert_employers = expert_employers or {}
    round_, applications = make_evaluation_round(officer, enterprise_users, n=n)
    chair_user, chair_expert = make_expert_user(
        "chair1", role=Role.CHAIR, real_name="主任甲", employer_enterprise=expert_employers.get(0)
    )
    users, pool = [], []
    for i in range(1, experts + 1):
        user, expert = make_expert_user(
            f"expert{i}", real_name=f"专家{i}", employer_enterprise=expert_employers.get(i)
        )
        users.append(user)
        pool.append(expert)
    committee = make_committee(round_, officer=officer, chair=chair_expert, experts=pool)
    setup = Scoring(round_, applications, committee, chair_user, users, officer)
    if open_scoring:
        scoring_open(actor=chair_user, round_=round_, now=OPENED)
        setup.committee.refresh_from_db()
    return setup


# --- Opening ---------------------------------------------------------------------------------------


def test_the_chair_opens_scoring_and_every_member_gets_two_empty_drafts_per_candidate(olivia, alice, bob):
    s = scoring_setup(olivia, [alice, bob], open_scoring=False)

    committee = scoring_open(actor=s.chair, round_=s.round_, now=OPENED)

    committee.refresh_from_db()
    assert committee.state == CommitteeState.SCORING
    assert committee.scoring_opened_at == OPENED
    assert ScoringScheme.objects.get(round=s.round_).frozen_at == OPENED
    sheets = ScoreSheet.objects.filter(member__committee=committee)
    assert sheets.count() == 3 * 3 * 2
    assert set(sheets.values_list("state", flat=True)) == {ScoreSheet.State.DRAFT}
    assert Score.objects.filter(sheet__in=sheets).count() == 0
    assert sorted(
        (m.expert.name, p) for m in committee.members.all() for p in (COMPREHENSIVE, ONSITE)
    ) == sorted({(sh.member.expert.name, sh.part) for sh in sheets.select_related("member__expert")})
    record = AuditRecord.objects.get(action="scoring.open")
    assert (record.actor_username, record.object_id) == ("chair1", str(committee.pk))
    assert record.before == {"state": "forming"}
    assert record.after["state"] == "scoring"
    assert record.after["sheets"] == 18
    notes = Notification.objects.filter(subject=f"评分已开始：{s.round_.title}").order_by("user__username")
    assert [(n.user.username, n.url) for n in notes] == [
        ("chair1", "/evaluation/my/"),
        ("expert1", "/evaluation/my/"),
        ("expert2", "/evaluation/my/"),
    ]
    assert notes[0].body == (
        f"{s.round_.title}评审委员会已开始评分，您有3名候选人的评分表（综合评审、现场技能考查）待填写。"
    )


def test_no_sheet_is_made_for_a_member_recused_by_employer(olivia, alice, bob, enterprise_a):
    # Candidates 0 and 2 come from alice's enterprise A; expert1 works there.
    s = scoring_setup(olivia, [alice, bob], open_scoring=False, expert_employers={1: enterprise_a})

    scoring_open(actor=s.chair, round_=s.round_, now=OPENED)

    expert1 = s.member(s.experts[0])
    assert sorted(ScoreSheet.objects.filter(member=expert1).values_list("application__name", "part")) == [
        ("李秀英", COMPREHENSIVE),
        ("李秀英", ONSITE),
    ]
    assert Recusal.objects.filter(member=expert1).count() == 2
    assert Notification.objects.get(user=s.experts[0]).body == (
        f"{s.round_.title}评审委员会已开始评分，您有1名候选人的评分表（综合评审、现场技能考查）待填写。"
    )


@pytest.mark.parametrize("who", ["expert", "officer"])
def test_only_the_chair_opens_scoring(olivia, alice, who):
    s = scoring_setup(olivia, [alice], n=1, open_scoring=False)
    actor = s.experts[0] if who == "expert" else olivia

    with pytest.raises(DomainError) as refused:
        scoring_open(actor=actor, round_=s.round_, now=OPENED)

    assert refused.value.message == "只有评审委员会主任可以开始评分。"
    assert Committee.objects.get(pk=s.committee.pk).state == CommitteeState.FORMING
    assert ScoreSheet.objects.count() == 0
    assert ScoringScheme.objects.get(round=s.round_).frozen_at is None


def test_a_chair_of_another_committee_cannot_open_this_one(olivia, alice):
    s = scoring_setup(olivia, [alice], n=1, open_scoring=False)
    other_chair, _ = make_expert_user("chair2", role=Role.CHAIR)

    with pytest.raises(DomainError) as refused:
        scoring_open(actor=other_chair, round_=s.round_, now=OPENED)

    assert refused.value.message == "只有评审委员会主任可以开始评分。"


def test_scoring_opens_once(olivia, alice):
    s = scoring_setup(olivia, [alice], n=1)

    with pytest.raises(DomainError) as refused:
        scoring_open(actor=s.chair, round_=s.round_, now=SUBMITTED)

    assert refused.value.message == "评审委员会当前为“评分中”，不能再次开始评分。"
    assert ScoreSheet.objects.count() == 3 * 2
    assert AuditRecord.objects.filter(action="scoring.open").count() == 1


def test_scoring_opens_only_in_the_evaluation_stage(olivia, alice):
    s = scoring_setup(olivia, [alice], n=1, open_scoring=False)
    # The committee may be formed while the round is still in review; it scores only once evaluation began.
    Round.objects.filter(pk=s.round_.pk).update(state=RoundState.REVIEW)

    with pytest.raises(DomainError) as refused:
        scoring_open(actor=s.chair, round_=s.round_, now=OPENED)

    assert refused.value.message == "批次当前为“资格审查”，不在评审阶段，不能开始评分。"


def test_scoring_needs_members(olivia, alice):
    s = scoring_setup(olivia, [alice], n=1, open_scoring=False)
    CommitteeMember.objects.filter(committee=s.committee).delete()

    with pytest.raises(DomainError) as refused:
        scoring_open(actor=s.chair, round_=s.round_, now=OPENED)

    assert refused.value.message == "评审委员会还没有委员，不能开始评分。"


def test_scoring_needs_a_qualified_candidate(olivia, alice):
    s = scoring_setup(olivia, [alice], n=1, open_scoring=False)
    s.applications[0].__class__.objects.filter(pk=s.applications[0].pk).update(state="not_qualified")

    with pytest.raises(DomainError) as refused:
        scoring_open(actor=s.chair, round_=s.round_, now=OPENED)

    assert refused.value.message == "本批次没有资格审查合格的候选人，不能开始评分。"


def test_scoring_does_not_open_while_a_candidate_has_nobody_to_score_them(olivia, alice, bob):
    s = scoring_setup(olivia, [alice, bob], n=2, open_scoring=False)
    Committee.objects.filter(pk=s.committee.pk).update(assignment_mode=AssignmentMode.BY_GROUP)

    with pytest.raises(DomainError) as refused:
        scoring_open(actor=s.chair, round_=s.round_, now=OPENED)

    assert refused.value.message == (
        "评审委员会尚有以下问题，不能开始评分（请区人社局经办人在评审委员会页面处理）："
        "以下候选人没有可评分的委员：王建国、李秀英。"
    )
    assert Committee.objects.get(pk=s.committee.pk).state == CommitteeState.FORMING


def test_scoring_does_not_open_while_the_committee_has_problems(olivia, alice):
    # One member's login lost its expert role, another left the pool, a third never had a login.
    s = scoring_setup(olivia, [alice], n=1, experts=3, open_scoring=False)
    s.experts[0].groups.clear()
    gone = s.member(s.experts[1]).expert
    gone.active = False
    gone.save(update_fields=["active"])
    CommitteeMember.objects.create(committee=s.committee, expert=make_expert("专家4"))

    with pytest.raises(DomainError) as refused:
        scoring_open(actor=s.chair, round_=s.round_, now=OPENED)

    assert refused.value.message == (
        "评审委员会尚有以下问题，不能开始评分（请区人社局经办人在评审委员会页面处理）："
        "专家1没有可用的评审专家登录账号，无法评分。"
        "专家2已不在专家库中（已停用），请移出委员会。"
        "专家4没有可用的评审专家登录账号，无法评分。"
    )
    assert Committee.objects.get(pk=s.committee.pk).state == CommitteeState.FORMING
    assert ScoreSheet.objects.count() == 0
    assert ScoringScheme.objects.get(round=s.round_).frozen_at is None
    assert AuditRecord.objects.filter(action="scoring.open").count() == 0
    assert not Notification.objects.filter(subject__startswith="评分已开始").exists()


# --- Points ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("0", None),
        ("30", None),
        ("12.5", None),
        (Decimal("7.50"), None),
        ("-0.5", "“技能水平”的得分须在0至30分之间。"),
        ("30.5", "“技能水平”的得分须在0至30分之间。"),
        ("12.3", "“技能水平”的得分须为0.5分的整数倍。"),
        ("12.25", "“技能水平”的得分须为0.5分的整数倍。"),
        ("abc", "“技能水平”的得分须为数字。"),
        ("NaN", "“技能水平”的得分须为数字。"),
        ("Infinity", "“技能水平”的得分须为数字。"),
    ],
)
def test_points_run_from_zero_to_the_maximum_in_steps_of_a_half(value, message):
    assert points_error(value, maximum=Decimal("30.00"), label="技能水平") == message


# --- Drafts ----------------------------------------------------------------------------------------


def test_a_draft_may_be_saved_half_filled_and_changed(olivia, alice):
    s = scoring_setup(olivia, [alice], n=1)
    expert = s.experts[0]
    sheet = s.sheet(expert, s.applications[0])
    ethics, skill, *_ = s.criteria

    sheet_save(actor=expert, sheet=sheet, points={ethics.pk: Decimal("8.5"), skill.pk: "20"})
    sheet_save(actor=expert, sheet=sheet, points={ethics.pk: "9", skill.pk: None})

    assert dict(Score.objects.filter(sheet=sheet).values_list("criterion_id", "points")) == {
        ethics.pk: Decimal("9.00")
    }
    sheet.refresh_from_db()
    assert (sheet.state, sheet.total, sheet.submitted_at) == (ScoreSheet.State.DRAFT, None, None)
    drafts = AuditRecord.objects.filter(action__startswith="sheet.").order_by("id")
    assert [(r.action, r.actor_id, r.object_type, r.object_id, r.before, r.after) for r in drafts] == [
        (
            "sheet.draft_save",
            expert.pk,
            "evaluation.scoresheet",
            str(sheet.pk),
            {"part": "comprehensive", "scores": {}},
            {"part": "comprehensive", "scores": {str(ethics.pk): "8.50", str(skill.pk): "20.00"}},
        ),
        (
            "sheet.draft_save",
            expert.pk,
            "evaluation.scoresheet",
            str(sheet.pk),
            {"part": "comprehensive", "scores": {str(ethics.pk): "8.50", str(skill.pk): "20.00"}},
            {"part": "comprehensive", "scores": {str(ethics.pk): "9.00"}},
        ),
    ]
    assert {r.authority_id for r in drafts} == {s.round_.authority_id}


def test_a_draft_saved_unchanged_leaves_no_record(olivia, alice):
    s = scoring_setup(olivia, [alice], n=1)
    expert = s.experts[0]
    sheet = s.sheet(expert, s.applications[0])
    ethics = s.criteria[0]
    sheet_save(actor=expert, sheet=sheet, points={ethics.pk: "8"})

    sheet_save(actor=expert, sheet=sheet, points={ethics.pk: "8.0"})

    assert AuditRecord.objects.filter(action="sheet.draft_save").count() == 1


def test_a_bad_value_refuses_the_whole_save_and_names_its_field(olivia, alice):
    s = scoring_setup(olivia, [alice], n=1)
    expert = s.experts[0]
    sheet = s.sheet(expert, s.applications[0])
    ethics, skill, *_ = s.criteria

    with pytest.raises(DomainError) as refused:
        sheet_save(actor=expert, sheet=sheet, points={ethics.pk: "8", skill.pk: "31"})

    assert refused.value.message == "“技能水平”的得分须在0至30分之间。"
    assert refused.value.field == criterion_field(skill.pk)
    assert Score.objects.filter(sheet=sheet).count() == 0


def test_on_site_points_are_checked_against_the_on_site_maximum(olivia, alice):
    s = scoring_setup(olivia, [alice], n=1)
    expert = s.experts[0]
    sheet = s.sheet(expert, s.applications[0], ONSITE)

    with pytest.raises(DomainError) as refused:
        sheet_save(actor=expert, sheet=sheet, points={None: "100.5"})
    assert (refused.value.message, refused.value.field) == (
        "“现场技能考查”的得分须在0至100分之间。",
        "onsite",
    )

    sheet_save(actor=expert, sheet=sheet, points={None: "88.5"})
    assert list(Score.objects.filter(sheet=sheet).values_list("criterion_id", "points")) == [
        (None, Decimal("88.50"))
    ]


def test_a_criterion_of_another_scheme_is_refused(olivia, alice):
    s = scoring_setup(olivia, [alice], n=1)
    expert = s.experts[0]

    with pytest.raises(DomainError) as refused:
        sheet_save(actor=expert, sheet=s.sheet(expert, s.applications[0]), points={None: "5"})

    assert refused.value.message == "评分项不属于本批次的评分方案。"


def test_nobody_fills_in_another_experts_sheet(olivia, alice):
    s = scoring_setup(olivia, [alice], n=1)
    theirs = s.sheet(s.experts[1], s.applications[0])

    for actor in (s.experts[0], s.chair):
        with pytest.raises(DomainError) as refused:
            sheet_save(actor=actor, sheet=theirs, points=s.points())
        assert refused.value.message == "只能填写本人的评分表。"
        with pytest.raises(DomainError) as refused:
            sheet_submit(actor=actor, sheet=theirs, now=SUBMITTED)
        assert refused.value.message == "只能填写本人的评分表。"
    assert Score.objects.filter(sheet=theirs).count() == 0


# --- Submitting ------------------------------------------------------------------------------------


def test_submit_locks_the_sheet_with_its_exact_total(olivia, alice):
    s = scoring_setup(olivia, [alice], n=1)
    expert = s.experts[0]
    sheet = s.sheet(expert, s.applications[0])
    sheet_save(actor=expert, sheet=sheet, points=s.points())

    submitted = sheet_submit(actor=expert, sheet=sheet, now=SUBMITTED)

    sheet.refresh_from_db()
    assert (sheet.state, sheet.total, sheet.submitted_at) == (
        ScoreSheet.State.SUBMITTED,
        Decimal("84.00"),
        SUBMITTED,
    )
    assert submitted.total == Decimal("84")
    record = AuditRecord.objects.get(action="sheet.submit")
    assert (record.actor_username, record.object_id) == ("expert1", str(sheet.pk))
    assert record.before == {"state": "draft"}
    ids = [str(c.pk) for c in s.criteria]
    assert record.after == {
        "state": "submitted",
        "part": "comprehensive",
        "total": "84.00",
        "scores": dict(zip(ids, ["8.50", "27.00", "20.00", "16.50", "12.00"], strict=True)),
    }
    with pytest.raises(DomainError) as refused:
        sheet_save(actor=expert, sheet=sheet, points={s.criteria[0].pk: "1"})
    assert refused.value.message == "评分表已提交，不能修改。如需更正，请联系评审委员会主任退回重评。"


def test_a_sheet_with_blank_criteria_is_not_submitted(olivia, alice):
    s = scoring_setup(olivia, [alice], n=1)
    expert = s.experts[0]
    sheet = s.sheet(expert, s.applications[0])
    ethics, _skill, innovation, *_ = s.criteria
    sheet_save(actor=expert, sheet=sheet, points={ethics.pk: "8", innovation.pk: "20"})

    with pytest.raises(DomainError) as refused:
        sheet_submit(actor=expert, sheet=sheet, now=SUBMITTED)

    assert refused.value.message == "尚有评分项未填写：技能水平、传技带徒、业绩贡献。填写完整后才能提交。"
    sheet.refresh_from_db()
    assert sheet.state == ScoreSheet.State.DRAFT
    assert AuditRecord.objects.filter(action="sheet.submit").count() == 0


def test_a_sheet_is_submitted_once(olivia, alice):
    s = scoring_setup(olivia, [alice], n=1)
    expert = s.experts[0]
    sheet = s.sheet(expert, s.applications[0])
    sheet_save(actor=expert, sheet=sheet, points=s.points())
    sheet_submit(actor=expert, sheet=sheet, now=SUBMITTED)

    with pytest.raises(DomainError) as refused:
        sheet_submit(actor=expert, sheet=sheet, now=OPENED)

    assert refused.value.message == "评分表当前为“已提交”，不能重复提交。"
    sheet.refresh_from_db()
    assert sheet.submitted_at == SUBMITTED
    assert AuditRecord.objects.filter(action="sheet.submit").count() == 1


def test_the_on_site_sheet_is_submitted_with_its_one_score(olivia, alice):
    s = scoring_setup(olivia, [alice], n=1)
    expert = s.experts[0]
    sheet = s.sheet(expert, s.applications[0], ONSITE)

    with pytest.raises(DomainError) as refused:
        sheet_submit(actor=expert, sheet=sheet, now=SUBMITTED)
    assert refused.value.message == "尚有评分项未填写：现场技能考查。填写完整后才能提交。"

    sheet_save(actor=expert, sheet=sheet, points={None: "91.5"})
    sheet_submit(actor=expert, sheet=sheet, now=SUBMITTED)
    sheet.refresh_from_db()
    assert (sheet.state, sheet.total) == (ScoreSheet.State.SUBMITTED, Decimal("91.50"))


def test_an_expert_absent_from_the_on_site_assessment_marks_the_sheet_absent(olivia, alice):
    s = scoring_setup(olivia, [alice], n=1)
    expert = s.experts[0]
    sheet = s.sheet(expert, s.applications[0], ONSITE)
    sheet_save(actor=expert, sheet=sheet, points={None: "60"})

    sheet_mark_absent(actor=expert, sheet=sheet)

    sheet.refresh_from_db()
    assert (sheet.state, sheet.total, sheet.submitted_at) == (ScoreSheet.State.ABSENT, None, None)
    assert Score.objects.filter(sheet=sheet).count() == 0
    record = AuditRecord.objects.get(action="sheet.submit")
    assert (record.object_id, record.after) == (str(sheet.pk), {"state": "absent", "part": "onsite"})
    with pytest.raises(DomainError) as refused:
        sheet_save(actor=expert, sheet=sheet, points={None: "60"})
    assert (
        refused.value.message == "该评分表已标记为未到场，不能修改。如需更正，请联系评审委员会主任退回重评。"
    )


def test_only_the_on_site_sheet_can_be_marked_absent(olivia, alice):
    s = scoring_setup(olivia, [alice], n=1)
    expert = s.experts[0]

    with pytest.raises(DomainError) as refused:
        sheet_mark_absent(actor=expert, sheet=s.sheet(expert, s.applications[0]))

    assert refused.value.message == "只有现场技能考查评分表可以标记未到场。"


def test_my_sheets_lists_the_experts_own_candidates_and_sheets(olivia, alice, bob):
    s = scoring_setup(olivia, [alice, bob], n=2)
    expert = s.experts[0]
    s.submit(expert, s.applications[0])

    work = my_sheets(expert, s.round_)

    assert [
        (w.name, w.comprehensive.state, w.onsite.state, w.waiting, w.comprehensive.member_id) for w in work
    ] == [
        ("王建国", "submitted", "submitted", False, s.member(expert).pk),
        ("李秀英", "draft", "draft", True, s.member(expert).pk),
    ]
    assert my_sheets(olivia, s.round_) == []


def test_my_rounds_puts_the_committees_scoring_now_first(olivia, alice, bob):
    s = scoring_setup(olivia, [alice, bob], n=1)
    expert = s.member(s.experts[0]).expert
    newer, _ = make_evaluation_round(olivia, [alice], n=1, title="2028年度环翠区首席技师选拔", year=2028)
    make_committee(newer, officer=olivia, chair=s.member(s.chair).expert, experts=[expert])

    assert [(w.committee.round.title, w.waiting) for w in my_rounds(s.experts[0])] == [
        (s.round_.title, 1),
        ("2028年度环翠区首席技师选拔", 0),
    ]
