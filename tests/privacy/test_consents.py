"""Consents are recorded with the time and the exact words: the member's pledge, a guest's
contact consent on the public form and their pledge; a later change of words leaves an earlier
consent's words as they were; the person's own copy of their data holds them."""

import pytest
from django.urls import reverse
from django.utils import timezone

from peerpower.groups import actions as group_actions
from peerpower.groups.models import CONFIDENTIALITY_PLEDGE, Membership
from peerpower.privacy import exports
from peerpower.privacy.consents import consent_record, version_of
from peerpower.privacy.models import Consent, ConsentText
from tests.conftest import ClientFor, World
from tests.guests.builders import submit

pytestmark = pytest.mark.django_db


def test_accepting_the_pledge_records_it_with_its_words(world: World) -> None:
    membership = Membership.objects.get(group=world.group, user=world.member)
    Membership.objects.filter(pk=membership.pk).update(pledge_accepted_at=None)
    membership.refresh_from_db()
    before = timezone.now()
    group_actions.pledge_accept(membership=membership, by=world.member)
    group_actions.pledge_accept(membership=membership, by=world.member)  # once only
    consent = Consent.objects.get(user=world.member, kind="pledge")
    assert consent.words.text == CONFIDENTIALITY_PLEDGE
    assert consent.words_id == version_of(CONFIDENTIALITY_PLEDGE)
    assert consent.network == world.network and consent.given_at >= before


def test_new_words_are_a_new_version_and_old_consents_keep_theirs(world: World) -> None:
    first = consent_record(
        kind=Consent.Kind.PLEDGE, text="Keep it in the room.", network=world.network,
        user=world.member,
    )  # fmt: skip
    second = consent_record(
        kind=Consent.Kind.PLEDGE, text="Keep it in the room, always.", network=world.network,
        user=world.other_member,
    )  # fmt: skip
    again = consent_record(
        kind=Consent.Kind.PLEDGE, text="Keep it in the room.", network=world.network,
        user=world.chair,
    )  # fmt: skip
    assert first.words_id != second.words_id and again.words_id == first.words_id
    assert ConsentText.objects.filter(pk__in=[first.words_id, second.words_id]).count() == 2
    first.refresh_from_db()
    assert first.words.text == "Keep it in the room."


def test_a_guests_public_request_records_the_contact_consent_with_the_notice(
    world: World,
) -> None:
    request = submit(world.network, email="gus.guest@example.org")
    consent = Consent.objects.get(guest_request=request, kind="guest_contact")
    assert consent.user is None
    assert consent.words.text.startswith("I agree to be contacted about a visit")


def test_the_persons_copy_holds_what_they_agreed_to(world: World, client_for: ClientFor) -> None:
    consent_record(
        kind=Consent.Kind.PLEDGE, text="Keep it in the room.", network=world.network,
        user=world.member,
    )  # fmt: skip
    data = exports.personal_data(world.member).as_json()
    assert [row["words__text"] for row in data["sections"]["consents"]] == ["Keep it in the room."]
    page = client_for(world.member).get(reverse("privacy:mine"))
    assert "Keep it in the room." in page.content.decode()
