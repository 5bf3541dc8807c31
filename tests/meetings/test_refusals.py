"""Every meetings action that takes `by` refuses the people its rule refuses, before it
writes anything. An action added with a `by` and no row here fails
`test_every_action_taking_by_has_a_row`; one added without a check fails its row."""

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from functools import partial

import pytest
from django.utils import timezone

from peerpower.accounts.models import User
from peerpower.lib.rules import Refused, registered
from peerpower.meetings import actions
from peerpower.meetings.models import AgendaItem, Meeting, Participation
from tests import factories
from tests.conftest import World

# Given the world, set up what the action needs and return the call to make as `by`.
Call = Callable[[World], Callable[..., object]]


def _upcoming(w: World) -> Meeting:
    return w.next_meeting()


def _past(w: World) -> Meeting:
    meeting = Meeting.objects.filter(group=w.group, ends_at__lt=timezone.now()).first()
    assert meeting is not None
    return meeting


def _cancelled(w: World) -> Meeting:
    meeting = _upcoming(w)
    Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.CANCELLED)
    meeting.refresh_from_db()
    return meeting


def _move(w: World) -> Callable[..., object]:
    meeting = _upcoming(w)
    start = meeting.starts_at + timedelta(hours=1)
    return lambda by: actions.meeting_move(
        meeting=meeting,
        starts_at=start,
        ends_at=start + timedelta(hours=4),
        venue=meeting.venue,
        online_link="",
        by=by,
    )


ACTIONS: dict[str, tuple[str, Call]] = {
    # action name: (the rule it asks, a call that would succeed for the chair)
    "meeting_move": ("meetings.move", _move),
    "meeting_cancel": (
        "meetings.cancel",
        lambda w: partial(actions.meeting_cancel, meeting=_upcoming(w), reason="Closed"),
    ),
    "meeting_reinstate": (
        "meetings.reinstate",
        lambda w: partial(actions.meeting_reinstate, meeting=_cancelled(w)),
    ),
    "agenda_replace": (
        "meetings.edit_agenda",
        lambda w: partial(
            actions.agenda_replace,
            meeting=_upcoming(w),
            segments=[actions.AgendaSegment(title="All of it", kind="other", minutes=60)],
        ),
    ),
    "rsvp_set": (
        "meetings.rsvp",
        lambda w: partial(actions.rsvp_set, meeting=_upcoming(w), rsvp="attending"),
    ),
    "attendance_record": (
        "meetings.record_attendance",
        lambda w: partial(
            actions.attendance_record, meeting=_past(w), marks={w.member.pk: "present"}
        ),
    ),
}


@dataclass(frozen=True)
class Person:
    name: str
    make: Callable[[World], User]


def _paused(w: World) -> User:
    return factories.add_member(w.group, factories.make_user("Pat Paused"), status="paused").user


def _admin_elsewhere(w: World) -> User:
    return factories.make_admin(factories.make_network("Elsewhere"), "Eve Elsewhere")


def _superuser(w: World) -> User:
    user = factories.make_user("Super User", mfa=True)
    user.is_staff = user.is_superuser = True
    user.save()
    return user


EVERYONE_OUTSIDE = [
    Person("member of another group", lambda w: w.other_member),
    Person("former member", lambda w: w.former_member),
    Person("coach", lambda w: w.coach),
    Person("speaker", lambda w: w.speaker),
    Person("outsider", lambda w: w.outsider),
    Person("admin of another network", _admin_elsewhere),
    Person("superuser", _superuser),
]
REFUSED: dict[str, list[Person]] = {
    "meetings.move": [Person("member", lambda w: w.member), *EVERYONE_OUTSIDE],
    "meetings.cancel": [Person("member", lambda w: w.member), *EVERYONE_OUTSIDE],
    "meetings.reinstate": [Person("member", lambda w: w.member), *EVERYONE_OUTSIDE],
    "meetings.edit_agenda": [Person("member", lambda w: w.member), *EVERYONE_OUTSIDE],
    "meetings.record_attendance": [
        Person("member", lambda w: w.member),
        Person("paused member", _paused),
        *EVERYONE_OUTSIDE,
    ],
    # Replies are the members' own: not the network's admins, not a paused member.
    "meetings.rsvp": [
        Person("network admin", lambda w: w.admin),
        Person("paused member", _paused),
        *EVERYONE_OUTSIDE,
    ],
}


def test_every_action_taking_by_has_a_row() -> None:
    taking_by = sorted(
        name
        for name, fn in inspect.getmembers(actions, inspect.isfunction)
        if fn.__module__ == actions.__name__
        and not name.startswith("_")
        and "by" in inspect.signature(fn).parameters
    )
    assert taking_by == sorted(ACTIONS)


def _snapshot() -> tuple[object, ...]:
    return (
        list(Meeting.objects.values_list("pk", "starts_at", "status", "sequence")),
        list(AgendaItem.objects.values_list("meeting_id", "position", "title", "minutes")),
        list(Participation.objects.values_list("meeting_id", "user_id", "rsvp", "attendance")),
    )


@pytest.mark.parametrize(
    ("action", "person"),
    [
        pytest.param(action, person, id=f"{action}-{person.name}")
        for action, (rule_name, _) in ACTIONS.items()
        for person in REFUSED[rule_name]
    ],
)
def test_the_action_refuses_and_writes_nothing(action: str, person: Person, world: World) -> None:
    rule_name, prepare = ACTIONS[action]
    who = person.make(world)
    call = prepare(world)
    before = _snapshot()
    with pytest.raises(Refused) as refused:
        call(by=who)
    assert refused.value.rule_name == rule_name
    assert refused.value.messages == [registered()[rule_name]]
    assert _snapshot() == before


@pytest.mark.parametrize("action", list(ACTIONS))
def test_the_chair_is_let_through(action: str, world: World) -> None:
    """The same calls succeed for the one the rule allows (so a refusal above is the rule's)."""
    _, prepare = ACTIONS[action]
    who = world.member if action == "rsvp_set" else world.chair
    prepare(world)(by=who)
