"""The expert pool and the committee: its members, who scores whom, and the conflicts of interest found
automatically (第10条(四)).

The officer keeps the pool (`expert_create`, `expert_update`) and forms one committee per round
(`committee_form`, `committee_update`, `committee_groups_update`) while the round is in qualification review
or evaluation and the committee is still forming. After every change `committee_assignments_sync` makes the
Assignment rows and the employer recusals match. A committee that has opened scoring is not changed here.

The size recommendation (an odd number, at least five) is the system's advice, shown as a warning: the
measures name a committee and a chair but no size.
"""

from collections import Counter
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction

from chieftech.accounts.models import Enterprise, User
from chieftech.accounts.roles import Role
from chieftech.audit.domain import audit_record, snapshot
from chieftech.core.errors import DomainError
from chieftech.core.permissions import require_perm
from chieftech.core.pii import normalize_phone, validate_phone
from chieftech.evaluation.domain.scheme import scheme_default_create
from chieftech.evaluation.models import (
    Assignment,
    AssignmentMode,
    Committee,
    CommitteeMember,
    CommitteeState,
    Expert,
    GroupPlacement,
    Recusal,
    ScoringScheme,
)
from chieftech.evaluation.rules import COMMITTEE_MANAGE, NOT_THE_OFFICER
from chieftech.selection.models import Application, ApplicationState, Round, RoundState

EMPLOYER_RECUSAL_REASON = "该专家工作单位与候选人推荐单位相同，依规自动回避。"

# The system's recommendation, not the measures': an odd number so a vote cannot tie, and at least five so the
# trimmed mean (去掉一个最高分和一个最低分) still averages three sheets.
RECOMMENDED_MIN_MEMBERS = 5

# The rounds in which a committee may be formed or changed.
FORMING_ROUND_STATES = (RoundState.REVIEW, RoundState.EVALUATION)
SCORING_ROLES = (Role.EXPERT, Role.CHAIR)

EXPERT_AUDIT_FIELDS = [
    "name",
    "field",
    "employer_enterprise",
    "employer_name",
    "title",
    "phone",
    "user",
    "active",
]

Pair = tuple[int, int]  # (CommitteeMember id, Application id)


# --- The expert pool ------------------------------------------------------------------------------


def _text(value: str | None, *, field: str, label: str, max_length: int, required: bool) -> str:
    text = (value or "").strip()
    if required and not text:
        raise DomainError(f"请填写{label}。", field=field)
    if len(text) > max_length:
        raise DomainError(f"{label}不能超过{max_length}个字。", field=field)
    return text


def _user_roles(user_ids: list[int]) -> dict[int, set[str]]:
    """The scoring roles (expert, chair) each of these users holds, in one query."""
    roles: dict[int, set[str]] = {pk: set() for pk in user_ids}
    rows = User.groups.through.objects.filter(
        user_id__in=user_ids, group__name__in=SCORING_ROLES
    ).values_list("user_id", "group__name")
    for user_id, name in rows:
        roles[user_id].add(name)
    return roles


