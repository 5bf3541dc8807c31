"""Changes to a network's set-up: venues, partners, organisations, the agenda template, the issue
protocols and the settings, and a member choosing their own organisation.

Every action checks its rule first (`peerpower.lib.rules.require`, predicates in `rules.py`),
then validates, then writes inside one transaction. Only `replies_remind` sends email (after
commit, through a task).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.utils import timezone

from peerpower.accounts.models import User
from peerpower.groups.models import Membership, PeerGroup
from peerpower.issues.models import Protocol, ProtocolStep, RoomState
from peerpower.lib.rules import require
from peerpower.meetings.models import Meeting
from peerpower.meetings.queries import members_not_replied
from peerpower.networks.models import (
    AgendaSegmentKind,
    AgendaTemplateItem,
    Network,
    Organisation,
    Partner,
    ReplyReminder,
    Venue,
)
from peerpower.networks.tasks import send_reply_reminder

# The longest a meeting can be (the agenda segments' own limit) and a protocol's step.
AGENDA_MAX_MINUTES = 480
STEP_MAX_MINUTES = 120


def _clean(row: Model, *, exclude: Sequence[str] = ()) -> None:
    """Validate a row's fields; uniqueness is checked by each action with its own message."""
    row.full_clean(exclude=list(exclude), validate_unique=False, validate_constraints=False)


def _name_taken(model: type[Model], network: Network, name: str, exclude_pk: int | None) -> bool:
    rows = model._default_manager.filter(network=network, name__iexact=name.strip())
    if exclude_pk is not None:
        rows = rows.exclude(pk=exclude_pk)
    return rows.exists()


def _save_unique(row: Model, what: str) -> None:
    """Save, turning a race on the name constraint into the same message the check gives."""
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError as error:
        raise ValidationError({"name": f"There is already {what} called “{row}”."}) from error


# --------------------------------------------------------------------------- venues


def _check_partner(network: Network, partner: Partner | None) -> None:
    if partner is not None and partner.network_id != network.pk:
        raise ValidationError({"partner": "Choose one of this network's partners."})


def venue_create(
    *,
    network: Network,
    name: str,
    address: str,
    access_notes: str = "",
    partner: Partner | None = None,
    region: str = "",
    by: User,
) -> Venue:
    """Add a venue to the network. Names are unique within a network (case aside). `region`
    is the region whose leaders can reach it (blank: anywhere), for group formation."""
    require(by, "networks.manage_venues", network)
    venue = Venue(
        network=network,
        name=name.strip(),
        address=address.strip(),
        access_notes=access_notes.strip(),
        partner=partner,
        region=region,
    )
    _clean(venue)
    _check_partner(network, partner)
    if _name_taken(Venue, network, name, None):
        raise ValidationError({"name": f"There is already a venue called “{venue.name}”."})
    _save_unique(venue, "a venue")
    return venue


def venue_update(
    *,
    venue: Venue,
    name: str,
    address: str,
    access_notes: str,
    partner: Partner | None,
    region: str | None = None,
    by: User,
) -> Venue:
    """Change a venue. Meetings already planned there keep pointing at it, so they follow."""
    require(by, "networks.manage_venues", venue)
    network = Network.objects.get(pk=venue.network_id)
    _check_partner(network, partner)
    if _name_taken(Venue, network, name, venue.pk):
        raise ValidationError({"name": f"There is already a venue called “{name.strip()}”."})
    venue.name, venue.address = name.strip(), address.strip()
    venue.access_notes, venue.partner = access_notes.strip(), partner
    if region is not None:
        venue.region = region
    _clean(venue)
    _save_unique(venue, "a venue")
    return venue


def venue_uses(venue: Venue) -> tuple[list[str], int]:
    """The groups that meet there by default, and how many meetings (any date) are there."""
    groups = list(
        PeerGroup.objects.filter(default_venue=venue)
        .order_by("name")
        .values_list("name", flat=True)
    )
    return groups, Meeting.objects.filter(venue=venue).count()


def venue_delete(*, venue: Venue, by: User) -> None:
    """Delete a venue nobody uses: no group's default venue and no meeting, past or future (a
    past meeting keeps the record of where it was held). Locks the venue's row while it checks.
    """
    require(by, "networks.manage_venues", venue)
    with transaction.atomic():
        Venue.objects.select_for_update().filter(pk=venue.pk).first()
        groups, meetings = venue_uses(venue)
        if groups or meetings:
            raise ValidationError(venue_in_use_message(venue, groups, meetings), code="in_use")
        venue.delete()


