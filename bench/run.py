"""Page latency benchmark for Peer Power: the member's main pages against a bare Django view.

`make bench` runs this as `.venv/bin/python bench/run.py`. It builds a throwaway data directory
with the demo network, starts gunicorn on a free loopback port, drives each page with a fixed
number of requests from concurrent clients, and prints p50/p95 latency as ratios to the bare
view measured in the same run, plus each page's SQL query count. bench/README.md explains how to
read the table. `--help` lists the knobs; nothing here is part of `make test`.
"""

from __future__ import annotations

import argparse
import html
import http.client
import json
import math
import os
import platform
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "bench"
HOST = "127.0.0.1"
# Settings that would point the app at something other than the throwaway directory, or change
# how it runs; the benchmark always measures the default one-machine set-up (SQLite, DB cache).
SCRUBBED_ENV = (
    "DJANGO_DEBUG",
    "DJANGO_ENV",
    "DATABASE_URL",
    "REDIS_URL",
    "SQLITE_PATH",
    "STATIC_ROOT",
    "HUEY_IMMEDIATE",
    "EMAIL_HOST",
    "DJANGO_SETTINGS_MODULE",
)


class BenchError(Exception):
    """Something that makes the numbers meaningless: stop and say what."""


# --------------------------------------------------------------------------- set-up


def bench_env(var_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in SCRUBBED_ENV}
    env["PEERPOWER_VAR_DIR"] = str(var_dir)
    env["DJANGO_SETTINGS_MODULE"] = "peerpower.settings"
    env["LOG_LEVEL"] = "WARNING"
    env["PYTHONUNBUFFERED"] = "1"
    # Each response carries the CPU it cost its worker (peerpower.lib.timing).
    env["PEERPOWER_BENCH_TIMING"] = "1"
    return env


def run_step(args: list[str], env: dict[str, str], what: str) -> str:
    """Run one set-up command; on failure show its output and stop."""
    started = time.perf_counter()
    try:
        result = subprocess.run(  # noqa: S603 - fixed argv built here from sys.executable; no shell
            args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False
        )
    except subprocess.TimeoutExpired as error:
        raise BenchError(f"{what} did not finish within {error.timeout:.0f} s") from error
    if result.returncode != 0:
        raise BenchError(
            f"{what} failed (exit {result.returncode}):\n{result.stdout}\n{result.stderr}"
        )
    print(f"  {what:<28} {time.perf_counter() - started:5.1f} s", flush=True)
    return result.stdout


def prepare_data(env: dict[str, str]) -> dict[str, object]:
    manage = [sys.executable, "manage.py"]
    run_step([*manage, "migrate", "--noinput"], env, "migrate")
    run_step([*manage, "createcachetable"], env, "createcachetable")
    run_step([*manage, "collectstatic", "--noinput"], env, "collectstatic")
    run_step([*manage, "load_demo"], env, "load_demo")
    out = run_step([sys.executable, str(BENCH_DIR / "probe.py")], env, "session + query counts")
    lines = out.strip().splitlines()
    if not lines:
        raise BenchError("bench/probe.py printed nothing")
    info: dict[str, object] = json.loads(lines[-1])
    return info


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


