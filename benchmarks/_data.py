"""Bulk data for the benchmarks: a round with n realistic applications, built in seconds.

    from benchmarks._data import setup_django, build_round
    setup_django()           # before anything imports a model
    round_ = build_round(10_000)

The round itself is created and published through the domain functions; the applications, certificates and
review decisions are bulk-inserted (no audit records, no notifications), which is what makes 10,000 of them
take seconds instead of minutes. Values are drawn from a seeded generator, so every run builds the same data.
"""

import itertools
import os
import random
import sys
import tempfile
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

REPO = Path(__file__).resolve().parents[1]
SHANGHAI = ZoneInfo("Asia/Shanghai")
# A fixed timeline inside the 2022 policy's validity, and moments inside it, so results never depend on today.
TIMELINE = {
    "application_opens_on": date(2026, 11, 2),
    "application_deadline": date(2026, 12, 15),
    "review_ends_on": date(2026, 12, 31),
    "evaluation_ends_on": date(2027, 1, 29),
}
PUBLISHED_AT = datetime(2026, 11, 2, 9, 0, tzinfo=SHANGHAI)
BATCH = 2000

SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎"
)
GIVEN = "建国海燕卫东志强秀英明华丽娟军伟芳敏静磊洋艳勇杰娜涛超霞平刚桂英文斌红辉鹏飞玉兰春梅德胜宏亮"
OCCUPATIONS = [
    ("数控车工", "数控车间机床操作"),
    ("焊工", "结构件焊接班组"),
    ("钳工", "装配车间精密装配"),
    ("电工", "设备维修班"),
    ("铣工", "精密加工车间"),
    ("模具工", "模具制造车间"),
    ("化工总控工", "生产运行岗位"),
    ("食品检验员", "质量检验中心"),
    ("汽车维修工", "维修车间"),
    ("船舶电工", "舾装车间"),
]
ISSUERS = ["山东省人力资源和社会保障厅", "威海市人力资源和社会保障局", "威海市职业技能鉴定中心"]
DEEDS_SENTENCES = [
    "该同志长期扎根生产一线，刻苦钻研业务技术。",
    "先后解决关键技术难题多项，为企业创造经济效益显著。",
    "总结的先进操作法在行业内推广应用。",
    "注重传技带徒，所带徒弟多人成为企业技术骨干。",
    "多次在市级职业技能竞赛中取得优异成绩。",
]
# State mix of a round in the middle of its qualification review (weights in percent).
STATES = [
    ("draft", 4),
    ("submitted", 50),
    ("qualified", 25),
    ("not_qualified", 8),
    ("returned", 7),
    ("withdrawn", 5),
    ("fraud", 1),
]
DECIDED = {"qualified", "not_qualified", "returned", "fraud"}
REASONS = {
    "qualified": "符合申报条件。",
    "not_qualified": "职业资格等级不符合第六条要求。",
    "returned": "请补充专利证书复印件。",
    "fraud": "提交的获奖证书经核实系伪造。",
}


