"""What the public portal may show: published calls, notices and rosters only, never a draft and never
personal data (the querysets load no encrypted field at all)."""

from datetime import date

from django.conf import settings
from django.db.models import QuerySet

from chieftech.publicity.models import Notice
from chieftech.selection.models import Round, RoundState
from chieftech.tenure.domain.showcase import SHOWCASE_STATUSES
from chieftech.tenure.models import Tenure

# Columns of an application or enterprise that a public page never reads: deferring them keeps the
# personal data out of memory, not just out of the template.
_APPLICATION_PRIVATE = (
    "application__id_number",
    "application__phone",
    "application__deeds",
    "application__apprentices_summary",
    "application__enterprise_opinion",
)
_ENTERPRISE_PRIVATE = ("address", "contact_phone", "contact_name", "status_reason", "uscc")


def _rounds_public() -> QuerySet[Round]:
    rounds = Round.objects.all()
    if not settings.DEMO_MODE:
        rounds = rounds.filter(is_demo=False)
    return rounds


def calls_public() -> QuerySet[Round]:
    """Every round whose call was published (cancelled and finished ones stay listed, marked as such).

    Demo rounds show only while the site runs in demo mode.
    """
    return _rounds_public().exclude(state=RoundState.DRAFT).select_related("policy", "authority")


def notices_current(*, today: date) -> QuerySet[Notice]:
    """Published notices whose period includes today."""
    return Notice.objects.filter(
        state=Notice.State.PUBLISHED,
        starts_on__lte=today,
        ends_on__gte=today,
        round__in=_rounds_public(),
    ).only("pk", "title", "starts_on", "ends_on", "issued_by", "round_id")


def roster_rounds_latest() -> list[Round]:
    """Each authority's round whose roster was published last, the most recent first."""
    rounds = (
        _rounds_public()
        .filter(state=RoundState.PUBLISHED, government_approval__published_at__isnull=False)
        .select_related("government_approval", "authority")
        .order_by("-government_approval__published_at", "-pk")
    )
    latest: dict[int, Round] = {}
    for round_ in rounds:
        latest.setdefault(round_.authority_id, round_)
    return list(latest.values())


def roster_tenures(rounds: list[Round]) -> QuerySet[Tenure]:
    """The certified chief technicians of published rounds, in certificate order."""
    return (
        Tenure.objects.filter(application__round__in=rounds, certificate__isnull=False)
        .select_related("application", "application__enterprise", "certificate")
        .defer(*_APPLICATION_PRIVATE, "showcase_summary")
        .defer(*(f"application__enterprise__{name}" for name in _ENTERPRISE_PRIVATE))
        .order_by("certificate__number")
    )


def showcase_public() -> QuerySet[Tenure]:
    """Chief technicians who hold the title, consented to the showcase, and whose roster was published."""
    return (
        Tenure.objects.filter(
            showcase_consent=True,
            status__in=SHOWCASE_STATUSES,
            application__round__in=_rounds_public().filter(state=RoundState.PUBLISHED),
        )
        .select_related("application", "enterprise")
        .defer(*_APPLICATION_PRIVATE)
        .defer(*(f"enterprise__{name}" for name in _ENTERPRISE_PRIVATE))
        .order_by("-starts_on", "application__name", "pk")
    )
