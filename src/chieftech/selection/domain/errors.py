# Kept while the apps move to chieftech.core.errors; the names are the same objects.
from chieftech.core.errors import DomainError as SelectionError
from chieftech.core.errors import NeedsConfirmation

__all__ = ["NeedsConfirmation", "SelectionError"]
