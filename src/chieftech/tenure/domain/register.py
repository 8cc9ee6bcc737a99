"""The officer's register of chief technicians (首席技师名册): every term of the officer's authorities,
filtered by status, round, enterprise, town, industry, a name, or a term ending soon.

The page, its Excel export and the home page's counts all read the register through these functions, so a
filter narrows the list and the file alike.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count, Q, QuerySet

from chieftech.accounts.models import Enterprise, Industry
from chieftech.core.converters import MAX_ID
from chieftech.policy.models import PolicyVersion
from chieftech.policy.territory import town_codes, town_label
from chieftech.tenure.models import Tenure, TenureStatus

# The query parameters the register understands, in the order a title row states them.
REGISTER_PARAMS = ("status", "round", "enterprise", "town", "industry", "q", "ending")
ENDING_SOON = "soon"
RUNNING = (TenureStatus.ACTIVE, TenureStatus.SUSPENDED)

# Long texts and the ID number are never shown by the register; the phone only masked.
REGISTER_DEFERRED = (
    "application__id_number",
    "application__deeds",
    "application__apprentices_summary",
    "application__enterprise_opinion",
    "enterprise__address",
    "enterprise__contact_phone",
    "enterprise__status_reason",
)


def _param(params: Mapping, name: str) -> str:
    value = params.get(name) or ""
    return value.strip() if isinstance(value, str) else ""


def _id_param(params: Mapping, name: str) -> int | None:
    """A key, or None; a number past what the integer columns hold is no key (the database would refuse it)."""
    value = _param(params, name)
    if not value.isascii() or not value.isdigit() or len(value) > len(str(MAX_ID)) or int(value) > MAX_ID:
        return None
    return int(value)


@dataclass(frozen=True)
class EndingWindow:
    """Terms "ending soon": still running and ending within the longest reminder period of their policy
    (term_end_reminder_days: the bureau's own notice of the end, 第十六条(二))."""

    today: date
    # {policy id: days}, for the authorities' policies.
    days_by_policy: dict[int, int] = field(default_factory=dict)

    @property
    def days(self) -> int:
        """The longest window, as the home page names it."""
        return max(self.days_by_policy.values(), default=0)

    def q(self) -> Q:
        condition = Q(pk__isnull=True)  # matches nothing: no policy, no window
        for policy_id, days in self.days_by_policy.items():
            condition |= Q(policy_id=policy_id, ends_on__lte=self.today + timedelta(days=days))
        return condition & Q(status__in=RUNNING, ends_on__gte=self.today)


def ending_window(*, authority_ids: set[int], today: date) -> EndingWindow:
    """The reminder periods of the authorities' policies (a term keeps the policy it was selected under),
    in one query."""
    policies = PolicyVersion.objects.filter(authority_id__in=authority_ids).values_list(
        "pk", "term_end_reminder_days"
    )
    return EndingWindow(
        today=today,
        days_by_policy={pk: max((int(d) for d in days), default=0) for pk, days in policies},
    )


def register_tenures(*, authority_ids: set[int]) -> QuerySet[Tenure]:
    """Every term of the authorities, whatever its status."""
    return Tenure.objects.filter(authority_id__in=authority_ids)


def register_filter(
    tenures: QuerySet[Tenure],
    *,
    params: Mapping,
    window: EndingWindow | None = None,
    with_status: bool = True,
) -> QuerySet[Tenure]:
    """`tenures` narrowed by the query parameters (request.GET or a dict). A value that is not one of the
    choices is ignored, as if the filter were not set. `with_status=False` leaves the status filter out,
    for the counts per status of the other filters."""
    status = _param(params, "status")
    if with_status and status in TenureStatus.values:
        tenures = tenures.filter(status=status)
    round_id = _id_param(params, "round")
    if round_id is not None:
        tenures = tenures.filter(application__round_id=round_id)
    enterprise_id = _id_param(params, "enterprise")
    if enterprise_id is not None:
        tenures = tenures.filter(enterprise_id=enterprise_id)
    town = _param(params, "town")
    if town in town_codes():
        tenures = tenures.filter(enterprise__town=town)
    industry = _param(params, "industry")
    if industry in Industry.values:
        tenures = tenures.filter(enterprise__industry=industry)
    q = _param(params, "q")
    if q:
        tenures = tenures.filter(application__name__icontains=q)
    if window is not None and _param(params, "ending") == ENDING_SOON:
        tenures = tenures.filter(window.q())
    return tenures


def register_rows(tenures: QuerySet[Tenure]) -> QuerySet[Tenure]:
    """The register's order, with what a row shows joined in (no long texts, no ID number)."""
    return (
        tenures.select_related("application", "application__round", "enterprise", "certificate")
        .defer(*REGISTER_DEFERRED)
        .order_by("-starts_on", "application__name", "pk")
    )


def register_counts(tenures: QuerySet[Tenure], *, window: EndingWindow | None = None) -> dict[str, int]:
    """{status: count} for every status (zeros included), plus "ending" when a window is given, and
    "total"; one query."""
    aggregates = {status: Count("pk", filter=Q(status=status)) for status in TenureStatus.values}
    aggregates["total"] = Count("pk")
    if window is not None:
        aggregates["ending"] = Count("pk", filter=window.q())
    return tenures.aggregate(**aggregates)


@dataclass(frozen=True)
class RegisterChoices:
    """The rounds and enterprises the register's filters offer: those the authorities' terms belong to."""

    rounds: list[tuple[int, str]]
    enterprises: list[tuple[int, str]]


def register_choices(*, authority_ids: set[int]) -> RegisterChoices:
    """Two queries, however many terms. The rounds are read through the terms' applications (selection is a
    sibling app: no import of its models here)."""
    tenures = register_tenures(authority_ids=authority_ids)
    rounds = (
        tenures.order_by("-application__round__year", "-application__round_id")
        .values_list("application__round_id", "application__round__title")
        .distinct()
    )
    enterprises = Enterprise.objects.filter(pk__in=tenures.values("enterprise_id")).order_by("name", "pk")
    return RegisterChoices(rounds=list(rounds), enterprises=list(enterprises.values_list("pk", "name")))


def register_filter_labels(*, params: Mapping, choices: RegisterChoices) -> list[tuple[str, str]]:
    """The filters in force as (label, value) in words, for a title row; unknown values are left out."""
    labels = []
    status = _param(params, "status")
    if status in TenureStatus.values:
        labels.append(("状态", TenureStatus(status).label))
    round_titles = {str(pk): title for pk, title in choices.rounds}
    if _param(params, "round") in round_titles:
        labels.append(("批次", round_titles[_param(params, "round")]))
    names = {str(pk): name for pk, name in choices.enterprises}
    if _param(params, "enterprise") in names:
        labels.append(("工作单位", names[_param(params, "enterprise")]))
    town = _param(params, "town")
    if town in town_codes():
        labels.append(("镇街", town_label(town)))
    industry = _param(params, "industry")
    if industry in Industry.values:
        labels.append(("行业", Industry(industry).label))
    if _param(params, "q"):
        labels.append(("姓名", _param(params, "q")))
    if _param(params, "ending") == ENDING_SOON:
        labels.append(("届满", "届满提醒期内"))
    return labels
