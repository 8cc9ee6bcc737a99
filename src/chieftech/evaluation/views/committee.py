"""The officer's committee pages: the expert pool, forming the round's committee, the scoring scheme."""

from decimal import Decimal

from django.contrib import messages
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from chieftech.accounts.models import User
from chieftech.accounts.roles import Role, acting_authority_for, authority_ids_for
from chieftech.core.badges import badge_css
from chieftech.core.errors import DomainError, add_domain_error
from chieftech.core.permissions import capability_required
from chieftech.core.pii import mask_phone
from chieftech.evaluation.domain.committee import (
    FORMING_ROUND_STATES,
    SCORING_ROLES,
    committee_form,
    committee_groups_update,
    committee_overview,
    committee_update,
    expert_update,
)
from chieftech.evaluation.domain.committee import expert_create as pool_add
from chieftech.evaluation.domain.scheme import points_text, scheme_template_note, scheme_update
from chieftech.evaluation.forms_committee import (
    CommitteeForm,
    CriterionFormSet,
    ExpertForm,
    GroupsForm,
    SchemeForm,
    add_scheme_error,
    criteria_inputs,
)
from chieftech.evaluation.models import (
    AssignmentMode,
    Committee,
    CommitteeState,
    Expert,
    ScoringScheme,
)
from chieftech.evaluation.rules import MANAGE_COMMITTEE
from chieftech.selection.models import Round
from chieftech.selection.selectors import rounds_for

ROLE_LABELS = {Role.CHAIR: "评审委员会主任", Role.EXPERT: "评审专家"}


def _employer(expert: Expert) -> str:
    if expert.employer_enterprise_id is not None:
        return f"{expert.employer_enterprise.name}（区内企业）"
    return expert.employer_name


def _account_roles(users: list[User]) -> dict[int, set[str]]:
    """The scoring roles of these users, from one query."""
    ids = [u.pk for u in users]
    roles: dict[int, set[str]] = {pk: set() for pk in ids}
    rows = User.groups.through.objects.filter(user_id__in=ids, group__name__in=SCORING_ROLES).values_list(
        "user_id", "group__name"
    )
    for user_id, name in rows:
        roles[user_id].add(name)
    return roles


def _account_label(expert: Expert, roles: dict[int, set[str]]) -> tuple[str, bool]:
    """How the expert signs in, and whether they can score in the system."""
    user = expert.user
    if user is None:
        return "未关联账号（不能在系统中评分）", False
    if not user.is_active:
        return f"{user.username}（账号已停用）", False
    held = roles.get(user.pk, set())
    if not held:
        return f"{user.username}（无评审角色）", False
    labels = "、".join(ROLE_LABELS[r] for r in SCORING_ROLES[::-1] if r in held)
    return f"{user.username}（{labels}）", True


# --- The pool ---------------------------------------------------------------------------------------


def _experts_for(user):
    """The expert pools of the authorities the officer manages committees for."""
    return Expert.objects.filter(authority_id__in=authority_ids_for(user, MANAGE_COMMITTEE))


@capability_required(MANAGE_COMMITTEE)
def expert_list(request):
    experts = list(
        _experts_for(request.user)
        .select_related("user", "employer_enterprise")
        .annotate(n_committees=Count("memberships"))
        .order_by("-active", "name", "pk")
    )
    roles = _account_roles([e.user for e in experts if e.user is not None])
    rows = []
    for e in experts:
        account, can_score = _account_label(e, roles)
        rows.append(
            {
                "name": e.name,
                "url": reverse("evaluation:expert_edit", args=[e.pk]),
                "field": e.field,
                "employer": _employer(e),
                "title": e.title,
                "phone": mask_phone(e.phone),
                "account": account,
                "can_score": can_score,
                "active": e.active,
                "n_committees": e.n_committees,
            }
        )
    return render(request, "evaluation/committee/expert_list.html", {"rows": rows})


