class SelectionError(Exception):
    """A refused action, with a Chinese message for the user and, where it belongs to one, the form field."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class NeedsConfirmation(SelectionError):
    """Allowed, but only once the officer confirms a warning (e.g. a round sooner than the policy's interval)."""
