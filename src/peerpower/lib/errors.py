"""Error pages in the site's layout, for the responses Django leaves bare.

Django's own error views render `400.html`, `403.html`, `404.html` and `500.html` (in
`templates/`). Two more are ours: `csrf_failure` (settings.CSRF_FAILURE_VIEW) renders
`403_csrf.html`, and `ErrorPageMiddleware` gives the empty 405 of `require_POST` and friends
the `405.html` page. No page says whether the thing asked for exists.
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseForbidden
from django.template.loader import render_to_string


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form posted without a valid CSRF token: say so plainly, in the site's layout."""
    return HttpResponseForbidden(render_to_string("403_csrf.html", request=request))


class ErrorPageMiddleware:
    """Puts the site's page into a 405 response that has no body (keeping its Allow header)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if (
            response.status_code == 405
            and isinstance(response, HttpResponse)
            and not response.content
            and request.headers.get("HX-Request") != "true"
        ):
            response.content = render_to_string("405.html", request=request).encode()
            response["Content-Type"] = "text/html; charset=utf-8"
        return response