def _expert_form_page(request, *, expert: Expert | None):
    if expert is None:
        form = ExpertForm(
            request.POST or None, authority=acting_authority_for(request.user, MANAGE_COMMITTEE)
        )
    else:
        initial = {
            "name": expert.name,
            "field": expert.field,
            "employer_enterprise": expert.employer_enterprise_id,
            "employer_name": "" if expert.employer_enterprise_id else expert.employer_name,
            "title": expert.title,
            "user": expert.user_id,
            "active": expert.active,
        }
        form = ExpertForm(request.POST or None, initial=initial, expert=expert, authority=expert.authority)
    if request.method == "POST" and form.is_valid():
        try:
            if expert is None:
                saved = pool_add(
                    actor=request.user,
                    authority=acting_authority_for(request.user, MANAGE_COMMITTEE),
                    **form.expert_data(),
                )
            else:
                saved = expert_update(actor=request.user, expert=expert, **form.expert_data())
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, f"专家“{saved.name}”已保存。")
            return redirect("evaluation:expert_list")
    return render(request, "evaluation/committee/expert_form.html", {"form": form, "expert": expert})


@capability_required(MANAGE_COMMITTEE)
def expert_create(request):
    return _expert_form_page(request, expert=None)


@capability_required(MANAGE_COMMITTEE)
def expert_edit(request, pk: int):
    expert = get_object_or_404(
        _experts_for(request.user).select_related("authority", "user", "employer_enterprise"), pk=pk
    )
    return _expert_form_page(request, expert=expert)


# --- The committee ----------------------------------------------------------------------------------


def _round_or_404(request, round_pk: int) -> Round:
    return get_object_or_404(
        rounds_for(request.user, MANAGE_COMMITTEE).select_related("policy", "authority"), pk=round_pk
    )


def _pool(round_: Round, committee: Committee | None) -> list[Expert]:
    """The experts the officer may seat: the round's authority's active pool, plus current members who have
    since left it."""
    experts = Expert.objects.filter(authority_id=round_.authority_id).select_related(
        "user", "employer_enterprise"
    )
    if committee is None:
        experts = experts.filter(active=True)
    else:
        experts = experts.filter(active=True) | experts.filter(memberships__committee=committee)
    return sorted(set(experts), key=lambda e: (not e.active, e.name, e.pk))


def _committee_form(request, *, round_: Round, committee: Committee | None, pool, roles, overview):
    chair_labels = {}
    for e in pool:
        _account, can_score = _account_label(e, roles)
        chair_ok = can_score and Role.CHAIR in roles.get(e.user_id, set())
        chair_labels[e.pk] = e.name if chair_ok else f"{e.name}（无主任角色）"
    if committee is None:
        initial = {"name": f"{round_.title}评审委员会", "assignment_mode": AssignmentMode.ALL}
    else:
        initial = {
            "name": committee.name,
            "chair": committee.chair_id,
            "experts": [row.member.expert_id for row in overview.members],
            "assignment_mode": committee.assignment_mode,
            "load_cap": committee.load_cap,
        }
    data = request.POST if request.method == "POST" and request.POST.get("action") == "members" else None
    return CommitteeForm(data, initial=initial, pool=pool, chair_labels=chair_labels)


def _groups_form(request, overview):
    members = [row.member for row in overview.members]
    initial = {f"group_{m.expert_id}": m.trade_group for m in members}
    initial.update({f"place_{a.pk}": overview.placements.get(a.pk, "") for a in overview.candidates})
    # Nothing grouped yet: propose each candidate's trade as their group, and an expert whose field is one of
    # those trades for that group; the rest is the officer's to fill. Saved only when the officer saves.
    proposed = not any(m.trade_group for m in members) and not overview.placements
    if proposed:
        trades = {a.occupation for a in overview.candidates}
        initial.update(
            {f"group_{m.expert_id}": m.expert.field if m.expert.field in trades else "" for m in members}
        )
        initial.update({f"place_{a.pk}": a.occupation for a in overview.candidates})
    data = request.POST if request.method == "POST" and request.POST.get("action") == "groups" else None
    return GroupsForm(data, initial=initial, members=members, candidates=overview.candidates), proposed


