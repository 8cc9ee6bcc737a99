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
from django.utils import timezone

from chieftech.audit.domain import audit_record_many, snapshot
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
    [locked] = transition_many(
        [obj],
        to=to,
        table=table,
        what=what,
        actor=actor,
        action=action,
        field=field,
        reason=reason,
        queryset=queryset,
        refusal=refusal,
        check=check,
        changes=changes,
        audit_fields=audit_fields,
        before=before,
        after=after,
    )
    return locked


def transition_many(
    objs: list[M],
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
) -> list[M]:
    """`transition` of several objects of one model at once, all or none: the rows are locked together (in
    the order of their keys), each is checked as `transition` checks one, and a refusal of any refuses all.
    Rows given the same values are written by one UPDATE and the records appended in one insert per chain,
    so the scheduled end of thousands of terms costs a few queries per batch instead of several per term.
    Returns the saved rows in the order of `objs`."""
    if not objs:
        return []
    model = type(objs[0])
    rows = queryset if queryset is not None else model._default_manager.all()
    pks = [obj.pk for obj in objs]
    with transaction.atomic():
        if len(pks) == 1:
            found = {pks[0]: rows.select_for_update(of=("self",)).get(pk=pks[0])}
        else:
            found = {
                row.pk: row for row in rows.select_for_update(of=("self",)).filter(pk__in=pks).order_by("pk")
            }
            if len(found) != len(set(pks)):
                raise model.DoesNotExist(f"{model._meta.object_name} matching query does not exist.")
        moves = []
        for pk in pks:
            locked = found[pk]
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
            moves.append((locked, current, old, values))
        auto_now = [
            f.name
            for f in model._meta.concrete_fields
            if getattr(f, "auto_now", False) and f.name not in moves[0][3]
        ]
        if len(moves) == 1:
            locked, _, _, values = moves[0]
            update_fields = [*values, *auto_now]
            locked.save(update_fields=update_fields)
        else:
            now = timezone.now()
            groups: dict[str, tuple[dict, list]] = {}
            for locked, _, _, values in moves:
                for name in auto_now:
                    setattr(locked, name, now)
                written = {name: getattr(locked, model._meta.get_field(name).attname) for name in values}
                key = repr(sorted(written.items(), key=lambda item: item[0]))
                groups.setdefault(key, (written, []))[1].append(locked.pk)
            for written, group in groups.values():
                model._base_manager.filter(pk__in=group).update(**written, **dict.fromkeys(auto_now, now))
        entries = []
        for locked, current, old, _values in moves:
            extra = after(locked) if callable(after) else (after or {})
            entries.append(
                {
                    "action": action if isinstance(action, str) else action[(current, to)],
                    "actor": actor,
                    "obj": locked,
                    "reason": reason,
                    "before": old,
                    "after": {field: to, **(snapshot(locked, audit_fields) if audit_fields else {}), **extra},
                }
            )
        audit_record_many(entries)
    for obj, (locked, _, _, values) in zip(objs, moves, strict=True):
        if obj is not locked:
            for name in [*values, *auto_now]:
                attname = model._meta.get_field(name).attname
                setattr(obj, attname, getattr(locked, attname))
    return [found[pk] for pk in pks]
