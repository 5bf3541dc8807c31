"""The periodic tasks: rounds opened when due (each once), the invitation email, one
reminder, and closing."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.utils import timezone

from peerpower.groups.models import Membership
from peerpower.impact import actions
from peerpower.impact.models import Invitation, Round
from peerpower.meetings.models import Participation
from tests import factories
from tests.conftest import World
from tests.impact.conftest import BASELINE, send

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=ZoneInfo("UTC"))


def _keys() -> set[str]:
    return set(Round.objects.values_list("key", flat=True))


def test_a_new_member_gets_a_baseline_once_however_often_the_task_runs(
    world: World, django_capture_on_commit_callbacks: object
) -> None:
    seat = factories.add_member(world.group, factories.make_user("Nia New"))
    Membership.objects.filter(pk=seat.pk).update(joined_on=date(2026, 11, 20))
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        actions.surveys_schedule_due(NOW)
        actions.surveys_schedule_due(NOW)
    assert f"baseline:m{seat.pk}" in _keys()
    assert Invitation.objects.filter(user=seat.user, round__key=f"baseline:m{seat.pk}").count() == 1
    sent = [m for m in mail.outbox if m.to == [seat.user.email] and "starting" in m.subject]
    assert len(sent) == 1
    assert "Where you are starting from" in sent[0].subject
    invitation = Invitation.objects.get(user=seat.user, round__key__startswith="baseline")
    assert f"/surveys/{invitation.pk}/" in sent[0].body
    assert invitation.sent_at is not None


def test_follow_ups_at_6_and_12_months_and_exit_when_leaving(world: World) -> None:
    six = factories.add_member(world.group, factories.make_user("Sam Six"))
    twelve = factories.add_member(world.group, factories.make_user("Tia Twelve"))
    gone = factories.add_member(world.group, factories.make_user("Gus Gone"), status="left")
    Membership.objects.filter(pk=six.pk).update(joined_on=date(2026, 5, 25))
    Membership.objects.filter(pk=twelve.pk).update(joined_on=date(2025, 11, 28))
    Membership.objects.filter(pk=gone.pk).update(
        joined_on=date(2025, 1, 1), left_on=date(2026, 11, 15)
    )
    actions.surveys_schedule_due(NOW)
    keys = _keys()
    assert {f"followup_6:m{six.pk}", f"followup_12:m{twelve.pk}", f"exit:m{gone.pk}"} <= keys
    assert f"followup_12:m{six.pk}" not in keys and f"baseline:m{six.pk}" not in keys


def test_after_a_meeting_those_present_are_asked_and_health_in_a_quarters_last_month(
    world: World,
) -> None:
    meeting = factories.make_past_meeting(world.group, months_ago=6)
    Participation.objects.create(meeting=meeting, user=world.member, attendance="present")
    Participation.objects.create(meeting=meeting, user=world.chair, attendance="absent")
    actions.surveys_schedule_due(meeting.ends_at + timedelta(days=1))
    actions.surveys_schedule_due(NOW)
    after = Round.objects.get(key=f"meeting:{meeting.pk}")
    assert list(after.invitations.values_list("user", flat=True)) == [world.member.pk]
    health = Round.objects.get(key=f"health:g{world.group.pk}:2026Q4")
    assert health.survey.anonymous
    asked = set(health.invitations.values_list("user", flat=True))
    assert world.member.pk in asked and world.chair.pk not in asked  # it asks about the chair
    assert not Round.objects.filter(key__startswith="health:", opens_at__month=11).exists()


def test_one_reminder_to_those_who_have_not_answered(
    world: World, django_capture_on_commit_callbacks: object
) -> None:
    invitations = send(world, "baseline", [world.member, world.chair], days=2)
    actions.answers_submit(invitation=invitations[world.chair], answers=BASELINE, by=world.chair)
    later = timezone.now() + timedelta(days=1, hours=1)
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        assert actions.reminders_send_due(later) == 1
        assert actions.reminders_send_due(later) == 0
    reminders = [m for m in mail.outbox if m.subject.startswith("Reminder")]
    assert [m.to for m in reminders] == [[world.member.email]]


def test_one_reminder_for_an_anonymous_round_too(
    world: World, django_capture_on_commit_callbacks: object
) -> None:
    invitations = send(world, "group_health", [world.member, world.chair], days=2)
    actions.answers_submit(
        invitation=invitations[world.chair],
        answers={"trust": 3, "confidentiality": 3, "heard": 3, "chair": 3},
        by=world.chair,
    )
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        assert actions.reminders_send_due(timezone.now() + timedelta(days=1, hours=1)) == 1
    assert [m.to for m in mail.outbox if m.subject.startswith("Reminder")] == [[world.member.email]]


@pytest.mark.parametrize("task", ["schedule_surveys", "remind_and_close_surveys"])
def test_the_periodic_tasks_run(world: World, task: str) -> None:
    from peerpower.impact import tasks

    getattr(tasks, task).call_local()
