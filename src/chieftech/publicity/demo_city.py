"""The city of Weihai beside the district: a second issuing authority with its own measures, staff and cohort.

- the system admin registers 威海市 (the district's parent: its territory holds the district's enterprises) and
  its measures, 威政办字〔2018〕33号: yearly selection of up to 15, a 4-year term, a re-review every 12 months;
  the measures' subsidy is not public, so the version's title says the demo's 1,000 yuan a month is chosen;
- the city's officer (`cityofficer`), leadership, government and a committee of three have their own accounts;
- `2025年度威海市首席技师选拔` runs through the same steps as the district's rounds
  (chieftech.publicity.demo_steps): three chief technicians approved on 15 December 2025, certificates
  WHSJ-2025-001…003, terms to 14 December 2029, so year 1 ends on 14 December 2026;
- their year-1 re-review, opened on 23 November 2026, is chieftech.review.demo's (`city_review_events`); their
  employers' yearly records chieftech.duties.demo's (`city_duty_events`).

Loaded before the district's management period (chieftech.tenure.demo), whose reminder of 1 December 2026 to the
employers that recorded nothing covers the city's holders too.

Idempotent: nothing is written when the city's round exists. Steps dated after `now` are left out.
"""

from collections.abc import Callable
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from chieftech.accounts import domain as accounts_domain
from chieftech.accounts.demo import CITY_STAFF, demo_email
from chieftech.accounts.models import User
from chieftech.certificates.domain import round_tenures_in_rank_order
from chieftech.core.pdf import para, pdf_build, pdf_styles
from chieftech.duties.demo import city_duty_events
from chieftech.evaluation.domain.committee import expert_create
from chieftech.evaluation.models import Expert
from chieftech.policy.authorities import authority_create, authority_update
from chieftech.policy.domain import policy_register
from chieftech.policy.models import Authority, AuthorityLevel, SkillLevel
from chieftech.policy.territory import towns_forget
from chieftech.publicity.demo_steps import Person, Timeline, at, notice_run, round_evaluate, round_select
from chieftech.publicity.domain.approval import government_approve, leadership_decide, roster_publish
from chieftech.publicity.domain.notice import notice_finish
from chieftech.publicity.models import LeadershipDecision
from chieftech.review.demo import city_review_events
from chieftech.selection.models import Round

CITY = {
    "code": "weihai",
    "name": "威海市",
    "level": AuthorityLevel.CITY,
    "bureau_name": "威海市人力资源和社会保障局",
    "leadership_name": "市委人才工作领导小组",
    "government_name": "市人民政府",
    "title_name": "威海市首席技师",
    "site_name": "威海市首席技师选拔管理系统",
    "certificate_prefix": "WHSJ",
    "contact_default": "市人力资源和社会保障局职业能力建设处，电话0631-5233456",
}
# 威政办字〔2018〕33号 as reported (MANAGEMENT-PERIOD-FACTS.md); the other numbers follow the district's practice.
CITY_POLICY = {
    "issuer": "威海市人民政府办公室",
    "document_number": "威政办字〔2018〕33号",
    "title": "威海市首席技师选拔管理办法（演示：津贴标准未公开，按每人每月1000元设定）",
    "valid_from": date(2018, 7, 1),
    "valid_until": date(2030, 12, 31),
    "selection_interval_years": 1,
    "quota_per_round": 15,
    "management_period_months": 48,
    "monthly_subsidy": Decimal("1000.00"),
    "min_skill_level": SkillLevel.TECHNICIAN,
    "max_age": 55,
    "priority_age": 45,
    "notice_working_days": 5,
    "apprentices_per_year": 2,
    "apprentice_min_level": SkillLevel.SENIOR,
    "deeds_target_chars": 1000,
    "review_interval_months": 12,
    "review_submission_working_days": 15,
    "review_correction_working_days": 5,
}
CITY_TITLE = "2025年度威海市首席技师选拔"
CITY_PEOPLE = [
    Person("王立伟", date(1976, 8, 21), 911, "工具钳工", "模具制造车间", SkillLevel.SENIOR_TECHNICIAN, "ent1"),
    Person("刘春梅", date(1983, 4, 12), 922, "医用高分子制品生产工", "导管生产车间", SkillLevel.TECHNICIAN, "ent2"),
    Person("姜海龙", date(1979, 10, 5), 933, "船舶机械装配工", "海工装备车间", SkillLevel.TECHNICIAN, "ent4"),
]  # fmt: skip
CITY_TIMELINE = Timeline(
    opens=date(2025, 8, 4),
    deadline=date(2025, 9, 5),
    review_ends=date(2025, 9, 26),
    evaluation_ends=date(2025, 10, 31),
    scoring_opens=at(date(2025, 10, 21), 9),
    scoring_closes=at(date(2025, 10, 22), 16),
    confirmed=at(date(2025, 10, 24), 10),
    notice_starts=date(2025, 11, 3),
)
CITY_MEETING = date(2025, 12, 2)
CITY_APPROVED_ON = date(2025, 12, 15)
CITY_DOCUMENT_NUMBER = "威政字〔2025〕52号"
CITY_PUBLISHED_AT = at(date(2025, 12, 18), 10)
# The committee: the chair first (username, field, employer, title).
CITY_EXPERTS = [
    ("citychair", "机械制造与模具", "哈尔滨工业大学（威海）", "教授、正高级工程师"),
    ("cityexpert1", "医疗器械与高分子材料", "威海市医疗器械质量检测中心", "正高级工程师"),
    ("cityexpert2", "船舶与海洋工程装备", "威海海洋职业学院", "教授、高级技师"),
]


