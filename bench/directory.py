"""Directory search benchmark: the networking directory at 10,000 profiles, on SQLite and on
PostgreSQL, each beside the bare view measured in the same run.

`make bench` runs this as `.venv/bin/python bench/directory.py`. For each database it makes a
throwaway one (SQLite in a throwaway data directory; PostgreSQL as a fresh database on the
server of `--pg-url`, dropped at the end), migrates, seeds 10,000 profiles with
`bench/directory_seed.py`, starts gunicorn, and drives the directory and four searches (a
common word, two words, a prefix, a string of FTS operators) with concurrent clients. It prints
p50/p95 latency as ratios to `/healthz` measured in the same run, like bench/run.py, whose
helpers it uses. bench/README.md explains how to read the table.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run as page_bench

HOST = page_bench.HOST
ROOT = page_bench.ROOT


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--profiles", type=int, default=10_000, help="profiles to seed")
    parser.add_argument("--clients", type=int, default=10, help="concurrent clients (threads)")
    parser.add_argument("--warmup", type=int, default=20, help="warm-up requests per target")
    parser.add_argument("--requests", type=int, default=200, help="measured requests per target")
    parser.add_argument("--rounds", type=int, default=4, help="interleaved rounds")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--time-limit", type=float, default=120.0, help="seconds of HTTP load")
    parser.add_argument(
        "--pg-url",
        default="postgres://postgres@127.0.0.1:5432/postgres",
        help="a PostgreSQL server to make the throwaway database on ('' to skip PostgreSQL)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the data directory")
    parser.add_argument("--sql", action="store_true", help="(unused; bench/run.py's report)")
    return parser.parse_args()


def _psql(url: str, sql: str) -> None:
    """Run one statement on the server's maintenance database (creating or dropping ours)."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(sql)


def bench_one(vendor: str, args: argparse.Namespace, database_url: str | None) -> None:
    var_dir = Path(tempfile.mkdtemp(prefix=f"peerpower-bench-directory-{vendor}-"))
    env = page_bench.bench_env(var_dir)
    if database_url:
        env["DATABASE_URL"] = database_url
    log_path = var_dir / "gunicorn.log"
    proc = None
    try:
        print(f"\n== {vendor}: data directory {var_dir}", flush=True)
        manage = [sys.executable, "manage.py"]
        page_bench.run_step([*manage, "migrate", "--noinput"], env, "migrate")
        page_bench.run_step([*manage, "createcachetable"], env, "createcachetable")
        page_bench.run_step([*manage, "collectstatic", "--noinput"], env, "collectstatic")
        out = page_bench.run_step(
            [sys.executable, str(ROOT / "bench" / "directory_seed.py"), str(args.profiles)],
            env,
            f"seed {args.profiles} profiles",
        )
        info = json.loads(out.strip().splitlines()[-1])
        name = info["user_name"].encode()
        targets = [
            page_bench.Target("bare view (baseline)", "/healthz", None, [b"ok"]),
            page_bench.Target("bare view + session", "/healthz", "searcher", [b"ok"]),
        ]
        for label, data in info["targets"].items():
            target = page_bench.Target(label, data["path"], "searcher", [name, b"People"])
            target.queries = data["count"]
            targets.append(target)
        cookies = {"searcher": f"{info['session_cookie']}={info['session']}"}
        port = page_bench.free_port()
        proc = page_bench.start_gunicorn(env, port, args.workers, log_path)
        page_bench.wait_healthy(proc, port, log_path, timeout=30)
        results, cut = page_bench.measure(port, targets, cookies, args)
        report(vendor, info, results, cut, args)
    finally:
        if proc is not None:
            page_bench.stop_gunicorn(proc)
        if not args.keep:
            shutil.rmtree(var_dir, ignore_errors=True)


def report(
    vendor: str,
    info: dict[str, object],
    results: list[page_bench.Result],
    cut: bool,
    args: argparse.Namespace,
) -> None:
    base = results[0]
    base_p50 = page_bench.percentile(base.latencies, 0.50)
    base_p95 = page_bench.percentile(base.latencies, 0.95)
    print(
        f"\nDirectory search · {time.strftime('%Y-%m-%d %H:%M')} · {vendor} · "
        f"{info['profiles']} profiles · gunicorn workers {args.workers} · clients {args.clients}"
        f" · {args.requests} measured per target"
    )
    header = (
        f"{'target':<26} {'requests':>8} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} "
        f"{'p50/bare':>9} {'p95/bare':>9} {'CPU ms':>7} {'SQL':>4}"
    )
    print(header)
    print("-" * len(header))
    for result in results:
        p50 = page_bench.percentile(result.latencies, 0.50)
        p95 = page_bench.percentile(result.latencies, 0.95)
        cpu = page_bench.percentile(result.cpu, 0.50)
        queries = "-" if result.target.queries is None else str(result.target.queries)
        print(
            f"{result.target.name:<26} {len(result.latencies):>8} "
            f"{len(result.latencies) / result.wall:>7.0f} {p50 * 1000:>8.1f} {p95 * 1000:>8.1f} "
            f"{p50 / base_p50:>9.2f} {p95 / base_p95:>9.2f} {cpu:>7.2f} {queries:>4}"
        )
    if cut:
        print(f"WARNING: the {args.time_limit:.0f} s limit cut the run short.")


def main() -> int:
    args = parse_args()
    started = time.perf_counter()
    try:
        bench_one("sqlite", args, None)
        if args.pg_url:
            parts = urlsplit(args.pg_url)
            name = f"peerpower_bench_directory_{int(time.time())}"
            url = urlunsplit(parts._replace(path=f"/{name}"))
            try:
                _psql(args.pg_url, f'CREATE DATABASE "{name}"')
            except Exception as error:
                print(f"\nPostgreSQL skipped: cannot create a database at {args.pg_url}: {error}")
            else:
                try:
                    bench_one("postgresql", args, url)
                finally:
                    _psql(args.pg_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    except (page_bench.BenchError, subprocess.SubprocessError) as error:
        print(f"\nBENCH FAILED: {error}", file=sys.stderr)
        return 1
    print(f"\nTotal time: {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
