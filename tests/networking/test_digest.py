"""The weekly digest of new posts: off by default; new open posts matching the member's tags
(not their own, not closed, not older than the last digest); once a week per person however
often or in however many workers the task runs; one-click unsubscribe with List-Unsubscribe
and List-Unsubscribe-Post (RFC 8058); and nothing hidden reaches it: profile parts set to
"nobody" or "my group", a name hidden from the reader, or anything of the issues session."""

from datetime import timedelta

from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoCaptureOnCommitCallbacks

from peerpower.accounts.models import User
from peerpower.networking import actions
from peerpower.networking.models import DigestSent, Opportunity, Profile, Visibility
from tests import leaks
from tests.conftest import World
from tests.issues.conftest import Session, session  # noqa: F401 - the issues session fixture
from tests.issues.test_leaks import marker as issue_marker
from tests.issues.test_leaks import plant as plant_issues
from tests.networking.conftest import Sends, make_profile, make_tags
from tests.networking.test_opportunities import post

hidden = leaks.Markers("d19e")
for part in ("headline", "biography", "help_text", "seek_text", "website", "phone"):
    hidden(part)


def subscribe(user: User, world: World, *tags: str, **changes: object) -> Profile:
    return make_profile(
        user, world.network, digest=True, seek_tags=list(tags or ["Youth"]), **changes
    )


def digests() -> list[mail.EmailMessage]:
    return [m for m in mail.outbox if "opportunities" in str(m.subject)]


def text_of(message: mail.EmailMessage) -> str:
    alternatives = getattr(message, "alternatives", [])
    return "\n".join([str(message.subject), str(message.body), *(str(c) for c, _ in alternatives)])


def test_the_digest_is_off_by_default(world: World, sends: Sends) -> None:
    profile = make_profile(world.other_member, world.network, seek_tags=["Youth"])
    assert profile.digest is False
    post(world, tags=list(make_tags(world.network, "Youth").values()))
    with sends():
        assert actions.digests_send_due() == 0
    assert digests() == []


def test_the_digest_holds_new_open_posts_matching_the_readers_tags(
    world: World, sends: Sends
) -> None:
    subscribe(world.other_member, world, "Youth", "Governance")
    tags = make_tags(world.network, "Youth", "Governance", "Arts")
    post(world, title="Youth partner wanted", tags=[tags["Youth"]])
    post(world, title="Trustee for a board", tags=[tags["Governance"], tags["Arts"]])
    post(world, title="Arts only", tags=[tags["Arts"]])
    post(world, title="No tags at all")
    closed = post(world, title="Closed youth post", tags=[tags["Youth"]])
    actions.opportunity_close(opportunity=closed, by=world.member)
    old = post(world, title="Old youth post", tags=[tags["Youth"]])
    Opportunity.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=8))
    post(world, by=world.other_member, title="My own youth post", tags=[tags["Youth"]])
    with sends():
        assert actions.digests_send_due() == 1
    [digest] = digests()
    assert digest.to == [world.other_member.email]
    body = text_of(digest)
    assert "Youth partner wanted" in body and "Trustee for a board" in body
    for left_out in ("Arts only", "No tags at all", "Closed youth post", "Old youth post"):
        assert left_out not in body
    assert "My own youth post" not in body


def test_running_again_or_in_two_workers_sends_each_digest_once(world: World, sends: Sends) -> None:
    subscribe(world.other_member, world)
    post(world, tags=list(make_tags(world.network, "Youth").values()))
    with sends():
        assert actions.digests_send_due() == 1
        assert actions.digests_send_due() == 0
    assert len(digests()) == 1 and DigestSent.objects.count() == 1
    # A week later, only what is new since the last digest.
    week_ago = timezone.now() - timedelta(days=7)
    DigestSent.objects.update(week=actions.week_of(week_ago), sent_at=week_ago)
    Opportunity.objects.update(created_at=week_ago - timedelta(hours=1))
    with sends():
        assert actions.digests_send_due() == 0
    post(world, title="A newer post", tags=list(make_tags(world.network, "Youth").values()))
    with sends():
        assert actions.digests_send_due() == 1
    assert "A newer post" in text_of(digests()[-1])
    assert "A partner for a youth project" not in text_of(digests()[-1])


def test_one_click_unsubscribes_with_the_list_unsubscribe_headers(
    world: World, sends: Sends
) -> None:
    profile = subscribe(world.other_member, world)
    post(world, tags=list(make_tags(world.network, "Youth").values()))
    with sends():
        actions.digests_send_due()
    [digest] = digests()
    url = reverse("networking:unsubscribe", args=[profile.digest_token])
    assert digest.extra_headers["List-Unsubscribe"] == f"<{settings.SITE_URL}{url}>"
    assert digest.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert url in digest.body
    anonymous = Client(enforce_csrf_checks=True)
    page = anonymous.get(url)  # a mail scanner's fetch changes nothing
    assert page.status_code == 200 and "Unsubscribe" in page.content.decode()
    assert Profile.objects.get(pk=profile.pk).digest is True
    # The mail client's one-click POST (RFC 8058): no session, no CSRF token.
    done = anonymous.post(url, {"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200 and "You are unsubscribed" in done.content.decode()
    assert Profile.objects.get(pk=profile.pk).digest is False
    # The page's own button posts nothing else.
    Profile.objects.filter(pk=profile.pk).update(digest=True)
    assert "You are unsubscribed" in anonymous.post(url).content.decode()
    assert Profile.objects.get(pk=profile.pk).digest is False
    assert anonymous.get(reverse("networking:unsubscribe", args=["not-a-token"])).status_code == 404


def test_hidden_profile_parts_never_reach_the_digest(
    world: World, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    # The poster hides their name from all but their group, and parts from the network.
    User.objects.filter(pk=world.member.pk).update(name=hidden("name"))
    world.member.refresh_from_db()
    make_profile(
        world.member,
        world.network,
        name_visibility=Visibility.GROUP,
        headline=hidden("headline"),
        headline_visibility=Visibility.GROUP,
        biography=hidden("biography"),
        biography_visibility=Visibility.NOBODY,
        help_text=hidden("help_text"),
        help_visibility=Visibility.GROUP,
        seek_text=hidden("seek_text"),
        seek_visibility=Visibility.NOBODY,
        website=f"https://example.org/{hidden('website')}",
        links_visibility=Visibility.GROUP,
        phone=hidden("phone"),
    )
    subscribe(world.other_member, world)  # another group: sees none of it
    subscribe(world.chair, world)  # the poster's group: sees the name, and nothing else
    post(world, tags=list(make_tags(world.network, "Youth").values()))
    with django_capture_on_commit_callbacks(execute=True):
        assert actions.digests_send_due() == 2
    by_reader = {m.to[0]: text_of(m) for m in digests()}
    assert hidden.found_in(by_reader[world.other_member.email]) == []
    assert "posted by A member" in by_reader[world.other_member.email]
    assert hidden.found_in(by_reader[world.chair.email]) == [hidden("name")]


def test_nothing_said_in_the_issues_session_reaches_the_digest(
    session: Session,  # noqa: F811 - the fixture imported above
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    world = session.world
    with django_capture_on_commit_callbacks(execute=True):
        plant_issues(session)
    mail.outbox.clear()
    for user in (session.alice, session.bob, session.chair):
        subscribe(user, world)
    youth = list(make_tags(world.network, "Youth").values())
    post(world, by=session.cara, title="A partner for a youth project", tags=youth)
    with django_capture_on_commit_callbacks(execute=True):
        assert actions.digests_send_due() == 3
    assert len(digests()) == 3
    assert leaks.read_mail(issue_marker) == []
