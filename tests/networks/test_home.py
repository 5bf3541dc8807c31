"""Home is "what next?" for every role, and the chair's one-click reminder to reply."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoCaptureOnCommitCallbacks

from peerpower.groups.actions import membership_approve, membership_propose
from peerpower.groups.models import Membership
from peerpower.issues.actions import issue_submit, queue_fix
from peerpower.lib.rules import Refused
from peerpower.meetings.models import Meeting, Participation
from peerpower.networks.actions import replies_remind
from peerpower.networks.models import ReplyReminder
from tests import factories
from tests.conftest import ClientFor, World


def home(client_for: ClientFor, person: object) -> str:
    response = client_for(person).get(reverse("home"))  # type: ignore[arg-type]
    assert response.status_code == 200
    return response.content.decode()


def test_people_are_greeted_by_their_name_as_they_wrote_it(
    world: World, client_for: ClientFor
) -> None:
    world.member.name = "Dr Sunita Rao"
    world.member.save()
    assert '<h1 class="h3 mb-4">Hello, Dr Sunita Rao</h1>' in home(client_for, world.member)


def test_the_chair_sees_who_has_not_replied_and_what_waits_for_their_order(
    world: World, client_for: ClientFor
) -> None:
    meeting = world.next_meeting()
    extra = factories.add_member(world.group, factories.make_user("Zed Quiet")).user
    Participation.objects.create(meeting=meeting, user=world.member, rsvp="attending")
    Membership.objects.filter(group=world.group).update(pledge_accepted_at=timezone.now())
    issue_submit(meeting=meeting, presenter=world.member, question="How do I?")
    response = client_for(world.chair).get(reverse("home"))
    (row,) = response.context["chaired"]
    assert (row["group"], row["meeting"], row["waiting"], row["to_order"]) == (
        world.group,
        meeting,
        [world.chair, extra],
        1,
    )
    page = response.content.decode()
    assert "2 of 3 members have not replied: Helen Chair, Zed Quiet." in page
    assert "1 issue waiting for your order" in page
    assert "The group has 2 members; it needs at least 8." in page
    assert reverse("networks:remind_replies", args=[meeting.pk]) in page


def test_the_chair_sees_the_proposals_waiting_for_their_decision(
    world: World, client_for: ClientFor
) -> None:
    proposal = membership_propose(
        group=world.group, email="newcomer@example.org", name="Nia Newcomer", by=world.admin
    )
    membership_propose(group=world.other_group, email="elsewhere@example.org", by=world.admin)
    response = client_for(world.chair).get(reverse("home"))
    assert response.context["chaired"][0]["proposals"] == [proposal]
    page = response.content.decode()
    assert (
        "Proposed by the network, waiting for you to approve or decline: Nia Newcomer "
        "(proposed by Alex Admin)." in page
    )
    assert f'href="/groups/{world.group.pk}/#proposals-heading">Decide on the group page' in page
    membership_approve(membership=proposal, by=world.chair)
    assert "waiting for you to approve" not in home(client_for, world.chair)


def test_a_member_sees_their_issues_carried_over_and_where_each_went(
    world: World, client_for: ClientFor
) -> None:
    meeting = world.next_meeting()
    later = Meeting.objects.filter(group=world.group, starts_at__gt=meeting.starts_at).order_by(
        "starts_at"
    )[0]
    Membership.objects.filter(group=world.group).update(pledge_accepted_at=timezone.now())
    mine = issue_submit(meeting=meeting, presenter=world.member, question="How do I delegate?")
    taken = issue_submit(meeting=meeting, presenter=world.chair, question="How do I plan?")
    queue_fix(meeting=meeting, order=[taken.pk], by=world.chair)
    response = client_for(world.member).get(reverse("home"))
    assert response.context["carried_over"] == [mine]
    page = response.content.decode()
    moved_to = timezone.localtime(later.starts_at)
    assert (
        '“How do I delegate?”</a> <span class="text-body-secondary small">· Tuesday Leaders · '
        f"carried over from {timezone.localtime(meeting.starts_at):%-d %B} to the meeting on "
        f"{moved_to:%A} {moved_to.day} {moved_to:%B}</span>" in page
    )
    # Nobody else's carried-over issue, and none once it is taken up again.
    assert client_for(world.chair).get(reverse("home")).context["carried_over"] == []
    queue_fix(meeting=later, order=[mine.pk], by=world.chair)
    assert "Your issues carried over" not in home(client_for, world.member)


def test_the_chair_is_told_which_meetings_need_their_attendance(
    world: World, client_for: ClientFor
) -> None:
    past = Meeting.objects.filter(group=world.group, ends_at__lt=timezone.now()).get()
    response = client_for(world.chair).get(reverse("home"))
    assert response.context["chaired"][0]["attendance"] == [past]
    Participation.objects.create(meeting=past, user=world.member, attendance="present")
    response = client_for(world.chair).get(reverse("home"))
    assert response.context["chaired"][0]["attendance"] == []


def test_the_admin_sees_next_meetings_with_reply_rates_and_what_needs_attention(
    world: World, client_for: ClientFor
) -> None:
    Participation.objects.create(
        meeting=world.next_meeting(), user=world.member, rsvp="apologies", apology_reason="Board"
    )
    factories.make_group(world.network, "Empty Group")
    factories.add_member(
        factories.make_group(world.network, "Chair Invited"), role="chair", status="invited"
    )
    response = client_for(world.admin).get(reverse("home"))
    (part,) = response.context["administered"]
    assert [
        (m.group.name, m.members, m.attending, m.apologies) for m in part["meetings"]
    ] == sorted(
        [
            ("Tuesday Leaders", 2, 0, 1),
            ("Thursday Circle", 1, 0, 0),
            ("Empty Group", 0, 0, 0),
            ("Chair Invited", 0, 0, 0),
        ],
        key=lambda row: next(m.starts_at for m in part["meetings"] if m.group.name == row[0]),
    )
    assert [g.name for g in part["unchaired"]] == [
        "Chair Invited",
        "Empty Group",
        "Thursday Circle",
    ]
    assert [g.name for g in part["too_small"]] == [
        "Chair Invited",
        "Empty Group",
        "Thursday Circle",
        "Tuesday Leaders",
    ]
    page = response.content.decode()
    assert "1 of 2 replied · 0 coming, 1 sent apologies" in page
    assert "Chair Invited</a> has no chair yet: the invited chair has not accepted." in page
    assert "Thursday Circle</a> has 1 member; it needs at least 8." in page


def test_coaches_and_speakers_get_an_honest_page(world: World, client_for: ClientFor) -> None:
    page = home(client_for, world.coach)
    assert "You coach for Northbridge. Booking sessions and keeping notes" in page
    assert "Your next meeting" not in page
    assert "You speak for Northbridge." in home(client_for, world.speaker)


def test_someone_with_no_role_is_told_what_will_appear(world: World, client_for: ClientFor) -> None:
    assert "No meetings ahead for you yet." in home(client_for, world.outsider)


# --------------------------------------------------------------------------- the reminder


def test_the_reminder_emails_only_those_who_have_not_replied_once_a_day(
    world: World,
    client_for: ClientFor,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    meeting = world.next_meeting()
    Participation.objects.create(meeting=meeting, user=world.chair, rsvp="attending")
    mail.outbox.clear()
    client = client_for(world.chair)
    url = reverse("networks:remind_replies", args=[meeting.pk])
    with django_capture_on_commit_callbacks(execute=True):
        with_message = client.post(url, follow=True)
    assert "Reminder sent to 1 member of Tuesday Leaders." in with_message.content.decode()
    assert [m.to for m in mail.outbox] == [[world.member.email]]
    text = str(mail.outbox[0].body)
    assert mail.outbox[0].subject == (
        f"Will you be at Tuesday Leaders on {timezone.localtime(meeting.starts_at):%A} "
        f"{timezone.localtime(meeting.starts_at).day} {timezone.localtime(meeting.starts_at):%B}?"
    )
    assert "Hello Maya Member," in text
    assert "(Europe/London time)" in text
    assert reverse("meetings:detail", args=[meeting.pk]) + "#rsvp" in text
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(url, follow=True).content.decode()
    assert "another can be sent tomorrow." in again
    assert len(mail.outbox) == 1
    assert "A reminder went to them today." in home(client_for, world.chair)


def test_no_reminder_when_everyone_has_replied(world: World) -> None:
    meeting = world.next_meeting()
    for person in (world.chair, world.member):
        Participation.objects.create(meeting=meeting, user=person, rsvp="attending")
    with pytest.raises(ValidationError) as refused:
        replies_remind(meeting=meeting, by=world.chair)
    assert refused.value.messages == ["Everyone has replied."]


def test_no_reminder_for_a_meeting_that_has_started(world: World) -> None:
    meeting = factories.move_meeting(world.next_meeting(), timezone.now() - timedelta(hours=1))
    with pytest.raises(ValidationError) as refused:
        replies_remind(meeting=meeting, by=world.chair)
    assert refused.value.messages == ["Replies can only be chased for a meeting ahead."]


@pytest.mark.parametrize("role", ["member", "coach", "other_member", "outsider", "speaker"])
def test_only_the_chair_and_admins_may_chase_replies(
    role: str, world: World, client_for: ClientFor
) -> None:
    meeting = world.next_meeting()
    with pytest.raises(Refused):
        replies_remind(meeting=meeting, by=getattr(world, role))
    url = reverse("networks:remind_replies", args=[meeting.pk])
    assert client_for(getattr(world, role)).post(url).status_code == 404
    assert mail.outbox == []


def test_the_network_admin_may_chase_replies_too(world: World) -> None:
    assert replies_remind(meeting=world.next_meeting(), by=world.admin) == [
        world.chair,
        world.member,
    ]


def test_yesterdays_reminder_does_not_stop_todays(world: World) -> None:
    meeting = world.next_meeting()
    ReplyReminder.objects.create(
        meeting=meeting, day=timezone.localdate() - timedelta(days=1), sent_by=world.chair
    )
    assert replies_remind(meeting=meeting, by=world.chair) == [world.chair, world.member]
    reminders = ReplyReminder.objects.filter(meeting=meeting).order_by("day")
    assert list(reminders.values_list("day", "sent_by")) == [
        (timezone.localdate() - timedelta(days=1), world.chair.pk),
        (timezone.localdate(), world.chair.pk),
    ]


def test_the_menu_offers_group_pages_only_to_people_in_a_group_or_running_a_network(
    world: World, client_for: ClientFor
) -> None:
    links = ('href="/groups/">Groups</a>', ">Commitments</a>", ">Calendar</a>")
    coach_page = client_for(world.coach).get("/").content.decode()
    assert [link in coach_page for link in links] == [False, False, False]
    for person in (world.member, world.chair, world.admin):
        page = client_for(person).get("/").content.decode()
        assert all(link in page for link in links), person
