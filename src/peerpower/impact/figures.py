"""Every figure the impact pages, CSVs and PDFs show is made here, through the small-numbers
rule (`lib.small_numbers.suppressed`): a `Figure` about fewer than five respondents has no
value and no count, and one that would let a hidden cell be recovered by difference from a
total is hidden too. Charts, tables and CSVs are all drawn from the same figures, so the rule
holds in every one of them.

The statistics (a paired mean change with its t-based 95 % interval) are here too, in plain
Python so the tests can check them by hand.
"""

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from peerpower.lib.small_numbers import MIN_RESPONDENTS, suppressed

# Two-sided 97.5 % points of Student's t, by degrees of freedom (1–30), then the normal's.
T_975 = [
    12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
    2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
    2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
]  # fmt: skip


def t_975(df: int) -> float:
    """The 97.5 % point of Student's t with `df` degrees of freedom (a table to 30, then 40,
    60 and 120, then the normal's 1.960)."""
    if df < 1:
        raise ValueError("A t interval needs at least one degree of freedom.")
    if df <= 30:
        return T_975[df - 1]
    for limit, value in ((40, 2.021), (60, 2.000), (120, 1.980)):
        if df <= limit:
            return value
    return 1.960


@dataclass(frozen=True)
class Figure:
    """One cell: a label, and its respondents and mean only when it may be shown."""

    label: str
    n: int | None  # None: hidden (fewer than five, or hidden so none can be recovered)
    mean: float | None

    @property
    def shown(self) -> bool:
        return self.n is not None

    @property
    def n_text(self) -> str:
        return str(self.n) if self.n is not None else f"fewer than {MIN_RESPONDENTS}"


def summarise(cells: Mapping[str, Sequence[float]], *, total: str | None = None) -> list[Figure]:
    """A figure per cell (its mean), in the order given, hidden by the small-numbers rule.
    `total` names a cell that holds every other cell's values together (a group total shown
    beside its subgroups): it is taken into the rule so no hidden subgroup can be recovered
    by difference."""
    counts = {label: len(values) for label, values in cells.items()}
    hidden = suppressed(counts, total=total)
    return [
        Figure(label, None, None)
        if label in hidden
        else Figure(label, len(values), sum(values) / len(values))
        for label, values in cells.items()
    ]


def count_figures(cells: Mapping[str, int], *, total: str | None = None) -> list[Figure]:
    """Counts of people (members by sector, say), hidden by the same rule."""
    hidden = suppressed(cells, total=total)
    return [Figure(label, None if label in hidden else n, None) for label, n in cells.items()]


def texts(answers: Iterable[str]) -> list[str]:
    """Free text of one cell (a round's anonymous comments): none when fewer than five
    answered, else in alphabetical order, which says nothing of who wrote which or when."""
    found = [a.strip() for a in answers if a and a.strip()]
    return sorted(found, key=str.casefold) if len(found) >= MIN_RESPONDENTS else []


@dataclass(frozen=True)
class Change:
    """A paired change: members with both answers, the mean of (after - before), its t-based
    95 % interval (None for fewer than two pairs), hidden under five pairs."""

    label: str
    n: int | None
    before: float | None
    after: float | None
    mean_change: float | None
    low: float | None
    high: float | None

    @property
    def shown(self) -> bool:
        return self.n is not None

    @property
    def n_text(self) -> str:
        return str(self.n) if self.n is not None else f"fewer than {MIN_RESPONDENTS}"


def paired_change(label: str, pairs: Sequence[tuple[float, float]]) -> Change:
    """Mean of after - before over the pairs, with mean ± t(0.975, n-1) x s / √n; hidden
    (every value None) for fewer than five pairs."""
    n = len(pairs)
    if n < MIN_RESPONDENTS:
        return Change(label, None, None, None, None, None, None)
    diffs = [after - before for before, after in pairs]
    mean = sum(diffs) / n
    variance = sum((d - mean) ** 2 for d in diffs) / (n - 1)
    half = t_975(n - 1) * math.sqrt(variance) / math.sqrt(n)
    return Change(
        label,
        n,
        sum(b for b, _ in pairs) / n,
        sum(a for _, a in pairs) / n,
        mean,
        mean - half,
        mean + half,
    )


def median(values: Sequence[float]) -> float | None:
    """The median, or None under five values."""
    if len(values) < MIN_RESPONDENTS:
        return None
    ordered = sorted(values)
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2
