"""The notice-stage, approval-stage and completed demo rounds, built through the domain functions.

- `2024年度环翠区首席技师选拔`: the real round before today's, completed in 2024 — committee, notice,
  leadership and government approval (威环政字〔2024〕18号), certificates HCSJ-2024-001…005, roster published,
  five chief technicians in their term; three agreed to the portal showcase.
- `2026年度（演示·公示阶段）`: its notice started two working days before the day the demo is loaded and runs
  over it, with one objection pending and one handled (not upheld, with a public reply).
- `2026年度（演示·审定阶段）`: its notice has ended; the list awaits the leadership's decision.

Every step is the domain function a person would trigger, called with the moment it would have happened
(`now`), so the dates, the audit trail and the notifications read as a real history. Idempotent: a round
whose title exists is left as it is, so a second run writes nothing. A demo round whose notice period
would need a year the working-day calendar does not know is skipped.
"""

from datetime import date, timedelta
from io import BytesIO
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw, ImageFont

from chieftech.accounts.models import User
from chieftech.audit.domain import audit_record, snapshot
from chieftech.certificates.domain import round_tenures_in_rank_order
from chieftech.core.pdf import para, pdf_build, pdf_styles
from chieftech.evaluation.demo import demo_expert_pool
from chieftech.policy.calendar import CalendarDataMissing, WorkingCalendar
from chieftech.policy.models import Authority, SkillLevel
from chieftech.publicity.demo_steps import Person, Timeline, notice_run, round_evaluate, round_select
from chieftech.publicity.demo_steps import at as _at
from chieftech.publicity.domain.approval import government_approve, leadership_decide, roster_publish
from chieftech.publicity.domain.notice import notice_finish
from chieftech.publicity.domain.objections import objection_decide, objection_file, objection_investigate
from chieftech.publicity.models import LeadershipDecision, NoticeEntry
from chieftech.selection.models import Round
from chieftech.tenure.domain.bank_accounts import AUDIT_FIELDS as BANK_ACCOUNT_AUDIT_FIELDS
from chieftech.tenure.domain.showcase import PhotoUpload, tenure_showcase_update
from chieftech.tenure.models import BankAccount, BankAccountState, Tenure

REAL_TITLE = "2024年度环翠区首席技师选拔"
NOTICE_STAGE_TITLE = "2026年度（演示·公示阶段）"
APPROVAL_STAGE_TITLE = "2026年度（演示·审定阶段）"
CONTACT = "区人力资源和社会保障局职业能力建设科，电话0631-5201234"


# In each list the committee's ranking follows the order (see _points); the first five are proposed.
REAL_PEOPLE = [
    Person("曲志刚", date(1975, 5, 14), 601, "数控铣工", "精密加工车间", SkillLevel.SENIOR_TECHNICIAN, "ent1"),
    Person("于海燕", date(1980, 2, 9), 612, "医疗器械装配工", "无菌装配车间", SkillLevel.TECHNICIAN, "ent2"),
    Person("宋建军", date(1978, 11, 23), 623, "电子设备装接工", "SMT贴装车间", SkillLevel.SENIOR_TECHNICIAN, "ent3"),
    Person("林晓红", date(1984, 7, 30), 634, "水产品加工工", "精深加工车间", SkillLevel.TECHNICIAN, "ent4"),
    Person("鞠文涛", date(1982, 3, 17), 645, "复合材料成型工", "成型车间", SkillLevel.TECHNICIAN, "ent6"),
    Person("丛丽萍", date(1986, 10, 4), 656, "服装制版师", "技术部制版室", SkillLevel.TECHNICIAN, "ent5"),
    Person("毕国栋", date(1979, 8, 12), 667, "砌筑工", "施工一线班组", SkillLevel.SENIOR, "ent8", qualified=False),
]  # fmt: skip

