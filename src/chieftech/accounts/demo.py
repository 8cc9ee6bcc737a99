"""Demo accounts and enterprises, created through the domain functions like any real data.

Idempotent: each object is looked up by its natural key (username, 统一社会信用代码) first and only
created when missing, so a second run changes nothing and writes no audit record.
"""

from dataclasses import dataclass

from stdnum.cn import uscc as uscc_module

from chieftech.accounts import domain
from chieftech.accounts.models import Enterprise, Industry, IndustryFocus, User
from chieftech.accounts.roles import Role
from chieftech.env import env_str

DEFAULT_DEMO_PASSWORD = "ChiefTech-demo-2026"  # noqa: S105 - published on the login page in demo mode


def demo_password() -> str:
    return env_str("CHIEFTECH_DEMO_PASSWORD", DEFAULT_DEMO_PASSWORD)


def demo_uscc(n: int) -> str:
    """A well-formed 统一社会信用代码 of a Huancui (371002) company; fictitious, check digit per GB 32100."""
    body = f"91371002MA3CW{n:04d}"
    return body + uscc_module.calc_check_digit(body)


@dataclass(frozen=True)
class DemoStaff:
    username: str
    role: str
    real_name: str
    phone: str


@dataclass(frozen=True)
class DemoEnterprise:
    n: int
    name: str
    town: str
    industry: str
    focus: str
    address: str
    username: str
    contact_name: str
    contact_phone: str

    @property
    def uscc(self) -> str:
        return demo_uscc(self.n)


STAFF = [
    DemoStaff("admin", Role.SYSADMIN, "刘志强", "13806310101"),
    DemoStaff("auditor", Role.AUDITOR, "陈静", "13806310102"),
    DemoStaff("officer", Role.OFFICER, "张伟", "13806310103"),
    # A second officer: 复核 of the subsidy batches is never by the officer who built them.
    DemoStaff("officer2", Role.OFFICER, "李娜", "13806310108"),
    DemoStaff("leader", Role.LEADER, "孙立军", "13806310104"),
    DemoStaff("gov", Role.GOVERNMENT, "赵明", "13806310105"),
    DemoStaff("approver", Role.PAYROLL_APPROVER, "王建国", "13806310107"),
    DemoStaff("chair", Role.CHAIR, "周国华", "13806310106"),
    DemoStaff("expert1", Role.EXPERT, "李红梅", "13906310201"),
    DemoStaff("expert2", Role.EXPERT, "王海涛", "13906310202"),
    DemoStaff("expert3", Role.EXPERT, "刘芳", "13906310203"),
    DemoStaff("expert4", Role.EXPERT, "杨春林", "13906310204"),
    DemoStaff("expert5", Role.EXPERT, "黄志刚", "13906310205"),
    DemoStaff("expert6", Role.EXPERT, "吴晓燕", "13906310206"),
]

# The city of Weihai's own staff (chieftech.publicity.demo_city creates them once the city is registered): its
# officer, its leadership and government, and a small expert committee.
CITY_STAFF = [
    DemoStaff("cityofficer", Role.OFFICER, "高志远", "13906311001"),
    DemoStaff("cityleader", Role.LEADER, "宋立新", "13906311002"),
    DemoStaff("citygov", Role.GOVERNMENT, "孔祥瑞", "13906311003"),
    DemoStaff("citychair", Role.CHAIR, "董建平", "13906311004"),
    DemoStaff("cityexpert1", Role.EXPERT, "曹丽君", "13906311005"),
    DemoStaff("cityexpert2", Role.EXPERT, "于振东", "13906311006"),
]

# The roles' names as the city calls them (the roles' own labels name the district's bodies).
CITY_ROLE_LABELS = {
    Role.OFFICER: "市人社局经办人（威海市）",
    Role.LEADER: "市委人才工作领导小组（威海市）",
    Role.GOVERNMENT: "市政府经办人（威海市）",
    Role.CHAIR: "评审委员会主任（威海市）",
    Role.EXPERT: "评审专家（威海市）",
}


