"""The annual re-review (复核认定, 第8条, 第11条, 第12条) as the people concerned did it.

- the district's 2024 cohort, year 1: the officer opened the re-review on 1 December 2025 (the deadline 15
  working days later); each holder, or the enterprise for those without their own login, filled the 复核申请表
  and the declarations, added achievements with evidence and submitted before the deadline; the officer decided
  on 22 and 23 December: 曲志刚, 于海燕 and 林晓红 passed; 宋建军 passed too, his benefits staying stopped by
  第十六条（一）; 鞠文涛 did not pass, only one apprentice having reached 高级工 in the year (第八条（五）): his
  term is not renewed and nothing of 2026 is paid to him (第十二条);
- the city's 2025 cohort, year 1 (ending 14 December 2026): the city's officer opened it on 23 November 2026;
  王立伟's enterprise has submitted, 刘春梅's saved a draft, 姜海龙's has not started.

The district's steps are events in tenure.demo's timeline (`review_events`), the city's in
chieftech.publicity.demo_city's (`city_review_events`), each at the moment it happened.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from chieftech.accounts.models import User
from chieftech.certificates.domain import round_tenures_in_rank_order
from chieftech.duties.demo import demo_pdf
from chieftech.duties.domain.files import Upload
from chieftech.policy.calendar import DEADLINE_TZ
from chieftech.review.domain.campaigns import review_campaign_close, review_campaign_open
from chieftech.review.domain.decision import review_decide
from chieftech.review.domain.material import review_achievement_add, review_form_save, review_submit
from chieftech.review.models import AchievementKind, ReviewCampaign
from chieftech.selection.models import Round
from chieftech.tenure.models import AnnualReview, Tenure

Event = tuple[datetime, Callable[[], None]]


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=DEADLINE_TZ)


@dataclass(frozen=True)
class Material:
    """One holder's 复核申请表 (第11条(一)) and achievements (第11条(二)): who filled it, when, and when it was sent."""

    rank: int
    by: str  # username
    opinion_by: str  # the enterprise's user, who writes the 用人单位意见 (the holder cannot)
    saved_at: datetime
    submitted_at: datetime | None
    form: dict
    # (kind, title, achieved on, issuer, description)
    achievements: tuple[tuple[str, str, date, str, str], ...] = field(default=())


DECLARED = {"declared_no_accident": True, "declared_no_violation": True, "declaration_note": ""}


def _form(*, post: str, performance: str, achievements: str, mentoring: str, opinion: str) -> dict:
    return {
        "post": post,
        "performance": performance,
        "achievements": achievements,
        "mentoring_summary": mentoring,
        "enterprise_opinion": opinion,
        **DECLARED,
    }


