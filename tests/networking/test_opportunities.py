"""The opportunities board: posts by kind with a closing date, private replies relayed by
email (neither address shown), closing early and extending once, pagination and empty
states, and each refusal with its sentence beside the field."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from peerpower.accounts.models import User
from peerpower.networking import actions
from peerpower.networking.models import Opportunity, OpportunityReply, Visibility
from peerpower.networking.queries import BoardFilter, board, today_in
from tests import factories, leaks
from tests.conftest import ClientFor, World
from tests.networking.conftest import Sends, make_profile, make_tags

MESSAGE = "We run a youth project in Leeds and would like to talk about partnering."


def days(n: int) -> date:
    return timezone.localdate() + timedelta(days=n)


def post(world: World, by: User | None = None, **fields: object) -> Opportunity:
    values: dict[str, object] = {
        "kind": "partnership",
        "title": "A partner for a youth project",
        "description": "We are looking for a partner in the north.",
        "closes_on": days(30),
    }
    values.update(fields)
    return actions.opportunity_post(
        network=world.network,
        fields=actions.PostFields(**values),  # type: ignore[arg-type]
        by=by or world.member,
    )


def mail_text(message: mail.EmailMessage) -> str:
    alternatives = getattr(message, "alternatives", [])
    return "\n".join([str(message.subject), str(message.body), *(str(c) for c, _ in alternatives)])


def test_a_member_posts_and_the_network_sees_it_on_the_board(
    world: World, client_for: ClientFor
) -> None:
    tags = make_tags(world.network, "Youth", "Governance")
    url = reverse("networking:opportunity_new", args=[world.network.slug])
    response = client_for(world.member).post(
        url,
        {
            "kind": "joint_bid",
            "title": "Joint bid to the lottery",
            "description": "A youth consortium bid, due in spring.",
            "closes_on": days(20).isoformat(),
            "region": "yorkshire",
            "tags": [tags["Youth"].pk],
        },
    )
    found = Opportunity.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("networking:opportunity", args=[found.pk])
    assert (found.kind, found.poster, found.region) == ("joint_bid", world.member, "yorkshire")
    assert [t.name for t in found.tags.all()] == ["Youth"]
    page = client_for(world.other_member).get(
        reverse("networking:board", args=[world.network.slug])
    )
    body = page.content.decode()
    assert "Joint bid to the lottery" in body and "Joint funding bid" in body
    assert "Maya Member" in body  # the poster's name, which the network sees by default
    assert world.member.email not in body


def test_a_closing_date_in_the_past_is_refused_beside_the_field(
    world: World, client_for: ClientFor
) -> None:
    url = reverse("networking:opportunity_new", args=[world.network.slug])
    response = client_for(world.member).post(
        url,
        {
            "kind": "event",
            "title": "A past event",
            "description": "Too late.",
            "closes_on": days(-1).isoformat(),
        },
    )
    assert response.status_code == 400
    assert response.context["form"].errors == {
        "closes_on": ["That date has passed: choose today or a later date for the post to close."]
    }
    assert 'id="id_closes_on_error"' in response.content.decode()
    assert not Opportunity.objects.exists()
    with pytest.raises(ValidationError, match="within 365 days"):
        post(world, closes_on=days(366))


def test_a_post_closes_at_the_end_of_its_date(world: World) -> None:
    today = today_in(world.network)
    found = post(world, closes_on=today)
    assert list(board(world.other_member, world.network, BoardFilter())) == [found]
    Opportunity.objects.filter(pk=found.pk).update(closes_on=today - timedelta(days=1))
    assert list(board(world.other_member, world.network, BoardFilter())) == []
    # its poster still finds it among their own
    assert list(board(world.member, world.network, BoardFilter(mine=True))) == [found]
    with pytest.raises(ValidationError, match="This post has closed"):
        actions.opportunity_reply(opportunity=found, message=MESSAGE, by=world.other_member)


def test_the_poster_closes_early_and_it_takes_no_more_replies(
    world: World, client_for: ClientFor
) -> None:
    found = post(world)
    client = client_for(world.member)
    response = client.post(reverse("networking:opportunity_close", args=[found.pk]))
    assert response.status_code == 302
    found.refresh_from_db()
    assert found.closed_at is not None
    assert list(board(world.other_member, world.network, BoardFilter())) == []
    page = client_for(world.other_member).get(reverse("networking:opportunity", args=[found.pk]))
    assert "This post takes no more replies." in page.content.decode()
    with pytest.raises(ValidationError, match="This post has closed already"):
        actions.opportunity_close(opportunity=found, by=world.member)
    with pytest.raises(ValidationError, match="You closed this post"):
        actions.opportunity_extend(opportunity=found, closes_on=days(40), by=world.member)


def test_the_poster_extends_once(world: World, client_for: ClientFor) -> None:
    found = post(world, closes_on=days(5))
    url = reverse("networking:opportunity_extend", args=[found.pk])
    client = client_for(world.member)
    response = client.post(url, {"closes_on": days(4).isoformat()})
    assert response.status_code == 400
    assert response.context["form"].errors == {
        "closes_on": ["Choose a date after the current closing date to extend the post."]
    }
    assert client.post(url, {"closes_on": days(15).isoformat()}).status_code == 302
    found.refresh_from_db()
    assert (found.extended_from, found.closes_on) == (days(5), days(15))
    with pytest.raises(ValidationError, match="extended once, and this one has been"):
        actions.opportunity_extend(opportunity=found, closes_on=days(25), by=world.member)


def test_a_post_that_closed_on_its_date_can_be_extended_to_open_again(world: World) -> None:
    found = post(world, closes_on=days(5))
    Opportunity.objects.filter(pk=found.pk).update(closes_on=days(-2))
    actions.opportunity_extend(opportunity=found, closes_on=days(10), by=world.member)
    assert list(board(world.other_member, world.network, BoardFilter())) == [found]
    with pytest.raises(ValidationError, match="That date has passed"):
        other = post(world, closes_on=days(5))
        Opportunity.objects.filter(pk=other.pk).update(closes_on=days(-5))
        actions.opportunity_extend(opportunity=other, closes_on=days(-1), by=world.member)


def test_a_reply_reaches_the_poster_by_email_with_neither_address(
    world: World, client_for: ClientFor, sends: Sends
) -> None:
    make_profile(
        world.other_member,
        world.network,
        headline="Leads Riverside Youth",
        headline_visibility=Visibility.NETWORK,
    )
    found = post(world)
    url = reverse("networking:opportunity", args=[found.pk])
    with sends():
        response = client_for(world.other_member).post(url, {"message": MESSAGE})
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [[world.member.email]]
    sent = mail_text(mail.outbox[0])
    assert MESSAGE in sent and "Olu Other" in sent and "Leads Riverside Youth" in sent
    assert world.member.email not in sent and world.other_member.email not in sent
    assert mail.outbox[0].reply_to == []
    # The poster reads it on the post's page, with the replier's name and not their address.
    page = client_for(world.member).get(url).content.decode()
    assert MESSAGE in page and "Olu Other" in page
    assert world.other_member.email not in page
    # The replier sees what they sent, never the poster's address.
    theirs = client_for(world.other_member).get(url).content.decode()
    assert MESSAGE in theirs and world.member.email not in theirs


def test_a_reply_is_seen_by_the_poster_and_its_sender_only(
    world: World, client_for: ClientFor
) -> None:
    found = post(world)
    actions.opportunity_reply(opportunity=found, message=MESSAGE, by=world.other_member)
    url = reverse("networking:opportunity", args=[found.pk])
    for who in (world.chair, world.admin, world.coach, world.speaker):
        assert MESSAGE not in client_for(who).get(url).content.decode(), who


def test_a_name_hidden_from_the_poster_reads_a_member(world: World, sends: Sends) -> None:
    make_profile(world.other_member, world.network, name_visibility=Visibility.NOBODY)
    found = post(world)
    with sends():
        actions.opportunity_reply(opportunity=found, message=MESSAGE, by=world.other_member)
    sent = mail_text(mail.outbox[0])
    assert "Olu Other" not in sent and "A member replied" in sent


@pytest.mark.parametrize(
    ("message", "error"),
    [
        ("Too short", "Write your reply in 10 to 2,000 characters (you wrote 9)."),
        ("x" * 2001, "Write your reply in 10 to 2,000 characters (you wrote 2001)."),
    ],
)
def test_a_reply_of_the_wrong_length_is_refused_beside_the_field(
    world: World, client_for: ClientFor, message: str, error: str
) -> None:
    found = post(world)
    response = client_for(world.other_member).post(
        reverse("networking:opportunity", args=[found.pk]), {"message": message}
    )
    assert response.status_code == 400
    assert response.context["form"].errors == {"message": [error]}
    assert not OpportunityReply.objects.exists()


def test_a_fourth_reply_to_one_post_and_a_reply_to_ones_own_post_are_refused(
    world: World,
) -> None:
    found = post(world)
    for _ in range(actions.MAX_REPLIES):
        actions.opportunity_reply(opportunity=found, message=MESSAGE, by=world.other_member)
    with pytest.raises(ValidationError, match="You have replied 3 times"):
        actions.opportunity_reply(opportunity=found, message=MESSAGE, by=world.other_member)
    with pytest.raises(ValidationError, match="cannot reply to your own post"):
        actions.opportunity_reply(opportunity=found, message=MESSAGE, by=world.member)


def test_a_post_with_tags_of_another_network_or_no_kind_is_refused(world: World) -> None:
    elsewhere = factories.make_network("Southgate")
    with pytest.raises(ValidationError, match="this network's list"):
        post(world, tags=list(make_tags(elsewhere, "Youth").values()))
    with pytest.raises(ValidationError, match="what kind"):
        post(world, kind="gossip")
    with pytest.raises(ValidationError, match="Give the post a title"):
        post(world, title="   ")


def test_the_board_pages_by_25_and_filters_by_kind_and_tag(
    world: World, client_for: ClientFor
) -> None:
    youth = make_tags(world.network, "Youth")["Youth"]
    for n in range(26):
        post(world, title=f"Post {n}", kind="event" if n % 2 else "tender")
    post(world, title="Tagged", kind="role", tags=[youth])
    client = client_for(world.other_member)
    url = reverse("networking:board", args=[world.network.slug])
    first = client.get(url)
    assert len(first.context["rows"]) == 25
    assert "Page 1 of 2" in first.content.decode()
    assert len(client.get(url, {"page": "2"}).context["rows"]) == 2
    assert len(client.get(url, {"kind": "event"}).context["rows"]) == 13
    assert [p.title for p, _, _ in client.get(url, {"tag": youth.pk}).context["rows"]] == ["Tagged"]


def test_the_board_says_so_when_there_is_nothing(world: World, client_for: ClientFor) -> None:
    client = client_for(world.other_member)
    url = reverse("networking:board", args=[world.network.slug])
    assert "No open opportunities yet." in client.get(url).content.decode()
    assert "You have posted nothing yet." in client.get(url, {"mine": "on"}).content.decode()
    assert "No open post matches." in client.get(url, {"kind": "event"}).content.decode()
    found = post(world)
    reply_page = client_for(world.member).get(reverse("networking:opportunity", args=[found.pk]))
    assert "No replies yet." in reply_page.content.decode()


def test_people_outside_the_network_find_no_post(world: World) -> None:
    found = post(world)
    actions.opportunity_reply(opportunity=found, message=MESSAGE, by=world.other_member)
    url = reverse("networking:opportunity", args=[found.pk])
    for user in leaks.outsiders(world).values():
        if user in (world.admin, world.other_member, world.coach, world.speaker):
            continue
        assert leaks.client_of(user).get(url).status_code in (302, 404), user