def start_gunicorn(
    env: dict[str, str], port: int, workers: int, log_path: Path
) -> subprocess.Popen[bytes]:
    log = log_path.open("wb")
    try:
        return subprocess.Popen(  # noqa: S603 - fixed argv (the venv's gunicorn); no shell
            [
                sys.executable,
                "-m",
                "gunicorn",
                "peerpower.wsgi:application",
                "--bind",
                f"{HOST}:{port}",
                "--workers",
                str(workers),
                "--error-logfile",
                "-",
                # gunicorn >= 24 otherwise opens a control socket in ~/.gunicorn/, outside the
                # throwaway directory and shared with any other gunicorn of this user.
                "--no-control-socket",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    finally:
        log.close()  # the child has its own copy of the descriptor


def wait_healthy(proc: subprocess.Popen[bytes], port: int, log_path: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    last_error = ""
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise BenchError(f"gunicorn exited with {proc.returncode}:\n{tail(log_path)}")
        conn = http.client.HTTPConnection(HOST, port, timeout=2)
        try:
            conn.request("GET", "/healthz")
            response = conn.getresponse()
            body = response.read()
            if response.status == 200 and body == b"ok":
                return
            last_error = f"HTTP {response.status}"
        except OSError as error:
            last_error = str(error)
        finally:
            conn.close()
        time.sleep(0.2)
    raise BenchError(
        f"/healthz did not answer within {timeout:.0f} s ({last_error}):\n{tail(log_path)}"
    )


def stop_gunicorn(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is not None:
        return
    proc.terminate()  # SIGTERM: gunicorn's graceful stop of the master and its workers
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=5)


def tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


# --------------------------------------------------------------------------- load


@dataclass
class Target:
    name: str
    path: str
    session: str | None  # whose session cookie (a key of the probe's "sessions"), or none
    # Byte strings every response body must contain: proof that this is the real page and not
    # a login form, an MFA prompt or an error page that happens to answer 200.
    markers: list[bytes]
    query_key: str = ""  # its entry in the probe's query counts
    queries: int | None = None


@dataclass
class Result:
    target: Target
    latencies: list[float] = field(default_factory=list)  # seconds, measured requests only
    cpu: list[float] = field(default_factory=list)  # worker CPU ms (Server-Timing), same requests
    wall: float = 0.0
    connects: int = 0


class Checker:
    """Validates one response; the first failure stops the whole run."""

    def __init__(self, target: Target) -> None:
        self.target = target

    def __call__(self, status: int, headers: http.client.HTTPMessage, body: bytes) -> None:
        if status != 200:
            where = headers.get("Location", "")
            raise BenchError(
                f"{self.target.path} answered HTTP {status}"
                + (f" (redirect to {where})" if where else "")
                + ": the benchmark would measure the wrong page"
            )
        missing = [m.decode() for m in self.target.markers if m not in body]
        if missing:
            raise BenchError(
                f"{self.target.path} answered 200 but is not the expected page "
                f"(missing {missing!r}); first 300 bytes:\n{body[:300]!r}"
            )


def drive(
    port: int,
    target: Target,
    cookies: dict[str, str],
    count: int,
    clients: int,
    deadline: float,
    record: Callable[[float, float], None] | None,
) -> tuple[float, int, bool]:
    """Send `count` GETs of target.path from `clients` threads, each with its own connection.

    Returns (wall seconds, TCP connects made, whether the deadline cut it short). Any invalid
    response or transport error raises BenchError after all threads have stopped.
    """
    check = Checker(target)
    headers = {"Cookie": cookies[target.session]} if target.session else {}
    lock = threading.Lock()
    state = {"next": 0, "connects": 0}
    errors: list[BaseException] = []
    stop = threading.Event()
    timed_out = threading.Event()

    def take() -> bool:
        with lock:
            if state["next"] >= count or stop.is_set():
                return False
            state["next"] += 1
            return True

    def client() -> None:
        conn = http.client.HTTPConnection(HOST, port, timeout=30)
        try:
            while take():
                if time.monotonic() > deadline:
                    timed_out.set()
                    stop.set()
                    return
                if conn.sock is None:
                    with lock:
                        state["connects"] += 1
                started = time.perf_counter()
                conn.request("GET", target.path, headers=headers)
                response = conn.getresponse()
                body = response.read()
                elapsed = time.perf_counter() - started
                check(response.status, response.msg, body)
                if record is not None:
                    with lock:
                        record(elapsed, server_cpu_ms(response.msg))
        except BaseException as error:  # reported after join, from the main thread
            errors.append(error)
            stop.set()
        finally:
            conn.close()

    threads = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    if errors:
        first = errors[0]
        if isinstance(first, BenchError):
            raise first
        raise BenchError(f"{target.path}: {type(first).__name__}: {first}") from first
    return wall, state["connects"], timed_out.is_set()


def server_cpu_ms(headers: http.client.HTTPMessage) -> float:
    """The worker's CPU for this response, from `Server-Timing: cpu;dur=…`."""
    timing = headers.get("Server-Timing", "")
    if not timing.startswith("cpu;dur="):
        raise BenchError("no Server-Timing header: is PEERPOWER_BENCH_TIMING reaching gunicorn?")
    return float(timing.removeprefix("cpu;dur="))


def measure(
    port: int, targets: list[Target], cookies: dict[str, str], args: argparse.Namespace
) -> tuple[list[Result], bool]:
    """Warm every target up, then measure them in interleaved rounds.

    Each round sends an equal share of the measured requests to every target in turn, so a
    burst of load from something else on the machine lands on all targets alike instead of on
    whichever one happened to be running. Returns the results and whether the time limit
    stopped the run early.
    """
    deadline = time.monotonic() + args.time_limit
    results = [Result(target) for target in targets]
    for target in targets:
        drive(port, target, cookies, args.warmup, args.clients, deadline, None)
    rounds = max(1, min(args.rounds, args.requests))
    shares = [
        args.requests // rounds + (1 if i < args.requests % rounds else 0) for i in range(rounds)
    ]
    cut = False
    for number, share in enumerate(shares, 1):
        if time.monotonic() > deadline:
            cut = True
            break
        for result in results:

            def record(elapsed: float, cpu_ms: float, result: Result = result) -> None:
                result.latencies.append(elapsed)
                result.cpu.append(cpu_ms)

            wall, connects, timed_out = drive(
                port, result.target, cookies, share, args.clients, deadline, record
            )
            result.wall += wall
            result.connects += connects
            cut = cut or timed_out
        print(f"  measured round {number}/{rounds}", flush=True)
    for result in results:
        if not result.latencies:
            raise BenchError(
                f"{result.target.path}: no measured request finished within {args.time_limit:.0f} s"
            )
    return results, cut


# --------------------------------------------------------------------------- report


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile (no interpolation): a latency some request really had."""
    ordered = sorted(values)
    rank = math.ceil(fraction * len(ordered) - 1e-9)  # 1-based; the epsilon absorbs 0.95 * 400
    return ordered[min(max(rank, 1), len(ordered)) - 1]


def report(
    results: list[Result], cut: bool, args: argparse.Namespace, info: dict[str, object]
) -> None:
    base = results[0]
    base_p50 = percentile(base.latencies, 0.50)
    base_p95 = percentile(base.latencies, 0.95)
    # CPU is compared with the bare view *with a session*: what any logged-in request costs.
    session_cpu = percentile(results[1].cpu, 0.50)
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        usable = os.cpu_count() or 0

    print()
    print(
        f"Peer Power bench · {time.strftime('%Y-%m-%d %H:%M')} · Python "
        f"{platform.python_version()} · Django {info['django_version']} · SQLite"
    )
    print(
        f"cores: {os.cpu_count()} (usable by this process: {usable}) · gunicorn sync workers: "
        f"{args.workers} · clients: {args.clients} · per target: {args.warmup} warm-up + "
        f"{args.requests} measured in {args.rounds} interleaved rounds"
    )
    print(
        f"logged in as {info['user_name']} · group {info['group_name']} "
        f"(id {info['group_id']}) · next meeting id {info['meeting_id']}"
    )
    print()
    header = (
        f"{'target':<22} {'path':<14} {'requests':>8} {'req/s':>7} {'p50 ms':>8} "
        f"{'p95 ms':>8} {'p50/bare':>9} {'p95/bare':>9} {'CPU ms':>7} {'CPU/sess':>8} {'SQL':>4}"
    )
    print(header)
    print("-" * len(header))
    for result in results:
        p50 = percentile(result.latencies, 0.50)
        p95 = percentile(result.latencies, 0.95)
        queries = "-" if result.target.queries is None else str(result.target.queries)
        cpu = percentile(result.cpu, 0.50)
        print(
            f"{result.target.name:<22} {result.target.path:<14} {len(result.latencies):>8} "
            f"{len(result.latencies) / result.wall:>7.0f} {p50 * 1000:>8.1f} {p95 * 1000:>8.1f} "
            f"{p50 / base_p50:>9.2f} {p95 / base_p95:>9.2f} {cpu:>7.2f} {cpu / session_cpu:>8.2f} "
            f"{queries:>4}"
        )
    print()
    print(
        "p50/bare, p95/bare = the latency over the bare view's (/healthz, no session), same run. "
        "CPU ms = the median worker CPU per request (Server-Timing, thread time); CPU/sess = that "
        "over the bare view with a session. "
        "SQL = queries for one request, counted in-process with django.test.Client."
    )
    reconnects = sum(r.connects for r in results)
    measured = sum(len(r.latencies) for r in results)
    if reconnects >= measured:
        print(
            "Each request opened a new TCP connection: gunicorn's sync workers close every "
            "connection (no keep-alive), so latencies include a loopback connect."
        )
    if cut:
        print(
            f"WARNING: the {args.time_limit:.0f} s limit stopped the run before "
            f"{args.requests} requests per target; the counts above are what was measured."
        )
    if args.sql:
        queries_by_path = info["queries"]
        assert isinstance(queries_by_path, dict)  # noqa: S101 - shape of our own probe's JSON
        for path, data in queries_by_path.items():
            print(f"\nSQL for {path} ({data['count']} queries):")
            for number, sql in enumerate(data["sql"], 1):
                print(f"  {number:>2}. {sql}")


# --------------------------------------------------------------------------- main


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--clients", type=int, default=10, help="concurrent clients (threads)")
    parser.add_argument("--warmup", type=int, default=50, help="warm-up requests per target")
    parser.add_argument("--requests", type=int, default=400, help="measured requests per target")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument(
        "--rounds", type=int, default=8, help="interleaved rounds the measured requests span"
    )
    parser.add_argument(
        "--time-limit",
        type=float,
        default=90.0,
        help="seconds allowed for all the HTTP load (warm-up included); then the run is cut",
    )
    parser.add_argument("--sql", action="store_true", help="also print each page's SQL")
    parser.add_argument(
        "--keep", action="store_true", help="keep the data directory and gunicorn log"
    )
    return parser.parse_args()


def build_targets(info: dict[str, object]) -> list[Target]:
    group_id, meeting_id = info["group_id"], info["meeting_id"]
    name = html.escape(str(info["user_name"])).encode()
    group = html.escape(str(info["group_name"])).encode()
    logged_in = [b"Log out", name]
    meeting_link = f'href="/meetings/{meeting_id}/"'.encode()
    queries = info["queries"]
    assert isinstance(queries, dict)  # noqa: S101 - shape of our own probe's JSON
    for path, data in queries.items():
        if data["status"] != 200:
            raise BenchError(f"in-process GET {path} answered {data['status']}, not 200")
    chair = html.escape(str(info["chair_name"])).encode()
    pledged = html.escape(str(info["pledged_name"])).encode()
    m = meeting_id
    issues_page = [b"Log out", group, f"/meetings/{m}/room/".encode()]
    targets = [
        Target("bare view (baseline)", "/healthz", None, [b"ok"], "/healthz"),
        Target("bare view + session", "/healthz", "member", [b"ok"], "/healthz+session"),
        Target("home", "/", "member", [*logged_in, b"Hello, ", meeting_link], "/"),
        Target(
            "group page",
            f"/groups/{group_id}/",
            "member",
            [*logged_in, group, meeting_link],
            f"/groups/{group_id}/",
        ),
        Target(
            "meeting page",
            f"/meetings/{m}/",
            "member",
            [*logged_in, group, f"/meetings/{m}/calendar.ics".encode()],
            f"/meetings/{m}/",
        ),
        Target(
            "issues (member)",
            f"/meetings/{m}/issues/",
            "pledged",
            [pledged, *issues_page],
            "issues as member",
        ),
        Target(
            "issues (chair)",
            f"/meetings/{m}/issues/",
            "chair",
            [chair, *issues_page],
            "issues as chair",
        ),
        Target("home (chair)", "/", "chair", [chair, b"Log out"], "home as chair"),
        Target(
            "group page (chair)", f"/groups/{group_id}/", "chair", [chair, group], "group as chair"
        ),
        Target(
            "room (member)", f"/meetings/{m}/room/", "pledged", [pledged, group], "room as member"
        ),
        Target("room (chair)", f"/meetings/{m}/room/", "chair", [chair, group], "room as chair"),
        Target(
            "public page (warm cache)",
            "/n/northbridge/",
            None,
            [b"Ask to come as a guest", group],
            "public page, warm",
        ),
        Target(
            "public page (rendered, no cache)",
            "/n/northbridge/",
            "member",
            [b"Ask to come as a guest", b"Log out"],
            "public page, rendered",
        ),
    ]
    for target in targets:
        if target.query_key in queries:
            target.queries = queries[target.query_key]["count"]
    return targets


def main() -> int:
    args = parse_args()
    started = time.perf_counter()
    var_dir = Path(tempfile.mkdtemp(prefix="peerpower-bench-"))
    env = bench_env(var_dir)
    log_path = var_dir / "gunicorn.log"
    proc: subprocess.Popen[bytes] | None = None
    try:
        print(f"Data directory: {var_dir}")
        info = prepare_data(env)
        targets = build_targets(info)
        sessions = info["sessions"]
        assert isinstance(sessions, dict)  # noqa: S101 - shape of our own probe's JSON
        cookies = {who: f"{info['session_cookie']}={key}" for who, key in sessions.items()}
        port = free_port()
        proc = start_gunicorn(env, port, args.workers, log_path)
        wait_healthy(proc, port, log_path, timeout=30)
        print(f"  gunicorn up on {HOST}:{port}", flush=True)
        results, cut = measure(port, targets, cookies, args)
        if proc.poll() is not None:
            raise BenchError(f"gunicorn died during the run:\n{tail(log_path)}")
        report(results, cut, args, info)
        print(f"\nTotal time: {time.perf_counter() - started:.0f} s")
        return 0
    except BenchError as error:
        print(f"\nBENCH FAILED: {error}", file=sys.stderr)
        if proc is not None:
            print(f"gunicorn log (last lines):\n{tail(log_path)}", file=sys.stderr)
        return 1
    finally:
        if proc is not None:
            stop_gunicorn(proc)
        if args.keep:
            print(f"Kept {var_dir}")
        else:
            shutil.rmtree(var_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