def setup_django() -> None:
    """Settings for a standalone run: DEBUG (no secrets needed), a fresh temporary SQLite file unless
    DATABASE_URL names another database, mail kept in memory; then migrate."""
    sys.path.insert(0, str(REPO / "src"))
    sys.path.insert(0, str(REPO))
    os.environ.setdefault("DEBUG", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chieftech.settings")
    os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    if "DATABASE_URL" not in os.environ:
        os.environ["CHIEFTECH_VAR_DIR"] = tempfile.mkdtemp(prefix="chieftech-bench-")
    import django
    from django.conf import settings
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    django.setup()
    # The test client's host, and no per-query log: a benchmark measures what production runs.
    setup_test_environment()
    settings.DEBUG = False
    call_command("migrate", verbosity=0, interactive=False)


def _user(username: str, role: str, **fields):
    from django.contrib.auth.models import Group

    from chieftech.accounts.models import RoleGrant, User
    from chieftech.accounts.roles import INSTALLATION_ROLES

    user, created = User.objects.get_or_create(username=username, defaults={"real_name": username, **fields})
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
        user.groups.add(Group.objects.get(name=role))
        RoleGrant.objects.create(
            user=user, role=role, authority=None if role in INSTALLATION_ROLES else bench_authority()
        )
    return user


def bench_authority():
    """The seeded district authority the benchmark rounds belong to."""
    from chieftech.policy.models import Authority

    return Authority.objects.get(code="huancui")


def bench_officer():
    from chieftech.accounts.roles import Role

    return _user("bench-officer", Role.OFFICER, real_name="基准经办人")


def _enterprises(count: int = 60):
    from stdnum.cn import uscc

    from chieftech.accounts.models import Enterprise, Industry, IndustryFocus
    from chieftech.policy.territory import OUTSIDE_TOWN

    existing = list(Enterprise.objects.filter(name__startswith="威海基准"))
    if len(existing) >= count:
        return existing[:count]
    towns = list(bench_authority().towns.values_list("code", flat=True))
    industries = list(Industry.values)
    rows = []
    for n in range(len(existing), count):
        body = f"91371002MB{n:07d}"
        rows.append(
            Enterprise(
                name=f"威海基准{n + 1:02d}号{'精密机械' if n % 2 else '海洋科技'}有限公司",
                uscc=body + uscc.calc_check_digit(body),
                address=f"环翠区基准路{n + 1}号",
                town=OUTSIDE_TOWN if n % 29 == 28 else towns[n % len(towns)],
                industry=industries[n % len(industries)],
                industry_focus=IndustryFocus.PILLAR if n % 3 else IndustryFocus.EMERGING,
                contact_name="张联系",
                contact_phone=f"1386310{n:04d}",
                status=Enterprise.Status.ACTIVE,
            )
        )
    Enterprise.objects.bulk_create(rows)
    return list(Enterprise.objects.filter(name__startswith="威海基准"))[:count]


def _id_numbers(rng: random.Random, n: int) -> list[str]:
    from stdnum.cn import ric

    # Distinct people: every (birth date, serial) pair once.
    first, last = date(1966, 1, 1), date(2000, 12, 31)
    span = (last - first).days
    seen, numbers = set(), []
    while len(numbers) < n:
        birth = first + timedelta(days=rng.randrange(span))
        serial = rng.randrange(1, 1000)
        if (birth, serial) in seen:
            continue
        seen.add((birth, serial))
        body = f"371002{birth:%Y%m%d}{serial:03d}"
        numbers.append(body + ric.calc_check_digit(body + "0"))
    return numbers


def _new_round(officer, n: int):
    from chieftech.selection.domain.rounds import round_create, round_publish_call
    from chieftech.selection.models import Round

    for k in itertools.count(1):
        title = f"基准测试批次（{n}条）" + (f"#{k}" if k > 1 else "")
        if not Round.objects.filter(title=title).exists():
            break
    round_ = round_create(
        actor=officer, authority=bench_authority(), title=title, year=2026, confirmed=True, **TIMELINE
    )
    return round_publish_call(actor=officer, round_=round_, now=PUBLISHED_AT)


def build_round(n: int, *, seed: int = 2026):
    """A published round holding n applications across 60 enterprises in a realistic mix of states."""
    from chieftech.accounts.roles import Role
    from chieftech.core.pii import parse_resident_id, pii_hash
    from chieftech.selection.domain.eligibility import age_in_full_years
    from chieftech.selection.models import Application, ReviewDecision, SkillCertificate

    rng = random.Random(seed + n)
    officer = bench_officer()
    enterprises = _enterprises()
    filler = _user("bench-enterprise", Role.ENTERPRISE, real_name="基准经办人", enterprise=enterprises[0])
    round_ = _new_round(officer, n)
    policy = round_.policy
    states = [state for state, weight in STATES for _ in range(weight)]
    window = int((TIMELINE["application_deadline"] - TIMELINE["application_opens_on"]).days * 86400)
    opens = datetime.combine(TIMELINE["application_opens_on"], datetime.min.time(), tzinfo=SHANGHAI)
    ids = _id_numbers(rng, n)
    for start in range(0, n, BATCH):
        applications = []
        for number in ids[start : start + BATCH]:
            person = parse_resident_id(number)
            state = rng.choice(states)
            occupation, post = rng.choice(OCCUPATIONS)
            submitted_at = None if state == "draft" else opens + timedelta(seconds=rng.randrange(window))
            level = rng.choice([4, 5, 5, 5, 5, 6, 6, 6, 7])
            applications.append(
                Application(
                    round=round_,
                    enterprise=rng.choice(enterprises),
                    state=state,
                    route="competition" if rng.random() < 0.15 else "enterprise",
                    name=rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, rng.choice([1, 2]))),
                    gender=person.gender,
                    id_number=person.number,
                    id_hash=pii_hash(person.number),
                    birth_date=person.birth_date,
                    phone=f"13{rng.randrange(3, 10)}{rng.randrange(10**8):08d}",
                    education=rng.choice(["high_school", "college", "bachelor", "junior_high"]),
                    occupation=occupation,
                    post=post,
                    is_frontline=rng.random() > 0.03,
                    years_in_trade=rng.randrange(5, 35),
                    skill_level=level,
                    apprentices_trained=rng.randrange(0, 20),
                    apprentices_summary="所带徒弟多人成为车间技术骨干。",
                    deeds="".join(rng.choice(DEEDS_SENTENCES) for _ in range(45)),
                    enterprise_notice_starts_on=date(2026, 10, 20),
                    enterprise_notice_ends_on=date(2026, 10, 26),
                    enterprise_notice_outcome="公示无异议",
                    enterprise_opinion="同意推荐。",
                    age_on_reference_date=age_in_full_years(
                        birth_date=person.birth_date, on=round_.age_reference_date
                    ),
                    submitted_at=submitted_at,
                    decided_at=submitted_at + timedelta(days=3) if state in DECIDED else None,
                    correction_round=1 if state == "returned" else 0,
                    created_by=filler,
                )
            )
        created = Application.objects.bulk_create(applications)
        SkillCertificate.objects.bulk_create(
            SkillCertificate(
                application=a,
                level=a.skill_level,
                occupation=a.occupation,
                number=f"S{a.pk:018d}",
                issuer=rng.choice(ISSUERS),
                issued_on=date(2010 + rng.randrange(15), rng.randrange(1, 13), rng.randrange(1, 29)),
            )
            for a in created
        )
        ReviewDecision.objects.bulk_create(
            ReviewDecision(
                application=a,
                policy=policy,
                correction_round=0,
                outcome=a.state,
                reason=REASONS[a.state],
                checklist={},
                decided_by=officer,
                decided_at=a.decided_at,
            )
            for a in created
            if a.state in DECIDED
        )
    return round_