def _clean_expert(
    *,
    expert: Expert | None,
    name: str,
    field: str,
    employer_enterprise: Enterprise | None,
    employer_name: str,
    title: str,
    phone: str | None,
    user: User | None,
    active: bool,
) -> dict:
    data = {
        "name": _text(name, field="name", label="姓名", max_length=50, required=True),
        "field": _text(field, field="field", label="专业领域/工种", max_length=100, required=True),
        "title": _text(title, field="title", label="职称/技能等级", max_length=100, required=False),
        "active": bool(active),
    }
    other = _text(employer_name, field="employer_name", label="工作单位", max_length=200, required=False)
    if employer_enterprise is not None:
        if other and other != employer_enterprise.name:
            raise DomainError("已选择区内企业，“其他工作单位”请留空（两项只填一项）。", field="employer_name")
        data["employer_enterprise"] = employer_enterprise
        data["employer_name"] = employer_enterprise.name
    else:
        if not other:
            raise DomainError("请选择工作单位（区内企业），或填写其他工作单位。", field="employer_name")
        # A district enterprise typed by hand would escape the automatic recusal.
        if Enterprise.objects.filter(name=other).exists():
            raise DomainError(
                f"“{other}”是已登记的区内企业，请在“工作单位（区内企业）”中选择，以便自动回避同单位候选人。",
                field="employer_enterprise",
            )
        data["employer_enterprise"] = None
        data["employer_name"] = other
    if phone is not None:
        phone = normalize_phone(phone)
        if phone:
            try:
                validate_phone(phone)
            except ValidationError as exc:
                raise DomainError(exc.messages[0], field="phone") from None
        data["phone"] = phone
    if user is not None:
        if not user.is_active:
            raise DomainError(f"登录账号“{user.username}”已停用。", field="user")
        if not _user_roles([user.pk])[user.pk]:
            raise DomainError(
                f"登录账号“{user.username}”没有“评审专家”或“评审委员会主任”角色，请系统管理员先授予角色。",
                field="user",
            )
        taken = Expert.objects.filter(user=user).exclude(pk=expert.pk if expert else None).first()
        if taken is not None:
            raise DomainError(
                f"登录账号“{user.username}”已关联专家“{taken.name}”，一个账号只能对应一名专家。", field="user"
            )
    data["user"] = user
    return data


def expert_create(
    *,
    actor,
    authority,
    name: str,
    field: str,
    employer_enterprise: Enterprise | None = None,
    employer_name: str = "",
    title: str = "",
    phone: str = "",
    user: User | None = None,
    active: bool = True,
) -> Expert:
    """Add an expert to the pool. The employer is a district enterprise or, for any other body, its name."""
    require_perm(actor, COMMITTEE_MANAGE, authority, NOT_THE_OFFICER)
    data = _clean_expert(
        expert=None,
        name=name,
        field=field,
        employer_enterprise=employer_enterprise,
        employer_name=employer_name,
        title=title,
        phone=phone or "",
        user=user,
        active=active,
    )
    with transaction.atomic():
        expert = Expert.objects.create(authority=authority, **data)
        audit_record(
            action="expert.create", actor=actor, obj=expert, after=snapshot(expert, EXPERT_AUDIT_FIELDS)
        )
    return expert


def _scoring_committees(expert: Expert) -> list[Committee]:
    return list(
        Committee.objects.filter(members__expert=expert, state=CommitteeState.SCORING).select_related("round")
    )


def expert_update(
    *,
    actor,
    expert: Expert,
    name: str,
    field: str,
    employer_enterprise: Enterprise | None = None,
    employer_name: str = "",
    title: str = "",
    phone: str | None = None,
    user: User | None = None,
    active: bool = True,
) -> Expert:
    """Correct an expert's entry; `phone=None` keeps the stored number (editing never shows it in full).

    A change of employer re-checks the employer recusals of every committee the expert sits on that is still
    forming. While a committee the expert sits on is scoring, the employer, the login and the pool status stay
    as they are: they decide who scores whom and who is recused, which is fixed once scoring opened.
    """
    require_perm(actor, COMMITTEE_MANAGE, expert, NOT_THE_OFFICER)
    data = _clean_expert(
        expert=expert,
        name=name,
        field=field,
        employer_enterprise=employer_enterprise,
        employer_name=employer_name,
        title=title,
        phone=phone,
        user=user,
        active=active,
    )
    with transaction.atomic():
        expert = Expert.objects.select_for_update().get(pk=expert.pk)
        changed = {f: v for f, v in data.items() if getattr(expert, f) != v}
        if not changed:
            return expert
        fixed = {"employer_enterprise", "user", "active"} & changed.keys()
        if fixed:
            scoring = _scoring_committees(expert)
            if scoring:
                raise DomainError(
                    f"{expert.name}是“{scoring[0].name}”的委员，评分已开始，"
                    "工作单位、登录账号和在库状态在评审结束前不能修改。"
                    "如存在利益冲突，请该专家在评审中申明回避。",
                    field=sorted(fixed)[0],
                )
        before = snapshot(expert, EXPERT_AUDIT_FIELDS)
        for name_, value in changed.items():
            setattr(expert, name_, value)
        expert.save(update_fields=list(changed))
        audit_record(
            action="expert.update",
            actor=actor,
            obj=expert,
            before=before,
            after=snapshot(expert, EXPERT_AUDIT_FIELDS),
        )
        if "employer_enterprise" in changed:
            for committee in Committee.objects.filter(members__expert=expert, state=CommitteeState.FORMING):
                committee_assignments_sync(committee=committee)
    return expert


