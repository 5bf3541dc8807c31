"""Reading MDGPLIB instance files and cannot-link files (no Django here).

An instance file: first line ``n m ss|ds a1 b1 ... am bm``, then one ``i j d_ij`` line for each
pair i < j (0-based). A cannot-link file: one ``i j`` pair a line. Errors are InstanceError
with a one-line message that says the file and line.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from peerpower.formation.solver import Problem


class InstanceError(ValueError):
    """A malformed file; the message is one line naming the file and line."""


def read_instance(path: Path) -> Problem:
    try:
        text = path.read_text()
    except (OSError, UnicodeDecodeError) as error:
        raise InstanceError(f"{path}: cannot read: {error.__class__.__name__}") from error
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        raise InstanceError(f"{path}: empty file (expected 'n m ss|ds a1 b1 ... am bm')")
    head = lines[0].split()
    try:
        n, m = int(head[0]), int(head[1])
        kind = head[2]
        bounds = [int(v) for v in head[3:]]
    except (IndexError, ValueError) as error:
        raise InstanceError(
            f"{path}:1: expected 'n m ss|ds a1 b1 ... am bm', got {lines[0].strip()[:60]!r}"
        ) from error
    if kind not in ("ss", "ds"):
        raise InstanceError(f"{path}:1: the type is {kind!r}, not ss or ds")
    if n < 1 or m < 1:
        raise InstanceError(f"{path}:1: n and m must be at least 1 (got n={n}, m={m})")
    if len(bounds) != 2 * m:
        raise InstanceError(
            f"{path}:1: {m} groups need {2 * m} bounds (a b per group), got {len(bounds)}"
        )
    d = np.zeros((n, n))
    seen = np.zeros((n, n), dtype=bool)
    count = 0
    for number, line in enumerate(lines[1:], start=2):
        parts = line.split()
        if not parts:
            continue
        try:
            if len(parts) != 3:
                raise ValueError
            i, j, value = int(parts[0]), int(parts[1]), float(parts[2])
        except ValueError as error:
            raise InstanceError(
                f"{path}:{number}: expected 'i j d_ij', got {line.strip()[:60]!r}"
            ) from error
        if not (0 <= i < n and 0 <= j < n) or i == j:
            raise InstanceError(
                f"{path}:{number}: pair ({i}, {j}) is not two different elements of 0..{n - 1}"
            )
        if not np.isfinite(value):
            raise InstanceError(f"{path}:{number}: d_ij is {parts[2]!r}, not a finite number")
        if seen[i, j]:
            raise InstanceError(f"{path}:{number}: pair ({i}, {j}) appears twice")
        seen[i, j] = seen[j, i] = True
        d[i, j] = d[j, i] = value
        count += 1
    expected = n * (n - 1) // 2
    if count != expected:
        raise InstanceError(
            f"{path}: n={n} needs {expected} pairs (i j d_ij lines), the file has {count}"
        )
    return Problem(d, tuple(bounds[0::2]), tuple(bounds[1::2]))


def read_cannot_link(path: Path, n: int) -> tuple[tuple[int, int], ...]:
    try:
        text = path.read_text()
    except (OSError, UnicodeDecodeError) as error:
        raise InstanceError(f"{path}: cannot read: {error.__class__.__name__}") from error
    pairs: list[tuple[int, int]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        parts = line.split()
        if not parts:
            continue
        try:
            if len(parts) != 2:
                raise ValueError
            i, j = int(parts[0]), int(parts[1])
        except ValueError as error:
            raise InstanceError(
                f"{path}:{number}: expected 'i j', got {line.strip()[:60]!r}"
            ) from error
        for k in (i, j):
            if not 0 <= k < n:
                raise InstanceError(
                    f"{path}:{number}: element {k} is out of range (the instance has 0..{n - 1})"
                )
        if i == j:
            raise InstanceError(f"{path}:{number}: an element cannot be cannot-linked to itself")
        pairs.append((i, j))
    return tuple(pairs)
