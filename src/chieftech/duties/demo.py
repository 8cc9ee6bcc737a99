"""The 2024 cohort's records of the management period (第8条(五), 第13条–第15条), as the people concerned kept them.

- the mentorship ledger: each holder signed agreements with apprentices early in 2025; 曲志刚, 于海燕, 宋建军
  and 林晓红 each saw at least two of them reach 高级工 within year 1 of the term (27 December 2024 to
  26 December 2025); 鞠文涛 only one (another reached 中级工; a third
  already held 高级工 before the year began, November 2024, and is mentored towards 技师);
- one deliberate duplicate for the officer: 于海燕, at 鞠文涛's enterprise since April 2025, also entered his
  apprentice 孙浩 with the same certificate;
- the duties log (第15条): a few activities of each kind in 2025 and in 2026 up to today;
- the employers' yearly records (第13条): every holder's 2025; for 2026 all but 威海蓝湾海洋科技 (林晓红's),
  which the reminder of 1 December 2026 names; 鞠文涛's 2026 is not kept, his term not renewed;
- the departments' support (第14条) and a liaison cadre per holder with the contacts they logged.

The steps are events in tenure.demo's timeline (`duty_events`), each at the moment it happened; the holders'
own logins (`tech1`…`tech3`) exist from January 2025.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from functools import partial

from chieftech.core.pdf import para, pdf_build, pdf_styles
from chieftech.duties.domain.duty_log import duty_activity_add
from chieftech.duties.domain.files import Upload
from chieftech.duties.domain.ledger import agreement_add, apprentice_add, certificate_add
from chieftech.duties.domain.liaison import liaison_assign, liaison_contact_add
from chieftech.duties.domain.obligation_reminders import employer_records_remind_due
from chieftech.duties.domain.obligations import employer_record_save
from chieftech.duties.domain.support import support_record_add
from chieftech.duties.models import Apprentice, DutyKind, LiaisonAssignment, LiaisonContact, SupportKind
from chieftech.policy.calendar import DEADLINE_TZ
from chieftech.policy.models import SkillLevel
from chieftech.selection.demo import demo_id_number
from chieftech.tenure.models import Tenure

Event = tuple[datetime, Callable[[], None]]


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=DEADLINE_TZ)


def demo_pdf(title: str, *lines: str) -> bytes:
    """A stand-in for the scanned paper the person uploads (the demo has no scanner)."""
    styles = pdf_styles()
    return pdf_build(
        [
            para(title, styles.title),
            *(para(line, styles.body) for line in lines),
            para("（演示数据：扫描件）", styles.body),
        ],
        title=title,
    )


# Who keeps each holder's records (rank in the cohort → username): the holder's own login where there is one,
# otherwise the enterprise.
KEEPERS = {0: "tech1", 1: "tech2", 2: "ent3", 3: "tech3", 4: "ent6"}


@dataclass(frozen=True)
class Pupil:
    rank: int  # the holder's
    name: str
    birth: date
    serial: int  # of the ID number: odd for a man, even for a woman
    occupation: str
    enterprise_user: str  # a user of the apprentice's enterprise
    signed_on: date
    certificates: tuple[tuple[int, date], ...] = ()

    @property
    def id_number(self) -> str:
        return demo_id_number(self.birth, self.serial)

    def certificate_number(self, issued_on: date) -> str:
        return f"S000037100{issued_on:%Y}{self.serial:06d}"


SENIOR, INTERMEDIATE = SkillLevel.SENIOR, SkillLevel.INTERMEDIATE
PUPILS = [
    Pupil(0, "张浩然", date(1998, 3, 12), 211, "数控铣工", "ent1", date(2025, 1, 20), ((SENIOR, date(2025, 6, 20)),)),
    Pupil(0, "李明辉", date(1996, 9, 5), 233, "数控铣工", "ent1", date(2025, 1, 20), ((SENIOR, date(2025, 11, 14)),)),
    Pupil(0, "王佳琪", date(2000, 1, 18), 242, "数控车工", "ent1", date(2025, 2, 17), ((INTERMEDIATE, date(2025, 9, 26)),)),
    Pupil(1, "赵雪", date(1997, 5, 22), 252, "医疗器械装配工", "ent2", date(2025, 1, 22), ((SENIOR, date(2025, 7, 18)),)),
    Pupil(1, "孙晓东", date(1995, 12, 1), 271, "医疗器械装配工", "ent2", date(2025, 1, 22), ((SENIOR, date(2025, 10, 24)),)),
    Pupil(2, "刘洋", date(1999, 7, 9), 291, "电子设备装接工", "ent3", date(2025, 2, 10), ((SENIOR, date(2025, 5, 30)),)),
    Pupil(2, "陈静怡", date(1998, 2, 14), 302, "电子设备装接工", "ent3", date(2025, 2, 10), ((SENIOR, date(2025, 9, 12)),)),
    Pupil(3, "邹丽娜", date(1996, 4, 3), 312, "水产品加工工", "ent4", date(2025, 2, 12), ((SENIOR, date(2025, 8, 15)),)),
    Pupil(3, "曲晓峰", date(1997, 10, 27), 331, "水产品加工工", "ent4", date(2025, 2, 12), ((SENIOR, date(2025, 12, 5)),)),
    Pupil(3, "毕文静", date(2001, 6, 16), 342, "水产品加工工", "ent4", date(2025, 3, 3), ((INTERMEDIATE, date(2025, 6, 27)),)),
    Pupil(4, "谷志强", date(1996, 8, 8), 351, "复合材料成型工", "ent6", date(2025, 2, 18), ((SENIOR, date(2025, 10, 17)),)),
    Pupil(4, "孙浩", date(1999, 11, 30), 371, "复合材料成型工", "ent6", date(2025, 2, 18), ((INTERMEDIATE, date(2025, 7, 25)),)),
    Pupil(4, "隋丽", date(1998, 3, 21), 382, "复合材料成型工", "ent6", date(2025, 2, 18), ((SENIOR, date(2024, 11, 22)),)),
    # The duplicate: 于海燕 also mentors 孙浩 at her new enterprise and entered him and his certificate.
    Pupil(1, "孙浩", date(1999, 11, 30), 371, "复合材料成型工", "ent6", date(2025, 5, 6), ((INTERMEDIATE, date(2025, 7, 25)),)),
]  # fmt: skip
AGREEMENT_ENDS = date(2026, 12, 26)  # with the term
NOT_RENEWED = {4}  # 鞠文涛, from the re-review of December 2025 (chieftech.review.demo)

# (kind, title, description); {occupation} and {post} are the holder's.
DUTIES = {
    DutyKind.MENTORING: (
        "{occupation}关键工序带徒实操训练",
        "组织所带徒弟开展{occupation}关键工序实操训练，现场讲解操作要领和质量控制要点，逐人点评。",
    ),
    DutyKind.INNOVATION: (
        "{post}工艺难题攻关",
        "牵头攻关{post}的一项质量难题，形成改进方案并经试产验证后在车间推广，一次合格率明显提高。",
    ),
    DutyKind.EXCHANGE: (
        "全区职业技能竞赛{occupation}项目技能展示",
        "在全区职业技能竞赛期间进行{occupation}绝技绝活展示，并与参赛选手交流操作经验。",
    ),
    DutyKind.PUBLICITY: (
        "“工匠进校园”宣讲",
        "到威海职业学院为学生讲述从一线工人成长为首席技师的经历，宣传劳模精神、工匠精神。",
    ),
}
# (kind, day): each holder's is a few days apart (the rank's number of days later).
DUTY_DAYS = [
    (DutyKind.MENTORING, date(2025, 3, 14)),
    (DutyKind.INNOVATION, date(2025, 6, 10)),
    (DutyKind.EXCHANGE, date(2025, 9, 17)),
    (DutyKind.PUBLICITY, date(2025, 11, 19)),
    (DutyKind.MENTORING, date(2026, 3, 12)),
    (DutyKind.INNOVATION, date(2026, 7, 8)),
    (DutyKind.PUBLICITY, date(2026, 10, 21)),
]

# 第13条: rank → the employer's record for 2025 (and for 2026 where kept).
EMPLOYER_DATA = {
    "has_supplementary_insurance": True,
    "medical_subsidy": Decimal("1200.00"),
    "medical_note": "按公司补充医疗保险办法报销门诊、住院自付医疗费用。",
    "health_check_note": "在威海市立医院健康管理中心进行年度健康查体（高端套餐）。",
    "paid_leave_days": 7,
    "paid_leave_note": "安排带薪休假7天，已休完。",
}
# (rank, year, the enterprise user who recorded it, the day, the health check's day).
EMPLOYER_RECORDS = [
    (0, 2025, "ent1", date(2025, 12, 10), date(2025, 5, 16)),
    (1, 2025, "ent2", date(2025, 12, 9), date(2025, 3, 14)),  # her employer until March
    (1, 2025, "ent6", date(2025, 12, 11), date(2025, 6, 6)),
    (2, 2025, "ent3", date(2025, 12, 12), date(2025, 4, 25)),
    (3, 2025, "ent4", date(2025, 12, 15), date(2025, 9, 19)),
    (4, 2025, "ent6", date(2025, 12, 11), date(2025, 6, 6)),
    (0, 2026, "ent1", date(2026, 11, 20), date(2026, 5, 15)),
    (1, 2026, "ent6", date(2026, 11, 25), date(2026, 6, 5)),
    (2, 2026, "ent3", date(2026, 11, 26), date(2026, 4, 24)),
]
REMINDER_AT = _at(date(2026, 12, 1), 8)
# The city's cohort (chieftech.publicity.demo_city), from 15 December 2025: 威海蓝湾海洋科技 has not recorded 2026
# for 姜海龙 either, so the reminder of 1 December 2026 names both its holders.
CITY_EMPLOYER_RECORDS = [
    (0, 2025, "ent1", date(2025, 12, 29), date(2025, 10, 17)),
    (1, 2025, "ent2", date(2025, 12, 30), date(2025, 9, 12)),
    (2, 2025, "ent4", date(2025, 12, 30), date(2025, 9, 19)),
    (0, 2026, "ent1", date(2026, 11, 20), date(2026, 5, 15)),
    (1, 2026, "ent2", date(2026, 11, 24), date(2026, 9, 11)),
]

# (rank, kind, day, title, department, description)
SUPPORT = [
    (0, SupportKind.PROJECT, date(2025, 5, 20), "参与区重点技术改造项目“五轴加工中心升级”技术论证", "区工业和信息化局",
     "作为技术专家参与项目可行性论证，提出加工工艺和刀具选型建议。"),
    (4, SupportKind.RESEARCH, date(2025, 7, 1), "区科技计划项目“碳纤维复合材料快速成型工艺”优先立项", "区科学技术局",
     "在同等条件下优先立项支持，资助研发经费5万元。"),
    (3, SupportKind.STUDY, date(2025, 9, 16), "赴青岛参观考察海洋食品精深加工企业", "区人力资源和社会保障局",
     "脱产参观考察3天，学习海洋食品精深加工自动化生产线经验。"),
    (1, SupportKind.TRAINING, date(2026, 4, 20), "参加全省高技能人才研修班（医疗器械方向）", "区人力资源和社会保障局",
     "选派参加为期5天的研修，费用由区人才发展专项资金列支。"),
    (0, SupportKind.PUBLICITY, date(2026, 5, 1), "“环翠工匠”专题报道", "区委宣传部",
     "在区融媒体中心“环翠工匠”栏目专题报道其技术攻关和带徒事迹。"),
]  # fmt: skip

# rank → (name, post, unit, phone)
LIAISONS = {
    0: ("王海波", "区人力资源和社会保障局副局长", "威海市环翠区人力资源和社会保障局", "13806312201"),
    1: ("刘建华", "区总工会副主席", "威海市环翠区总工会", "13806312202"),
    2: ("孙丽", "区工业和信息化局副局长", "威海市环翠区工业和信息化局", "13806312203"),
    3: ("张志刚", "区科学技术局副局长", "威海市环翠区科学技术局", "13806312204"),
    4: ("曲卫东", "桥头镇党委副书记", "威海市环翠区桥头镇人民政府", "13806312205"),
}
LIAISONS_ASSIGNED = date(2025, 1, 20)
# (rank, day, mode, difficulties, resolution)
CONTACTS = [
    (0, date(2025, 3, 18), LiaisonContact.Mode.VISIT, "带徒工位紧张，实操训练与生产任务冲突。",
     "协调企业在精密加工车间单独设立2个带徒实训工位。"),
    (3, date(2025, 6, 24), LiaisonContact.Mode.TALK, "希望外出学习海洋食品精深加工新工艺。",
     "纳入区人社局年度参观考察计划，9月安排赴青岛考察。"),
    (1, date(2025, 4, 15), LiaisonContact.Mode.PHONE, "调入新单位后，原单位所带徒弟的培养能否继续。",
     "经与两家企业沟通，原带徒协议继续履行，徒弟可到新单位跟岗学习。"),
    (4, date(2025, 11, 5), LiaisonContact.Mode.VISIT, "徒弟参加高级工认定的考位紧张。",
     "协调区职业技能等级认定机构增加一次认定批次，并提醒按时报名。"),
    (0, date(2026, 9, 10), LiaisonContact.Mode.PHONE, "", "了解技术攻关进展，无需协调事项。"),
]  # fmt: skip


def duty_events(*, cohort: list[Tenure], users: dict) -> list[Event]:
    """The records' steps as (moment, step) events; `users` is filled with the holders as the timeline runs."""
    officer = users["officer"]
    events: list[Event] = []
    ledger: dict[tuple[int, int], Apprentice] = {}

    def tenure(rank: int) -> Tenure:
        return Tenure.objects.select_related("application").get(pk=cohort[rank].pk)

    for pupil in PUPILS:
        events.append(
            (
                _at(pupil.signed_on, 15),
                partial(_apprentice, pupil=pupil, tenure=tenure, users=users, ledger=ledger),
            )
        )
        for level, issued_on in pupil.certificates:
            # Entered a few days after it was issued, or with the apprentice when it came before the agreement.
            recorded = max(_at(issued_on + timedelta(days=4), 10), _at(pupil.signed_on, 15, 30))
            events.append(
                (recorded, partial(_certificate, pupil=pupil, level=level, issued_on=issued_on, users=users,
                                   ledger=ledger, at=recorded))
            )  # fmt: skip
    for rank in range(len(cohort)):
        for kind, day in DUTY_DAYS:
            occurred_on = day + timedelta(days=rank)
            if rank in NOT_RENEWED and occurred_on.year > 2025:
                continue  # no longer a chief technician: nothing more to log
            logged = _at(occurred_on + timedelta(days=1), 17)
            events.append(
                (logged, partial(_duty, rank=rank, kind=kind, occurred_on=occurred_on, tenure=tenure, users=users, at=logged))
            )  # fmt: skip
    events += employer_record_events(EMPLOYER_RECORDS, tenure=tenure, users=users)
    events.append((REMINDER_AT, partial(employer_records_remind_due, now=REMINDER_AT)))
    for rank, kind, day, title, department, description in SUPPORT:

        def support(
            rank=rank, kind=kind, day=day, title=title, department=department, description=description
        ):
            support_record_add(
                actor=officer,
                tenure=tenure(rank),
                kind=kind,
                occurred_on=day,
                title=title,
                department=department,
                description=description,
                upload=Upload(name=f"{title}.pdf", content=demo_pdf(title, department, description)),
                now=_at(day + timedelta(days=2), 11),
            )

        events.append((_at(day + timedelta(days=2), 11), support))
    assignments: dict[int, LiaisonAssignment] = {}
    for rank, (name, post, unit, phone) in LIAISONS.items():

        def assign(rank=rank, name=name, post=post, unit=unit, phone=phone) -> None:
            assignments[rank] = liaison_assign(
                actor=officer,
                tenure=tenure(rank),
                cadre_name=name,
                cadre_post=post,
                cadre_unit=unit,
                cadre_phone=phone,
                assigned_on=LIAISONS_ASSIGNED,
                now=_at(LIAISONS_ASSIGNED, 16),
            )

        events.append((_at(LIAISONS_ASSIGNED, 16), assign))
    for rank, day, mode, difficulties, resolution in CONTACTS:

        def contact(rank=rank, day=day, mode=mode, difficulties=difficulties, resolution=resolution) -> None:
            liaison_contact_add(
                actor=officer,
                assignment=assignments[rank],
                contacted_on=day,
                mode=mode,
                difficulties=difficulties,
                resolution=resolution,
                now=_at(day + timedelta(days=1), 9),
            )

        events.append((_at(day + timedelta(days=1), 9), contact))
    return events


