"""Every guests action that takes `by` refuses the people its rule refuses, before it writes
anything. An action added with a `by` and no row here fails
`test_every_action_taking_by_has_a_row`; one added without a check fails its row."""

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import pytest

from peerpower.accounts.models import User
from peerpower.guests import actions
from peerpower.guests.models import (
    ConflictFinding,
    GroupGuestSettings,
    GuestRequest,
    GuestSettings,
    OrganisationToAvoid,
)
from peerpower.lib.rules import Refused, registered
from tests import factories
from tests.conftest import World
from tests.guests import builders

Call = Callable[[World], Callable[..., object]]


def _request(w: World) -> GuestRequest:
    return builders.confirmed(w.network)


def _world_guest(w: World) -> GuestRequest:
    return GuestRequest.objects.select_related("meeting__group").get(user=w.guest)


def _finding(w: World) -> ConflictFinding:
    return ConflictFinding.objects.create(
        request=_request(w),
        group=w.group,
        membership=w.group.memberships.get(user=w.member),
        kind=ConflictFinding.Kind.COMPETITOR,
        reason="Also in housing.",
    )


def _pending(w: World) -> GuestRequest:
    GuestSettings.objects.update_or_create(network=w.network, defaults={"chair_approval": True})
    return builders.invited(w.network, w.next_meeting(), w.admin)


def _visited(w: World) -> GuestRequest:
    meeting = factories.make_past_meeting(w.other_group)
    builders.list_group(w.group)  # guests apply to a group that takes guests
    return builders.visited(w.network, meeting, w.admin)[0]


def _applied(w: World) -> GuestRequest:
    request = _visited(w)
    guest = request.user
    assert guest is not None
    return actions.application_submit(
        request=request,
        hopes="Peers",
        time_commitment="A morning a month",
        trustees_view="Supportive",
        group=w.group,
        by=guest,
    )


ACTIONS: dict[str, tuple[str, Call]] = {
    # action name: (the rule it asks, a call that succeeds for the one allowed)
    "guest_settings_update": (
        "guests.edit_page",
        lambda w: partial(
            actions.guest_settings_update, network=w.network, values={"costs": "Free"}
        ),
    ),
    "group_guest_settings_update": (
        "guests.edit_group",
        lambda w: partial(
            actions.group_guest_settings_update, group=w.group, listed=True, places=3, area="Leeds"
        ),
    ),
    "conflict_check": (
        "guests.triage",
        lambda w: partial(actions.conflict_check, request=_request(w), group=w.group),
    ),
    "finding_decide": (
        "guests.decide_finding",
        lambda w: partial(actions.finding_decide, finding=_finding(w), confirm=False),
    ),
    "request_invite": (
        "guests.triage",
        lambda w: partial(actions.request_invite, request=_request(w), meeting=w.next_meeting()),
    ),
    "request_decline": (
        "guests.triage",
        lambda w: partial(actions.request_decline, request=_request(w)),
    ),
    "chair_decide": (
        "guests.chair_decide",
        lambda w: partial(actions.chair_decide, request=_pending(w), approve=True),
    ),
    "guest_pledge_accept": (
        "guests.visit",
        lambda w: partial(actions.guest_pledge_accept, request=_world_guest(w)),
    ),
    "guest_cannot_come": (
        "guests.visit",
        lambda w: partial(actions.guest_cannot_come, request=_world_guest(w)),
    ),
    "guest_attendance_record": (
        "guests.record_attendance",
        lambda w: partial(
            actions.guest_attendance_record,
            meeting=factories.make_past_meeting(w.group, months_ago=2),
            marks={},
        ),
    ),
    "feedback_give": (
        "guests.visit",
        lambda w: partial(
            actions.feedback_give,
            request=_visited(w),
            usefulness=5,
            would_join="yes",
            held_back="",
            held_back_other="",
        ),
    ),
    "application_submit": (
        "guests.visit",
        lambda w: partial(
            actions.application_submit,
            request=_visited(w),
            hopes="Peers",
            time_commitment="A morning a month",
            trustees_view="Supportive",
            group=w.group,
        ),
    ),
    "application_accept": (
        "guests.triage",
        lambda w: partial(actions.application_accept, request=_applied(w)),
    ),
    "application_decline": (
        "guests.triage",
        lambda w: partial(actions.application_decline, request=_applied(w), reason="Full"),
    ),
    "avoid_add": (
        "guests.avoid",
        lambda w: partial(actions.avoid_add, name="Rival Trust", registered_number=""),
    ),
    "avoid_remove": (
        "guests.avoid_remove",
        lambda w: partial(
            actions.avoid_remove,
            entry=OrganisationToAvoid.objects.create(user=w.member, name="Rival Trust"),
        ),
    ),
}


