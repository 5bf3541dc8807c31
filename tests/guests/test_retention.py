"""Requests are kept no longer than needed: what is due is erased, nothing else."""

from datetime import timedelta

from django.utils import timezone

from peerpower.guests import actions
from peerpower.guests.models import GuestRequest, GuestSettings
from tests import factories
from tests.conftest import World
from tests.guests import builders


def _aged(request: GuestRequest, days: int) -> GuestRequest:
    GuestRequest.objects.filter(pk=request.pk).update(
        last_activity_at=timezone.now() - timedelta(days=days)
    )
    return request


def test_the_sweep_erases_what_is_due_and_nothing_else(world: World) -> None:
    GuestSettings.objects.create(network=world.network, retention_months=6)
    other_network = factories.make_network("Slow Network")  # default: 12 months
    due = _aged(builders.confirmed(world.network), 200)
    declined = builders.confirmed(world.network)
    actions.request_decline(request=declined, by=world.admin)
    due_declined = _aged(declined, 190)
    recent = _aged(builders.confirmed(world.network), 170)
    member = builders.confirmed(world.network)
    GuestRequest.objects.filter(pk=member.pk).update(status=GuestRequest.Status.MEMBER)
    old_member = _aged(member, 900)
    elsewhere = _aged(builders.confirmed(other_network), 200)
    elsewhere_due = _aged(builders.confirmed(other_network), 400)
    unconfirmed = _aged(builders.submit(world.network), 8)
    fresh_unconfirmed = _aged(builders.submit(world.network), 6)
    world_guest = GuestRequest.objects.get(user=world.guest)

    assert actions.retention_sweep() == 3

    left = set(GuestRequest.objects.values_list("pk", flat=True))
    assert left == {
        recent.pk,
        old_member.pk,
        elsewhere.pk,
        unconfirmed.pk,
        fresh_unconfirmed.pk,
        world_guest.pk,
    }
    assert {due.pk, due_declined.pk, elsewhere_due.pk}.isdisjoint(left)
    statuses = dict(GuestRequest.objects.values_list("pk", "status"))
    assert statuses[unconfirmed.pk] == "expired"  # its link has expired
    assert statuses[fresh_unconfirmed.pk] == "new"
    # Run again: nothing more is due.
    assert actions.retention_sweep() == 0
