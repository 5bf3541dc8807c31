"""Every coaching action that takes `by` refuses the people the rules refuse, before it writes.

The table must name every such public function of `coaching.actions`, so an action added
without a row here (and so, likely, without a check) fails
`test_every_action_taking_by_is_in_the_table`.
"""

import inspect
import uuid
from collections.abc import Callable
from datetime import time, timedelta

import pytest

from peerpower.accounts.models import User
from peerpower.coaching import actions
from peerpower.coaching.models import (
    Area,
    AvailabilityException,
    AvailabilityRule,
    Engagement,
    Goal,
    GoalUpdate,
    Session,
    SessionNote,
)
from peerpower.lib.rules import Refused
from tests.coaching.builders import CoachingWorld, at, coaching_world, day_ahead
from tests.conftest import World

Call = Callable[[CoachingWorld, User], object]

OUTSIDERS = ("outsider", "speaker", "former_member", "other_member", "chair")
NOT_ADMIN = (*OUTSIDERS, "coach", "member")
NOT_COACH = (*OUTSIDERS, "member", "admin")
NOT_MEMBER = (*OUTSIDERS, "coach", "admin")
NEITHER = (*OUTSIDERS, "admin")  # neither the coach nor the member

TABLE: dict[str, tuple[Call, tuple[str, ...]]] = {
    "settings_update": (
        lambda c, who: actions.settings_update(network=c.profile.network, notice_hours=1, by=who),
        NOT_ADMIN,
    ),
    "areas_set": (
        lambda c, who: actions.areas_set(network=c.profile.network, names=["Only this"], by=who),
        NOT_ADMIN,
    ),
    "profile_update": (
        lambda c, who: actions.profile_update(
            profile=c.profile,
            biography="Changed",
            time_zone="UTC",
            buffer_minutes=0,
            notice_hours=1,
            horizon_days=10,
            lengths="30",
            where="phone",
            where_detail="",
            areas=[],
            by=who,
        ),
        NOT_COACH,
    ),
    "rule_add": (
        lambda c, who: actions.rule_add(
            profile=c.profile, weekday=2, starts=time(9), ends=time(10), by=who
        ),
        NOT_COACH,
    ),
    "rule_remove": (lambda c, who: actions.rule_remove(rule=c.rule, by=who), NOT_COACH),
    "exception_add": (
        lambda c, who: actions.exception_add(
            profile=c.profile, day=day_ahead(20), kind="off", starts=None, ends=None, by=who
        ),
        NOT_COACH,
    ),
    "exception_remove": (
        lambda c, who: actions.exception_remove(exception=c.exception, by=who),
        NOT_COACH,
    ),
    "engagement_create": (
        lambda c, who: actions.engagement_create(
            network=c.profile.network,
            coach=c.profile.user,
            member=c.engagement.member,
            unit="sessions",
            allowance=3,
            starts_on=day_ahead(0),
            ends_on=day_ahead(30),
            areas=[],
            by=who,
        ),
        NOT_ADMIN,
    ),
    "engagement_change": (
        lambda c, who: actions.engagement_change(
            engagement=c.engagement, status="ended", ends_on=day_ahead(1), allowance=1, by=who
        ),
        NOT_ADMIN,
    ),
    "session_book": (
        lambda c, who: actions.session_book(
            engagement=c.engagement,
            starts_at=at(day_ahead(12), 10),
            minutes=60,
            idempotency_key=uuid.uuid4(),
            by=who,
        ),
        NOT_MEMBER,
    ),
    "session_reschedule": (
        lambda c, who: actions.session_reschedule(
            session=c.session, starts_at=c.session.starts_at + timedelta(days=1), by=who
        ),
        NEITHER,
    ),
    "session_cancel": (lambda c, who: actions.session_cancel(session=c.session, by=who), NEITHER),
    "session_waive": (
        lambda c, who: actions.session_waive(session=c.session, by=who),
        NOT_COACH,
    ),
    "session_mark": (
        lambda c, who: actions.session_mark(session=c.session, outcome="held", by=who),
        NOT_COACH,
    ),
    "note_add": (
        lambda c, who: actions.note_add(session=c.session, kind="private", text="x", by=who),
        NOT_COACH,
    ),
    "goal_add": (
        lambda c, who: actions.goal_add(engagement=c.engagement, title="More", by=who),
        NEITHER,
    ),
    "goal_progress": (
        lambda c, who: actions.goal_progress(goal=c.goal, text="On track", rating=3, by=who),
        NOT_MEMBER,
    ),
    "goal_link": (
        lambda c, who: actions.goal_link(goal=c.goal, commitment=None, by=who),
        NOT_MEMBER,
    ),
}


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


def snapshot() -> tuple[object, ...]:
    return (
        list(Engagement.objects.values_list("pk", "status", "allowance", "ends_on")),
        list(Area.objects.order_by("pk").values_list("pk", "name")),
        list(Session.objects.values_list("pk", "status", "starts_at", "waived")),
        list(AvailabilityRule.objects.values_list("pk", "weekday")),
        list(AvailabilityException.objects.values_list("pk", "day")),
        SessionNote.objects.count(),
        list(Goal.objects.values_list("pk", "title", "commitment_id")),
        GoalUpdate.objects.count(),
    )


@pytest.mark.parametrize("action", sorted(TABLE))
def test_the_rules_refuse_them(world: World, action: str) -> None:
    scene = coaching_world(world)
    call, people = TABLE[action]
    for who in people:
        before = snapshot()
        with pytest.raises(Refused):
            call(scene, getattr(world, who))
        assert snapshot() == before, who


def test_a_coach_whose_role_was_taken_away_is_no_ones_coach(world: World) -> None:
    scene = coaching_world(world)
    world.coach.network_roles.filter(role="coach").delete()
    with pytest.raises(Refused):
        actions.session_cancel(session=scene.session, by=world.coach)
    with pytest.raises(Refused):
        actions.note_add(session=scene.session, kind="private", text="x", by=world.coach)
