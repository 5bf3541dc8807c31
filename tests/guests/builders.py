"""Guest requests in each state, built through the real actions where a person would act."""

import time
from datetime import timedelta
from itertools import count
from typing import Any

from django.core import signing
from django.utils import timezone

from peerpower.accounts.models import User
from peerpower.groups.models import PeerGroup
from peerpower.guests import actions, spam
from peerpower.guests.models import GroupGuestSettings, GuestRequest
from peerpower.meetings.models import Meeting
from peerpower.networks.models import Network
from tests import factories

_seq = count(1)


def old_form_token(seconds: float = 60) -> str:
    """A form token as if the form had been shown `seconds` ago."""
    return signing.dumps(
        {"t": time.time() - seconds, "n": f"test{next(_seq)}"}, salt=spam.FORM_SALT
    )


def request_values(**overrides: Any) -> dict[str, Any]:
    n = next(_seq)
    values: dict[str, Any] = {
        "name": f"Gwen Guest {n}",
        "email": f"guest{n}@example.org",
        "job_title": "Chief executive",
        "organisation": f"Riverside Trust {n}",
        "registered_number": "",
        "sector": "housing",
        "income_band": "medium",
        "region": "london",
        "reason": "I want to learn from other leaders.",
        "preferred_group": None,
        "preferred_area": "",
        "heard_from": "A friend",
        "consent": True,
    }
    values.update(overrides)
    return values


def list_group(group: PeerGroup, places: int = 2) -> None:
    GroupGuestSettings.objects.update_or_create(
        group=group, defaults={"listed": True, "places": places}
    )


def submit(network: Network, *, ip: str = "", **overrides: Any) -> GuestRequest:
    return actions.request_submit(
        network=network,
        values=request_values(**overrides),
        ip=ip or f"10.0.0.{next(_seq) % 250}",
        form_token=old_form_token(),
    ).request


def confirmed(network: Network, **overrides: Any) -> GuestRequest:
    request = submit(network, **overrides)
    return actions.request_confirm(token=actions.confirm_token(request))


def invited(network: Network, meeting: Meeting, by: User, **overrides: Any) -> GuestRequest:
    request = confirmed(network, **overrides)
    return actions.request_invite(request=request, meeting=meeting, by=by)


def guest_user(
    network: Network, meeting: Meeting, by: User, *, pledged: bool = True
) -> tuple[GuestRequest, User]:
    """A guest who accepted their invitation (and, by default, the pledge)."""
    request = invited(network, meeting, by)
    user = actions.guest_join(
        request=request, user=None, name=request.name, password=factories.PASSWORD
    )
    request.refresh_from_db()
    if pledged:
        actions.guest_pledge_accept(request=request, by=user)
    return request, user


def visited(network: Network, meeting: Meeting, by: User) -> tuple[GuestRequest, User]:
    """A guest who came to `meeting` (which must have begun): invited beforehand, present."""
    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=timezone.now() + timedelta(days=2),
        ends_at=timezone.now() + timedelta(days=2, hours=4),
    )
    meeting.refresh_from_db()
    request, user = guest_user(network, meeting, by)
    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=timezone.now() - timedelta(days=2),
        ends_at=timezone.now() - timedelta(days=2) + timedelta(hours=4),
    )
    meeting.refresh_from_db()
    actions.guest_attendance_record(meeting=meeting, marks={request.pk: "present"}, by=by)
    request.refresh_from_db()
    return request, user
