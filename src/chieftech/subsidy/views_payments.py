"""The enterprise's view of its chief technicians' subsidy: what the bank paid or returned, month by month within
the time each holder worked there (chieftech.subsidy.payment_rows.enterprise_months), accounts masked.

Like the enterprise's list of its chief technicians (tenure:enterprise_tenures), a suspended enterprise still
reads its past records; it only can no longer act.
"""

from django.shortcuts import render
from django.views.decorators.http import require_safe

from chieftech.core.permissions import capability_required
from chieftech.subsidy.payment_rows import enterprise_months, line_row

# The enterprise user's capability (accounts.roles): the pages about its own chief technicians.
ENTERPRISE = "tenure.report_status_change"


@capability_required(ENTERPRISE)
@require_safe
def enterprise_payments(request):
    rows, by_line = [], {}
    if request.user.enterprise_id is not None:
        months = (
            enterprise_months(request.user.enterprise_id)
            .select_related("line__batch", "line__bank_account", "tenure__application")
            .only(
                "month",
                "kind",
                "amount",
                "line__state",
                "line__gross",
                "line__offset",
                "line__tax",
                "line__net",
                "line__paid_on",
                "line__failure_reason",
                "line__hold_reason",
                "line__batch__number",
                "line__batch__period_start",
                "line__batch__period_end",
                "line__bank_account__bank",
                "line__bank_account__number",
                "tenure__application__name",
            )
            .order_by("-line__batch__period_start", "tenure__application__name", "line_id", "month")
        )
        for month in months:
            entry = by_line.get(month.line_id)
            if entry is None:
                entry = by_line[month.line_id] = {"line": month.line, "name": "", "months": []}
                entry["name"] = month.tenure.application.name
                rows.append(entry)
            entry["months"].append(month)
    return render(
        request,
        "subsidy/enterprise_payments.html",
        {
            "rows": [
                {"name": e["name"], **line_row(e["line"], e["months"]), "visible": _visible_sum(e)}
                for e in rows
            ],
        },
    )


def _visible_sum(entry) -> str:
    """The amount of the months shown: a quarterly line across a move shows the enterprise its own months."""
    return f"{sum(m.amount for m in entry['months']):,.2f}"