# --- Who scores whom ------------------------------------------------------------------------------


def committee_candidates(committee: Committee):
    """The candidates the committee scores: the round's qualified applications."""
    return Application.objects.filter(round_id=committee.round_id, state=ApplicationState.QUALIFIED)


def _plan(
    *,
    mode: str,
    members: list[CommitteeMember],
    candidates: list[Application],
    placements: dict[int, str],
) -> tuple[set[Pair], set[Pair]]:
    """The assignments and the employer recusals the rules ask for (members need `expert` loaded)."""
    if mode == AssignmentMode.BY_GROUP:
        assigned = {
            (m.pk, a.pk)
            for m in members
            for a in candidates
            if m.trade_group and placements.get(a.pk) == m.trade_group
        }
    else:
        assigned = {(m.pk, a.pk) for m in members for a in candidates}
    # A conflict of interest is a fact about the pair, whatever the assignment: kept for every candidate.
    employer = {
        (m.pk, a.pk)
        for m in members
        for a in candidates
        if m.expert.employer_enterprise_id is not None and m.expert.employer_enterprise_id == a.enterprise_id
    }
    return assigned, employer


def _placements(committee: Committee) -> dict[int, str]:
    return dict(
        GroupPlacement.objects.filter(committee=committee).values_list("application_id", "trade_group")
    )


def committee_assignments_sync(*, committee: Committee) -> None:
    """Make Assignment rows and employer recusals match the members, the mode and the qualified candidates.

    Idempotent. In `all` mode every member scores every candidate; in `by_group` mode a member scores the
    candidates placed in their trade group. An expert employed by a candidate's enterprise is recused from
    that candidate (a declared recusal is kept as it is); an employer recusal that no longer holds (the
    expert's employer changed, the candidate left) is removed. The committee row is locked, so two syncs of
    one committee run one after the other.
    """
    with transaction.atomic():
        committee = Committee.objects.select_for_update().get(pk=committee.pk)
        members = list(committee.members.select_related("expert"))
        candidates = list(committee_candidates(committee).only("pk", "enterprise_id"))
        assigned, employer = _plan(
            mode=committee.assignment_mode,
            members=members,
            candidates=candidates,
            placements=_placements(committee),
        )
        existing = {
            (m, a): pk
            for pk, m, a in Assignment.objects.filter(member__committee=committee).values_list(
                "pk", "member_id", "application_id"
            )
        }
        stale = [pk for pair, pk in existing.items() if pair not in assigned]
        if stale:
            Assignment.objects.filter(pk__in=stale).delete()
        Assignment.objects.bulk_create(
            Assignment(member_id=m, application_id=a) for m, a in sorted(assigned - existing.keys())
        )
        recused = {
            (m, a): (pk, kind)
            for pk, m, a, kind in Recusal.objects.filter(member__committee=committee).values_list(
                "pk", "member_id", "application_id", "kind"
            )
        }
        lapsed = [
            pk
            for pair, (pk, kind) in recused.items()
            if kind == Recusal.Kind.EMPLOYER and pair not in employer
        ]
        if lapsed:
            Recusal.objects.filter(pk__in=lapsed).delete()
        Recusal.objects.bulk_create(
            Recusal(member_id=m, application_id=a, kind=Recusal.Kind.EMPLOYER, reason=EMPLOYER_RECUSAL_REASON)
            for m, a in sorted(employer - recused.keys())
        )


# --- Forming the committee ------------------------------------------------------------------------


def _check_round(round_: Round) -> None:
    if round_.state not in FORMING_ROUND_STATES:
        raise DomainError(
            f"批次处于“{round_.get_state_display()}”阶段，只有资格审查或专家评审阶段可以组建、调整评审委员会。"
        )


