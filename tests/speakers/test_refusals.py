"""Every speakers action that takes `by` refuses the people the rules refuse, before it writes.

The table must name every such public function of `speakers.actions`, so an action added
without a row here (and so, likely, without a check) fails
`test_every_action_taking_by_is_in_the_table`.
"""

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

import pytest

from peerpower.accounts.models import User
from peerpower.lib.rules import Refused
from peerpower.speakers import actions
from peerpower.speakers.actions import Profile
from peerpower.speakers.models import (
    Booking,
    FeedbackGiven,
    FeedbackResponse,
    HeldFeedback,
    Resource,
    Speaker,
    SpeakerSettings,
    Topic,
)
from tests.conftest import World
from tests.speakers.conftest import Talk, hold, make_speaker, pdf, present


@dataclass
class Scene:
    talk: Talk
    contact: Speaker
    held: Booking  # an accepted talk at a meeting held two days ago
    resource: Resource  # the chair's handout on the talk


Call = Callable[[Scene, User], object]

NOT_IN_NETWORK = ("outsider", "coach", "former_member")
# Chairs and admins manage; members, other groups' members and speakers do not.
NOT_MANAGERS = (*NOT_IN_NETWORK, "member", "other_member", "speaker")

TABLE: dict[str, tuple[Call, tuple[str, ...]]] = {
    "speaker_add": (
        lambda sc, who: actions.speaker_add(
            network=sc.talk.world.network, profile=Profile(name="New"), by=who
        ),
        (*NOT_IN_NETWORK, "member", "other_member", "speaker"),
    ),
    "speaker_update": (
        lambda sc, who: actions.speaker_update(
            speaker=sc.talk.speaker, profile=Profile(name="Changed"), by=who
        ),
        (*NOT_IN_NETWORK, "member", "chair"),
    ),
    "own_profile_start": (
        lambda sc, who: actions.own_profile_start(network=sc.talk.world.network, by=who),
        (*NOT_IN_NETWORK, "member", "chair", "admin"),
    ),
    "speaker_invite": (
        lambda sc, who: actions.speaker_invite(speaker=sc.contact, by=who),
        (*NOT_IN_NETWORK, "member", "chair", "speaker"),
    ),
    "bureau_settings_update": (
        lambda sc, who: actions.bureau_settings_update(
            network=sc.talk.world.network,
            topics=["Boards"],
            repeat_months=12,
            feedback_days=7,
            rating_threshold=Decimal("4.0"),
            upload_max_mb=10,
            questions=["Useful", "Clear"],
            by=who,
        ),
        (*NOT_IN_NETWORK, "member", "chair", "speaker"),
    ),
    "booking_create": (
        lambda sc, who: actions.booking_create(
            meeting=sc.talk.booking.meeting, speaker=sc.talk.speaker, talk_title="Again", by=who
        ),
        NOT_MANAGERS,
    ),
    "booking_accept": (
        lambda sc, who: actions.booking_accept(booking=sc.talk.booking, by=who),
        (*NOT_IN_NETWORK, "member", "chair", "admin"),
    ),
    "booking_decline": (
        lambda sc, who: actions.booking_decline(booking=sc.talk.booking, by=who),
        (*NOT_IN_NETWORK, "member", "chair", "admin"),
    ),
    "booking_withdraw": (
        lambda sc, who: actions.booking_withdraw(booking=sc.talk.booking, by=who),
        NOT_MANAGERS,
    ),
    "feedback_submit": (
        lambda sc, who: actions.feedback_submit(booking=sc.held, scores=[5, 5], by=who),
        (*NOT_IN_NETWORK, "other_member", "speaker", "admin"),
    ),
    "resource_delete": (
        lambda sc, who: actions.resource_delete(resource=sc.resource, by=who),
        (*NOT_IN_NETWORK, "member", "other_member", "speaker"),
    ),
    "resource_upload": (
        lambda sc, who: actions.resource_upload(booking=sc.talk.booking, upload=pdf(), by=who),
        (*NOT_IN_NETWORK, "member", "other_member"),
    ),
}

CASES = [(name, person) for name, (_, people) in sorted(TABLE.items()) for person in people]


def takes_by() -> set[str]:
    return {
        name
        for name, fn in inspect.getmembers(actions, inspect.isfunction)
        if not name.startswith("_")
        and fn.__module__ == actions.__name__
        and "by" in inspect.signature(fn).parameters
    }


def test_every_action_taking_by_is_in_the_table() -> None:
    assert takes_by() == set(TABLE)


def person(world: World, who: str) -> User:
    return getattr(world, who)  # type: ignore[no-any-return]


@pytest.fixture
def scene(talk: Talk) -> Scene:
    world = talk.world
    contact = make_speaker(world, None)
    other = Speaker.objects.create(network=world.network, user=None, name="Earlier")
    past = world.group.meetings.filter(starts_at__lt=talk.booking.meeting.starts_at).order_by(
        "-starts_at"
    )[0]
    held = Booking.objects.create(
        meeting=past, speaker=other, talk_title="Held", status=Booking.Status.ACCEPTED
    )
    hold(past)
    present(past, world.member, world.chair, world.other_member, world.admin, world.speaker)
    resource = actions.resource_upload(booking=talk.booking, upload=pdf(), by=world.chair)
    return Scene(talk, contact, held, resource)


def snapshot() -> tuple[object, ...]:
    return (
        list(Speaker.objects.values_list("pk", "name", "user_id")),
        list(Booking.objects.values_list("pk", "status", "talk_title")),
        FeedbackResponse.objects.count(),
        FeedbackGiven.objects.count(),
        HeldFeedback.objects.count(),
        Resource.objects.count(),
        SpeakerSettings.objects.count(),
        Topic.objects.count(),
    )


@pytest.mark.parametrize(("action", "who"), CASES)
def test_the_rules_refuse_them(scene: Scene, action: str, who: str) -> None:
    call, _ = TABLE[action]
    before = snapshot()
    with pytest.raises(Refused):
        call(scene, person(scene.talk.world, who))
    assert snapshot() == before
