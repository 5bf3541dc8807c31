"""Holes an insider attack found in the speakers app, each closed at its cause: a commenter's
email in the feedback, a speaker rating their own talk, a pending booking read through its
feedback page, and speakers kept informed after their booking or role ended."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from peerpower.lib.rules import Refused
from peerpower.meetings.queries import confirmed_speakers_of
from peerpower.networks.models import NetworkRole
from peerpower.speakers import actions
from peerpower.speakers.models import Speaker
from peerpower.speakers.queries import feedback_summary, with_ratings
from peerpower.speakers.tasks import _send_to_speaker
from tests import factories
from tests.conftest import ClientFor, World
from tests.speakers.conftest import HeldTalk, Talk, close_feedback, held_talk, pdf, present


def test_a_named_commenter_without_a_name_is_a_member_never_their_email(held: HeldTalk) -> None:
    nameless = held.members[0]
    nameless.name = ""
    nameless.save(update_fields=["name"])
    actions.feedback_submit(
        booking=held.booking, scores=[5, 5], comment="Clear", anonymous=False, by=nameless
    )
    for who in held.members[1:3]:
        actions.feedback_submit(booking=held.booking, scores=[4, 4], by=who)
    close_feedback(held.booking)
    summary = feedback_summary(held.booking, ["Useful", "Delivered"])
    assert summary is not None
    assert [(c.text, c.name) for c in summary.comments] == [("Clear", "A member")]


def test_a_speaker_who_is_also_a_member_cannot_rate_their_own_talk(held: HeldTalk) -> None:
    speaker = held.world.speaker
    factories.add_member(held.world.group, speaker)
    present(held.booking.meeting, speaker)
    with pytest.raises(Refused, match="not their own talk"):
        actions.feedback_submit(booking=held.booking, scores=[5, 5], by=speaker)


def test_a_pending_booking_has_no_feedback_page_for_members(
    talk: Talk, client_for: ClientFor
) -> None:
    url = reverse("speakers:feedback", args=[talk.booking.pk])
    assert client_for(talk.world.member).get(url).status_code == 404


def test_a_withdrawn_speaker_sees_nothing_more_of_the_meeting(
    talk: Talk, client_for: ClientFor
) -> None:
    resource = actions.resource_upload(booking=talk.booking, upload=pdf(), by=talk.world.chair)
    actions.booking_withdraw(booking=talk.booking, by=talk.world.chair)
    talk.booking.refresh_from_db()
    speaker = client_for(talk.world.speaker)
    page = speaker.get(reverse("speakers:booking", args=[talk.booking.pk])).content.decode()
    assert "This booking is withdrawn" in page
    assert talk.booking.meeting.group.name not in page
    home = speaker.get(reverse("speakers:home")).content.decode()
    assert talk.booking.talk_title not in home
    assert speaker.get(reverse("speakers:resource", args=[resource.pk])).status_code == 404
    with pytest.raises(ValidationError, match="nothing more can be attached"):
        actions.resource_upload(booking=talk.booking, upload=pdf(), by=talk.world.chair)


def test_a_speaker_whose_role_was_taken_away_is_told_nothing_more(held: HeldTalk) -> None:
    speaker = held.world.speaker
    assert confirmed_speakers_of(held.booking.meeting_id) == [speaker]
    mail.outbox.clear()
    _send_to_speaker(held.booking, "speakers/email/booking_confirmed")
    assert [m.to for m in mail.outbox] == [[speaker.email]]

    NetworkRole.objects.filter(user=speaker, role=NetworkRole.Role.SPEAKER).delete()
    mail.outbox.clear()
    _send_to_speaker(held.booking, "speakers/email/booking_confirmed")
    assert mail.outbox == []
    assert confirmed_speakers_of(held.booking.meeting_id) == []  # so no reminders either


def test_a_talk_with_too_few_responses_counts_nowhere_so_none_can_be_subtracted(
    world: World,
) -> None:
    """Directory averages minus one talk's own summary must not give another talk's single
    response: a talk counts in the directory only once it has enough responses itself."""
    first = held_talk(world, days_ago=10)
    for who in (world.member, *first.members[:2]):
        actions.feedback_submit(booking=first.booking, scores=[5, 5], by=who)
    second = held_talk(world, days_ago=2, members=1)
    actions.feedback_submit(booking=second.booking, scores=[1, 1], by=second.members[0])
    close_feedback(first.booking)
    close_feedback(second.booking)
    rated = vars(with_ratings(Speaker.objects.filter(pk=first.speaker.pk)).get())
    assert (rated["rating_count"], rated["avg_1"]) == (3, 5.0)
