"""From people to a solver instance: the pairwise diversity the network chose to mix, and the
hard constraints read from the data (no Django here, so the tests build people by hand).

Diversity between two people is a weighted sum over six things (weights 0..10, set per run):
sector, kind of organisation and region count when they differ; size band and years in role
count by how far apart they are (size bands one to four steps, years up to ten); what they are
looking for counts when it is the same (a shared purpose). Something not known about either
person adds nothing.

Hard constraints: the same organisation (by name, or by registered number) never in one group;
possible competitors (same sector, region and size band) unless the admin said they are not;
competitors the admin confirmed, or an organisation either person said they will not share a
room with; an in-person group takes only people from the region its venue serves (an online
group, or a venue serving anywhere, takes anyone); existing members stay in their group; each
group's size bounds. In-person reach is a cannot-link between each person who cannot reach a
group and an *anchor*: an extra element fixed to that group with no diversity to anyone, so the
solver needs no constraint kind of its own for it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from peerpower.formation.solver import FloatArray, Problem

WEIGHT_MAX = 10
FACTORS = ("sector", "size", "region", "years", "kind", "looking_for")
FACTOR_LABELS = {
    "sector": "sector",
    "size": "size band",
    "region": "region",
    "years": "years in role",
    "kind": "kind of organisation",
    "looking_for": "what they are looking for",
}
SIZE_ORDER = ("micro", "small", "medium", "large", "major")
YEARS_CAP = 10


@dataclass(frozen=True)
class Person:
    """One person of a run's pool, with what the mix and the constraints read."""

    key: int
    name: str
    organisation: str
    registered_number: str = ""
    sector: str = ""
    size_band: str = ""
    region: str = ""
    kind: str = ""
    years_in_role: int | None = None
    looking_for: str = ""
    # Organisations (name or registered number) this person will not share a room with.
    avoid: tuple[str, ...] = ()
    # The group slot this person is fixed to (an existing member), if any.
    fixed: int | None = None


@dataclass(frozen=True)
class Slot:
    """A group of a run: its name, size bounds and the region its venue serves ("" = anyone)."""

    name: str
    lower: int = 8
    upper: int = 16
    region: str = ""
    region_label: str = ""


@dataclass(frozen=True)
class Conflict:
    """Two people who may never share a group, and why, in words."""

    first: int
    second: int
    kind: str  # "organisation", "competitor", "possible-competitor", "declared"
    reason: str


@dataclass
class Instance:
    """A solver problem built from people, with what is needed to explain its results."""

    people: list[Person]
    slots: list[Slot]
    problem: Problem
    parts: dict[str, FloatArray]  # each factor's weighted matrix; they sum to the diversity
    conflicts: list[Conflict]
    anchors: list[int] = field(default_factory=list)  # element index of each slot's anchor

    @property
    def n_people(self) -> int:
        return len(self.people)


Weights = Mapping[str, int]


def normalise(text: str) -> str:
    """An organisation's name or number as compared: case, spaces and punctuation ignored."""
    return re.sub(r"[^0-9a-z]+", "", text.casefold())


def possible_competitors(people: Sequence[Person]) -> list[tuple[int, int]]:
    """Pairs (by key, the smaller first) in the same sector, region and size band, from
    different organisations: possible competitors, for the admin to confirm or dismiss."""
    pairs = []
    for a, first in enumerate(people):
        for second in people[a + 1 :]:
            if _same_organisation(first, second):
                continue
            if (
                first.sector
                and first.region
                and first.size_band
                and (first.sector, first.region, first.size_band)
                == (second.sector, second.region, second.size_band)
            ):
                pairs.append((min(first.key, second.key), max(first.key, second.key)))
    return pairs


def _same_organisation(a: Person, b: Person) -> str:
    if normalise(a.organisation) and normalise(a.organisation) == normalise(b.organisation):
        return f"{a.name} and {b.name} are both from {a.organisation}"
    number = normalise(a.registered_number)
    if number and number == normalise(b.registered_number):
        return f"{a.name} and {b.name} share the registered number {a.registered_number}"
    return ""


def _declared(a: Person, b: Person) -> str:
    names = {normalise(b.organisation), normalise(b.registered_number)} - {""}
    for entry in a.avoid:
        if normalise(entry) in names:
            return f"{a.name} will not share a room with {b.organisation}"
    return ""