@dataclass(frozen=True)
class Person:
    name: str
    make: Callable[[World], User]


def _admin_elsewhere(w: World) -> User:
    return factories.make_admin(factories.make_network("Elsewhere"), "Eve Elsewhere")


def _superuser(w: World) -> User:
    user = factories.make_user("Super User", mfa=True)
    user.is_staff = user.is_superuser = True
    user.save()
    return user


def _other_guest(w: World) -> User:
    return builders.guest_user(w.network, w.next_meeting(), w.admin)[1]


OUTSIDE = [
    Person("coach", lambda w: w.coach),
    Person("speaker", lambda w: w.speaker),
    Person("outsider", lambda w: w.outsider),
    Person("former member", lambda w: w.former_member),
    Person("admin of another network", _admin_elsewhere),
    Person("superuser", _superuser),
]
GUEST = Person("guest", lambda w: w.guest)
MEMBER = Person("member", lambda w: w.member)
CHAIR = Person("chair", lambda w: w.chair)
ADMIN = Person("network admin", lambda w: w.admin)
OTHER_MEMBER = Person("member of another group", lambda w: w.other_member)
ADMIN_ONLY = [MEMBER, CHAIR, OTHER_MEMBER, GUEST, *OUTSIDE]
REFUSED: dict[str, list[Person]] = {
    "guests.edit_page": ADMIN_ONLY,
    "guests.edit_group": ADMIN_ONLY,
    "guests.triage": ADMIN_ONLY,
    "guests.decide_finding": ADMIN_ONLY,
    # The chair of the meeting's group decides: not the admin, not another group's member.
    "guests.chair_decide": [ADMIN, MEMBER, OTHER_MEMBER, GUEST, *OUTSIDE],
    "guests.record_attendance": [MEMBER, OTHER_MEMBER, GUEST, *OUTSIDE],
    # Only the guest themselves: not another guest, not the admin or the chair.
    "guests.visit": [
        ADMIN,
        CHAIR,
        MEMBER,
        Person("another guest", _other_guest),
        *OUTSIDE,
    ],
    "guests.avoid": [ADMIN, GUEST, *OUTSIDE],
    "guests.avoid_remove": [ADMIN, CHAIR, OTHER_MEMBER, GUEST, *OUTSIDE],
}
ALLOWED = {
    "guests.chair_decide": "chair",
    "guests.record_attendance": "chair",
    "guests.avoid": "member",
    "guests.avoid_remove": "member",
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
        list(
            GuestRequest.objects.order_by("pk").values_list(
                "pk", "status", "meeting_id", "chair_decision", "pledge_accepted_at", "attendance"
            )
        ),
        list(ConflictFinding.objects.order_by("pk").values_list("pk", "state")),
        list(OrganisationToAvoid.objects.order_by("pk").values_list("pk", "name")),
        list(GuestSettings.objects.values_list("network_id", "costs")),
        list(GroupGuestSettings.objects.values_list("group_id", "listed", "places")),
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
def test_the_one_the_rule_allows_is_let_through(action: str, world: World) -> None:
    rule_name, prepare = ACTIONS[action]
    call = prepare(world)
    if rule_name == "guests.visit":
        request = call.keywords["request"]  # type: ignore[attr-defined]
        who = request.user
    else:
        who = getattr(world, ALLOWED.get(rule_name, "admin"))
    call(by=who)