CAMPAIGN_OPENED = _at(date(2025, 12, 1), 9)
CAMPAIGN_CLOSED = _at(date(2025, 12, 24), 9)
MATERIAL = [
    Material(
        0, "tech1", "ent1", _at(date(2025, 12, 8), 20), _at(date(2025, 12, 10), 9, 30),
        _form(
            post="精密加工车间数控铣工",
            performance="全年在精密加工车间一线岗位工作，牵头攻克薄壁件加工变形难题，组织带徒实操训练12次。",
            achievements="“薄壁航空零件分层对称铣削法”获评2025年度威海市职工先进操作法。",
            mentoring="与3名徒弟签订带徒协议，其中张浩然、李明辉取得数控铣工高级工证书，王佳琪取得数控车工中级工证书。",
            opinion="该同志履职尽责，技术引领作用突出，同意报送复核。",
        ),
        ((AchievementKind.STANDARD, "薄壁航空零件分层对称铣削法", date(2025, 9, 28), "威海市总工会",
          "获评2025年度威海市职工先进操作法。"),),
    ),
    Material(
        1, "tech2", "ent6", _at(date(2025, 12, 9), 19), _at(date(2025, 12, 11), 10),
        _form(
            post="医用复合材料部件装配岗位",
            performance="4月调入威海鑫材新材料科技有限公司后仍在一线装配岗位，继续指导原单位徒弟，改进导管组装工装。",
            achievements="“一种医用导管快速组装工装”获实用新型专利授权。",
            mentoring="与2名原单位徒弟签订带徒协议，赵雪、孙晓东均取得医疗器械装配工高级工证书；调入新单位后指导孙浩。",
            opinion="该同志调入我公司后工作积极，技术过硬，同意报送复核。",
        ),
        ((AchievementKind.PATENT, "一种医用导管快速组装工装", date(2025, 8, 19), "国家知识产权局",
          "实用新型专利，第一发明人。"),),
    ),
    Material(
        2, "ent3", "ent3", _at(date(2025, 12, 10), 15), _at(date(2025, 12, 12), 11),
        _form(
            post="生产管理部副经理（2025年6月16日起）",
            performance="6月15日前在SMT贴装车间一线岗位；此后任生产管理部副经理，仍指导车间解决电子装联技术问题。",
            achievements="主持的“高密度电路板选择性波峰焊工艺优化”获公司2025年度技术创新一等奖。",
            mentoring="与2名徒弟签订带徒协议，刘洋、陈静怡均取得电子设备装接工高级工证书。",
            opinion="该同志已转任管理岗位，如实报送复核材料。",
        ),
        ((AchievementKind.RESULT, "高密度电路板选择性波峰焊工艺优化", date(2025, 11, 20), "威海嵩海电子科技有限公司",
          "公司2025年度技术创新一等奖。"),),
    ),
    Material(
        3, "tech3", "ent4", _at(date(2025, 12, 9), 21), _at(date(2025, 12, 15), 9),
        _form(
            post="精深加工车间水产品加工工",
            performance="全年在精深加工车间一线岗位，牵头改进海参自动化清洗工艺，参与区职业技能竞赛技能展示。",
            achievements="获2025年度威海市“技术能手”称号；海参清洗工艺改进年节约用水约8000吨。",
            mentoring="与3名徒弟签订带徒协议，邹丽娜、曲晓峰取得水产品加工工高级工证书，毕文静取得中级工证书。",
            opinion="该同志爱岗敬业，技术精湛，同意报送复核。",
        ),
        (
            (AchievementKind.AWARD, "威海市技术能手", date(2025, 10, 30), "威海市人力资源和社会保障局",
             "2025年度威海市技术能手。"),
            (AchievementKind.RESULT, "海参自动化清洗工艺改进", date(2025, 7, 15), "威海蓝湾海洋科技有限公司",
             "年节约用水约8000吨。"),
        ),
    ),
    Material(
        4, "ent6", "ent6", _at(date(2025, 12, 11), 16), _at(date(2025, 12, 16), 10),
        _form(
            post="成型车间复合材料成型工",
            performance="全年在成型车间一线岗位，牵头碳纤维复合材料快速成型工艺研究，获区科技计划项目立项。",
            achievements="区科技计划项目“碳纤维复合材料快速成型工艺”立项。",
            mentoring="与3名徒弟签订带徒协议，谷志强取得复合材料成型工高级工证书，孙浩取得中级工证书；隋丽2024年已取得高级工证书，正向技师方向培养。",
            opinion="该同志技术过硬，同意报送复核。",
        ),
        ((AchievementKind.RESULT, "碳纤维复合材料快速成型工艺（区科技计划项目）", date(2025, 7, 1), "环翠区科学技术局",
          "区科技计划项目立项，项目负责人。"),),
    ),
]  # fmt: skip


@dataclass(frozen=True)
class Decision:
    rank: int
    at: datetime
    outcome: str
    reason: str
    # 第八条 conditions the officer decides: (二)(三)(四) always, (一)(五) where the automatic check leaves it.
    verdicts: dict[int, dict]


CHECKED = {
    2: {
        "verdict": "pass",
        "note": "本人声明无直接责任的生产安全、技术责任事故，经向企业安全生产管理部门核实属实。",
    },
    3: {"verdict": "pass", "note": "本人声明无违法违纪行为，经核查未发现违法违纪情况。"},
    4: {
        "verdict": "pass",
        "note": "履职记录显示本年度开展带徒、技术攻关、技能展示和宣传活动，保持技术领先并发挥了首席技师作用。",
    },
}
DECISIONS = [
    Decision(0, _at(date(2025, 12, 22), 10), "passed", "第八条（一）至（五）项条件均符合，复核通过。", CHECKED),
    Decision(1, _at(date(2025, 12, 22), 10, 30), "passed", "第八条（一）至（五）项条件均符合，复核通过。", CHECKED),
    Decision(
        2, _at(date(2025, 12, 22), 11), "passed",
        "复核通过，保留首席技师资格；自2025年6月16日起不在技能岗位，依第十六条（一）不享受待遇。",
        {1: {"verdict": "pass", "note": "2025年6月16日起任生产管理部副经理，不再从事技能岗位工作，"
             "已依第十六条（一）保留资格、不享受待遇；复核期内其余时间在一线岗位。"}, **CHECKED},
    ),
    Decision(3, _at(date(2025, 12, 23), 9, 30), "passed", "第八条（一）至（五）项条件均符合，复核通过。", CHECKED),
    Decision(
        4, _at(date(2025, 12, 23), 10), "failed",
        "第八条（五）：复核期内所带徒弟仅1人取得高级工以上职业技能等级证书，少于规定的2人，复核未通过。",
        CHECKED,
    ),
]  # fmt: skip