NOTICE_STAGE_PEOPLE = [
    Person("孙国强", date(1977, 4, 2), 701, "装配钳工", "总装车间", SkillLevel.SENIOR_TECHNICIAN, "ent1"),
    Person("刘慧敏", date(1985, 12, 19), 712, "医用电子仪器组装调试工", "调试车间", SkillLevel.TECHNICIAN, "ent2"),
    Person("王振华", date(1981, 6, 25), 723, "集成电路测试员", "测试车间", SkillLevel.TECHNICIAN, "ent3"),
    Person("张丽君", date(1988, 9, 8), 734, "西式面点师", "烘焙车间", SkillLevel.TECHNICIAN, "ent7"),
    Person("谭海滨", date(1976, 1, 30), 745, "船舶电气装配工", "船舶电气车间", SkillLevel.SENIOR_TECHNICIAN, "ent4"),
    Person("隋秀芝", date(1983, 5, 21), 756, "缝纫工", "西装缝制车间", SkillLevel.TECHNICIAN, "ent5"),
]  # fmt: skip

APPROVAL_STAGE_PEOPLE = [
    Person("姜德明", date(1979, 3, 11), 801, "焊工", "焊接车间", SkillLevel.SENIOR_TECHNICIAN, "ent1"),
    Person("邹晓梅", date(1987, 8, 16), 812, "化学检验员", "质检中心", SkillLevel.TECHNICIAN, "ent6"),
    Person("梁永胜", date(1974, 10, 27), 823, "电梯安装维修工", "安装维保班", SkillLevel.SENIOR_TECHNICIAN, "ent8"),
    Person("初玉洁", date(1990, 2, 3), 834, "食品检验员", "质检中心", SkillLevel.TECHNICIAN, "ent7"),
    Person("戚宏伟", date(1980, 12, 9), 845, "电工", "动力车间维修班", SkillLevel.TECHNICIAN, "ent2"),
    Person("殷春燕", date(1986, 6, 14), 856, "电子设备装接工", "SMT贴装线", SkillLevel.TECHNICIAN, "ent3"),
]  # fmt: skip

SHOWCASE = {
    0: "从事数控铣削加工二十余年，攻克航空零件薄壁加工变形难题，总结的“分层对称铣削法”在全市推广；"
    "带徒十余人，其中三人获评技师。",
    1: "长期从事无菌医疗器械装配，牵头改进导管组装工装，使装配效率提高三成；"
    "主持编写的装配作业指导书成为企业标准。",
    2: "深耕电子装联一线，解决高密度电路板焊接虚焊问题，产品返修率下降八成；"
    "所带徒弟在省级职业技能大赛中获奖。",
}
BANK_NAME = "中国农业银行"
BANK_BRANCH = "威海环翠支行"
BANK_ACCOUNTS = {
    0: "6228480438012345671",
    1: "6228480438012345689",
    2: "6228480438012345697",
    3: "6217002020034567812",
    4: "6228480438012345705",
}


def _signed_document_pdf(document_number: str) -> bytes:
    """A stand-in for the scanned approval document the government signed (the demo has no scanner)."""
    styles = pdf_styles()
    story = [
        para(f"区人民政府关于首席技师认定的批复（{document_number}）", styles.title),
        para("（演示数据：签发件扫描件）", styles.body),
    ]
    return pdf_build(story, title=document_number)


REAL_TIMELINE = Timeline(
    opens=date(2024, 9, 2),
    deadline=date(2024, 9, 30),
    review_ends=date(2024, 10, 18),
    evaluation_ends=date(2024, 11, 15),
    scoring_opens=_at(date(2024, 11, 5), 9),
    scoring_closes=_at(date(2024, 11, 6), 16),
    confirmed=_at(date(2024, 11, 8), 10),
    notice_starts=date(2024, 11, 18),
)
REAL_MEETING = date(2024, 12, 10)
REAL_APPROVED_ON = date(2024, 12, 27)
REAL_DOCUMENT_NUMBER = "威环政字〔2024〕18号"
REAL_PUBLISHED_AT = _at(date(2024, 12, 30), 10)
REAL_SHOWCASE_AT = _at(date(2025, 1, 6), 10)


def load_demo(*, password: str) -> None:
    existing = set(
        Round.objects.filter(title__in=[REAL_TITLE, NOTICE_STAGE_TITLE, APPROVAL_STAGE_TITLE]).values_list(
            "title", flat=True
        )
    )
    if REAL_TITLE not in existing:
        with transaction.atomic():
            _load_real_round()
    today = timezone.localdate()
    for title, build in (
        (NOTICE_STAGE_TITLE, _load_notice_stage),
        (APPROVAL_STAGE_TITLE, _load_approval_stage),
    ):
        if title in existing:
            continue
        try:
            with transaction.atomic():
                build(today=today)
        except CalendarDataMissing:
            continue  # the period would need a holiday schedule not entered yet: nothing to demonstrate