def build_tenures(n: int, *, starts_on: date, seed: int = 2026) -> list[int]:
    """n running terms of n people (a round of n applications, each approved), all starting on `starts_on`
    under the round's policy, spread over the 60 enterprises; bulk-inserted like the applications. Returns
    their ids."""
    from chieftech.selection.models import Application
    from chieftech.tenure.domain.terms import term_ends_on
    from chieftech.tenure.models import Tenure, TenureStatus

    round_ = build_round(n, seed=seed)
    policy = round_.policy
    ends_on = term_ends_on(starts_on=starts_on, months=policy.management_period_months)
    applications = Application.objects.filter(round=round_).only("pk", "enterprise_id").order_by("pk")
    ids = []
    for start in range(0, n, BATCH):
        created = Tenure.objects.bulk_create(
            Tenure(
                application_id=a.pk,
                authority_id=round_.authority_id,
                policy=policy,
                enterprise_id=a.enterprise_id,
                starts_on=starts_on,
                ends_on=ends_on,
                status=TenureStatus.ACTIVE,
                status_since=starts_on,
            )
            for a in applications[start : start + BATCH]
        )
        ids += [tenure.pk for tenure in created]
    return ids


# --- payroll documents (benchmarks/payroll_sheet.py) -------------------------------------------------------


