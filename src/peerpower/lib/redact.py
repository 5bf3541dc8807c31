"""Secrets kept out of logs and error reports.

Calendar feeds, invitations and one-click replies are reached by a secret in the URL. Any URL
parameter (in the path, by the URL pattern's name for it, or in the query string) whose name
says it is secret — token, secret, key, signature, password — is replaced by `MASK` wherever a
URL is logged or an error report is made:

- `RedactSecrets`, a logging filter on every handler (settings.LOGGING), rewrites the message;
- `SecretHidingReporterFilter` (settings.DEFAULT_EXCEPTION_REPORTER_FILTER) also hides frame
  variables named like a secret and redacts the request in them;
- `SecretHidingExceptionReporter` (settings.DEFAULT_EXCEPTION_REPORTER) reports on a copy of
  the request whose path, query string and referrer are redacted.
"""

import copy
import logging
import re
from collections.abc import ItemsView
from types import FrameType
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.http import HttpRequest, QueryDict
from django.urls import Resolver404, resolve
from django.views.debug import ExceptionReporter, SafeExceptionReporterFilter

MASK = "********"
SECRET_NAME = re.compile(r"token|secret|key|signature|passw", re.IGNORECASE)
# A URL inside a message: absolute, or a path starting with "/".
URL_IN_TEXT = re.compile(r"""(?:https?://[^/\s"'<>]+)?/[^\s"'<>]*""")
URL_META_KEYS = ("PATH_INFO", "REQUEST_URI", "RAW_URI", "HTTP_REFERER", "HTTP_HX_CURRENT_URL")


def redact_query(query: str) -> str:
    if not query:
        return query
    pairs = parse_qsl(query, keep_blank_values=True)
    return urlencode([(k, MASK if SECRET_NAME.search(k) else v) for k, v in pairs], safe="*")


def redact_path(path: str) -> str:
    """`path` with the value of each URL-pattern parameter named like a secret masked."""
    try:
        match = resolve(path)
    except Resolver404:
        return path
    for name, value in match.kwargs.items():
        if SECRET_NAME.search(name) and str(value):
            path = path.replace(str(value), MASK)
    return path


def redact_url(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=redact_path(parts.path), query=redact_query(parts.query)))


def redact_text(text: str) -> str:
    """Every URL in `text` redacted."""
    if "/" not in text:
        return text
    return URL_IN_TEXT.sub(lambda m: redact_url(m.group(0)), text)


def redacted_request(request: HttpRequest) -> HttpRequest:
    """A shallow copy of `request` whose path, query string and URL headers name no secret."""
    safe = copy.copy(request)
    safe.path = redact_path(request.path)
    safe.path_info = redact_path(request.path_info)
    meta = dict(request.META)
    for key in URL_META_KEYS:
        if isinstance(meta.get(key), str):
            meta[key] = redact_url(meta[key])
    meta["QUERY_STRING"] = redact_query(str(meta.get("QUERY_STRING", "")))
    safe.META = meta
    safe.GET = QueryDict(meta["QUERY_STRING"])
    return safe


class RedactSecrets(logging.Filter):
    """Rewrites each record's message with every URL in it redacted (never drops a record)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact_text(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        request = getattr(record, "request", None)
        if isinstance(request, HttpRequest):
            record.request = redacted_request(request)
        return True


class SecretHidingReporterFilter(SafeExceptionReporterFilter):
    """Django's filter (settings, POST data of sensitive views), plus: frame variables named
    like a secret are hidden, and URLs in the others are redacted."""

    def get_traceback_frame_variables(
        self, request: HttpRequest | None, tb_frame: FrameType
    ) -> ItemsView[str, Any]:
        cleansed: dict[str, Any] = {}
        for name, value in super().get_traceback_frame_variables(request, tb_frame):
            if SECRET_NAME.search(name):
                value = self.cleansed_substitute
            elif isinstance(value, HttpRequest):
                value = redacted_request(value)
            elif isinstance(value, str):
                value = redact_text(value)
            cleansed[name] = value
        return cleansed.items()

    def get_safe_request_meta(self, request: HttpRequest) -> dict[str, Any]:
        meta = super().get_safe_request_meta(request)
        for key in URL_META_KEYS:
            if isinstance(meta.get(key), str):
                meta[key] = redact_url(meta[key])
        if isinstance(meta.get("QUERY_STRING"), str):
            meta["QUERY_STRING"] = redact_query(meta["QUERY_STRING"])
        return meta


class SecretHidingExceptionReporter(ExceptionReporter):
    """Django's report, made from a copy of the request that names no secret in its URL."""

    def __init__(self, request: HttpRequest | None, *args: Any, **kwargs: Any) -> None:
        super().__init__(
            redacted_request(request) if request is not None else None, *args, **kwargs
        )
