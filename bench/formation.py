"""Group formation solver against the published MDGPLIB best-known values.

`make bench-formation` runs this as `.venv/bin/python bench/formation.py`. For each of the twelve
instances in ../shared/mdgp/ (read from there, never copied into the repository) it runs the
solver at the literature's time limit for the instance's size (3 s for 120 elements, 20 s for
240, 120 s for 480) with five seeds, and prints best, mean and worst objective, the gap of each
to the best-known value (%), and the normalised score (f - E[random]) / (best-known - E[random])
of the mean, where E[random] = mean(d_ij) x sum over groups of C(s_g, 2) for the sizes with the
most pairs (those of the best-known solutions). The last line is the mean gap on RanReal and Geo.

The time limit is CPU time of the solving process (time.process_time), so that the figures mean
the same on a machine shared with other work; the wall time is printed too. `--jobs 2` runs two
solves at once (one per core). Nothing here is part of `make test`.
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

import numpy as np  # noqa: E402

from peerpower.formation.mdgplib import read_instance  # noqa: E402
from peerpower.formation.solver import solve, target_sizes, violations  # noqa: E402

DATA = ROOT.parent / "shared" / "mdgp"
INSTANCES = [
    f"{kind}_n{n}_{sizes}_01"
    for kind in ("RanReal", "Geo")
    for n in (120, 240, 480)
    for sizes in ("ss", "ds")
]
LIMITS = {120: 3.0, 240: 20.0, 480: 120.0}


@dataclass(frozen=True)
class Run:
    instance: str
    seed: int
    objective: float
    iterations: int
    wall: float


def one_run(instance: str, seed: int, seconds: float) -> Run:
    problem = read_instance(DATA / f"{instance}.txt")
    start = time.perf_counter()
    result = solve(problem, seconds=seconds, seed=seed, clock=time.process_time)
    wall = time.perf_counter() - start
    broken = violations(problem, result.groups)
    if broken:
        raise SystemExit(f"{instance} seed {seed}: infeasible result: {broken[0]}")
    return Run(instance, seed, result.objective, result.iterations, wall)


def expected_random(instance: str) -> float:
    problem = read_instance(DATA / f"{instance}.txt")
    n = problem.n
    sizes = target_sizes(n, np.asarray(problem.lower), np.asarray(problem.upper))
    mean = float(problem.diversity[np.triu_indices(n, 1)].mean())
    return mean * float((sizes * (sizes - 1) // 2).sum())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--jobs", type=int, default=1, help="solves at once (default 1)")
    parser.add_argument("--scale", type=float, default=1.0, help="multiply the time limits")
    parser.add_argument("--only", default="", help="run the instances whose name contains this")
    args = parser.parse_args()
    if not (DATA / "bks_tpsdp.csv").exists():
        print(f"bench-formation: the MDGPLIB files are missing from {DATA}", file=sys.stderr)
        return 1
    with (DATA / "bks_tpsdp.csv").open() as file:
        known = {row["instance"]: float(row["tpsdp_best"]) for row in csv.DictReader(file)}
    chosen = [name for name in INSTANCES if args.only in name]
    # Shortest limits first, so that a run cut short has the most instances done.
    jobs = sorted(
        (
            (name, seed, LIMITS[int(name.split("_n")[1].split("_")[0])] * args.scale)
            for name in chosen
            for seed in range(args.seeds)
        ),
        key=lambda job: job[2],
    )
    cpu = sum(job[2] for job in jobs)
    print(
        f"formation bench: {len(chosen)} instances x {args.seeds} seeds, "
        f"{cpu / 60:.1f} min of CPU, {args.jobs} at once; numpy {np.__version__}, "
        f"{os.cpu_count()} cores",
        flush=True,
    )
    header = (
        f"{'instance':<20} {'limit':>5} {'best':>13} {'mean':>13} {'worst':>13} "
        f"{'gap best':>8} {'mean':>6} {'worst':>6} {'score':>6} {'it/s':>7}"
    )
    print(header)
    runs: dict[str, list[Run]] = {name: [] for name in chosen}
    started = time.perf_counter()
    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        futures = [pool.submit(one_run, *job) for job in jobs]
        for future in futures:
            run = future.result()
            runs[run.instance].append(run)
            if len(runs[run.instance]) == args.seeds:
                print(row(run.instance, runs[run.instance], known, args.scale), flush=True)
    gaps: dict[str, list[float]] = {"RanReal": [], "Geo": []}
    scores: dict[str, list[float]] = {"RanReal": [], "Geo": []}
    for name in chosen:
        values = [r.objective for r in runs[name]]
        best = known[name]
        gaps[name.split("_")[0]].append(100 * (best - float(np.mean(values))) / best)
        base = expected_random(name)
        scores[name.split("_")[0]].append((float(np.mean(values)) - base) / (best - base))
    parts = [
        f"mean gap {kind} {np.mean(gaps[kind]):.3f} % (score {np.mean(scores[kind]):.3f})"
        for kind in ("RanReal", "Geo")
        if gaps[kind]
    ]
    wall = time.perf_counter() - started
    print(f"summary: {'; '.join(parts)}; wall {wall / 60:.1f} min")
    return 0


def row(name: str, runs: list[Run], known: dict[str, float], scale: float) -> str:
    values = np.array([r.objective for r in runs])
    best = known[name]
    base = expected_random(name)
    limit = LIMITS[int(name.split("_n")[1].split("_")[0])] * scale

    def gap(value: float) -> float:
        return 100 * (best - value) / best

    speed = np.mean([r.iterations for r in runs]) / limit
    return (
        f"{name:<20} {limit:>4.0f}s {values.max():>13.3f} {values.mean():>13.3f} "
        f"{values.min():>13.3f} {gap(values.max()):>7.3f}% {gap(values.mean()):>5.3f}% "
        f"{gap(values.min()):>5.3f}% {(values.mean() - base) / (best - base):>6.3f} {speed:>7.0f}"
    )


if __name__ == "__main__":
    sys.exit(main())
