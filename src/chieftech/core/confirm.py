"""Irreversible actions are taken only once the user has confirmed them, on the server.

A POST for such an action without `confirmed=yes` changes nothing: the view calls `confirmation_require`,
which raises NeedsConfirmation with the question, and answers with `confirmation_page`, which says what will
happen and that it cannot be undone, and carries the submitted fields to a "确认…" button that sends them
again with the confirmation. A view that does not catch NeedsConfirmation separately still refuses the
action as the DomainError it is, so a forgotten branch can never proceed unconfirmed.
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from chieftech.core.errors import NeedsConfirmation
from chieftech.core.formtoken import FORM_TOKEN_FIELD, FORM_TOKEN_RELEASE

CONFIRM_FIELD = "confirmed"
CONFIRM_VALUE = "yes"
IRREVERSIBLE = "此操作确认后立即生效，不能撤销。"
# Sent by the form the confirmation page carries; the page renders its own CSRF and form tokens.
NOT_CARRIED = {"csrfmiddlewaretoken", FORM_TOKEN_FIELD, CONFIRM_FIELD}


def is_confirmed(request: HttpRequest) -> bool:
    return request.POST.get(CONFIRM_FIELD) == CONFIRM_VALUE


def confirmation_require(request: HttpRequest, question: str) -> None:
    """Refuse with `question` unless the POST carries the confirmation."""
    if not is_confirmed(request):
        raise NeedsConfirmation(question, code="needs_confirmation")


def confirmation_page(
    request: HttpRequest, exc: NeedsConfirmation, *, title: str, button: str, back_url: str
) -> HttpResponse:
    """The question, what cannot be undone, and the submitted fields sent again with the confirmation."""
    carried = [
        (name, value)
        for name in request.POST
        if name not in NOT_CARRIED
        for value in request.POST.getlist(name)
    ]
    context = {
        "title": title,
        "question": exc.message,
        "irreversible": IRREVERSIBLE,
        "button": button,
        "action_url": request.get_full_path(),
        "back_url": back_url,
        "carried": carried,
        "confirm_field": CONFIRM_FIELD,
        "confirm_value": CONFIRM_VALUE,
    }
    response = render(request, "core/confirm.html", context)
    # Nothing happened: going back and pressing the original button again must ask again, not be a repeat.
    setattr(response, FORM_TOKEN_RELEASE, True)
    return response
