"""Which cached public pages show a chief technician, and their purge when what they show changes.

The verification page of the person's certificate and the roster of their round (and the roster page that
shows the latest round, which may be theirs) name the tenure's status and current enterprise. The portal's
home and showcase pages are built afresh for every visitor, so they need no purge.

Every change a public page shows calls `public_pages_purge_for_tenure`: the status (tenure_transition), the
showcase (tenure_showcase_update) and the tenure moving to another enterprise.
"""

from chieftech.core.public_cache import public_pages_purge_on_commit
from chieftech.tenure.models import Tenure

ROSTER_LATEST_TAG = "roster:latest"


def verify_page_tag(code: str) -> str:
    return f"verify:{code}"


def roster_page_tag(round_id: int | str) -> str:
    return f"roster:{round_id}"


def tenure_public_page_tags(tenures: list[Tenure]) -> list[str]:
    """The tags of the public pages that show `tenures`: their rounds and their certificates (read through
    the reverse relation, in one query; none before the certificate is issued)."""
    rows = (
        Tenure.objects.filter(pk__in=[tenure.pk for tenure in tenures])
        .order_by("pk")
        .values_list("application__round_id", "certificate__verification_code")
    )
    tags = []
    for round_id, code in rows:
        tags += [roster_page_tag(round_id), ROSTER_LATEST_TAG]
        if code:
            tags.append(verify_page_tag(code))
    return list(dict.fromkeys(tags))


def public_pages_purge_for_tenures(tenures: list[Tenure]) -> None:
    """Purge the public pages showing `tenures` once the surrounding transaction commits."""
    public_pages_purge_on_commit(tenure_public_page_tags(tenures))


def public_pages_purge_for_tenure(tenure: Tenure) -> None:
    public_pages_purge_for_tenures([tenure])
