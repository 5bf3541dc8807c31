"""Introductions by double opt-in: contact details only after both said yes, a "no" never
shown as one, the limits, a chair's introduction, and each refusal with its sentence."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from peerpower.networking import actions
from peerpower.networking.models import Introduction, Profile
from peerpower.networking.queries import view_of
from peerpower.networks.models import Network
from tests import factories
from tests.conftest import ClientFor, World
from tests.networking.conftest import Sends, make_profile

REASON = "We both run youth services and could share volunteers."


@pytest.fixture
def pair(world: World) -> tuple[Profile, Profile]:
    asker = make_profile(world.other_member, world.network, phone="07700 900111")
    asked = make_profile(world.member, world.network, phone="07700 900222")
    return asker, asked


def ask(world: World, to: Profile, reason: str = REASON) -> Introduction:
    return actions.introduction_request(to=to, reason=reason, by=world.other_member)


def contact_in(text: str, world: World) -> list[str]:
    secrets = [world.member.email, world.other_member.email, "07700 900111", "07700 900222"]
    return [s for s in secrets if s in text]


def mail_text() -> str:
    return "\n".join(
        f"{m.subject}\n{m.body}\n" + "".join(str(c) for c, _ in getattr(m, "alternatives", []))
        for m in mail.outbox
    )


def test_both_get_each_others_contact_only_once_the_recipient_says_yes(
    world: World, pair: tuple[Profile, Profile], client_for: ClientFor, sends: Sends
) -> None:
    with sends():
        introduction = ask(world, pair[1])
    assert [m.to for m in mail.outbox] == [[world.member.email]]
    assert contact_in(mail_text(), world) == []
    url = reverse("networking:introduction", args=[introduction.pk])
    for who in (world.member, world.other_member):
        assert contact_in(client_for(who).get(url).content.decode(), world) == []
    assert REASON in client_for(world.member).get(url).content.decode()

    with sends():
        client_for(world.member).post(
            reverse("networking:answer", args=[introduction.pk]), {"yes": "1"}
        )
    introduction.refresh_from_db()
    assert introduction.status == Introduction.Status.ACCEPTED
    accepted = {m.to[0]: m.body for m in mail.outbox[1:]}
    assert world.other_member.email in accepted[world.member.email]
    assert "07700 900111" in accepted[world.member.email]
    assert world.member.email in accepted[world.other_member.email]
    assert "07700 900222" in accepted[world.other_member.email]
    asker_page = client_for(world.other_member).get(url).content.decode()
    assert world.member.email in asker_page and "07700 900222" in asker_page


def test_a_no_is_never_shown_to_the_asker_and_the_request_is_not_taken_up_after_14_days(
    world: World, pair: tuple[Profile, Profile], client_for: ClientFor, sends: Sends
) -> None:
    with sends():
        declined = ask(world, pair[1])
        unanswered = ask(world, make_profile(world.chair, world.network))
    outbox = len(mail.outbox)
    with sends():
        actions.introduction_decline(introduction=declined, by=world.member)
    declined.refresh_from_db()
    assert declined.status == Introduction.Status.DECLINED
    assert len(mail.outbox) == outbox  # nobody is told
    pages = {
        i.pk: re.sub(
            r'(X-CSRFToken": "|csrfmiddlewaretoken" value=")[^"]+',
            r"\1TOKEN",
            client_for(world.other_member)
            .get(reverse("networking:introduction", args=[i.pk]))
            .content.decode()
            .replace(f"/introductions/{i.pk}/", "/introductions/N/")
            .replace(i.recipient.display_name, "NAME"),
        )
        for i in (declined, unanswered)
    }
    assert pages[declined.pk] == pages[unanswered.pk]
    assert view_of(declined, world.other_member).label == "Waiting for an answer"
    assert view_of(declined, world.member).label == "You said no"
    # The open count does not drop either: the decline still counts until it closes.
    assert actions.open_requests_of(world.other_member) == 2
    Introduction.objects.update(created_at=timezone.now() - timedelta(days=15))
    for i in Introduction.objects.all():
        assert view_of(i, world.other_member).label == "Not taken up"
    assert actions.open_requests_of(world.other_member) == 0


def refused(call: object) -> dict[str, list[str]] | list[str]:
    with pytest.raises(ValidationError) as caught:
        call()  # type: ignore[operator]
    error = caught.value
    return error.message_dict if hasattr(error, "error_dict") else error.messages


def test_an_introduction_to_oneself_is_refused(world: World, pair: tuple[Profile, Profile]) -> None:
    assert refused(lambda: ask(world, pair[0])) == {
        "recipient": ["You cannot ask to be introduced to yourself."]
    }


def test_an_introduction_to_someone_who_opted_out_is_refused(
    world: World, pair: tuple[Profile, Profile]
) -> None:
    make_profile(world.member, world.network, introductions_open=False)
    assert refused(lambda: ask(world, pair[1])) == {
        "recipient": ["This person does not take introductions."]
    }
    make_profile(world.member, world.network, enabled=False)
    assert refused(lambda: ask(world, pair[1])) == {
        "recipient": ["This person does not take introductions."]
    }


def test_an_introduction_to_someone_in_another_network_is_refused(
    world: World, pair: tuple[Profile, Profile]
) -> None:
    elsewhere = factories.make_network("Southgate")
    group = factories.make_group(elsewhere, "Southgate Leaders")
    stranger = factories.add_member(group, factories.make_user("Sam South")).user
    theirs = make_profile(stranger, elsewhere)
    assert refused(lambda: ask(world, theirs)) == [
        "Only people in this network take part in its networking."
    ]
    assert Network.objects.count() == 2 and Introduction.objects.count() == 0


def test_a_sixth_open_request_is_refused(world: World, pair: tuple[Profile, Profile]) -> None:
    for n in range(5):
        someone = factories.add_member(world.group, factories.make_user(f"Person {n}")).user
        ask(world, make_profile(someone, world.network))
    assert refused(lambda: ask(world, pair[1])) == [
        "You have 5 requests waiting for an answer; ask again when one has been taken up or"
        " has closed."
    ]


def test_a_repeat_within_90_days_is_refused_either_way_round(
    world: World, pair: tuple[Profile, Profile]
) -> None:
    first = ask(world, pair[1])
    message = {"recipient": ["An introduction between you two was asked in the last 90 days."]}
    assert refused(lambda: ask(world, pair[1])) == message
    assert (
        refused(lambda: actions.introduction_request(to=pair[0], reason=REASON, by=world.member))
        == message
    )
    Introduction.objects.filter(pk=first.pk).update(created_at=timezone.now() - timedelta(days=91))
    assert ask(world, pair[1]).pk != first.pk


@pytest.mark.parametrize(
    ("reason", "message"),
    [
        ("Hello", "Say why in 20 to 500 characters (you wrote 5)."),
        (" " * 30, "This field is required."),
        ("x" * 19 + "  ", "Say why in 20 to 500 characters (you wrote 19)."),
        ("x" * 501, "Say why in 20 to 500 characters (you wrote 501)."),
    ],
)
def test_a_reason_too_short_or_too_long_is_refused_beside_it(
    world: World,
    pair: tuple[Profile, Profile],
    client_for: ClientFor,
    reason: str,
    message: str,
) -> None:
    response = client_for(world.other_member).post(
        reverse("networking:introduce", args=[pair[1].pk]), {"reason": reason}
    )
    assert response.status_code == 400
    html = response.content.decode()
    error = html[html.index('id="id_reason_error"') :]
    assert error[error.index(">") + 1 : error.index("</div>")] == message
    assert Introduction.objects.count() == 0


def test_a_chairs_introduction_needs_both_to_say_yes(world: World, sends: Sends) -> None:
    make_profile(world.member, world.network)
    second = factories.add_member(world.group, factories.make_user("Nia Second")).user
    make_profile(second, world.network, phone="07700 900333")
    with sends():
        introduction = actions.introduction_make(
            group=world.group, first=world.member, second=second, reason=REASON, by=world.chair
        )
    assert sorted(m.to[0] for m in mail.outbox) == sorted([world.member.email, second.email])
    with sends():
        actions.introduction_accept(introduction=introduction, by=second)
    introduction.refresh_from_db()
    assert introduction.status == Introduction.Status.PENDING
    assert len(mail.outbox) == 2
    with sends():
        actions.introduction_accept(introduction=introduction, by=world.member)
    introduction.refresh_from_db()
    assert introduction.status == Introduction.Status.ACCEPTED
    assert "07700 900333" in next(
        m.body for m in mail.outbox if m.to == [world.member.email] and "introduced" in m.subject
    )


def test_a_chair_introduces_only_current_members_of_their_group(world: World) -> None:
    make_profile(world.member, world.network)
    make_profile(world.other_member, world.network)
    assert refused(
        lambda: actions.introduction_make(
            group=world.group,
            first=world.member,
            second=world.other_member,
            reason=REASON,
            by=world.chair,
        )
    ) == {"second": ["Choose two current members of the group."]}


def test_a_chairs_introduction_declined_by_one_looks_open_to_the_other_who_may_still_answer(
    world: World,
) -> None:
    make_profile(world.member, world.network)
    second = factories.add_member(world.group, factories.make_user("Nia Second")).user
    make_profile(second, world.network)
    introduction = actions.introduction_make(
        group=world.group, first=world.member, second=second, reason=REASON, by=world.chair
    )
    actions.introduction_decline(introduction=introduction, by=second)
    introduction.refresh_from_db()
    assert view_of(introduction, world.member).must_answer
    assert view_of(introduction, world.chair).label == "Waiting for an answer"
    actions.introduction_accept(introduction=introduction, by=world.member)
    introduction.refresh_from_db()
    assert introduction.status == Introduction.Status.DECLINED
    assert view_of(introduction, world.member).label == "Waiting for an answer"
    assert not any("introduced" in m.subject for m in mail.outbox)
