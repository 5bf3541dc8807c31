"""Suggested conversations at a meeting: from the members who said they will come, pairs
where one's "looking for" matches another's "can help with" (tags first, then words), each
with its reason, at most 3 a member, no pair suggested at the group's last two meetings;
rebuilt when replies change, never on a page view; shown to each member of the pair and to
the chair, nobody else. Nothing hidden from the group and nothing from the issues session
ever reaches them."""

import pytest
from django.urls import reverse
from pytest_django import DjangoCaptureOnCommitCallbacks

from peerpower.accounts.models import User
from peerpower.meetings.actions import rsvp_set
from peerpower.meetings.models import Meeting
from peerpower.networking.models import Profile, Suggestion, Visibility
from peerpower.networking.queries import suggestions_for
from tests import factories, leaks
from tests.conftest import ClientFor, World
from tests.issues.conftest import Session, session  # noqa: F401 - the issues session fixture
from tests.issues.test_leaks import marker as issue_marker
from tests.issues.test_leaks import plant as plant_issues
from tests.networking.conftest import Sends, make_profile


def member(world: World, name: str) -> User:
    return factories.add_member(world.group, factories.make_user(name)).user


def coming(meeting: Meeting, *people: User, rsvp: str = "attending") -> None:
    for user in people:
        rsvp_set(meeting=meeting, by=user, rsvp=rsvp, reason="Away" if rsvp != "attending" else "")


def sentences(user: User, meeting: Meeting) -> list[str]:
    return [v.sentence for v in suggestions_for(user, meeting)]


@pytest.fixture
def ana_and_ben(world: World) -> tuple[User, User]:
    ana, ben = member(world, "Ana Ahmed"), member(world, "Ben Brook")
    make_profile(ana, world.network, seek_tags=["Online giving"], help_tags=["Governance"])
    make_profile(ben, world.network, help_tags=["Online giving"])
    return ana, ben


def test_a_matched_pair_by_tag_shows_with_its_reason_to_both_and_the_chair(
    world: World, ana_and_ben: tuple[User, User], client_for: ClientFor, sends: Sends
) -> None:
    ana, ben = ana_and_ben
    meeting = world.next_meeting()
    with sends():
        coming(meeting, ana, ben)
    assert sentences(ana, meeting) == [
        "Ben Brook can help with: Online giving — you're looking for: Online giving"
    ]
    assert sentences(ben, meeting) == [
        "Ana Ahmed is looking for: Online giving — you can help with: Online giving"
    ]
    assert sentences(world.chair, meeting) == [
        "Ben Brook can help Ana Ahmed with: Online giving — Ana Ahmed is looking for: Online giving"
    ]
    url = reverse("meetings:detail", args=[meeting.pk])
    page = client_for(ana).get(url).content.decode()
    assert "Ben Brook can help with: Online giving" in page
    assert "Conversations to have at the networking" in page
    for outsider in (world.member, world.admin, world.other_member):
        assert sentences(outsider, meeting) == []
    assert "Conversations to have" not in client_for(world.admin).get(url).content.decode()


def test_words_match_when_no_tag_does(world: World, sends: Sends) -> None:
    ana, ben = member(world, "Ana Ahmed"), member(world, "Ben Brook")
    make_profile(ana, world.network, seek_text="Advice on fundraising from legacies")
    make_profile(ben, world.network, help_text="I built our fundraiser team from scratch")
    meeting = world.next_meeting()
    with sends():
        coming(meeting, ana, ben)
    assert sentences(ana, meeting) == [
        "Ben Brook can help with: I built our fundraiser team from scratch"
        " — you're looking for: Advice on fundraising from legacies"
    ]


def test_only_those_who_said_they_will_come_and_a_change_of_reply_rebuilds(
    world: World, ana_and_ben: tuple[User, User], sends: Sends
) -> None:
    ana, ben = ana_and_ben
    meeting = world.next_meeting()
    with sends():
        coming(meeting, ana)
        coming(meeting, ben, rsvp="apologies")
    assert Suggestion.objects.count() == 0
    with sends():
        coming(meeting, ben)
    assert Suggestion.objects.count() == 1
    with sends():
        coming(meeting, ana, rsvp="apologies")
    assert Suggestion.objects.count() == 0


def test_a_page_view_computes_nothing(
    world: World, ana_and_ben: tuple[User, User], client_for: ClientFor, sends: Sends
) -> None:
    ana, ben = ana_and_ben
    meeting = world.next_meeting()
    with sends():
        coming(meeting, ana, ben)
    Suggestion.objects.all().delete()
    client_for(ana).get(reverse("meetings:detail", args=[meeting.pk]))
    assert Suggestion.objects.count() == 0


