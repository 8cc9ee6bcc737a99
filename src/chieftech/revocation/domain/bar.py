"""The bar on those who obtained the title by fraud (第十七条（三）): the same ID number may not apply to the
revoking authority's rounds for the years its policy sets (0: for good), counted from the revocation's effective
date. A revocation later annulled bars nobody."""

from dataclasses import dataclass
from datetime import date, timedelta

from chieftech.core.dates import date_zh
from chieftech.core.errors import DomainError
from chieftech.revocation.models import CaseKind, CaseState, Ground, RevocationCase


@dataclass(frozen=True)
class FraudBar:
    case: RevocationCase
    until: date | None  # the last barred day; None: for good

    @property
    def text(self) -> str:
        case = self.case
        what = (
            f"曾因第十七条（三）弄虚作假骗取资格，经{case.government_document_number}自{date_zh(case.effective_on)}起"
            "被取消首席技师资格"
        )
        if self.until is None:
            return f"{what}，依政策永久不得申报。"
        return f"{what}，{date_zh(self.until)}前不得申报。"


def _last_barred_day(effective_on: date, years: int) -> date | None:
    if years == 0:
        return None
    try:
        return effective_on.replace(year=effective_on.year + years) - timedelta(days=1)
    except ValueError:  # 29 February
        return date(effective_on.year + years, 3, 1) - timedelta(days=1)


def fraud_bars(*, id_hash: str, authority_id: int, on: date) -> list[FraudBar]:
    """The approved fraud revocations of `authority_id` on the person with `id_hash` still barring them `on`."""
    cases = (
        RevocationCase.objects.filter(
            state=CaseState.APPROVED,
            kind=CaseKind.REVOKE,
            authority_id=authority_id,
            tenure__application__id_hash=id_hash,
        )
        .exclude(annulments__state=CaseState.APPROVED)
        .select_related("policy")
        .order_by("effective_on", "pk")
    )
    bars = []
    for case in cases:
        # Grounds are a short JSON list: filtered here, alike on SQLite and PostgreSQL.
        if Ground.FRAUD not in case.grounds:
            continue
        until = _last_barred_day(case.effective_on, case.policy.fraud_bar_years)
        if until is None or on <= until:
            bars.append(FraudBar(case, until))
    return bars


def fraud_bar_check(*, id_hash: str, authority_id: int, on: date) -> None:
    """Refuse an application of a barred person when it is submitted, with the reason."""
    bars = fraud_bars(id_hash=id_hash, authority_id=authority_id, on=on)
    if bars:
        raise DomainError(f"申报人{bars[-1].text}", code="fraud_barred")


def revocations_of_person(*, id_hash: str, authority_id: int) -> list[RevocationCase]:
    """Every approved revocation of the authority on the person, for the officer reviewing a new application."""
    return list(
        RevocationCase.objects.filter(
            state=CaseState.APPROVED,
            kind=CaseKind.REVOKE,
            authority_id=authority_id,
            tenure__application__id_hash=id_hash,
        )
        .exclude(annulments__state=CaseState.APPROVED)
        .order_by("-effective_on", "-pk")
    )
