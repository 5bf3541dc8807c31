"""Webhooks: an endpoint hears of the events it chose, signed (checked by a verifier written
apart, in Node), once per committed act, retried with backoff, never anything confidential."""

import json
import shutil
import subprocess
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from peerpower.lib.rules import Refused
from peerpower.meetings import actions as meeting_actions
from peerpower.webhooks import actions, signing
from peerpower.webhooks.models import Delivery, Endpoint
from tests import factories
from tests.conftest import World
from tests.webhooks.receiver import Receiver

HERE = Path(__file__).resolve().parent
Commit = Callable[..., Any]  # pytest-django's django_capture_on_commit_callbacks


def _endpoint(world: World, receiver: Receiver, events: list[str]) -> Endpoint:
    return actions.endpoint_create(
        network=world.network, url=receiver.url, events=events, description="CRM", by=world.admin
    )


def _verify_in_node(secret: str, timestamp: str, signature: str, body: bytes) -> str:
    node = shutil.which("node")
    if node is None:
        pytest.fail(
            "Node.js is needed for the independent signature check (apt-get install nodejs)"
        )
    done = subprocess.run(  # noqa: S603 - a fixed command line; the input comes on stdin
        [node, str(HERE / "verify.mjs")],
        input=json.dumps(
            {
                "secret": secret,
                "timestamp": timestamp,
                "signature": signature,
                "body": body.decode(),
            }
        ),
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return done.stdout


def test_a_cancelled_meeting_reaches_the_endpoint_signed_and_without_its_reason(
    world: World, receiver: Receiver, django_capture_on_commit_callbacks: Commit
) -> None:
    endpoint = _endpoint(world, receiver, ["meeting.cancelled", "meeting.changed"])
    meeting = world.next_meeting()
    with django_capture_on_commit_callbacks(execute=True):
        meeting_actions.meeting_cancel(
            meeting=meeting, reason="Marker-QX7 the venue flooded", by=world.chair
        )
    assert len(receiver.received) == 1
    got = receiver.received[0]
    body = json.loads(got.body)
    assert body["event"] == "meeting.cancelled"
    assert body["network"] == world.network.slug
    assert body["data"]["meeting"] == meeting.pk and body["data"]["status"] == "cancelled"
    assert b"Marker-QX7" not in got.body
    assert got.headers[signing.EVENT_HEADER] == "meeting.cancelled"
    assert got.headers[signing.EVENT_ID_HEADER] == body["id"]
    timestamp, signature = (
        got.headers[signing.TIMESTAMP_HEADER],
        got.headers[signing.SIGNATURE_HEADER],
    )
    assert _verify_in_node(endpoint.secret, timestamp, signature, got.body) == "valid"
    # A body changed on the way, or another secret, fails the same check.
    assert _verify_in_node(endpoint.secret, timestamp, signature, got.body + b" ") == "invalid"
    assert _verify_in_node("whsec_other", timestamp, signature, got.body) == "invalid"
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.response_code, delivery.attempts) == ("delivered", 200, 1)


def test_an_act_rolled_back_records_and_sends_nothing(
    world: World, receiver: Receiver, django_capture_on_commit_callbacks: Commit
) -> None:
    _endpoint(world, receiver, ["meeting.cancelled"])
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        meeting_actions.meeting_cancel(meeting=world.next_meeting(), reason="Rain", by=world.chair)
        raise RuntimeError("the request failed after the act")
    assert not Delivery.objects.exists()
    assert receiver.received == []


def test_a_failing_endpoint_is_retried_with_backoff_with_the_same_id_then_given_up(
    world: World, receiver: Receiver, django_capture_on_commit_callbacks: Commit
) -> None:
    receiver.status = 503
    endpoint = _endpoint(world, receiver, ["meeting.changed"])
    with django_capture_on_commit_callbacks(execute=True):
        delivery = actions.endpoint_test(endpoint=endpoint, by=world.admin)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.response_code) == ("pending", 1, 503)
    assert "answered 503" in delivery.error
    now = timezone.now()
    # Not yet due: the sweep leaves it.
    assert actions.deliveries_send_due(now=now) == 0
    for attempt, wait in enumerate(Delivery.BACKOFF, start=2):
        now += timedelta(seconds=wait + 1)
        assert actions.deliveries_send_due(now=now) == 1
        delivery.refresh_from_db()
        assert delivery.attempts == attempt
    assert delivery.status == "failed"
    assert actions.deliveries_send_due(now=now + timedelta(days=2)) == 0
    ids = {r.headers[signing.EVENT_ID_HEADER] for r in receiver.received}
    assert len(receiver.received) == len(Delivery.BACKOFF) + 1 and len(ids) == 1


