"""How a delivery is signed, and how a receiver checks it.

    Peerpower-Signature: v1=<hex of HMAC-SHA256(secret, "<timestamp>.<body>")>
    Peerpower-Timestamp: <seconds since 1970, when this attempt was sent>

Signing the timestamp with the body lets a receiver refuse an old message replayed
(`TOLERANCE_SECONDS`); the event id (`Peerpower-Event-Id`, also in the body) is the same on
every retry, so it can drop a repeat. docs/operators.md shows a receiver's check.
"""

import hashlib
import hmac

SIGNATURE_HEADER = "Peerpower-Signature"
TIMESTAMP_HEADER = "Peerpower-Timestamp"
EVENT_HEADER = "Peerpower-Event"
EVENT_ID_HEADER = "Peerpower-Event-Id"
TOLERANCE_SECONDS = 300


def signature(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"v1={mac.hexdigest()}"


def verify(secret: str, timestamp: int, body: bytes, header: str, *, now: int) -> bool:
    """A receiver's check, in Python: the signature matches and the time is recent."""
    if abs(now - timestamp) > TOLERANCE_SECONDS:
        return False
    return hmac.compare_digest(signature(secret, timestamp, body), header)
