"""Every networking action that takes `by` refuses the people the rules refuse, before it
writes. The table must name every such public function of `networking.actions`, so an
action added without a row here (and so, likely, without a check) fails
`test_every_action_taking_by_is_in_the_table`."""

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.utils import timezone

from peerpower.accounts.models import User
from peerpower.lib.rules import Refused
from peerpower.networking import actions
from peerpower.networking.models import (
    Introduction,
    Opportunity,
    OpportunityReply,
    Profile,
    ProfileTag,
    Tag,
)
from tests import factories
from tests.conftest import World
from tests.networking.conftest import make_profile, png

REASON = "We both run youth services in the north."
IN_A_MONTH = timezone.localdate() + timedelta(days=30)


@dataclass
class Scene:
    world: World
    profile: Profile  # the member's
    introduction: Introduction  # the other group's member asked the member
    made: Introduction  # the chair introduced the member and a second member
    second: User
    post: Opportunity  # the member's, on the board


Call = Callable[[Scene, User], object]

OUTSIDE = ("outsider", "former_member", "guest")
NOT_THE_OWNER = (*OUTSIDE, "chair", "admin", "other_member", "coach", "speaker")

TABLE: dict[str, tuple[Call, tuple[str, ...]]] = {
    "profile_start": (
        lambda sc, who: actions.profile_start(network=sc.world.network, by=who),
        OUTSIDE,
    ),
    "profile_update": (
        lambda sc, who: actions.profile_update(
            profile=sc.profile, changes=actions.ProfileChanges(headline="Changed"), by=who
        ),
        NOT_THE_OWNER,
    ),
    "photo_set": (
        lambda sc, who: actions.photo_set(profile=sc.profile, upload=png(), by=who),
        NOT_THE_OWNER,
    ),
    "photo_remove": (
        lambda sc, who: actions.photo_remove(profile=sc.profile, by=who),
        NOT_THE_OWNER,
    ),
    "tags_replace": (
        lambda sc, who: actions.tags_replace(network=sc.world.network, names=["New"], by=who),
        (*OUTSIDE, "member", "chair", "other_member", "coach", "speaker"),
    ),
    "introduction_request": (
        lambda sc, who: actions.introduction_request(to=sc.profile, reason=REASON, by=who),
        OUTSIDE,
    ),
    "introduction_make": (
        lambda sc, who: actions.introduction_make(
            group=sc.world.group, first=sc.world.member, second=sc.second, reason=REASON, by=who
        ),
        (*OUTSIDE, "member", "admin", "other_member", "coach", "speaker"),
    ),
    "introduction_accept": (
        lambda sc, who: actions.introduction_accept(introduction=sc.introduction, by=who),
        (*OUTSIDE, "other_member", "chair", "admin", "coach", "speaker"),
    ),
    "introduction_decline": (
        lambda sc, who: actions.introduction_decline(introduction=sc.introduction, by=who),
        (*OUTSIDE, "other_member", "chair", "admin", "coach", "speaker"),
    ),
    "opportunity_post": (
        lambda sc, who: actions.opportunity_post(
            network=sc.world.network,
            fields=actions.PostFields(
                kind="event", title="An event", description="Come.", closes_on=IN_A_MONTH
            ),
            by=who,
        ),
        OUTSIDE,
    ),
    "opportunity_close": (
        lambda sc, who: actions.opportunity_close(opportunity=sc.post, by=who),
        NOT_THE_OWNER,
    ),
    "opportunity_extend": (
        lambda sc, who: actions.opportunity_extend(
            opportunity=sc.post, closes_on=IN_A_MONTH + timedelta(days=9), by=who
        ),
        NOT_THE_OWNER,
    ),
    "opportunity_reply": (
        lambda sc, who: actions.opportunity_reply(
            opportunity=sc.post, message="We would like to talk.", by=who
        ),
        (*OUTSIDE, "member"),  # the member posted it
    ),
}
CASES = [(name, person) for name, (_, people) in sorted(TABLE.items()) for person in people]


def takes_by() -> set[str]:
    return {
        name
        for name, function in inspect.getmembers(actions, inspect.isfunction)
        if function.__module__ == actions.__name__
        and not name.startswith("_")
        and "by" in inspect.signature(function).parameters
    }


def test_every_action_taking_by_is_in_the_table() -> None:
    assert takes_by() == set(TABLE)


@pytest.fixture
def scene(world: World) -> Scene:
    profile = make_profile(world.member, world.network)
    make_profile(world.other_member, world.network)
    second = factories.add_member(world.group, factories.make_user("Nia Second")).user
    make_profile(second, world.network)
    introduction = actions.introduction_request(to=profile, reason=REASON, by=world.other_member)
    made = Introduction.objects.create(
        network=world.network,
        requester=world.chair,
        recipient=second,
        introduced_by=world.admin,
        reason=REASON,
    )
    post = actions.opportunity_post(
        network=world.network,
        fields=actions.PostFields(
            kind="tender", title="A tender", description="Bid with us.", closes_on=IN_A_MONTH
        ),
        by=world.member,
    )
    return Scene(world, profile, introduction, made, second, post)


def snapshot() -> tuple[object, ...]:
    return (
        list(Profile.objects.values_list("pk", "headline", "photo").order_by("pk")),
        list(Introduction.objects.values_list("pk", "status").order_by("pk")),
        list(Tag.objects.values_list("name", flat=True).order_by("name")),
        ProfileTag.objects.count(),
        list(Opportunity.objects.values_list("pk", "closes_on", "closed_at").order_by("pk")),
        OpportunityReply.objects.count(),
    )


@pytest.mark.parametrize(("action", "who"), CASES)
def test_the_rules_refuse_them(scene: Scene, action: str, who: str) -> None:
    call, _ = TABLE[action]
    before = snapshot()
    with pytest.raises(Refused):
        call(scene, getattr(scene.world, who))
    assert snapshot() == before
