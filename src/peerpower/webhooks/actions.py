"""Webhooks: setting up endpoints (the network's admins), recording events as deliveries, and
sending them, signed, with retries.

Recording happens in the emitting act's transaction (`record_event`, the receiver of
lib.events.happened), so a delivery exists exactly when its act committed. Sending happens
after the commit, on the task queue; an attempt first claims its delivery with one
conditional UPDATE (a lease), so two workers never send the same attempt. The periodic sweep
(`deliveries_send_due`, every minute) makes the retries, after Delivery.BACKOFF, and picks up
any delivery whose queued task was lost with a worker.
A receiver may still see an event twice (a reply lost after it arrived): the event id is the
same on each attempt for it to drop the repeat.
"""

import ipaddress
import json
import socket
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from peerpower.accounts.models import User
from peerpower.lib.events import EVENTS
from peerpower.lib.rules import require
from peerpower.networks.models import Network
from peerpower.webhooks import signing
from peerpower.webhooks.models import Delivery, Endpoint, new_secret

TIMEOUT_SECONDS = 10
PING = "ping"


def _addresses_allowed(host: str) -> bool:
    """Whether every address the host resolves to is on the public internet (an endpoint on
    the site's own machines could otherwise be reached through us)."""
    try:
        infos = socket.getaddrinfo(host, None)
    except OSError:
        return False
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if not address.is_global:
            return False
    return True


def check_url(url: str) -> str:
    """The address, or a ValidationError saying what is wrong with it."""
    url = url.strip()
    parts = urllib.parse.urlsplit(url)
    allowed = ("https", "http") if settings.WEBHOOKS_ALLOW_HTTP else ("https",)
    if parts.scheme not in allowed or not parts.hostname:
        raise ValidationError({"url": "Give an address that starts with https://."})
    if parts.username or parts.password:
        raise ValidationError({"url": "Put no user name or password in the address."})
    if not settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES and not _addresses_allowed(parts.hostname):
        raise ValidationError(
            {"url": "This address is not on the public internet (or could not be found)."}
        )
    return url


def _check_events(events: Iterable[str]) -> list[str]:
    chosen = sorted(set(events))
    if not chosen:
        raise ValidationError({"events": "Choose at least one event to send."})
    unknown = [e for e in chosen if e not in EVENTS]
    if unknown:
        raise ValidationError({"events": f"No such event: {', '.join(unknown)}."})
    return chosen


def endpoint_create(
    *, network: Network, url: str, events: Iterable[str], description: str, by: User
) -> Endpoint:
    """A new endpoint of the network, active at once, with a new signing secret."""
    require(by, "webhooks.manage", network)
    return Endpoint.objects.create(
        network=network,
        url=check_url(url),
        events=_check_events(events),
        description=description.strip()[:120],
        created_by=by,
    )


def endpoint_update(
    *,
    endpoint: Endpoint,
    url: str,
    events: Iterable[str],
    description: str,
    active: bool,
    by: User,
) -> Endpoint:
    """Changes what the endpoint hears of and where. Deliveries already recorded keep going
    to it (at its new address)."""
    require(by, "webhooks.manage", endpoint)
    endpoint.url = check_url(url)
    endpoint.events = _check_events(events)
    endpoint.description = description.strip()[:120]
    endpoint.active = active
    endpoint.save(update_fields=["url", "events", "description", "active"])
    return endpoint


def endpoint_secret_replace(*, endpoint: Endpoint, by: User) -> Endpoint:
    """A new signing secret; the old one signs nothing from now on."""
    require(by, "webhooks.manage", endpoint)
    endpoint.secret = new_secret()
    endpoint.save(update_fields=["secret"])
    return endpoint


def endpoint_delete(*, endpoint: Endpoint, by: User) -> None:
    """The endpoint and its delivery log go; nothing more is sent to it."""
    require(by, "webhooks.manage", endpoint)
    endpoint.delete()


def endpoint_test(*, endpoint: Endpoint, by: User) -> Delivery:
    """A `ping` event to this endpoint only, through the same signing and sending."""
    require(by, "webhooks.manage", endpoint)
    with transaction.atomic():
        delivery = _record(endpoint, PING, {"endpoint": endpoint.pk}, network=endpoint.network)
    return delivery


def _body(delivery_id: str, event: str, network: Network, data: Mapping[str, Any]) -> str:
    return json.dumps(
        {
            "id": delivery_id,
            "event": event,
            "created": timezone.now().isoformat(timespec="seconds"),
            "network": network.slug,
            "data": data,
        },
        sort_keys=True,
        default=str,
    )


