"""Which terms and status changes an enterprise's users, the holder and the officer may see.

An enterprise sees a term while the holder works there and, once the holder moved to another enterprise of the
district, its history only up to the last day of their work there: the end of its last employment span.
Anything dated after that is another employer's business, and a 404 for them. Likewise the new enterprise
sees the changes dated from the holder's first day with it, not the former employer's reports and evidence.
"""

from datetime import date

from django.db.models import Exists, Max, OuterRef, Q, QuerySet

from chieftech.accounts.roles import authority_ids_for
from chieftech.tenure.models import StatusChange, Tenure, TenureEmployment

MANAGE_TENURE = "tenure.manage_tenure"


def tenures_of_enterprise(user) -> QuerySet[Tenure]:
    """The terms with a span of the user's enterprise, each annotated with `visible_until`: the last day the
    enterprise may see (None while a span of theirs is open) and `is_current`."""
    if user.enterprise_id is None:
        return Tenure.objects.none()
    spans = TenureEmployment.objects.filter(tenure=OuterRef("pk"), enterprise_id=user.enterprise_id)
    return Tenure.objects.filter(Exists(spans)).annotate(
        is_current=Exists(spans.filter(ends_on__isnull=True)),
        last_span_end=Max("employments__ends_on", filter=Q(employments__enterprise_id=user.enterprise_id)),
    )


def visible_until(tenure: Tenure) -> date | None:
    """The last day of the term's history the enterprise sees (from tenures_of_enterprise); None: all of it."""
    return None if tenure.is_current else tenure.last_span_end


def _spans_covering_the_change(enterprise_id: int) -> QuerySet[TenureEmployment]:
    """The enterprise's spans of the change's term that cover the change's date (for Exists on a change)."""
    return TenureEmployment.objects.filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=OuterRef("effective_on")),
        tenure=OuterRef("tenure_id"),
        enterprise_id=enterprise_id,
        starts_on__lte=OuterRef("effective_on"),
    )


def changes_visible_to_enterprise(user, tenure: Tenure) -> QuerySet[StatusChange]:
    """The changes of `tenure` the enterprise sees: those dated while the holder worked there, and its own
    reports. The new enterprise after a transfer sees the term's status, not the former employer's reports
    and evidence from before (what the old one sees of the new one's, symmetrically, is nothing)."""
    return tenure.status_changes.filter(
        Q(Exists(_spans_covering_the_change(user.enterprise_id)))
        | Q(reporting_enterprise_id=user.enterprise_id)
    )


def status_changes_visible_to(user) -> QuerySet[StatusChange]:
    """Every change the user may open: the officer's authorities' changes, the holder's own, and the
    enterprise's changes within the dates it sees."""
    query = Q(tenure__authority_id__in=authority_ids_for(user, MANAGE_TENURE))
    query |= Q(tenure__user_id=user.pk)
    if user.enterprise_id is not None:
        query |= Q(Exists(_spans_covering_the_change(user.enterprise_id))) | Q(
            reporting_enterprise_id=user.enterprise_id
        )
    return StatusChange.objects.filter(query)


def tenures_reportable_by(user) -> QuerySet[Tenure]:
    """The terms the user may open the report form of: the enterprise's current holders and the holder's own.
    Whether they may report is the rule's (tenure.status_report)."""
    query = Q(user_id=user.pk)
    if user.enterprise_id is not None:
        query |= Q(
            Exists(TenureEmployment.objects.filter(tenure=OuterRef("pk"), enterprise_id=user.enterprise_id))
        )
    return Tenure.objects.filter(query)
