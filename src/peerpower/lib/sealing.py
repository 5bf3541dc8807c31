"""Keyed hashes and sealed, padded answers: what keeps anonymous answers anonymous against
someone holding the database (the speakers' talk feedback and the impact app's anonymous
surveys share it).

The keys are outside the database (`settings.PEERPOWER_FEEDBACK_KEYS`, from
`PEERPOWER_FEEDBACK_KEY`; when that is not set, one key derived from `SECRET_KEY`). Several
keys, comma-separated, newest first: the first hashes and seals, every one is tried when
checking a hash or opening a sealed answer (so a key can be changed while windows are open;
see docs/operators.md).

- `keyed_tokens(message, purpose)`: HMAC-SHA256 of the message under each key, so a row that
  says "this person has answered" names nobody to someone without the key;
- `seal(answer, length)` / `unseal(sealed)`: the answer as JSON, padded with spaces to one
  fixed length and encrypted with Fernet (AES and an HMAC), so neither its content nor its
  length can be read or matched to what it becomes once released.
"""

import base64
import hashlib
import hmac
import json
from functools import cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


def feedback_keys() -> list[str]:
    """The secrets, newest first; without PEERPOWER_FEEDBACK_KEY, one derived from SECRET_KEY."""
    keys = [k for k in settings.PEERPOWER_FEEDBACK_KEYS if k]
    return keys or [f"derived:{settings.SECRET_KEY}"]


def _raw(secret: str, purpose: str) -> bytes:
    return hashlib.sha256(f"peerpower-feedback-{purpose}:{secret}".encode()).digest()


def keyed_tokens(message: str, purpose: str) -> list[str]:
    """The keyed hash of `message` under each key (its own HMAC key per `purpose`), the
    newest key's first."""
    data = message.encode()
    return [
        hmac.new(_raw(secret, purpose), data, hashlib.sha256).hexdigest()
        for secret in feedback_keys()
    ]


@cache
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(base64.urlsafe_b64encode(_raw(secret, "seal"))) for secret in keys])


def seal(answer: dict[str, Any], length: int) -> str:
    """The answer as JSON, padded with spaces to `length` bytes, encrypted."""
    text = json.dumps(answer, ensure_ascii=False, separators=(",", ":")).encode()
    if len(text) > length:  # pragma: no cover - the actions cap what is written first
        raise ValueError("An answer is longer than a sealed answer can be.")
    padded = text + b" " * (length - len(text))
    return _fernet(tuple(feedback_keys())).encrypt(padded).decode()


def unseal(sealed: str) -> dict[str, Any] | None:
    """The answer, or None when none of the keys opens it (a key removed too early)."""
    try:
        padded = _fernet(tuple(feedback_keys())).decrypt(sealed.encode())
    except InvalidToken:
        return None
    answer: dict[str, Any] = json.loads(padded.rstrip(b" "))
    return answer