def employer_record_events(records: list, *, tenure: Callable[[int], Tenure], users: dict) -> list[Event]:
    """第13条: each enterprise's yearly record, (rank, year, username, day, health check's day) each."""
    events: list[Event] = []
    for rank, year, username, day, check_on in records:

        def record(rank=rank, year=year, username=username, day=day, check_on=check_on) -> None:
            employer_record_save(
                actor=users[username],
                tenure=tenure(rank),
                year=year,
                data={**EMPLOYER_DATA, "health_check_on": check_on},
                now=_at(day, 10),
            )

        events.append((_at(day, 10), record))
    return events


def city_duty_events(*, cohort: list[Tenure], users: dict) -> list[Event]:
    """The city's cohort's employers' records (their re-review is chieftech.review.demo's)."""
    return employer_record_events(
        CITY_EMPLOYER_RECORDS, tenure=lambda rank: Tenure.objects.get(pk=cohort[rank].pk), users=users
    )


def _apprentice(*, pupil: Pupil, tenure: Callable[[int], Tenure], users: dict, ledger: dict) -> None:
    actor = users[KEEPERS[pupil.rank]]
    holder = tenure(pupil.rank)
    apprentice = apprentice_add(
        actor=actor,
        tenure=holder,
        name=pupil.name,
        id_number=pupil.id_number,
        occupation=pupil.occupation,
        enterprise=users[pupil.enterprise_user].enterprise,
        now=_at(pupil.signed_on, 15),
    )
    ledger[(pupil.rank, pupil.serial)] = apprentice
    title = f"{holder.application.name}与{pupil.name}带徒协议"
    agreement_add(
        actor=actor,
        apprentice=apprentice,
        signed_on=pupil.signed_on,
        ends_on=AGREEMENT_ENDS,
        upload=Upload(
            name="带徒协议.pdf",
            content=demo_pdf(
                title, f"签订日期：{pupil.signed_on:%Y年%m月%d日}", f"培养方向：{pupil.occupation}"
            ),
        ),
        now=_at(pupil.signed_on, 15, 10),
    )


