"""The one error every domain function raises when it refuses an action, and the one adapter to forms.

A refusal carries a Chinese message for the user, the form field it belongs to (if any) and a short code
that tests and logs can match without parsing the message. A check that finds several problems at once
(e.g. every bad field of a submitted enterprise) refuses with all of them: `DomainError.fields(...)`.
"""

from collections.abc import Mapping, Sequence

from django import forms

NON_FIELD = "__all__"


class DomainError(Exception):
    """A refused action: `message` is shown to the user, at `field` when the form has that field.

    `message_dict` maps each field (NON_FIELD for a field-less message) to its messages; `messages`
    lists them all. A single refusal has one entry; one built with `fields()` has one per field, and
    its `message` and `field` are the first of them.
    """

    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        code: str = "refused",
        errors: Mapping[str, Sequence[str]] | None = None,
    ):
        super().__init__(message)
        self.message = message
        self.field = field
        self.code = code
        if errors:
            self._errors = {key: list(msgs) for key, msgs in errors.items() if msgs}
        else:
            self._errors = {field or NON_FIELD: [message]}

    @classmethod
    def fields(cls, errors: Mapping[str, str | Sequence[str]], *, code: str = "invalid") -> "DomainError":
        """One refusal naming several fields' problems: {field: message or [messages]}, NON_FIELD for none."""
        normalised = {key: [msgs] if isinstance(msgs, str) else list(msgs) for key, msgs in errors.items()}
        normalised = {key: msgs for key, msgs in normalised.items() if msgs}
        if not normalised:
            raise ValueError("DomainError.fields needs at least one message.")
        first_field, first_messages = next(iter(normalised.items()))
        return cls(
            first_messages[0],
            field=None if first_field == NON_FIELD else first_field,
            code=code,
            errors=normalised,
        )

    @property
    def message_dict(self) -> dict[str, list[str]]:
        """Each field's messages, NON_FIELD ("__all__") for those that belong to no field; a fresh copy."""
        return {key: list(msgs) for key, msgs in self._errors.items()}

    @property
    def messages(self) -> list[str]:
        """Every message, field by field in the order they were given."""
        return [msg for msgs in self._errors.values() for msg in msgs]


class NeedsConfirmation(DomainError):
    """Allowed, but only once the user confirms a warning (e.g. a round sooner than the policy's interval)."""


def add_domain_error(form: forms.Form, exc: DomainError) -> None:
    """Show each of a refusal's messages at its field when the form has it, otherwise at the top of the form."""
    for field, msgs in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, msgs)
