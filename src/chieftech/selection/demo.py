"""The application-stage demo round (`2026年度（演示·申报阶段）`), built through the domain functions.

Its dates are set around the day the demo is loaded, so the round is open for applications whenever
`chieftech demo` runs. About 20 applications across the demo enterprises in every state of the review:
drafts, submitted, returned, qualified, not qualified and one fraud, each with evidence files.
"""

from datetime import date, timedelta
from io import BytesIO

from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw
from stdnum.cn import ric

from chieftech.accounts.models import User
from chieftech.core.errors import DomainError
from chieftech.policy.domain import policy_in_force
from chieftech.policy.models import Authority, SkillLevel
from chieftech.selection.domain.applications import application_create, application_submit
from chieftech.selection.domain.eligibility import application_checks
from chieftech.selection.domain.evidence import evidence_add
from chieftech.selection.domain.review import review_decide
from chieftech.selection.domain.rounds import round_create, round_publish_call
from chieftech.selection.models import ConditionVerdict, Round

APPLICATION_STAGE_TITLE = "2026年度（演示·申报阶段）"

# name, birth date, serial, occupation, post, level, enterprise user, outcome
PEOPLE = [
    (
        "王建国",
        date(1978, 4, 12),
        131,
        "数控车工",
        "数控车间机床操作",
        SkillLevel.SENIOR_TECHNICIAN,
        "ent1",
        "qualified",
    ),
    (
        "李秀英",
        date(1983, 9, 3),
        142,
        "装配钳工",
        "总装车间精密装配",
        SkillLevel.TECHNICIAN,
        "ent1",
        "submitted",
    ),
    (
        "张志强",
        date(1975, 1, 26),
        153,
        "焊工",
        "焊接车间机器人焊接",
        SkillLevel.SENIOR_TECHNICIAN,
        "ent1",
        "draft",
    ),
    (
        "刘洋",
        date(1986, 6, 18),
        164,
        "医疗器械装配工",
        "无菌车间装配线",
        SkillLevel.TECHNICIAN,
        "ent2",
        "qualified",
    ),
    (
        "陈静怡",
        date(1989, 11, 30),
        172,
        "医用电子仪器组装调试工",
        "调试车间",
        SkillLevel.TECHNICIAN,
        "ent2",
        "returned",
    ),
    (
        "杨光明",
        date(1970, 3, 8),
        181,
        "电工",
        "动力车间维修班",
        SkillLevel.SENIOR_TECHNICIAN,
        "ent2",
        "submitted",
    ),
    (
        "赵海军",
        date(1980, 8, 21),
        193,
        "电子设备装接工",
        "SMT贴装线",
        SkillLevel.TECHNICIAN,
        "ent3",
        "qualified",
    ),
    (
        "孙丽娜",
        date(1991, 2, 14),
        204,
        "集成电路测试员",
        "测试车间",
        SkillLevel.SENIOR,
        "ent3",
        "not_qualified",
    ),
    ("周文斌", date(1982, 12, 5), 215, "工具钳工", "模具车间", SkillLevel.TECHNICIAN, "ent3", "draft"),
    (
        "吴国庆",
        date(1976, 10, 1),
        226,
        "船舶电气装配工",
        "船舶电气车间",
        SkillLevel.TECHNICIAN,
        "ent4",
        "submitted",
    ),
    (
        "郑小红",
        date(1987, 5, 9),
        237,
        "水产品加工工",
        "精深加工车间",
        SkillLevel.SENIOR_TECHNICIAN,
        "ent4",
        "qualified",
    ),
    ("冯德胜", date(1973, 7, 22), 248, "缝纫工", "西装缝制车间", SkillLevel.TECHNICIAN, "ent5", "fraud"),
    (
        "褚晓燕",
        date(1985, 4, 2),
        259,
        "服装制版师",
        "技术部制版室",
        SkillLevel.TECHNICIAN,
        "ent5",
        "returned",
    ),
    (
        "卫东升",
        date(1979, 9, 17),
        262,
        "复合材料成型工",
        "成型车间",
        SkillLevel.SENIOR_TECHNICIAN,
        "ent6",
        "qualified",
    ),
    ("蒋海燕", date(1990, 1, 28), 273, "化学检验员", "质检中心", SkillLevel.TECHNICIAN, "ent6", "submitted"),
    (
        "沈立新",
        date(1968, 11, 11),
        284,
        "食品检验员",
        "质检中心",
        SkillLevel.SENIOR_TECHNICIAN,
        "ent7",
        "submitted",
    ),
    ("韩雪", date(1992, 8, 8), 295, "西式面点师", "烘焙车间", SkillLevel.TECHNICIAN, "ent7", "draft"),
    (
        "杨帆",
        date(1984, 3, 15),
        306,
        "建筑信息模型技术员",
        "项目技术部",
        SkillLevel.TECHNICIAN,
        "ent8",
        "not_qualified",
    ),
    (
        "朱建华",
        date(1977, 6, 6),
        317,
        "砌筑工",
        "施工一线班组",
        SkillLevel.SENIOR_TECHNICIAN,
        "ent8",
        "submitted",
    ),
    (
        "秦玉兰",
        date(1981, 12, 24),
        328,
        "电梯安装维修工",
        "安装维保班",
        SkillLevel.TECHNICIAN,
        "ent8",
        "qualified",
    ),
]

