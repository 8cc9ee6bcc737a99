"""The list of a page's form errors shown at its top, each linked to the field it belongs to.

A long form re-rendered with an error used to open at its top while the message sat far below; the
summary lists every error there (fields, the form's own, each formset row's) and the page focuses it.
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.forms import BaseForm, BaseFormSet
from django.forms.widgets import RadioSelect


@dataclass(frozen=True)
class ErrorItem:
    message: str
    label: str = ""
    anchor: str = ""  # the id of the control to move to; empty for errors of a whole form


def _control_id(bound_field) -> str:
    auto_id = bound_field.auto_id
    if not auto_id:
        return ""
    if isinstance(bound_field.field.widget, RadioSelect):
        # A group of radios has no element of its own id; its first choice takes the focus.
        return f"{auto_id}_0"
    return auto_id


def _form_items(form: BaseForm, row: str = "") -> Iterator[ErrorItem]:
    for message in form.non_field_errors():
        yield ErrorItem(message=message, label=row)
    for name, messages in form.errors.items():
        if name == "__all__" or name not in form.fields:
            continue
        bound = form[name]
        label = f"{row}{bound.label}" if bound.label else row
        anchor = "" if bound.is_hidden else _control_id(bound)
        for message in messages:
            yield ErrorItem(message=message, label=label, anchor=anchor)


def _formset_items(formset: BaseFormSet) -> Iterator[ErrorItem]:
    for message in formset.non_form_errors():
        yield ErrorItem(message=message)
    for index, form in enumerate(formset.forms, start=1):
        if form.errors:
            yield from _form_items(form, row=f"第{index}行 ")


def _is_form(value) -> bool:
    # type(), not isinstance(): isinstance() would evaluate the context's lazy values (a query each).
    return issubclass(type(value), BaseForm | BaseFormSet)


def _candidates(values: Iterable) -> Iterator:
    """Forms and formsets among a template's context values, and inside dicts and lists of them."""
    for value in values:
        if _is_form(value):
            yield value
        elif type(value) is dict:
            yield from (v for v in value.values() if _is_form(v))
        elif type(value) in (list, tuple):
            yield from (v for v in value if _is_form(v))


def error_summary_items(values: Iterable) -> list[ErrorItem]:
    """Every error of the bound forms and formsets among `values`, in the order they come, once each."""
    items: list[ErrorItem] = []
    seen: set[int] = set()
    for candidate in _candidates(values):
        if id(candidate) in seen or not candidate.is_bound:
            continue
        seen.add(id(candidate))
        if isinstance(candidate, BaseFormSet):
            items.extend(_formset_items(candidate))
        else:
            items.extend(_form_items(candidate))
    return items
