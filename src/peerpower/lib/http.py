"""Small view helpers shared by the apps. (The typed requests are in accounts.http: lib
imports no app.)"""

from collections.abc import Mapping

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.forms import BaseForm


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
