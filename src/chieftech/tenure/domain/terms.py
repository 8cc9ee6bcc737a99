"""The start of each chief technician's term (第4条, 第10条(六)): from the government's approval date for the
policy's management period."""

import calendar
from datetime import date, timedelta

from django.db import transaction

import chieftech.tenure.rules  # noqa: F401  (declares the rules asked here)
from chieftech.audit.domain import audit_record, snapshot
from chieftech.core.permissions import require_perm
from chieftech.selection.models import Application
from chieftech.tenure.models import Tenure, TenureEmployment, TenureStatus

TENURE_FIELDS = ["application", "policy", "enterprise", "starts_on", "ends_on", "status", "status_since"]


def months_later(day: date, months: int) -> date:
    """The same day of the month `months` later; where that month has no such day (31 March + 1 month,
    29 February + 12 months) the anniversary is the first day of the month after."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    if day.day > calendar.monthrange(year, month)[1]:
        return date(year, month, 1) + timedelta(days=calendar.monthrange(year, month)[1])
    return date(year, month, day.day)


def term_ends_on(*, starts_on: date, months: int) -> date:
    """The last day of a term of `months` months: the day before the same date `months` later
    (a 24-month term from 2026-12-28 ends on 2028-12-27)."""
    return months_later(starts_on, months) - timedelta(days=1)


def tenure_start(*, application: Application, starts_on: date, actor=None) -> Tenure:
    """A new active term for an approved candidate, under the policy of the round that selected them."""
    require_perm(actor, "tenure.tenure_start", application, "只有本机关的区政府经办人可以确认管理期开始。")
    policy = application.round.policy
    with transaction.atomic():
        tenure = Tenure.objects.create(
            authority=application.round.authority,
            application=application,
            policy=policy,
            enterprise_id=application.enterprise_id,
            starts_on=starts_on,
            ends_on=term_ends_on(starts_on=starts_on, months=policy.management_period_months),
            status=TenureStatus.ACTIVE,
            status_since=starts_on,
        )
        TenureEmployment.objects.create(
            tenure=tenure, enterprise_id=tenure.enterprise_id, starts_on=starts_on
        )
        audit_record(
            action="tenure.start",
            actor=actor,
            obj=tenure,
            after=snapshot(tenure, TENURE_FIELDS),
        )
    return tenure


def review_period(*, starts_on: date, review_year: int, interval_months: int) -> tuple[date, date]:
    """The period a re-review looks at (第8条 "管理期内"): the `review_year`-th span of `interval_months`
    from the start of the term (Huancui's year 1 of a term from 2024-12-27: 2024-12-27 to 2025-12-26)."""
    first = months_later(starts_on, (review_year - 1) * interval_months)
    return first, months_later(starts_on, review_year * interval_months) - timedelta(days=1)
