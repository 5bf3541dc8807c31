"""Networking's confidentiality, tested with planted markers.

A marker goes into every part of a member's profile, each part set to "my group" or
"nobody", and into their phone. Then everyone outside each audience fetches every URL
pattern, searches the directory for the markers' words, and every email is read: no marker
may reach them. Contact details reach nobody before an introduction is accepted. And what a
group says in its issues session (issues, notes, commitments, check-ins) never appears on a
networking page, in a search or in an email of networking, not even to the group's members.
"""

import pytest
from django.core import mail
from django.urls import reverse
from pytest_django import DjangoCaptureOnCommitCallbacks

from peerpower.accounts.models import User
from peerpower.networking import actions
from peerpower.networking.models import Introduction, Profile, Visibility
from peerpower.networking.queries import DirectoryFilter, directory
from tests import leaks, urlwalk
from tests.conftest import World
from tests.issues.conftest import Session, session  # noqa: F401 - the issues session fixture
from tests.issues.test_leaks import marker as issue_marker
from tests.issues.test_leaks import plant as plant_issues
from tests.networking.conftest import make_profile, png

GROUP_ONLY = ["headline", "biography", "help_text", "website", "linkedin_path"]
NOBODY = ["seek_text"]
group_marker = leaks.Markers("9c1d")
for name in GROUP_ONLY:
    group_marker(name)
private = leaks.Markers("4e2b")
for name in [*NOBODY, "phone"]:
    private(name)
REASON = "We both run youth services and could share volunteers."


def plant_profile(world: World) -> Profile:
    profile = make_profile(
        world.member,
        world.network,
        headline=group_marker("headline"),
        headline_visibility=Visibility.GROUP,
        biography=group_marker("biography"),
        biography_visibility=Visibility.GROUP,
        help_text=group_marker("help_text"),
        help_visibility=Visibility.GROUP,
        seek_text=private("seek_text"),
        seek_visibility=Visibility.NOBODY,
        website=f"https://example.org/{group_marker('website')}",
        linkedin=f"https://www.linkedin.com/in/{group_marker('linkedin_path')}",
        links_visibility=Visibility.GROUP,
        phone=private("phone"),
    )
    actions.photo_set(profile=profile, upload=png(), by=world.member)
    return profile


def searches(user: User, world: World, markers: leaks.Markers) -> list[str]:
    """Search the directory (the page and its query) for each marker's words: nobody may be
    found by them, and no marker may be on the page."""
    found = []
    client = leaks.client_of(user)
    url = reverse("networking:directory", args=[world.network.slug])
    for value in markers.all():
        q = value.replace("-", " ")
        hits = directory(user, world.network, DirectoryFilter(q=q))
        found += [f"search {value!r} found {p.user}" for p in hits]
        body = leaks.body_of(client.get(url, {"q": q}))
        found += [f"search {value!r}: {m}" for m in markers.found_in(body)]
    return found


