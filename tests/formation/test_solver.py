"""The solver's promises on random instances (hypothesis): every result meets the hard
constraints, its objective is right, a seed and iteration count replay it, and an infeasible
instance is named as such before any search."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from peerpower.formation.solver import (
    Infeasible,
    Problem,
    Progress,
    check,
    objective,
    solve,
    violations,
)
from tests.formation.strategies import feasible_problems

QUICK = settings(max_examples=40, deadline=None)


@QUICK
@given(feasible_problems(), st.integers(0, 1000))
def test_every_result_meets_the_hard_constraints(problem: Problem, seed: int) -> None:
    result = solve(problem, iterations=60, seed=seed)
    assert violations(problem, result.groups) == []
    sizes = np.bincount(result.groups, minlength=problem.m)
    assert all(lo <= s <= hi for lo, s, hi in zip(problem.lower, sizes, problem.upper, strict=True))
    for i, j in problem.cannot_link:
        assert result.groups[i] != result.groups[j]
    for members in problem.must_link:
        assert len({result.groups[i] for i in members}) == 1
    for i, g in problem.fixed.items():
        assert result.groups[i] == g


@QUICK
@given(feasible_problems(), st.integers(0, 1000))
def test_the_tracked_objective_equals_one_recomputed_from_scratch(
    problem: Problem, seed: int
) -> None:
    result = solve(problem, iterations=80, seed=seed)
    scratch = objective(problem.diversity, result.groups)
    # result.tracked is the sum of the gains the search applied, never recomputed.
    assert result.tracked == pytest.approx(scratch, abs=1e-6)
    assert result.objective == pytest.approx(scratch, abs=1e-9)
    # and objective() itself is the plain double loop
    plain = sum(
        problem.diversity[i, j]
        for i in range(problem.n)
        for j in range(i + 1, problem.n)
        if result.groups[i] == result.groups[j]
    )
    assert scratch == pytest.approx(plain, abs=1e-9)


@settings(max_examples=20, deadline=None)
@given(feasible_problems(), st.integers(0, 1000))
def test_the_same_seed_and_iteration_count_give_the_same_result(
    problem: Problem, seed: int
) -> None:
    first = solve(problem, iterations=100, seed=seed)
    again = solve(problem, iterations=100, seed=seed)
    assert first.groups == again.groups
    assert first.objective == again.objective
    assert first.iterations == again.iterations
    # all 100, unless the instance has no admissible step at all (then the search ends early)
    assert first.iterations == 100 or first.stopped_by == "exhausted"


def test_a_different_seed_explores_differently() -> None:
    rng = np.random.default_rng(7)
    d = rng.uniform(0, 100, (60, 60))
    d = np.triu(d, 1) + np.triu(d, 1).T
    problem = Problem(d, (6,) * 10, (6,) * 10)
    results = {solve(problem, iterations=5, seed=s).groups for s in range(3)}
    assert len(results) == 3


def test_the_search_improves_on_its_starting_grouping() -> None:
    rng = np.random.default_rng(3)
    d = rng.uniform(0, 100, (40, 40))
    d = np.triu(d, 1) + np.triu(d, 1).T
    problem = Problem(d, (8,) * 5, (8,) * 5)
    start = solve(problem, iterations=0, seed=1)
    later = solve(problem, iterations=400, seed=1)
    assert later.objective > start.objective * 1.05


def _random_d(n: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    d = np.triu(rng.uniform(0, 10, (n, n)), 1)
    return d + d.T


@st.composite
def infeasible_problems(draw: st.DrawFn) -> tuple[Problem, str]:
    """An instance with one planted infeasibility, and the constraint that should be named."""
    n = draw(st.integers(4, 10))
    m = draw(st.integers(2, 3))
    d = _random_d(n, draw(st.integers(0, 100)))
    loose_lower, loose_upper = (0,) * m, (n,) * m
    kind = draw(st.sampled_from(["lower", "upper", "must-cannot", "fixed-split", "clique", "full"]))
    if kind == "lower":
        lower = (n // m + 1,) * m
        return Problem(d, lower, (n,) * m), "sizes"
    if kind == "upper":
        upper = ((n - 1) // m,) * m
        return Problem(d, (0,) * m, upper), "sizes"
    if kind == "must-cannot":
        return Problem(d, loose_lower, loose_upper, ((0, 2),), ((0, 1, 2),)), "cannot-link"
    if kind == "fixed-split":
        return Problem(d, loose_lower, loose_upper, (), ((0, 1),), {0: 0, 1: 1}), "fixed"
    if kind == "clique":
        clique = range(m + 1)
        pairs = tuple((i, j) for i in clique for j in clique if i < j)
        return Problem(d, loose_lower, loose_upper, pairs), "cannot-link"
    upper = (2,) + (n,) * (m - 1)
    return Problem(d, (0,) * m, upper, (), (), {0: 0, 1: 0, 2: 0}), "fixed"


@settings(max_examples=40, deadline=None)
@given(infeasible_problems())
def test_an_infeasible_instance_is_reported_naming_the_constraint(
    case: tuple[Problem, str],
) -> None:
    problem, constraint = case
    seen: list[Progress] = []
    with pytest.raises(Infeasible) as caught:
        solve(problem, iterations=10, progress=seen.append, report_every=0.0)
    assert caught.value.constraint == constraint
    assert str(caught.value)
    assert seen == []  # found before searching


def test_infeasible_messages_say_which_elements_and_groups() -> None:
    d = _random_d(6)
    with pytest.raises(Infeasible, match=r"elements \[0, 1, 2\] are pairwise cannot-linked"):
        solve(Problem(d, (0, 0), (6, 6), ((0, 1), (0, 2), (1, 2))), iterations=1)
    with pytest.raises(Infeasible, match="lower bounds add up to 8, more than the 6"):
        solve(Problem(d, (4, 4), (6, 6)), iterations=1)
    with pytest.raises(Infeasible, match="elements 0 and 1 are a cannot-link pair but both are"):
        solve(Problem(d, (0, 0), (6, 6), ((0, 1),), (), {0: 1, 1: 1}), iterations=1)
    with pytest.raises(Infeasible, match=r"must-link set \[0, 1, 2, 3\] has 4 members"):
        solve(Problem(d, (0, 0, 0), (3, 3, 3), (), ((0, 1, 2, 3),)), iterations=1)


def test_an_infeasibility_only_search_can_find_is_still_named() -> None:
    # Two must-link pairs and bounds 3..3: sizes add up, no clique, but pairs cannot make 3s.
    d = _random_d(6)
    problem = Problem(d, (3, 3), (3, 3), (), ((0, 1), (2, 3), (4, 5)))
    with pytest.raises(Infeasible) as caught:
        solve(problem, iterations=10)
    assert caught.value.constraint == "search"


def test_progress_is_reported_and_can_stop_the_search() -> None:
    d = _random_d(30)
    problem = Problem(d, (5,) * 6, (5,) * 6)
    seen: list[Progress] = []

    def stop_at_third(report: Progress) -> bool:
        seen.append(report)
        return len(seen) == 3

    result = solve(problem, iterations=100_000, progress=stop_at_third, report_every=0.0)
    assert result.stopped_by == "callback"
    assert len(seen) == 4  # three during the search, one final
    assert [p.iteration for p in seen[:3]] == sorted(p.iteration for p in seen[:3])
    assert seen[-1].fraction == 1.0
    assert seen[-1].best == pytest.approx(result.objective)


def test_a_time_limit_stops_the_search() -> None:
    ticks = iter(range(1000))
    d = _random_d(20)
    result = solve(
        Problem(d, (4,) * 5, (4,) * 5), seconds=10, seed=0, clock=lambda: float(next(ticks))
    )
    assert result.stopped_by == "time"
    assert result.iterations == 9  # 1 s per clock reading: start, then one reading a step


def test_a_starting_grouping_is_kept_when_nothing_can_move() -> None:
    d = _random_d(4)
    problem = Problem(d, (2, 2), (2, 2), (), (), {0: 0, 1: 0, 2: 1, 3: 1})
    result = solve(problem, iterations=10, initial=(0, 0, 1, 1))
    assert result.groups == (0, 0, 1, 1)
    assert result.stopped_by == "exhausted"
    with pytest.raises(Infeasible, match="starting grouping breaks"):
        solve(problem, iterations=10, initial=(0, 1, 0, 1))


def test_violations_names_each_broken_constraint() -> None:
    d = _random_d(4)
    problem = Problem(d, (1, 1), (2, 3), ((0, 1),), ((2, 3),), {0: 1})
    assert violations(problem, (1, 0, 1, 1)) == []
    assert violations(problem, (0, 0, 1, 0)) == [
        "group 0 has 3 members, outside 1..2",
        "cannot-link 0 and 1 are both in group 0",
        "must-link set [2, 3] is split",
        "element 0 is fixed to group 1 but is in group 0",
    ]
    assert violations(problem, (0, 1, 0)) == ["the grouping has 3 elements, the instance 4"]
    assert violations(problem, (0, 1, 2, 0)) == ["a group index is outside 0..1"]


@pytest.mark.parametrize(
    ("change", "constraint", "words"),
    [
        ({"diversity": np.zeros((3, 4))}, "input", "not square"),
        ({"diversity": np.full((4, 4), np.nan)}, "input", "not a finite number"),
        ({"diversity": np.triu(np.ones((4, 4)), 1)}, "input", "not symmetric"),
        ({"lower": (), "upper": ()}, "sizes", "at least one group"),
        ({"lower": (3, 1), "upper": (2, 4)}, "sizes", "group 0's bounds 3..2"),
        ({"cannot_link": ((0, 9),)}, "cannot-link", "pair (0, 9) is not two of 0..3"),
        ({"cannot_link": ((2, 2),)}, "cannot-link", "pair (2, 2)"),
        ({"must_link": ((0, 7),)}, "must-link", "must-link set [0, 7] is not within"),
        ({"fixed": {0: 5}}, "fixed", "element 0 fixed to group 5: out of range"),
        ({"fixed": {0: 0, 1: 0, 2: 0}}, "fixed", "3 elements are fixed to group 0"),
        ({"must_link": ((0, 1, 2),), "fixed": {0: 0}}, "fixed", "holds at most 2"),
    ],
)
def test_bad_input_is_named(change: dict[str, object], constraint: str, words: str) -> None:
    fields: dict[str, object] = {
        "diversity": _random_d(4),
        "lower": (0, 0),
        "upper": (2, 4),
        "cannot_link": (),
        "must_link": (),
        "fixed": {},
    }
    fields.update(change)
    problem = Problem(**fields)  # type: ignore[arg-type]
    with pytest.raises(Infeasible) as caught:
        check(problem)
    assert caught.value.constraint == constraint
    assert words in caught.value.message
