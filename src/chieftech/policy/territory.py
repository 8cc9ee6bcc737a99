"""The towns and streets (镇街) of every authority's territory, as forms offer them and pages name them.

An enterprise records the code of its town (policy.Town.code), or OUTSIDE_TOWN when it lies in none of
them. An authority's territory is its own towns plus those of the authorities below it, so an enterprise in
a district's town lies in the district's and in the city's territory.
"""

from dataclasses import dataclass

from chieftech.policy.identity import ProcessMemo
from chieftech.policy.models import Authority, Town

OUTSIDE_TOWN = "outside"
# What the form offers beside the towns, and what a list shows for such an enterprise.
OUTSIDE_CHOICE = "以上均不是"
OUTSIDE_LABEL = "辖区外"


@dataclass(frozen=True)
class Towns:
    labels: dict[str, str]
    authority_of: dict[str, int]
    parent_of: dict[int, int | None]
    # (authority name, [(code, name), ...]) in the authorities' order.
    groups: list[tuple[str, list[tuple[str, str]]]]


def _load() -> Towns:
    authorities = list(Authority.objects.values_list("pk", "name", "parent_id"))
    names = {pk: name for pk, name, _parent in authorities}
    parent_of = {pk: parent for pk, _name, parent in authorities}
    groups: dict[int, list[tuple[str, str]]] = {}
    labels, authority_of = {}, {}
    for code, name, authority_id in Town.objects.order_by("authority_id", "position", "id").values_list(
        "code", "name", "authority_id"
    ):
        labels[code] = name
        authority_of[code] = authority_id
        groups.setdefault(authority_id, []).append((code, name))
    return Towns(labels, authority_of, parent_of, [(names[pk], towns) for pk, towns in groups.items()])


_towns = ProcessMemo(_load, models=(Town, Authority))


def towns_forget() -> None:
    _towns.forget()


def town_label(code: str) -> str:
    if code == OUTSIDE_TOWN:
        return OUTSIDE_LABEL
    return _towns.get().labels.get(code, code)


def town_codes() -> set[str]:
    """Every code an enterprise may record: the towns of all territories, and OUTSIDE_TOWN."""
    return {*_towns.get().labels, OUTSIDE_TOWN}


def town_choices() -> list:
    """The form's options: the towns grouped by authority (a flat list when there is one), then OUTSIDE."""
    groups = _towns.get().groups
    options = list(groups[0][1]) if len(groups) == 1 else list(groups)
    return [*options, (OUTSIDE_TOWN, OUTSIDE_CHOICE)]


def town_filter_choices() -> list[tuple[str, str]]:
    """A list filter's options: every town by its name, then the enterprises outside every territory."""
    return [*_towns.get().labels.items(), (OUTSIDE_TOWN, OUTSIDE_LABEL)]


def town_authority_id(code: str) -> int | None:
    return _towns.get().authority_of.get(code)


def town_in_territory(code: str, authority: Authority) -> bool:
    """Whether the town lies in the authority's territory (its own towns or those of an authority below).

    Walks up from the town's authority through the parents held in memory, so a list that asks this for
    every row costs no query.
    """
    towns = _towns.get()
    owner = towns.authority_of.get(code)
    seen = set()
    while owner is not None and owner not in seen:
        if owner == authority.pk:
            return True
        seen.add(owner)
        owner = towns.parent_of.get(owner)
    return False


def territory_town_codes(authority: Authority) -> list[str]:
    """The codes of every town in the authority's territory (for a database filter)."""
    return [code for code in _towns.get().labels if town_in_territory(code, authority)]