def _pool_rows(pool, roles, selected: set[int]) -> list[dict]:
    rows = []
    for e in pool:
        account, can_score = _account_label(e, roles)
        rows.append(
            {
                "pk": e.pk,
                "name": e.name,
                "field": e.field,
                "employer": _employer(e),
                "title": e.title,
                "account": account,
                "can_score": can_score,
                "active": e.active,
                "checked": e.pk in selected,
            }
        )
    return rows


@capability_required(MANAGE_COMMITTEE)
def committee(request, round_pk: int):
    round_ = _round_or_404(request, round_pk)
    committee_ = Committee.objects.filter(round=round_).select_related("chair").first()
    round_ok = round_.state in FORMING_ROUND_STATES
    editable = round_ok and (committee_ is None or committee_.state == CommitteeState.FORMING)
    overview = committee_overview(committee_) if committee_ is not None else None
    pool = _pool(round_, committee_) if editable else []
    roles = _account_roles([e.user for e in pool if e.user is not None])
    form = _committee_form(
        request, round_=round_, committee=committee_, pool=pool, roles=roles, overview=overview
    )
    groups_form, groups_proposed = (None, False)
    if overview is not None and editable and committee_.assignment_mode == AssignmentMode.BY_GROUP:
        groups_form, groups_proposed = _groups_form(request, overview)

    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if not editable:
                raise DomainError(
                    "评审委员会已开始评分，不能再修改。"
                    if committee_ is not None
                    else f"批次处于“{round_.get_state_display()}”阶段，不能组建评审委员会。"
                )
            if action == "members" and form.is_valid():
                if committee_ is None:
                    committee_form(actor=request.user, round_=round_, **form.committee_data())
                    messages.success(request, "评审委员会已组建，评分方案已按系统默认模板生成，请核对。")
                else:
                    committee_update(actor=request.user, committee=committee_, **form.committee_data())
                    messages.success(request, "评审委员会已保存。")
                return redirect("evaluation:committee", round_pk=round_.pk)
            if action == "groups" and groups_form is not None and groups_form.is_valid():
                committee_groups_update(actor=request.user, committee=committee_, **groups_form.groups_data())
                messages.success(request, "评审分组已保存。")
                return redirect("evaluation:committee", round_pk=round_.pk)
        except DomainError as exc:
            target = groups_form if action == "groups" and groups_form is not None else form
            if editable:
                add_domain_error(target, exc)
            else:
                messages.error(request, exc.message)
                return redirect("evaluation:committee", round_pk=round_.pk)

    selected = set(form["experts"].value() or []) if form.is_bound else set(form.initial.get("experts", []))
    selected = {int(pk) for pk in selected if str(pk).isdigit()}
    context = {
        "round": round_,
        "committee": committee_,
        "state_css": badge_css("committee", committee_.state) if committee_ else "",
        "overview": overview,
        "editable": editable,
        "round_ok": round_ok,
        "form": form,
        "pool_rows": _pool_rows(pool, roles, selected),
        "groups_form": groups_form,
        "groups_proposed": groups_proposed,
        "member_rows": _member_rows(overview) if overview else [],
        "candidate_rows": _candidate_rows(overview, groups_form) if overview else [],
        "member_group_rows": [
            {"name": m.expert.name, "trade": m.expert.field, "field": groups_form[name]}
            for m, name in groups_form.member_fields
        ]
        if groups_form
        else [],
        "group_names": _group_names(overview, groups_form) if overview else [],
        "round_url": reverse("selection:round_detail", args=[round_.pk]),
        "scheme_url": reverse("evaluation:scheme", args=[round_.pk]),
        "experts_url": reverse("evaluation:expert_list"),
    }
    return render(request, "evaluation/committee/committee.html", context)


