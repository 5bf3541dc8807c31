"""A person's seats and roles, loaded once per request and asked by every rule.

Every permission and most visibility decisions ask the same few questions: is this person a
current member of that group, its chair, pledged since when, an admin of that network? Asked of
the database one rule at a time, a page asks them several times over. `access_for(user)` loads
all of the person's memberships and network roles in two queries and answers from memory.

Inside a request the answer is cached on `request.user` (see `AccessMiddleware`), which lives
for that request only. Outside a request (actions called from a task, a command or a test) it
is loaded fresh on every call, so a change of role is never answered from an old copy.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

from django.contrib.auth.middleware import get_user
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.utils.functional import SimpleLazyObject

from peerpower.groups.models import Membership, PeerGroup
from peerpower.guests.models import GuestRequest
from peerpower.networks.models import Network, NetworkRole

_CACHE = "_peerpower_access"
# The role of the access query's row that says the person has a guest request.
_GUEST = "guest-request"
_SCOPED = "_peerpower_request_scoped"


@dataclass(frozen=True, slots=True)
class Seat:
    """One membership, as the rules need it."""

    group_id: int
    network_id: int
    role: str
    status: str
    joined_on: date | None
    pledged: bool

    @property
    def is_current(self) -> bool:
        return self.status in Membership.CURRENT

    @property
    def is_chair(self) -> bool:
        return self.role == Membership.Role.CHAIR and self.status == Membership.Status.ACTIVE


class Access:
    """What one person holds: their memberships by group and their roles by network."""

    def __init__(
        self, seats: dict[int, Seat], roles: dict[int, frozenset[str]], *, guest: bool = False
    ) -> None:
        self.seats = seats
        self.roles = roles
        # The person has a guest request of their own (answered by the same one query, so the
        # guest scope costs nothing more for everyone else).
        self.guest = guest
        self._networks: list[Network] | None = None

    @classmethod
    def load(cls, user: Any) -> "Access":
        if not getattr(user, "is_authenticated", False):
            return cls({}, {})
        seats: dict[int, Seat] = {}
        roles: dict[int, set[str]] = {}
        guest = False
        with connection.cursor() as cursor:
            cursor.execute(_access_sql(), [user.pk, user.pk, user.pk])
            for group_id, network_id, role, status, joined_on, pledged in cursor.fetchall():
                if role == _GUEST:
                    guest = True
                    continue
                if group_id is None:
                    roles.setdefault(network_id, set()).add(role)
                    continue
                if isinstance(joined_on, str):  # SQLite gives a compound SELECT's dates as text
                    joined_on = date.fromisoformat(joined_on)
                seats[group_id] = Seat(group_id, network_id, role, status, joined_on, bool(pledged))
        return cls(seats, {nid: frozenset(r) for nid, r in roles.items()}, guest=guest)

    # --- groups

    def seat(self, group_id: int) -> Seat | None:
        return self.seats.get(group_id)

    def is_current(self, group_id: int) -> bool:
        seat = self.seats.get(group_id)
        return seat is not None and seat.is_current

    def is_active(self, group_id: int) -> bool:
        seat = self.seats.get(group_id)
        return seat is not None and seat.status == Membership.Status.ACTIVE

    def is_chair(self, group_id: int) -> bool:
        seat = self.seats.get(group_id)
        return seat is not None and seat.is_chair

    def holds_pledged_seat(self, group_id: int, day: date | None = None) -> bool:
        """A current member or chair who accepted the pledge and, if `day` is given, had
        joined by that day (the joined-later rule of the issues session)."""
        seat = self.seats.get(group_id)
        if seat is None or not seat.is_current or not seat.pledged:
            return False
        if day is None:
            return True
        return seat.joined_on is not None and seat.joined_on <= day

    def active_group_ids(self) -> list[int]:
        return [gid for gid, seat in self.seats.items() if seat.status == Membership.Status.ACTIVE]

    def current_group_ids(self) -> list[int]:
        return [gid for gid, seat in self.seats.items() if seat.is_current]

    def chaired_group_ids(self) -> list[int]:
        return [gid for gid, seat in self.seats.items() if seat.is_chair]

    # --- networks

    def has_role(self, network_id: int, role: str) -> bool:
        return role in self.roles.get(network_id, frozenset())

    def administers(self, network_id: int) -> bool:
        return self.has_role(network_id, NetworkRole.Role.ADMIN)

    def administered_network_ids(self) -> list[int]:
        return [nid for nid, roles in self.roles.items() if NetworkRole.Role.ADMIN in roles]

    def administered_networks(self) -> list[Network]:
        """The networks the person runs, by name (one query, the first time it is asked)."""
        if self._networks is None:
            ids = self.administered_network_ids()
            self._networks = (
                list(Network.objects.filter(id__in=ids).order_by("name")) if ids else []
            )
        return self._networks

    def can_view_group(self, group_id: int, network_id: int) -> bool:
        return self.is_current(group_id) or self.administers(network_id)

    def can_manage_group(self, group_id: int, network_id: int) -> bool:
        return self.is_chair(group_id) or self.administers(network_id)


@cache
def _access_sql() -> str:
    """The person's memberships, network roles and whether they have a guest request, in one
    statement (network roles as rows with no group; a guest request as one row of role
    `_GUEST`). Written out once rather than built by the ORM on every request: this runs on
    nearly every page, and building the union cost more CPU than the database took to run it."""
    q = connection.ops.quote_name
    names = {
        "memberships": q(Membership._meta.db_table),
        "groups": q(PeerGroup._meta.db_table),
        "roles": q(NetworkRole._meta.db_table),
        "guest_requests": q(GuestRequest._meta.db_table),
        "guest": _GUEST,
    }
    # Only our own quoted table names go into the text; the user's id is a parameter.
    return _ACCESS_SQL.format(**names)


_ACCESS_SQL = """
SELECT m.group_id, g.network_id, m.role, m.status, m.joined_on,
       CASE WHEN m.pledge_accepted_at IS NULL THEN 0 ELSE 1 END
  FROM {memberships} m JOIN {groups} g ON g.id = m.group_id
 WHERE m.user_id = %s