def _check_forming(committee: Committee) -> None:
    frozen = ScoringScheme.objects.filter(round_id=committee.round_id, frozen_at__isnull=False).exists()
    if committee.state != CommitteeState.FORMING or frozen:
        raise DomainError(
            f"评审委员会{committee.get_state_display()}，评分已开始后委员会的组成、分组和评分方案都不能再修改。"
        )


def _check_members(*, chair: Expert, experts: list[Expert], round_: Round) -> list[Expert]:
    """The members in a stable order (chair first, then by name), each of the round's authority's pool and able
    to score; the chair able to chair."""
    seen: dict[int, Expert] = {}
    for expert in experts:
        seen.setdefault(expert.pk, expert)
    if not seen:
        raise DomainError("请选择评审委员会委员。", field="experts")
    if chair.pk not in seen:
        raise DomainError(f"主任{chair.name}须是委员会委员，请同时勾选其为委员。", field="chair")
    members = [seen[chair.pk], *sorted((e for pk, e in seen.items() if pk != chair.pk), key=lambda e: e.name)]
    users = {e.user_id: e for e in members if e.user_id is not None}
    active_users = set(User.objects.filter(pk__in=users, is_active=True).values_list("pk", flat=True))
    roles = _user_roles(list(users))
    for expert in members:
        if expert.authority_id != round_.authority_id:
            raise DomainError(f"{expert.name}不在本机关的评审专家库中。", field="experts")
        if not expert.active:
            raise DomainError(f"{expert.name}已不在专家库中（已停用），请移出委员会。", field="experts")
        if expert.user_id is None or expert.user_id not in active_users:
            raise DomainError(
                f"{expert.name}没有可用的登录账号，无法在系统中评分。请先在专家库中为其关联评审专家账号。",
                field="chair" if expert.pk == chair.pk else "experts",
            )
        if not roles[expert.user_id]:
            raise DomainError(
                f"{expert.name}的登录账号没有“评审专家”角色，无法评分。请系统管理员先授予角色。",
                field="chair" if expert.pk == chair.pk else "experts",
            )
    if Role.CHAIR not in roles[chair.user_id]:
        raise DomainError(
            f"{chair.name}的登录账号没有“评审委员会主任”角色，不能担任主任（开启、结束评分和确认建议名单需要该角色）。"
            "请另选主任，或请系统管理员先授予角色。",
            field="chair",
        )
    return members


def _check_settings(*, name: str, assignment_mode: str, load_cap: int | None) -> str:
    name = _text(name, field="name", label="委员会名称", max_length=200, required=True)
    if assignment_mode not in AssignmentMode.values:
        raise DomainError("请选择评审分配方式。", field="assignment_mode")
    if load_cap is not None and load_cap < 1:
        raise DomainError("每位专家评审人数上限须为正整数，或留空表示不设上限。", field="load_cap")
    return name


def committee_snapshot(committee: Committee) -> dict:
    members = committee.members.select_related("expert").order_by("pk")
    return {
        **snapshot(committee, ["name", "chair", "state", "assignment_mode", "load_cap"]),
        "members": [
            {"expert": m.expert_id, "name": m.expert.name, "trade_group": m.trade_group} for m in members
        ],
        "placements": {str(a): g for a, g in sorted(_placements(committee).items())},
    }


def committee_form(
    *,
    actor,
    round_: Round,
    name: str,
    chair: Expert,
    experts: list[Expert],
    assignment_mode: str = AssignmentMode.ALL,
    load_cap: int | None = None,
) -> Committee:
    """Form the round's committee from the pool, name its chair and seed the default scoring scheme.

    Every member needs a login holding the expert role (the chair: the chair role) to score in the system. A
    size other than an odd number of at least five is allowed and warned on the page (`committee_overview`).
    """
    require_perm(actor, COMMITTEE_MANAGE, round_, NOT_THE_OFFICER)
    name = _check_settings(name=name, assignment_mode=assignment_mode, load_cap=load_cap)
    members = _check_members(chair=chair, experts=experts, round_=round_)
    with transaction.atomic():
        round_ = Round.objects.select_for_update().get(pk=round_.pk)
        _check_round(round_)
        if Committee.objects.filter(round=round_).exists():
            raise DomainError("本批次已组建评审委员会，请在委员会页面调整。")
        committee = Committee.objects.create(
            round=round_,
            name=name,
            chair=chair,
            assignment_mode=assignment_mode,
            load_cap=load_cap,
            created_by=actor,
        )
        CommitteeMember.objects.bulk_create(
            CommitteeMember(committee=committee, expert=expert) for expert in members
        )
        scheme_default_create(round_=round_)
        committee_assignments_sync(committee=committee)
        audit_record(action="committee.form", actor=actor, obj=committee, after=committee_snapshot(committee))
    return committee


