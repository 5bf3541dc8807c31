"""The reminder run finds each window's confirmed speakers (and who to remind, and who has had
it) with one query for all the window's meetings: its count is the same for one meeting with a
speaker as for ten."""

from datetime import timedelta

from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from peerpower.meetings.actions import reminders_send_due
from peerpower.meetings.models import Meeting, ReminderSent
from peerpower.networks.models import NetworkRole
from peerpower.speakers import actions
from peerpower.speakers.models import Speaker
from tests import factories
from tests.conftest import World


def meetings_tomorrow_with_speakers(world: World, count: int) -> list[Meeting]:
    """`count` groups, each with a member, meeting in 20 hours with a confirmed speaker."""
    soon = timezone.now().replace(microsecond=0) + timedelta(hours=20)
    found = []
    for _ in range(count):
        group = factories.make_group(world.network)
        chair = factories.add_member(group, role="chair").user
        factories.add_member(group)
        user = factories.make_user("Reminded Speaker")
        NetworkRole.objects.create(network=world.network, user=user, role=NetworkRole.Role.SPEAKER)
        speaker = Speaker.objects.create(network=world.network, user=user, name=user.name)
        meeting = Meeting.objects.filter(group=group, starts_at__gt=timezone.now()).order_by(
            "starts_at"
        )[0]
        booking = actions.booking_create(
            meeting=meeting, speaker=speaker, talk_title="Soon", by=chair
        )
        actions.booking_accept(booking=booking, by=user)
        found.append(factories.move_meeting(meeting, soon))
    return found


def queries_of_a_run_with_nothing_left_to_send() -> int:
    reminders_send_due()  # everything due goes now
    with CaptureQueriesContext(connection) as ctx:
        assert reminders_send_due() == 0
    return len(ctx.captured_queries)


def test_a_reminder_run_asks_the_same_queries_for_one_meeting_or_ten(world: World) -> None:
    [first] = meetings_tomorrow_with_speakers(world, 1)
    one = queries_of_a_run_with_nothing_left_to_send()
    speakers = ReminderSent.objects.filter(meeting=first, user__speaker_profiles__isnull=False)
    assert speakers.count() == 1  # the confirmed speaker was reminded
    meetings_tomorrow_with_speakers(world, 9)
    mail.outbox.clear()
    ten = queries_of_a_run_with_nothing_left_to_send()
    reminded = {m.to[0] for m in mail.outbox if m.subject.startswith("Reminder: your talk")}
    assert len(reminded) == 9  # the nine new speakers, each once
    # Each window: its meetings, who has had the reminder, who should get it, the speakers.
    assert (one, ten) == (8, 8)
