"""Live-room benchmark for Peer Power: 50 meetings at once, 12 members polling each.

`make bench` runs this after bench/run.py, as `.venv/bin/python bench/room.py`. It builds a
throwaway data directory (as run.py does), lets bench/room_probe.py set up the rooms and member
sessions in-process, starts gunicorn on a free loopback port and then:

1. warms every member's session up with one poll (the first request of a session records the
   MFA check in it: one write per session, as when the room page is opened);
2. measures the cost of each kind of request in a closed loop (10 clients, like run.py): the
   bare view, the bare view with a session, an unchanged poll (204) and a changed poll (200);
3. runs the room load: every member polls about once a second, as the page does (htmx
   `every 1s`, at most one poll in flight per page), while a driver asks room_probe.py to move
   some rooms on every second (the chair's room_act, committed to the same SQLite file), so
   the polls that carry the old version get the new state. A few clients poll /healthz at the
   same time, as the baseline under the same load.

Every response is checked (a 204 must be empty and allowed by the room's version; a 200 must
be the room state with a newer version); any failure makes the run fail. bench/README.md
explains the tables; `--help` lists the knobs. Nothing here is part of `make test`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import re
import resource
import selectors
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

from run import (
    BENCH_DIR,
    HOST,
    ROOT,
    BenchError,
    bench_env,
    free_port,
    percentile,
    run_step,
    start_gunicorn,
    stop_gunicorn,
    tail,
    wait_healthy,
)

ROOM_MARKER = b'id="room-state"'
ISSUE_MARKER = b'id="issue-question"'  # the issue being worked is on screen
VERSION_RE = re.compile(rb'data-version="(\d+)"')
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


class Invalid(Exception):
    """One response that is not what the benchmark asked for."""


# --------------------------------------------------------------------------- the helper


class Helper:
    """bench/room_probe.py: builds the rooms, then commits the chair's room actions on demand."""

    def __init__(self, env: dict[str, str], var_dir: Path, meetings: int, members: int) -> None:
        self.log_path = var_dir / "room_probe.log"
        log = self.log_path.open("wb")
        try:
            self.proc = subprocess.Popen(  # noqa: S603 - fixed argv (this Python, our script)
                [sys.executable, str(BENCH_DIR / "room_probe.py"), str(meetings), str(members)],
                cwd=ROOT,
                env=env,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=log,
            )
        finally:
            log.close()
        assert self.proc.stdin is not None and self.proc.stdout is not None  # noqa: S101
        self.stdin, self.stdout = self.proc.stdin, self.proc.stdout

    def read(self, timeout: float, what: str) -> dict[str, object]:
        """The helper's next JSON line (lines that are not JSON objects are skipped)."""
        deadline = time.monotonic() + timeout
        with selectors.DefaultSelector() as selector:
            selector.register(self.stdout, selectors.EVENT_READ)
            while True:
                left = deadline - time.monotonic()
                if left <= 0 or not selector.select(left):
                    raise BenchError(f"room_probe.py gave no {what} within {timeout:.0f} s")
                line = self.stdout.readline()
                if not line:
                    raise BenchError(
                        f"room_probe.py ended (exit {self.proc.wait(5)}) before the {what}:\n"
                        f"{tail(self.log_path)}"
                    )
                if line.startswith(b"{"):
                    data: dict[str, object] = json.loads(line)
                    if "error" in data:
                        raise BenchError(f"room_probe.py: {data['error']}")
                    return data

    def act(self, meetings: list[int]) -> dict[int, int]:
        """Move these rooms on (blocking: call it from a thread). Returns the new versions."""
        self.stdin.write(json.dumps(meetings).encode() + b"\n")
        self.stdin.flush()
        reply = self.read(30, "answer to a room action")
        versions = reply["versions"]
        assert isinstance(versions, dict)  # noqa: S101 - shape of our own helper's JSON
        return {int(k): int(v) for k, v in versions.items()}

    def cpu_seconds(self) -> float:
        return process_cpu(self.proc.pid)

    def close(self) -> None:
        if self.proc.poll() is None:
            try:
                self.stdin.close()  # EOF: the helper's driver loop ends
                self.proc.wait(timeout=10)
            except (OSError, subprocess.TimeoutExpired):
                self.proc.kill()
                self.proc.wait(timeout=5)


# --------------------------------------------------------------------------- CPU accounting