def conflicts(
    people: Sequence[Person],
    *,
    confirmed: Iterable[tuple[int, int]] = (),
    dismissed: Iterable[tuple[int, int]] = (),
) -> list[Conflict]:
    """Every pair that may not share a group. ``confirmed`` and ``dismissed`` are the admin's
    decisions on pairs (by key, either order): confirmed competitors, and possible competitors
    that are not. A possible competitor nobody has decided on counts as one."""
    yes = {frozenset(p) for p in confirmed}
    no = {frozenset(p) for p in dismissed}
    possible = {frozenset(p) for p in possible_competitors(people)}
    found = []
    for a, first in enumerate(people):
        for second in people[a + 1 :]:
            pair = frozenset((first.key, second.key))
            both = f"{first.name} and {second.name}"
            same = _same_organisation(first, second)
            declared = _declared(first, second) or _declared(second, first)
            if same:
                found.append(Conflict(first.key, second.key, "organisation", same))
            elif declared:
                found.append(Conflict(first.key, second.key, "declared", declared))
            elif pair in yes:
                found.append(
                    Conflict(first.key, second.key, "competitor", f"{both} are competitors")
                )
            elif pair in possible and pair not in no:
                found.append(
                    Conflict(
                        first.key,
                        second.key,
                        "possible-competitor",
                        f"{both} may be competitors (same sector, region and size band)",
                    )
                )
    return found


def _factor_matrices(people: Sequence[Person], weights: Weights) -> dict[str, FloatArray]:
    n = len(people)

    def categorical(values: list[str], *, same: bool = False) -> FloatArray:
        v = np.array(values, dtype=object)
        known = np.array([bool(x) for x in values])
        both = known[:, None] & known[None, :]
        equal = v[:, None] == v[None, :]
        hit = equal if same else ~equal
        return np.where(both & hit, 1.0, 0.0)

    def distance(values: list[float | None], scale: float) -> FloatArray:
        known = np.array([x is not None for x in values])
        x = np.array([0.0 if v is None else float(v) for v in values])
        both = known[:, None] & known[None, :]
        return np.where(both, np.minimum(np.abs(x[:, None] - x[None, :]), scale) / scale, 0.0)

    size_rank = [
        float(SIZE_ORDER.index(p.size_band)) if p.size_band in SIZE_ORDER else None for p in people
    ]
    years = [None if p.years_in_role is None else float(p.years_in_role) for p in people]
    raw = {
        "sector": categorical([p.sector for p in people]),
        "size": distance(size_rank, len(SIZE_ORDER) - 1),
        "region": categorical([p.region for p in people]),
        "years": distance(years, YEARS_CAP),
        "kind": categorical([p.kind for p in people]),
        "looking_for": categorical([p.looking_for for p in people], same=True),
    }
    parts = {}
    for name in FACTORS:
        matrix = raw[name] * float(weights.get(name, 0))
        np.fill_diagonal(matrix, 0.0)
        parts[name] = matrix if n else np.zeros((0, 0))
    return parts


def build(
    people: Sequence[Person],
    slots: Sequence[Slot],
    weights: Weights,
    *,
    confirmed: Iterable[tuple[int, int]] = (),
    dismissed: Iterable[tuple[int, int]] = (),
) -> Instance:
    """The solver instance for these people and groups: elements 0..n-1 are the people in the
    order given, then one anchor per group whose venue serves one region."""
    people = list(people)
    index = {p.key: i for i, p in enumerate(people)}
    parts = _factor_matrices(people, weights)
    found = conflicts(people, confirmed=confirmed, dismissed=dismissed)
    cannot = [(index[c.first], index[c.second]) for c in found]
    fixed = {i: p.fixed for i, p in enumerate(people) if p.fixed is not None}
    lower = [s.lower for s in slots]
    upper = [s.upper for s in slots]
    anchors: list[int] = []
    n = len(people)
    for g, slot in enumerate(slots):
        if not slot.region:
            continue
        anchor = n + len(anchors)
        anchors.append(anchor)
        fixed[anchor] = g
        lower[g] += 1
        upper[g] += 1
        cannot.extend(
            (i, anchor)
            for i, p in enumerate(people)
            if p.region != slot.region and fixed.get(i) != g
        )
    size = n + len(anchors)
    diversity = np.zeros((size, size))
    for matrix in parts.values():
        diversity[:n, :n] += matrix
    problem = Problem(
        diversity=diversity,
        lower=tuple(lower),
        upper=tuple(upper),
        cannot_link=tuple(cannot),
        fixed=fixed,
    )
    return Instance(
        people=people,
        slots=list(slots),
        problem=problem,
        parts=parts,
        conflicts=found,
        anchors=anchors,
    )


