"""Applicants who hold or held the title: information for the officer's judgement, never a refusal.

第16条(二) lets a former chief technician apply again once the term has ended, and the measures forbid no
sitting holder from applying; the officer is told either way. A person is recognised by the keyed hash of
their ID number (Application.id_hash), across the earlier rounds of the same authority: the title is that
authority's, and another authority's terms are its officers' business.

The terms are read through the reverse relation `Application.tenure` (the tenure app sits beside this one
and is not imported); the status values are those of tenure.TenureStatus.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from chieftech.core.dates import date_zh
from chieftech.selection.models import Application, Round

# A term still running on the reference date holds the title in these states (第16条(一) keeps it while the
# benefits are suspended).
RUNNING_STATUSES = ("active", "suspended")
# How a finished term ended, for the officer.
ENDED_WORDS = {"expired": "已期满", "not_renewed": "复核未通过", "revoked": "已取消资格"}
TERM_COLUMNS = (
    "id_hash",
    "round__title",
    "tenure__starts_on",
    "tenure__ends_on",
    "tenure__status",
)


@dataclass(frozen=True)
class HolderFlag:
    sitting: bool
    text: str

    @property
    def label(self) -> str:
        return "现任首席技师" if self.sitting else "曾任首席技师"

    @property
    def css(self) -> str:
        return "status-warn" if self.sitting else ""


def _flag(term: dict, *, on) -> HolderFlag:
    ends_on = term["tenure__ends_on"]
    if term["tenure__status"] in RUNNING_STATUSES and ends_on >= on:
        return HolderFlag(True, f"现任首席技师，管理期至{date_zh(ends_on)}，在管理期内再次申报")
    ended = ENDED_WORDS.get(term["tenure__status"], "已期满")
    return HolderFlag(
        False,
        f"曾任首席技师（{term['round__title']}，管理期{date_zh(term['tenure__starts_on'])}"
        f"至{date_zh(ends_on)}，{ended}）",
    )


def applications_holder_flags(
    *, round_: Round, applications: Sequence[Application]
) -> dict[int, list[HolderFlag]]:
    """For each of the round's `applications` (by id), the terms its applicant held in the authority's other
    rounds that had started by the round's reference date, earliest first: one query for any number."""
    hashes = {a.id_hash for a in applications}
    if not hashes:
        return {}
    on = round_.age_reference_date
    terms = (
        Application.objects.filter(
            id_hash__in=hashes,
            round__authority_id=round_.authority_id,
            tenure__isnull=False,
            tenure__starts_on__lte=on,
        )
        .exclude(round_id=round_.pk)
        .order_by("tenure__starts_on", "pk")
        .values(*TERM_COLUMNS)
    )
    by_hash: dict[str, list[HolderFlag]] = {}
    for term in terms:
        by_hash.setdefault(term["id_hash"], []).append(_flag(term, on=on))
    return {a.pk: by_hash.get(a.id_hash, []) for a in applications}