def _certificate(
    *, pupil: Pupil, level: int, issued_on: date, users: dict, ledger: dict, at: datetime
) -> None:
    number = pupil.certificate_number(issued_on)
    issuer = users[pupil.enterprise_user].enterprise.name
    certificate_add(
        actor=users[KEEPERS[pupil.rank]],
        apprentice=ledger[(pupil.rank, pupil.serial)],
        level=level,
        occupation=pupil.occupation,
        number=number,
        issuer=issuer,
        issued_on=issued_on,
        upload=Upload(
            name=f"{pupil.name}职业技能等级证书.pdf",
            content=demo_pdf(
                "职业技能等级证书",
                f"姓名：{pupil.name}",
                f"职业（工种）：{pupil.occupation}",
                f"等级：{SkillLevel(level).label}",
                f"证书编号：{number}",
                f"发证单位：{issuer}",
            ),
        ),
        now=at,
    )


def _duty(
    *, rank: int, kind: str, occurred_on: date, tenure: Callable[[int], Tenure], users: dict, at: datetime
) -> None:
    holder = tenure(rank)
    application = holder.application
    title, description = (
        text.format(occupation=application.occupation, post=application.post) for text in DUTIES[kind]
    )
    duty_activity_add(
        actor=users[KEEPERS[rank]],
        tenure=holder,
        kind=kind,
        occurred_on=occurred_on,
        title=title,
        description=description,
        upload=Upload(
            name=f"{title}.pdf", content=demo_pdf(title, f"{occurred_on:%Y年%m月%d日}", description)
        ),
        now=at,
    )
