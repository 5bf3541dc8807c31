"""On instances small enough to enumerate (n <= 12), the solver finds the optimum."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from peerpower.formation.solver import Problem, solve, violations
from tests.formation.strategies import feasible_problems


def enumerate_optimum(problem: Problem) -> float:
    """The best objective over every assignment of n elements to m groups (m**n of them)."""
    n, m = problem.n, problem.m
    labels = np.array(list(itertools.product(range(m), repeat=n)), dtype=np.int8)
    ok = np.ones(len(labels), dtype=bool)
    for g in range(m):
        size = (labels == g).sum(axis=1)
        ok &= (size >= problem.lower[g]) & (size <= problem.upper[g])
    for i, j in problem.cannot_link:
        ok &= labels[:, i] != labels[:, j]
    for members in problem.must_link:
        for i in members[1:]:
            ok &= labels[:, i] == labels[:, members[0]]
    for i, g in problem.fixed.items():
        ok &= labels[:, i] == g
    labels = labels[ok]
    assert len(labels), "the instance has no feasible assignment"
    value = np.zeros(len(labels))
    for i in range(n - 1):
        same = labels[:, i + 1 :] == labels[:, [i]]
        value += same @ problem.diversity[i, i + 1 :]
    return float(value.max())


def _instance(n: int, lower: tuple[int, ...], upper: tuple[int, ...], seed: int) -> Problem:
    rng = np.random.default_rng(seed)
    d = np.triu(np.round(rng.uniform(0, 100, (n, n)), 3), 1)
    return Problem(d + d.T, lower, upper)


@pytest.mark.parametrize("seed", range(2))
@pytest.mark.parametrize(
    ("lower", "upper"),
    [((4, 4, 4), (4, 4, 4)), ((2, 3, 3), (6, 5, 4)), ((6, 6), (6, 6)), ((1, 1, 1), (10, 10, 10))],
    ids=["ss-3x4", "ds-3", "ss-2x6", "loose-3"],
)
def test_twelve_elements_optimum_by_enumeration(
    lower: tuple[int, ...], upper: tuple[int, ...], seed: int
) -> None:
    problem = _instance(12, lower, upper, seed)
    best = enumerate_optimum(problem)
    result = solve(problem, iterations=1500, seed=seed)
    assert violations(problem, result.groups) == []
    assert result.objective == pytest.approx(best, abs=1e-6)


def test_twelve_elements_with_every_kind_of_constraint() -> None:
    base = _instance(12, (3, 3, 3), (5, 5, 5), 11)
    problem = Problem(
        base.diversity,
        base.lower,
        base.upper,
        cannot_link=((0, 1), (2, 3), (4, 5), (0, 6)),
        must_link=((7, 8), (9, 10, 11)),
        fixed={0: 2, 9: 0},
    )
    best = enumerate_optimum(problem)
    result = solve(problem, iterations=1500, seed=0)
    assert violations(problem, result.groups) == []
    assert result.objective == pytest.approx(best, abs=1e-6)


@settings(max_examples=20, deadline=None)
@given(feasible_problems(max_n=8, max_m=3), st.integers(0, 1000))
def test_random_small_instances_optimum_by_enumeration(problem: Problem, seed: int) -> None:
    best = enumerate_optimum(problem)
    # Fixed elements and cannot-links can wall one region of groupings off from another;
    # only the search's restarts cross such walls, hence the budget.
    result = solve(problem, iterations=3000, seed=seed)
    assert violations(problem, result.groups) == []
    assert result.objective == pytest.approx(best, abs=1e-6)
