"""Which authorities an enterprise may be recommended to: those whose territory holds its town."""

from chieftech.policy.models import Town


def authority_ids_over_town(town_code: str) -> set[int] | None:
    """The authorities whose territory holds the town `town_code`: the one it belongs to and those above it
    (a city's territory holds its districts' towns; levels go 区/县 → 市 → 省), in one query.

    None for a town no authority holds (an enterprise outside every territory, e.g. "区外"): it stays open
    to every authority, as before, and the eligibility rules flag it for the reviewer's judgement.
    """
    row = (
        Town.objects.filter(code=town_code)
        .values_list("authority_id", "authority__parent_id", "authority__parent__parent_id")
        .first()
    )
    if row is None:
        return None
    return {pk for pk in row if pk is not None}


def town_within(town_code: str, authority_id: int) -> bool:
    """Whether an enterprise in `town_code` may be recommended to the authority `authority_id`."""
    ids = authority_ids_over_town(town_code)
    return ids is None or authority_id in ids
