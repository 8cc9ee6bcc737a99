"""What the 首席技师申报表 says, independent of the file format it is printed in.

`application_form_content` fills it from an application; `blank_form_content` gives the empty form of a
round's call. The PDF and Word renderers lay out exactly this content, so the two never drift apart.
"""

from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone

from chieftech.core.dates import date_zh
from chieftech.policy.models import SkillLevel
from chieftech.selection.domain.applications import deeds_char_count, deeds_limits
from chieftech.selection.models import Application, ReviewDecision, Round, Route


def form_title(round_: Round) -> str:
    """The form's title: the round's authority's title, e.g. “××区首席技师申报表”."""
    return f"{round_.authority.title_name}申报表"


REVIEW_AUTHORITY = "区人力资源和社会保障局"
# Decisions that close the review; a return for correction leaves the bureau's box open.
FINAL_OUTCOMES = (
    ReviewDecision.Outcome.QUALIFIED,
    ReviewDecision.Outcome.NOT_QUALIFIED,
    ReviewDecision.Outcome.FRAUD,
)
# Empty rows the blank form offers for each list.
BLANK_ROWS = {"certificates": 3, "competitions": 2, "achievements": 4}
# Full-width spaces: they keep their width in print, where ordinary spaces collapse.
DATE_LINE = "\u3000\u3000\u3000年\u3000\u3000月\u3000\u3000日"
SHORT_DATE_LINE = "\u3000\u3000年\u3000月\u3000日"


def cn_month(value: date | None) -> str:
    return f"{value.year}年{value.month}月" if value else ""


def route_marks(route: str | None) -> str:
    """The 推荐方式 as check boxes, the chosen one filled: ■企业推荐 □职业技能竞赛成绩优异者推荐."""
    return "\n".join(f"{'■' if value == route else '□'}{label}" for value, label in Route.choices)


@dataclass(frozen=True)
class ReviewBox:
    outcome: str
    reason: str
    officer: str
    decided_on: str


@dataclass(frozen=True)
class FormContent:
    round_title: str
    number: str
    filled_on: str
    # The personal data table, by label; "" leaves a cell empty.
    person: dict[str, str]
    certificates: list[tuple[str, ...]]
    competitions: list[tuple[str, ...]]
    achievements: list[tuple[str, ...]]
    apprentices_trained: str
    apprentices_summary: str
    deeds: str
    deeds_heading: str
    notice_period: str
    notice_outcome: str
    enterprise_opinion: str
    review: ReviewBox | None
    blank: bool = False
    notes: list[str] = field(default_factory=list)
    title: str = "首席技师申报表"
    # The bureau that receives the form (the document's author).
    bureau: str = ""


PERSON_LABELS = [
    "姓名",
    "性别",
    "出生年月",
    "文化程度",
    "身份证号码",
    "联系电话",
    "工作单位",
    "所在镇街",
    "所属行业",
    "职业（工种）",
    "一线岗位",
    "从事本工种年限",
    "最高技能等级",
    "推荐方式",
]

CERTIFICATE_HEADER = ("等级", "职业（工种）", "证书编号", "发证机构", "发证日期")
COMPETITION_HEADER = ("竞赛名称", "级别", "名次/奖项", "年份")
ACHIEVEMENT_HEADER = ("类别", "名称", "编号/文号", "取得日期", "说明（效益等）")


def _latest_final_decision(application: Application) -> ReviewBox | None:
    decision = application.decisions.select_related("decided_by").order_by("-decided_at", "-pk").first()
    if decision is None or decision.outcome not in FINAL_OUTCOMES:
        return None
    officer = decision.decided_by
    return ReviewBox(
        outcome=decision.get_outcome_display(),
        reason=decision.reason,
        officer=officer.real_name or officer.get_username(),
        decided_on=date_zh(timezone.localdate(decision.decided_at)),
    )


def _competitions(application: Application) -> list[tuple[str, ...]]:
    rows = [(c.name, c.get_level_display(), c.rank, str(c.year)) for c in application.competitions.all()]
    # The competition a competition-route application rests on comes first, unless also listed below.
    if application.route == Route.COMPETITION and application.competition_name:
        own = (
            application.competition_name,
            application.get_competition_level_display(),
            application.competition_rank,
            str(application.competition_year or ""),
        )
        if own not in rows:
            rows.insert(0, own)
    return rows