def full_assignment(instance: Instance, groups: Mapping[int, int]) -> list[int]:
    """The solver's grouping (people then anchors) from a slot per person's key."""
    labels = [groups[p.key] for p in instance.people]
    labels.extend(instance.problem.fixed[a] for a in instance.anchors)
    return labels


# --------------------------------------------------------------------------- explaining


@dataclass(frozen=True)
class GroupMix:
    slot: int
    members: list[Person]
    score: float
    by_factor: dict[str, float]
    counts: dict[str, dict[str, int]]  # sector / size_band / region -> value -> people


def score(instance: Instance, groups: Mapping[int, int]) -> float:
    """The proposal's score: the sum of diversity over pairs in the same group."""
    return sum(g.score for g in mixes(instance, groups))


def mixes(instance: Instance, groups: Mapping[int, int]) -> list[GroupMix]:
    """Each group's members, score, score by factor and counts by sector, size and region."""
    result = []
    for slot in range(len(instance.slots)):
        idx = [i for i, p in enumerate(instance.people) if groups.get(p.key) == slot]
        by_factor = {
            name: float(np.triu(matrix[np.ix_(idx, idx)], 1).sum()) if idx else 0.0
            for name, matrix in instance.parts.items()
        }
        members = [instance.people[i] for i in idx]
        counts: dict[str, dict[str, int]] = {}
        for attribute in ("sector", "size_band", "region"):
            tally: dict[str, int] = {}
            for person in members:
                value = getattr(person, attribute) or ""
                tally[value] = tally.get(value, 0) + 1
            counts[attribute] = dict(sorted(tally.items(), key=lambda kv: (-kv[1], kv[0])))
        result.append(
            GroupMix(
                slot=slot,
                members=members,
                score=sum(by_factor.values()),
                by_factor=by_factor,
                counts=counts,
            )
        )
    return result


def move_refusal(instance: Instance, groups: Mapping[int, int], key: int, to: int) -> str:
    """Why moving the person ``key`` to slot ``to`` breaks a hard constraint ("" if it does not).

    Size bounds are not checked here: a proposal being edited by hand may pass through a size
    out of bounds, and acceptance refuses one (``size_problems``)."""
    person = next(p for p in instance.people if p.key == key)
    if person.fixed is not None and person.fixed != to:
        return f"{person.name} is already a member of {instance.slots[person.fixed].name}."
    slot = instance.slots[to]
    if slot.region and person.region != slot.region:
        return (
            f"{slot.name} meets in person in a venue for {slot.region_label or slot.region}; "
            f"{person.name} is not in that region."
        )
    for c in instance.conflicts:
        if key not in (c.first, c.second):
            continue
        other = c.second if c.first == key else c.first
        if groups.get(other) == to:
            return f"{c.reason}, so they cannot be in one group."
    return ""


def size_problems(instance: Instance, groups: Mapping[int, int]) -> list[str]:
    """Each group whose size is outside its bounds, in words."""
    problems = []
    for g, slot in enumerate(instance.slots):
        size = sum(1 for p in instance.people if groups.get(p.key) == g)
        if not slot.lower <= size <= slot.upper:
            problems.append(
                f"{slot.name} has {size} people; it needs {slot.lower} to {slot.upper}."
            )
    return problems


def respected(instance: Instance, groups: Mapping[int, int]) -> list[str]:
    """The hard constraints the proposal keeps, in words, each with how many it concerns
    (only those it breaks are missing; ``move_refusal`` and ``size_problems`` name those)."""
    kinds = {
        "organisation": "people from the same organisation",
        "declared": "organisations someone will not share a room with",
        "competitor": "confirmed competitors",
        "possible-competitor": "possible competitors not yet dismissed",
    }
    lines = []
    for kind, words in kinds.items():
        pairs = [c for c in instance.conflicts if c.kind == kind]
        if pairs and all(groups.get(c.first) != groups.get(c.second) for c in pairs):
            lines.append(f"No two {words} share a group ({len(pairs)} pairs kept apart).")
    fixed = [p for p in instance.people if p.fixed is not None]
    if fixed and all(groups.get(p.key) == p.fixed for p in fixed):
        lines.append(f"Existing members stay in their groups ({len(fixed)} people).")
    reach = [s for s in instance.slots if s.region]
    if reach and all(
        groups.get(p.key) is None
        or not instance.slots[groups[p.key]].region
        or instance.slots[groups[p.key]].region == p.region
        for p in instance.people
    ):
        lines.append(
            "Everyone in an in-person group is from the region its venue serves "
            f"({len(reach)} in-person groups)."
        )
    if not size_problems(instance, groups):
        lines.append("Every group's size is within its bounds.")
    return lines
