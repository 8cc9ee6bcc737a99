from chieftech.selection.domain.errors import SelectionError


class EvaluationError(SelectionError):
    """A refused evaluation-stage action, with a Chinese message for the user and, where it belongs, the form field."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message, field=field)