def review_events(*, round_: Round, cohort: list[Tenure], users: dict) -> list[Event]:
    """The district's year-1 re-review as (moment, step) events; `users` holds the holders by the time they run."""
    officer = users["officer"]
    events: list[Event] = [
        (CAMPAIGN_OPENED, lambda: review_campaign_open(actor=officer, round_=round_, review_year=1, now=CAMPAIGN_OPENED))
    ]  # fmt: skip
    for material in MATERIAL:
        events += _material_events(material, tenure_id=cohort[material.rank].pk, review_year=1, users=users)
    for decision in DECISIONS:

        def decide(decision=decision) -> None:
            review_decide(
                actor=officer,
                review=_review(cohort[decision.rank].pk, 1),
                outcome=decision.outcome,
                verdicts=decision.verdicts,
                reason=decision.reason,
                now=decision.at,
            )

        events.append((decision.at, decide))

    def close() -> None:
        campaign = ReviewCampaign.objects.get(round=round_, review_year=1)
        review_campaign_close(actor=officer, campaign=campaign, now=CAMPAIGN_CLOSED)

    # Every review decided: the officer closes the campaign the next morning.
    events.append((CAMPAIGN_CLOSED, close))
    return events


# --- The city's cohort --------------------------------------------------------------------------------

CITY_CAMPAIGN_OPENED = _at(date(2026, 11, 23), 9)
CITY_MATERIAL = [
    Material(
        0, "ent1", "ent1", _at(date(2026, 12, 1), 15), _at(date(2026, 12, 2), 10),
        _form(
            post="模具制造车间工具钳工",
            performance="全年在模具制造车间一线岗位，牵头精密级进模具修复攻关，组织带徒实操训练10次。",
            achievements="“精密级进模快速修复法”获评2026年度威海市职工先进操作法。",
            mentoring="与2名徒弟签订带徒协议，均已取得工具钳工高级工证书。",
            opinion="该同志履职尽责，同意报送复核。",
        ),
        ((AchievementKind.STANDARD, "精密级进模快速修复法", date(2026, 9, 25), "威海市总工会",
          "获评2026年度威海市职工先进操作法。"),),
    ),
    # A draft: saved, not yet submitted.
    Material(
        1, "ent2", "ent2", _at(date(2026, 12, 3), 16), None,
        _form(
            post="导管生产车间医用高分子制品生产工",
            performance="全年在导管生产车间一线岗位，参与新产品试产。",
            achievements="",
            mentoring="",
            opinion="",
        ),
    ),
]  # fmt: skip


def city_review_events(*, round_: Round, officer) -> list[Event]:
    """The city's year-1 re-review, open today: one submitted, one draft, one not started."""
    cohort = list(round_tenures_in_rank_order(round_))
    users: dict = {}
    events: list[Event] = [
        (
            CITY_CAMPAIGN_OPENED,
            lambda: review_campaign_open(
                actor=officer, round_=round_, review_year=1, now=CITY_CAMPAIGN_OPENED
            ),
        )
    ]
    for material in CITY_MATERIAL:
        events += _material_events(material, tenure_id=cohort[material.rank].pk, review_year=1, users=users)
    return events


# --- Steps --------------------------------------------------------------------------------------------


def _review(tenure_id: int, review_year: int) -> AnnualReview:
    return AnnualReview.objects.select_related("tenure__application", "campaign").get(
        tenure_id=tenure_id, review_year=review_year
    )


def _user(users: dict, username: str) -> User:
    if username not in users:
        users[username] = User.objects.get(username=username)
    return users[username]


def _material_events(material: Material, *, tenure_id: int, review_year: int, users: dict) -> list[Event]:
    def save() -> None:
        actor = _user(users, material.by)
        review = _review(tenure_id, review_year)
        form = material.form
        if material.opinion_by != material.by:
            form = {k: v for k, v in form.items() if k != "enterprise_opinion"}
        review_form_save(actor=actor, review=review, data=form, now=material.saved_at)
        for kind, title, achieved_on, issuer, description in material.achievements:
            review_achievement_add(
                actor=actor,
                review=review,
                kind=kind,
                title=title,
                achieved_on=achieved_on,
                issuer=issuer,
                description=description,
                upload=Upload(name=f"{title}.pdf", content=demo_pdf(title, issuer, description)),
                now=material.saved_at,
            )

    events: list[Event] = [(material.saved_at, save)]
    if material.opinion_by != material.by:
        # The enterprise writes its opinion the next morning, on the form the holder filled.
        opinion_at = material.saved_at.replace(hour=10, minute=0) + timedelta(days=1)
        events.append(
            (
                opinion_at,
                lambda: review_form_save(
                    actor=_user(users, material.opinion_by),
                    review=_review(tenure_id, review_year),
                    data={"enterprise_opinion": material.form["enterprise_opinion"]},
                    now=opinion_at,
                ),
            )
        )
    if material.submitted_at is not None:
        events.append(
            (
                material.submitted_at,
                lambda: review_submit(
                    actor=_user(users, material.by),
                    review=_review(tenure_id, review_year),
                    now=material.submitted_at,
                ),
            )
        )
    return events
