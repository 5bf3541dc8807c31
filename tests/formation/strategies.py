"""Random formation instances for the property tests: small, so the suite stays quick.

A feasible instance is built around a hidden grouping that meets every constraint, so a
solver that reports it infeasible (or returns a grouping that breaks something) is wrong.
"""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

from peerpower.formation.solver import Problem


@st.composite
def feasible_problems(draw: st.DrawFn, max_n: int = 10, max_m: int = 3) -> Problem:
    n = draw(st.integers(min_value=2, max_value=max_n))
    m = draw(st.integers(min_value=1, max_value=min(max_m, n)))
    hidden = np.array(draw(st.lists(st.integers(0, m - 1), min_size=n, max_size=n)))
    sizes = np.bincount(hidden, minlength=m)
    lower = tuple(int(s) - draw(st.integers(0, int(s))) for s in sizes)
    upper = tuple(int(s) + draw(st.integers(0, 3)) for s in sizes)
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    d = np.round(rng.uniform(0, 100, (n, n)), 3)
    d = np.triu(d, 1)
    d = d + d.T
    pairs = [(i, j) for i in range(n) for j in range(i + 1, n)]
    apart = [p for p in pairs if hidden[p[0]] != hidden[p[1]]]
    cannot = draw(st.lists(st.sampled_from(apart), max_size=4, unique=True)) if apart else []
    must: list[tuple[int, ...]] = []
    if draw(st.booleans()):
        for g in range(m):
            members = [int(i) for i in np.flatnonzero(hidden == g)]
            if len(members) >= 2 and draw(st.booleans()):
                must.append(tuple(members[: draw(st.integers(2, len(members)))]))
    fixed_ids = draw(st.lists(st.integers(0, n - 1), max_size=3, unique=True))
    fixed = {i: int(hidden[i]) for i in fixed_ids}
    return Problem(d, lower, upper, tuple(cannot), tuple(must), fixed)