class Town:
    """Codes of the seeded district's towns (policy.Town) the demo enterprises lie in."""

    HUANCUILOU = "huancuilou"
    QIAOTOU = "qiaotou"
    SONGSHAN = "songshan"
    SUNJIATUAN = "sunjiatuan"
    TIANHE = "tianhe"
    WENQUAN = "wenquan"
    YANGTING = "yangting"
    ZHANGCUN = "zhangcun"


ENTERPRISES = [
    DemoEnterprise(
        1, "威海翠丰精密机械有限公司", Town.ZHANGCUN, Industry.MANUFACTURING, IndustryFocus.PILLAR,
        "环翠区张村镇沈阳路88号", "ent1", "于海波", "15863101001",
    ),
    DemoEnterprise(
        2, "威海安泰医疗器械有限公司", Town.WENQUAN, Industry.MEDICAL, IndustryFocus.EMERGING,
        "环翠区温泉镇温泉路16号", "ent2", "曲晓丽", "15863101002",
    ),
    DemoEnterprise(
        3, "威海嵩海电子科技有限公司", Town.SONGSHAN, Industry.ELECTRONICS, IndustryFocus.EMERGING,
        "环翠区嵩山街道文化西路201号", "ent3", "丛建军", "15863101003",
    ),
    DemoEnterprise(
        4, "威海蓝湾海洋科技有限公司", Town.SUNJIATUAN, Industry.MARINE, IndustryFocus.PILLAR,
        "环翠区孙家疃街道海滨北路66号", "ent4", "毕志远", "15863101004",
    ),
    DemoEnterprise(
        5, "威海锦绣纺织服装有限公司", Town.YANGTING, Industry.TEXTILE, IndustryFocus.PILLAR,
        "环翠区羊亭镇羊亭路9号", "ent5", "姜丽娜", "15863101005",
    ),
    DemoEnterprise(
        6, "威海鑫材新材料科技有限公司", Town.QIAOTOU, Industry.NEW_MATERIALS, IndustryFocus.EMERGING,
        "环翠区桥头镇工业园3号", "ent6", "谷文博", "15863101006",
    ),
    DemoEnterprise(
        7, "威海福味食品有限公司", Town.ZHANGCUN, Industry.FOOD, IndustryFocus.NONE,
        "环翠区张村镇福山路12号", "ent7", "邹春燕", "15863101007",
    ),
    DemoEnterprise(
        8, "威海华翠建设工程有限公司", Town.HUANCUILOU, Industry.CONSTRUCTION, IndustryFocus.NONE,
        "环翠区环翠楼街道新威路35号", "ent8", "林国栋", "15863101008",
    ),
]  # fmt: skip

# A portal registration the officer has not reviewed yet: its account signs in but cannot act.
PENDING_REGISTRATION = DemoEnterprise(
    9, "威海远航船舶配套有限公司", Town.TIANHE, Industry.MANUFACTURING, IndustryFocus.PILLAR,
    "环翠区田和街道青岛北路120号", "ent9", "王立新", "15863101009",
)  # fmt: skip


# The chief technicians of the 2024 cohort who have their own accounts (created by chieftech.tenure.demo).
HOLDER_USERNAMES = ("tech1", "tech2", "tech3")