@pytest.fixture
def planted(
    world: World, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> tuple[Profile, Introduction]:
    with django_capture_on_commit_callbacks(execute=True):
        profile = plant_profile(world)
        theirs = make_profile(world.other_member, world.network)
        # The member asks the other group's member: the email carries the member's card.
        introduction = actions.introduction_request(to=theirs, reason=REASON, by=world.member)
    return profile, introduction


def objects(world: World, profile: Profile, introduction: Introduction) -> dict[str, object]:
    return {
        "membership_id": world.group.memberships.get(user=world.member).pk,
        "profile": profile.pk,
        "introduction": introduction.pk,
        "group": world.group.pk,
        "slug": world.network.slug,
        "meeting": world.next_meeting().pk,
        "token": "no-such-token",  # the digest's unsubscribe
    }


def test_parts_for_the_group_reach_nobody_outside_it(
    world: World, planted: tuple[Profile, Introduction]
) -> None:
    profile, introduction = planted
    people = {
        **leaks.outsiders(world),
        "coach": world.coach,
        "speaker": world.speaker,
        "member of another group, asked for an introduction": world.other_member,
    }
    markers = leaks.Markers()
    markers.planted = {**group_marker.planted, **private.planted}
    assert leaks.walk(people, objects(world, profile, introduction), markers) == []
    for role, user in people.items():
        if user is not None:
            assert searches(user, world, markers) == [], role
    assert leaks.read_mail(markers) == []
    # There was data that could leak: the group sees it.
    chair = leaks.client_of(world.chair)
    page = leaks.body_of(chair.get(reverse("networking:profile", args=[profile.pk])))
    assert group_marker.found_in(page) == group_marker.all()
    assert "search 'LEAKMARK-HEADLINE-9c1d' found Maya Member" in searches(
        world.chair, world, group_marker
    )


def test_parts_for_nobody_reach_nobody_but_their_owner(
    world: World, planted: tuple[Profile, Introduction]
) -> None:
    profile, introduction = planted
    people = {**leaks.outsiders(world), "chair (same group)": world.chair}
    assert leaks.walk(people, objects(world, profile, introduction), private) == []
    assert searches(world.chair, world, private) == []
    own = leaks.client_of(world.member).get(
        reverse("networking:own_profile", args=[world.network.slug])
    )
    assert set(private.found_in(leaks.body_of(own))) == set(private.all())


def test_contact_details_reach_nobody_before_the_introduction_is_accepted(
    world: World,
    planted: tuple[Profile, Introduction],
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    profile, introduction = planted
    contact = leaks.Markers()
    contact.planted = {"email": world.member.email, "phone": private("phone")}
    other_contact = leaks.Markers()
    other_contact.planted = {"email": world.other_member.email}
    assert (
        leaks.walk({"asked": world.other_member}, objects(world, profile, introduction), contact)
        == []
    )
    assert (
        leaks.walk({"asker": world.member}, objects(world, profile, introduction), other_contact)
        == []
    )
    assert [
        m
        for m in mail.outbox
        if set(contact.found_in(m.body + str(getattr(m, "alternatives", ""))))
        and m.to != [world.member.email]
    ] == []
    with django_capture_on_commit_callbacks(execute=True):
        actions.introduction_accept(introduction=introduction, by=world.other_member)
    page = leaks.client_of(world.other_member).get(
        reverse("networking:introduction", args=[introduction.pk])
    )
    assert set(contact.found_in(leaks.body_of(page))) == {world.member.email, private("phone")}


def test_nothing_said_in_the_issues_session_reaches_networking(
    session: Session,  # noqa: F811 - the fixture imported above
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    world = session.world
    with django_capture_on_commit_callbacks(execute=True):
        issue, _ = plant_issues(session)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        for user in (session.alice, session.bob, session.cara, session.chair):
            make_profile(user, world.network, headline="Leads a charity")
        theirs = make_profile(world.other_member, world.network)
        introduction = actions.introduction_request(to=theirs, reason=REASON, by=session.alice)
    with django_capture_on_commit_callbacks(execute=True):
        actions.introduction_accept(introduction=introduction, by=world.other_member)
    profile = Profile.objects.get(user=session.alice)
    found = []
    for user in (session.alice, session.bob, session.chair, world.other_member):
        client = leaks.client_of(user)
        for name, pattern in urlwalk.all_patterns():
            if not name.startswith("networking:"):
                continue
            url = urlwalk.url_for(name, pattern, objects(world, profile, introduction))
            found += [
                f"{user}: {name}: {m}"
                for m in issue_marker.found_in(leaks.body_of(client.get(url)))
            ]
        found += [f"{user}: {f}" for f in searches(user, world, issue_marker)]
    assert found == []
    assert len(mail.outbox) >= 3 and leaks.read_mail(issue_marker) == []
    # There was data that could leak: the presenter reads it on the issue's page.
    page = leaks.client_of(session.bob).get(reverse("issues:detail", args=[issue.pk]))
    assert issue_marker("question") in leaks.body_of(page)