DEEDS = (
    "{name}同志扎根生产一线二十余年，始终坚持精益求精的工匠精神。在{post}岗位上，他带领班组攻克多项关键工艺难题，"
    "主持完成的工艺改进项目使产品一次合格率由百分之九十二提高到百分之九十九以上，每年为企业节约成本一百余万元。"
    "他总结提炼的先进操作法在全公司推广应用，并作为企业标准发布实施。作为公司首席师傅，他先后与多名青年职工签订带徒协议，"
    "所带徒弟中已有多人取得高级工以上职业技能等级证书，成为车间技术骨干，并在市级职业技能竞赛中取得优异成绩。"
) * 3


def demo_verdicts(application) -> dict[str, dict]:
    """The demonstration officer's findings: every condition left to judgement met, each with its reason."""
    return {
        check.code: {"verdict": ConditionVerdict.PASS, "note": "经核对证明材料，符合条件。"}
        for check in application_checks(application)
        if check.verdict == ConditionVerdict.JUDGE
    }


REASONS = {
    "returned": "请补充上传技师证书的清晰扫描件，并完善事迹材料中的经济效益数据。",
    "not_qualified": "经审查，申报人不具有技师（二级）以上职业资格，不符合第六条规定。",
    "fraud": "经核查，申报材料中的专利证书与国家知识产权局登记信息不符，系伪造。",
}


def demo_certificate_png(text: str) -> bytes:
    """A plain image standing for a scanned certificate, for the demo applications' evidence."""
    image = Image.new("RGB", (640, 420), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((10, 10, 630, 410), outline=(160, 30, 30), width=4)
    draw.text((40, 190), text, fill=(40, 40, 40))
    buffer = BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def demo_id_number(birth: date, serial: int) -> str:
    """A fictitious but valid resident ID number (GB 11643) of someone born in 环翠区 (371002)."""
    body = f"371002{birth:%Y%m%d}{serial:03d}"
    return body + ric.calc_check_digit(body + "0")


def load_demo(*, password: str) -> None:
    if Round.objects.filter(title=APPLICATION_STAGE_TITLE).exists():
        return
    today = timezone.localdate()
    try:
        policy = policy_in_force(authority=Authority.objects.get(code="huancui"), on=today)
    except DomainError:
        return  # no policy in force today: there is no round to demonstrate
    officer = User.objects.get(username="officer")
    deadline = min(today + timedelta(days=21), policy.valid_until - timedelta(days=60))
    with transaction.atomic():
        round_ = round_create(
            actor=officer,
            authority=Authority.objects.get(code="huancui"),
            title=APPLICATION_STAGE_TITLE,
            year=2026,
            application_opens_on=today - timedelta(days=14),
            application_deadline=deadline,
            review_ends_on=deadline + timedelta(days=14),
            evaluation_ends_on=deadline + timedelta(days=35),
            contact="区人力资源和社会保障局职业能力建设科，电话0631-5201234",
            is_demo=True,
        )
        round_publish_call(actor=officer, round_=round_)
        for index, (name, birth, serial, occupation, post, level, username, outcome) in enumerate(PEOPLE):
            _add_application(
                round_=round_,
                officer=officer,
                user=User.objects.get(username=username),
                today=today,
                index=index,
                person=(name, birth, serial, occupation, post, level),
                outcome=outcome,
            )


def _add_application(*, round_, officer, user, today, index, person, outcome) -> None:
    name, birth, serial, occupation, post, level = person
    application = application_create(
        actor=user,
        round_=round_,
        data={
            "route": "competition" if index % 5 == 0 else "enterprise",
            "name": name,
            "id_number": demo_id_number(birth, serial),
            "phone": f"1386310{index:04d}",
            "education": "college" if index % 2 else "high_school",
            "occupation": occupation,
            "post": post,
            "is_frontline": True,
            "years_in_trade": today.year - birth.year - 20,
            "competition_name": "威海市职业技能大赛" if index % 5 == 0 else "",
            "competition_level": "city_1" if index % 5 == 0 else "",
            "competition_rank": "一等奖" if index % 5 == 0 else "",
            "competition_year": 2025 if index % 5 == 0 else None,
            "apprentices_trained": 3 + index % 6,
            "apprentices_summary": "所带徒弟多人取得高级工以上职业技能等级证书，成为班组技术骨干。",
            "deeds": DEEDS.format(name=name, post=post),
            "enterprise_notice_starts_on": today - timedelta(days=10),
            "enterprise_notice_ends_on": today - timedelta(days=4),
            "enterprise_notice_outcome": "公示期满无异议",
            "enterprise_opinion": "该同志技术精湛、业绩突出，同意推荐。",
        },
        certificates=[
            {
                "level": level,
                "occupation": occupation,
                "number": f"S0000371000{serial:08d}",
                "issuer": "山东省人力资源和社会保障厅",
                "issued_on": date(2016 + index % 6, 6, 30),
            }
        ],
        achievements=[
            {
                "kind": "innovation",
                "title": f"{occupation}关键工序工艺改进",
                "number": "",
                "achieved_on": date(2023, 5, 1),
                "description": "一次合格率提高7个百分点，年节约成本约120万元。",
            }
        ],
    )
    evidence_add(
        actor=user,
        application=application,
        kind="certificate",
        name=f"{name}-职业资格证书.png",
        content=demo_certificate_png(f"Certificate S0000371000{serial:08d}"),
    )
    if outcome == "draft":
        return
    application = application_submit(actor=user, application=application)
    if outcome == "submitted":
        return
    review_decide(
        actor=officer,
        application=application,
        outcome=outcome,
        reason=REASONS.get(outcome, ""),
        officer_verdicts=demo_verdicts(application) if outcome == "qualified" else None,
    )
