"""Undo, for a few minutes, of a destructive act that is cheap to put back.

After the act, the view calls `offer`: the status message on the next page carries an "Undo"
button (a POST to the app's restore address), and what is needed to put things back waits in
the person's session under that address, with who did it and when. The restore view `take`s it
and hands it to the app's restore action, which checks `Undo.require_open` (the same person,
within `UNDO_MINUTES`) as well as its own rules: the session is only where the offer waits, not
what makes it allowed.

Nothing here knows an app; what `data` holds is the app's (JSON: numbers, strings, None).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone

UNDO_MINUTES = 5
SESSION_KEY = "peerpower.undo"
# The message's extra tag: "undo" and the address the button posts to.
TAG = "undo"


@dataclass(frozen=True)
class Undo:
    """What a destructive act left to put it back: who did it, when, and the app's data."""

    by_id: int
    at: datetime
    data: dict[str, Any]

    def require_open(self, by_id: int, now: datetime | None = None) -> None:
        """Refuse anyone but whoever did it, and anyone once the minutes have run out."""
        if by_id != self.by_id:
            raise ValidationError("Only whoever did this can undo it.")
        if (now or timezone.now()) - self.at > timedelta(minutes=UNDO_MINUTES):
            raise ValidationError(
                f"It is too late to undo this: undo lasts {UNDO_MINUTES} minutes."
            )


def offer(request: HttpRequest, *, url: str, message: str, data: dict[str, Any]) -> None:
    """Say what was done, with an "Undo" button posting to `url` for the next minutes."""
    now = timezone.now()
    offers = {
        key: value
        for key, value in request.session.get(SESSION_KEY, {}).items()
        if _parsed(value).at > now - timedelta(minutes=UNDO_MINUTES)
    }
    offers[url] = {"by": request.user.pk, "at": now.isoformat(), "data": data}
    request.session[SESSION_KEY] = offers
    messages.success(request, message, extra_tags=f"{TAG} {url}")


def take(request: HttpRequest, url: str) -> Undo | None:
    """The offer waiting under `url` in this session (removed from it), if there is one."""
    offers = dict(request.session.get(SESSION_KEY, {}))
    value = offers.pop(url, None)
    if value is None:
        return None
    request.session[SESSION_KEY] = offers
    return _parsed(value)


def undo_url(extra_tags: str) -> str:
    """The address a message's "Undo" button posts to ("" for a message without one)."""
    parts = extra_tags.split()
    return parts[1] if len(parts) == 2 and parts[0] == TAG else ""


def _parsed(value: dict[str, Any]) -> Undo:
    # Written by `offer` with isoformat().
    return Undo(
        by_id=int(value["by"]), at=datetime.fromisoformat(value["at"]), data=dict(value["data"])
    )
