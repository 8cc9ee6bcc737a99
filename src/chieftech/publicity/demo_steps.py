"""The steps every demo round goes through, for any issuing authority: the call, the applications, the
qualification review, the committee's scoring and the public notice, each through the domain function a person
would trigger, called with the moment it would have happened.

Used by the district's rounds (chieftech.publicity.demo) and the city's (chieftech.publicity.demo_city).
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from chieftech.accounts.models import User
from chieftech.evaluation.domain.committee import committee_form
from chieftech.evaluation.domain.results import proposed_list_confirm
from chieftech.evaluation.domain.scoring import scoring_close, scoring_open, sheet_save, sheet_submit
from chieftech.evaluation.models import Committee, Criterion, Expert, ScoreSheet
from chieftech.policy.calendar import DEADLINE_TZ
from chieftech.policy.models import Authority
from chieftech.publicity.domain.notice import notice_period, notice_prepare, notice_publish
from chieftech.selection.demo import demo_certificate_png, demo_id_number, demo_verdicts
from chieftech.selection.domain.applications import application_create, application_submit
from chieftech.selection.domain.evidence import evidence_add
from chieftech.selection.domain.review import review_decide
from chieftech.selection.domain.rounds import round_create, round_publish_call, round_transition
from chieftech.selection.models import Application, Round, RoundState


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=DEADLINE_TZ)


@dataclass(frozen=True)
class Person:
    name: str
    birth: date
    serial: int  # the ID number's sequence code: odd for a man, even for a woman
    occupation: str
    post: str
    level: int
    enterprise_user: str
    qualified: bool = True

    @property
    def id_number(self) -> str:
        return demo_id_number(self.birth, self.serial)

    @property
    def phone(self) -> str:
        return f"1376310{self.serial:04d}"


DEEDS = (
    "{name}同志扎根{post}一线二十年，刻苦钻研{occupation}技术，练就了过硬本领。他主持的工艺改进项目把关键工序的"
    "一次合格率提高到百分之九十九以上，每年为企业节约成本百万元以上；总结的先进操作法在全公司推广应用，"
    "并作为企业标准发布实施。作为首席师傅，他先后与多名青年职工签订带徒协议，所带徒弟中多人取得高级工以上"
    "职业技能等级证书，成为班组技术骨干，并在市级职业技能竞赛中取得优异成绩。"
)


@dataclass(frozen=True)
class Timeline:
    """A round's dates, and the moments its steps happened."""

    opens: date
    deadline: date
    review_ends: date
    evaluation_ends: date
    scoring_opens: datetime
    scoring_closes: datetime
    confirmed: datetime
    notice_starts: date

    @classmethod
    def before_notice(cls, notice_starts: date) -> "Timeline":
        """The call, the review and the committee's work in the months before a notice starting that day."""
        s = notice_starts
        return cls(
            opens=s - timedelta(days=75),
            deadline=s - timedelta(days=45),
            review_ends=s - timedelta(days=30),
            evaluation_ends=s - timedelta(days=1),
            scoring_opens=at(s - timedelta(days=14), 9),
            scoring_closes=at(s - timedelta(days=10), 16),
            confirmed=at(s - timedelta(days=8), 10),
            notice_starts=s,
        )