def _users() -> dict[str, User]:
    return {u.username: u for u in User.objects.filter(is_active=True)}


# --- The completed 2024 round -------------------------------------------------------------------------


def _load_real_round() -> None:
    users = _users()
    officer = users["officer"]
    timeline = REAL_TIMELINE
    round_ = _select(
        users=users, title=REAL_TITLE, year=2024, is_demo=False, timeline=timeline, people=REAL_PEOPLE
    )
    _evaluate(round_=round_, timeline=timeline, officer=officer)
    notice = notice_run(round_=round_, starts_on=timeline.notice_starts, officer=officer)
    notice_finish(actor=officer, round_=round_, now=_at(notice.ends_on + timedelta(days=3), 9))
    leadership_decide(
        actor=users["leader"],
        round_=round_,
        outcome=LeadershipDecision.Outcome.APPROVE,
        meeting_date=REAL_MEETING,
        minutes_reference="区委人才工作领导小组2024年第4次会议纪要",
        now=_at(REAL_MEETING, 17),
    )
    government_approve(
        actor=users["gov"],
        round_=round_,
        document_number=REAL_DOCUMENT_NUMBER,
        approved_on=REAL_APPROVED_ON,
        now=_at(REAL_APPROVED_ON, 15),
        signed_name=f"{REAL_DOCUMENT_NUMBER}.pdf",
        signed_content=_signed_document_pdf(REAL_DOCUMENT_NUMBER),
    )
    roster_publish(actor=officer, round_=round_, now=REAL_PUBLISHED_AT)
    tenures = list(round_tenures_in_rank_order(round_))
    for index, tenure in enumerate(tenures):
        if index in SHOWCASE:
            photo = None
            if index < 2:
                name = tenure.application.name
                photo = PhotoUpload(name=f"{name}.png", content=portrait_png(name, index))
            tenure_showcase_update(
                actor=officer,
                tenure=tenure,
                consent=True,
                summary=SHOWCASE[index],
                photo=photo,
                now=REAL_SHOWCASE_AT,
            )
        if index in BANK_ACCOUNTS:
            _tenure_bank_account_record(
                actor=officer, tenure=tenure, bank=BANK_NAME, branch=BANK_BRANCH, number=BANK_ACCOUNTS[index]
            )


def _tenure_bank_account_record(*, actor, tenure: Tenure, bank: str, branch: str, number: str) -> None:
    """The account the subsidy is paid into, as the holder would have had it confirmed when the term began:
    in use from the term's first month (audited, the number masked in the record)."""
    with transaction.atomic():
        account = BankAccount.objects.create(
            tenure=tenure,
            bank=bank,
            branch=branch,
            number=number,
            account_name=tenure.application.name,
            state=BankAccountState.CONFIRMED,
            applies_from=tenure.starts_on.replace(day=1),
            requested_at=REAL_SHOWCASE_AT,
            decided_by=actor,
            decided_at=REAL_SHOWCASE_AT,
        )
        audit_record(
            action="tenure.bank_account_confirm",
            actor=actor,
            obj=account,
            after={"state": account.state, **snapshot(account, BANK_ACCOUNT_AUDIT_FIELDS)},
        )


# --- The two demo rounds of this year ------------------------------------------------------------------


def _working_days_before(today: date, n: int) -> date:
    """The n-th working day before `today` (today itself not counted)."""
    calendar = WorkingCalendar()
    day, counted = today, 0
    while counted < n:
        day -= timedelta(days=1)
        counted += calendar.is_working_day(day)
    return day


