"""In-process helper for bench/room.py: build the live rooms, count the poll's queries, then
drive the rooms on request.

Run by bench/room.py with PEERPOWER_VAR_DIR pointing at its throwaway data directory, after the
migrations and the demo data:  .venv/bin/python bench/room_probe.py MEETINGS MEMBERS

1. Set-up. In the demo network, MEETINGS groups, each with a chair and MEMBERS members, all
   active, joined six months ago and with the pledge accepted (Membership.pledge_accepted_at).
   Each group gets one meeting that started 40 minutes ago (its agenda from the network's
   template), two queued issues, and a RoomState that the chair has moved
   on with room.room_act: the first segment started, the first issue being worked, a
   scribe chosen. Each member gets a session made the way django.contrib.auth.login() makes
   one (see bench/probe.py). Chairs get no session: nothing polls as a chair.
2. Counts and times, in-process with django.test.Client (a separate member session), one
   request after warm-up: the bare view, the bare view with a session, an unchanged poll and
   a changed poll (`?v=` one behind the room).
3. Prints one JSON object on a line of its own (see `main`), then serves the driver: each line
   on stdin is a JSON list of meeting ids; for each, the chair's next room action
   (room.room_act, alternately "next_step" and "previous_step", so the room keeps an issue
   with its protocol steps on screen) is committed, and one JSON line answers
   {"versions": {id: new version}, "ms": time taken}. EOF on stdin ends the helper.
"""

import json
import os
import sys
import time
from collections.abc import Callable
from datetime import time as clock
from datetime import timedelta
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peerpower.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402
from probe import make_session  # noqa: E402 - bench/ is sys.path[0] when run as a script

from peerpower.accounts.models import User  # noqa: E402
from peerpower.groups.models import Membership, PeerGroup  # noqa: E402
from peerpower.issues import room as live  # noqa: E402
from peerpower.issues.models import Issue, RoomState  # noqa: E402
from peerpower.issues.room import RoomAction  # noqa: E402
from peerpower.meetings.actions import _fit_agenda  # noqa: E402
from peerpower.meetings.models import AgendaItem, Meeting  # noqa: E402
from peerpower.meetings.queries import agenda_template  # noqa: E402
from peerpower.networks.models import Network  # noqa: E402

DOMAIN = "bench.peerpower.test"
NETWORK_SLUG = "northbridge"  # the demo network (load_demo)
# In-process timing: requests per target after the warm-up.
TIMED_REQUESTS = 200
WARMUP_REQUESTS = 20


def build(meetings: int, members: int) -> tuple[list[dict[str, int]], list[dict[str, object]]]:
    """The groups, meetings, rooms and member sessions. Returns (rooms, members)."""
    network = Network.objects.get(slug=NETWORK_SLUG)
    now = timezone.now().replace(second=0, microsecond=0)
    today = timezone.localdate()
    series_start = (today - timedelta(days=183)).replace(day=1)
    unusable = make_password(None)  # no password: nobody logs in through the form here
    rooms: list[dict[str, int]] = []
    people: list[dict[str, object]] = []
    with transaction.atomic():
        for g in range(1, meetings + 1):
            group = PeerGroup.objects.create(
                network=network,
                name=f"Bench room {g:02d}",
                start_time=clock(9, 30),
                end_time=clock(13, 30),
                series_start=series_start,
                description="A benchmark group.",
            )
            chair = User.objects.create(
                email=f"chair-{g:02d}@{DOMAIN}", name=f"Chair {g:02d}", password=unusable
            )
            users = User.objects.bulk_create(
                User(
                    email=f"member-{g:02d}-{n:02d}@{DOMAIN}",
                    name=f"Member {g:02d}-{n:02d}",
                    password=unusable,
                )
                for n in range(1, members + 1)
            )
            Membership.objects.bulk_create(
                Membership(
                    group=group,
                    user=user,
                    role=Membership.Role.CHAIR if user is chair else Membership.Role.MEMBER,
                    status=Membership.Status.ACTIVE,
                    joined_on=series_start,
                    announced_at=timezone.now(),
                    pledge_accepted_at=timezone.now(),
                )
                for user in [chair, *users]
            )
            starts_at = now - timedelta(minutes=40)
            ends_at = starts_at + timedelta(minutes=group.duration_minutes)
            meeting = Meeting.objects.create(
                group=group,
                slot=today.replace(day=1),
                starts_at=starts_at,
                ends_at=ends_at,
                online_link="https://meet.example.org/bench",
            )
            AgendaItem.objects.bulk_create(
                AgendaItem(meeting=meeting, position=i, title=title, kind=kind, minutes=minutes)
                for i, (title, kind, minutes) in enumerate(
                    _fit_agenda(agenda_template(group), group.duration_minutes)
                )
            )
            issues = [
                Issue.objects.create(
                    group=group,
                    meeting=meeting,
                    presenter=users[n],
                    question=f"How do I {topic}?",
                    why_now="The board meets next month.",
                    tried="Talked it through with the treasurer.",
                    help_wanted="Experience of doing this in a small charity.",
                    status=Issue.Status.QUEUED,
                    position=n,
                )
                for n, topic in enumerate(
                    ["keep two funders happy", "hand over to my deputy"][: len(users)]
                )
            ]
            room = live.room_act(
                meeting=meeting, by=chair, action=RoomAction.START, expected_version=1
            )
            room = live.room_act(
                meeting=meeting,
                by=chair,
                action=RoomAction.START_ISSUE,
                expected_version=room.version,
                issue_id=issues[0].pk,
            )
            room = live.room_act(
                meeting=meeting,
                by=chair,
                action=RoomAction.SET_SCRIBE,
                expected_version=room.version,
                scribe_id=users[-1].pk,
            )
            rooms.append({"meeting": meeting.pk, "chair": chair.pk, "version": room.version})
            for user in users:
                people.append({"meeting": meeting.pk, "session": make_session(user)})
    return rooms, people


