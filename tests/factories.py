"""Builders for test data: real rows through the real actions where an action exists."""

from datetime import date, datetime, time, timedelta
from itertools import count

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.utils import timezone

from peerpower.accounts.models import User
from peerpower.groups.models import Membership, PeerGroup
from peerpower.meetings.actions import series_generate
from peerpower.meetings.models import Meeting
from peerpower.networks.models import Network, NetworkRole, Venue

_seq = count(1)
PASSWORD = "a-long-test-password-1"


def make_user(
    name: str = "", *, email: str = "", mfa: bool = False, time_zone: str = "Europe/London"
) -> User:
    n = next(_seq)
    email = email or f"person{n}@example.org"
    user: User = User.objects.create_user(
        email=email, password=PASSWORD, name=name or f"Person {n}", time_zone=time_zone
    )
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    if mfa:
        TOTP.activate(user, generate_totp_secret())
    return user


def has_mfa(user: User) -> bool:
    return Authenticator.objects.filter(user=user).exists()  # type: ignore[no-any-return]


def make_network(name: str = "") -> Network:
    n = next(_seq)
    return Network.objects.create(name=name or f"Network {n}", slug=f"network-{n}")


def make_venue(network: Network, name: str = "") -> Venue:
    return Venue.objects.create(
        network=network, name=name or f"Venue {next(_seq)}", address="1 High Street\nLondon"
    )


def make_admin(network: Network, name: str = "Admin") -> User:
    user = make_user(name, mfa=True)
    NetworkRole.objects.create(network=network, user=user, role=NetworkRole.Role.ADMIN)
    return user


def make_group(
    network: Network,
    name: str = "",
    *,
    week_of_month: int = 2,
    weekday: int = 1,
    start: time = time(9, 30),
    end: time = time(13, 30),
    series_start: date | None = None,
    venue: Venue | None = None,
    time_zone: str = "Europe/London",
    generate: bool = True,
    today: date | None = None,
) -> PeerGroup:
    group = PeerGroup.objects.create(
        network=network,
        name=name or f"Group {next(_seq)}",
        week_of_month=week_of_month,
        weekday=weekday,
        start_time=start,
        end_time=end,
        series_start=series_start or date(2020, 1, 1),
        default_venue=venue,
        time_zone=time_zone,
    )
    if generate:
        series_generate(group=group, today=today, notify=False)
    return group


def add_member(
    group: PeerGroup, user: User | None = None, *, role: str = "member", status: str = "active"
) -> Membership:
    user = user or make_user(mfa=role == "chair")
    return Membership.objects.create(
        group=group,
        user=user,
        role=role,
        status=status,
        joined_on=date(2020, 1, 1) if status in ("active", "paused", "left") else None,
        left_on=date(2021, 1, 1) if status == "left" else None,
        # as if the group had been told when they joined (groups.history.announce)
        announced_at=timezone.now() if status in ("active", "paused", "left") else None,
    )


def make_past_meeting(group: PeerGroup, months_ago: int = 1) -> Meeting:
    """A meeting already held (the series generator only makes future ones)."""
    start = timezone.now().replace(microsecond=0) - timedelta(days=35 * months_ago)
    meeting = Meeting.objects.create(
        group=group,
        slot=(start.date() - timedelta(days=start.day - 1)),
        starts_at=start,
        ends_at=start + timedelta(hours=4),
        venue=group.default_venue,
    )
    meeting.agenda_items.create(position=0, title="Issues session", kind="issues", minutes=240)
    return meeting


def move_meeting(meeting: Meeting, starts_at: datetime, hours: int = 4) -> Meeting:
    """Put a meeting at another time, as the tests need (saved, so its `day` follows)."""
    meeting.starts_at, meeting.ends_at = starts_at, starts_at + timedelta(hours=hours)
    meeting.save()
    return meeting
