"""The opportunities board's privacy, tested with planted markers: a reply reaches its poster
only (by email and on the post's page); the poster's email address never reaches the
replier, and the replier's reaches no page of anyone, the poster's included."""

import pytest
from django.core import mail
from pytest_django import DjangoCaptureOnCommitCallbacks

from peerpower.networking import actions
from peerpower.networking.models import Opportunity
from tests import leaks
from tests.conftest import World
from tests.networking.test_opportunities import MESSAGE, post

reply_marker = leaks.Markers("a71c")
reply_marker("reply")


@pytest.fixture
def replied(
    world: World, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> Opportunity:
    found = post(world)
    with django_capture_on_commit_callbacks(execute=True):
        actions.opportunity_reply(
            opportunity=found, message=f"{MESSAGE} {reply_marker('reply')}", by=world.other_member
        )
    return found


def objects(world: World, found: Opportunity) -> dict[str, object]:
    return {
        "opportunity": found.pk,
        "slug": world.network.slug,
        "group": world.group.pk,
        "membership_id": world.group.memberships.get(user=world.member).pk,
    }


def test_a_reply_reaches_its_poster_only(world: World, replied: Opportunity) -> None:
    people = {
        **{k: v for k, v in leaks.outsiders(world).items() if v != world.other_member},
        "chair of the poster's group": world.chair,
        "coach": world.coach,
        "speaker": world.speaker,
    }
    assert leaks.walk(people, objects(world, replied), reply_marker) == []
    assert [m.to for m in mail.outbox if reply_marker.found_in(str(m.body))] == [
        [world.member.email]
    ]
    # There was data that could leak: the poster reads it on the post's page.
    assert leaks.walk({"poster": world.member}, objects(world, replied), reply_marker)


def test_neither_address_reaches_the_other(world: World, replied: Opportunity) -> None:
    poster = leaks.Markers()
    poster.planted = {"poster's email": world.member.email}
    replier = leaks.Markers()
    replier.planted = {"replier's email": world.other_member.email}
    assert leaks.walk({"replier": world.other_member}, objects(world, replied), poster) == []
    # Not the replier, whose own settings show their address; not the superuser, whose
    # Django admin lists every account's.
    everyone = {
        **{
            k: v
            for k, v in leaks.outsiders(world).items()
            if v != world.other_member and not k.startswith("superuser")
        },
        "poster": world.member,
        "chair": world.chair,
    }
    assert leaks.walk(everyone, objects(world, replied), replier) == []
    assert leaks.read_mail(replier) == []
    for message in mail.outbox:
        assert poster.found_in(str(message.body)) == []
        assert message.reply_to == []
