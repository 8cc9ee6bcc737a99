"""Automatic eligibility (第6条, 第7条): each condition a rule parameterised by the policy version.

A rule returns pass / fail / needs judgement with a Chinese reason citing its article. 第7条(一)–(四) are
matters of judgement the data cannot settle; they are listed for the officer with the evidence beside them.
"""

from dataclasses import dataclass
from datetime import date

from django.utils import timezone

from chieftech.accounts.models import IndustryFocus
from chieftech.core.dates import date_zh
from chieftech.policy.models import Authority, AuthorityLevel, PolicyVersion, SkillLevel
from chieftech.selection.models import CompetitionLevel, ConditionVerdict, Route

# How a sentence of the measures calls the authority's own area ("全区", "本区").
AREA_WORD = {AuthorityLevel.DISTRICT: "区", AuthorityLevel.CITY: "市", AuthorityLevel.PROVINCE: "省"}


@dataclass(frozen=True)
class Check:
    code: str
    title: str
    article: str
    verdict: str  # ConditionVerdict value
    reason: str

    @property
    def verdict_label(self) -> str:
        return ConditionVerdict(self.verdict).label


def age_in_full_years(*, birth_date: date, on: date) -> int:
    """周岁: completed years; the birthday itself completes the year (29 Feb counts on 1 Mar)."""
    years = on.year - birth_date.year
    if (on.month, on.day) < (birth_date.month, birth_date.day):
        years -= 1
    return years


def check_district(*, enterprise, authority: Authority) -> Check:
    """第六条: the enterprise lies in the territory of the round's authority."""
    title, article = f"用人单位在{authority.name}内", "第六条"
    area = AREA_WORD.get(authority.level, "区")
    if enterprise.in_territory(authority):
        return Check(
            "district",
            title,
            article,
            ConditionVerdict.PASS,
            f"第六条：推荐单位位于{enterprise.get_town_display()}，属于本{area}企业。",
        )
    return Check(
        "district",
        title,
        article,
        ConditionVerdict.FAIL,
        f"第六条：选拔范围为全{area}各类所有制经济企业，推荐单位不在本{area}。",
    )


def implausible_certificate_date(certificate, *, birth_date: date, today: date) -> str:
    """Why a certificate's issue date cannot be true ("" when it can): after today, or before birth."""
    issued = certificate.issued_on
    if issued > today:
        return f"证书{certificate.number}的发证日期{date_zh(issued)}晚于今天（{date_zh(today)}）"
    if issued < birth_date:
        return (
            f"证书{certificate.number}的发证日期{date_zh(issued)}早于申报人出生日期（{date_zh(birth_date)}）"
        )
    return ""


def check_skill_level(
    *,
    skill_level: int | None,
    policy: PolicyVersion,
    certificates: list | None = None,
    birth_date: date | None = None,
    today: date | None = None,
) -> Check:
    """The highest level among the certificates; one whose date cannot be true does not count, and when
    only such certificates reach the required level the check fails and says why."""
    title, article = "具有技师以上职业资格", "第六条"
    required = SkillLevel(policy.min_skill_level).label
    if certificates is not None and birth_date is not None and today is not None:
        implausible = []
        plausible_levels = []
        for certificate in certificates:
            why = implausible_certificate_date(certificate, birth_date=birth_date, today=today)
            if why:
                implausible.append((certificate.level, why))
            else:
                plausible_levels.append(certificate.level)
        best = max(plausible_levels, default=None)
        if implausible and (best is None or best < policy.min_skill_level):
            reasons = "；".join(why for _level, why in implausible)
            return Check(
                "skill_level",
                title,
                article,
                ConditionVerdict.FAIL,
                f"第六条：须具有{required}以上职业资格，{reasons}，证书信息不实，不能据此认定。",
            )
        skill_level = best
    if skill_level is None:
        return Check(
            "skill_level",
            title,
            article,
            ConditionVerdict.FAIL,
            f"第六条：须具有{required}以上职业资格，申报材料中没有职业资格/技能等级证书。",
        )
    held = SkillLevel(skill_level).label
    if skill_level >= policy.min_skill_level:
        return Check(
            "skill_level",
            title,
            article,
            ConditionVerdict.PASS,
            f"第六条：须具有{required}以上职业资格，申报人具有{held}。",
        )
    return Check(
        "skill_level",
        title,
        article,
        ConditionVerdict.FAIL,
        f"第六条：须具有{required}以上职业资格，申报人最高为{held}。",
    )


def check_frontline(*, is_frontline: bool, post: str) -> Check:
    title, article = "在一线岗位直接从事技术技能工作", "第六条"
    if is_frontline:
        return Check(
            "frontline",
            title,
            article,
            ConditionVerdict.PASS,
            f"第六条：申报人在一线岗位（{post}）直接从事技术技能工作。",
        )
    return Check(
        "frontline",
        title,
        article,
        ConditionVerdict.FAIL,
        "第六条：须在一线岗位上直接从事技术技能工作，申报人不在一线岗位。",
    )


