"""Typed requests for the views: `request.user` is precise, `request.htmx` is known."""

from django.contrib.auth.models import AnonymousUser
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
