"""The small-numbers rule, in one place: no figure about fewer than `MIN_RESPONDENTS` (5)
people is shown, in any cell, chart, table, CSV or PDF.

`suppressed(counts, total=...)` says which cells to hide. Hiding the small cells is not
enough when a total is shown beside its parts: the total minus the visible parts gives the
hidden parts together. So while the hidden parts together hold some people but fewer than the
minimum, the smallest visible part is hidden too, and when no part is left to hide, the total.
A total under the minimum hides every part.
"""

from collections.abc import Hashable, Mapping
from typing import TypeVar

MIN_RESPONDENTS = 5

K = TypeVar("K", bound=Hashable)


def suppressed(
    counts: Mapping[K, int], *, total: K | None = None, minimum: int = MIN_RESPONDENTS
) -> set[K]:
    """The keys of the cells not to show: each with fewer than `minimum` people, and where
    `total` names the cell that is the sum of the others, enough more that no hidden group
    of fewer than `minimum` people can be recovered by difference."""
    hidden = {key for key, n in counts.items() if n < minimum}
    if total is None:
        return hidden
    if total in hidden:
        return set(counts)
    parts = {key: n for key, n in counts.items() if key != total}
    while 0 < sum(parts[key] for key in hidden if key in parts) < minimum:
        visible = sorted((n, str(key), key) for key, n in parts.items() if key not in hidden)
        if not visible:
            hidden.add(total)
            break
        hidden.add(visible[0][2])
    return hidden
