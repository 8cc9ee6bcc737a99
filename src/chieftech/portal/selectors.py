"""What the public portal may show: published calls only, never a draft and never personal data."""

from django.conf import settings
from django.db.models import QuerySet

from chieftech.selection.models import Round, RoundState


def calls_public() -> QuerySet[Round]:
    """Every round whose call was published (cancelled and finished ones stay listed, marked as such).

    Demo rounds show only while the site runs in demo mode.
    """
    rounds = Round.objects.exclude(state=RoundState.DRAFT).select_related("policy")
    if not settings.DEMO_MODE:
        rounds = rounds.filter(is_demo=False)
    return rounds
