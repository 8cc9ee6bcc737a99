"""What a term's current status means for the title and the benefits, as the term's own policy version says
(policy.status_effects): the holder's and the officer's pages read it here rather than from the code."""

from chieftech.policy.status_effects import status_effect
from chieftech.tenure.models import Tenure


def tenure_status_meaning(tenure: Tenure) -> tuple[bool, bool, str]:
    """(title kept, benefits paid, the label the public verification page shows) for the tenure's status."""
    effect = status_effect(tenure.policy.status_effects, tenure.status)
    return effect.title_kept, effect.benefits_paid, effect.label
