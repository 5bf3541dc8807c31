"""The demo's speaker bureau: ten speakers, rated past talks, coming bookings in every state,
and a speaker login with something to do."""

from io import StringIO

from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from peerpower.accounts.models import User
from peerpower.speakers.models import (
    Booking,
    FeedbackGiven,
    FeedbackResponse,
    HeldFeedback,
    Speaker,
)


def test_the_demo_bureau_has_speakers_talks_ratings_and_a_speaker_with_work(db: None) -> None:
    call_command("load_demo", stdout=StringIO())
    assert Speaker.objects.count() == 10
    assert set(Booking.objects.values_list("status", flat=True)) == {
        "pending",
        "accepted",
        "declined",
        "withdrawn",
    }
    assert FeedbackResponse.objects.filter(author=None).exists()
    assert FeedbackResponse.objects.exclude(author=None).exists()
    total = FeedbackResponse.objects.count() + HeldFeedback.objects.count()
    assert total == FeedbackGiven.objects.count()
    # Responses only for talks whose window has closed; none half-written.
    assert not FeedbackResponse.objects.filter(booking__feedback_released_at=None).exists()
    assert not HeldFeedback.objects.exclude(booking__feedback_released_at=None).exists()
    sunita = User.objects.get(email="speaker@demo.peerpower.test")
    client = Client()
    client.force_login(sunita)
    home = client.get(reverse("speakers:home")).content.decode()
    assert "waiting for your answer" in home and "confirmed" in home
    held = Booking.objects.filter(speaker__user=sunita, responses__isnull=False).distinct().get()
    page = client.get(reverse("speakers:booking", args=[held.pk])).content.decode()
    assert "responses." in page and "Not enough responses yet." not in page
    admin = User.objects.get(email="admin@demo.peerpower.test")
    client.force_login(admin)
    directory = client.get(reverse("speakers:directory", args=["northbridge"])).content.decode()
    assert "out of 5" in directory and "below 4.25" in directory
