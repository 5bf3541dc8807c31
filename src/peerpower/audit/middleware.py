"""Writes the refusals a request met inside transactions once its view has returned (and so
its transactions have ended, committed or not: the refusal stands either way)."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from peerpower.audit.actions import flush_pending, pending


class AuditMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        waiting: list = []  # type: ignore[type-arg]
        token = pending.set(waiting)
        try:
            return self.get_response(request)
        finally:
            pending.reset(token)
            flush_pending(waiting)