UNION ALL
SELECT NULL, r.network_id, r.role, '', NULL, 0
  FROM {roles} r
 WHERE r.user_id = %s
UNION ALL
SELECT NULL, NULL, '{guest}', '', NULL, 0
 WHERE EXISTS (SELECT 1 FROM {guest_requests} q WHERE q.user_id = %s)
"""


def access_for(user: Any) -> Access:
    """The person's access: from the request's cache where there is one, else fresh."""
    if not getattr(user, _SCOPED, False):
        return Access.load(user)
    cached: Access | None = getattr(user, _CACHE, None)
    if cached is None:
        cached = Access.load(user)
        setattr(user, _CACHE, cached)
    return cached


def loaded_access(user: Any) -> Access | None:
    """The access this request has already loaded for the person, or None (never loads): for
    queries that have a subquery to fall back on when asked of someone else."""
    if not getattr(user, _SCOPED, False):
        return None
    cached: Access | None = getattr(user, _CACHE, None)
    return cached


def forget_access(user: Any) -> None:
    """Drop the cached answer after the person's memberships or roles changed."""
    if hasattr(user, _CACHE):
        delattr(user, _CACHE)


class AccessMiddleware:
    """Marks `request.user` as living for this request only, so `access_for` may cache on it.

    It replaces AuthenticationMiddleware's lazy user with one that is still loaded lazily (a
    request that never asks costs nothing) but carries the mark once it is."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        def load() -> Any:
            user = get_user(request)
            setattr(user, _SCOPED, True)
            return user

        request.user = SimpleLazyObject(load)  # type: ignore[assignment]
        return self.get_response(request)