def demo_accounts() -> list[dict[str, str]]:
    """Every demo account with its role and enterprise, for the login page and the command's table."""
    rows = [{"username": s.username, "role": Role(s.role).label, "real_name": s.real_name, "enterprise": ""}
            for s in STAFF]  # fmt: skip
    rows += [
        {
            "username": e.username,
            "role": Role.ENTERPRISE.label,
            "real_name": e.contact_name,
            "enterprise": e.name,
        }
        for e in ENTERPRISES
    ]
    p = PENDING_REGISTRATION
    rows.append(
        {
            "username": p.username,
            "role": f"{Role.ENTERPRISE.label}（注册待审核）",
            "real_name": p.contact_name,
            "enterprise": p.name,
        }
    )
    city = {u.username for u in User.objects.filter(username__in=[s.username for s in CITY_STAFF])}
    rows += [
        {
            "username": s.username,
            "role": f"{Role(s.role).label}（威海市）",
            "real_name": s.real_name,
            "enterprise": "",
        }
        for s in CITY_STAFF
        if s.username in city
    ]
    # Their own logins, once the management-period demo has invited them (the tenure is the reverse side).
    for user in User.objects.filter(username__in=HOLDER_USERNAMES).select_related("tenure__enterprise"):
        tenure = getattr(user, "tenure", None)
        rows.append(
            {
                "username": user.username,
                "role": Role.TECHNICIAN.label,
                "real_name": user.real_name,
                "enterprise": tenure.enterprise.name if tenure is not None else "",
            }
        )
    return rows


def _existing_users() -> dict[str, User]:
    return {u.username: u for u in User.objects.filter(username__in=[s.username for s in STAFF])}


def _activated(created: domain.NewAccount, password: str) -> User:
    """Each demo person opens their own activation link and sets the published demo password, as a real
    holder would: the creator never sets it."""
    link = created.activation
    return domain.account_activate(uidb64=link.uidb64, token=link.token, password=password)


def demo_email(username: str) -> str:
    """A demo account's mailbox (the activation link goes there; a reserved domain that never delivers)."""
    return f"{username}@demo.invalid"


def load_demo(*, password: str) -> None:
    """Staff accounts (the system admin creates them), the officer's enterprises with one account each,
    and one pending self-registration."""
    staff = _existing_users()
    admin = staff.get("admin")
    for person in STAFF:
        if person.username in staff:
            continue
        staff[person.username] = _activated(
            domain.user_create(
                # The first system admin and the first audit admin are set up from the command line (a
                # system admin alone cannot grant the auditor role); the system admin creates everyone else.
                actor=admin if person.username not in ("admin", "auditor") else None,
                username=person.username,
                real_name=person.real_name,
                phone=person.phone,
                email=demo_email(person.username),
                roles=[person.role],
            ),
            password,
        )
        if person.username == "admin":
            admin = staff["admin"]
    officer = staff["officer"]

    existing = {e.uscc: e for e in Enterprise.objects.filter(uscc__in=[d.uscc for d in ENTERPRISES])}
    taken = set(
        User.objects.filter(username__in=[d.username for d in ENTERPRISES]).values_list("username", flat=True)
    )
    for data in ENTERPRISES:
        enterprise = existing.get(data.uscc)
        if enterprise is None:
            enterprise = domain.enterprise_create(
                actor=officer,
                name=data.name,
                uscc=data.uscc,
                town=data.town,
                industry=data.industry,
                industry_focus=data.focus,
                address=data.address,
                contact_name=data.contact_name,
                contact_phone=data.contact_phone,
            )
        if data.username not in taken:
            _activated(
                domain.user_create(
                    actor=officer,
                    username=data.username,
                    real_name=data.contact_name,
                    phone=data.contact_phone,
                    email=demo_email(data.username),
                    enterprise=enterprise,
                    roles=[Role.ENTERPRISE],
                ),
                password,
            )

    p = PENDING_REGISTRATION
    if (
        not Enterprise.objects.filter(uscc=p.uscc).exists()
        and not User.objects.filter(username=p.username).exists()
    ):
        domain.enterprise_registration_submit(
            uscc=p.uscc,
            name=p.name,
            town=p.town,
            industry=p.industry,
            industry_focus=p.focus,
            address=p.address,
            contact_name=p.contact_name,
            contact_phone=p.contact_phone,
            username=p.username,
            password=password,
        )
