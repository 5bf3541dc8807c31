"""The keys that keep talk feedback anonymous against someone holding the database.

The hashing and sealing are `peerpower.lib.sealing`'s (shared with the impact app's anonymous
surveys); this module fixes what talk feedback hashes and how long a sealed answer is:

- **"has answered"** is a keyed hash (HMAC-SHA256) of the booking's uid and the person's id, so
  the row that stops a second answer cannot be tied to a person without the key;
- **an answer held until the feedback window closes** is sealed (Fernet: AES and an HMAC) and
  padded to one fixed length first, so neither its content nor its length can be read or
  matched to the response it becomes when the window closes.
"""

from typing import Any

from peerpower.lib import sealing
from peerpower.lib.sealing import feedback_keys, unseal

__all__ = ["SEALED_LENGTH", "answered_tokens", "feedback_keys", "seal", "unseal"]

# An answer (three scores, a comment of at most 2,000 characters, at most 4 bytes each in
# UTF-8, and an author id) is padded to this many bytes before it is sealed.
SEALED_LENGTH = 8448


def answered_tokens(booking_uid: object, user_id: int) -> list[str]:
    """The keyed hash of (booking, person) under each key, the newest key's first."""
    return sealing.keyed_tokens(f"{booking_uid}:{user_id}", "answered")


def seal(answer: dict[str, Any]) -> str:
    """The answer as JSON, padded with spaces to SEALED_LENGTH bytes, encrypted."""
    return sealing.seal(answer, SEALED_LENGTH)
