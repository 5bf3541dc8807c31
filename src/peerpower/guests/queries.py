"""Who sees which guest requests, and what the public page, triage and the funnel show.

A request's details reach the network's admins and the chair of the group whose meeting the
guest is invited to; the guest sees their own. Nobody else, and nothing of a group's members
reaches a guest or the public page (names, organisations and contact details stay out).
"""

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from dateutil.relativedelta import relativedelta
from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from peerpower.accounts.models import User
from peerpower.groups.access import access_for
from peerpower.groups.models import Membership, PeerGroup
from peerpower.guests.models import (
    CONTACT_CONSENT,
    ConflictFinding,
    GroupGuestSettings,
    GuestRequest,
    GuestSettings,
    OrganisationToAvoid,
)
from peerpower.meetings.models import Meeting
from peerpower.networks.models import Network

# How many upcoming dates the public page shows per group.
PUBLIC_DATES = 3
DEFAULT_PLACES = GroupGuestSettings._meta.get_field("places").default


def settings_of(network: Network) -> GuestSettings:
    """The network's guest settings (the defaults, unsaved, until an admin saves them)."""
    found = GuestSettings.objects.filter(network=network).first()
    return found or GuestSettings(network=network)


def contact_consent_text(network: Network) -> str:
    """The words a guest agrees to on the public form: the box and the network's notice."""
    return f"{CONTACT_CONSENT}\n\n{settings_of(network).privacy_notice}"


def group_settings_of(group: PeerGroup) -> GroupGuestSettings:
    found = GroupGuestSettings.objects.filter(group=group).first()
    return found or GroupGuestSettings(group=group)


def is_guest_only(user: User | AnonymousUser) -> bool:
    """A person whose only tie to the site is a guest request: no membership of any kind, no
    network role, not staff. Such a person reaches the guest pages and nothing else. Answered
    from the person's access (its one query says whether they have a guest request too), so it
    costs nothing on a page that asks any rule."""
    if not user.is_authenticated or user.is_staff or user.is_superuser:
        return False
    access = access_for(user)
    return access.guest and not access.seats and not access.roles


def considering_joining(user: User | AnonymousUser, network: Network) -> GuestRequest | None:
    """The person's own request to the network if they came to a meeting and may join
    (visited, applied or accepted): an applicant, who may make the trustee business case."""
    if not user.is_authenticated or not access_for(user).guest:
        return None
    return (
        GuestRequest.objects.filter(
            user=user, network=network, status__in=GuestRequest.CONSIDERING_JOINING
        )
        .order_by("-last_activity_at")
        .first()
    )


def requests_visible_to(user: User | AnonymousUser) -> QuerySet[GuestRequest]:
    """Requests of networks the person runs, and those invited to meetings of groups they
    chair. Unconfirmed ones never: they have reached nobody yet."""
    if not user.is_authenticated:
        return GuestRequest.objects.none()
    access = access_for(user)
    return GuestRequest.objects.filter(
        Q(network_id__in=access.administered_network_ids())
        | Q(meeting__group_id__in=access.chaired_group_ids()),
        status__in=GuestRequest.IN_TRIAGE,
    )


def own_requests(user: User) -> QuerySet[GuestRequest]:
    return GuestRequest.objects.filter(user=user).select_related(
        "network", "meeting__group", "meeting__venue", "membership__group"
    )


def triage_list(network: Network, *, status: str = "", search: str = "") -> QuerySet[GuestRequest]:
    rows = GuestRequest.objects.filter(network=network, status__in=GuestRequest.IN_TRIAGE)
    if status:
        rows = rows.filter(status=status)
    if search:
        rows = rows.filter(
            Q(name__icontains=search)
            | Q(email__icontains=search)
            | Q(organisation__icontains=search)
        )
    return (
        rows.select_related("preferred_group", "meeting__group")
        .annotate(
            open_findings=Count("findings", filter=Q(findings__state=ConflictFinding.State.OPEN))
        )
        .order_by("-last_activity_at", "-id")
    )


def places_taken(meeting_ids: list[int]) -> dict[int, int]:
    """Guest places held at each meeting (one query)."""
    rows = (
        GuestRequest.objects.filter(meeting_id__in=meeting_ids, status=GuestRequest.Status.INVITED)
        .exclude(chair_decision=GuestRequest.ChairDecision.REFUSED)
        .values("meeting_id")
        .annotate(n=Count("id"))
    )
    return {row["meeting_id"]: row["n"] for row in rows}


def places_left(meeting: Meeting) -> int:
    places = (
        GroupGuestSettings.objects.filter(group_id=meeting.group_id)
        .values_list("places", flat=True)
        .first()
    )
    total = DEFAULT_PLACES if places is None else places
    return max(0, total - places_taken([meeting.pk]).get(meeting.pk, 0))