def _record(endpoint: Endpoint, event: str, data: Mapping[str, Any], network: Network) -> Delivery:
    delivery = Delivery(endpoint=endpoint, event=event)
    delivery.body = _body(str(delivery.event_id), event, network, data)
    delivery.save()
    transaction.on_commit(lambda: _enqueue(delivery.pk))
    return delivery


def _enqueue(delivery_id: int) -> None:
    from peerpower.webhooks.tasks import deliver  # noqa: PLC0415 (tasks imports this module)

    deliver(delivery_id)


def record_event(*, network_id: int, event: str, data: Mapping[str, Any], **_: Any) -> None:
    """lib.events.happened's receiver (Django's `signal` and `sender` go to `**_`): one
    delivery per active endpoint of the network that chose the event, written in the emitting
    act's transaction. Not an action: the act that emitted it checked its own rule."""
    endpoints = [
        e
        for e in Endpoint.objects.filter(network_id=network_id, active=True).select_related(
            "network"
        )
        if event in e.events
    ]
    for endpoint in endpoints:
        _record(endpoint, event, data, endpoint.network)


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer (3xx), not a new address to send the event to."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_opener = urllib.request.build_opener(_NoRedirects)


def _post(endpoint: Endpoint, delivery: Delivery, now: datetime) -> tuple[int | None, str]:
    """Sends one attempt; the status code (None if no answer) and what went wrong."""
    parts = urllib.parse.urlsplit(endpoint.url)
    if not settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES and not _addresses_allowed(
        parts.hostname or ""
    ):
        return None, "The address is not on the public internet."
    body = delivery.body.encode()
    timestamp = int(now.timestamp())
    request = urllib.request.Request(  # noqa: S310 - checked above: http(s) only
        endpoint.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": "PeerPower-Webhooks/1",
            signing.EVENT_HEADER: delivery.event,
            signing.EVENT_ID_HEADER: str(delivery.event_id),
            signing.TIMESTAMP_HEADER: str(timestamp),
            signing.SIGNATURE_HEADER: signing.signature(endpoint.secret, timestamp, body),
        },
    )
    try:
        with _opener.open(request, timeout=TIMEOUT_SECONDS) as response:
            response.read(1024)
            return int(response.status), ""
    except urllib.error.HTTPError as error:
        return int(error.code), f"The endpoint answered {error.code}."
    except (urllib.error.URLError, OSError, ValueError) as error:
        reason = getattr(error, "reason", error)
        return None, f"No answer: {reason}"[:300]


def delivery_attempt(delivery_id: int, *, now: datetime | None = None) -> int | None:
    """One attempt at a due delivery. Returns the seconds until the next attempt if it must be
    tried again, else None (delivered, given up, or not ours to try now)."""
    now = now or timezone.now()
    claimed = Delivery.objects.filter(
        pk=delivery_id, status=Delivery.Status.PENDING, next_attempt_at__lte=now
    ).update(next_attempt_at=now + timedelta(seconds=Delivery.LEASE_SECONDS))
    if not claimed:
        return None
    delivery = Delivery.objects.select_related("endpoint").get(pk=delivery_id)
    code, error = _post(delivery.endpoint, delivery, now)
    delivery.attempts += 1
    delivery.response_code = code
    delivery.error = error
    if code is not None and 200 <= code < 300:
        delivery.status = Delivery.Status.DELIVERED
        delivery.delivered_at = timezone.now()
        delivery.error = ""
        wait = None
    elif delivery.attempts > len(Delivery.BACKOFF):
        delivery.status = Delivery.Status.FAILED
        wait = None
    else:
        wait = Delivery.BACKOFF[delivery.attempts - 1]
        delivery.next_attempt_at = now + timedelta(seconds=wait)
    delivery.save(
        update_fields=[
            "attempts",
            "response_code",
            "error",
            "status",
            "delivered_at",
            "next_attempt_at",
        ]
    )
    return wait


def deliveries_send_due(*, now: datetime | None = None, limit: int = 200) -> int:
    """Attempts every delivery whose time has come (the sweep behind the queued tasks: a task
    lost with its worker is picked up here). Returns how many were attempted."""
    now = now or timezone.now()
    due = list(
        Delivery.objects.filter(status=Delivery.Status.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
    for pk in due:
        delivery_attempt(pk, now=now)
    return len(due)
