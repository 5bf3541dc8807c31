"""Things that happened, for other systems to hear of (the webhooks app sends them out).

An action calls `emit` inside its own transaction, after its write; a receiver (webhooks)
records what to send in that same transaction, so an act rolled back sends nothing and a
committed act's event cannot be lost between the write and the queue. The data is what a
caller of the API may read of the object: ids, names of groups, times and states; never
anything said in a group, never a person's contact details.

lib imports no app: the emitting apps name their events here, the webhooks app listens.
"""

from collections.abc import Mapping
from typing import Any

from django.dispatch import Signal

# Every event another system can subscribe to, with what it means.
EVENTS: dict[str, str] = {
    "meeting.changed": "A meeting was moved or reinstated",
    "meeting.cancelled": "A meeting was cancelled",
    "membership.changed": "Someone was proposed, invited, joined, paused, left or became chair",
    "booking.made": "A speaker was booked into a meeting, or accepted",
    "booking.cancelled": "A speaker's booking was withdrawn or declined",
    "guest_request.received": "A guest request reached the network (its address confirmed)",
    "invoice.issued": "An invoice was issued",
    "invoice.paid": "An invoice was paid in full",
}

# Sent with `network_id`, `event` (a key of EVENTS) and `data`.
happened = Signal()


def emit(event: str, *, network_id: int, data: Mapping[str, Any]) -> None:
    if event not in EVENTS:
        raise ValueError(f"No such event: {event}")
    happened.send(sender=None, network_id=network_id, event=event, data=dict(data))
