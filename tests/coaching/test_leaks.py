"""Planted markers: a session's agenda, its notes and the goals reach only the coach and the
member (the coach's own notes only the coach), never chairs, admins, other members, other
coaches, anyone's email or calendar file; and the coach sees nothing of the member's group but
a linked commitment's text and due date."""

import logging
import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail

from peerpower.coaching import actions
from peerpower.coaching.models import (
    Goal,
    GoalUpdate,
    Session,
    SessionNote,
)
from peerpower.coaching.tasks import reminders_send_due
from tests import factories, leaks
from tests.coaching import builders
from tests.coaching.builders import at, day_ahead
from tests.issues.conftest import Session as IssuesSession
from tests.issues.conftest import session as session  # the fixture, for these tests
from tests.issues.test_leaks import marker as group_marker
from tests.issues.test_leaks import plant

Capture = Callable[..., Any]
mark = leaks.Markers("c0a1")
PRIVATE = ("private_note",)


def test_notes_goals_and_agendas_reach_only_the_coach_and_the_member(
    session: IssuesSession,
    django_capture_on_commit_callbacks: Capture,
    caplog: pytest.LogCaptureFixture,
) -> None:
    world = session.world
    caplog.set_level(logging.DEBUG)
    _, commitment = plant(session)  # the member's issue, notes, commitment and check-in
    scene = builders.coaching_world(world)
    other_coach = factories.make_user("Otto Othercoach")
    other_profile = builders.coach_profile(world.network, other_coach)
    builders.engagement(other_profile, world.other_member, by=world.admin)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        booked = actions.session_book(
            engagement=scene.engagement, starts_at=at(day_ahead(5), 14), minutes=60,
            agenda=mark("agenda"), idempotency_key=uuid.uuid4(), by=world.member,
        )  # fmt: skip
        actions.note_add(session=booked, kind="private", text=mark("private_note"), by=world.coach)
        actions.note_add(session=booked, kind="shared", text=mark("shared_note"), by=world.member)
        goal = actions.goal_add(engagement=scene.engagement, title=mark("goal"), by=world.member)
        actions.goal_progress(goal=goal, text=mark("progress"), rating=4, by=world.member)
        actions.goal_link(goal=goal, commitment=commitment, by=world.member)
        actions.session_reschedule(session=booked, starts_at=at(day_ahead(6), 14), by=world.coach)
        reminders_send_due(now=at(day_ahead(6), 14) - timedelta(minutes=50))
        actions.session_cancel(session=booked, by=world.member)
    assert SessionNote.objects.filter(text=mark("private_note")).exists()  # data that could leak
    objects = {
        "engagement": scene.engagement.pk,
        "session": booked.pk,
        "goal": goal.pk,
        "rule": scene.rule.pk,
        "exception": scene.exception.pk,
        "group": world.group.pk,
        "slug": world.network.slug,
        "meeting": session.meeting.pk,
        "commitment": commitment.pk,
        "membership_id": world.group.memberships.get(user=world.member).pk,
    }
    people = {k: v for k, v in leaks.outsiders(world).items() if k != "coach"}
    people |= {"chair": world.chair, "other coach": other_coach, "outsider": world.outsider}
    assert leaks.walk(people, objects, mark) == []
    assert mark.found_in(caplog.text) == []
    # No email (to anyone: the member and coach included) carries any of it.
    assert len(mail.outbox) >= 6
    assert leaks.read_mail(mark) == []
    # The member reads all but the coach's own notes; the coach reads everything.
    member_saw = " ".join(leaks.walk({"member": world.member}, objects, mark))
    assert sorted(m for m in mark.all() if m in member_saw) == sorted(
        mark(f) for f in ("agenda", "shared_note", "goal", "progress")
    )
    coach_saw = " ".join(leaks.walk({"coach": world.coach}, objects, mark))
    planted = [mark(f) for f in ("agenda", "private_note", "shared_note", "goal", "progress")]
    # (not mark.all(): another test of this module plants its own markers in the same object)
    assert sorted(m for m in planted if m in coach_saw) == sorted(planted)


def test_the_coach_sees_a_linked_commitment_and_nothing_else_of_the_group(
    session: IssuesSession, django_capture_on_commit_callbacks: Capture
) -> None:
    world = session.world
    _, commitment = plant(session)
    scene = builders.coaching_world(world)
    goal = actions.goal_add(engagement=scene.engagement, title="Income", by=world.member)
    objects = {
        "engagement": scene.engagement.pk,
        "session": scene.session.pk,
        "goal": goal.pk,
        "group": world.group.pk,
        "slug": world.network.slug,
        "meeting": session.meeting.pk,
        "commitment": commitment.pk,
        "membership_id": world.group.memberships.get(user=world.member).pk,
    }
    assert leaks.walk({"coach": world.coach}, objects, group_marker) == []
    actions.goal_link(goal=goal, commitment=commitment, by=world.member)
    seen = leaks.walk({"coach": world.coach}, objects, group_marker)
    assert seen and all(group_marker("commitment") in where for where in seen), seen


def test_str_of_coaching_rows_names_no_content(session: IssuesSession) -> None:
    scene = builders.coaching_world(session.world)
    note = SessionNote.objects.create(
        session=scene.session, author=session.world.coach, kind="private", text=mark("str_note")
    )
    goal = Goal.objects.create(engagement=scene.engagement, title=mark("str_goal"))
    update = GoalUpdate.objects.create(
        goal=goal, by=session.world.member, text=mark("str_up"), rating=3
    )
    Session.objects.filter(pk=scene.session.pk).update(agenda=mark("str_agenda"))
    scene.session.refresh_from_db()
    for row in (note, goal, update, scene.session, scene.engagement, scene.profile):
        assert mark.found_in(str(row)) == [], row
