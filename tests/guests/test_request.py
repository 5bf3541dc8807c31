"""The public request form: what a visitor sends, how spam is refused (with nothing stored),
the confirmation link, and a second request from the same address."""

from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.test.utils import override_settings
from django.urls import reverse

from peerpower.guests import actions
from peerpower.guests.models import GuestRequest
from peerpower.guests.queries import requests_visible_to, triage_list
from peerpower.guests.spam import new_form_token
from tests.conftest import ClientFor, World
from tests.guests import builders
from tests.guests.conftest import Sends


def _form(world: World, **overrides: Any) -> dict[str, Any]:
    values = builders.request_values(**overrides)
    data = {k: v for k, v in values.items() if v is not None}
    data["consent"] = "on" if values["consent"] else ""
    data["form_token"] = builders.old_form_token()
    data["website"] = ""
    return {**data, **{k: v for k, v in overrides.items() if k in ("form_token", "website")}}


def _post(client: Client, world: World, data: dict[str, Any], ip: str = "10.1.1.1") -> Any:
    return client.post(
        reverse("guests:request_form", args=[world.network.slug]), data, REMOTE_ADDR=ip
    )


def _stored() -> int:
    return GuestRequest.objects.filter(user=None).count()


def test_a_visitor_requests_a_place_and_confirms_their_address(
    world: World, client_for: ClientFor, sends: Sends
) -> None:
    client = client_for(None)
    with sends():
        response = _post(client, world, _form(world, email="Gwen@Example.org"))
    assert response.status_code == 200
    assert b"Check your email" in response.content
    request = GuestRequest.objects.get(email="gwen@example.org")
    assert request.status == GuestRequest.Status.NEW
    # Not yet in triage, nor visible to the admin.
    assert request not in triage_list(world.network)
    assert request not in requests_visible_to(world.admin)
    (message,) = [m for m in mail.outbox if m.to == ["gwen@example.org"]]
    link = next(w for w in message.body.split() if "/guests/confirm/" in w)
    path = link.removeprefix("http://testserver")
    assert client.get(path).status_code == 200  # a mail scanner's GET confirms nothing
    request.refresh_from_db()
    assert request.status == GuestRequest.Status.NEW
    assert b"your address is confirmed" in client.post(path).content
    request.refresh_from_db()
    assert request.status == GuestRequest.Status.CONFIRMED
    assert request in triage_list(world.network)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"website": "http://spam.example"}, "Please leave the last field empty"),
        ({"form_token": "fresh"}, "That was sent very quickly"),
        ({"form_token": "forged:token"}, "This form has expired or was changed"),
        ({"email": "not-an-address"}, "Enter a valid email address"),
        ({"consent": ""}, "We need your agreement to contact you"),
    ],
    ids=["honeypot", "too fast", "forged token", "malformed email", "no consent"],
)
def test_bad_input_is_refused_with_a_message_and_nothing_stored(
    change: dict[str, str], message: str, world: World, client_for: ClientFor
) -> None:
    before = _stored()
    if change.get("form_token") == "fresh":
        change = {"form_token": new_form_token()}  # shown a moment ago
    response = _post(client_for(None), world, {**_form(world), **change})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert _stored() == before
    # What was typed stays (but never the honeypot).
    assert b"Riverside Trust" in response.content
    assert b"spam.example" not in response.content


def test_a_replayed_form_token_is_refused(world: World, client_for: ClientFor) -> None:
    data = _form(world)
    assert _post(client_for(None), world, data).status_code == 200
    again = _post(client_for(None), world, {**data, "email": "someone.else@example.org"})
    assert again.status_code == 400
    assert "This form has already been sent" in again.content.decode()
    assert not GuestRequest.objects.filter(email="someone.else@example.org").exists()


@override_settings(GUESTS_RATE_PER_IP=5)
def test_twenty_requests_from_one_address_in_a_minute_store_only_the_first_five(
    world: World, client_for: ClientFor
) -> None:
    before = _stored()
    statuses = [
        _post(client_for(None), world, _form(world), ip="192.0.2.7").status_code for _ in range(20)
    ]
    assert statuses == [200] * 5 + [400] * 15
    assert _stored() == before + 5
    last = _post(client_for(None), world, _form(world), ip="192.0.2.7")
    assert "Please wait 10 minutes and try again" in last.content.decode()
    # Another address is not held back.
    assert _post(client_for(None), world, _form(world), ip="192.0.2.8").status_code == 200


def test_too_many_requests_for_one_email_are_refused_from_any_address(
    world: World, client_for: ClientFor
) -> None:
    statuses = [
        _post(
            client_for(None), world, _form(world, email="same@example.org"), ip=f"10.9.9.{i}"
        ).status_code
        for i in range(5)
    ]
    assert statuses == [200, 200, 200, 400, 400]
    assert GuestRequest.objects.filter(email="same@example.org").count() == 1


def test_a_second_request_within_90_days_updates_the_first_once_confirmed(
    world: World, client_for: ClientFor, sends: Sends
) -> None:
    first = builders.confirmed(world.network, email="twice@example.org", organisation="Old Name")
    with sends():
        response = _post(
            client_for(None),
            world,
            _form(world, email="twice@example.org", organisation="New Name"),
        )
    # The page says nothing of an earlier request (anyone can type anyone's address); the
    # confirmation email tells the address's owner (below).
    page = response.content.decode()
    assert "Check your email" in page
    assert "asked us recently" not in page and "update that request" not in page
    assert GuestRequest.objects.filter(email="twice@example.org").count() == 1
    first.refresh_from_db()
    assert first.organisation == "Old Name"  # not until the address is confirmed again
    confirm = mail.outbox[-1]
    assert confirm.subject == f"Confirm your updated request to {world.network.name}"
    actions.request_confirm(token=actions.confirm_token(first))
    first.refresh_from_db()
    assert (first.organisation, first.status) == ("New Name", GuestRequest.Status.CONFIRMED)
    assert first.pending_update is None


def test_an_unconfirmed_request_never_reaches_triage(world: World, client_for: ClientFor) -> None:
    request = builders.submit(world.network, name="Una Unconfirmed")
    admin = client_for(world.admin)
    page = admin.get(reverse("guests:triage", args=[world.network.slug]))
    assert "Una Unconfirmed" not in page.content.decode()
    detail = admin.get(reverse("guests:request", args=[world.network.slug, request.pk]))
    assert detail.status_code == 404
    assert request not in requests_visible_to(world.chair)


def test_an_expired_or_forged_confirmation_link_confirms_nothing(
    world: World, client_for: ClientFor
) -> None:
    response = client_for(None).post(reverse("guests:confirm", args=["forged"]))
    assert response.status_code == 410
    assert b"no longer valid" in response.content


def test_the_withdraw_link_erases_what_the_person_told_us(
    world: World, client_for: ClientFor
) -> None:
    request = builders.confirmed(world.network, name="Wendy Withdraws", reason="WENDY-REASON")
    url = reverse("guests:withdraw", args=[actions.withdraw_token(request)])
    assert b"Withdraw and erase" in client_for(None).get(url).content
    assert b"is withdrawn" in client_for(None).post(url).content
    request.refresh_from_db()
    assert request.status == GuestRequest.Status.WITHDRAWN
    assert (request.name, request.email, request.reason, request.organisation) == ("", "", "", "")
