"""Small view helpers shared by the apps. (The typed requests are in accounts.http: lib
imports no app.)"""

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.paginator import Page, Paginator
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse


def add_action_errors(
    form: BaseForm, error: ValidationError, fields: Mapping[str, str] | None = None
) -> None:
    """Show an action's ValidationError beside the form fields it names, the rest above the form.

    Actions key their errors by their own parameter names. Where a parameter reaches the action
    from a form field of another name, `fields` maps one to the other, e.g.
    `add_action_errors(form, error, {"starts_at": "date", "ends_at": "end_time"})`. An error
    keyed by a parameter no field takes, or by nothing (a refusal), goes above the form.
    """
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    field_for = {**{name: name for name in form.fields}, **(fields or {})}
    for parameter, messages in error.message_dict.items():
        field = field_for.get(parameter) if parameter != NON_FIELD_ERRORS else None
        form.add_error(field if field in form.fields else None, messages)


PER_PAGE = 25


def page_of(request: HttpRequest, rows: Any, per_page: int = PER_PAGE) -> Page[Any]:
    """The page of `rows` the request asks for (`?page=`; a bad number gives the nearest page)."""
    return Paginator(rows, per_page).get_page(request.GET.get("page"))


def calendar_response(content: bytes, filename: str) -> HttpResponse:
    """A calendar file as the browser opens it: shown inline, never stored by a shared cache."""
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, no-cache"
    return response


SEAT_CHECKED = "peerpower_seat_checked"
V = TypeVar("V", bound=Callable[..., Any])


def seat_checked(view: V) -> V:
    """Mark a view that answers only a person who holds a seat in the group (anyone else gets
    a 404 or nothing), so the guest scope (guests.middleware) need not ask about the person: a
    guest holds no seat. For hot views whose own check does not load the person's access, like
    the live room's poll."""
    setattr(view, SEAT_CHECKED, True)
    return view
