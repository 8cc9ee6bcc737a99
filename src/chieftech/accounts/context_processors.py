from django.utils.functional import SimpleLazyObject

from chieftech.accounts.roles import acting_authorities, acting_authority_ids
from chieftech.accounts.roles import acting_authority as _acting_authority


def acting_authority(request):
    """The header's authority switcher: shown to a user who may act for more than one authority."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def choices():
        if len(acting_authority_ids(user)) < 2:
            return []  # nothing to switch: no query beyond the grants the header reads anyway
        authorities = acting_authorities(user)
        current = _acting_authority(user)
        return [{"pk": a.pk, "name": a.bureau_name, "current": a.pk == current.pk} for a in authorities]

    # Lazy: the grants are read only when a page shows the header.
    return {"acting_authority_choices": SimpleLazyObject(choices)}