@dataclass
class PublicGroup:
    group: PeerGroup
    area: str
    dates: list[tuple[Meeting, int]] = field(default_factory=list)


def public_groups(network: Network, now: datetime | None = None) -> list[PublicGroup]:
    """The groups the network lists, each with its next dates that have a guest place left.
    Three queries whatever the number of groups; nothing about members."""
    now = now or timezone.now()
    listed = list(
        GroupGuestSettings.objects.filter(group__network=network, listed=True)
        .select_related("group__default_venue")
        .order_by("group__name")
    )
    if not listed:
        return []
    meetings = list(
        Meeting.objects.filter(
            group_id__in=[s.group_id for s in listed],
            status=Meeting.Status.SCHEDULED,
            starts_at__gt=now,
            started_at=None,
        )
        .select_related("venue")
        .order_by("starts_at")
    )
    taken = places_taken([m.pk for m in meetings])
    by_group: dict[int, list[Meeting]] = defaultdict(list)
    for meeting in meetings:
        by_group[meeting.group_id].append(meeting)
    result = []
    for settings in listed:
        group = settings.group
        area = settings.area or ("online" if group.online_link and not group.default_venue else "")
        entry = PublicGroup(group=group, area=area)
        for meeting in by_group[group.pk]:
            left = settings.places - taken.get(meeting.pk, 0)
            if left > 0:
                entry.dates.append((meeting, left))
            if len(entry.dates) == PUBLIC_DATES:
                break
        result.append(entry)
    return result


def bookable_meetings(network: Network, now: datetime | None = None) -> list[tuple[Meeting, int]]:
    """Upcoming scheduled meetings of the network's groups with a guest place left (for the
    admin's invitation picker)."""
    now = now or timezone.now()
    meetings = list(
        Meeting.objects.filter(
            group__network=network,
            status=Meeting.Status.SCHEDULED,
            starts_at__gt=now,
            started_at=None,
            starts_at__lt=now + timedelta(days=200),
        )
        .select_related("group")
        .order_by("starts_at")
    )
    places = dict(
        GroupGuestSettings.objects.filter(group__network=network).values_list("group_id", "places")
    )
    taken = places_taken([m.pk for m in meetings])
    result = []
    for meeting in meetings:
        left = places.get(meeting.group_id, DEFAULT_PLACES) - taken.get(meeting.pk, 0)
        if left > 0:
            result.append((meeting, left))
    return result


def _at_meeting(meeting: Meeting) -> QuerySet[GuestRequest]:
    """The meeting's guests: invited (waiting for the chair or expected) and those who came."""
    return (
        GuestRequest.objects.filter(meeting=meeting, status__in=GuestRequest.AT_MEETING)
        .exclude(chair_decision=GuestRequest.ChairDecision.REFUSED)
        .order_by("name")
    )


def guests_of_meeting(user: User | AnonymousUser, meeting: Meeting) -> QuerySet[GuestRequest]:
    """The meeting's guests, with their requests' details, as far as the person may see them:
    the network's admins and the chair of the meeting's group (`requests_visible_to`)."""
    return _at_meeting(meeting) & requests_visible_to(user)


def expected_guests(meeting: Meeting) -> QuerySet[GuestRequest]:
    """The guests whose invitation went out (not those waiting for the chair): the ones whose
    attendance is recorded."""
    return _at_meeting(meeting).exclude(chair_decision=GuestRequest.ChairDecision.PENDING)


def visible_meeting_id(request: GuestRequest) -> int | None:
    """The meeting a guest may see of their own request: only once its invitation was sent
    (not while the chair is still deciding, nor after a refusal, a decline or "I can no longer
    come"). Its venue, link and agenda open only after the pledge as well."""
    return request.meeting_id if request.invitation_sent else None


def listed_groups(network: Network) -> QuerySet[PeerGroup]:
    """The network's groups that take guests (those on the public page): the only ones a guest
    can ask for or apply to."""
    return PeerGroup.objects.filter(network=network, guest_settings__listed=True).order_by("name")


def application_groups(request: GuestRequest) -> QuerySet[PeerGroup]:
    """The groups a guest may apply to: those that take guests, and the one they visited."""
    return (
        PeerGroup.objects.filter(
            Q(guest_settings__listed=True) | Q(meetings__pk=request.meeting_id or 0),
            network_id=request.network_id,
        )
        .distinct()
        .order_by("name")
    )


def is_listed(group: PeerGroup) -> bool:
    return GroupGuestSettings.objects.filter(group=group, listed=True).exists()


# --- the conflict check


@dataclass(frozen=True)
class Finding:
    membership: Membership
    kind: str
    reason: str


def _norm(text: str) -> str:
    return " ".join(text.casefold().replace(".", " ").split())


