"""Erasing a person: everything that names them or that they wrote goes, from every table; the
group's record stays whole; refused while they hold a role, chair a group or belong to another
network; the admin confirms by typing the address, and a wrong one erases nothing."""

from datetime import timedelta

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import serializers
from django.core.exceptions import ValidationError
from django.db.models import ForeignKey, ManyToManyField, OneToOneField
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoCaptureOnCommitCallbacks

from peerpower.accounts.models import User
from peerpower.audit.actions import entries_expire
from peerpower.audit.models import AuditEntry
from peerpower.groups.models import Membership, MembershipEvent
from peerpower.guests.models import OrganisationToAvoid
from peerpower.issues import actions as issue_actions
from peerpower.issues.models import Issue, IssueView
from peerpower.meetings.actions import rsvp_set
from peerpower.meetings.models import Participation
from peerpower.networking.models import Profile
from peerpower.privacy import actions
from peerpower.privacy.erasure import ERASED_NAME, ERASURE
from tests import factories
from tests.conftest import ClientFor, World
from tests.leaks import Markers, body_of

pytestmark = pytest.mark.django_db

NAME, EMAIL = "Marguerite Quillfeather", "marguerite.quillfeather@example.org"


def _plant(world: World, markers: Markers) -> Issue:
    """The member, renamed so their name is unmistakable, brings an issue, checks in,
    apologises, keeps a profile and an organisation to avoid, and reads the chair's issue."""
    User.objects.filter(pk=world.member.pk).update(name=NAME, email=EMAIL)
    world.member.refresh_from_db()
    meeting = world.next_meeting()
    Membership.objects.filter(group=world.group).update(pledge_accepted_at=timezone.now())
    issue_actions.issue_submit(
        meeting=meeting, presenter=world.member, question=markers("own_question")
    )
    other = issue_actions.issue_submit(
        meeting=meeting, presenter=world.chair, question=markers("chairs_question")
    )
    issue_actions.issue_back(issue=other, user=world.member)
    issue_actions.issue_views_record(issues=[other], user=world.member)
    issue_actions.update_submit(
        meeting=meeting, user=world.member, work=7, personal=4, comment=markers("check_in")
    )
    rsvp_set(meeting=meeting, by=world.member, rsvp="apologies", reason=markers("apology"))
    Profile.objects.create(network=world.network, user=world.member, headline=markers("headline"))
    OrganisationToAvoid.objects.create(user=world.member, name=markers("avoid"))
    # A named survey answer with words of their own (impact): the words go, the scores stay.
    from peerpower.impact.actions import answers_submit
    from tests.impact.conftest import BASELINE, send

    invitation = send(world, "baseline", [world.member])[world.member]
    answers_submit(
        invitation=invitation,
        answers={**BASELINE, "hopes": markers("survey_hopes")},
        may_quote=True,
        by=world.member,
    )
    return other


def _everything() -> str:
    """Every row of every table, as text."""
    rows = []
    for model in apps.get_models():
        rows.append(serializers.serialize("json", model._default_manager.all()))
    return "\n".join(rows)


def test_every_model_that_names_a_person_says_what_erasure_does_to_it() -> None:
    """A new app that stores something about a person cannot forget the right to erasure."""
    missing = [
        model._meta.label
        for model in apps.get_models()
        if model.__module__.startswith("peerpower.")
        and model._meta.label not in ERASURE
        and (
            model._meta.label == settings.AUTH_USER_MODEL
            or any(
                isinstance(field, ForeignKey | OneToOneField | ManyToManyField)
                and field.related_model is get_user_model()
                for field in model._meta.get_fields()
            )
        )
    ]
    assert missing == []


