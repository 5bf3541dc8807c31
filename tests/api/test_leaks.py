"""Nothing confidential reaches the API, for anyone: planted markers in an issue's every
field, the scribe's note, the commitment and its report, the check-in, an apology reason and
coaching notes (private and shared), then every API URL fetched with a token of every role
that can hold one (the group's own pledged members and chair too: the API serves nothing of
the issues session), pointed at the planted meeting and group, and a reply written through
it. No marker may appear in any response."""

import uuid
from collections.abc import Mapping
from datetime import timedelta

from django.test import Client
from django.utils import timezone

from peerpower.accounts.models import User
from peerpower.api.actions import token_create
from peerpower.coaching import actions as coaching_actions
from peerpower.meetings.actions import rsvp_set
from peerpower.meetings.models import Meeting
from tests import leaks, urlwalk
from tests.coaching import builders
from tests.coaching.builders import at, day_ahead
from tests.issues.conftest import Session
from tests.issues.conftest import session as session  # the fixture, for these tests
from tests.issues.test_leaks import marker as group_marker
from tests.issues.test_leaks import plant

mark = leaks.Markers("a91e")


def _fetch_all(raw: str, objects: Mapping[str, object]) -> list[str]:
    """Every API URL with this token, pointed at `objects`, lists at their longest page."""
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    bodies = []
    for name, pattern in urlwalk.all_patterns():
        if not name.startswith("api_v1:"):
            continue
        url = urlwalk.url_for(name, pattern, objects)
        response = client.get(url, {"limit": 100})
        bodies.append(f"{name} {response.status_code}: {leaks.body_of(response)}")
    return bodies


def test_no_api_response_carries_anything_confidential_for_any_role(session: Session) -> None:
    world = session.world
    issue, commitment = plant(session)  # question, why now, tried, help wanted, note, …
    later = (
        Meeting.objects.filter(group=world.group, starts_at__gt=session.meeting.starts_at)
        .order_by("starts_at")
        .first()
    )
    assert later is not None
    rsvp_set(meeting=later, by=session.bob, rsvp="apologies", reason=mark("apology_reason"))
    scene = builders.coaching_world(world)
    booked = coaching_actions.session_book(
        engagement=scene.engagement,
        starts_at=at(day_ahead(5), 14),
        minutes=60,
        agenda=mark("coaching_agenda"),
        idempotency_key=uuid.uuid4(),
        by=world.member,
    )
    coaching_actions.note_add(
        session=booked, kind="private", text=mark("private_note"), by=world.coach
    )
    coaching_actions.note_add(
        session=booked, kind="shared", text=mark("shared_note"), by=world.member
    )
    people: dict[str, User] = {
        "chair": world.chair,
        "presenter": session.alice,
        "member who backed it": session.bob,
        "scribe": session.cara,
        "network admin": world.admin,
        "member of another group": world.other_member,
        "coach": world.coach,
        "speaker": world.speaker,
    }
    found: list[str] = []
    for meeting in (session.meeting, later):
        objects = {
            "network_id": world.network.pk,
            "group_id": world.group.pk,
            "meeting_id": meeting.pk,
        }
        for role, user in people.items():
            _, raw = token_create(
                by=user,
                network=world.network,
                name=f"{role} {meeting.pk}",
                access="write",
                expires_on=timezone.localdate() + timedelta(days=30),
            )
            bodies = _fetch_all(raw, objects)
            if role in ("chair", "presenter", "network admin"):  # the walk reads real rows
                assert any(b.startswith("api_v1:meeting_detail 200") for b in bodies), role
            for body in bodies:
                found += [f"{role}: {body[:60]}: {m}" for m in mark.found_in(body)]
                found += [f"{role}: {body[:60]}: {m}" for m in group_marker.found_in(body)]
            # A reply written through the API answers without the reason it was given.
            response = Client().put(
                f"/api/v1/meetings/{later.pk}/rsvp",
                {"rsvp": "apologies", "reason": mark("api_reason")},
                content_type="application/json",
                HTTP_AUTHORIZATION=f"Bearer {raw}",
            )
            found += [f"{role}: rsvp: {m}" for m in mark.found_in(leaks.body_of(response))]
    assert issue.question == group_marker("question")  # what could leak was planted
    assert commitment.text == group_marker("commitment")
    assert found == []
    # The reply the API wrote is kept, as the page's would be, for the chair to read there.
    assert later.participations.filter(apology_reason=mark("api_reason")).exists()
