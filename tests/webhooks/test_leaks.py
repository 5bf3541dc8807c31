"""Planted markers in every confidential or personal field the evented acts touch: none of
them is in any delivery's body, for every event."""

from datetime import date

from peerpower.fees import actions as fee_actions
from peerpower.groups.actions import membership_propose
from peerpower.issues.actions import issue_submit
from peerpower.lib.events import EVENTS
from peerpower.meetings import actions as meeting_actions
from peerpower.speakers import actions as speaker_actions
from peerpower.webhooks import actions
from peerpower.webhooks.models import Delivery
from tests.conftest import World
from tests.fees import builders as fee_builders
from tests.guests import builders as guest_builders
from tests.issues.conftest import pledge
from tests.speakers.conftest import make_speaker

MARKERS = {
    "issue": "Mk-issue-81",
    "cancel_reason": "Mk-reason-82",
    "brief": "Mk-brief-83",
    "decline": "Mk-decline-84",
    "proposed_email": "mk-proposed-85@example.org",
    "guest_name": "Mk-guestname-86",
    "guest_email": "mk-guest-87@example.org",
    "guest_reason": "Mk-guestwhy-88",
    "guest_org": "Mk-guestorg-89",
    "finance_email": "mk-finance-90@example.org",
}


def test_no_marker_reaches_any_delivery(world: World) -> None:
    actions.endpoint_create(
        network=world.network,
        url="http://127.0.0.1:9/never-answered",
        events=list(EVENTS),
        description="Everything",
        by=world.admin,
    )
    meeting = world.next_meeting()
    pledge(world, world.member)
    issue_submit(
        meeting=meeting,
        presenter=world.member,
        question=MARKERS["issue"],
        why_now=MARKERS["issue"],
        by=world.member,
    )
    # booking.made, then booking.cancelled (declined)
    speaker = make_speaker(world, world.speaker)
    booking = speaker_actions.booking_create(
        meeting=meeting, speaker=speaker, talk_title="Boards", brief=MARKERS["brief"],
        by=world.chair,
    )  # fmt: skip
    speaker_actions.booking_decline(booking=booking, reason=MARKERS["decline"], by=world.speaker)
    # membership.changed
    membership_propose(
        group=world.group, email=MARKERS["proposed_email"], name="Pat Proposed", by=world.admin
    )
    # guest_request.received
    guest_builders.confirmed(
        world.network,
        name=MARKERS["guest_name"],
        email=MARKERS["guest_email"],
        reason=MARKERS["guest_reason"],
        organisation=MARKERS["guest_org"],
    )
    # invoice.issued and invoice.paid
    fee_builders.invoice_details(world.network, world.admin)
    plan = fee_builders.plan(world.network, world.admin)
    seat = world.group.memberships.get(user=world.member)
    place = fee_builders.place(seat, plan, world.admin)
    from peerpower.fees.models import BillingDetails

    BillingDetails.objects.filter(organisation=place.organisation).update(
        finance_email=MARKERS["finance_email"]
    )
    invoice = fee_builders.invoice(place, world.admin)
    fee_actions.payment_record(
        invoice=invoice, amount_pence=invoice.gross_pence, received_on=date.today(), by=world.admin
    )
    # meeting.cancelled (meeting.changed carries the same fields, from the same function)
    meeting.refresh_from_db()
    meeting_actions.meeting_cancel(meeting=meeting, reason=MARKERS["cancel_reason"], by=world.chair)

    bodies = list(Delivery.objects.values_list("event", "body"))
    assert {event for event, _ in bodies} >= {
        "booking.made",
        "booking.cancelled",
        "membership.changed",
        "guest_request.received",
        "invoice.issued",
        "invoice.paid",
        "meeting.cancelled",
    }
    for event, body in bodies:
        for what, marker in MARKERS.items():
            assert marker.lower() not in body.lower(), (event, what)
        assert world.member.email not in body, event
