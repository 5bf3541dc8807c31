"""The keys that keep feedback anonymous against someone holding the database.

Two things are written with keys that are not in the database (`settings.PEERPOWER_FEEDBACK_KEYS`,
from `PEERPOWER_FEEDBACK_KEY`; when that is not set, one key derived from `SECRET_KEY`):

- **"has answered"** is a keyed hash (HMAC-SHA256) of the booking's uid and the person's id, so
  the row that stops a second answer cannot be tied to a person without the key;
- **an answer held until the feedback window closes** is sealed (Fernet: AES and an HMAC) and
  padded to one fixed length first, so neither its content nor its length can be read or
  matched to the response it becomes when the window closes.

Several keys, comma-separated, newest first: the first hashes and seals, every one is tried
when checking a hash or opening a sealed answer (so a key can be changed while windows are
open; see docs/operators.md).
"""

import base64
import hashlib
import hmac
import json
from functools import cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings

# An answer (three scores, a comment of at most 2,000 characters, at most 4 bytes each in
# UTF-8, and an author id) is padded to this many bytes before it is sealed.
SEALED_LENGTH = 8448


def feedback_keys() -> list[str]:
    """The secrets, newest first; without PEERPOWER_FEEDBACK_KEY, one derived from SECRET_KEY."""
    keys = [k for k in settings.PEERPOWER_FEEDBACK_KEYS if k]
    return keys or [f"derived:{settings.SECRET_KEY}"]


def _raw(secret: str, purpose: str) -> bytes:
    return hashlib.sha256(f"peerpower-feedback-{purpose}:{secret}".encode()).digest()


def answered_tokens(booking_uid: object, user_id: int) -> list[str]:
    """The keyed hash of (booking, person) under each key, the newest key's first."""
    message = f"{booking_uid}:{user_id}".encode()
    return [
        hmac.new(_raw(secret, "answered"), message, hashlib.sha256).hexdigest()
        for secret in feedback_keys()
    ]


@cache
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(base64.urlsafe_b64encode(_raw(secret, "seal"))) for secret in keys])


def seal(answer: dict[str, Any]) -> str:
    """The answer as JSON, padded with spaces to SEALED_LENGTH bytes, encrypted."""
    text = json.dumps(answer, ensure_ascii=False, separators=(",", ":")).encode()
    if len(text) > SEALED_LENGTH:  # pragma: no cover - the action caps the comment first
        raise ValueError("An answer is longer than a sealed answer can be.")
    padded = text + b" " * (SEALED_LENGTH - len(text))
    return _fernet(tuple(feedback_keys())).encrypt(padded).decode()


def unseal(sealed: str) -> dict[str, Any] | None:
    """The answer, or None when none of the keys opens it (a key removed too early)."""
    try:
        padded = _fernet(tuple(feedback_keys())).decrypt(sealed.encode())
    except InvalidToken:
        return None
    answer: dict[str, Any] = json.loads(padded.rstrip(b" "))
    return answer
