"""Shared by the officer's round pages and review pages."""

from chieftech.selection.domain.eligibility import JUDGEMENT_CONDITIONS
from chieftech.selection.models import (
    ApplicationState,
)

MANAGE_ROUND = "selection.manage_round"
REVIEW = "selection.review_application"
QUEUE_PAGE_SIZE = 50

# The application states counted on the round pages, in the order an application moves through them.
COUNTED_STATES = [
    ApplicationState.DRAFT,
    ApplicationState.SUBMITTED,
    ApplicationState.RETURNED,
    ApplicationState.QUALIFIED,
    ApplicationState.NOT_QUALIFIED,
    ApplicationState.FRAUD,
    ApplicationState.WITHDRAWN,
]
JUDGEMENT_CODES = {code for code, _title, _article in JUDGEMENT_CONDITIONS}
# Fields the queue never shows: not loading them keeps 50 rows from decrypting 100 values.
QUEUE_DEFERRED = (
    "id_number",
    "phone",
    "deeds",
    "apprentices_summary",
    "enterprise_opinion",
    "enterprise__contact_phone",
    "enterprise__address",
    "enterprise__status_reason",
)
