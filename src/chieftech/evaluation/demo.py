"""The evaluation-stage demo, built through the domain functions like any real data.

The expert pool (`chair`, `expert1`…`expert6`) and two copies of one round, both in the evaluation stage:

- `2026年度（演示·评审阶段）`: scoring open, some sheets submitted, some half-filled drafts, so every expert
  (and the chair) has work waiting;
- `2026年度（演示·评审结果待确认）`: every sheet submitted (one expert absent from one on-site assessment),
  scoring closed by the chair, the results and the proposed list awaiting the chair's confirmation.

Each copy has 12 qualified candidates and a committee of 7 with one recusal by employer (expert4 works at the
enterprise of one candidate) and one declared (expert2 taught one candidate). The round's dates lie around the
day the demo is loaded: applications closed weeks ago, the evaluation period runs. Scores are arithmetic on the
candidate's and the expert's place in the lists below, no randomness, and two candidates are scored alike so
the age tie-break (第7条(五)) decides the last place on the proposed list.

Idempotent: experts are looked up by their login, rounds by title; a second run changes nothing and writes no
audit record.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.utils import timezone

from chieftech.accounts.demo import STAFF
from chieftech.accounts.models import User
from chieftech.core.errors import DomainError
from chieftech.evaluation.domain.committee import committee_form, expert_create
from chieftech.evaluation.domain.scoring import (
    recusal_declare,
    scoring_close,
    scoring_open,
    sheet_mark_absent,
    sheet_save,
    sheet_submit,
)
from chieftech.evaluation.models import Criterion, Expert, Recusal, ScoreSheet
from chieftech.policy.calendar import DEADLINE_TZ
from chieftech.policy.domain import policy_in_force
from chieftech.policy.models import Authority, SkillLevel
from chieftech.selection.demo import demo_certificate_png, demo_id_number, demo_verdicts
from chieftech.selection.domain.applications import application_create, application_submit
from chieftech.selection.domain.evidence import evidence_add
from chieftech.selection.domain.review import review_decide
from chieftech.selection.domain.rounds import round_create, round_publish_call, round_transition
from chieftech.selection.models import Application, Round, RoundState

SCORING_STAGE_TITLE = "2026年度（演示·评审阶段）"
RESULTS_STAGE_TITLE = "2026年度（演示·评审结果待确认）"
CONTACT = "区人力资源和社会保障局职业能力建设科，电话0631-5201234"


@dataclass(frozen=True)
class DemoExpert:
    username: str
    field: str
    employer: str  # another body's name, or the demo enterprise account whose enterprise employs the expert
    title: str
    leniency: int  # points this expert tends to give above (or below) the others, comprehensive evaluation
    onsite_leniency: int


# The chair first, then the members; an expert's place in this list is its index in the score arithmetic.
EXPERTS = [
    DemoExpert("chair", "机械制造与数控加工", "威海职业学院", "教授、正高级工程师", 2, 0),
    DemoExpert("expert1", "医疗器械装配与检验", "威海市医疗器械质量检测中心", "高级工程师", -1, 2),
    DemoExpert("expert2", "电工电子、电子设备装接", "威海市高级技工学校", "高级讲师、高级技师", 3, -1),
    DemoExpert("expert3", "纺织服装与食品加工", "威海市职业技能鉴定中心", "高级工程师", 0, 1),
    DemoExpert("expert4", "船舶电气与海洋工程装备", "ent4", "高级技师", -3, -2),
    DemoExpert("expert5", "焊接与材料成型", "威海市特种设备检验研究院", "正高级工程师", 1, 3),
    DemoExpert("expert6", "建筑施工与设备安装", "威海市建筑业协会", "高级工程师", -2, -3),
]


@dataclass(frozen=True)
class DemoCandidate:
    name: str
    birth: date
    serial: int  # of the ID number; 400+ so no demo person of the application stage shares one
    occupation: str
    post: str
    level: int
    username: str  # the enterprise account that recommends the candidate
    quality: int  # the comprehensive total an average expert gives
    onsite_quality: int
    # Recommended as a competition winner: (competition, level, rank, year).
    competition: tuple[str, str, str, int] | None = None


CANDIDATES = [
    DemoCandidate("孙建华", date(1973, 3, 15), 411, "数控车工", "数控车间精密车削", SkillLevel.SENIOR_TECHNICIAN, "ent1", 84, 86),
    DemoCandidate("马俊峰", date(1984, 7, 9), 423, "装配钳工", "总装车间精密装配", SkillLevel.TECHNICIAN, "ent1", 72, 76),
    DemoCandidate("高翠萍", date(1979, 11, 2), 432, "医疗器械装配工", "无菌装配车间", SkillLevel.SENIOR_TECHNICIAN, "ent2", 80, 82),
    DemoCandidate(
        "罗文涛", date(1988, 5, 21), 445, "医用电子仪器组装调试工", "调试车间", SkillLevel.TECHNICIAN, "ent2", 76, 84,
        ("威海市职业技能大赛（医用电子仪器组装调试项目）", "city_1", "一等奖", 2025),
    ),
    DemoCandidate("郭振宇", date(1976, 1, 30), 457, "电子设备装接工", "SMT贴装车间", SkillLevel.SENIOR_TECHNICIAN, "ent3", 78, 79),
    DemoCandidate("林晓静", date(1986, 9, 12), 468, "集成电路测试员", "芯片测试车间", SkillLevel.TECHNICIAN, "ent3", 78, 79),
    DemoCandidate("何志明", date(1974, 6, 18), 471, "船舶电气装配工", "船舶电气车间", SkillLevel.SENIOR_TECHNICIAN, "ent4", 70, 74),
    DemoCandidate("宋丽君", date(1983, 2, 25), 484, "服装制版师", "技术部制版室", SkillLevel.SENIOR_TECHNICIAN, "ent5", 74, 80),
    DemoCandidate("谢国栋", date(1977, 8, 8), 493, "复合材料成型工", "成型车间", SkillLevel.SENIOR_TECHNICIAN, "ent6", 82, 88),
    DemoCandidate(
        "韩梦瑶", date(1990, 4, 16), 406, "化学检验员", "质检中心", SkillLevel.TECHNICIAN, "ent6", 68, 72,
        ("山东省职业技能大赛（化学检验员项目）", "provincial", "二等奖", 2024),
    ),
    DemoCandidate("唐永胜", date(1973, 12, 3), 419, "西式面点师", "烘焙车间", SkillLevel.TECHNICIAN, "ent7", 71, 75),
    DemoCandidate("曹雪梅", date(1985, 10, 27), 428, "电梯安装维修工", "安装维保班", SkillLevel.TECHNICIAN, "ent8", 73, 77),
]  # fmt: skip

# 林晓静 is scored exactly like 郭振宇 (same sheets from every expert): equal composite, and 第7条(五) puts the
# younger one (45 周岁 and under) ahead although she applied later.
SCORED_LIKE = {5: 4}
# expert6 rates 罗文涛 far above the others: the spread is flagged for the committee to discuss.
DISAGREEMENT = {(3, 6): 13}
# expert2 taught 韩梦瑶 at the technical school and declares it once scoring opens.
DECLARED = (
    2,
    9,
    "该候选人曾在本人任教的威海市高级技工学校就读，系本人指导的学生，为保证评审公正，申明回避。",
)
# In the closed copy, expert5 was not present at 唐永胜's on-site assessment.
ABSENT = (5, 10)
# While scoring is open: how many of their candidates each expert has finished; the next one is half filled.
FINISHED = [7, 10, 4, 8, 2, 6, 0]

DEEDS = (
    "{name}同志从事{occupation}工作{years}年，现任{post}技术骨干，始终坚持在生产一线解决实际问题。"
    "面对企业产品升级带来的工艺难题，该同志主动牵头组建攻关小组，反复试验、逐项比对，"
    "总结形成一套行之有效的操作方法，关键工序一次合格率由百分之九十一提升到百分之九十八以上，"
    "相关做法已编入企业作业指导书并在同类岗位推广。\n\n"
    "在技术创新方面，该同志围绕设备改造、工装夹具和检测手段开展革新，近三年完成技术革新项目五项，"
    "其中两项获企业技术创新一等奖，累计为企业节约成本一百六十余万元；参与编制的岗位操作规范被行业协会采纳，"
    "为同行业企业提供了参考。该同志多次被派往客户现场处理疑难故障，凭借扎实的功底赢得了客户信任。\n\n"
    "在传技带徒方面，该同志坚持“手把手教、面对面带”，与多名青年职工签订师带徒协议，"
    "系统传授操作要领和质量控制方法，所带徒弟中已有多人取得高级工、技师职业技能等级，"
    "成为班组长和技术骨干，并在市、区职业技能竞赛中取得优异成绩。"
    "该同志还利用业余时间整理编写培训讲义，在公司技能大讲堂授课二十余次。\n\n"
    "该同志爱岗敬业、遵纪守法，多年来保持零质量事故、零安全事故，先后获得公司“优秀员工”“技术能手”等称号，"
    "为企业发展和环翠区高技能人才队伍建设作出了积极贡献。"
)

HALF = Decimal("0.5")
ZERO = Decimal("0")


# --- The score arithmetic --------------------------------------------------------------------------


def _half_points(value: Decimal) -> Decimal:
    return (value / HALF).quantize(Decimal("1"), rounding=ROUND_HALF_UP) * HALF


def _jitter(key: int, e: int, modulus: int) -> int:
    """A small deterministic variation per candidate and expert, centred on zero."""
    return ((key + 1) * (e + 2) * (key + e + 3)) % modulus - modulus // 2


def comprehensive_points(c: int, e: int, criteria: list[tuple[int, Decimal]]) -> dict[int, Decimal]:
    """Expert `e`'s points for candidate `c`: the expert's total spread over the criteria (id, maximum) in
    proportion to their maxima, each nudged by up to a point (the nudges cancel out) and kept within 0…max."""
    key = SCORED_LIKE.get(c, c)
    total = Decimal(
        CANDIDATES[c].quality + EXPERTS[e].leniency + _jitter(key, e, 7) + DISAGREEMENT.get((c, e), 0)
    )
    nudges = [HALF, -HALF, Decimal(1), Decimal(-1), ZERO]
    points = {}
    for i, (criterion_id, maximum) in enumerate(criteria):
        value = _half_points(maximum * total / 100) + nudges[(key + e + i) % len(nudges)]
        points[criterion_id] = min(max(value, ZERO), maximum)
    return points


def onsite_points(c: int, e: int, maximum: Decimal) -> Decimal:
    key = SCORED_LIKE.get(c, c)
    value = Decimal(CANDIDATES[c].onsite_quality + EXPERTS[e].onsite_leniency + _jitter(key, e + 1, 9))
    if (key + e) % 2:
        value += HALF
    return min(max(_half_points(value * maximum / 100), ZERO), maximum)


# --- Helpers --------------------------------------------------------------------------------------


def _at(day: date, hour: int, minutes: int = 0) -> datetime:
    """`minutes` after the hour on `day`, Asia/Shanghai."""
    return datetime.combine(day, time(hour), tzinfo=DEADLINE_TZ) + timedelta(minutes=minutes)


@dataclass(frozen=True)
class Timeline:
    today: date
    opens: date
    deadline: date
    review_ends: date
    evaluation_ends: date


def _timeline(today: date, policy) -> Timeline | None:
    """Applications closed six weeks ago, the review two weeks ago; the evaluation runs three more weeks
    (or to the policy's end). None when the window would start before the policy in force today."""
    timeline = Timeline(
        today=today,
        opens=today - timedelta(days=70),
        deadline=today - timedelta(days=42),
        review_ends=today - timedelta(days=14),
        evaluation_ends=min(today + timedelta(days=21), policy.valid_until),
    )
    if timeline.opens < policy.valid_from:
        return None
    return timeline


# --- Loading --------------------------------------------------------------------------------------


def load_demo(*, password: str, today: date | None = None) -> None:
    """The expert pool, then each copy of the round that does not exist yet (`today` for tests)."""
    experts = demo_expert_pool()
    existing = set(
        Round.objects.filter(title__in=[SCORING_STAGE_TITLE, RESULTS_STAGE_TITLE]).values_list(
            "title", flat=True
        )
    )
    if len(existing) == 2:
        return
    today = today or timezone.localdate()
    try:
        policy = policy_in_force(authority=Authority.objects.get(code="huancui"), on=today)
    except DomainError:
        return  # no policy in force today: there is no round to demonstrate
    timeline = _timeline(today, policy)
    if timeline is None:
        return
    # The closed copy first: the round with work waiting is then the newest, at the top of each expert's list.
    for title, closed in ((RESULTS_STAGE_TITLE, True), (SCORING_STAGE_TITLE, False)):
        if title not in existing:
            with transaction.atomic():
                _round(title=title, experts=experts, timeline=timeline, closed=closed)


def demo_expert_pool() -> list[Expert]:
    """One pool entry per demo expert login, in the order of EXPERTS; created when missing."""
    users = {u.username: u for u in User.objects.filter(username__in=[d.username for d in EXPERTS])}
    found = {
        e.user.username: e for e in Expert.objects.filter(user__in=users.values()).select_related("user")
    }
    phones = {s.username: s.phone for s in STAFF}
    officer = User.objects.get(username="officer")
    pool = []
    for data in EXPERTS:
        expert = found.get(data.username)
        if expert is None:
            user = users[data.username]
            employer = User.objects.select_related("enterprise").filter(username=data.employer).first()
            expert = expert_create(
                actor=officer,
                authority=Authority.objects.get(code="huancui"),
                name=user.real_name,
                field=data.field,
                employer_enterprise=employer.enterprise if employer else None,
                employer_name="" if employer else data.employer,
                title=data.title,
                phone=phones.get(data.username, ""),
                user=user,
            )
        pool.append(expert)
    return pool


def _round(*, title: str, experts: list[Expert], timeline: Timeline, closed: bool) -> None:
    officer = User.objects.get(username="officer")
    round_ = round_create(
        actor=officer,
        authority=Authority.objects.get(code="huancui"),
        title=title,
        year=2026,
        application_opens_on=timeline.opens,
        application_deadline=timeline.deadline,
        review_ends_on=timeline.review_ends,
        evaluation_ends_on=timeline.evaluation_ends,
        contact=CONTACT,
        is_demo=True,
    )
    round_publish_call(actor=officer, round_=round_, now=_at(timeline.opens, 9))
    enterprises = {u.username: u for u in User.objects.filter(username__in={c.username for c in CANDIDATES})}
    drafts = [
        _application(round_=round_, user=enterprises[c.username], index=i, timeline=timeline)
        for i, c in enumerate(CANDIDATES)
    ]
    round_transition(
        actor=officer,
        round_=round_,
        to_state=RoundState.REVIEW,
        now=_at(timeline.deadline + timedelta(days=1), 9),
    )
    applications = []
    for i, application in enumerate(drafts):
        decided = _at(timeline.deadline + timedelta(days=3 + i // 4), 10, 15 * (i % 4))
        review_decide(
            actor=officer,
            application=application,
            outcome="qualified",
            officer_verdicts=demo_verdicts(application),
            now=decided,
        )
        applications.append(application)
    round_transition(
        actor=officer,
        round_=round_,
        to_state=RoundState.EVALUATION,
        now=_at(timeline.review_ends - timedelta(days=1), 16),
    )

    chair = experts[0]
    committee_form(actor=officer, round_=round_, name=f"{title}评审委员会", chair=chair, experts=experts)
    opened_on = timeline.today - timedelta(days=10 if closed else 3)
    scoring_open(actor=chair.user, round_=round_, now=_at(opened_on, 9))
    e, c, reason = DECLARED
    recusal_declare(actor=experts[e].user, round_=round_, application=applications[c], reason=reason)
    _score(round_=round_, experts=experts, applications=applications, opened_on=opened_on, closed=closed)
    if closed:
        scoring_close(actor=chair.user, round_=round_)


def _application(*, round_: Round, user: User, index: int, timeline: Timeline) -> Application:
    c = CANDIDATES[index]
    competition = c.competition
    years = 2026 - c.birth.year - 20
    application = application_create(
        actor=user,
        round_=round_,
        data={
            "route": "competition" if competition else "enterprise",
            "name": c.name,
            "id_number": demo_id_number(c.birth, c.serial),
            "phone": f"1396311{index:04d}",
            "education": ("high_school", "college", "bachelor")[index % 3],
            "occupation": c.occupation,
            "post": c.post,
            "is_frontline": True,
            "years_in_trade": years,
            "competition_name": competition[0] if competition else "",
            "competition_level": competition[1] if competition else "",
            "competition_rank": competition[2] if competition else "",
            "competition_year": competition[3] if competition else None,
            "apprentices_trained": 3 + index % 5,
            "apprentices_summary": "所带徒弟多人取得高级工、技师职业技能等级，成为班组长和技术骨干。",
            "deeds": DEEDS.format(name=c.name, occupation=c.occupation, post=c.post, years=years),
            "enterprise_notice_starts_on": timeline.opens + timedelta(days=1),
            "enterprise_notice_ends_on": timeline.opens + timedelta(days=6),
            "enterprise_notice_outcome": "公示期满无异议",
            "enterprise_opinion": "该同志技术精湛、业绩突出，经单位公示无异议，同意推荐。",
        },
        certificates=[
            {
                "level": c.level,
                "occupation": c.occupation,
                "number": f"S0000371000{c.serial:08d}",
                "issuer": "山东省人力资源和社会保障厅",
                "issued_on": date(2014 + index % 8, 6, 30),
            }
        ],
        achievements=[
            {
                "kind": "innovation",
                "title": f"{c.occupation}关键工序工艺改进",
                "number": "",
                "achieved_on": date(2024, 5 + index % 6, 1),
                "description": "关键工序一次合格率提高7个百分点，年节约成本约160万元。",
            }
        ],
        now=_at(timeline.opens + timedelta(days=2), 9, 5 * index),
    )
    evidence_add(
        actor=user,
        application=application,
        kind="certificate",
        name=f"{c.name}-职业资格证书.png",
        content=demo_certificate_png(f"Certificate S0000371000{c.serial:08d}"),
    )
    # In list order, so the first of the equally scored pair applied first.
    submitted = _at(timeline.opens + timedelta(days=10 + index // 3), 9, 40 * (index % 3))
    return application_submit(actor=user, application=application, now=submitted)


def _score(
    *, round_: Round, experts: list[Expert], applications: list[Application], opened_on: date, closed: bool
) -> None:
    """Each member fills their sheets, starting at a different candidate so the work is spread."""
    scheme = round_.scoring_scheme
    criteria = list(
        Criterion.objects.filter(scheme=scheme).order_by("order", "pk").values_list("pk", "max_points")
    )
    index = {a.pk: i for i, a in enumerate(applications)}
    recused = set(
        Recusal.objects.filter(member__committee__round=round_).values_list(
            "member__expert_id", "application_id"
        )
    )
    sheets = {
        (s.member.expert_id, s.application_id, s.part): s
        for s in ScoreSheet.objects.filter(member__committee__round=round_).select_related("member")
    }
    for e, expert in enumerate(experts):
        mine = [a for a in applications if (expert.pk, a.pk) not in recused]
        start = (2 * e) % len(mine)
        mine = mine[start:] + mine[:start]
        finished = len(mine) if closed else FINISHED[e]
        for j, application in enumerate(mine):
            c = index[application.pk]
            comprehensive = sheets[(expert.pk, application.pk, ScoreSheet.Part.COMPREHENSIVE)]
            onsite = sheets[(expert.pk, application.pk, ScoreSheet.Part.ONSITE)]
            points = comprehensive_points(c, e, criteria)
            at = _at(opened_on + timedelta(days=j // 4), 10 + (j % 4) * 2, 7 * e)
            if j < finished:
                sheet_save(actor=expert.user, sheet=comprehensive, points=points)
                sheet_submit(actor=expert.user, sheet=comprehensive, now=at)
                if closed and (e, c) == ABSENT:
                    sheet_mark_absent(actor=expert.user, sheet=onsite)
                else:
                    sheet_save(
                        actor=expert.user, sheet=onsite, points={None: onsite_points(c, e, scheme.onsite_max)}
                    )
                    sheet_submit(actor=expert.user, sheet=onsite, now=at + timedelta(minutes=30))
            elif j == finished:
                # Half filled: the first criteria of the comprehensive evaluation, nothing on-site yet.
                partial = dict(list(points.items())[:3])
                sheet_save(actor=expert.user, sheet=comprehensive, points=partial)
