"""The one map from a workflow object's state to the tone of its badge.

A badge says how things stand: done well (ok), still in progress (warn), ended badly (bad); a state that is
neither (withdrawn, expired) stays neutral. Core imports no app, so the states are their stored values,
grouped by the kind of object; tests check every group against the app's choices.
"""

from django.db import models

OK = "status-ok"
WARN = "status-warn"
BAD = "status-bad"
NEUTRAL = ""

BADGES: dict[str, dict[str, str]] = {
    "round": {"draft": WARN, "open": OK, "cancelled": BAD},
    "application": {
        "draft": WARN,
        "submitted": WARN,
        "returned": WARN,
        "withdrawn": NEUTRAL,
        "qualified": OK,
        "not_qualified": BAD,
        "fraud": BAD,
        "proposed": OK,
        "not_proposed": BAD,
        "removed": BAD,
        "approved": OK,
        "not_approved": BAD,
    },
    "verdict": {"pass": OK, "fail": BAD, "judge": WARN},
    # Scoring is work in progress, like forming; the committee's part is done once scoring is closed.
    "committee": {"forming": WARN, "scoring": WARN, "closed": OK, "confirmed": OK},
    "score_sheet": {"draft": WARN, "submitted": OK},
    "notice": {"draft": WARN, "published": OK},
    "objection": {"received": WARN, "investigating": WARN, "upheld": BAD, "not_upheld": OK},
    "enterprise": {"pending": WARN, "active": OK, "refused": BAD, "suspended": BAD},
    "tenure": {"active": OK, "suspended": WARN, "not_renewed": BAD, "revoked": BAD},
    "role_proposal": {"proposed": WARN, "approved": OK, "refused": BAD},
    "status_change": {"reported": WARN, "confirmed": OK, "returned": WARN, "withdrawn": NEUTRAL},
    "bank_account": {"requested": WARN, "confirmed": OK, "returned": BAD},
    "payroll_batch": {
        "draft": WARN,
        "submitted": WARN,
        "checked": WARN,
        "approved": WARN,
        "exported": WARN,
        "completed": OK,
        "cancelled": BAD,
    },
    # 追回: owed back until offset against a payment or refunded.
    "recovery": {"open": WARN, "offset": OK, "refunded": OK},
}


def badge_css(kind: str, state: str | models.TextChoices | None) -> str:
    """The CSS class of the badge of `state` (a stored value or a choice) of an object of `kind`."""
    return BADGES[kind].get(state, NEUTRAL)