def find_conflicts(request: GuestRequest, group: PeerGroup) -> list[Finding]:
    """What the group's current members have in common with the guest's organisation: the same
    organisation or registered number, the same sector in the same region and income band (a
    possible competitor), or a member who asked not to meet it. Two queries."""
    members = list(
        Membership.objects.filter(group=group, status__in=Membership.HOLDS_PLACE).select_related(
            "user", "organisation"
        )
    )
    avoid: dict[int, list[OrganisationToAvoid]] = defaultdict(list)
    for entry in OrganisationToAvoid.objects.filter(user_id__in=[m.user_id for m in members]):
        avoid[entry.user_id].append(entry)
    name = _norm(request.organisation)
    number = request.registered_number.strip().upper()
    found = []
    for membership in members:
        who = membership.user.display_name
        org = membership.organisation
        if org is not None:
            same_name = _norm(org.name) == name
            same_number = bool(number) and org.registered_number.strip().upper() == number
            if same_name or same_number:
                what = "registered number" if same_number and not same_name else "organisation"
                found.append(
                    Finding(
                        membership,
                        ConflictFinding.Kind.SAME_ORGANISATION,
                        f"{who} leads the same {what} ({org.name}).",
                    )
                )
            elif (org.sector, org.region, org.size_band) == (
                request.sector,
                request.region,
                request.income_band,
            ):
                found.append(
                    Finding(
                        membership,
                        ConflictFinding.Kind.COMPETITOR,
                        f"{who}'s {org.name} is also in {org.get_sector_display().lower()}, "
                        f"{org.get_region_display()}, {org.get_size_band_display()}.",
                    )
                )
        for entry in avoid[membership.user_id]:
            entry_number = entry.registered_number.strip().upper()
            if _norm(entry.name) == name or (bool(number) and entry_number == number):
                found.append(
                    Finding(
                        membership,
                        ConflictFinding.Kind.AVOID,
                        f"{who} asked not to meet {entry.name} in the group.",
                    )
                )
    return found


# --- the funnel

FUNNEL_STEPS: list[tuple[str, str]] = [
    ("requests", "Requests"),
    ("confirmed", "Confirmed"),
    ("invited", "Invited"),
    ("visited", "Visited"),
    ("applied", "Applied"),
    ("members", "Members"),
]


@dataclass
class FunnelRow:
    label: str
    counts: dict[str, int]

    def rate(self, step: str) -> str:
        """The step's count as a share of the previous step's."""
        keys = [key for key, _ in FUNNEL_STEPS]
        i = keys.index(step)
        if i == 0:
            return ""
        before = self.counts[keys[i - 1]]
        return f"{round(100 * self.counts[step] / before)}%" if before else "–"


@dataclass
class Funnel:
    total: FunnelRow
    months: list[FunnelRow]
    groups: list[FunnelRow]
    reasons: list[tuple[str, int]]


def _steps(row: Mapping[str, object]) -> dict[str, bool]:
    return {
        "requests": True,
        "confirmed": row["confirmed_at"] is not None,
        "invited": row["invited_at"] is not None,
        "visited": row["visited_at"] is not None,
        "applied": row["applied_at"] is not None,
        "members": row["member_at"] is not None,
    }


def funnel(network: Network, today: date | None = None) -> Funnel:
    """Requests of the last 12 months through each step, in total, by month of the request and
    by group (the meeting's group, else the preferred one), with the reasons people gave for
    not joining. One query."""
    today = today or timezone.localdate()
    first = today.replace(day=1) - relativedelta(months=11)
    rows = list(
        GuestRequest.objects.filter(network=network, created_at__date__gte=first).values(
            "created_at",
            "confirmed_at",
            "invited_at",
            "visited_at",
            "applied_at",
            "member_at",
            "held_back",
            "meeting__group__name",
            "preferred_group__name",
        )
    )
    empty = {key: 0 for key, _ in FUNNEL_STEPS}
    months: dict[date, dict[str, int]] = {}
    month = first
    while month <= today:
        months[month] = dict(empty)
        month += relativedelta(months=1)
    total = dict(empty)
    groups: dict[str, dict[str, int]] = defaultdict(lambda: dict(empty))
    reasons: dict[str, int] = defaultdict(int)
    labels = dict(GuestRequest.HeldBack.choices)
    for row in rows:
        created = timezone.localtime(row["created_at"]).date().replace(day=1)
        group = row["meeting__group__name"] or row["preferred_group__name"] or "No group yet"
        for step, reached in _steps(row).items():
            if reached:
                total[step] += 1
                groups[group][step] += 1
                if created in months:
                    months[created][step] += 1
        if row["held_back"]:
            reasons[labels[row["held_back"]]] += 1
    return Funnel(
        total=FunnelRow("All requests", total),
        months=[FunnelRow(f"{m:%b %Y}", c) for m, c in months.items()],
        groups=[FunnelRow(name, groups[name]) for name in sorted(groups)],
        reasons=sorted(reasons.items(), key=lambda item: (-item[1], item[0])),
    )