def committee_update(
    *,
    actor,
    committee: Committee,
    name: str,
    chair: Expert,
    experts: list[Expert],
    assignment_mode: str,
    load_cap: int | None,
) -> Committee:
    """Change the committee while it is forming: name, chair, members, assignment mode and load cap.

    A member kept keeps their trade group; a member removed takes their assignments and recusals with them.
    """
    require_perm(actor, COMMITTEE_MANAGE, committee, NOT_THE_OFFICER)
    name = _check_settings(name=name, assignment_mode=assignment_mode, load_cap=load_cap)
    members = _check_members(chair=chair, experts=experts, round_=committee.round)
    with transaction.atomic():
        committee = Committee.objects.select_for_update().select_related("round").get(pk=committee.pk)
        _check_forming(committee)
        _check_round(committee.round)
        before = committee_snapshot(committee)
        current = {m.expert_id: m for m in committee.members.all()}
        wanted = {e.pk for e in members}
        gone = [m.pk for expert_id, m in current.items() if expert_id not in wanted]
        committee.name, committee.chair = name, chair
        committee.assignment_mode, committee.load_cap = assignment_mode, load_cap
        committee.save(update_fields=["name", "chair", "assignment_mode", "load_cap"])
        if gone:
            CommitteeMember.objects.filter(pk__in=gone).delete()
        CommitteeMember.objects.bulk_create(
            CommitteeMember(committee=committee, expert=e) for e in members if e.pk not in current
        )
        committee_assignments_sync(committee=committee)
        after = committee_snapshot(committee)
        if after != before:
            audit_record(action="committee.update", actor=actor, obj=committee, before=before, after=after)
    return committee


def committee_groups_update(
    *,
    actor,
    committee: Committee,
    member_groups: dict[int, str],
    placements: dict[int, str],
) -> Committee:
    """Set the trade groups for by-group assignment: each member's (by expert id) and each candidate's (by
    application id). A blank group leaves the member or the candidate without a group (warned on the page)."""
    require_perm(actor, COMMITTEE_MANAGE, committee, NOT_THE_OFFICER)
    with transaction.atomic():
        committee = Committee.objects.select_for_update().select_related("round").get(pk=committee.pk)
        _check_forming(committee)
        _check_round(committee.round)
        members = {m.expert_id: m for m in committee.members.select_related("expert")}
        candidates = set(committee_candidates(committee).values_list("pk", flat=True))
        unknown = sorted(set(member_groups) - members.keys())
        if unknown:
            raise DomainError("所列专家不是本委员会委员，请刷新页面后重试。")
        if set(placements) - candidates:
            raise DomainError("所列候选人不是本批次资格审查通过的候选人，请刷新页面后重试。")
        groups = {
            expert_id: _text(
                group, field=f"group_{expert_id}", label="评审组", max_length=100, required=False
            )
            for expert_id, group in member_groups.items()
        }
        places = {
            application_id: _text(
                group, field=f"place_{application_id}", label="评审组", max_length=100, required=False
            )
            for application_id, group in placements.items()
        }
        before = committee_snapshot(committee)
        changed = [
            m
            for expert_id, m in members.items()
            if expert_id in groups and m.trade_group != groups[expert_id]
        ]
        for member in changed:
            member.trade_group = groups[member.expert_id]
        CommitteeMember.objects.bulk_update(changed, ["trade_group"])
        existing = {p.application_id: p for p in GroupPlacement.objects.filter(committee=committee)}
        cleared = [existing[a].pk for a, g in places.items() if not g and a in existing]
        if cleared:
            GroupPlacement.objects.filter(pk__in=cleared).delete()
        moved = []
        for application_id, group in places.items():
            placement = existing.get(application_id)
            if group and placement is not None and placement.trade_group != group:
                placement.trade_group = group
                moved.append(placement)
        GroupPlacement.objects.bulk_update(moved, ["trade_group"])
        GroupPlacement.objects.bulk_create(
            GroupPlacement(committee=committee, application_id=a, trade_group=g)
            for a, g in sorted(places.items())
            if g and a not in existing
        )
        committee_assignments_sync(committee=committee)
        after = committee_snapshot(committee)
        if after != before:
            audit_record(
                action="committee.update",
                actor=actor,
                obj=committee,
                reason="调整评审分组",
                before=before,
                after=after,
            )
    return committee


