from io import StringIO

from django.core.management import call_command
from django.utils import timezone

from peerpower.accounts.models import User
from peerpower.groups.models import Membership, PeerGroup
from peerpower.guests.models import GuestRequest
from peerpower.issues.models import Issue, Protocol
from peerpower.meetings.models import Meeting, Participation
from peerpower.networks.models import Network, Venue


def test_the_demo_loads_once_and_prints_a_login_per_role(db: None) -> None:
    out = StringIO()
    call_command("load_demo", stdout=out)
    call_command("load_demo", stdout=out)  # again: nothing more
    text = out.getvalue()
    assert "Loaded the demo network." in text and "already loaded" in text
    for email in ("admin@", "chair@", "member@", "coach@", "speaker@", "guest@", "sponsor@"):
        assert f"{email}demo.peerpower.test" in text
    assert PeerGroup.objects.count() == 4
    # + a guest and a past visitor, + two more coaches, + the sponsor's contact (fees)
    assert User.objects.count() == 3 + 3 * 11 + 3 + 2 + 2 + 1
    tuesday = PeerGroup.objects.get(name="Tuesday Leaders")
    assert Meeting.objects.filter(group=tuesday, status="scheduled").count() >= 12 + 6
    assert Issue.objects.filter(group=tuesday).count() == 4


def test_the_demo_prints_the_address_it_is_served_at(db: None) -> None:
    out = StringIO()
    call_command("load_demo", "--url", "http://127.0.0.1:8105", stdout=out)
    assert "Open http://127.0.0.1:8105/ and log in" in out.getvalue()
    assert "8000" not in out.getvalue()


def test_demo_names_are_names_not_roles(db: None) -> None:
    call_command("load_demo", stdout=StringIO())
    names = list(User.objects.values_list("name", flat=True))
    assert [n for n in names if "(" in n or "[" in n] == []
    assert {"Alex Morgan", "Helen Carter", "Amara Okafor", "Jo Whitfield", "Dr Sunita Rao"} <= set(
        names
    )


def test_the_demo_has_something_on_each_new_page(db: None) -> None:
    call_command("load_demo", stdout=StringIO())
    network = Network.objects.get(slug="northbridge")
    assert Venue.objects.filter(network=network).count() == 2
    assert list(Protocol.objects.filter(network=network).values_list("name", flat=True)) == [
        "Quick clinic"
    ]
    forming = PeerGroup.objects.get(name="Harbour Leaders")
    assert not Membership.objects.filter(group=forming, role="chair").exists()
    tuesday = PeerGroup.objects.get(name="Tuesday Leaders")
    upcoming = Meeting.objects.filter(group=tuesday, starts_at__gt=timezone.now()).earliest(
        "starts_at"
    )
    replies = Participation.objects.filter(meeting=upcoming).exclude(rsvp="").count()
    assert replies == 7  # of 11: the chair's home has replies to chase


def test_the_demo_has_guests_in_every_state(db: None) -> None:
    call_command("load_demo", stdout=StringIO())
    network = Network.objects.get(slug="northbridge")
    statuses = set(GuestRequest.objects.filter(network=network).values_list("status", flat=True))
    assert statuses == set(GuestRequest.Status.values) - {"visited"}  # the visitor has applied
    competitor = GuestRequest.objects.get(organisation="Eastside Housing Association")
    assert list(competitor.findings.values_list("kind", flat=True)) == ["competitor"]
    assert GuestRequest.objects.get(status="member").membership is not None
    assert (
        GuestRequest.objects.filter(status="invited", meeting__starts_at__gt=timezone.now()).count()
        == 2
    )


def test_the_demo_has_coaching_in_two_zones_with_a_waived_late_cancellation(db: None) -> None:
    from peerpower.coaching.models import CoachProfile, Engagement, Session, SessionNote

    call_command("load_demo", stdout=StringIO())
    assert CoachProfile.objects.count() == 3
    assert set(CoachProfile.objects.values_list("time_zone", flat=True)) == {
        "Europe/London",
        "America/New_York",
    }
    assert Engagement.objects.count() == 6
    assert Session.objects.filter(status="held").count() == 12
    assert SessionNote.objects.filter(kind="private").count() == 12
    assert Session.objects.filter(late=True, waived=True).count() == 1
    assert Session.objects.filter(status="booked", starts_at__gt=timezone.now()).count() == 6