def check_age(*, birth_date: date, reference_date: date, policy: PolicyVersion) -> Check:
    title, article = f"年龄一般不超过{policy.max_age}周岁", "第七条（五）"
    age = age_in_full_years(birth_date=birth_date, on=reference_date)
    on = date_zh(reference_date)
    if age > policy.max_age:
        # "一般" leaves room for exceptions: flag for judgement, never reject automatically.
        return Check(
            "age",
            title,
            article,
            ConditionVerdict.JUDGE,
            f"第七条（五）：年龄一般不超过{policy.max_age}周岁，申报人截至{on}为{age}周岁，超过一般年龄上限，由审查人员研判。",
        )
    priority = (
        f"，属于{policy.priority_age}周岁（含）以下，同等条件下优先" if age <= policy.priority_age else ""
    )
    return Check(
        "age", title, article, ConditionVerdict.PASS, f"第七条（五）：申报人截至{on}为{age}周岁{priority}。"
    )


def check_industry_focus(*, enterprise) -> Check:
    title, article = "重点产业", "第六条"
    if enterprise.industry_focus in (IndustryFocus.PILLAR, IndustryFocus.EMERGING):
        return Check(
            "industry_focus",
            title,
            article,
            ConditionVerdict.PASS,
            f"第六条：推荐单位属于{enterprise.get_industry_focus_display()}，属重点选拔范围。",
        )
    return Check(
        "industry_focus",
        title,
        article,
        ConditionVerdict.JUDGE,
        "第六条：重点从支柱产业和战略性新兴产业相关企业中选拔，推荐单位不属于上述产业，由审查人员研判。",
    )


def check_enterprise_notice(*, starts_on: date | None, ends_on: date | None, outcome: str) -> Check:
    title, article = "经单位公示后上报", "第十条（二）"
    if starts_on and ends_on and outcome:
        return Check(
            "enterprise_notice",
            title,
            article,
            ConditionVerdict.PASS,
            f"第十条（二）：已在单位内部公示（{starts_on}至{ends_on}），结果：{outcome}。",
        )
    return Check(
        "enterprise_notice",
        title,
        article,
        ConditionVerdict.FAIL,
        "第十条（二）：推荐人选须经单位公示后上报，未填写单位内部公示情况。",
    )


def check_competition(*, route: str, level: str, rank: str, counted_levels: list[str]) -> Check:
    """第7条(二): a competition route counts from the levels the authority lists (`counted_levels`) up."""
    title, article = "竞赛成绩（职业技能竞赛推荐）", "第七条（二）、第十条（二）"
    if route != Route.COMPETITION:
        return Check("competition", title, article, ConditionVerdict.PASS, "企业推荐，不适用竞赛推荐条件。")
    if level in counted_levels:
        return Check(
            "competition",
            title,
            article,
            ConditionVerdict.PASS,
            f"第七条（二）：{CompetitionLevel(level).label}职业技能竞赛{rank}。",
        )
    return Check(
        "competition",
        title,
        article,
        ConditionVerdict.JUDGE,
        f"第七条（二）：竞赛推荐应为{_counted_levels_text(counted_levels)}职业技能竞赛成绩优异者，请核对竞赛级别。",
    )


def _counted_levels_text(counted_levels: list[str]) -> str:
    """The lowest counted level and up ("市级二类以上"), the levels in CompetitionLevel's order."""
    counted = [level for level in CompetitionLevel if level in counted_levels]
    return f"{counted[-1].label}以上" if counted else "认可级别的"


# 第7条(一)–(四): the officer judges them with the evidence beside them.
JUDGEMENT_CONDITIONS = [
    (
        "conduct",
        "热爱祖国，遵纪守法，爱岗敬业，具有良好的职业道德和社会公德，为所在单位发展作出突出贡献",
        "第七条（一）",
    ),
    (
        "leading_skill",
        "职业技能在市内同行业领先、区内同行业拔尖，市级一、二类职业技能竞赛成绩优异",
        "第七条（二）",
    ),
    (
        "innovation",
        "具有绝招绝技，获得技术创新革新成果或专利，创造先进操作法，在编制国家级标准工艺、工作方法方面有突出贡献",
        "第七条（三）",
    ),
    (
        "mentoring",
        "在带徒方面成绩突出，所带徒弟多人成为技术骨干、在职业技能竞赛中取得优异成绩",
        "第七条（四）",
    ),
]


def application_checks(application) -> list[Check]:
    """Every condition for one application, automatic verdicts first, then those for the officer's judgement."""
    round_ = application.round
    policy = round_.policy
    checks = [
        check_district(enterprise=application.enterprise, authority=round_.authority),
        check_industry_focus(enterprise=application.enterprise),
        check_skill_level(
            skill_level=application.skill_level,
            policy=policy,
            certificates=list(application.certificates.all()),
            birth_date=application.birth_date,
            today=timezone.localdate(),
        ),
        check_frontline(is_frontline=application.is_frontline, post=application.post),
        check_age(birth_date=application.birth_date, reference_date=round_.age_reference_date, policy=policy),
        check_enterprise_notice(
            starts_on=application.enterprise_notice_starts_on,
            ends_on=application.enterprise_notice_ends_on,
            outcome=application.enterprise_notice_outcome,
        ),
        check_competition(
            route=application.route,
            level=application.competition_level,
            rank=application.competition_rank,
            counted_levels=round_.authority.counted_competition_levels,
        ),
    ]
    for code, title, article in JUDGEMENT_CONDITIONS:
        checks.append(Check(code, title, article, ConditionVerdict.JUDGE, f"{article}：请结合证明材料研判。"))
    return checks


def has_age_priority(*, birth_date: date, reference_date: date, policy: PolicyVersion) -> bool:
    """第7条(五): 45 周岁 and under are preferred at equal scores."""
    return age_in_full_years(birth_date=birth_date, on=reference_date) <= policy.priority_age