# --- What the officer sees ------------------------------------------------------------------------


@dataclass
class MemberLoad:
    member: CommitteeMember
    assigned: int  # candidates assigned
    recused: int  # of those, recused (employer or declared)
    over_cap: bool

    @property
    def load(self) -> int:
        return self.assigned - self.recused


@dataclass
class RecusalRow:
    expert: str
    candidate: str
    enterprise: str
    kind: str  # Recusal.Kind value
    reason: str
    declared_at: object = None

    @property
    def kind_label(self) -> str:
        return Recusal.Kind(self.kind).label


@dataclass
class CommitteeOverview:
    committee: Committee
    members: list[MemberLoad]
    candidates: list[Application]
    placements: dict[int, str]
    recusals: list[RecusalRow]
    scorers: dict[int, int]  # application id -> members scoring it (assigned, not recused)
    warnings: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # what must be put right before scoring opens


def committee_size_warning(n: int) -> str:
    if n >= RECOMMENDED_MIN_MEMBERS and n % 2 == 1:
        return ""
    return (
        f"委员会现有{n}名委员。建议委员人数为不少于{RECOMMENDED_MIN_MEMBERS}人的单数："
        "单数便于表决，去掉一个最高分和一个最低分后仍有足够的评分。"
    )


def committee_overview(committee: Committee) -> CommitteeOverview:
    """Members with their loads, candidates with their groups, recusals, and the warnings to show.

    Loads and employer recusals follow the rules as they stand now (the plan `committee_assignments_sync`
    applies), so a candidate qualified since the last change is already counted. A fixed number of queries.
    """
    # Members in the order they were seated (the chair first); candidates by trade. Sorted here, not by the
    # database, so the order does not depend on its collation of Chinese text.
    members = list(
        committee.members.select_related("expert__user", "expert__employer_enterprise").order_by("pk")
    )
    candidates = sorted(
        committee_candidates(committee)
        .select_related("enterprise")
        .only("pk", "name", "occupation", "enterprise_id", "enterprise__name"),
        key=lambda a: (a.occupation, a.name, a.pk),
    )
    placements = _placements(committee)
    assigned, employer = _plan(
        mode=committee.assignment_mode, members=members, candidates=candidates, placements=placements
    )
    by_member = {m.pk: m for m in members}
    by_candidate = {a.pk: a for a in candidates}
    declared = [
        (m, a, reason, at)
        for m, a, reason, at in Recusal.objects.filter(
            member__committee=committee, kind=Recusal.Kind.DECLARED
        ).values_list("member_id", "application_id", "reason", "declared_at")
        if m in by_member and a in by_candidate
    ]
    rows = [
        RecusalRow(
            expert=by_member[m].expert.name,
            candidate=by_candidate[a].name,
            enterprise=by_candidate[a].enterprise.name,
            kind=Recusal.Kind.EMPLOYER,
            reason=EMPLOYER_RECUSAL_REASON,
        )
        for m, a in employer - {(m, a) for m, a, _r, _t in declared}
    ] + [
        RecusalRow(
            expert=by_member[m].expert.name,
            candidate=by_candidate[a].name,
            enterprise=by_candidate[a].enterprise.name,
            kind=Recusal.Kind.DECLARED,
            reason=reason,
            declared_at=at,
        )
        for m, a, reason, at in declared
    ]
    rows.sort(key=lambda r: (r.candidate, r.expert))
    recused = employer | {(m, a) for m, a, _r, _t in declared}
    assigned_count = Counter(m for m, _ in assigned)
    recused_count = Counter(m for m, a in assigned if (m, a) in recused)
    scorers = Counter(a for m, a in assigned if (m, a) not in recused)
    cap = committee.load_cap
    loads = [
        MemberLoad(
            member=m,
            assigned=assigned_count[m.pk],
            recused=recused_count[m.pk],
            over_cap=cap is not None and assigned_count[m.pk] - recused_count[m.pk] > cap,
        )
        for m in members
    ]
    overview = CommitteeOverview(
        committee=committee,
        members=loads,
        candidates=candidates,
        placements=placements,
        recusals=rows,
        scorers={a.pk: scorers[a.pk] for a in candidates},
    )
    size = committee_size_warning(len(members))
    if size:
        overview.warnings.append(size)
    for row in loads:
        if row.over_cap:
            overview.warnings.append(
                f"{row.member.expert.name}需评审{row.load}名候选人，超过每位专家{cap}人的上限。"
            )
    if committee.assignment_mode == AssignmentMode.BY_GROUP:
        ungrouped = [m.expert.name for m in members if not m.trade_group]
        if ungrouped:
            overview.warnings.append(f"按组评审时，未分组的委员不评审任何候选人：{'、'.join(ungrouped)}。")
        unplaced = [a.name for a in candidates if not placements.get(a.pk)]
        if unplaced:
            overview.warnings.append(f"以下候选人尚未分组：{'、'.join(unplaced)}。")
    scheme = (
        ScoringScheme.objects.filter(round_id=committee.round_id)
        .only("pk", "trimmed_mean", "trim_min_sheets")
        .first()
    )
    if scheme is not None and scheme.trimmed_mean:
        few = [a.name for a in candidates if 0 < scorers[a.pk] < scheme.trim_min_sheets]
        if few:
            overview.warnings.append(
                f"以下候选人的评分委员少于{scheme.trim_min_sheets}人，将按算术平均计分，"
                f"不去掉最高分和最低分：{'、'.join(few)}。"
            )
    overview.problems = committee_problems(committee, members=members, candidates=candidates, scorers=scorers)
    return overview


