"""Group formation: the maximally diverse grouping problem with size bounds and hard constraints.

Pure Python and numpy; no Django here, so the command line (``python -m peerpower.formation``),
the benchmark and the tests use it as it is.

The problem: n elements, a symmetric matrix d of pairwise diversity values, m groups, each with
a lower and upper size bound. Maximise the sum of d[i, j] over the pairs placed in the same
group, subject to cannot-link pairs (never in one group), must-link sets (always in one group)
and elements fixed to a group (existing members).

The method is an iterated tabu search over the move and swap neighbourhoods, after the
published descriptions of iterated tabu search for the MDGP (Palubeckis, Karčiauskas &
Riškus 2011), tabu search for the MDGP with size bounds (Gallego, Laguna, Martí & Duarte 2013)
and iterated maxima search (Lai & Hao 2016): every iteration takes the best admissible move
(one element to another group within the size bounds) or swap (two elements of different
groups); a recently moved element is tabu for a random tenure unless the step beats the best
grouping found; after a run of iterations without a new best, the search restarts from the
best grouping with a random perturbation. docs/architecture.md ("Group formation") says more.

Speed comes from the gain array ``G[u, g]`` (the sum of d between element u and the members of
group g), kept up to date in O(n) per move. A move's gain is ``G[u, b] - G[u, a]``; a swap's is
``G[u, b] - G[u, a] + G[v, a] - G[v, b] - 2 d[u, v]``, evaluated for every pair at once with
numpy. The objective is tracked by adding gains and recomputed from scratch at the end.

Must-link sets are contracted into units (the unit's diversity to another is the sum over its
members; its weight is its size); fixed elements fix their unit; the search moves units.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

NEG = -np.inf
# Gains smaller than this are rounding noise (the objective is a sum of many floats).
EPS = 1e-9


class Infeasible(ValueError):
    """No grouping meets the hard constraints; ``constraint`` names which kind makes it so."""

    def __init__(self, constraint: str, message: str) -> None:
        super().__init__(message)
        self.constraint = constraint
        self.message = message


@dataclass(frozen=True)
class Problem:
    """An instance. ``diversity`` is n x n symmetric; group g holds lower[g]..upper[g] elements."""

    diversity: FloatArray
    lower: tuple[int, ...]
    upper: tuple[int, ...]
    cannot_link: tuple[tuple[int, int], ...] = ()
    must_link: tuple[tuple[int, ...], ...] = ()
    fixed: Mapping[int, int] = field(default_factory=dict)

    @property
    def n(self) -> int:
        return int(self.diversity.shape[0])

    @property
    def m(self) -> int:
        return len(self.lower)


@dataclass(frozen=True)
class Progress:
    """Reported to the progress callback while the search runs."""

    iteration: int
    elapsed: float
    best: float
    current: float
    # How far through the budget (time or iterations, whichever is nearer its end), 0..1.
    fraction: float


@dataclass(frozen=True)
class Result:
    groups: tuple[int, ...]  # group index of each element, in element order
    objective: float
    iterations: int
    elapsed: float
    stopped_by: str  # "iterations", "time", "callback" or "exhausted" (no admissible step)
    # The objective as the search tracked it, by adding move and swap gains (tests compare it
    # with ``objective``, recomputed from scratch).
    tracked: float


def objective(diversity: FloatArray, groups: Sequence[int] | IntArray) -> float:
    """The sum of within-group diversity, computed from scratch."""
    labels = np.asarray(groups)
    same = labels[:, None] == labels[None, :]
    return float(np.triu(np.where(same, diversity, 0.0), 1).sum())


def violations(problem: Problem, groups: Sequence[int]) -> list[str]:
    """Every hard constraint the grouping breaks, in words (empty when it is feasible)."""
    found: list[str] = []
    if len(groups) != problem.n:
        return [f"the grouping has {len(groups)} elements, the instance {problem.n}"]
    sizes = np.bincount(np.asarray(groups, dtype=np.int64), minlength=problem.m)
    if len(sizes) > problem.m or min(groups, default=0) < 0:
        return [f"a group index is outside 0..{problem.m - 1}"]
    for g, size in enumerate(sizes):
        if not problem.lower[g] <= size <= problem.upper[g]:
            found.append(
                f"group {g} has {size} members, outside {problem.lower[g]}..{problem.upper[g]}"
            )
    for i, j in problem.cannot_link:
        if groups[i] == groups[j]:
            found.append(f"cannot-link {i} and {j} are both in group {groups[i]}")
    for members in problem.must_link:
        if len({groups[i] for i in members}) > 1:
            found.append(f"must-link set {sorted(members)} is split")
    for i, g in problem.fixed.items():
        if groups[i] != g:
            found.append(f"element {i} is fixed to group {g} but is in group {groups[i]}")
    return found


# --------------------------------------------------------------------------- checks


class _Units:
    """Must-link sets contracted: unit u has members[u], weight w[u], maybe a fixed group."""

    def __init__(self, problem: Problem) -> None:
        n = problem.n
        parent = list(range(n))

        def find(i: int) -> int:
            while parent[i] != i:
                parent[i] = parent[parent[i]]
                i = parent[i]
            return i

        for members in problem.must_link:
            for i in members[1:]:
                parent[find(i)] = find(members[0])
        roots: dict[int, int] = {}
        unit_of = np.empty(n, dtype=np.int64)
        for i in range(n):
            unit_of[i] = roots.setdefault(find(i), len(roots))
        self.unit_of = unit_of
        self.count = len(roots)
        self.members: list[list[int]] = [[] for _ in range(self.count)]
        for i in range(n):
            self.members[int(unit_of[i])].append(i)
        self.weight = np.array([len(ms) for ms in self.members], dtype=np.int64)
        self.fixed = np.full(self.count, -1, dtype=np.int64)
        for i, g in sorted(problem.fixed.items()):
            u = int(unit_of[i])
            if self.fixed[u] >= 0 and self.fixed[u] != g:
                other = next(j for j in self.members[u] if problem.fixed.get(j) == self.fixed[u])
                raise Infeasible(
                    "fixed",
                    f"elements {other} and {i} must be together (must-link) but are fixed to "
                    f"groups {self.fixed[u]} and {g}",
                )
            self.fixed[u] = g
        # Diversity between units (sum over their members) and the constant inside units.
        onehot = np.zeros((n, self.count))
        onehot[np.arange(n), unit_of] = 1.0
        d = problem.diversity
        self.diversity = onehot.T @ d @ onehot
        self.inside = float(np.diag(self.diversity).sum() / 2.0)
        np.fill_diagonal(self.diversity, 0.0)
        self.conflict = np.zeros((self.count, self.count))
        for i, j in problem.cannot_link:
            a, b = int(unit_of[i]), int(unit_of[j])
            if a == b:
                raise Infeasible(
                    "cannot-link",
                    f"elements {i} and {j} are a cannot-link pair but must be together (must-link)",
                )
            self.conflict[a, b] = self.conflict[b, a] = 1.0
        self.has_conflicts = bool(problem.cannot_link)


def _check_input(problem: Problem) -> None:
    d = problem.diversity
    n, m = problem.n, problem.m
    if d.ndim != 2 or d.shape[0] != d.shape[1]:
        raise Infeasible("input", f"the diversity matrix is {d.shape}, not square")
    if not np.all(np.isfinite(d)):
        raise Infeasible("input", "the diversity matrix has a value that is not a finite number")
    if not np.allclose(d, d.T):
        raise Infeasible("input", "the diversity matrix is not symmetric")
    if m < 1 or len(problem.upper) != m:
        raise Infeasible("sizes", "there must be at least one group, each with two bounds")
    for g in range(m):
        if not 0 <= problem.lower[g] <= problem.upper[g]:
            raise Infeasible(
                "sizes",
                f"group {g}'s bounds {problem.lower[g]}..{problem.upper[g]} are not "
                "0 <= lower <= upper",
            )
    if sum(problem.lower) > n:
        raise Infeasible(
            "sizes", f"the lower bounds add up to {sum(problem.lower)}, more than the {n} elements"
        )
    if sum(problem.upper) < n:
        raise Infeasible(
            "sizes", f"the upper bounds add up to {sum(problem.upper)}, fewer than the {n} elements"
        )
    for i, j in problem.cannot_link:
        if not (0 <= i < n and 0 <= j < n) or i == j:
            raise Infeasible("cannot-link", f"cannot-link pair ({i}, {j}) is not two of 0..{n - 1}")
    for members in problem.must_link:
        if not members or not all(0 <= i < n for i in members):
            raise Infeasible("must-link", f"must-link set {list(members)} is not within 0..{n - 1}")
    for i, g in problem.fixed.items():
        if not 0 <= i < n or not 0 <= g < m:
            raise Infeasible("fixed", f"element {i} fixed to group {g}: out of range")


def _check_units(problem: Problem, units: _Units) -> None:
    biggest = max(problem.upper)
    for u in range(units.count):
        if units.weight[u] > biggest:
            raise Infeasible(
                "must-link",
                f"must-link set {units.members[u]} has {units.weight[u]} members; no group "
                f"holds more than {biggest}",
            )
        g = int(units.fixed[u])
        if g >= 0 and units.weight[u] > problem.upper[g]:
            raise Infeasible(
                "fixed",
                f"elements {units.members[u]} are fixed to group {g}, which holds at most "
                f"{problem.upper[g]}",
            )
    for g in range(problem.m):
        load = int(units.weight[units.fixed == g].sum())
        if load > problem.upper[g]:
            raise Infeasible(
                "fixed",
                f"{load} elements are fixed to group {g}, which holds at most {problem.upper[g]}",
            )
    if units.has_conflicts:
        both = np.flatnonzero(units.fixed >= 0)
        for a in both:
            for b in both:
                if a < b and units.fixed[a] == units.fixed[b] and units.conflict[a, b]:
                    i, j = _conflicting_members(problem, units, int(a), int(b))
                    raise Infeasible(
                        "cannot-link",
                        f"elements {i} and {j} are a cannot-link pair but both are fixed to "
                        f"group {units.fixed[a]}",
                    )
        clique = _large_clique(units.conflict)
        if len(clique) > problem.m:
            names = sorted(units.members[u][0] for u in clique)
            raise Infeasible(
                "cannot-link",
                f"elements {names} are pairwise cannot-linked: they need {len(clique)} groups "
                f"but there are {problem.m}",
            )


def _conflicting_members(problem: Problem, units: _Units, a: int, b: int) -> tuple[int, int]:
    for i, j in problem.cannot_link:
        pair = {int(units.unit_of[i]), int(units.unit_of[j])}
        if pair == {a, b}:
            return (i, j)
    raise AssertionError("units without a conflicting pair")  # pragma: no cover


def _large_clique(conflict: FloatArray) -> list[int]:
    """A large clique of the cannot-link graph, greedily from each vertex (a lower bound)."""
    best: list[int] = []
    degree = conflict.sum(axis=1)
    for start in np.flatnonzero(degree > 0):
        clique = [int(start)]
        candidates = np.flatnonzero(conflict[start] > 0)
        while candidates.size:
            pick = int(candidates[np.argmax(degree[candidates])])
            clique.append(pick)
            candidates = candidates[(conflict[pick, candidates] > 0) & (candidates != pick)]
        if len(clique) > len(best):
            best = clique
    return best


def check(problem: Problem) -> None:
    """Raise Infeasible, naming the constraint, for what can be seen without searching."""
    _check_input(problem)
    _check_units(problem, _Units(problem))


# --------------------------------------------------------------------------- the search


class _State:
    """A grouping of units with its gain arrays; every change goes through move()."""

    def __init__(self, units: _Units, lower: IntArray, upper: IntArray, labels: IntArray) -> None:
        self.units = units
        self.lower = lower
        self.upper = upper
        self.m = len(lower)
        self.d = units.diversity
        self.w = units.weight
        self.k = units.conflict
        self.uniform = bool(np.all(self.w == 1))
        self.tight = bool(np.all(lower == upper)) and self.uniform
        self.set(labels)

    def set(self, labels: IntArray) -> None:
        nu = len(labels)
        self.labels = labels.copy()
        onehot = np.zeros((nu, self.m))
        onehot[np.arange(nu), labels] = 1.0
        self.gain = self.d @ onehot
        self.clash = self.k @ onehot if self.units.has_conflicts else None
        self.size = np.bincount(labels, weights=self.w, minlength=self.m).astype(np.int64)
        self.value = float((self.gain[np.arange(nu), labels]).sum() / 2.0)
        # -2 d[u, v] where u and v are in different groups and neither is fixed; -inf otherwise:
        # the part of a swap's gain that does not depend on the gain array.
        same = labels[:, None] == labels[None, :]
        pinned = self.units.fixed >= 0
        blocked = same | pinned[:, None] | pinned[None, :]
        self.pair = np.where(blocked, NEG, -2.0 * self.d)

    def move(self, u: int, b: int) -> None:
        a = int(self.labels[u])
        self.value += float(self.gain[u, b] - self.gain[u, a])
        self.gain[:, a] -= self.d[:, u]
        self.gain[:, b] += self.d[:, u]
        if self.clash is not None:
            self.clash[:, a] -= self.k[:, u]
            self.clash[:, b] += self.k[:, u]
        self.size[a] -= self.w[u]
        self.size[b] += self.w[u]
        self.labels[u] = b
        pinned = self.units.fixed >= 0
        if not pinned[u]:
            row = np.where((self.labels == b) | pinned, NEG, -2.0 * self.d[u])
            self.pair[u, :] = row
            self.pair[:, u] = row

    def move_gains(self) -> FloatArray:
        """Gain of moving each unit to each group; -inf where the move breaks a constraint."""
        nu = len(self.labels)
        own = self.gain[np.arange(nu), self.labels]
        gains = self.gain - own[:, None]
        if self.tight:
            return np.full_like(gains, NEG)
        gains[np.arange(nu), self.labels] = NEG
        gains[self.units.fixed >= 0, :] = NEG
        leaving = self.size[self.labels] - self.w < self.lower[self.labels]
        gains[leaving, :] = NEG
        gains[self.size[None, :] + self.w[:, None] > self.upper[None, :]] = NEG
        if self.clash is not None:
            gains[self.clash > 0] = NEG
        return gains

    def swap_gains(self, moves: FloatArray) -> FloatArray:
        """Gain of swapping each pair of units (symmetric); -inf where not admissible.

        ``moves`` is the unmasked move gain (gain - own gain) from which the swap gain is
        built: moves[u, L[v]] + moves[v, L[u]] - 2 d[u, v].
        """
        cross = moves[:, self.labels]
        gains = cross + cross.T + self.pair
        if not self.uniform:
            lab = self.labels
            delta = self.w[None, :] - self.w[:, None]  # change in size of u's group: -w_u + w_v
            new_u = self.size[lab][:, None] + delta
            bad = (new_u < self.lower[lab][:, None]) | (new_u > self.upper[lab][:, None])
            gains[bad | bad.T] = NEG
        if self.clash is not None:
            hits = self.clash[:, self.labels] - self.k
            gains[(hits > 0) | (hits.T > 0)] = NEG
        return gains

    def swap(self, u: int, v: int) -> None:
        a, b = int(self.labels[u]), int(self.labels[v])
        self.move(u, b)
        self.move(v, a)


def _raw_moves(state: _State) -> FloatArray:
    nu = len(state.labels)
    own = state.gain[np.arange(nu), state.labels]
    return state.gain - own[:, None]


def _construct(
    problem: Problem,
    units: _Units,
    rng: np.random.Generator,
    lower: IntArray,
    upper: IntArray,
    attempts: int = 20,
) -> IntArray:
    """A grouping that meets every hard constraint, or Infeasible('search', ...).

    The first attempt fills groups towards the sizes with the most pairs; later attempts
    (and restarts during the search) place units in a random order into random groups with
    room, then repair what is left broken.
    """
    for attempt in range(attempts):
        labels = _greedy(units, rng, lower, upper, randomise=attempt > 0)
        if labels is not None and _repair(units, labels, rng, lower, upper):
            return labels
    raise Infeasible(
        "search",
        "no grouping was found that meets the size bounds, cannot-links and must-links together "
        f"({attempts} attempts); relax a constraint",
    )


def target_sizes(n: int, lower: IntArray, upper: IntArray) -> IntArray:
    """Group sizes within the bounds, adding up to n, with the most pairs (sum of C(s, 2)).

    The objective adds a value for every pair in a group, so the best groupings found on
    MDGPLIB use such sizes; the search starts from them (moves can still change them).
    Dynamic programming over the groups.
    """
    m = len(lower)
    worst = -1
    best = np.full((m + 1, n + 1), worst, dtype=np.int64)
    choice = np.zeros((m + 1, n + 1), dtype=np.int64)
    best[0, 0] = 0
    for g in range(m):
        for total in range(n + 1):
            if best[g, total] == worst:
                continue
            for size in range(int(lower[g]), min(int(upper[g]), n - total) + 1):
                value = best[g, total] + size * (size - 1) // 2
                if value > best[g + 1, total + size]:
                    best[g + 1, total + size] = value
                    choice[g + 1, total + size] = size
    sizes = np.zeros(m, dtype=np.int64)
    total = n
    for g in range(m, 0, -1):
        sizes[g - 1] = choice[g, total]
        total -= int(sizes[g - 1])
    return sizes


def _greedy(
    units: _Units, rng: np.random.Generator, lower: IntArray, upper: IntArray, randomise: bool
) -> IntArray | None:
    """Place units one by one: heaviest and most constrained first, each into the group
    furthest below its target size (see target_sizes) that has room and no conflict; with
    ``randomise``, in a random order into a random group with room and no conflict."""
    nu, m = units.count, len(lower)
    target = target_sizes(int(units.weight.sum()), lower, upper)
    labels = np.full(nu, -1, dtype=np.int64)
    size = np.zeros(m, dtype=np.int64)
    clash = np.zeros((nu, m))
    for u in np.flatnonzero(units.fixed >= 0):
        g = int(units.fixed[u])
        labels[u] = g
        size[g] += units.weight[u]
        clash[:, g] += units.conflict[:, u]
    free = np.flatnonzero(units.fixed < 0)
    degree = units.conflict.sum(axis=1)
    if randomise:
        order = rng.permutation(free)
    else:
        order = free[np.lexsort((rng.random(len(free)), -degree[free], -units.weight[free]))]
    for u in order:
        room = (size + units.weight[u] <= upper) & (clash[u] == 0)
        if not room.any():
            room = size + units.weight[u] <= upper  # break a cannot-link; repair fixes it
            if not room.any():
                return None
        if randomise:
            g = int(rng.choice(np.flatnonzero(room)))
        else:
            deficit = np.where(room, target - size, -np.inf) + rng.random(m) * 1e-3
            g = int(np.argmax(deficit))
        labels[u] = g
        size[g] += units.weight[u]
        clash[:, g] += units.conflict[:, u]
    return labels


def _badness(size: IntArray, lower: IntArray, upper: IntArray) -> IntArray:
    bad: IntArray = np.maximum(lower - size, 0) + np.maximum(size - upper, 0)
    return bad


def _repair(
    units: _Units, labels: IntArray, rng: np.random.Generator, lower: IntArray, upper: IntArray
) -> bool:
    """A walk of moves and swaps that brings (elements outside the size bounds + cannot-link
    pairs broken) to zero: the best step if it helps, a random equal one otherwise, now and
    then a random move to leave a plateau. True when it gets there (labels changed in place)."""
    nu, m = units.count, len(lower)
    w = units.weight
    k = units.conflict
    free = units.fixed < 0
    if not free.any():
        size = np.bincount(labels, weights=w, minlength=m).astype(np.int64)
        return not _badness(size, lower, upper).any()
    every = np.arange(nu)
    for _step in range(30 * nu + 200):
        size = np.bincount(labels, weights=w, minlength=m).astype(np.int64)
        onehot = np.zeros((nu, m))
        onehot[every, labels] = 1.0
        clash = k @ onehot
        own_clash = clash[every, labels]
        bad = _badness(size, lower, upper)
        if not bad.any() and not own_clash.any():
            return True
        # Moves: u from its group a to group h.
        a_bad_after = _badness(size[labels] - w, lower[labels], upper[labels]) - bad[labels]
        h_bad_after = _badness(size[None, :] + w[:, None], lower, upper) - bad[None, :]
        moves = a_bad_after[:, None] + h_bad_after + clash - own_clash[:, None]
        moves[every, labels] = np.inf
        moves[~free, :] = np.inf
        # Swaps of units of equal weight (sizes unchanged): only the cannot-links change.
        cross = clash[:, labels]
        swaps = cross + cross.T - own_clash[:, None] - own_clash[None, :] - 2 * k
        blocked = (labels[:, None] == labels[None, :]) | (w[:, None] != w[None, :])
        blocked |= ~free[:, None] | ~free[None, :]
        swaps[blocked] = np.inf
        best = min(float(moves.min()), float(swaps.min()))
        if best <= 0 and (best < 0 or rng.random() < 0.8):
            options = [("move", x) for x in np.argwhere(moves == best)]
            options += [("swap", x) for x in np.argwhere(swaps == best)]
            kind, (x, y) = options[rng.integers(len(options))]
            if kind == "move":
                labels[x] = y
            else:
                labels[x], labels[y] = labels[y], labels[x]
        else:
            u = int(rng.choice(np.flatnonzero(free)))
            labels[u] = int(rng.integers(m))
    return False


def _construct_quietly(
    units: _Units, rng: np.random.Generator, lower: IntArray, upper: IntArray
) -> IntArray | None:
    """A random grouping that meets the hard constraints, or None after three attempts."""
    for _attempt in range(3):
        labels = _greedy(units, rng, lower, upper, randomise=True)
        if labels is not None and _repair(units, labels, rng, lower, upper):
            return labels
    return None


def solve(
    problem: Problem,
    *,
    seconds: float | None = None,
    iterations: int | None = None,
    seed: int = 0,
    progress: Callable[[Progress], bool | None] | None = None,
    report_every: float = 0.25,
    initial: Sequence[int] | None = None,
    clock: Callable[[], float] = time.perf_counter,
) -> Result:
    """Search until ``seconds`` pass or ``iterations`` steps are taken (whichever comes first).

    The same seed and iteration count (with no time limit) give the same result. ``progress``
    is called about every ``report_every`` seconds; returning True stops the search. ``initial``
    is a starting grouping (it must meet the hard constraints, e.g. a proposal being re-run).
    Raises Infeasible, naming the constraint, when no grouping meets the hard constraints.
    """
    if seconds is None and iterations is None:
        raise ValueError("give seconds, iterations or both")
    start = clock()
    _check_input(problem)
    units = _Units(problem)
    _check_units(problem, units)
    rng = np.random.default_rng(seed)
    lower = np.asarray(problem.lower, dtype=np.int64)
    upper = np.asarray(problem.upper, dtype=np.int64)
    if initial is not None:
        broken = violations(problem, initial)
        if broken:
            raise Infeasible("initial", "the starting grouping breaks a constraint: " + broken[0])
        first = np.asarray(initial, dtype=np.int64)
        labels = np.array([first[ms[0]] for ms in units.members], dtype=np.int64)
    else:
        labels = _construct(problem, units, rng, lower, upper)
    state = _State(units, lower, upper, labels)
    search = _TabuSearch(state, rng)
    # With one group, or every element fixed, there is one grouping: nothing to search.
    boxed = problem.m == 1 or not (units.fixed < 0).any()
    stopped_by = "exhausted"
    last_report = start
    it = 0
    limit = iterations if iterations is not None else -1
    while not boxed:
        if it == limit:
            stopped_by = "iterations"
            break
        now = clock()
        elapsed = now - start
        if seconds is not None and elapsed >= seconds:
            stopped_by = "time"
            break
        if progress is not None and now - last_report >= report_every:
            last_report = now
            if progress(_progress(it, elapsed, search, seconds, iterations)):
                stopped_by = "callback"
                break
        search.step(it)
        it += 1
    best_units = search.best_labels
    groups = best_units[units.unit_of]
    elapsed = clock() - start
    value = objective(problem.diversity, groups)
    if progress is not None:
        progress(Progress(it, elapsed, value, search.state.value + units.inside, 1.0))
    tracked = search.best_value + units.inside
    return Result(tuple(int(g) for g in groups), value, it, elapsed, stopped_by, tracked)


def _progress(
    it: int, elapsed: float, search: _TabuSearch, seconds: float | None, iterations: int | None
) -> Progress:
    fractions = []
    if seconds:
        fractions.append(elapsed / seconds)
    if iterations:
        fractions.append(it / iterations)
    inside = search.state.units.inside
    return Progress(
        it,
        elapsed,
        search.best_value + inside,
        search.state.value + inside,
        min(1.0, max(fractions, default=0.0)),
    )


# Tabu tenure drawn from [nu/40, nu/12] iterations; a perturbation after 5 nu iterations
# without a new best, of nu/20..nu/8 random steps; every 8th perturbation without a new best is
# a fresh random grouping. Chosen by trials on the 120-element MDGPLIB files at 3 s.
TENURE = (1 / 40, 1 / 12)
DEPTH = 5.0
STRENGTH = (1 / 20, 1 / 8)
RESTART_EVERY = 8


class _TabuSearch:
    """Iterated tabu search; one call of step() is one iteration."""

    def __init__(self, state: _State, rng: np.random.Generator) -> None:
        self.state = state
        self.rng = rng
        nu = len(state.labels)
        self.nu = nu
        self.tabu_until = np.zeros(nu, dtype=np.int64)
        self.best_value = state.value
        self.best_labels = state.labels.copy()
        self.stale = 0
        self.kicks = 0  # perturbations since the last new best
        self.relabel = len(set(state.lower)) > 1 or len(set(state.upper)) > 1
        # Tenure and stagnation depth scale with the number of units (tuned on MDGPLIB).
        self.tenure = (max(1, int(nu * TENURE[0])), max(2, int(nu * TENURE[1])))
        self.depth = max(20, int(DEPTH * nu))
        self.strength = (max(1, int(nu * STRENGTH[0])), max(2, int(nu * STRENGTH[1])))

    def step(self, it: int) -> None:
        """One iteration: the best admissible step, a perturbation when stale, a restart when
        nothing is admissible."""
        s = self.state
        moves = s.move_gains()
        swaps = s.swap_gains(_raw_moves(s)) if self.nu > 1 else np.full((1, 1), NEG)
        tabu = np.flatnonzero(self.tabu_until > it)
        aspiration = self.best_value - s.value + EPS
        # Best step among those not tabu, unless a tabu one beats the best grouping found.
        pick = self._best(moves, swaps, aspiration) if tabu.size else None
        if pick is None:
            if tabu.size:
                moves[tabu, :] = NEG
                swaps[tabu, :] = NEG
                swaps[:, tabu] = NEG
            pick = self._best(moves, swaps, NEG)
        if pick is None:
            # Nothing admissible: the grouping is boxed in by the bounds and cannot-links.
            if tabu.size:
                self.tabu_until[:] = 0
            else:
                self._restart()
            return
        kind, u, x = pick
        low, high = self.tenure
        if kind == "move":
            s.move(u, x)
            self.tabu_until[u] = it + self.rng.integers(low, high + 1)
        else:
            s.swap(u, x)
            self.tabu_until[u] = it + self.rng.integers(low, high + 1)
            self.tabu_until[x] = it + self.rng.integers(low, high + 1)
        if s.value > self.best_value + EPS:
            self.best_value = s.value
            self.best_labels = s.labels.copy()
            self.stale = 0
            self.kicks = 0
        else:
            self.stale += 1
            if self.stale >= self.depth:
                self._perturb()
                self.stale = 0

    def _best(
        self, moves: FloatArray, swaps: FloatArray, threshold: float
    ) -> tuple[str, int, int] | None:
        """The best move or swap whose gain is above threshold (and finite)."""
        mi = int(np.argmax(moves))
        si = int(np.argmax(swaps))
        mv = float(moves.flat[mi])
        sv = float(swaps.flat[si])
        if max(mv, sv) == NEG or max(mv, sv) <= threshold:
            return None
        if mv >= sv:
            return ("move", mi // moves.shape[1], mi % moves.shape[1])
        return ("swap", si // swaps.shape[1], si % swaps.shape[1])

    def _restart(self) -> None:
        """A fresh random grouping: the hard constraints can wall one region off another."""
        labels = _construct_quietly(self.state.units, self.rng, self.state.lower, self.state.upper)
        if labels is not None:
            self.state.set(labels)
        self.tabu_until[:] = 0
        self.stale = 0

    def _perturb(self) -> None:
        """Back to the best grouping, then a random number of random admissible steps; every
        few perturbations without a new best, a fresh random grouping instead."""
        s = self.state
        self.kicks += 1
        if self.kicks % RESTART_EVERY == 0:
            self._restart()
            return
        s.set(self.best_labels)
        self.tabu_until[:] = 0
        if self.relabel and self.rng.random() < 0.5:
            self._relabel()
        low, high = self.strength
        for _ in range(int(self.rng.integers(low, high + 1))):
            moves = s.move_gains()
            swaps = s.swap_gains(_raw_moves(s))
            options = np.flatnonzero(np.isfinite(swaps).ravel())
            move_options = np.flatnonzero(np.isfinite(moves).ravel())
            if options.size and (not move_options.size or self.rng.random() < 0.5):
                k = int(options[self.rng.integers(options.size)])
                s.swap(k // self.nu, k % self.nu)
            elif move_options.size:
                k = int(move_options[self.rng.integers(move_options.size)])
                s.move(k // s.m, k % s.m)
            else:
                self._restart()
                return

    def _relabel(self) -> None:
        """Exchange the members of two groups whose sizes fit each other's bounds (the
        objective is unchanged, but each now has the other's bounds to grow or shrink in)."""
        s = self.state
        pinned = np.zeros(s.m, dtype=bool)
        pinned[s.labels[self.state.units.fixed >= 0]] = True
        fits = (s.size[:, None] >= s.lower[None, :]) & (s.size[:, None] <= s.upper[None, :])
        ok = fits & fits.T & ~pinned[:, None] & ~pinned[None, :]
        np.fill_diagonal(ok, False)
        pairs = np.argwhere(np.triu(ok))
        if not len(pairs):
            return
        a, b = pairs[self.rng.integers(len(pairs))]
        labels = s.labels.copy()
        labels[s.labels == a] = b
        labels[s.labels == b] = a
        s.set(labels)
