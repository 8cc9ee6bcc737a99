"""Reading the ledger and the log across terms: the duties counts per year (the re-review, the register) and the
apprentices and certificates claimed on two or more ledgers (第8条(五): flagged to the officer, never refused)."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, QuerySet
from django.db.models.functions import ExtractYear

from chieftech.core.pii import mask_id_number
from chieftech.duties.models import Apprentice, ApprenticeCertificate, DutyActivity, DutyKind

DutyCounts = dict[int, dict[int, dict[str, int]]]


def duty_counts(*, tenure_ids: Iterable[int], year: int | None = None) -> DutyCounts:
    """{tenure_id: {calendar year: {kind: entries}}} in one query; `year` narrows it to that year."""
    ids = list(tenure_ids)
    if not ids:
        return {}
    rows = DutyActivity.objects.filter(tenure_id__in=ids)
    if year is not None:
        rows = rows.filter(occurred_on__year=year)
    counts: DutyCounts = defaultdict(lambda: defaultdict(dict))
    for row in (
        rows.annotate(year=ExtractYear("occurred_on"))
        .values("tenure_id", "year", "kind")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        counts[row["tenure_id"]][row["year"]][row["kind"]] = row["n"]
    return {tenure_id: dict(years) for tenure_id, years in counts.items()}


def duty_counts_in_period(*, tenure_ids: Iterable[int], start: date, end: date) -> dict[int, dict[str, int]]:
    """{tenure_id: {kind: entries}} dated from `start` to `end` inclusive (a re-review's period), in one query."""
    ids = list(tenure_ids)
    if not ids:
        return {}
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    for row in (
        DutyActivity.objects.filter(tenure_id__in=ids, occurred_on__gte=start, occurred_on__lte=end)
        .values("tenure_id", "kind")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        counts[row["tenure_id"]][row["kind"]] = row["n"]
    return dict(counts)


def duty_counts_text(counts: dict[str, int]) -> tuple[int, str]:
    """The total of one year's counts and the line naming each kind (传帮带3次，宣传1次)."""
    total = sum(counts.values())
    text = "，".join(f"{kind.label}{counts[kind.value]}次" for kind in DutyKind if counts.get(kind.value))
    return total, text or "无履职记录"


def duty_count_rows(years: dict[int, dict[str, int]]) -> list[dict]:
    """One term's counts (a value of `duty_counts`) as table rows, newest year first: each kind, then the total."""
    return [
        {
            "year": f"{year}年",
            "cells": [years[year].get(kind.value, 0) for kind in DutyKind],
            "total": sum(years[year].values()),
        }
        for year in sorted(years, reverse=True)
    ]


# --- Duplicates ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Claim:
    """One ledger entry of a duplicate: the term and holder it is on, and what that ledger says."""

    tenure_id: int
    holder: str
    enterprise: str
    apprentice: str
    detail: str


@dataclass
class Duplicate:
    kind: str  # "apprentice" or "certificate"
    key: str  # the id_hash or the number_key
    label: str  # the masked ID number or the certificate number as first entered
    claims: list[Claim] = field(default_factory=list)

    @property
    def kind_label(self) -> str:
        return "徒弟" if self.kind == "apprentice" else "技能等级证书"


def _shared(rows: QuerySet, key: str, *, tenure: str) -> QuerySet:
    """The values of `key` found under two or more different terms among `rows`."""
    return rows.values(key).annotate(terms=Count(tenure, distinct=True)).filter(terms__gte=2).values(key)


def apprentices_shared(*, authority_ids: Iterable[int]) -> QuerySet[Apprentice]:
    mine = Apprentice.objects.filter(tenure__authority_id__in=list(authority_ids))
    return mine.filter(id_hash__in=_shared(mine, "id_hash", tenure="tenure"))


def certificates_shared(*, authority_ids: Iterable[int]) -> QuerySet[ApprenticeCertificate]:
    mine = ApprenticeCertificate.objects.filter(apprentice__tenure__authority_id__in=list(authority_ids))
    return mine.filter(number_key__in=_shared(mine, "number_key", tenure="apprentice__tenure"))


def ledger_duplicates(*, authority_ids: Iterable[int]) -> list[Duplicate]:
    """Every apprentice (by ID number) on the ledgers of two or more different terms, and every certificate
    number under two or more different terms, among the terms of `authority_ids` only: another authority's
    ledgers are not this officer's to read. Two queries, whatever the number of duplicates."""
    authority_ids = list(authority_ids)
    found: dict[tuple[str, str], Duplicate] = {}
    apprentices = (
        apprentices_shared(authority_ids=authority_ids)
        .select_related("tenure__application", "tenure__enterprise", "enterprise")
        .only(
            "name",
            "id_number",
            "id_hash",
            "occupation",
            "enterprise_name",
            "enterprise__name",
            "tenure__application__name",
            "tenure__enterprise__name",
        )
        .order_by("id_hash", "tenure_id", "pk")
    )
    for a in apprentices:
        duplicate = found.setdefault(
            ("apprentice", a.id_hash), Duplicate("apprentice", a.id_hash, mask_id_number(a.id_number))
        )
        duplicate.claims.append(
            Claim(
                tenure_id=a.tenure_id,
                holder=a.tenure.application.name,
                enterprise=a.tenure.enterprise.name,
                apprentice=a.name,
                detail=f"{a.occupation}，{a.enterprise.name if a.enterprise_id else a.enterprise_name}",
            )
        )
    certificates = (
        certificates_shared(authority_ids=authority_ids)
        .select_related("apprentice__tenure__application", "apprentice__tenure__enterprise")
        .only(
            "number",
            "number_key",
            "level",
            "issued_on",
            "issuer",
            "apprentice__name",
            "apprentice__tenure_id",
            "apprentice__tenure__application__name",
            "apprentice__tenure__enterprise__name",
        )
        .order_by("number_key", "apprentice__tenure_id", "pk")
    )
    for c in certificates:
        duplicate = found.setdefault(
            ("certificate", c.number_key), Duplicate("certificate", c.number_key, c.number)
        )
        tenure = c.apprentice.tenure
        duplicate.claims.append(
            Claim(
                tenure_id=tenure.pk,
                holder=tenure.application.name,
                enterprise=tenure.enterprise.name,
                apprentice=c.apprentice.name,
                detail=f"{c.get_level_display()}，{c.issued_on:%Y-%m-%d}，{c.issuer}",
            )
        )
    return list(found.values())


def ledger_flags(*, tenure) -> tuple[set[str], set[str]]:
    """The id_hashes and certificate number_keys of `tenure`'s ledger also found on another term's ledger of the
    same authority: the officer's flags beside the entries. Two queries."""
    hashes = set(
        Apprentice.objects.filter(
            tenure__authority_id=tenure.authority_id,
            id_hash__in=Apprentice.objects.filter(tenure=tenure).values("id_hash"),
        )
        .exclude(tenure=tenure)
        .values_list("id_hash", flat=True)
    )
    keys = set(
        ApprenticeCertificate.objects.filter(
            apprentice__tenure__authority_id=tenure.authority_id,
            number_key__in=ApprenticeCertificate.objects.filter(apprentice__tenure=tenure).values(
                "number_key"
            ),
        )
        .exclude(apprentice__tenure=tenure)
        .values_list("number_key", flat=True)
    )
    return hashes, keys