def test_erasing_removes_their_name_and_words_everywhere_and_keeps_the_record(
    world: World,
    client_for: ClientFor,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    markers = Markers("e7a5")
    others_issue = _plant(world, markers)
    member = world.member
    logged_in = client_for(member)
    assert logged_in.get(reverse("home")).status_code == 200
    attendance_before = Participation.objects.filter(user=member).count()
    with django_capture_on_commit_callbacks(execute=True):
        actions.person_erase(person=member, network=world.network, by=world.admin)
    text = _everything()
    own = [m for m in markers.found_in(text) if m != markers("chairs_question")]
    assert own == [] and markers("chairs_question") in text
    assert NAME not in text and EMAIL not in text
    member.refresh_from_db()
    assert (member.name, member.is_active, member.has_usable_password()) == (
        ERASED_NAME, False, False
    )  # fmt: skip
    # The group's record: the meeting still counts their reply; the history says they left;
    # the chair's issue still shows it was read (by an erased person) and supported.
    assert Participation.objects.filter(user=member).count() == attendance_before
    assert Membership.objects.get(user=member, group=world.group).status == "left"
    assert MembershipEvent.objects.filter(user=member, kind="left").exists()
    assert IssueView.objects.filter(issue=others_issue, user=member).exists()
    assert not Issue.objects.filter(presenter=member).exists()
    # Their open session ends: the next request is not theirs.
    assert logged_in.get(reverse("home")).status_code == 302
    # Nobody's pages name them any more.
    for viewer in (world.chair, world.admin, world.other_member):
        page = client_for(viewer).get(reverse("groups:detail", args=[world.group.pk]))
        assert NAME not in body_of(page)
    assert AuditEntry.objects.filter(
        rule="privacy.erase", actor=world.admin, outcome="allowed"
    ).exists()


@pytest.mark.parametrize("blocker", ["chair", "coach", "other network"])
def test_erasure_is_refused_until_roles_and_other_networks_are_undone(
    world: World, blocker: str
) -> None:
    person = {"chair": world.chair, "coach": world.coach, "other network": world.member}[blocker]
    if blocker == "other network":
        elsewhere = factories.make_group(factories.make_network("Elsewhere"), "Far Away")
        factories.add_member(elsewhere, user=person)
    with pytest.raises(ValidationError) as refused:
        actions.person_erase(person=person, network=world.network, by=world.admin)
    expected = {
        "chair": "replace the chair first",
        "coach": "remove it first",
        "other network": "another network",
    }[blocker]
    assert expected in " ".join(refused.value.messages)
    person.refresh_from_db()
    assert person.is_active and person.name != ERASED_NAME


def test_only_an_admin_of_their_network_erases_and_never_themselves(world: World) -> None:
    for by in (world.chair, world.member):
        with pytest.raises(ValidationError):
            actions.person_erase(person=world.other_member, network=world.network, by=by)
    with pytest.raises(ValidationError, match="yourself"):
        actions.person_erase(person=world.admin, network=world.network, by=world.admin)
    other_admin = factories.make_admin(factories.make_network("Southgate"), "Sam Southgate")
    with pytest.raises(ValidationError):
        actions.person_erase(person=world.member, network=world.network, by=other_admin)
    assert User.objects.filter(is_active=True, pk=world.member.pk).exists()


def test_the_admin_confirms_with_the_address_and_a_wrong_one_erases_nothing(
    world: World, client_for: ClientFor
) -> None:
    admin = client_for(world.admin)
    url = reverse("privacy:erase", args=[world.network.slug, world.member.pk])
    page = admin.get(url)
    assert page.status_code == 200 and "Type their email address" in body_of(page)
    wrong = admin.post(url, {"confirm": "someone.else@example.org"})
    assert wrong.status_code == 400
    assert wrong.context["form"].errors["confirm"] == [
        "That is not their email address: nothing was erased."
    ]
    assert 'value="someone.else@example.org"' in body_of(wrong)  # what they typed stays
    assert User.objects.get(pk=world.member.pk).is_active
    done = admin.post(url, {"confirm": world.member.email.upper()}, follow=True)
    assert "is erased" in body_of(done)
    assert not User.objects.get(pk=world.member.pk).is_active
    # Erased: the page is gone for them (nobody to erase twice).
    assert admin.get(url).status_code == 404


def test_the_page_says_why_a_chair_cannot_be_erased_and_offers_no_button(
    world: World, client_for: ClientFor
) -> None:
    page = client_for(world.admin).get(
        reverse("privacy:erase", args=[world.network.slug, world.chair.pk])
    )
    text = body_of(page)
    assert "cannot be erased yet" in text and "replace the chair first" in text
    assert "Type their email address" not in text


def test_the_retention_page_says_what_the_network_and_the_site_keep(
    world: World, client_for: ClientFor
) -> None:
    world.network.issue_retention_months = 7
    world.network.save(update_fields=["issue_retention_months"])
    page = client_for(world.member).get(reverse("privacy:retention", args=[world.network.slug]))
    text = body_of(page)
    assert "7 months after the meeting" in text
    assert f"{settings.AUDIT_RETENTION_MONTHS} months" in text and "30 days" in text
    mine = body_of(client_for(world.member).get(reverse("privacy:mine")))
    assert reverse("privacy:retention", args=[world.network.slug]) in mine


def test_the_audit_log_keeps_its_months_and_no_more(world: World) -> None:
    old, recent = (
        AuditEntry.objects.create(
            network=world.network, rule="meetings.cancel", outcome="allowed", at=at
        )
        for at in (
            timezone.now() - timedelta(days=31 * settings.AUDIT_RETENTION_MONTHS + 1),
            timezone.now() - timedelta(days=30 * settings.AUDIT_RETENTION_MONTHS - 1),
        )
    )
    kept_before = AuditEntry.objects.exclude(pk__in=[old.pk, recent.pk]).count()
    assert entries_expire() == 1
    assert AuditEntry.objects.filter(pk__in=[old.pk, recent.pk]).get() == recent
    assert AuditEntry.objects.count() == kept_before + 1