def build_payroll_batch(tenure_ids: list[int], *, period: date, number: str, seed: int = 2026):
    """A completed monthly batch paying `period` to each tenure of `tenure_ids` (a confirmed bank account each,
    made here when missing), with every 50th line failed at the bank and every 40th held; bulk-inserted like
    the tenures (no audit records). Returns the batch."""
    from decimal import Decimal

    from django.db.models import Sum
    from django.utils import timezone

    from chieftech.subsidy.models import PayrollBatch, PayrollLine, PayrollMonth
    from chieftech.tenure.models import BankAccount, Tenure

    rng = random.Random(seed)
    tenures = list(Tenure.objects.filter(pk__in=tenure_ids).select_related("policy").order_by("pk"))
    have = set(BankAccount.objects.filter(tenure_id__in=tenure_ids).values_list("tenure_id", flat=True))
    BankAccount.objects.bulk_create(
        (
            BankAccount(
                tenure_id=t.pk,
                bank="中国工商银行",
                branch="威海环翠支行",
                number=f"6222{rng.randrange(10**14, 10**15)}",
                account_name="首席技师",
                state="confirmed",
                applies_from=t.starts_on.replace(day=1),
                requested_at=timezone.now(),
                decided_at=timezone.now(),
            )
            for t in tenures
            if t.pk not in have
        ),
        batch_size=BATCH,
    )
    accounts = dict(BankAccount.objects.filter(tenure_id__in=tenure_ids).values_list("tenure_id", "pk"))
    officer = bench_officer()
    batch = PayrollBatch.objects.create(
        authority=bench_authority(),
        number=number,
        period_start=period,
        period_end=period,
        cadence="monthly",
        state="completed",
        built_by=officer,
        built_at=timezone.now(),
        paid_on=period,
    )
    for start in range(0, len(tenures), BATCH):
        lines = []
        for seq, tenure in enumerate(tenures[start : start + BATCH], start=start + 1):
            standard = tenure.policy.monthly_subsidy
            held, failed = seq % 40 == 0, seq % 50 == 0
            lines.append(
                PayrollLine(
                    batch=batch,
                    tenure=tenure,
                    seq=seq,
                    enterprise_id=tenure.enterprise_id,
                    policy=tenure.policy,
                    standard=standard,
                    months_count=1,
                    gross=standard,
                    tax=Decimal("0.00"),
                    net=standard,
                    state="held" if held else ("failed" if failed else "paid"),
                    hold_reason="尚无已确认的津贴发放账户" if held else "",
                    failure_reason="账户已冻结" if failed and not held else "",
                    bank_account_id=None if held else accounts[tenure.pk],
                    paid_on=None if held or failed else period,
                )
            )
        created = PayrollLine.objects.bulk_create(lines)
        PayrollMonth.objects.bulk_create(
            PayrollMonth(
                line=line,
                tenure_id=line.tenure_id,
                month=period,
                amount=line.standard,
                kind="regular",
                live=line.state == "paid",
            )
            for line in created
        )
    live = batch.lines.exclude(state="held")
    sums = live.aggregate(gross=Sum("gross"), net=Sum("net"))
    PayrollBatch.objects.filter(pk=batch.pk).update(
        line_count=live.count(),
        held_count=batch.lines.filter(state="held").count(),
        gross_total=sums["gross"] or 0,
        net_total=sums["net"] or 0,
    )
    return batch
