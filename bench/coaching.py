"""Coaching benchmark: booking under 50-way contention and slot computation for a coach with
200 booked sessions, each beside the bare view (/healthz) measured in the same run.

`.venv/bin/python bench/coaching.py` (SQLite, a throwaway data directory) or with
`--database-url postgres://…/DB` (PostgreSQL; the database is migrated and rows are added to
it), or `--pg-url postgres://…/postgres` (a throwaway database made on that server and dropped
after: what `make bench` runs after the SQLite leg). Starts gunicorn with 4 workers; each
booking round sends 50 simultaneous requests for one free slot from 50 members (one books, 49
are told it was just taken). Prints p50/p95 and requests a second, and the ratios to the bare
view. Never part of `make test`.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import (  # type: ignore[import-not-found]
    HOST,
    ROOT,
    BenchError,
    bench_env,
    free_port,
    percentile,
    run_step,
    start_gunicorn,
    stop_gunicorn,
    wait_healthy,
)

CSRF = "benchcsrfsecret0123456789abcdefg"


def _request(
    port: int, method: str, path: str, cookie: str = "", body: str = ""
) -> tuple[int, float]:
    conn = http.client.HTTPConnection(HOST, port, timeout=120)
    headers = {"Cookie": f"{cookie}; csrftoken={CSRF}"} if cookie else {}
    if body:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    began = time.perf_counter()
    conn.request(method, path, body=body or None, headers=headers)
    response = conn.getresponse()
    response.read()
    conn.close()
    return response.status, (time.perf_counter() - began) * 1000


def concurrent(
    jobs: list[tuple[str, str, str, str]], port: int
) -> tuple[list[tuple[int, float]], float]:
    """Run every job at once (a barrier); the results and the wall time of the burst."""
    barrier = threading.Barrier(len(jobs) + 1)
    results: list[tuple[int, float]] = [(0, 0.0)] * len(jobs)

    def one(i: int, job: tuple[str, str, str, str]) -> None:
        barrier.wait()
        results[i] = _request(port, *job)

    threads = [threading.Thread(target=one, args=(i, job)) for i, job in enumerate(jobs)]
    for t in threads:
        t.start()
    barrier.wait()
    began = time.perf_counter()
    for t in threads:
        t.join()
    return results, time.perf_counter() - began


def _maintenance(url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(sql)


def _on_throwaway_database(args: argparse.Namespace) -> int:
    """Run this benchmark again on a fresh database of the server at --pg-url, then drop it."""
    name = f"peerpower_bench_coaching_{int(time.time())}"
    url = urllib.parse.urlunsplit(urllib.parse.urlsplit(args.pg_url)._replace(path=f"/{name}"))
    _maintenance(args.pg_url, f'CREATE DATABASE "{name}"')
    try:
        argv = [sys.executable, __file__, "--database-url", url, "--rounds", str(args.rounds)]
        return subprocess.run(argv, check=False).returncode  # noqa: S603 - our own argv
    finally:
        _maintenance(args.pg_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="", help="PostgreSQL URL (default: SQLite)")
    parser.add_argument(
        "--pg-url", default="", help="PostgreSQL server: run on a throwaway database made there"
    )
    parser.add_argument("--rounds", type=int, default=5, help="booking rounds of 50 requests")
    args = parser.parse_args()
    if args.pg_url:
        return _on_throwaway_database(args)
    with tempfile.TemporaryDirectory(prefix="peerpower-bench-coaching-") as tmp:
        var_dir = Path(tmp)
        env = bench_env(var_dir)
        if args.database_url:
            env["DATABASE_URL"] = args.database_url
        manage = [sys.executable, "manage.py"]
        run_step([*manage, "migrate", "--noinput"], env, "migrate")
        run_step([*manage, "createcachetable"], env, "createcachetable")
        run_step([*manage, "collectstatic", "--noinput"], env, "collectstatic")
        out = run_step(
            [sys.executable, str(ROOT / "bench" / "coaching_probe.py")],
            env,
            "coach, 200 sessions, 50 members",
        )
        info = json.loads(out.strip().splitlines()[-1])
        port = free_port()
        log = var_dir / "gunicorn.log"
        proc = start_gunicorn(env, port, 4, log)
        try:
            wait_healthy(proc, port, log, 60)
            bare, bare_wall = concurrent([("GET", "/healthz", "", "")] * 50 * args.rounds, port)
            book_results: list[tuple[int, float]] = []
            book_wall = 0.0
            for r in range(args.rounds):
                jobs = [
                    (
                        "POST",
                        f"/coaching/engagements/{e}/book/",
                        cookie,
                        urllib.parse.urlencode(
                            {
                                "csrfmiddlewaretoken": CSRF,
                                "starts_at": info["contested"][r],
                                "minutes": "60",
                                "key": str(uuid.uuid4()),
                            }
                        ),
                    )
                    for e, cookie in zip(info["engagements"], info["cookies"], strict=True)
                ]
                results, wall = concurrent(jobs, port)
                statuses = sorted(s for s, _ in results)
                if statuses != [302] + [409] * 49:
                    raise BenchError(
                        f"round {r}: expected one booking and 49 'taken', got {statuses}"
                    )
                book_results += results
                book_wall += wall
            slot_jobs = [("GET", info["book_page"], info["book_cookie"], "")] * 40
            slot_results, slot_wall = concurrent(slot_jobs, port)
            if any(s != 200 for s, _ in slot_results):
                raise BenchError("the booking page did not answer 200")
        finally:
            stop_gunicorn(proc)

    def row(name: str, results: list[tuple[int, float]], wall: float) -> None:
        ms = [m for _, m in results]
        p50, p95 = percentile(ms, 0.5), percentile(ms, 0.95)
        b50, b95 = percentile([m for _, m in bare], 0.5), percentile([m for _, m in bare], 0.95)
        print(
            f"{name:<34} {len(ms):>5} {len(ms) / wall:>7.1f} {p50:>8.1f} {p95:>8.1f}"
            f" {p50 / b50:>8.1f} {p95 / b95:>8.1f}"
        )

    leg = "PostgreSQL" if args.database_url else "SQLite"
    print(f"\nCoaching benchmark on {leg}, gunicorn 4 sync workers, 50 concurrent clients")
    heads = ("reqs", "req/s", "p50 ms", "p95 ms", "p50/bare", "p95/bare")
    print(f"{'target':<34} {heads[0]:>5} {heads[1]:>7} " + " ".join(f"{h:>8}" for h in heads[2:]))
    row("bare view /healthz", bare, bare_wall)
    row("booking, 50 at once for one slot", book_results, book_wall)
    row("booking page, 200 sessions busy", slot_results, slot_wall)
    print(
        f"slot computation in-process: {info['slots']} free 60-minute slots over 30 days around"
        f" 200 sessions, median {info['slots_ms_median']:.1f} ms"
    )
    return 0


if __name__ == "__main__":
    os.chdir(ROOT)
    try:
        sys.exit(main())
    except BenchError as error:
        print(f"BENCH FAILED: {error}", file=sys.stderr)
        sys.exit(1)
