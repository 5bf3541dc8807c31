"""Every issues action that takes `by` (or `user`) refuses the people the rules refuse.

A table of action by person: a member of another group, the network's admin, a former member,
a member who has not accepted the pledge, and (for what belongs to the chair, the presenter or
the scribe) a plain member of the group. Each must get `Refused` before anything is written.
The table must name every such public function of `issues.actions` and `issues.room`, so an
action added without a row here (and so, likely, without a check) fails
`test_every_action_taking_by_is_in_the_table`.
"""

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from types import ModuleType

import pytest
from django.utils import timezone

from peerpower.accounts.models import User
from peerpower.issues import actions, room
from peerpower.issues.models import Backing, Commitment, CommitmentStatus, Issue, Note
from peerpower.issues.room import RoomAction
from peerpower.lib.rules import Refused
from peerpower.lib.undo import Undo
from tests import factories
from tests.issues.conftest import Session


@dataclass
class Scene:
    s: Session
    issue: Issue
    commitment: Commitment


Call = Callable[[Scene, User], object]

EVERYONE_OUTSIDE = ("other_member", "admin", "former_member", "unpledged")
WITH_PLAIN_MEMBER = (*EVERYONE_OUTSIDE, "plain_member")

# action name -> (how to call it as `person`, who must be refused)
TABLE: dict[str, tuple[Call, tuple[str, ...]]] = {
    "issue_submit": (
        lambda sc, who: actions.issue_submit(meeting=sc.s.meeting, presenter=who, question="How?"),
        (*EVERYONE_OUTSIDE, "paused"),
    ),
    "issue_update": (
        lambda sc, who: actions.issue_update(
            issue=sc.issue,
            by=who,
            question="Changed?",
            why_now="",
            tried="",
            help_wanted="",
            urgency=2,
        ),
        WITH_PLAIN_MEMBER,
    ),
    "issue_withdraw": (
        lambda sc, who: actions.issue_withdraw(issue=sc.issue, by=who),
        WITH_PLAIN_MEMBER,
    ),
    "issue_restore": (
        lambda sc, who: actions.issue_restore(
            issue=sc.issue,
            by=who,
            undo=Undo(by_id=who.pk, at=timezone.now(), data={"issue": sc.issue.pk}),
        ),
        WITH_PLAIN_MEMBER,
    ),
    "issue_delete": (
        lambda sc, who: actions.issue_delete(issue=sc.issue, by=who),
        WITH_PLAIN_MEMBER,
    ),
    "issue_back": (
        lambda sc, who: actions.issue_back(issue=sc.issue, user=who),
        (*EVERYONE_OUTSIDE, "paused"),
    ),
    "issue_unback": (
        lambda sc, who: actions.issue_unback(issue=sc.issue, user=who),
        (*EVERYONE_OUTSIDE, "paused"),
    ),
    "queue_fix": (
        lambda sc, who: actions.queue_fix(meeting=sc.s.meeting, order=[sc.issue.pk], by=who),
        WITH_PLAIN_MEMBER,
    ),
    "note_add": (
        lambda sc, who: actions.note_add(issue=sc.issue, by=who, text="A point"),
        WITH_PLAIN_MEMBER,
    ),
    "notes_share": (
        lambda sc, who: actions.notes_share(issue=sc.issue, by=who, shared=True),
        WITH_PLAIN_MEMBER,
    ),
    "commitment_record": (
        lambda sc, who: actions.commitment_record(
            issue=sc.issue, by=who, text="Do it", due_on=timezone.localdate() + timedelta(days=9)
        ),
        WITH_PLAIN_MEMBER,
    ),
    "commitment_report": (
        lambda sc, who: actions.commitment_report(
            commitment=sc.commitment, by=who, status=CommitmentStatus.DONE, report="Done"
        ),
        WITH_PLAIN_MEMBER,
    ),
    "update_submit": (
        lambda sc, who: actions.update_submit(meeting=sc.s.meeting, user=who, work=5, personal=5),
        EVERYONE_OUTSIDE,
    ),
    "issue_views_record": (
        lambda sc, who: actions.issue_views_record(issues=[sc.issue], user=who),
        EVERYONE_OUTSIDE,
    ),
    "issues_erase_own": (
        lambda sc, who: actions.issues_erase_own(group=sc.s.world.group, by=who),
        EVERYONE_OUTSIDE,
    ),
    "room_act": (
        lambda sc, who: room.room_act(
            meeting=sc.s.meeting, by=who, action=RoomAction.START, expected_version=1
        ),
        WITH_PLAIN_MEMBER,
    ),
    "practice_act": (
        lambda sc, who: room.practice_act(
            meeting=sc.s.meeting, by=who, state={}, action=RoomAction.START, expected_version=1
        ),
        WITH_PLAIN_MEMBER,
    ),
}

CASES = [(name, person) for name, (_, people) in sorted(TABLE.items()) for person in people]


# Reads that take a viewer: they show what the queries let the person see and write nothing.
READS = {"room_view"}


def takes_a_person(module: ModuleType) -> set[str]:
    names = set()
    for name, fn in inspect.getmembers(module, inspect.isfunction):
        if name.startswith("_") or fn.__module__ != module.__name__ or name in READS:
            continue
        params = inspect.signature(fn).parameters
        if "by" in params or "user" in params:
            names.add(name)
    return names


def test_every_action_taking_by_is_in_the_table() -> None:
    assert takes_a_person(actions) | takes_a_person(room) == set(TABLE)


def person(sc: Scene, who: str) -> User:
    world = sc.s.world
    if who == "unpledged":
        return factories.add_member(world.group, factories.make_user("Una Unpledged")).user
    if who == "paused":
        paused = factories.add_member(world.group, factories.make_user("Pat Paused"))
        paused.pledge_accepted_at = timezone.now()
        paused.status = "paused"
        paused.save()
        return paused.user
    if who == "plain_member":
        return sc.s.bob
    return {
        "other_member": world.other_member,
        "admin": world.admin,
        "former_member": world.former_member,
    }[who]


@pytest.fixture
def scene(session: Session) -> Scene:
    issue = actions.issue_submit(meeting=session.meeting, presenter=session.alice, question="Q?")
    Backing.objects.create(issue=issue, user=session.cara)
    commitment = Commitment.objects.create(
        issue=issue, member=session.alice, text="Do it", due_on=timezone.localdate()
    )
    return Scene(session, issue, commitment)


@pytest.mark.parametrize(("action", "who"), CASES)
def test_the_rules_refuse_them(scene: Scene, action: str, who: str) -> None:
    call, _ = TABLE[action]
    before = (
        list(Issue.objects.values_list("pk", "status", "question", "notes_shared")),
        Backing.objects.count(),
        Note.objects.count(),
        list(Commitment.objects.values_list("text", "status", "report")),
    )
    with pytest.raises(Refused):
        call(scene, person(scene, who))
    after = (
        list(Issue.objects.values_list("pk", "status", "question", "notes_shared")),
        Backing.objects.count(),
        Note.objects.count(),
        list(Commitment.objects.values_list("text", "status", "report")),
    )
    assert after == before
