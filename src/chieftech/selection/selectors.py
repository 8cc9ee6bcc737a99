"""Read-side queries of the selection domain, shared by the officer's queue page and the Excel export."""

from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet

from chieftech.accounts.models import Industry, IndustryFocus
from chieftech.accounts.roles import authority_ids_for
from chieftech.core.pii import parse_resident_id, pii_hash
from chieftech.policy.territory import territory_town_codes, town_codes
from chieftech.selection.models import (
    Application,
    ApplicationState,
    ReviewDecision,
    Round,
    Route,
)


def rounds_for(user, *capabilities: str) -> QuerySet[Round]:
    """The rounds of the authorities where `user` holds a role with one of `capabilities`: every staff page
    looks a round up through this, so another authority's round is a 404."""
    return Round.objects.filter(authority_id__in=authority_ids_for(user, *capabilities))


# Eligibility flags the queue can filter on (第6条, 第7条(五)); each compares with the round's policy.
QUEUE_FLAGS = {
    "judge": "需研判",
    "age_priority": "45周岁（含）以下优先",
    "over_age": "超过一般年龄上限",
    "below_level": "技能等级低于要求",
    "not_frontline": "非一线岗位",
    "outside_district": "推荐单位不在本区",
}

# sort parameter -> ordering; the primary key last so pages never overlap.
QUEUE_SORTS = {
    "submitted": ("submitted_at", "pk"),
    "-submitted": ("-submitted_at", "-pk"),
    "name": ("name", "pk"),
    "enterprise": ("enterprise__name", "submitted_at", "pk"),
    "age": ("age_on_reference_date", "submitted_at", "pk"),
    "-age": ("-age_on_reference_date", "submitted_at", "pk"),
    "level": ("skill_level", "submitted_at", "pk"),
    "-level": ("-skill_level", "submitted_at", "pk"),
}
DEFAULT_SORT = "submitted"

# The bureau's queue holds what enterprises have submitted: a draft is the enterprise's own until then.
QUEUE_STATES = [state for state in ApplicationState if state != ApplicationState.DRAFT]


def _param(params: Mapping, name: str) -> str:
    value = params.get(name) or ""
    return value.strip() if isinstance(value, str) else ""


def _needs_judgement(round_: Round) -> Q:
    """Rows whose automatic checks leave something to the officer: over the usual age, outside the focus
    industries, or a competition below the levels the authority counts under 第7条(二)."""
    return (
        Q(age_on_reference_date__gt=round_.policy.max_age)
        | ~Q(enterprise__industry_focus__in=[IndustryFocus.PILLAR, IndustryFocus.EMERGING])
        | (Q(route=Route.COMPETITION) & ~Q(competition_level__in=round_.authority.counted_competition_levels))
    )


def _flag_filter(flag: str, round_: Round) -> Q | None:
    policy = round_.policy
    # Built only for the flag asked for: some read the round's authority (its levels, its territory).
    filters = {
        "judge": lambda: _needs_judgement(round_),
        "age_priority": lambda: Q(age_on_reference_date__lte=policy.priority_age),
        "over_age": lambda: Q(age_on_reference_date__gt=policy.max_age),
        "below_level": lambda: Q(skill_level__lt=policy.min_skill_level) | Q(skill_level__isnull=True),
        "not_frontline": lambda: Q(is_frontline=False),
        "outside_district": lambda: ~Q(enterprise__town__in=territory_town_codes(round_.authority)),
    }
    build = filters.get(flag)
    return build() if build is not None else None


def application_queue(*, round_: Round, params: Mapping) -> QuerySet[Application]:
    """The round's submitted applications, filtered and sorted by the officer's query parameters.

    `params` is request.GET or a plain dict: state, enterprise (id), town, industry, flag (one of
    QUEUE_FLAGS), q (part of the name, or a whole ID number, matched through its keyed hash) and sort (one
    of QUEUE_SORTS). A value that is not one of the choices is ignored, as if the filter were not set.
    The enterprise and the round's policy are joined in, so listing the rows costs no further queries.
    """
    queryset = Application.objects.filter(round=round_, state__in=QUEUE_STATES).select_related(
        "enterprise", "round__policy"
    )
    state = _param(params, "state")
    if state in QUEUE_STATES:
        queryset = queryset.filter(state=state)
    enterprise = _param(params, "enterprise")
    if enterprise.isdigit():
        queryset = queryset.filter(enterprise_id=int(enterprise))
    town = _param(params, "town")
    if town in town_codes():
        queryset = queryset.filter(enterprise__town=town)
    industry = _param(params, "industry")
    if industry in Industry.values:
        queryset = queryset.filter(enterprise__industry=industry)
    flag = _flag_filter(_param(params, "flag"), round_)
    if flag is not None:
        queryset = queryset.filter(flag)
    q = _param(params, "q")
    if q:
        try:
            person = parse_resident_id(q)
        except ValidationError:
            queryset = queryset.filter(name__icontains=q)
        else:
            queryset = queryset.filter(id_hash=pii_hash(person.number))
    sort = _param(params, "sort")
    return queryset.order_by(*QUEUE_SORTS.get(sort, QUEUE_SORTS[DEFAULT_SORT]))


def latest_decisions(application_ids: list[int]) -> dict[int, tuple[str, str]]:
    """The latest review decision of each application, as {application id: (outcome, reason)}, in one query.

    For a page or a chunk of rows: cheaper than a correlated subquery per row.
    """
    latest: dict[int, tuple[str, str]] = {}
    decisions = (
        ReviewDecision.objects.filter(application_id__in=application_ids)
        .order_by("application_id", "decided_at", "pk")
        .values_list("application_id", "outcome", "reason")
    )
    for application_id, outcome, reason in decisions:
        latest[application_id] = (outcome, reason)  # later rows overwrite earlier ones
    return latest
