from django.urls import reverse
from pytest_django import DjangoCaptureOnCommitCallbacks

from peerpower.groups.models import Membership
from tests.conftest import ClientFor, World


def test_a_member_accepts_the_pledge_once(world: World, client_for: ClientFor) -> None:
    client = client_for(world.member)
    page = client.get(reverse("groups:detail", args=[world.group.pk]))
    assert b"I accept the pledge" in page.content
    client.post(reverse("groups:pledge", args=[world.group.pk]))
    first = Membership.objects.get(group=world.group, user=world.member).pledge_accepted_at
    client.post(reverse("groups:pledge", args=[world.group.pk]))
    assert (
        Membership.objects.get(group=world.group, user=world.member).pledge_accepted_at
        == first
        is not None
    )
    assert (
        b"I accept the pledge"
        not in client.get(reverse("groups:detail", args=[world.group.pk])).content
    )


def test_the_chair_pauses_and_resumes_a_member(world: World, client_for: ClientFor) -> None:
    membership = Membership.objects.get(group=world.group, user=world.member)
    url = reverse("groups:membership_status", args=[world.group.pk, membership.pk])
    client = client_for(world.chair)
    client.post(url, {"status": "paused"})
    membership.refresh_from_db()
    assert membership.status == "paused"
    client.post(url, {"status": "active"})
    membership.refresh_from_db()
    assert membership.status == "active"


def test_a_member_who_left_sees_nothing_of_the_group(world: World, client_for: ClientFor) -> None:
    assert (
        client_for(world.former_member)
        .get(reverse("groups:detail", args=[world.group.pk]))
        .status_code
        == 404
    )
    assert (
        client_for(world.former_member)
        .get(reverse("meetings:detail", args=[world.next_meeting().pk]))
        .status_code
        == 404
    )


def test_an_invited_status_cannot_be_set_by_hand(world: World, client_for: ClientFor) -> None:
    membership = Membership.objects.get(group=world.group, user=world.member)
    client_for(world.chair).post(
        reverse("groups:membership_status", args=[world.group.pk, membership.pk]),
        {"status": "invited"},
    )
    membership.refresh_from_db()
    assert membership.status == "active"


def test_group_page_shows_each_members_attendance_over_twelve_months(
    world: World, client_for: ClientFor
) -> None:
    from django.utils import timezone

    from peerpower.meetings.actions import attendance_record
    from peerpower.meetings.models import Meeting

    past = Meeting.objects.filter(group=world.group, starts_at__lt=timezone.now()).get()
    attendance_record(
        meeting=past, marks={world.member.pk: "present", world.chair.pk: "excused"}, by=world.chair
    )
    response = client_for(world.chair).get(reverse("groups:detail", args=[world.group.pk]))
    rows = {m.user.email: record for m, record in response.context["members"]}
    assert rows[world.member.email] == {"present": 1, "absent": 0, "excused": 0}
    assert rows[world.chair.email] == {"present": 0, "absent": 0, "excused": 1}
    assert response.context["held_in_window"] == 1


def test_the_chair_clears_a_mark_recorded_by_mistake(world: World, client_for: ClientFor) -> None:
    from django.utils import timezone

    from peerpower.meetings.models import Meeting, Participation

    past = Meeting.objects.filter(group=world.group, starts_at__lt=timezone.now()).get()
    url = reverse("meetings:attendance", args=[past.pk])
    client = client_for(world.chair)
    client.post(url, {f"user_{world.member.pk}": "absent"})
    assert Participation.objects.get(meeting=past, user=world.member).attendance == "absent"
    client.post(url, {f"user_{world.member.pk}": ""})
    assert Participation.objects.get(meeting=past, user=world.member).attendance == ""


def test_pausing_takes_the_meetings_out_of_the_members_calendar_and_resuming_puts_them_back(
    world: World,
    client_for: ClientFor,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    import vobject  # type: ignore[import-untyped]
    from django.core import mail

    membership = Membership.objects.get(group=world.group, user=world.member)
    url = reverse("groups:membership_status", args=[world.group.pk, membership.pk])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client_for(world.chair).post(url, {"status": "paused"})
    [withdrawn] = mail.outbox
    assert withdrawn.to == [world.member.email]
    methods = {vobject.readOne(content).method.value for _, content, _ in withdrawn.attachments}
    assert methods == {"CANCEL"}
    assert len(withdrawn.attachments) == 12
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client_for(world.chair).post(url, {"status": "active"})
    [back] = mail.outbox
    assert {vobject.readOne(content).method.value for _, content, _ in back.attachments} == {
        "REQUEST"
    }


def test_the_one_chair_constraint_counts_the_places_held() -> None:
    # The constraint cannot name Membership.HOLDS_PLACE (Meta cannot see the class's names).
    [constraint] = [
        c for c in Membership._meta.constraints if c.name == "membership_one_chair_per_group"
    ]
    condition = dict(constraint.condition.children)  # type: ignore[attr-defined]
    assert condition["status__in"] == list(Membership.HOLDS_PLACE)


def test_accepting_the_pledge_goes_back_to_the_page_that_asked_on_this_site_only(
    world: World, client_for: ClientFor
) -> None:
    client = client_for(world.member)
    url = reverse("groups:pledge", args=[world.group.pk])
    away = client.post(url, {"next": "https://elsewhere.example/phish"})
    assert away["Location"] == reverse("groups:detail", args=[world.group.pk])
    assert Membership.objects.get(group=world.group, user=world.member).pledge_accepted_at
    back = reverse("issues:meeting", args=[world.next_meeting().pk])
    assert client.post(url, {"next": back})["Location"] == back