def round_select(
    *,
    authority: Authority,
    officer: User,
    contact: str,
    title: str,
    year: int,
    is_demo: bool,
    timeline: Timeline,
    people: list[Person],
) -> Round:
    """The call, the applications and the qualification review: a round ready for the committee."""
    users = {u.username: u for u in User.objects.filter(username__in={p.enterprise_user for p in people})}
    t = timeline
    round_ = round_create(
        actor=officer,
        authority=authority,
        title=title,
        year=year,
        application_opens_on=t.opens,
        application_deadline=t.deadline,
        review_ends_on=t.review_ends,
        evaluation_ends_on=t.evaluation_ends,
        contact=contact,
        is_demo=is_demo,
        confirmed=True,
    )
    round_publish_call(actor=officer, round_=round_, now=at(t.opens, 9))
    applications = []
    for index, person in enumerate(people):
        user = users[person.enterprise_user]
        application = _application(round_=round_, user=user, person=person, index=index, timeline=t)
        applications.append(
            application_submit(actor=user, application=application, now=at(t.opens, 15 + index % 3))
        )
    round_transition(
        actor=officer, round_=round_, to_state=RoundState.REVIEW, now=at(t.deadline + timedelta(days=1), 9)
    )
    for index, (person, application) in enumerate(zip(people, applications, strict=True)):
        review_decide(
            actor=officer,
            application=application,
            outcome="qualified" if person.qualified else "not_qualified",
            reason=""
            if person.qualified
            else "经审查，申报人不具有技师（二级）以上职业资格，不符合第六条规定。",
            officer_verdicts=demo_verdicts(application) if person.qualified else None,
            now=at(t.deadline + timedelta(days=3), 9 + index // 6, 10 * (index % 6)),
        )
    round_transition(actor=officer, round_=round_, to_state=RoundState.EVALUATION, now=at(t.review_ends, 17))
    round_.refresh_from_db()
    return round_


def _application(*, round_: Round, user: User, person: Person, index: int, timeline: Timeline) -> Application:
    opened = timeline.opens
    application = application_create(
        actor=user,
        round_=round_,
        data={
            "route": "enterprise",
            "name": person.name,
            "id_number": person.id_number,
            "phone": person.phone,
            "education": "college" if index % 2 else "high_school",
            "occupation": person.occupation,
            "post": person.post,
            "is_frontline": True,
            "years_in_trade": round_.year - person.birth.year - 20,
            "apprentices_trained": 3 + index % 4,
            "apprentices_summary": "所带徒弟多人取得高级工以上职业技能等级证书，成为班组技术骨干。",
            "deeds": DEEDS.format(name=person.name, post=person.post, occupation=person.occupation),
            "enterprise_notice_starts_on": opened - timedelta(days=20),
            "enterprise_notice_ends_on": opened - timedelta(days=14),
            "enterprise_notice_outcome": "公示期满无异议",
            "enterprise_opinion": "该同志技术精湛、业绩突出，同意推荐。",
        },
        certificates=[
            {
                "level": person.level,
                "occupation": person.occupation,
                "number": f"S0000371000{person.serial:08d}",
                "issuer": "山东省人力资源和社会保障厅",
                "issued_on": date(round_.year - 8 + index % 4, 6, 30),
            }
        ],
        achievements=[
            {
                "kind": "innovation",
                "title": f"{person.occupation}关键工序工艺改进",
                "number": "",
                "achieved_on": date(round_.year - 1, 5, 1),
                "description": "一次合格率提高7个百分点，年节约成本约120万元。",
            }
        ],
        now=at(opened, 10 + index % 5),
    )
    evidence_add(
        actor=user,
        application=application,
        kind="certificate",
        name=f"{person.name}-职业资格证书.png",
        content=demo_certificate_png(f"S0000371000{person.serial:08d}"),
    )
    return application


def _points(maximum: Decimal, *, rank: int, member: int) -> Decimal:
    """A score in half points: the candidate's standing (their place in the list) with each member's own
    slight leniency, so the ranking is clear and the experts do not all agree to the point."""
    share = Decimal("0.94") - Decimal("0.05") * rank + Decimal("0.01") * ((member * 3 + rank) % 3 - 1)
    return (maximum * share * 2).quantize(Decimal("1"), rounding=ROUND_HALF_UP) / 2


def round_evaluate(*, round_: Round, timeline: Timeline, officer: User, experts: list[Expert]) -> None:
    """The committee forms, every member scores every candidate they are not recused from, the chair closes
    scoring and confirms the proposed list: the round moves to the notice stage."""
    chair = experts[0].user
    committee_form(
        actor=officer,
        round_=round_,
        name=f"{round_.title}评审委员会",
        chair=experts[0],
        experts=experts,
    )
    scoring_open(actor=chair, round_=round_, now=timeline.scoring_opens)
    committee = Committee.objects.select_related("round__scoring_scheme").get(round=round_)
    scheme = committee.round.scoring_scheme
    criteria = list(Criterion.objects.filter(scheme=scheme).order_by("order", "pk"))
    order = {a.pk: i for i, a in enumerate(Application.objects.filter(round=round_).order_by("pk"))}
    members = {m.pk: i for i, m in enumerate(committee.members.order_by("pk"))}
    sheets = ScoreSheet.objects.filter(member__committee=committee).select_related("member__expert__user")
    for sheet in sheets.order_by("member_id", "application_id", "part"):
        rank, member = order[sheet.application_id], members[sheet.member_id]
        if sheet.part == ScoreSheet.Part.ONSITE:
            points = {None: _points(scheme.onsite_max, rank=rank, member=member)}
        else:
            points = {c.pk: _points(c.max_points, rank=rank, member=member) for c in criteria}
        expert_user = sheet.member.expert.user
        sheet_save(actor=expert_user, sheet=sheet, points=points)
        submitted = timeline.scoring_opens + timedelta(hours=1 + member % 4, minutes=5 * rank)
        sheet_submit(actor=expert_user, sheet=sheet, now=submitted)
    scoring_close(actor=chair, round_=round_, now=timeline.scoring_closes)
    proposed_list_confirm(actor=chair, round_=round_, now=timeline.confirmed)
    round_.refresh_from_db()


def notice_run(*, round_: Round, starts_on: date, officer: User):
    notice_period(starts_on=starts_on, policy=round_.policy)  # CalendarDataMissing before anything is written
    notice = notice_prepare(actor=officer, round_=round_, starts_on=starts_on, now=at(starts_on, 8, 30))
    return notice_publish(actor=officer, notice=notice, now=at(starts_on, 9))