def committee_problems(
    committee: Committee,
    *,
    members: list[CommitteeMember] | None = None,
    candidates: list[Application] | None = None,
    scorers: dict[int, int] | None = None,
) -> list[str]:
    """What must be put right before scoring can open: members who cannot score, a chair who cannot chair,
    candidates nobody scores. Empty when the committee is ready."""
    if members is None:
        members = list(committee.members.select_related("expert__user").order_by("pk"))
    if candidates is None or scorers is None:
        candidates = list(committee_candidates(committee).order_by("pk").only("pk", "name", "enterprise_id"))
        assigned, employer = _plan(
            mode=committee.assignment_mode,
            members=members,
            candidates=candidates,
            placements=_placements(committee),
        )
        recused = employer | set(
            Recusal.objects.filter(member__committee=committee, kind=Recusal.Kind.DECLARED).values_list(
                "member_id", "application_id"
            )
        )
        scorers = Counter(a for m, a in assigned if (m, a) not in recused)
    problems = []
    if not candidates:
        problems.append("本批次还没有资格审查通过的候选人。")
    roles = _user_roles([m.expert.user_id for m in members if m.expert.user_id is not None])
    for m in members:
        expert = m.expert
        if not expert.active:
            problems.append(f"{expert.name}已不在专家库中（已停用），请移出委员会。")
        elif expert.user is None or not expert.user.is_active or not roles.get(expert.user_id):
            problems.append(f"{expert.name}没有可用的评审专家登录账号，无法评分。")
        elif expert.pk == committee.chair_id and Role.CHAIR not in roles[expert.user_id]:
            problems.append(f"主任{expert.name}的登录账号没有“评审委员会主任”角色。")
    nobody = [a.name for a in candidates if scorers.get(a.pk, 0) == 0]
    if nobody:
        problems.append(f"以下候选人没有可评分的委员：{'、'.join(nobody)}。")
    return problems
