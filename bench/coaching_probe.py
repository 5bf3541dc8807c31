"""Set-up for bench/coaching.py, run in-process against the benchmark's database: a coach
(hours every day 08:00–20:00, London) with 200 booked sessions over the next 30 days, 50
members each with an engagement, a session cookie for each, and the slot computation timed
in-process. Prints one JSON line."""

import json
import os
import statistics
import sys
import time
import uuid
from datetime import datetime, timedelta
from datetime import time as clock
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peerpower.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402 - after django.setup()
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402 - after django.setup()
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402 - after django.setup()
from django.utils import timezone  # noqa: E402 - after django.setup()

from peerpower.accounts.models import User  # noqa: E402 - after django.setup()
from peerpower.coaching.models import (  # noqa: E402 - after django.setup()
    AvailabilityRule,
    CoachProfile,
    Engagement,
    Session,
)
from peerpower.coaching.queries import slots_for  # noqa: E402 - after django.setup()
from peerpower.groups.models import Membership, PeerGroup  # noqa: E402 - after django.setup()
from peerpower.networks.models import Network, NetworkRole  # noqa: E402 - after django.setup()

LONDON = ZoneInfo("Europe/London")


def cookie(user: User) -> str:
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return f"{settings.SESSION_COOKIE_NAME}={store.session_key}"


def main() -> None:
    run = uuid.uuid4().hex[:6]
    network = Network.objects.create(name=f"Bench {run}", slug=f"bench-{run}")
    group = PeerGroup.objects.create(
        network=network,
        name="Bench group",
        week_of_month=2,
        weekday=1,
        start_time=clock(9, 30),
        end_time=clock(13, 30),
        series_start=timezone.localdate(),
    )
    coach = User.objects.create_user(email=f"coach-{run}@bench.test", name="Bench Coach")
    NetworkRole.objects.create(network=network, user=coach, role=NetworkRole.Role.COACH)
    profile = CoachProfile.objects.create(
        network=network, user=coach, time_zone="Europe/London", horizon_days=30, notice_hours=24
    )
    for weekday in range(7):
        AvailabilityRule.objects.create(
            coach=profile, weekday=weekday, starts=clock(8), ends=clock(20)
        )
    members = []
    engagements = []
    today = timezone.localdate()
    for n in range(51):
        user = User.objects.create_user(email=f"m{n}-{run}@bench.test", name=f"Member {n}")
        Membership.objects.create(group=group, user=user, status="active", joined_on=today)
        members.append(user)
        engagements.append(
            Engagement.objects.create(
                network=network,
                coach=profile,
                member=user,
                allowance=500,
                starts_on=today - timedelta(days=1),
                ends_on=today + timedelta(days=60),
            )
        )
    # 200 booked sessions (of the 51st member): the first 20 days from day 3, ten a day.
    busy = engagements[-1]
    for i in range(200):
        day = today + timedelta(days=3 + i // 10)
        starts = datetime.combine(day, clock(8), tzinfo=LONDON) + timedelta(minutes=75 * (i % 10))
        Session.objects.create(
            engagement=busy, coach=coach, member=busy.member, starts_at=starts,
            ends_at=starts + timedelta(minutes=60), blocked_until=starts + timedelta(minutes=75),
            idempotency_key=uuid.uuid4(),
        )  # fmt: skip
    timings = []
    for _ in range(10):
        began = time.perf_counter()
        slots = slots_for(profile, 60)
        timings.append((time.perf_counter() - began) * 1000)
    # Free starts on days 24 and up (no sessions there) to contest, one per round.
    contested = [
        datetime.combine(today + timedelta(days=24 + r // 10), clock(8), tzinfo=LONDON)
        + timedelta(minutes=75 * (r % 10))
        for r in range(30)
    ]
    print(
        json.dumps(
            {
                "cookies": [cookie(u) for u in members[:50]],
                "engagements": [e.pk for e in engagements[:50]],
                "contested": [f"{c:%Y-%m-%dT%H:%M%z}" for c in contested],
                "slots": len(slots),
                "slots_ms_median": statistics.median(timings),
                "book_page": f"/coaching/engagements/{engagements[0].pk}/book/",
                "book_cookie": cookie(members[0]),
            }
        )
    )


main()
