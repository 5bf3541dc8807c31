"""The demo's networking: a profile for every current member and chair, with a mix of who
sees what; introductions accepted and waiting; eight open and three closed opportunities;
suggested conversations for Tuesday Leaders' next meeting."""

from io import StringIO

from django.core.management import call_command
from django.utils import timezone

from peerpower.groups.models import Membership
from peerpower.meetings.models import Meeting
from peerpower.networking.models import Introduction, Opportunity, Profile, Suggestion
from peerpower.networking.queries import BoardFilter, board, suggestions_for
from peerpower.networks.models import Network


def test_the_demo_has_profiles_introductions_opportunities_and_suggestions(db: None) -> None:
    call_command("load_demo", stdout=StringIO())
    network = Network.objects.get(slug="northbridge")
    people = set(
        Membership.objects.filter(
            group__network=network, status__in=Membership.CURRENT
        ).values_list("user_id", flat=True)
    )
    assert set(Profile.objects.filter(network=network).values_list("user_id", flat=True)) == people
    levels = set(Profile.objects.values_list("headline_visibility", "biography_visibility"))
    assert {"network", "group", "nobody"} <= {level for pair in levels for level in pair}
    statuses = set(Introduction.objects.values_list("status", flat=True))
    assert statuses == {"accepted", "pending"}
    member = Membership.objects.filter(group__network=network).first()
    assert member is not None
    assert len(board(member.user, network, BoardFilter())) == 8
    assert Opportunity.objects.filter(network=network).count() == 11
    meeting = (
        Meeting.objects.filter(group__name="Tuesday Leaders", starts_at__gt=timezone.now())
        .order_by("starts_at")
        .first()
    )
    assert meeting is not None
    assert Suggestion.objects.filter(meeting=meeting).exists()
    chair = Membership.objects.get(group=meeting.group, role="chair").user
    assert suggestions_for(chair, meeting)