def venue_in_use_message(venue: Venue, groups: list[str], meetings: int) -> str:
    """Why a venue cannot be deleted yet, in a sentence the admin can act on."""
    parts = []
    if groups:
        parts.append(
            f"it is the default venue of {_and(groups)}"
            + " (choose another on the group's page first)"
        )
    if meetings:
        parts.append(
            f"{meetings} meeting{'s are' if meetings != 1 else ' is'} held there"
            + " (meetings keep the record of where they were held)"
        )
    return f"{venue.name} cannot be deleted: " + "; ".join(parts) + "."


def _and(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


# --------------------------------------------------------------------------- partners


def partner_create(
    *, network: Network, name: str, website: str = "", notes: str = "", by: User
) -> Partner:
    """Add a host partner to the network. Names are unique within a network (case aside)."""
    require(by, "networks.manage_partners", network)
    partner = Partner(network=network, name=name.strip(), website=website, notes=notes.strip())
    _clean(partner)
    if _name_taken(Partner, network, name, None):
        raise ValidationError({"name": f"There is already a partner called “{partner.name}”."})
    _save_unique(partner, "a partner")
    return partner


def partner_update(*, partner: Partner, name: str, website: str, notes: str, by: User) -> Partner:
    """Change a partner's name, website or notes."""
    require(by, "networks.manage_partners", partner)
    if _name_taken(Partner, Network(pk=partner.network_id), name, partner.pk):
        raise ValidationError({"name": f"There is already a partner called “{name.strip()}”."})
    partner.name, partner.website, partner.notes = name.strip(), website, notes.strip()
    _clean(partner)
    _save_unique(partner, "a partner")
    return partner


def partner_delete(*, partner: Partner, by: User) -> None:
    """Delete a partner. Its venues stay, with no partner named."""
    require(by, "networks.manage_partners", partner)
    partner.delete()


# --------------------------------------------------------------------------- organisations


def organisation_create(
    *,
    network: Network,
    name: str,
    registered_number: str = "",
    sector: str = Organisation.Sector.OTHER,
    size_band: str = Organisation.SizeBand.SMALL,
    region: str = Organisation.Region.LONDON,
    website: str = "",
    kind: str = Organisation.Kind.CHARITY,
    by: User,
) -> Organisation:
    """Add a member organisation to the network. Names are unique within a network."""
    require(by, "networks.manage_organisations", network)
    return _organisation_add(
        network=network,
        name=name,
        registered_number=registered_number,
        sector=sector,
        size_band=size_band,
        region=region,
        website=website,
        kind=kind,
    )


def _organisation_add(
    *,
    network: Network,
    name: str,
    registered_number: str,
    sector: str,
    size_band: str,
    region: str,
    website: str = "",
    kind: str = Organisation.Kind.CHARITY,
) -> Organisation:
    organisation = Organisation(
        network=network,
        name=name.strip(),
        registered_number=registered_number.strip(),
        sector=sector,
        size_band=size_band,
        region=region,
        website=website.strip(),
        kind=kind,
    )
    _clean(organisation)
    if _name_taken(Organisation, network, name, None):
        raise ValidationError(
            {"name": f"There is already an organisation called “{organisation.name}”."}
        )
    _save_unique(organisation, "an organisation")
    return organisation


def organisation_update(
    *,
    organisation: Organisation,
    name: str,
    registered_number: str,
    sector: str,
    size_band: str,
    region: str,
    website: str | None = None,
    kind: str | None = None,
    by: User,
) -> Organisation:
    """Change an organisation; its members keep it (and its website and kind, unless given)."""
    require(by, "networks.manage_organisations", organisation)
    network = Network(pk=organisation.network_id)
    if _name_taken(Organisation, network, name, organisation.pk):
        raise ValidationError(
            {"name": f"There is already an organisation called “{name.strip()}”."}
        )
    organisation.name, organisation.registered_number = name.strip(), registered_number.strip()
    organisation.sector, organisation.size_band, organisation.region = sector, size_band, region
    if website is not None:
        organisation.website = website.strip()
    if kind is not None:
        organisation.kind = kind
    _clean(organisation)
    _save_unique(organisation, "an organisation")
    return organisation


def organisation_delete(*, organisation: Organisation, by: User) -> None:
    """Delete an organisation no current member leads (former members' rows lose the link).
    Locks the organisation's row while it checks."""
    require(by, "networks.manage_organisations", organisation)
    with transaction.atomic():
        Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
        members = organisation.memberships.filter(status__in=Membership.CURRENT).count()
        if members:
            raise ValidationError(
                f"{organisation.name} cannot be deleted: {members} current"
                f" member{'s lead' if members != 1 else ' leads'} it. They can choose another"
                " on their “My organisation” page.",
                code="in_use",
            )
        organisation.delete()


def own_organisation_set(*, network: Network, organisation: Organisation | None, by: User) -> int:
    """Say which of the network's organisations the person leads (None: none of them), on each of
    their current memberships in the network's groups. Returns how many memberships changed."""
    require(by, "networks.set_own_organisation", network)
    if organisation is not None and organisation.network_id != network.pk:
        raise ValidationError({"organisation": "Choose one of this network's organisations."})
    return Membership.objects.filter(
        user=by, group__network=network, status__in=Membership.CURRENT
    ).update(organisation=organisation)


def own_organisation_add(
    *,
    network: Network,
    name: str,
    registered_number: str = "",
    sector: str = Organisation.Sector.OTHER,
    size_band: str = Organisation.SizeBand.SMALL,
    region: str = Organisation.Region.LONDON,
    by: User,
) -> Organisation:
    """Add the organisation the person leads, when it is not listed yet, and choose it. An
    organisation of the same name (case aside) is chosen instead of adding a second."""
    require(by, "networks.set_own_organisation", network)
    with transaction.atomic():
        organisation = Organisation.objects.filter(
            network=network, name__iexact=name.strip()
        ).first() or _organisation_add(
            network=network,
            name=name,
            registered_number=registered_number,
            sector=sector,
            size_band=size_band,
            region=region,
        )
        own_organisation_set(network=network, organisation=organisation, by=by)
    return organisation


# --------------------------------------------------------------------------- agenda template


@dataclass(frozen=True)
class Segment:
    title: str
    kind: str
    minutes: int


def agenda_template_replace(*, network: Network, segments: Sequence[Segment], by: User) -> None:
    """Replace the network's standard agenda, in the order given. New meetings get it (cut to
    their length); meetings already planned keep theirs. At least one segment, each 1–480
    minutes, 480 in all. Locks the network's row, so two saves run one after the other."""
    require(by, "networks.manage_agenda", network)
    errors: list[str] = []
    if not segments:
        errors.append("Keep at least one segment.")
    for n, segment in enumerate(segments, start=1):
        if not segment.title.strip():
            errors.append(f"Segment {n} needs a title.")
        if segment.kind not in AgendaSegmentKind.values:
            errors.append(f"Segment {n} has an unknown kind.")
        if not 1 <= segment.minutes <= AGENDA_MAX_MINUTES:
            errors.append(f"Segment {n} must last between 1 and {AGENDA_MAX_MINUTES} minutes.")
    total = sum(s.minutes for s in segments)
    if total > AGENDA_MAX_MINUTES:
        errors.append(f"The agenda lasts {total} minutes; the most is {AGENDA_MAX_MINUTES}.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        Network.objects.select_for_update().filter(pk=network.pk).first()
        AgendaTemplateItem.objects.filter(network=network).delete()
        AgendaTemplateItem.objects.bulk_create(
            AgendaTemplateItem(
                network=network,
                position=n,
                title=s.title.strip(),
                kind=s.kind,
                minutes=s.minutes,
            )
            for n, s in enumerate(segments)
        )


# --------------------------------------------------------------------------- protocols


@dataclass(frozen=True)
class Step:
    name: str
    minutes: int
    cue: str


def _check_steps(steps: Sequence[Step]) -> None:
    errors: list[str] = []
    if not steps:
        errors.append("A protocol needs at least one step.")
    for n, step in enumerate(steps, start=1):
        if not step.name.strip():
            errors.append(f"Step {n} needs a name.")
        if not step.cue.strip():
            errors.append(f"Step {n} needs a cue for the room.")
        if not 1 <= step.minutes <= STEP_MAX_MINUTES:
            errors.append(f"Step {n} must last between 1 and {STEP_MAX_MINUTES} minutes.")
    if errors:
        raise ValidationError({"steps": errors})


def _write_steps(protocol: Protocol, steps: Sequence[Step]) -> None:
    protocol.steps.all().delete()
    ProtocolStep.objects.bulk_create(
        ProtocolStep(
            protocol=protocol,
            position=n,
            name=s.name.strip(),
            minutes=s.minutes,
            cue=s.cue.strip(),
        )
        for n, s in enumerate(steps)
    )


def _check_protocol_name(network_id: int | None, name: str, exclude_pk: int | None) -> None:
    if not name.strip():
        raise ValidationError({"name": "Give the protocol a name."})
    same = Protocol.objects.filter(network=network_id, name__iexact=name.strip())
    if exclude_pk is not None:
        same = same.exclude(pk=exclude_pk)
    if same.exists():
        raise ValidationError({"name": f"There is already a protocol called “{name.strip()}”."})


def protocol_create(
    *, network: Network, name: str, description: str = "", steps: Sequence[Step], by: User
) -> Protocol:
    """Add an issue protocol of the network's own, with its timed steps in the order given.
    Groups of the network can then choose it."""
    require(by, "networks.manage_protocols", network)
    _check_protocol_name(network.pk, name, None)
    _check_steps(steps)
    protocol = Protocol(network=network, name=name.strip(), description=description.strip())
    _clean(protocol)
    with transaction.atomic():
        protocol.save()
        _write_steps(protocol, steps)
    return protocol


def protocol_update(
    *, protocol: Protocol, name: str, description: str, steps: Sequence[Step], by: User
) -> Protocol:
    """Change one of the network's own protocols (never a built-in one) and replace its steps.
    Refused while a room of a group using it is working an issue. Locks the protocol's row."""
    require(by, "networks.manage_protocols", protocol)
    _check_protocol_name(protocol.network_id, name, protocol.pk)
    _check_steps(steps)
    protocol.name, protocol.description = name.strip(), description.strip()
    _clean(protocol)
    with transaction.atomic():
        Protocol.objects.select_for_update().filter(pk=protocol.pk).first()
        in_use = RoomState.objects.filter(
            meeting__group__protocol=protocol, meeting__ends_at__gt=timezone.now()
        ).exclude(issue=None)
        if in_use.exists():
            raise ValidationError(
                "A meeting room is working an issue with this protocol now. Change it once the"
                " meeting is over.",
                code="in_use",
            )
        protocol.save(update_fields=["name", "description"])
        _write_steps(protocol, steps)
    return protocol


def protocol_delete(*, protocol: Protocol, by: User) -> None:
    """Delete one of the network's own protocols that no group uses. Locks its row."""
    require(by, "networks.manage_protocols", protocol)
    with transaction.atomic():
        Protocol.objects.select_for_update().filter(pk=protocol.pk).first()
        groups = list(
            PeerGroup.objects.filter(protocol=protocol)
            .order_by("name")
            .values_list("name", flat=True)
        )
        if groups:
            raise ValidationError(
                f"{protocol.name} cannot be deleted: {_and(groups)}"
                f" use{'s' if len(groups) == 1 else ''} it. Choose another on the group's page"
                " first.",
                code="in_use",
            )
        protocol.delete()


# --------------------------------------------------------------------------- settings


def network_settings_update(
    *,
    network: Network,
    name: str,
    contact_email: str,
    time_zone: str,
    issue_retention_months: int,
    by: User,
) -> Network:
    """Change the network's name, contact address, default time zone for new groups, and how
    long issues, notes and check-ins are kept (the nightly sweep erases older ones)."""
    require(by, "networks.change_settings", network)
    if Network.objects.filter(name__iexact=name.strip()).exclude(pk=network.pk).exists():
        raise ValidationError({"name": f"There is already a network called “{name.strip()}”."})
    network.name, network.contact_email = name.strip(), contact_email.strip()
    network.time_zone, network.issue_retention_months = time_zone, issue_retention_months
    _clean(network)
    try:
        with transaction.atomic():
            network.save(
                update_fields=["name", "contact_email", "time_zone", "issue_retention_months"]
            )
    except IntegrityError as error:
        raise ValidationError({"name": f"There is already a network called “{name}”."}) from error
    return network


# --------------------------------------------------------------------------- chasing replies


def group_today(meeting: Meeting, now: datetime | None = None) -> date:
    """Today where the meeting's group meets: the day a reply reminder counts against."""
    return (now or timezone.now()).astimezone(ZoneInfo(meeting.group.time_zone)).date()


def replies_remind(*, meeting: Meeting, by: User) -> list[User]:
    """Email the group's active members who have not replied to a meeting ahead, asking them
    to. At most once a day per meeting (the group's day), whoever asks: the claim is a unique
    `ReplyReminder` row, so two people pressing at once send one round. Returns who is emailed
    (after commit)."""
    require(by, "networks.remind_replies", meeting)
    now = timezone.now()
    if meeting.is_cancelled or meeting.starts_at <= now:
        raise ValidationError("Replies can only be chased for a meeting ahead.", code="past")
    waiting = members_not_replied([meeting])[meeting.pk]
    if not waiting:
        raise ValidationError("Everyone has replied.", code="nobody")
    day = group_today(meeting, now)
    try:
        with transaction.atomic():
            ReplyReminder.objects.create(meeting=meeting, day=day, sent_by=by)
    except IntegrityError as error:
        sent = ReplyReminder.objects.get(meeting=meeting, day=day).sent_at
        raise ValidationError(
            f"A reminder went out today at {timezone.localtime(sent):%H:%M}; another can be"
            " sent tomorrow.",
            code="too_soon",
        ) from error
    ids = [user.pk for user in waiting]
    transaction.on_commit(lambda: send_reply_reminder(meeting_id=meeting.pk, user_ids=ids))
    return waiting