class SqlTimer:
    """An execute wrapper that adds up the time spent in the database driver."""

    def __init__(self) -> None:
        self.seconds = 0.0

    def __call__(
        self,
        execute: Callable[..., Any],
        sql: str,
        params: Any,
        many: bool,
        context: dict[str, Any],
    ) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started


def measure_in_process(rooms: list[dict[str, int]]) -> dict[str, dict[str, object]]:
    """SQL count (one request after warm-up) and mean in-process time of each target."""
    meeting = Meeting.objects.get(pk=rooms[0]["meeting"])
    version = RoomState.objects.get(meeting=meeting).version
    member = (
        Membership.objects.filter(group_id=meeting.group_id, role=Membership.Role.MEMBER)
        .select_related("user")
        .first()
    )
    if member is None:
        raise SystemExit("room_probe: the first bench group has no member")
    anonymous = Client()
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = make_session(member.user)
    state = f"/meetings/{meeting.pk}/room/state/"
    targets = [
        ("healthz", anonymous, "/healthz", 200),
        ("healthz+session", client, "/healthz", 200),
        ("unchanged", client, f"{state}?v={version}", 204),
        ("changed", client, f"{state}?v={version - 1}", 200),
    ]
    out: dict[str, dict[str, object]] = {}
    for name, who, path, expected in targets:
        for _ in range(WARMUP_REQUESTS):
            who.get(path)
        with CaptureQueriesContext(connection) as captured:
            response = who.get(path)
        if response.status_code != expected:
            raise SystemExit(
                f"room_probe: in-process GET {path} answered {response.status_code}, not {expected}"
            )
        sql = [q["sql"] for q in captured.captured_queries]
        # The database's share, timed around each execute (CaptureQueriesContext rounds its
        # times to the millisecond, and a poll's queries take less).
        timer = SqlTimer()
        started = time.perf_counter()
        with connection.execute_wrapper(timer):
            for _ in range(TIMED_REQUESTS):
                who.get(path)
        total = time.perf_counter() - started
        sql_seconds = timer.seconds
        out[name] = {
            "path": path,
            "status": response.status_code,
            "count": len(sql),
            "sql": sql,
            "ms": total / TIMED_REQUESTS * 1000,
            "sql_ms": sql_seconds / TIMED_REQUESTS * 1000,
        }
    return out


def serve(rooms: list[dict[str, int]]) -> None:
    """The driver: act on the meetings named on each stdin line, answer with their versions."""
    chairs = {r["meeting"]: User.objects.get(pk=r["chair"]) for r in rooms}
    meetings = {m.pk: m for m in Meeting.objects.filter(pk__in=chairs).select_related("group")}
    forward = dict.fromkeys(chairs, True)
    for line in sys.stdin:
        ids = json.loads(line)
        started = time.perf_counter()
        versions: dict[int, int] = {}
        unknown = [pk for pk in ids if pk not in chairs]
        if unknown:
            print(json.dumps({"error": f"not bench meetings: {unknown}"}), flush=True)
            continue
        for pk in ids:
            room = RoomState.objects.get(meeting_id=pk)
            action = RoomAction.NEXT_STEP if forward[pk] else RoomAction.PREVIOUS_STEP
            forward[pk] = not forward[pk]
            room = live.room_act(
                meeting=meetings[pk], by=chairs[pk], action=action, expected_version=room.version
            )
            versions[pk] = room.version
        elapsed = (time.perf_counter() - started) * 1000
        print(json.dumps({"versions": versions, "ms": elapsed}), flush=True)


def main() -> None:
    meetings, members = int(sys.argv[1]), int(sys.argv[2])
    started = time.perf_counter()
    rooms, people = build(meetings, members)
    built = time.perf_counter() - started
    in_process = measure_in_process(rooms)
    print(
        json.dumps(
            {
                "session_cookie": settings.SESSION_COOKIE_NAME,
                "django_version": django.get_version(),
                "rooms": rooms,
                "members": people,
                "build_seconds": built,
                "in_process": in_process,
            }
        ),
        flush=True,
    )
    serve(rooms)


if __name__ == "__main__":
    main()
    sys.exit(0)
