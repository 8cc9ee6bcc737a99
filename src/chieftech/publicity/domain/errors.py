from chieftech.selection.domain.errors import SelectionError


class PublicityError(SelectionError):
    """A refused action of the notice or approval stage, with a Chinese message and, where it belongs, the form
    field; a SelectionError, so the shared form helpers show it at that field."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message, field=field)
