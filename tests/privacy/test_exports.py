"""A person's copy of their data holds everything about them and nothing of anyone else's; a
network admin's copy holds that network's rows only, never what the person said in confidence."""

import json

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import ForeignKey, OneToOneField
from django.urls import reverse
from django.utils import timezone

from peerpower.issues import actions as issue_actions
from peerpower.meetings.actions import rsvp_set
from peerpower.privacy import exports
from tests import factories
from tests.conftest import ClientFor, World
from tests.leaks import Markers

pytestmark = pytest.mark.django_db


def _plant(world: World, markers: Markers) -> None:
    """The member brings an issue, commits, checks in and apologises; another member brings an
    issue the member supports and reads; a note is taken on the member's issue."""
    meeting = world.next_meeting()
    for user in (world.member, world.chair):
        world.group.memberships.filter(user=user).update(pledge_accepted_at=timezone.now())
    own = issue_actions.issue_submit(
        meeting=meeting, presenter=world.member, question=markers("own_question")
    )
    other = issue_actions.issue_submit(
        meeting=meeting, presenter=world.chair, question=markers("others_question")
    )
    issue_actions.issue_back(issue=other, user=world.member)
    issue_actions.update_submit(
        meeting=meeting, user=world.member, work=7, personal=4, comment=markers("check_in")
    )
    rsvp_set(meeting=meeting, by=world.member, rsvp="apologies", reason=markers("apology"))
    assert own.pk and other.pk


def test_the_person_downloads_everything_about_them_and_nothing_of_others(
    world: World, client_for: ClientFor
) -> None:
    markers = Markers("p1")
    _plant(world, markers)
    client = client_for(world.member)
    page = client.get(reverse("privacy:mine")).content.decode()
    download = client.get(reverse("privacy:mine_json"))
    assert download["Content-Disposition"].startswith("attachment;")
    data = json.loads(download.content)
    text = json.dumps(data)
    for mine in ("own_question", "check_in", "apology"):
        assert markers(mine) in text and markers(mine) in page
    assert markers("others_question") not in text + page  # someone else's words
    assert data["sections"]["support"][0]["issue__group__name"] == world.group.name
    assert data["sections"]["account"] == [
        {
            **data["sections"]["account"][0],
            "email": world.member.email,
            "name": world.member.name,
        }
    ]
    assert data["left_out"] == []


def test_the_admin_copy_is_of_their_network_and_leaves_out_what_was_said_in_confidence(
    world: World, client_for: ClientFor
) -> None:
    markers = Markers("p2")
    _plant(world, markers)
    elsewhere = factories.make_network("Southgate")
    factories.add_member(factories.make_group(elsewhere, "Southgate Circle"), world.member)
    url = reverse("privacy:person", args=[world.network.slug, world.member.pk])
    admin = client_for(world.admin)
    page = admin.get(url).content.decode()
    data = json.loads(admin.get(url + "?format=json").content)
    text = json.dumps(data)
    for secret in ("own_question", "check_in", "apology", "others_question"):
        assert markers(secret) not in text + page
    assert set(data["left_out"]) == {
        "issues",
        "commitments",
        "check_ins",
        "support",
        "issue_reads",
        "organisations_to_avoid",
        # Coaching: notes, goals and progress are the coach's and the member's only.
        "coaching_notes",
        "coaching_goals",
        "coaching_progress",
        # Impact: a member's named survey answers are theirs; the network sees only figures.
        "survey_answers",
        "business_cases",
    }
    groups = {row["group__name"] for row in data["sections"]["memberships"]}
    assert groups == {world.group.name}  # not their place in the other network's group
    assert "apology_reason" not in data["sections"]["replies"][0]
    assert data["sections"]["replies"][0]["rsvp"] == "apologies"
    assert "Your settings → Your data" in page


def test_an_admin_cannot_ask_for_someone_outside_their_network(
    world: World, client_for: ClientFor
) -> None:
    stranger = factories.make_user("Stella Stranger")
    elsewhere = factories.make_network("Southgate")
    other_admin = factories.make_admin(elsewhere, "Sam Southgate")
    url = reverse("privacy:person", args=[world.network.slug, stranger.pk])
    assert client_for(world.admin).get(url).status_code == 404
    member_url = reverse("privacy:person", args=[world.network.slug, world.member.pk])
    assert client_for(other_admin).get(member_url).status_code == 404
    assert client_for(world.chair).get(member_url).status_code == 404


def test_every_model_that_names_a_person_is_exported_or_said_why_not() -> None:
    """A new app that stores something about a person cannot forget the right of access."""
    exported = {section.rows.__code__.co_names for section in exports.SECTIONS}
    names_in_sections = {name for names in exported for name in names}
    missing = []
    for model in apps.get_models():
        if not model.__module__.startswith("peerpower."):
            continue
        links_a_person = model._meta.label == settings.AUTH_USER_MODEL or any(
            isinstance(field, ForeignKey | OneToOneField)
            and field.related_model is get_user_model()
            for field in model._meta.get_fields()
        )
        if not links_a_person or model._meta.label in exports.NOT_EXPORTED:
            continue
        if model.__name__ not in names_in_sections:
            missing.append(model._meta.label)
    assert missing == []
