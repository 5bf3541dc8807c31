"""What formation pages read: a network's pool and runs, the applications not yet in the pool,
the members a chosen group keeps, and a run's solver instance (formation.mix) built from the
rows. Every function is for one network; nothing here reads the issues session."""

from django.db.models import Prefetch, QuerySet

from peerpower.formation import mix
from peerpower.formation.models import Candidate, CompetitorDecision, Run, RunGroup
from peerpower.groups.models import Membership, PeerGroup
from peerpower.guests.models import GuestRequest, OrganisationToAvoid
from peerpower.networks.models import Network, Organisation

# The members a chosen group keeps: everyone holding or waiting for a member's place (the
# chair is not counted in a group's size).
KEPT_STATUSES = (*Membership.HOLDS_PLACE, Membership.Status.PROPOSED)


def candidates_of(network: Network) -> QuerySet[Candidate]:
    """The network's pool of people to place: applicants and those the admin added."""
    return Candidate.objects.filter(network=network).exclude(source=Candidate.Source.MEMBER)


def runs_of(network: Network) -> QuerySet[Run]:
    return Run.objects.filter(network=network).prefetch_related("slots")


def run_for(network: Network, pk: int) -> Run | None:
    return (
        Run.objects.filter(network=network, pk=pk)
        .prefetch_related(
            Prefetch("slots", queryset=RunGroup.objects.select_related("group", "venue"))
        )
        .first()
    )


def applications_to_import(network: Network) -> QuerySet[GuestRequest]:
    """Guests of the network who applied to join and are not in the pool yet."""
    taken = Candidate.objects.filter(network=network, guest_request__isnull=False).values(
        "guest_request_id"
    )
    return GuestRequest.objects.filter(network=network, status=GuestRequest.Status.APPLIED).exclude(
        pk__in=taken
    )


def groups_with_vacancies(network: Network) -> list[tuple[PeerGroup, int]]:
    """The network's groups, each with how many more members it may take (two queries)."""
    groups = list(PeerGroup.objects.filter(network=network).order_by("name"))
    held: dict[int, int] = {}
    for group_id in Membership.objects.filter(
        group__network=network, role=Membership.Role.MEMBER, status__in=KEPT_STATUSES
    ).values_list("group_id", flat=True):
        held[group_id] = held.get(group_id, 0) + 1
    return [(g, max(g.max_size - held.get(g.pk, 0), 0)) for g in groups]


def kept_members(groups: list[PeerGroup]) -> QuerySet[Membership]:
    return Membership.objects.filter(
        group__in=groups, role=Membership.Role.MEMBER, status__in=KEPT_STATUSES
    ).select_related("user", "organisation", "group")


def decisions_of(network: Network) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """The admin's decisions: (confirmed competitor pairs, dismissed possible ones)."""
    yes: list[tuple[int, int]] = []
    no: list[tuple[int, int]] = []
    for first, second, competitors in CompetitorDecision.objects.filter(
        network=network
    ).values_list("first_id", "second_id", "competitors"):
        (yes if competitors else no).append((first, second))
    return yes, no


def person_of(
    candidate: Candidate, fixed: int | None = None, avoid: tuple[str, ...] = ()
) -> mix.Person:
    return mix.Person(
        key=candidate.pk,
        name=candidate.name,
        organisation=candidate.organisation,
        registered_number=candidate.registered_number,
        sector=candidate.sector,
        size_band=candidate.size_band,
        region=candidate.region,
        kind=candidate.kind,
        years_in_role=candidate.years_in_role,
        looking_for=candidate.looking_for,
        avoid=candidate.avoid_list() + avoid,
        fixed=fixed,
    )


def _avoided_by_user(user_ids: list[int]) -> dict[int, tuple[str, ...]]:
    """What members told the guests' conflict check they will not meet (name or number)."""
    found: dict[int, list[str]] = {}
    for user_id, name, number in OrganisationToAvoid.objects.filter(
        user_id__in=user_ids
    ).values_list("user_id", "name", "registered_number"):
        found.setdefault(user_id, []).extend(v for v in (name, number) if v)
    return {k: tuple(v) for k, v in found.items()}


def instance_for(run: Run) -> mix.Instance:
    """The run's solver instance: its candidates, then the kept members of its existing groups
    (fixed there), its groups' bounds and venues' regions, the run's weights and the network's
    competitor decisions. Locked candidates are fixed to their slot in the proposal."""
    slots = list(run.slots.all())
    proposal = run.groups_by_candidate()
    locked = set(run.locked)
    chosen = list(run.candidates.all())
    members = list(
        Candidate.objects.filter(
            network_id=run.network_id,
            source=Candidate.Source.MEMBER,
            membership__group__in=[s.group_id for s in slots if s.group_id],
        ).select_related("membership")
    )
    slot_of_group = {s.group_id: s.position for s in slots if s.group_id}
    user_ids = [m.membership.user_id for m in members if m.membership]
    avoided = _avoided_by_user(user_ids)
    people = [person_of(c, proposal.get(c.pk) if c.pk in locked else None) for c in chosen] + [
        person_of(
            m,
            slot_of_group[m.membership.group_id] if m.membership else None,
            avoided.get(m.membership.user_id, ()) if m.membership else (),
        )
        for m in members
    ]
    region_labels = dict(Organisation.Region.choices)
    groups = [
        mix.Slot(
            name=s.name,
            lower=s.min_size,
            upper=s.max_size,
            region=s.venue.region if s.venue else "",
            region_label=region_labels.get(s.venue.region, "") if s.venue else "",
        )
        for s in slots
    ]
    yes, no = decisions_of(run.network)
    return mix.build(people, groups, run.weights(), confirmed=yes, dismissed=no)
