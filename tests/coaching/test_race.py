"""Never a double booking, over real HTTP: a multi-process gunicorn (4 sync workers) on the
test database of this leg (SQLite on the SQLite leg, PostgreSQL on the PostgreSQL leg), with
every request of a burst released at once by a barrier.

- 50 members ask for one slot at once: exactly one booking, 49 "just taken", no 5xx;
- 50 requests for overlapping slots of different lengths, and slots that clash only through
  the buffer: no two live sessions overlap, buffers included;
- 20 bookings at once against an allowance of 3: exactly 3.

Bounded in time (each burst's requests time out after 150 s; the whole test is well under a
minute on two cores) so it runs in `make test`.
"""

import http.client
import itertools
import os
import random
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

from peerpower.accounts.models import User
from peerpower.coaching.models import CoachProfile, Engagement, Session
from tests import factories
from tests.coaching import builders

ROOT = Path(__file__).resolve().parents[2]
HOST = "127.0.0.1"
WORKERS = 4
CSRF = "racetestcsrfsecret0123456789abcd"  # an unmasked 32-character CSRF secret
LONDON = ZoneInfo("Europe/London")
TAKEN = "That time was just taken"
# Generous for a loaded two-core machine; an idle one answers a burst in a few seconds.
REQUEST_TIMEOUT = 150

pytestmark = pytest.mark.django_db(transaction=True)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


def _database_env() -> dict[str, str]:
    """Point the server at this leg's test database."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return {"SQLITE_PATH": str(db["NAME"])}
    user = urllib.parse.quote(db["USER"] or "")
    password = f":{urllib.parse.quote(db['PASSWORD'])}" if db.get("PASSWORD") else ""
    host = db["HOST"] or "127.0.0.1"
    return {"DATABASE_URL": f"postgres://{user}{password}@{host}:{db['PORT'] or 5432}/{db['NAME']}"}


@pytest.fixture(scope="session")
def static_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Static files collected once, as production serves them (the manifest)."""
    root = tmp_path_factory.mktemp("race-static")
    env = {**os.environ, "STATIC_ROOT": str(root), "PEERPOWER_VAR_DIR": str(root)}
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput"],
        # Compressing every file takes minutes on a loaded two-core machine (over 120 s seen).
        cwd=ROOT, env=env, check=True, capture_output=True, timeout=600,
    )  # fmt: skip
    return root


@pytest.fixture(scope="module")
def server(static_root: Path, django_db_setup: None) -> Iterator[int]:
    """One server for the module's bursts; each test's rows are flushed after it."""
    port = _free_port()
    with tempfile.TemporaryDirectory(prefix="peerpower-race-") as var_dir:
        env = {
            k: v
            for k, v in os.environ.items()
            if k not in ("DATABASE_URL", "SQLITE_PATH", "DJANGO_ENV", "HUEY_IMMEDIATE")
        }
        env.update(_database_env())
        env.update(
            PEERPOWER_VAR_DIR=var_dir,
            STATIC_ROOT=str(static_root),
            DJANGO_SETTINGS_MODULE="peerpower.settings",
            LOG_LEVEL="WARNING",
        )  # its emails go to files in the throwaway directory (never sent)
        if "REDIS_URL" in os.environ:  # the PostgreSQL leg shares Redis as several servers would
            env["REDIS_URL"] = os.environ["REDIS_URL"]
        log = Path(var_dir) / "gunicorn.log"
        with log.open("wb") as out:
            proc = subprocess.Popen(  # noqa: S603 - fixed argv; no shell
                [
                    sys.executable, "-m", "gunicorn", "peerpower.wsgi:application",
                    "--bind", f"{HOST}:{port}", "--workers", str(WORKERS),
                    "--backlog", "256", "--timeout", "150", "--no-control-socket",
                ],
                cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
            )  # fmt: skip
        try:
            _wait_healthy(proc, port, log)
            yield port
            errors = log.read_text()
            assert "Traceback" not in errors, errors[-3000:]
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=5)


def _wait_healthy(proc: subprocess.Popen[bytes], port: int, log: Path) -> None:
    # Four workers importing Django at once take over 30 s on a loaded two-core machine.
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"gunicorn exited:\n{log.read_text()[-3000:]}")
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"gunicorn did not come up:\n{log.read_text()[-3000:]}")


def _cookie(user: User) -> str:
    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def _local(starts_at: datetime) -> str:
    return f"{starts_at.astimezone(LONDON):%Y-%m-%dT%H:%M%z}"


Request = tuple[str, str, dict[str, str]]  # cookie, path, form