def load_demo(*, password: str, now: datetime | None = None) -> None:
    """`now`: the moment the demo is loaded (a test fixes it); the re-review's steps after it are left out."""
    if Round.objects.filter(title=CITY_TITLE).exists():
        return
    now = now or timezone.now()
    with transaction.atomic():
        admin = User.objects.get(username="admin")
        city = _city(admin=admin)
        staff = _staff(admin=admin, city=city, password=password)
        round_ = _round(city=city, staff=staff)
        cohort = list(round_tenures_in_rank_order(round_))
        enterprises = {u.username: u for u in User.objects.filter(enterprise__isnull=False, is_active=True)}
        events: list[tuple[datetime, Callable[[], None]]] = [
            *city_review_events(round_=round_, officer=staff["cityofficer"]),
            *city_duty_events(cohort=cohort, users=enterprises),
        ]
        for moment, run in sorted(events, key=lambda event: event[0]):
            if moment <= now:
                run()


# The district's documents, read as the city's (its call goes to the city's districts and bureaus).
CITY_WORDS = [
    (
        "各镇政府、街道办事处，里口山管理服务中心，区直有关部门、单位",
        "各区市人力资源和社会保障局，市直有关部门、单位",
    ),
    ("全区各类", "全市各类"),
    ("我区", "我市"),
    ("区内同行业", "省内同行业"),
    ("区人力资源和社会保障局", "市人力资源和社会保障局"),
]
WORDING_FIELDS = ("call_wording", "notice_wording", "certificate_wording", "approval_wording")


def _city_wording(district: Authority) -> dict[str, str]:
    wording = {}
    for field in WORDING_FIELDS:
        text = getattr(district, field)
        for district_words, city_words in CITY_WORDS:
            text = text.replace(district_words, city_words)
        wording[field] = text
    return wording


def _city(*, admin: User) -> Authority:
    """The city, registered by the system admin as the district's parent, with its measures."""
    huancui = Authority.objects.get(code="huancui")
    city = Authority.objects.filter(code=CITY["code"]).first()
    if city is None:
        city = authority_create(actor=admin, data={**CITY, **_city_wording(huancui)})
    if huancui.parent_id is None:
        authority_update(actor=admin, authority=huancui, data={"parent": city})
        # The territory is kept per process and forgotten on commit; the rest of the demo runs in this
        # transaction and must already see the district's towns in the city.
        towns_forget()
    if not city.policy_versions.exists():
        policy_register(actor=admin, authority=city, data=CITY_POLICY)
    return city


def _staff(*, admin: User, city: Authority, password: str) -> dict[str, User]:
    """The city's accounts, created by the system admin; each person sets the demo password through their link."""
    users = {u.username: u for u in User.objects.filter(username__in=[s.username for s in CITY_STAFF])}
    for person in CITY_STAFF:
        if person.username in users:
            continue
        created = accounts_domain.user_create(
            actor=admin,
            username=person.username,
            real_name=person.real_name,
            phone=person.phone,
            email=demo_email(person.username),
            roles=[person.role],
            authority=city,
        )
        link = created.activation
        users[person.username] = accounts_domain.account_activate(
            uidb64=link.uidb64, token=link.token, password=password
        )
    return users


def _experts(*, city: Authority, officer: User, staff: dict[str, User]) -> list[Expert]:
    found = {e.user_id: e for e in Expert.objects.filter(authority=city, user__isnull=False)}
    pool = []
    for username, field, employer, title in CITY_EXPERTS:
        user = staff[username]
        expert = found.get(user.pk) or expert_create(
            actor=officer,
            authority=city,
            name=user.real_name,
            field=field,
            employer_name=employer,
            title=title,
            phone=user.phone,
            user=user,
        )
        pool.append(expert)
    return pool


def _round(*, city: Authority, staff: dict[str, User]) -> Round:
    """The city's 2025 round from the call to the published roster: three chief technicians."""
    officer = staff["cityofficer"]
    timeline = CITY_TIMELINE
    round_ = round_select(
        authority=city,
        officer=officer,
        contact=CITY["contact_default"],
        title=CITY_TITLE,
        year=2025,
        is_demo=False,
        timeline=timeline,
        people=CITY_PEOPLE,
    )
    round_evaluate(
        round_=round_,
        timeline=timeline,
        officer=officer,
        experts=_experts(city=city, officer=officer, staff=staff),
    )
    notice = notice_run(round_=round_, starts_on=timeline.notice_starts, officer=officer)
    notice_finish(actor=officer, round_=round_, now=at(notice.ends_on + timedelta(days=3), 9))
    leadership_decide(
        actor=staff["cityleader"],
        round_=round_,
        outcome=LeadershipDecision.Outcome.APPROVE,
        meeting_date=CITY_MEETING,
        minutes_reference="市委人才工作领导小组2025年第3次会议纪要",
        now=at(CITY_MEETING, 16),
    )
    government_approve(
        actor=staff["citygov"],
        round_=round_,
        document_number=CITY_DOCUMENT_NUMBER,
        approved_on=CITY_APPROVED_ON,
        now=at(CITY_APPROVED_ON, 15),
        signed_name=f"{CITY_DOCUMENT_NUMBER}.pdf",
        signed_content=_signed_document_pdf(CITY_DOCUMENT_NUMBER),
    )
    roster_publish(actor=officer, round_=round_, now=CITY_PUBLISHED_AT)
    round_.refresh_from_db()
    return round_


def _signed_document_pdf(document_number: str) -> bytes:
    """A stand-in for the scanned approval document the city government signed (the demo has no scanner)."""
    styles = pdf_styles()
    story = [
        para(f"市人民政府关于威海市首席技师认定的批复（{document_number}）", styles.title),
        para("（演示数据：签发件扫描件）", styles.body),
    ]
    return pdf_build(story, title=document_number)
