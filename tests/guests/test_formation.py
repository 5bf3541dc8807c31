"""Group formation (issue 15) from the guest's side: an application brings the guest into the
network's pool; a run's acceptance accepts it into the group the run chose, which the guest
sees on their visit page and joins the usual way. An application withdrawn or declined takes
the person out of the pool, so no run proposes them; one the triage accepted meanwhile is not
proposed twice."""

from datetime import time

from django.urls import reverse

from peerpower.accounts.actions import invitation_accept
from peerpower.accounts.models import Invitation, User
from peerpower.formation import actions as formation
from peerpower.formation.models import Candidate, Run
from peerpower.groups.actions import membership_approve
from peerpower.groups.models import Membership
from peerpower.guests import actions
from peerpower.guests.models import GuestRequest
from tests import factories
from tests.conftest import ClientFor, World
from tests.formation import builders as pool_builders
from tests.guests import builders
from tests.guests.conftest import Sends

WEIGHTS = {"sector": 5, "size": 3, "region": 1, "years": 2, "kind": 2, "looking_for": 1}


def _applicant(world: World, sector: str, months_ago: int = 2) -> tuple[GuestRequest, User]:
    """A guest who came to a past meeting and applied to join, through the real actions."""
    builders.list_group(world.group)
    meeting = factories.make_past_meeting(world.group, months_ago=months_ago)
    request, user = builders.visited(world.network, meeting, world.admin)
    GuestRequest.objects.filter(pk=request.pk).update(sector=sector)
    request.refresh_from_db()
    actions.application_submit(
        request=request,
        hopes="Peers who understand",
        time_commitment="Half a day a month",
        trustees_view="They back it",
        group=world.group,
        by=user,
    )
    return request, user


def _run(world: World, sends: Sends) -> Run:
    """A run of the pool (with 16 others) into one new group, solved."""
    applicants = Candidate.objects.filter(guest_request__isnull=False)
    people = [*pool_builders.pool(world.network, 16), *applicants]
    with sends():
        run = formation.run_start(
            network=world.network,
            candidates=people,
            new_groups=[
                formation.NewGroup(
                    name="Wednesday Circle",
                    chair_email="wren.chair@example.org",
                    start_time=time(9, 30),
                    end_time=time(13, 30),
                )
            ],
            weights=WEIGHTS,
            seconds=1,
            min_size=8,
            max_size=20,
            by=world.admin,
        )
    run.refresh_from_db()
    assert run.status == Run.Status.DONE
    return run


def test_a_guest_placed_by_a_run_sees_the_group_on_their_visit_page_and_joins_it(
    world: World, client_for: ClientFor, sends: Sends
) -> None:
    request, user = _applicant(world, "arts")
    assert formation.pool_import(network=world.network, by=world.admin) == 1
    run = _run(world, sends)
    with sends():
        formation.run_accept(run=run, by=world.admin)
    request.refresh_from_db()
    assert request.status == GuestRequest.Status.MEMBER
    assert request.membership is not None
    group = request.membership.group
    assert group.name == "Wednesday Circle"  # not the group they applied to
    visit = reverse("guests:visit", args=[request.pk])
    guest = client_for(user)
    assert "you are proposed to Wednesday Circle" in guest.get(visit).content.decode()
    chair = User.objects.get(email="wren.chair@example.org")  # invited when the run made it
    invitation_accept(invitation=Invitation.objects.get(group=group, user=chair), user=chair)
    with sends():
        invitation = membership_approve(membership=request.membership, by=chair)
    assert "The invitation to join Wednesday Circle is in your email" in (
        guest.get(visit).content.decode()
    )
    invitation_accept(invitation=invitation, user=user)
    page = client_for(user).get(visit).content.decode()
    assert "You are a member of" in page and reverse("groups:detail", args=[group.pk]) in page
    assert client_for(user).get(reverse("groups:detail", args=[group.pk])).status_code == 200


def test_a_guest_who_withdraws_leaves_the_pool_and_no_run_proposes_them(
    world: World, sends: Sends
) -> None:
    """Before: the pool kept the name, address and organisation copied from the application
    after the withdrawal had erased them, and accepting a run proposed the person to a group."""
    request, _ = _applicant(world, "arts")
    formation.pool_import(network=world.network, by=world.admin)
    email = request.email
    run = _run(world, sends)
    actions.request_withdraw(token=actions.withdraw_token(request))
    assert not Candidate.objects.filter(email__iexact=email).exists()
    assert not Candidate.objects.filter(guest_request=request).exists()
    with sends():
        formation.run_accept(run=Run.objects.get(pk=run.pk), by=world.admin)
    assert not Membership.objects.filter(user__email__iexact=email).exists()


def test_a_declined_application_leaves_the_pool_and_an_accepted_one_is_not_proposed_twice(
    world: World, sends: Sends
) -> None:
    declined, _ = _applicant(world, "arts")
    accepted, _ = _applicant(world, "youth", months_ago=3)
    formation.pool_import(network=world.network, by=world.admin)
    run = _run(world, sends)
    actions.application_decline(request=declined, reason="The groups are full.", by=world.admin)
    assert not Candidate.objects.filter(guest_request=declined).exists()
    with sends():
        actions.application_accept(request=accepted, by=world.admin)  # by the triage
        formation.run_accept(run=Run.objects.get(pk=run.pk), by=world.admin)
    assert not Membership.objects.filter(user__email__iexact=declined.email).exists()
    (membership,) = Membership.objects.filter(user__email__iexact=accepted.email)
    assert membership.group == world.group  # where the triage proposed them, and only there
    accepted.refresh_from_db()
    assert accepted.membership == membership
