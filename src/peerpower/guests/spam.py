"""Spam protection for the public request form, with no third-party service: a signed form
token that carries the time the form was shown (so a form sent too fast, or sent twice, is
refused) and rate limits per IP address and per email address held in the shared cache."""

import hashlib
import secrets
import time

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ValidationError

FORM_SALT = "peerpower.guests.request-form"
# A form shown more than a day ago is stale: the person reloads the page.
FORM_MAX_AGE = 24 * 3600


class SpamRefused(ValidationError):
    """The request looks automated or too frequent; the message says what to do (above the
    form, like any other reason an action cannot go ahead)."""


def new_form_token() -> str:
    return signing.dumps({"t": time.time(), "n": secrets.token_hex(8)}, salt=FORM_SALT)


def check_form_token(token: str) -> None:
    """Raise SpamRefused unless the token is ours, not stale, old enough and not used before.
    Using it marks it used (across every server, in the shared cache)."""
    try:
        data = signing.loads(token, salt=FORM_SALT, max_age=FORM_MAX_AGE)
    except signing.BadSignature:
        raise SpamRefused(
            "This form has expired or was changed. Please reload the page and try again."
        ) from None
    if time.time() - float(data["t"]) < settings.GUESTS_MIN_FILL_SECONDS:
        raise SpamRefused(
            "That was sent very quickly. Please check your answers and send the form again."
        )
    digest = hashlib.sha256(token.encode()).hexdigest()
    if not cache.add(f"guests:form-used:{digest}", 1, FORM_MAX_AGE):
        raise SpamRefused(
            "This form has already been sent. Please reload the page to send another."
        )


def _hit(key: str, limit: int, window: int) -> bool:
    """Count one attempt under `key`; False once more than `limit` fall in the window."""
    cache.add(key, 0, window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, window)
        count = 1
    return count <= limit


def check_rate(*, ip: str, email: str) -> None:
    """Raise SpamRefused when this address or this email has sent too many requests lately."""
    window = settings.GUESTS_RATE_WINDOW_SECONDS
    ip_ok = _hit(f"guests:rate:ip:{ip}", settings.GUESTS_RATE_PER_IP, window)
    email_key = hashlib.sha256(email.strip().lower().encode()).hexdigest()
    email_ok = _hit(f"guests:rate:email:{email_key}", settings.GUESTS_RATE_PER_EMAIL, window)
    if not (ip_ok and email_ok):
        minutes = max(1, window // 60)
        raise SpamRefused(
            "We have had several requests from you in a short time. "
            f"Please wait {minutes} minutes and try again."
        )
