"""Impact benchmark: the network outcomes dashboard and the yearly impact report with 10,000
members' survey answers, on SQLite, beside the bare view measured in the same run, and the
report's peak memory (tracemalloc, in-process, PDF included).

`.venv/bin/python bench/impact.py [--members N]` makes a throwaway data directory, migrates,
seeds with `bench/impact_seed.py`, starts gunicorn and drives the pages with concurrent
clients, printing p50/p95 as ratios to `/healthz` like bench/run.py, whose helpers it uses.
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

sys.path.insert(0, str(Path(__file__).resolve().parent))

import directory as directory_bench
import run as page_bench

ROOT = page_bench.ROOT


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--members", type=int, default=10_000, help="members to seed")
    parser.add_argument("--clients", type=int, default=4, help="concurrent clients (threads)")
    parser.add_argument("--warmup", type=int, default=4, help="warm-up requests per target")
    parser.add_argument("--requests", type=int, default=40, help="measured requests per target")
    parser.add_argument("--rounds", type=int, default=4, help="interleaved rounds")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--time-limit", type=float, default=300.0, help="seconds of HTTP load")
    parser.add_argument("--keep", action="store_true", help="keep the data directory")
    parser.add_argument("--sql", action="store_true", help="(unused; bench/run.py's report)")
    return parser.parse_args()


def main() -> int:
    args = parse_args()
    var_dir = Path(tempfile.mkdtemp(prefix="peerpower-bench-impact-"))
    env = page_bench.bench_env(var_dir)
    log_path = var_dir / "gunicorn.log"
    proc = None
    started = time.perf_counter()
    try:
        manage = [sys.executable, "manage.py"]
        page_bench.run_step([*manage, "migrate", "--noinput"], env, "migrate")
        page_bench.run_step([*manage, "createcachetable"], env, "createcachetable")
        page_bench.run_step([*manage, "collectstatic", "--noinput"], env, "collectstatic")
        out = page_bench.run_step(
            [sys.executable, str(ROOT / "bench" / "impact_seed.py"), str(args.members)],
            env,
            f"seed {args.members} members",
        )
        info = json.loads(out.strip().splitlines()[-1])
        targets = [
            page_bench.Target("bare view (baseline)", "/healthz", None, [b"ok"]),
            page_bench.Target("bare view + session", "/healthz", "admin", [b"ok"]),
        ]
        for label, data in info["targets"].items():
            expected = b"Members served" if data["path"].endswith(".csv") else b"Bench Network"
            target = page_bench.Target(label, data["path"], "admin", [expected])
            target.queries = data["count"]
            targets.append(target)
        cookies = {"admin": f"{info['session_cookie']}={info['session']}"}
        port = page_bench.free_port()
        proc = page_bench.start_gunicorn(env, port, args.workers, log_path)
        page_bench.wait_healthy(proc, port, log_path, timeout=30)
        results, cut = page_bench.measure(port, targets, cookies, args)
        info["profiles"] = f"{info['members']} members, {info['responses']} responses;"
        directory_bench.report("sqlite", info, results, cut, args)
        print(
            f"Impact report (all tables and the PDF, in-process): {info['report_seconds']} s, "
            f"peak memory {info['report_peak_mb']} MB (tracemalloc), PDF {info['report_pdf_kb']} KB"
        )
    except (page_bench.BenchError, subprocess.SubprocessError) as error:
        print(f"\nBENCH FAILED: {error}", file=sys.stderr)
        return 1
    finally:
        if proc is not None:
            page_bench.stop_gunicorn(proc)
        if not args.keep:
            shutil.rmtree(var_dir, ignore_errors=True)
    print(f"\nTotal time: {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
