"""The bureau's forms through their views: each saves, and each refusal shows beside its
field with what was typed kept."""

from django.urls import reverse

from peerpower.accounts.models import Invitation
from peerpower.speakers.models import Booking, Speaker, SpeakerSettings, Topic
from tests.conftest import ClientFor, World
from tests.speakers.conftest import Talk, make_speaker

PROFILE = {
    "name": "Cass Contact",
    "headline": "Boards",
    "format": "both",
    "fee": "pro_bono",
    "email": "cass@example.org",
}


def test_a_chair_adds_a_contact_and_an_admin_invites_them(
    world: World, client_for: ClientFor
) -> None:
    chair = client_for(world.chair)
    url = reverse("speakers:add", args=[world.network.slug])
    refused = chair.post(url, {**PROFILE, "name": "   "})
    assert refused.status_code == 200
    assert 'id="id_name_error">This field is required.' in refused.content.decode()
    assert 'value="cass@example.org"' in refused.content.decode()
    response = chair.post(url, {**PROFILE, "regions": ["london", "east"]})
    speaker = Speaker.objects.get(name="Cass Contact")
    assert response.url == reverse("speakers:profile", args=[speaker.pk])  # type: ignore[attr-defined]
    assert speaker.regions == ",london,east," and speaker.added_by == world.chair
    invite = reverse("speakers:invite", args=[speaker.pk])
    assert chair.post(invite).status_code == 404  # only admins invite
    admin = client_for(world.admin)
    admin.post(invite)
    speaker.refresh_from_db()
    assert Invitation.objects.filter(user=speaker.user, role="speaker").exists()
    again = admin.post(invite, follow=True)
    assert "This speaker already has a log-in." in again.content.decode()


def test_the_speaker_edits_their_profile(talk: Talk, client_for: ClientFor) -> None:
    client = client_for(talk.world.speaker)
    url = reverse("speakers:edit", args=[talk.speaker.pk])
    form = client.get(url).content.decode()
    assert 'value="london" id="id_regions_6" checked' in form or "checked" in form
    client.post(url, {**PROFILE, "name": "Sid Speaker", "topics": [talk.topic.pk]})
    talk.speaker.refresh_from_db()
    assert talk.speaker.headline == "Boards"
    assert list(talk.speaker.topics.all()) == [talk.topic]
    # the same profile again when asked from "My talks"
    response = client.post(reverse("speakers:own_profile", args=[talk.world.network.slug]))
    assert response.url == url  # type: ignore[attr-defined]


def test_bureau_settings_save_and_refuse_one_question(world: World, client_for: ClientFor) -> None:
    client = client_for(world.admin)
    url = reverse("speakers:settings", args=[world.network.slug])
    data = {
        "topics": "Fundraising\nBoards\nBoards",
        "question_1": "Useful",
        "question_2": "",
        "question_3": "",
        "feedback_days": "7",
        "repeat_months": "12",
        "rating_threshold": "4.00",
        "upload_max_mb": "10",
    }
    refused = client.post(url, data)
    assert 'id="id_question_2_error">This field is required.' in refused.content.decode()
    assert not SpeakerSettings.objects.exists()
    client.post(url, {**data, "question_2": "Clear"})
    saved = SpeakerSettings.objects.get(network=world.network)
    assert (saved.feedback_days, saved.questions) == (7, ["Useful", "Clear"])
    assert sorted(Topic.objects.values_list("name", flat=True)) == ["Boards", "Fundraising"]
    client.post(url, {**data, "question_2": "Clear", "topics": "Boards"})
    assert list(Topic.objects.values_list("name", flat=True)) == ["Boards"]


def test_a_refused_booking_shows_its_reason_beside_the_field(
    talk: Talk, client_for: ClientFor
) -> None:
    world = talk.world
    other = make_speaker(world, None, "Second")
    client = client_for(world.chair)
    form = client.get(reverse("speakers:book", args=[other.pk])).context["form"]
    assert talk.booking.meeting not in form.fields["meeting"].queryset  # taken: not offered
    Booking.objects.filter(pk=talk.booking.pk).update(status="withdrawn")
    response = client.post(
        reverse("speakers:book", args=[other.pk]),
        {"meeting": talk.booking.meeting_id, "talk_title": "Kept title", "brief": ""},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "has no log-in yet" in html and 'value="Kept title"' in html


def test_the_chair_withdraws_and_a_second_withdrawal_is_explained(
    talk: Talk, client_for: ClientFor
) -> None:
    client = client_for(talk.world.chair)
    url = reverse("speakers:withdraw", args=[talk.booking.pk])
    client.post(url)
    again = client.post(url, follow=True).content.decode()
    assert "This booking is already withdrawn." in again
    speaker = client_for(talk.world.speaker)
    refused = speaker.post(reverse("speakers:accept", args=[talk.booking.pk]), follow=True)
    assert "This booking is withdrawn, not waiting." in refused.content.decode()


def test_a_meeting_cancelled_after_the_booking_page_opened_is_refused_beside_its_field(
    world: World, client_for: ClientFor
) -> None:
    from peerpower.meetings.actions import meeting_cancel

    speaker = make_speaker(world, world.speaker)
    meeting = world.next_meeting()
    client = client_for(world.chair)
    form = client.get(reverse("speakers:book", args=[speaker.pk])).context["form"]
    assert meeting in form.fields["meeting"].queryset
    meeting_cancel(meeting=meeting, reason="Venue closed", by=world.chair)
    response = client.post(
        reverse("speakers:book", args=[speaker.pk]),
        {"meeting": meeting.pk, "talk_title": "Kept title", "brief": ""},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_meeting_error"' in html
    assert "That meeting can no longer be booked: it is cancelled" in html
    assert 'value="Kept title"' in html
    assert not Booking.objects.filter(meeting=meeting).exists()