def application_form_content(application: Application, *, reveal: bool = False) -> FormContent:
    """The form filled from `application`. ID number and phone are masked unless `reveal` is set: the
    caller decides who may see them in full, and audits the reveal."""
    enterprise = application.enterprise
    round_ = application.round
    person = {
        "姓名": application.name,
        "性别": application.gender,
        "出生年月": cn_month(application.birth_date),
        "文化程度": application.get_education_display() if application.education else "",
        "身份证号码": application.id_number if reveal else application.id_number_masked,
        "联系电话": application.phone if reveal else application.phone_masked,
        "工作单位": enterprise.name,
        "所在镇街": enterprise.get_town_display(),
        "所属行业": enterprise.get_industry_display(),
        "职业（工种）": application.occupation,
        "一线岗位": application.post,
        "从事本工种年限": f"{application.years_in_trade}年",
        "最高技能等级": SkillLevel(application.skill_level).label if application.skill_level else "",
        "推荐方式": route_marks(application.route),
    }
    starts, ends = application.enterprise_notice_starts_on, application.enterprise_notice_ends_on
    submitted = timezone.localdate(application.submitted_at) if application.submitted_at else None
    return FormContent(
        title=form_title(round_),
        bureau=round_.authority.bureau_name,
        round_title=round_.title,
        number=f"{round_.year}-{application.pk:05d}",
        filled_on=date_zh(submitted) if submitted else DATE_LINE,
        person=person,
        certificates=[
            (c.get_level_display(), c.occupation, c.number, c.issuer, date_zh(c.issued_on))
            for c in application.certificates.all()
        ],
        competitions=_competitions(application),
        achievements=[
            (a.get_kind_display(), a.title, a.number, date_zh(a.achieved_on), a.description)
            for a in application.achievements.all()
        ],
        apprentices_trained=f"{application.apprentices_trained}人",
        apprentices_summary=application.apprentices_summary,
        deeds=application.deeds,
        deeds_heading=f"主要事迹（共{deeds_char_count(application.deeds)}字）",
        notice_period=f"{date_zh(starts)}至{date_zh(ends)}" if starts and ends else "",
        notice_outcome=application.enterprise_notice_outcome,
        enterprise_opinion=application.enterprise_opinion,
        review=_latest_final_decision(application),
    )


def blank_form_content(round_: Round) -> FormContent:
    """The empty form offered with the round's call."""
    policy = round_.policy
    limits = deeds_limits(policy)
    return FormContent(
        title=form_title(round_),
        bureau=round_.authority.bureau_name,
        round_title=round_.title,
        number="",
        filled_on=DATE_LINE,
        person={label: "" for label in PERSON_LABELS} | {"推荐方式": route_marks(None)},
        certificates=[("",) * len(CERTIFICATE_HEADER)] * BLANK_ROWS["certificates"],
        competitions=[("",) * len(COMPETITION_HEADER)] * BLANK_ROWS["competitions"],
        achievements=[("",) * len(ACHIEVEMENT_HEADER)] * BLANK_ROWS["achievements"],
        apprentices_trained="",
        apprentices_summary="",
        deeds="",
        deeds_heading=f"主要事迹（{policy.deeds_target_chars}字左右，不超过{limits.hard_max}字，可另附页）",
        notice_period=f"{SHORT_DATE_LINE}至{SHORT_DATE_LINE}",
        notice_outcome="",
        enterprise_opinion="",
        review=None,
        blank=True,
        notes=[
            f"申报人须具有{SkillLevel(policy.min_skill_level).label}以上职业资格，"
            f"在一线岗位直接从事技术技能工作；年龄一般不超过{policy.max_age}周岁"
            f"（以{date_zh(round_.age_reference_date)}计算）。",
            "“推荐方式”请在对应方框内打“√”；竞赛推荐须填写竞赛名称、级别、名次和年份。",
            "职业资格/技能等级证书、技术成果、获奖情况须附证明材料复印件，推荐单位须经内部公示后上报。",
            "本表须经推荐单位负责人签字并加盖单位公章，一式两份。",
        ],
    )