def test_a_retry_that_gets_through_is_delivered_and_two_workers_never_send_one_attempt(
    world: World, receiver: Receiver, django_capture_on_commit_callbacks: Commit
) -> None:
    receiver.status = 500
    endpoint = _endpoint(world, receiver, ["meeting.changed"])
    with django_capture_on_commit_callbacks(execute=True):
        delivery = actions.endpoint_test(endpoint=endpoint, by=world.admin)
    receiver.status = 204
    due = timezone.now() + timedelta(seconds=Delivery.BACKOFF[0] + 1)
    assert actions.delivery_attempt(delivery.pk, now=due) is None
    # A second worker with the same task at the same moment finds it claimed.
    assert actions.delivery_attempt(delivery.pk, now=due) is None
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.response_code) == ("delivered", 2, 204)
    assert len(receiver.received) == 2


def test_only_the_networks_active_endpoints_that_chose_the_event_hear_of_it(
    world: World, receiver: Receiver, django_capture_on_commit_callbacks: Commit
) -> None:
    _endpoint(world, receiver, ["membership.changed"])  # not meetings
    paused = _endpoint(world, receiver, ["meeting.cancelled"])
    actions.endpoint_update(
        endpoint=paused,
        url=paused.url,
        events=paused.events,
        description="",
        active=False,
        by=world.admin,
    )
    elsewhere = factories.make_network("Elsewhere")
    actions.endpoint_create(
        network=elsewhere,
        url=receiver.url,
        events=["meeting.cancelled"],
        description="",
        by=factories.make_admin(elsewhere, "Eve Else"),
    )
    with django_capture_on_commit_callbacks(execute=True):
        meeting_actions.meeting_cancel(meeting=world.next_meeting(), reason="Rain", by=world.chair)
    assert receiver.received == []
    assert not Delivery.objects.exists()


def test_only_the_networks_admins_set_up_webhooks(world: World, receiver: Receiver) -> None:
    for person in (world.chair, world.member, world.coach, world.outsider):
        with pytest.raises(Refused):
            actions.endpoint_create(
                network=world.network, url=receiver.url, events=["meeting.changed"],
                description="", by=person,
            )  # fmt: skip
    endpoint = _endpoint(world, receiver, ["meeting.changed"])
    other_admin = factories.make_admin(factories.make_network("Elsewhere"), "Eve Else")
    for act in (actions.endpoint_test, actions.endpoint_delete, actions.endpoint_secret_replace):
        with pytest.raises(Refused):
            act(endpoint=endpoint, by=other_admin)
    assert Endpoint.objects.filter(pk=endpoint.pk).exists()


def test_bad_addresses_and_no_events_are_refused_beside_their_fields(
    world: World, receiver: Receiver
) -> None:
    def errors(url: str, events: list[str]) -> dict[str, list[str]]:
        with pytest.raises(ValidationError) as caught:
            actions.endpoint_create(
                network=world.network, url=url, events=events, description="", by=world.admin
            )
        return caught.value.message_dict

    assert "events" in errors(receiver.url, [])
    assert "events" in errors(receiver.url, ["meeting.exploded"])
    assert "url" in errors("ftp://example.org/hook", ["meeting.changed"])
    assert "url" in errors("https://user:secret@example.org/hook", ["meeting.changed"])
    with override_settings(WEBHOOKS_ALLOW_HTTP=False, WEBHOOKS_ALLOW_PRIVATE_ADDRESSES=False):
        assert "https://" in errors("http://example.org/hook", ["meeting.changed"])["url"][0]
        for url in (
            "https://127.0.0.1/hook",
            "https://localhost/hook",
            "https://10.1.2.3/hook",
            "https://169.254.169.254/latest/meta-data",
            "https://[::1]/hook",
        ):
            assert "public internet" in errors(url, ["meeting.changed"])["url"][0], url
    assert not Endpoint.objects.exists()


def test_an_address_that_turned_private_is_not_posted_to(
    world: World, receiver: Receiver, django_capture_on_commit_callbacks: Commit
) -> None:
    """The check runs again at each attempt (an address can resolve elsewhere later)."""
    endpoint = _endpoint(world, receiver, ["meeting.changed"])
    with (
        override_settings(WEBHOOKS_ALLOW_PRIVATE_ADDRESSES=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        delivery = actions.endpoint_test(endpoint=endpoint, by=world.admin)
    delivery.refresh_from_db()
    assert receiver.received == []
    assert "not on the public internet" in delivery.error