def _member_rows(overview) -> list[dict]:
    chair_id = overview.committee.chair_id
    return [
        {
            "name": row.member.expert.name,
            "is_chair": row.member.expert_id == chair_id,
            "field": row.member.expert.field,
            "employer": _employer(row.member.expert),
            "group": row.member.trade_group,
            "assigned": row.assigned,
            "recused": row.recused,
            "load": row.load,
            "over_cap": row.over_cap,
        }
        for row in overview.members
    ]


def _candidate_rows(overview, groups_form) -> list[dict]:
    fields = {a.pk: name for a, name in groups_form.candidate_fields} if groups_form else {}
    return [
        {
            "name": a.name,
            "enterprise": a.enterprise.name,
            "occupation": a.occupation,
            "group": overview.placements.get(a.pk, ""),
            "scorers": overview.scorers[a.pk],
            "field": groups_form[fields[a.pk]] if groups_form else None,
        }
        for a in overview.candidates
    ]


def _group_names(overview, groups_form) -> list[str]:
    names = {m.member.trade_group for m in overview.members} | set(overview.placements.values())
    names |= {m.member.expert.field for m in overview.members} | {a.occupation for a in overview.candidates}
    return sorted(n for n in names if n)


# --- The scheme -------------------------------------------------------------------------------------


def _criteria_initial(scheme: ScoringScheme) -> list[dict]:
    return [
        {"id": c.pk, "name": c.name, "description": c.description, "max_points": points_text(c.max_points)}
        for c in scheme.criteria.all()
    ]


@capability_required(MANAGE_COMMITTEE)
def scheme(request, round_pk: int):
    round_ = _round_or_404(request, round_pk)
    scheme_ = ScoringScheme.objects.filter(round=round_).first()
    committee_ = Committee.objects.filter(round=round_).only("pk", "state").first()
    context = {
        "round": round_,
        "scheme": scheme_,
        "committee_url": reverse("evaluation:committee", args=[round_.pk]),
        "default_note": scheme_template_note(round_),
    }
    if scheme_ is None:
        return render(request, "evaluation/committee/scheme.html", context)
    editable = scheme_.frozen_at is None and (
        committee_ is None or committee_.state == CommitteeState.FORMING
    )
    criteria = list(scheme_.criteria.all())
    form = formset = None
    if editable:
        initial = {
            "onsite_max": points_text(scheme_.onsite_max),
            "comprehensive_weight": int(scheme_.comprehensive_weight * 100),
            "onsite_weight": int(scheme_.onsite_weight * 100),
            "trimmed_mean": scheme_.trimmed_mean,
            "trim_min_sheets": scheme_.trim_min_sheets,
            "rank_by_normalised": scheme_.rank_by_normalised,
        }
        data = request.POST if request.method == "POST" else None
        form = SchemeForm(data, initial=initial)
        formset = CriterionFormSet(data, initial=_criteria_initial(scheme_), prefix="criteria")
        if request.method == "POST" and form.is_valid() and formset.is_valid():
            inputs, sources = criteria_inputs(formset)
            try:
                scheme_update(actor=request.user, scheme=scheme_, criteria=inputs, **form.scheme_data())
            except DomainError as exc:
                add_scheme_error(form, sources, exc)
            else:
                messages.success(request, "评分方案已保存。")
                return redirect("evaluation:scheme", round_pk=round_.pk)
    elif request.method == "POST":
        messages.error(request, "评分已开始，评分方案已冻结，不能再修改。")
        return redirect("evaluation:scheme", round_pk=round_.pk)
    context.update(
        {
            "editable": editable,
            "form": form,
            "formset": formset,
            "criteria": [
                {"name": c.name, "description": c.description, "max_points": points_text(c.max_points)}
                for c in criteria
            ],
            "comprehensive_max": points_text(sum((c.max_points for c in criteria), Decimal("0"))),
            "onsite_max": points_text(scheme_.onsite_max),
            "comprehensive_pct": int(scheme_.comprehensive_weight * 100),
            "onsite_pct": int(scheme_.onsite_weight * 100),
        }
    )
    return render(request, "evaluation/committee/scheme.html", context)
