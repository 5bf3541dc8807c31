"""htmx requests that need a log-in or a second factor send the whole page there, not a fragment.

Without this, when a session ends with a live page open (the meeting room polls every second),
htmx follows the log-in redirect itself and pastes the whole log-in page into the room. Here a
redirect to the log-in or a two-factor page, answering an htmx request, becomes an empty
response with `HX-Redirect`: htmx then loads that page in the window, with `next` pointing at
the page the person had open (htmx's `HX-Current-URL`), so they come back to it afterwards.
"""

from collections.abc import Callable
from functools import cached_property
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

# Where a person is sent to prove who they are.
AUTH_URL_NAMES = (
    "mfa_required",
    "mfa_authenticate",
    "account_reauthenticate",
    "mfa_reauthenticate",
)


class HtmxAuthRedirectMiddleware:
    """Turns a log-in or second-factor redirect of an htmx request into `HX-Redirect`."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    @cached_property
    def auth_paths(self) -> frozenset[str]:
        return frozenset(
            [resolve_url(settings.LOGIN_URL), *(reverse(name) for name in AUTH_URL_NAMES)]
        )

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if request.headers.get("HX-Request") != "true" or response.status_code not in (301, 302):
            return response
        target = urlsplit(response["Location"])
        if target.path not in self.auth_paths:
            return response
        query = [(k, v) for k, v in parse_qsl(target.query) if k != "next"]
        page = urlsplit(request.headers.get("HX-Current-URL", ""))
        page_path = urlunsplit(("", "", page.path, page.query, ""))
        if page.path and url_has_allowed_host_and_scheme(
            request.headers.get("HX-Current-URL"),
            allowed_hosts={request.get_host()},
            require_https=request.is_secure(),
        ):
            query.append(("next", page_path))
        redirect = HttpResponse(status=200)
        redirect["HX-Redirect"] = urlunsplit(("", "", target.path, urlencode(query), ""))
        return redirect