def _load_notice_stage(*, today: date) -> None:
    """A notice that started two working days ago and runs over today, with two objections."""
    starts_on = _working_days_before(today, 2)
    timeline = Timeline.before_notice(starts_on)
    users = _users()
    officer = users["officer"]
    round_ = _select(
        users=users,
        title=NOTICE_STAGE_TITLE,
        year=2026,
        is_demo=True,
        timeline=timeline,
        people=NOTICE_STAGE_PEOPLE,
    )
    _evaluate(round_=round_, timeline=timeline, officer=officer)
    notice = notice_run(round_=round_, starts_on=starts_on, officer=officer)
    entries = list(NoticeEntry.objects.filter(notice=notice).select_related("application").order_by("order"))
    now = timezone.now()
    handled = objection_file(
        notice=notice,
        entry=entries[1],
        name="高明亮",
        phone="13563106901",
        content=f"反映{entries[1].application.name}申报材料中的工艺改进项目系班组集体完成，"
        "并非其个人主持，请核实其在项目中的实际作用。",
        ip=None,
        now=_at(starts_on, 14, 20),
    )
    decided_at = min(_at(starts_on + timedelta(days=1), 16), now)
    objection_investigate(
        actor=officer,
        objection=handled,
        notes="调阅了企业项目立项书、结题报告和工时记录，走访了班组成员三人。",
        now=decided_at - timedelta(hours=3),
    )
    objection_decide(
        actor=officer,
        objection=handled,
        upheld=False,
        reason="项目立项书和结题报告均载明其为项目负责人，班组成员证实其主持了工艺方案设计和试验，反映情况不属实。",
        public_reply="经调阅项目立项书、结题报告并走访班组成员核实，被反映人系该工艺改进项目负责人，"
        "反映的问题不成立。感谢您对首席技师选拔工作的监督。",
        now=decided_at,
    )
    objection_file(
        notice=notice,
        entry=entries[3],
        name="曲晓东",
        phone="13563106902",
        content=f"反映{entries[3].application.name}近两年主要从事车间管理工作，已不在一线岗位直接从事技能操作，"
        "不符合选拔条件，请予核实。",
        ip=None,
        now=max(_at(starts_on, 10), min(_at(starts_on + timedelta(days=1), 10), now - timedelta(minutes=5))),
    )


def _load_approval_stage(*, today: date) -> None:
    """A notice that ended last week without objections: the list waits for the leadership."""
    starts_on = _working_days_before(today, 12)
    timeline = Timeline.before_notice(starts_on)
    users = _users()
    officer = users["officer"]
    round_ = _select(
        users=users,
        title=APPROVAL_STAGE_TITLE,
        year=2026,
        is_demo=True,
        timeline=timeline,
        people=APPROVAL_STAGE_PEOPLE,
    )
    _evaluate(round_=round_, timeline=timeline, officer=officer)
    notice = notice_run(round_=round_, starts_on=starts_on, officer=officer)
    notice_finish(actor=officer, round_=round_, now=_at(notice.ends_on + timedelta(days=1), 9))


def _select(*, users: dict[str, User], **fields) -> Round:
    """A round of the district (the seeded authority), called and reviewed by its officer."""
    return round_select(
        authority=Authority.objects.get(code="huancui"), officer=users["officer"], contact=CONTACT, **fields
    )


def _evaluate(*, round_: Round, timeline: Timeline, officer: User) -> None:
    # The chair first; the pool is shared with the evaluation demo.
    round_evaluate(round_=round_, timeline=timeline, officer=officer, experts=demo_expert_pool())


# --- Pictures ----------------------------------------------------------------------------------------


def _font(size: int):
    path = Path(settings.PDF_FONT_PATH)
    if path.exists():
        return ImageFont.truetype(str(path), size)
    return ImageFont.load_default(size)


def portrait_png(name: str, index: int) -> bytes:
    """A portrait placeholder: a coloured card with a head-and-shoulders outline and the surname."""
    colours = [(176, 58, 46), (31, 97, 141), (30, 132, 73), (125, 60, 152)]
    background = colours[index % len(colours)]
    image = Image.new("RGB", (480, 600), background)
    draw = ImageDraw.Draw(image)
    light = tuple(min(255, c + 70) for c in background)
    draw.ellipse((165, 120, 315, 270), fill=light)
    draw.ellipse((90, 300, 390, 640), fill=light)
    draw.text((240, 470), name[:1], font=_font(120), fill=(255, 255, 255), anchor="mm")
    buffer = BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()
