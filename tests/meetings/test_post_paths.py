"""Meeting POST paths without a test elsewhere: reinstating a cancelled meeting."""

from django.test import Client
from django.urls import reverse
from pytest_django import DjangoCaptureOnCommitCallbacks

from peerpower.meetings import actions
from peerpower.meetings.models import Meeting
from tests.conftest import ClientFor, World


def test_the_chair_reinstates_a_cancelled_meeting_once(
    world: World,
    client_for: ClientFor,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    meeting = actions.meeting_cancel(meeting=world.next_meeting(), reason="Snow", by=world.chair)
    client = client_for(world.chair)
    url = reverse("meetings:reinstate", args=[meeting.pk])
    with django_capture_on_commit_callbacks(execute=True) as sent:
        response = client.post(url, follow=True)
    assert response.redirect_chain[-1][0] == reverse("meetings:detail", args=[meeting.pk])
    assert [str(m) for m in response.context["messages"]] == [
        "The meeting is on again and members have been sent the invitation."
    ]
    assert len(sent) == 1
    meeting.refresh_from_db()
    assert (meeting.status, meeting.cancel_reason) == (Meeting.Status.SCHEDULED, "")
    again = client.post(url, follow=True)
    assert [str(m) for m in again.context["messages"]] == ["This meeting is not cancelled."]
    assert client_for(world.member).post(url).status_code == 404


def test_a_spent_reply_link_tells_a_logged_in_member_where_to_reply(
    world: World, client_for: ClientFor
) -> None:
    url = reverse("meetings:reply", args=["no-such-token"])
    logged_in = client_for(world.member).get(url)
    assert logged_in.status_code == 410
    assert "Log in</a> to reply" not in logged_in.content.decode()
    assert "lists the meetings waiting for it" in logged_in.content.decode()
    anonymous = Client().get(url).content.decode()
    assert "Log in</a> to reply" in anonymous
