"""Speaker fixtures: the world's speaker with a profile, booked for the group's next meeting."""

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from peerpower.accounts.models import User
from peerpower.meetings.models import Meeting, Participation
from peerpower.speakers import actions
from peerpower.speakers.models import Booking, Speaker, Topic
from tests import factories
from tests.conftest import World

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def make_speaker(world: World, user: User | None = None, name: str = "") -> Speaker:
    """A speaker profile in the world's network: the world's speaker's own, or a contact."""
    return Speaker.objects.create(
        network=world.network,
        user=user,
        name=name or (user.display_name if user else "Cass Contact"),
        headline="Fundraising without fear",
        talks="Fundraising without fear\nBoards that work",
        email=user.email if user else "cass@example.org",
        phone="+44 20 7946 0000",
        regions=",london,",
    )


def book(
    world: World, speaker: Speaker, meeting: Meeting | None = None, title: str = ""
) -> Booking:
    return actions.booking_create(
        meeting=meeting or world.next_meeting(),
        speaker=speaker,
        talk_title=title or "Fundraising without fear",
        brief="How to ask",
        by=world.chair,
    )


def hold(meeting: Meeting, days_ago: int = 2) -> Meeting:
    """Put the meeting `days_ago` days in the past (as if held) and return it fresh."""
    start = timezone.now().replace(microsecond=0) - timedelta(days=days_ago, hours=5)
    return factories.move_meeting(meeting, start)


def present(meeting: Meeting, *users: User) -> None:
    for user in users:
        Participation.objects.update_or_create(
            meeting=meeting, user=user, defaults={"attendance": Participation.Attendance.PRESENT}
        )


def pdf(name: str = "slides.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


@dataclass
class Talk:
    world: World
    speaker: Speaker
    booking: Booking
    topic: Topic


@pytest.fixture
def talk(world: World) -> Talk:
    """The world's speaker, with a profile, asked (pending) for the group's next meeting."""
    speaker = make_speaker(world, world.speaker)
    topic = Topic.objects.create(network=world.network, name="Fundraising")
    speaker.topics.add(topic)
    return Talk(world, speaker, book(world, speaker), topic)


@dataclass
class HeldTalk:
    world: World
    speaker: Speaker
    booking: Booking
    members: list[User]


def held_talk(world: World, *, days_ago: int = 2, members: int = 4) -> HeldTalk:
    """The world's speaker gave a confirmed talk `days_ago` days ago to the group, with
    `members` more members (and the member and chair) recorded present."""
    speaker = Speaker.objects.filter(network=world.network, user=world.speaker).first()
    speaker = speaker or make_speaker(world, world.speaker)
    booking = book(world, speaker)
    actions.booking_accept(booking=booking, by=world.speaker)
    hold(booking.meeting, days_ago)
    extra = [
        factories.add_member(world.group, factories.make_user(f"Present Member {n}")).user
        for n in range(members)
    ]
    present(booking.meeting, world.member, world.chair, *extra)
    booking.refresh_from_db()
    return HeldTalk(world, speaker, booking, extra)


@pytest.fixture
def held(world: World) -> HeldTalk:
    return held_talk(world)


def close_feedback(booking: Booking) -> None:
    """The talk's feedback window closes now (as the periodic task does when it runs out):
    the held answers become its responses."""
    assert actions.feedback_release(booking=booking)
    booking.refresh_from_db()
