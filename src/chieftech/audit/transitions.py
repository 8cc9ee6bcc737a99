"""The one way a workflow object changes state: lock, re-check against the object's table, save, audit.

Each app keeps its own table (state → the states that may follow it, states as TextChoices) and its own
`<noun>_transition` function; this module is the part they share. It lives in the audit app because every data
app already depends on it and the audit record is written here, in the same transaction as the change.

The caller's copy of the object may be stale (loaded by another request before a concurrent change): only its
primary key is trusted. The row is locked and read again, the state checked on what the database holds now,
and only the state and the fields the transition names are written, so a concurrent edit of other columns is
never overwritten.
"""

from collections.abc import Callable, Collection, Mapping
from typing import Any, TypeVar

from django.db import models, transaction

from chieftech.audit.domain import audit_record, snapshot
from chieftech.core.errors import DomainError

M = TypeVar("M", bound=models.Model)

INVALID_TRANSITION = "invalid_transition"

Table = Mapping[str, Collection[str]]


def transition_allowed(table: Table, *, current: str, to: str) -> bool:
    return to in table.get(current, ())


def transition_refusal(*, what: str, current_label: str, to_label: str) -> DomainError:
    """The refusal every transition function gives for a move its table does not allow."""
    return DomainError(f"{what}当前为“{current_label}”，不能变更为“{to_label}”。", code=INVALID_TRANSITION)


def _label(model: type[models.Model], field: str, value: str) -> str:
    return str(dict(model._meta.get_field(field).flatchoices).get(value, value))


def transition(
    obj: M,
    *,
    to: str,
    table: Table,
    what: str,
    actor,
    action: str | Mapping[tuple[str, str], str],
    field: str = "state",
    reason: str = "",
    queryset: models.QuerySet | None = None,
    refusal: Callable[[M], str] | None = None,
    check: Callable[[M], None] | None = None,
    changes: Mapping[str, Any] | Callable[[M], Mapping[str, Any]] | None = None,
    audit_fields: list[str] | None = None,
    before: Mapping[str, Any] | Callable[[M], Mapping[str, Any]] | None = None,
    after: Mapping[str, Any] | Callable[[M], Mapping[str, Any]] | None = None,
) -> M:
    """Move `obj` to state `to` if `table` allows it from the state the database holds now.

    - `what` names the object in the refusal ("评审委员会当前为“评分中”，不能变更为“建议名单已确认”。");
      `refusal(locked)`, when given, words it for the user instead.
    - `queryset` (default: the model's) may add select_related for `check`; the row itself is locked.
    - `check(locked)` applies the object's other rules and raises DomainError to refuse.
    - `changes` are the other fields the transition sets (a mapping, or a function of the locked row).
    - `action` is the audit action, or a mapping (from, to) → action when it depends on the state left.
    - The audit record's before/after hold `field` and, when given, the snapshot of `audit_fields`;
      `before` (read before the change) and `after` (read after it) add what else the record should say
      (the values replaced, counts, the roles granted...).

    Returns the locked, saved row; the caller's `obj` gets the saved values too.
    """
    model = type(obj)
    rows = queryset if queryset is not None else model._default_manager.all()
    with transaction.atomic():
        locked = rows.select_for_update(of=("self",)).get(pk=obj.pk)
        current = getattr(locked, field)
        if not transition_allowed(table, current=current, to=to):
            if refusal is not None:
                raise DomainError(refusal(locked), code=INVALID_TRANSITION)
            raise transition_refusal(
                what=what, current_label=_label(model, field, current), to_label=_label(model, field, to)
            )
        if check is not None:
            check(locked)
        old = {
            field: current,
            **(snapshot(locked, audit_fields) if audit_fields else {}),
            **(before(locked) if callable(before) else (before or {})),
        }
        values = dict(changes(locked) if callable(changes) else (changes or {}))
        values[field] = to
        for name, value in values.items():
            setattr(locked, name, value)
        auto_now = [
            f.name
            for f in model._meta.concrete_fields
            if getattr(f, "auto_now", False) and f.name not in values
        ]
        update_fields = [*values, *auto_now]
        locked.save(update_fields=update_fields)
        extra = after(locked) if callable(after) else (after or {})
        audit_record(
            action=action if isinstance(action, str) else action[(current, to)],
            actor=actor,
            obj=locked,
            reason=reason,
            before=old,
            after={field: to, **(snapshot(locked, audit_fields) if audit_fields else {}), **extra},
        )
    if obj is not locked:
        for name in update_fields:
            attname = model._meta.get_field(name).attname
            setattr(obj, attname, getattr(locked, attname))
    return locked