def process_cpu(pid: int) -> float:
    """User + system CPU seconds of one process so far (Linux /proc); 0 if it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0.0
    fields = stat.rsplit(")", 1)[1].split()  # after "pid (comm)": state is fields[0]
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime, stime


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def workers_cpu(master: int) -> float:
    return sum(process_cpu(pid) for pid in children(master))


def machine_busy() -> float:
    """CPU seconds all cores have spent busy since boot (/proc/stat), to see other load."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    return (sum(fields[:8]) - idle) / CLOCK_TICKS  # user..steal; guest is inside user


def own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


# --------------------------------------------------------------------------- HTTP


@dataclass
class Member:
    meeting: int
    cookie: str
    seen: int  # the version the member's page shows (from its last 200)


@dataclass
class Kind:
    name: str
    latencies: list[float] = field(default_factory=list)  # seconds
    cpu: float = 0.0  # gunicorn workers' CPU seconds while this kind was measured alone
    wall: float = 0.0


@dataclass
class Tally:
    kinds: dict[str, Kind]
    errors: list[str] = field(default_factory=list)
    error_count: int = 0

    def error(self, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < 5:
            self.errors.append(message)


def get_request(port: int, path: str, cookie: str | None, htmx: bool) -> bytes:
    lines = [f"GET {path} HTTP/1.1", f"Host: {HOST}:{port}", "Accept: */*"]
    if cookie:
        lines.append(f"Cookie: {cookie}")
    if htmx:  # what htmx sends with the room's poll
        lines += ["HX-Request: true", "HX-Trigger: room-state", "HX-Target: room-state"]
    lines.append("Connection: close")
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


async def fetch(port: int, request: bytes, timeout: float) -> tuple[int, bytes, float]:
    """One request on a fresh connection (sync workers close every one): status, body, seconds
    from before the connect to the last byte."""
    started = time.perf_counter()

    async def exchange() -> bytes:
        reader, writer = await asyncio.open_connection(HOST, port)
        try:
            writer.write(request)
            await writer.drain()
            # Half-close: the request is all we send. gunicorn (>= 24) lingers after each
            # response until the client's FIN arrives (up to 2 s); sending it now means no
            # worker waits on this process being scheduled, only on its own work.
            writer.write_eof()
            return await reader.read()  # to EOF
        finally:
            writer.close()

    try:
        raw = await asyncio.wait_for(exchange(), timeout)
    except TimeoutError as error:
        raise Invalid(f"no answer within {timeout:.0f} s") from error
    except OSError as error:
        raise Invalid(f"{type(error).__name__}: {error}") from error
    latency = time.perf_counter() - started
    head, sep, body = raw.partition(b"\r\n\r\n")
    if not sep:
        raise Invalid(f"incomplete response: {raw[:200]!r}")
    status_line, *header_lines = head.split(b"\r\n")
    parts = status_line.split(b" ", 2)
    if len(parts) < 2 or not parts[1].isdigit():
        raise Invalid(f"bad status line {status_line!r}")
    status = int(parts[1])
    for line in header_lines:
        name, _, value = line.partition(b":")
        name, value = name.strip().lower(), value.strip()
        if name == b"content-length" and value != str(len(body)).encode():
            raise Invalid(f"body of {len(body)} bytes, Content-Length {value.decode()}")
        if name == b"location":
            raise Invalid(f"HTTP {status} redirect to {value.decode()}")
    return status, body, latency


def check_healthz(status: int, body: bytes) -> None:
    if status != 200 or body != b"ok":
        raise Invalid(f"/healthz answered HTTP {status}: {body[:200]!r}")


def check_poll(status: int, body: bytes, sent: int, known: int) -> tuple[str, int]:
    """Which kind of poll this was and the version the page shows next.

    `sent` is the version the poll carried; `known` the room's version the driver had already
    committed when the poll was sent (the room may move on while a poll is in flight, so a
    poll sent as "unchanged" may rightly come back 200).
    """
    if status == 204:
        if body:
            raise Invalid(f"204 with a {len(body)}-byte body")
        if sent < known:
            raise Invalid(f"204 for version {sent}, though the room was already at {known}")
        return "unchanged", sent
    if status == 200:
        if ROOM_MARKER not in body or ISSUE_MARKER not in body:
            raise Invalid(f"200 but not the room state; first 300 bytes: {body[:300]!r}")
        found = VERSION_RE.search(body)
        if found is None:
            raise Invalid("200 room state without data-version")
        version = int(found[1])
        if version <= sent or version < known:
            raise Invalid(f"200 with version {version} for a poll at {sent} (room at {known})")
        return "changed", version
    raise Invalid(f"HTTP {status}: {body[:200]!r}")


def poll_path(meeting: int, version: int) -> str:
    return f"/meetings/{meeting}/room/state/?v={version}"


# --------------------------------------------------------------------------- phase 1


async def closed_loop(
    count: int,
    clients: int,
    one: Callable[[int], Awaitable[None]],
    deadline: float,
) -> bool:
    """`count` calls of the coroutine function `one(i)` from `clients` concurrent loops.
    Returns False if the deadline stopped it."""
    state = {"next": 0}
    cut = False

    async def client() -> None:
        nonlocal cut
        while state["next"] < count:
            if time.monotonic() > deadline:
                cut = True
                return
            i = state["next"]
            state["next"] += 1
            await one(i)

    await asyncio.gather(*(client() for _ in range(clients)))
    return not cut


async def warm_sessions(
    port: int, members: list[Member], clients: int, tally: Tally, deadline: float
) -> bool:
    async def one(i: int) -> None:
        m = members[i]
        try:
            status, body, _ = await fetch(port, member_poll(port, m, m.seen), 30)
            check_poll(status, body, m.seen, m.seen)
        except Invalid as error:
            tally.error(f"warm-up poll of meeting {m.meeting}: {error}")

    return await closed_loop(len(members), clients, one, deadline)


def member_poll(port: int, m: Member, version: int) -> bytes:
    return get_request(port, poll_path(m.meeting, version), m.cookie, htmx=True)


async def calibrate(
    port: int,
    members: list[Member],
    master: int,
    args: argparse.Namespace,
    tally: Tally,
    deadline: float,
) -> bool:
    """Each kind alone, closed loop, in interleaved rounds: latency and the workers' CPU."""

    def healthz(with_session: bool) -> Callable[[int], Awaitable[float]]:
        async def one(i: int) -> float:
            cookie = members[i % len(members)].cookie if with_session else None
            status, body, latency = await fetch(
                port, get_request(port, "/healthz", cookie, htmx=False), 30
            )
            check_healthz(status, body)
            return latency

        return one

    def poll(behind: int, expect: str) -> Callable[[int], Awaitable[float]]:
        async def one(i: int) -> float:
            m = members[(i * 7) % len(members)]  # spread over the meetings
            status, body, latency = await fetch(port, member_poll(port, m, m.seen - behind), 30)
            kind, _ = check_poll(status, body, m.seen - behind, m.seen)
            if kind != expect:
                raise Invalid(f"a poll {behind} behind answered {status}")
            return latency

        return one

    plan = [
        ("bare view (baseline)", healthz(False)),
        ("bare view + session", healthz(True)),
        ("poll, unchanged (204)", poll(0, "unchanged")),
        ("poll, changed (200)", poll(1, "changed")),
    ]
    complete = True

    def recorder(
        kind: Kind, call: Callable[[int], Awaitable[float]], measured: bool
    ) -> Callable[[int], Awaitable[None]]:
        async def one(i: int) -> None:
            try:
                latency = await call(i)
            except Invalid as error:
                tally.error(f"{kind.name}: {error}")
                return
            if measured:
                kind.latencies.append(latency)

        return one

    for name, call in plan:
        kind = tally.kinds.setdefault(name, Kind(name))
        complete &= await closed_loop(
            args.warmup, args.clients, recorder(kind, call, False), deadline
        )
    rounds = max(1, args.rounds)
    shares = [args.requests // rounds + (i < args.requests % rounds) for i in range(rounds)]
    for share in shares:
        for name, call in plan:
            kind = tally.kinds[name]
            cpu, started = workers_cpu(master), time.perf_counter()
            complete &= await closed_loop(share, args.clients, recorder(kind, call, True), deadline)
            kind.wall += time.perf_counter() - started
            kind.cpu += workers_cpu(master) - cpu
    return complete


# --------------------------------------------------------------------------- phase 2


@dataclass
class LoadResult:
    kinds: dict[str, Kind]
    window: float = 0.0
    polls_sent: int = 0
    changes: int = 0
    act_ms: list[float] = field(default_factory=list)
    workers_cpu: float = 0.0
    own_cpu: float = 0.0
    helper_cpu: float = 0.0
    machine_cpu: float = 0.0  # all processes, all cores
    done_in_window: int = 0  # answers (valid or not) that arrived inside the window
    loop_lag: list[float] = field(default_factory=list)
    in_flight_at_end: int = 0
    cut: bool = False


async def room_load(
    port: int,
    members: list[Member],
    known: dict[int, int],
    helper: Helper,
    master: int,
    args: argparse.Namespace,
    tally: Tally,
    deadline: float,
) -> LoadResult:
    """Every member polls every `period` seconds (never two at once, like htmx); the driver
    moves `changes` rooms on each second; `healthz_clients` poll /healthz at the same rate."""
    result = LoadResult(
        kinds={
            name: Kind(name)
            for name in ("poll, unchanged (204)", "poll, changed (200)", "bare view (/healthz)")
        }
    )
    rng = random.Random(20260)
    start = time.perf_counter()
    measure_from = start + args.ramp
    end = measure_from + args.duration
    meetings = sorted(known)
    snapshot: dict[str, float] = {}

    async def sleep_until(when: float) -> None:
        delay = when - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)

    def answered(kind: str | None, sent_at: float, latency: float) -> None:
        arrived = sent_at + latency
        result.done_in_window += measure_from <= arrived < end
        if kind is not None and sent_at >= measure_from:
            result.kinds[kind].latencies.append(latency)

    async def member_loop(m: Member) -> None:
        next_at = start + rng.random() * args.period  # pages opened at different moments
        while True:
            await sleep_until(next_at)
            sent_at = time.perf_counter()
            if sent_at >= end or time.monotonic() > deadline:
                return
            version, room_at = m.seen, known[m.meeting]
            result.polls_sent += sent_at >= measure_from
            try:
                status, body, latency = await fetch(
                    port, member_poll(port, m, version), args.request_timeout
                )
                kind, m.seen = check_poll(status, body, version, room_at)
            except Invalid as error:
                tally.error(f"poll of meeting {m.meeting} at v{version}: {error}")
                answered(None, sent_at, time.perf_counter() - sent_at)
            else:
                answered(f"poll, {kind} ({status})", sent_at, latency)
            next_at = max(sent_at + args.period, time.perf_counter())

    async def healthz_loop() -> None:
        request = get_request(port, "/healthz", None, htmx=False)
        next_at = start + rng.random() * args.period
        while True:
            await sleep_until(next_at)
            sent_at = time.perf_counter()
            if sent_at >= end or time.monotonic() > deadline:
                return
            try:
                status, body, latency = await fetch(port, request, args.request_timeout)
                check_healthz(status, body)
            except Invalid as error:
                tally.error(f"/healthz under load: {error}")
                answered(None, sent_at, time.perf_counter() - sent_at)
            else:
                answered("bare view (/healthz)", sent_at, latency)
            next_at = max(sent_at + args.period, time.perf_counter())

    async def driver() -> None:
        """Each second, the chair moves the next `changes` rooms on (round robin)."""
        turn = 0
        next_at = start + 0.5
        while next_at < end - 0.5 and time.monotonic() < deadline:
            await sleep_until(next_at)
            batch = [meetings[(turn + i) % len(meetings)] for i in range(args.changes)]
            turn += args.changes
            began = time.perf_counter()
            versions = await asyncio.to_thread(helper.act, batch)
            known.update(versions)  # committed: from now on a 204 for an older version is wrong
            if began >= measure_from:
                result.changes += len(batch)
                result.act_ms.append((time.perf_counter() - began) * 1000)
            next_at += 1.0

    async def window_edges() -> None:
        await sleep_until(measure_from)
        snapshot.update(
            w=workers_cpu(master), o=own_cpu(), h=helper.cpu_seconds(), m=machine_busy()
        )
        await sleep_until(end)
        result.workers_cpu = workers_cpu(master) - snapshot["w"]
        result.own_cpu = own_cpu() - snapshot["o"]
        result.helper_cpu = helper.cpu_seconds() - snapshot["h"]
        result.machine_cpu = machine_busy() - snapshot["m"]
        result.window = time.perf_counter() - measure_from

    async def lag_monitor() -> None:
        """How late the event loop wakes up: if it lags, the client itself is the bottleneck."""
        while time.perf_counter() < end:
            asked = time.perf_counter()
            await asyncio.sleep(0.05)
            if asked >= measure_from:
                result.loop_lag.append(time.perf_counter() - asked - 0.05)

    tasks = [asyncio.ensure_future(member_loop(m)) for m in members]
    tasks += [asyncio.ensure_future(healthz_loop()) for _ in range(args.healthz_clients)]
    tasks += [asyncio.ensure_future(driver()), asyncio.ensure_future(lag_monitor())]
    edges = asyncio.ensure_future(window_edges())
    await edges
    # Stragglers (sent before the end, still in gunicorn's queue) may finish; they count.
    grace = min(args.request_timeout, max(0.0, deadline - time.monotonic()))
    _, pending = await asyncio.wait(tasks, timeout=grace)
    result.in_flight_at_end = len(pending)
    for task in pending:
        task.cancel()
    await asyncio.gather(*pending, return_exceptions=True)
    for task in tasks:
        failure = None if task.cancelled() else task.exception()
        if failure is not None:
            raise failure
    if pending:
        result.cut = True
        tally.error(f"{len(pending)} requests unanswered {grace:.0f} s after the load stopped")
    result.cut |= time.monotonic() > deadline
    return result


# --------------------------------------------------------------------------- report


def ms(seconds: float) -> str:
    return f"{seconds * 1000:8.1f}"


def report(
    info: dict[str, object],
    tally: Tally,
    load: LoadResult,
    args: argparse.Namespace,
    complete: bool,
) -> None:
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        usable = os.cpu_count() or 0
    in_process = info["in_process"]
    assert isinstance(in_process, dict)  # noqa: S101 - shape of our own helper's JSON
    members = args.meetings * args.members
    print()
    print(
        f"Peer Power room bench · {time.strftime('%Y-%m-%d %H:%M')} · Python "
        f"{platform.python_version()} · Django {info['django_version']} · SQLite"
    )
    print(
        f"cores: {os.cpu_count()} (usable: {usable}) · gunicorn sync workers: {args.workers} · "
        f"{args.meetings} meetings x {args.members} members = {members} members polling"
    )

    print(f"\n1. Each kind alone (closed loop, {args.clients} clients, {args.requests} measured)")
    header = (
        f"{'target':<24}{'requests':>9}{'req/s':>7}{'p50 ms':>9}{'p95 ms':>9}"
        f"{'p50/bare':>9}{'p95/bare':>9}{'SQL':>5}{'CPU ms/req':>11}{'CPU/sess':>9}"
    )
    print(header)
    print("-" * len(header))
    keys = ["healthz", "healthz+session", "unchanged", "changed"]
    base = next(iter(tally.kinds.values()))
    b50, b95 = percentile(base.latencies, 0.5), percentile(base.latencies, 0.95)
    kinds = list(tally.kinds.values())
    # CPU is compared with the bare view with a session: what any logged-in request costs.
    session_cpu = kinds[1].cpu / len(kinds[1].latencies)
    for kind, key in zip(kinds, keys, strict=True):
        lat = kind.latencies
        p50, p95 = percentile(lat, 0.5), percentile(lat, 0.95)
        cpu = kind.cpu / len(lat)
        print(
            f"{kind.name:<24}{len(lat):>9}{len(lat) / kind.wall:>7.0f}{ms(p50):>9}{ms(p95):>9}"
            f"{p50 / b50:>9.2f}{p95 / b95:>9.2f}{in_process[key]['count']:>5}"
            f"{cpu * 1000:>11.2f}{cpu / session_cpu:>9.2f}"
        )
    print(
        "CPU ms/req = gunicorn workers' CPU time (/proc) over the requests, i.e. the server's "
        "own work without the wait in the queue; CPU/sess = that over the bare view with a "
        "session's."
    )

    window = load.window or float("nan")
    offered = (members + args.healthz_clients) / args.period
    achieved = load.done_in_window / window
    every = members * window / load.polls_sent if load.polls_sent else float("inf")
    print(
        f"\n2. {args.meetings} meetings at once: {members} members poll every {args.period:g} s "
        f"({args.ramp:g} s ramp-up, then {args.duration:g} s measured); each second the chair "
        f"moves {args.changes} of the rooms on; {args.healthz_clients} clients poll /healthz "
        "alongside"
    )
    print(
        f"offered {offered:.0f} req/s · achieved {achieved:.0f} req/s answered in the window "
        f"({achieved / offered:.0%} of offered) · each member polled every {every:.2f} s"
    )
    header = f"{'kind':<24}{'requests':>9}{'p50 ms':>9}{'p95 ms':>9}{'p50/hz':>8}{'p95/hz':>8}"
    print(header)
    print("-" * len(header))
    hz = load.kinds["bare view (/healthz)"].latencies
    h50, h95 = (percentile(hz, 0.5), percentile(hz, 0.95)) if hz else (float("nan"),) * 2
    for kind in load.kinds.values():
        lat = kind.latencies
        if not lat:
            print(f"{kind.name:<24}{0:>9}")
            continue
        p50, p95 = percentile(lat, 0.5), percentile(lat, 0.95)
        print(
            f"{kind.name:<24}{len(lat):>9}{ms(p50):>9}{ms(p95):>9}"
            f"{p50 / h50:>8.2f}{p95 / h95:>8.2f}"
        )
    print("p50/hz, p95/hz = over /healthz in this same load; requests = those sent in the window.")
    act = f"{percentile(load.act_ms, 0.5):.0f}" if load.act_ms else "-"
    print(
        f"room actions in the window: {load.changes} ({args.changes} a second, {act} ms per "
        f"batch); ≈ {load.changes * args.members} changed polls if every member saw each"
    )
    others = load.machine_cpu - load.workers_cpu - load.own_cpu - load.helper_cpu
    lag = sorted(load.loop_lag) or [0.0]
    print(
        f"CPU in cores (of {usable}): gunicorn workers {load.workers_cpu / window:.2f} · "
        f"load generator {load.own_cpu / window:.2f} · driver {load.helper_cpu / window:.2f} · "
        f"everything else on the machine {max(others, 0.0) / window:.2f}"
    )
    per_request = load.workers_cpu / max(load.done_in_window, 1) * 1000
    print(
        f"gunicorn CPU per answered request {per_request:.2f} ms"
        f" · client event-loop lag p95 {percentile(lag, 0.95) * 1000:.1f} ms"
    )
    cost = {k.name: k.cpu / len(k.latencies) for k in tally.kinds.values() if k.latencies}
    changed = min(args.changes * args.members / args.period, members / args.period)
    needed = (
        (members / args.period - changed) * cost.get("poll, unchanged (204)", 0.0)
        + changed * cost.get("poll, changed (200)", 0.0)
        + args.healthz_clients / args.period * cost.get("bare view (baseline)", 0.0)
    )
    print(
        f"to keep up, gunicorn would need ≈ {needed:.2f} cores at part 1's CPU per request "
        f"({members / args.period - changed:.0f} unchanged + {changed:.0f} changed polls/s "
        f"+ /healthz), before the load generator's share"
    )
    if others / window > 0.25:
        print(
            f"NOTE: other processes used {others / window:.2f} cores during the load: the "
            "achieved rate is below what this machine does when idle. Run again when it is quiet."
        )
    print(f"errors: {tally.error_count}")
    for message in tally.errors:
        print(f"  {message}")

    print("\n3. In-process (django.test.Client, no gunicorn): one request after warm-up")
    header = f"{'target':<24}{'SQL':>5}{'ms/req':>9}{'of which SQL ms':>17}"
    print(header)
    print("-" * len(header))
    for kind, key in zip(tally.kinds.values(), keys, strict=True):
        data = in_process[key]
        print(f"{kind.name:<24}{data['count']:>5}{data['ms']:>9.2f}{data['sql_ms']:>17.2f}")
    if not complete or load.cut:
        print(
            f"\nWARNING: the {args.time_limit:.0f} s limit cut the run; the counts above are "
            "what was measured."
        )
    if args.sql:
        for key in keys:
            data = in_process[key]
            print(f"\nSQL for {data['path']} ({data['count']} queries):")
            for number, sql in enumerate(data["sql"], 1):
                print(f"  {number:>2}. {sql}")


# --------------------------------------------------------------------------- main


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    add = parser.add_argument
    add("--meetings", type=int, default=50, help="meetings (groups) running at once")
    add("--members", type=int, default=12, help="members polling each meeting")
    add("--period", type=float, default=1.0, help="seconds between a member's polls")
    add("--duration", type=float, default=20.0, help="seconds of measured room load")
    add("--ramp", type=float, default=3.0, help="seconds of room load before measuring")
    add("--changes", type=int, default=5, help="rooms the driver moves on each second")
    add("--healthz-clients", type=int, default=20, help="clients polling /healthz in the load")
    add("--workers", type=int, default=3, help="gunicorn sync worker processes")
    add("--clients", type=int, default=10, help="concurrent clients in the closed-loop part")
    add("--warmup", type=int, default=30, help="closed loop: warm-up requests per kind")
    add("--requests", type=int, default=300, help="closed loop: measured requests per kind")
    add("--rounds", type=int, default=3, help="closed loop: interleaved rounds")
    add("--request-timeout", type=float, default=30.0, help="seconds one request may take")
    add("--time-limit", type=float, default=90.0, help="seconds for all the HTTP load")
    add("--sql", action="store_true", help="also print each target's SQL")
    add("--keep", action="store_true", help="keep the data directory and the logs")
    args = parser.parse_args()
    if min(args.meetings, args.members, args.changes, args.requests, args.rounds) < 1:
        parser.error("--meetings, --members, --changes, --requests and --rounds must be >= 1")
    if args.changes > args.meetings:
        parser.error("--changes cannot exceed --meetings")
    return args


async def http_phase(
    port: int,
    info: dict[str, object],
    helper: Helper,
    master: int,
    args: argparse.Namespace,
) -> tuple[Tally, LoadResult, bool]:
    deadline = time.monotonic() + args.time_limit
    cookie_name = info["session_cookie"]
    rooms = info["rooms"]
    people = info["members"]
    assert isinstance(rooms, list) and isinstance(people, list)  # noqa: S101
    known = {int(r["meeting"]): int(r["version"]) for r in rooms}
    members = [
        Member(int(p["meeting"]), f"{cookie_name}={p['session']}", known[int(p["meeting"])])
        for p in people
    ]
    tally = Tally(kinds={})
    print(f"  warming up {len(members)} sessions (one poll each)", flush=True)
    complete = await warm_sessions(port, members, args.clients, tally, deadline)
    print("  closed loop: each kind alone", flush=True)
    complete &= await calibrate(port, members, master, args, tally, deadline)
    if tally.error_count:
        raise BenchError(f"{tally.error_count} invalid responses before the load: {tally.errors}")
    print(f"  room load: {len(members)} members for {args.ramp + args.duration:g} s", flush=True)
    load = await room_load(port, members, known, helper, master, args, tally, deadline)
    return tally, load, complete


def main() -> int:
    args = parse_args()
    started = time.perf_counter()
    var_dir = Path(tempfile.mkdtemp(prefix="peerpower-bench-"))
    env = bench_env(var_dir)
    log_path = var_dir / "gunicorn.log"
    proc: subprocess.Popen[bytes] | None = None
    helper: Helper | None = None
    try:
        print(f"Data directory: {var_dir}")
        manage = [sys.executable, "manage.py"]
        run_step([*manage, "migrate", "--noinput"], env, "migrate")
        run_step([*manage, "createcachetable"], env, "createcachetable")
        run_step([*manage, "collectstatic", "--noinput"], env, "collectstatic")
        run_step([*manage, "load_demo"], env, "load_demo")
        step = time.perf_counter()
        helper = Helper(env, var_dir, args.meetings, args.members)
        info = helper.read(120, "set-up")
        print(f"  {'rooms + sessions + counts':<28} {time.perf_counter() - step:5.1f} s")
        port = free_port()
        proc = start_gunicorn(env, port, args.workers, log_path)
        wait_healthy(proc, port, log_path, timeout=30)
        print(f"  gunicorn up on {HOST}:{port}", flush=True)
        tally, load, complete = asyncio.run(http_phase(port, info, helper, proc.pid, args))
        if proc.poll() is not None:
            raise BenchError(f"gunicorn died during the run:\n{tail(log_path)}")
        report(info, tally, load, args, complete)
        print(f"\nTotal time: {time.perf_counter() - started:.0f} s")
        if tally.error_count:
            raise BenchError(f"{tally.error_count} requests failed or answered wrongly (above)")
        return 0
    except BenchError as error:
        print(f"\nBENCH FAILED: {error}", file=sys.stderr)
        if proc is not None:
            print(f"gunicorn log (last lines):\n{tail(log_path)}", file=sys.stderr)
        return 1
    finally:
        if helper is not None:
            helper.close()
        if proc is not None:
            stop_gunicorn(proc)
        if args.keep:
            print(f"Kept {var_dir}")
        else:
            shutil.rmtree(var_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
