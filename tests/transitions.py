"""Shared by the transition-table tests: every pair of states, split by the object's table into the moves
that must succeed and the ones that must be refused, and what "nothing changed" means for a row."""

from collections.abc import Collection, Mapping

import pytest

from chieftech.audit.models import AuditRecord


def pairs(table: Mapping[str, Collection[str]], states) -> tuple[list, list]:
    """(allowed, refused): every (from, to) over `states`, as pytest params named "from->to"."""
    allowed, refused = [], []
    for current in states:
        for to in states:
            case = pytest.param(current, to, id=f"{current}->{to}")
            (allowed if to in table.get(current, ()) else refused).append(case)
    return allowed, refused


def row(obj) -> dict:
    """The object's columns as stored."""
    return type(obj)._default_manager.filter(pk=obj.pk).values().get()


def records(obj):
    return AuditRecord.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))
