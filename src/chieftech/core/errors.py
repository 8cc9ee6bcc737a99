"""The one error every domain function raises when it refuses an action, and the one adapter to forms.

A refusal carries a Chinese message for the user, the form field it belongs to (if any) and a short code
that tests and logs can match without parsing the message.
"""

from django import forms


class DomainError(Exception):
    """A refused action: `message` is shown to the user, at `field` when the form has that field."""

    def __init__(self, message: str, *, field: str | None = None, code: str = "refused"):
        super().__init__(message)
        self.message = message
        self.field = field
        self.code = code


class NeedsConfirmation(DomainError):
    """Allowed, but only once the user confirms a warning (e.g. a round sooner than the policy's interval)."""


def add_domain_error(form: forms.Form, exc: DomainError) -> None:
    """Show a refusal at its field when the form has it, otherwise at the top of the form."""
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)