def _burst(port: int, requests: list[Request]) -> list[tuple[int, str]]:
    """Send every request at the same moment (a barrier), each on its own connection."""
    barrier = threading.Barrier(len(requests))
    results: list[tuple[int, str]] = [(0, "")] * len(requests)

    def send(i: int, cookie: str, path: str, form: dict[str, str]) -> None:
        body = urllib.parse.urlencode({"csrfmiddlewaretoken": CSRF, **form})
        conn = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT)
        conn.connect()
        barrier.wait(timeout=60)
        try:
            conn.request(
                "POST",
                path,
                body=body,
                headers={
                    "Cookie": f"{cookie}; {settings.CSRF_COOKIE_NAME}={CSRF}",
                    "Content-Type": "application/x-www-form-urlencoded",
                },
            )
            response = conn.getresponse()
            results[i] = (response.status, response.read().decode())
        finally:
            conn.close()

    threads = [
        threading.Thread(target=send, args=(i, *request)) for i, request in enumerate(requests)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=REQUEST_TIMEOUT + 30)
    # Every request was answered (a timed-out one would leave its status at 0).
    assert [status for status, _ in results if status == 0] == []
    return results


def _members(world_network_group: tuple[CoachProfile, object], count: int) -> list[Engagement]:
    profile, group = world_network_group
    return [
        builders.engagement(profile, factories.add_member(group).user)  # type: ignore[arg-type]
        for _ in range(count)
    ]


def _form(starts_at: datetime, minutes: int) -> dict[str, str]:
    return {"starts_at": _local(starts_at), "minutes": str(minutes), "key": str(uuid.uuid4())}


def _book_path(engagement: Engagement) -> str:
    return f"/coaching/engagements/{engagement.pk}/book/"


@pytest.fixture
def setup() -> tuple[CoachProfile, object]:
    network = factories.make_network()
    group = factories.make_group(network)
    factories.make_admin(network)
    coach = factories.make_user("Race Coach")
    profile = builders.coach_profile(
        network,
        coach,
        hours=(datetime.min.time(), datetime.max.time().replace(second=0, microsecond=0)),
    )
    return profile, group


def test_fifty_members_asking_for_one_slot_at_once_get_one_booking(
    server: int, setup: tuple[CoachProfile, object]
) -> None:
    engagements = _members(setup, 50)
    starts = builders.at(builders.day_ahead(10), 10)
    requests = [(_cookie(e.member), _book_path(e), _form(starts, 60)) for e in engagements]
    results = _burst(server, requests)
    statuses = sorted(status for status, _ in results)
    assert statuses == [302] + [409] * 49, statuses
    assert all(TAKEN in body for status, body in results if status == 409)
    assert Session.objects.filter(status="booked").count() == 1


def test_fifty_overlapping_requests_of_different_lengths_and_buffers_never_overlap(
    server: int, setup: tuple[CoachProfile, object]
) -> None:
    engagements = _members(setup, 50)
    day = builders.day_ahead(11)
    rng = random.Random(12)
    requests = []
    for i, e in enumerate(engagements):
        if i % 5 == 0:
            # Pairs that clash only through the 15-minute buffer: 10:00–11:00 and 11:00–12:00.
            starts = builders.at(day, 10 + (i // 5) % 2)
            minutes = 60
        else:
            starts = builders.at(day, 9, 0) + timedelta(minutes=15 * rng.randrange(0, 16))
            minutes = rng.choice([45, 60, 90])
        requests.append((_cookie(e.member), _book_path(e), _form(starts, minutes)))
    results = _burst(server, requests)
    assert all(status in (302, 409) for status, _ in results), sorted(s for s, _ in results)
    live = list(Session.objects.filter(status__in=Session.LIVE).order_by("starts_at"))
    assert live
    for before, after in itertools.pairwise(live):
        assert before.blocked_until <= after.starts_at, (before.pk, after.pk)
    assert sum(status == 302 for status, _ in results) == len(live)


def test_twenty_bookings_at_once_against_an_allowance_of_three_book_three(
    server: int, setup: tuple[CoachProfile, object]
) -> None:
    profile, group = setup
    member = factories.add_member(group).user  # type: ignore[arg-type]
    engagement = builders.engagement(profile, member, allowance=3)
    cookie = _cookie(member)
    days = (builders.day_ahead(12), builders.day_ahead(13))
    requests = [
        (cookie, _book_path(engagement), _form(builders.at(days[i // 12], 8 + i % 12), 45))
        for i in range(20)
    ]
    results = _burst(server, requests)
    statuses = sorted(status for status, _ in results)
    assert statuses == [302] * 3 + [400] * 17, statuses
    assert all("beyond the allowance" in body for status, body in results if status == 400)
    assert Session.objects.filter(engagement=engagement, status="booked").count() == 3