def test_at_most_three_a_member_best_first(world: World, sends: Sends) -> None:
    ana = member(world, "Ana Ahmed")
    make_profile(ana, world.network, seek_tags=["Online giving", "Boards"])
    helpers = [member(world, f"Helper {n}") for n in range(5)]
    for n, user in enumerate(helpers):
        make_profile(
            user, world.network, help_tags=["Online giving", "Boards"] if n == 4 else ["Boards"]
        )
    meeting = world.next_meeting()
    with sends():
        coming(meeting, ana, *helpers)
    mine = suggestions_for(ana, meeting)
    assert len(mine) == 3
    assert mine[0].sentence.startswith("Helper 4 can help with: Boards, Online giving")


def test_pairs_of_the_last_two_meetings_are_not_suggested_again(
    world: World, ana_and_ben: tuple[User, User], sends: Sends
) -> None:
    ana, ben = ana_and_ben
    first, second, third, fourth = Meeting.objects.filter(group=world.group).order_by("starts_at")[
        :4
    ]
    Suggestion.objects.create(
        meeting=first, seeker=ana, helper=ben, help_phrase="x", seek_phrase="x", score=1
    )
    with sends():
        coming(third, ana, ben)
        coming(fourth, ana, ben)
    # The two meetings before `third` are `first` (where they were suggested) and `second`:
    # not again. Before `fourth` they are `second` and `third`: suggested again.
    assert not Suggestion.objects.filter(meeting__in=[second, third]).exists()
    assert Suggestion.objects.filter(meeting=fourth).count() == 1


def test_parts_hidden_from_the_group_never_reach_suggestions(
    world: World, client_for: ClientFor, sends: Sends
) -> None:
    hidden = leaks.Markers("5b0f")
    ana, ben, cy = member(world, "Ana Ahmed"), member(world, "Ben Brook"), member(world, "Cy")
    make_profile(
        ana,
        world.network,
        seek_tags=[hidden("seek_tag")],
        seek_text=f"fundraising {hidden('seek_text')}",
        seek_visibility=Visibility.NOBODY,
    )
    make_profile(
        ben,
        world.network,
        help_tags=[hidden("seek_tag")],
        help_text=f"fundraising {hidden('help_text')}",
    )
    # Cy's name is for nobody: Cy is in no suggestion at all.
    make_profile(cy, world.network, name_visibility=Visibility.NOBODY, seek_tags=["Boards"])
    make_profile(world.member, world.network, help_tags=["Boards"])
    meeting = world.next_meeting()
    with sends():
        coming(meeting, ana, ben, cy, world.member)
    assert Suggestion.objects.count() == 0
    url = reverse("meetings:detail", args=[meeting.pk])
    for user in (ana, ben, cy, world.chair, world.member):
        assert hidden.found_in(client_for(user).get(url).content.decode()) == []
    # A part hidden after the suggestion was made takes it off the page at once.
    make_profile(ana, world.network, seek_tags=["Boards"])
    with sends():
        coming(meeting, ana)
    assert len(sentences(ana, meeting)) == 1
    Profile.objects.filter(user=ana).update(seek_visibility=Visibility.NOBODY)
    assert sentences(ana, meeting) == [] and sentences(world.chair, meeting) == []


def test_nothing_said_in_the_issues_session_reaches_suggestions(
    session: Session,  # noqa: F811 - the fixture imported above
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    world = session.world
    with django_capture_on_commit_callbacks(execute=True):
        plant_issues(session)
    meeting = world.next_meeting()
    make_profile(session.alice, world.network, seek_tags=["Boards"], seek_text="board help")
    make_profile(session.bob, world.network, help_tags=["Boards"], help_text="board help")
    make_profile(session.cara, world.network, help_tags=["Boards"])
    with django_capture_on_commit_callbacks(execute=True):
        for user in (session.alice, session.bob, session.cara):
            rsvp_set(meeting=meeting, by=user, rsvp="attending")
    assert Suggestion.objects.filter(meeting=meeting).exists()
    for user in (session.alice, session.bob, session.cara, session.chair):
        text = " ".join(sentences(user, meeting))
        assert issue_marker.found_in(text) == [], user
    rows = " ".join(Suggestion.objects.values_list("help_phrase", flat=True))
    rows += " ".join(Suggestion.objects.values_list("seek_phrase", flat=True))
    assert issue_marker.found_in(rows) == []
