"""Typed requests and small view helpers shared by the apps."""

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.forms import BaseForm
from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from peerpower.accounts.models import User


class HtmxRequest(HttpRequest):
    htmx: HtmxDetails


class AuthenticatedRequest(HtmxRequest):
    """A request behind the login middleware: `user` is always a real User."""

    user: User


class MaybeAnonymousRequest(HtmxRequest):
    user: User | AnonymousUser


def add_action_errors(form: BaseForm, error: ValidationError) -> None:
    """Show an action's ValidationError next to the fields it names, the rest above the form."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)
