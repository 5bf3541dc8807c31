"""Small view helpers shared by the apps. (The typed requests are in accounts.http: lib
imports no app.)"""

from django.core.exceptions import ValidationError
from django.forms import BaseForm


def add_action_errors(form: BaseForm, error: ValidationError) -> None:
    """Show an action's ValidationError next to the fields it names, the rest above the form."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)
