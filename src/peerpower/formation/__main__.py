"""``python -m peerpower.formation INSTANCE [--seconds S] [--seed N] [--cannot-link FILE]
[--out FILE]``: solve an MDGPLIB instance.

Writes the grouping to --out (one 0-based group index a line, in element order) and prints
``objective <value>`` as its last line. A malformed or infeasible instance: one line on stderr
and exit status 2 (usage errors) or 1 (everything else).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from peerpower.formation.mdgplib import InstanceError, read_cannot_link, read_instance
from peerpower.formation.solver import Infeasible, Problem, Progress, solve


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m peerpower.formation",
        description="Maximally diverse grouping (MDGPLIB format) with size bounds.",
    )
    parser.add_argument("instance", type=Path, help="MDGPLIB instance file")
    parser.add_argument("--seconds", type=float, default=3.0, help="time limit (default 3)")
    parser.add_argument("--iterations", type=int, help="iteration limit (deterministic)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument("--cannot-link", type=Path, help="file of 'i j' pairs (0-based)")
    parser.add_argument("--out", type=Path, help="write one group index a line here")
    parser.add_argument("--verbose", action="store_true", help="progress on stderr")
    args = parser.parse_args(argv)
    if args.seconds <= 0:
        parser.error("--seconds must be positive")
    try:
        problem = read_instance(args.instance)
        if args.cannot_link is not None:
            pairs = read_cannot_link(args.cannot_link, problem.n)
            problem = Problem(problem.diversity, problem.lower, problem.upper, cannot_link=pairs)
        result = solve(
            problem,
            seconds=args.seconds,
            iterations=args.iterations,
            seed=args.seed,
            progress=_report if args.verbose else None,
        )
    except InstanceError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except Infeasible as error:
        print(f"infeasible ({error.constraint}): {error.message}", file=sys.stderr)
        return 1
    if args.out is not None:
        try:
            args.out.write_text("".join(f"{g}\n" for g in result.groups))
        except OSError as error:
            print(f"error: cannot write {args.out}: {error.strerror}", file=sys.stderr)
            return 1
    print(f"iterations {result.iterations} seconds {result.elapsed:.2f}")
    print(f"objective {result.objective:.6f}")
    return 0


def _report(progress: Progress) -> None:
    print(
        f"{progress.elapsed:7.2f}s it {progress.iteration:8d} best {progress.best:.3f}",
        file=sys.stderr,
    )


if __name__ == "__main__":
    sys.exit(main())
