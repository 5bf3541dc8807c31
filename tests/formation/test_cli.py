"""``python -m peerpower.formation``: a grouping file, ``objective <value>`` last, and a clear
one-line error with a non-zero exit for every bad input."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from peerpower.formation.__main__ import main
from peerpower.formation.solver import objective

SMALL = "6 2 ss 3 3 3 3\n" + "".join(
    f"{i} {j} {(i * 7 + j * 3) % 10}.5\n" for i in range(6) for j in range(i + 1, 6)
)


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main([*args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_solves_and_writes_the_grouping(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    instance = write(tmp_path, "i.txt", SMALL)
    out = tmp_path / "groups.txt"
    code, stdout, stderr = run(
        capsys, str(instance), "--seconds", "5", "--iterations", "200", "--out", str(out)
    )
    assert code == 0, stderr
    groups = [int(line) for line in out.read_text().splitlines()]
    assert len(groups) == 6 and sorted(groups) == [0, 0, 0, 1, 1, 1]
    last = stdout.strip().splitlines()[-1]
    assert last.startswith("objective ")
    d = np.zeros((6, 6))
    for line in SMALL.splitlines()[1:]:
        i, j, v = line.split()
        d[int(i), int(j)] = d[int(j), int(i)] = float(v)
    assert float(last.split()[1]) == pytest.approx(objective(d, groups), abs=1e-5)


def test_verbose_reports_progress(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    instance = write(tmp_path, "i.txt", SMALL)
    code, stdout, stderr = run(capsys, str(instance), "--seconds", "0.6", "--verbose")
    assert code == 0
    assert " best " in stderr and stderr.count("\n") >= 2
    assert stdout.strip().splitlines()[-1].startswith("objective ")


def test_an_unwritable_out_file_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    instance = write(tmp_path, "i.txt", SMALL)
    code, _, stderr = run(
        capsys, str(instance), "--iterations", "5", "--out", str(tmp_path / "no" / "such.txt")
    )
    assert code == 1
    assert stderr.startswith("error: cannot write") and len(stderr.strip().splitlines()) == 1


def test_cannot_link_file_is_respected(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    instance = write(tmp_path, "i.txt", SMALL)
    pairs = write(tmp_path, "cl.txt", "0 1\n2 3\n\n4 5\n")
    out = tmp_path / "groups.txt"
    code, _, stderr = run(
        capsys, str(instance), "--iterations", "200", "--cannot-link", str(pairs), "--out", str(out)
    )
    assert code == 0, stderr
    groups = [int(line) for line in out.read_text().splitlines()]
    assert groups[0] != groups[1] and groups[2] != groups[3] and groups[4] != groups[5]


def test_the_module_runs_as_a_command(tmp_path: Path) -> None:
    instance = write(tmp_path, "i.txt", SMALL)
    done = subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "peerpower.formation", str(instance), "--iterations", "50"],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1].startswith("objective ")
    bad = write(tmp_path, "bad.txt", "nonsense\n")
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "peerpower.formation", str(bad)],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert done.returncode != 0
    assert len(done.stderr.strip().splitlines()) == 1
    assert "Traceback" not in done.stderr


BAD = {
    "malformed first line": ("nonsense\n0 1 2\n", "expected 'n m ss|ds a1 b1 ... am bm'"),
    "malformed pair line": (
        "3 1 ss 3 3\n0 1 1.0\n0 2 x\n1 2 1\n",
        ":3: expected 'i j d_ij', got '0 2 x'",
    ),
    "empty file": ("", "empty file"),
    "unknown type": ("3 1 xx 3 3\n0 1 1\n0 2 1\n1 2 1\n", "the type is 'xx', not ss or ds"),
    "bounds count": ("3 2 ss 3 3\n0 1 1\n0 2 1\n1 2 1\n", "2 groups need 4 bounds"),
    "too few pairs": (
        "4 1 ss 4 4\n0 1 1\n0 2 1\n",
        "n=4 needs 6 pairs (i j d_ij lines), the file has 2",
    ),
    "pair outside n": (
        "3 1 ss 3 3\n0 1 1\n0 2 1\n1 5 1\n",
        ":4: pair (1, 5) is not two different elements of 0..2",
    ),
    "pair twice": ("3 1 ss 3 3\n0 1 1\n1 0 1\n1 2 1\n", ":3: pair (1, 0) appears twice"),
    "not a number": ("3 1 ss 3 3\n0 1 1\n0 2 nan\n1 2 1\n", "not a finite number"),
    "bounds below n": (
        "5 2 ds 1 2 1 2\n" + "".join(f"{i} {j} 1\n" for i in range(5) for j in range(i + 1, 5)),
        "infeasible (sizes): the upper bounds add up to 4, fewer than the 5 elements",
    ),
    "bounds above n": (
        "4 2 ss 3 3 3 3\n" + "".join(f"{i} {j} 1\n" for i in range(4) for j in range(i + 1, 4)),
        "infeasible (sizes): the lower bounds add up to 6, more than the 4 elements",
    ),
    "lower above upper": (
        "4 2 ds 3 2 1 4\n" + "".join(f"{i} {j} 1\n" for i in range(4) for j in range(i + 1, 4)),
        "infeasible (sizes): group 0's bounds 3..2",
    ),
}


@pytest.mark.parametrize("case", BAD, ids=list(BAD))
def test_bad_instance_is_one_line_and_non_zero(
    case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text, message = BAD[case]
    instance = write(tmp_path, "i.txt", text)
    code, stdout, stderr = run(capsys, str(instance), "--iterations", "10")
    assert code != 0
    assert stdout == ""
    assert len(stderr.strip().splitlines()) == 1
    assert message in stderr


CANNOT = {
    "out of range": ("0 1\n2 6\n", "cl.txt:2: element 6 is out of range (the instance has 0..5)"),
    "negative": ("-1 2\n", "cl.txt:1: element -1 is out of range"),
    "malformed": ("0 1 2\n", "cl.txt:1: expected 'i j', got '0 1 2'"),
    "self": ("3 3\n", "cl.txt:1: an element cannot be cannot-linked to itself"),
    "too many to fit": (
        "0 1\n0 2\n1 2\n",
        "infeasible (cannot-link): elements [0, 1, 2] are pairwise cannot-linked: they need 3",
    ),
}


@pytest.mark.parametrize("case", CANNOT, ids=list(CANNOT))
def test_bad_cannot_link_file_is_one_line_and_non_zero(
    case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text, message = CANNOT[case]
    instance = write(tmp_path, "i.txt", SMALL)
    pairs = write(tmp_path, "cl.txt", text)
    code, stdout, stderr = run(
        capsys, str(instance), "--iterations", "10", "--cannot-link", str(pairs)
    )
    assert code != 0
    assert stdout == ""
    assert len(stderr.strip().splitlines()) == 1
    assert message in stderr


def test_missing_file_and_bad_options(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, stderr = run(capsys, str(tmp_path / "absent.txt"))
    assert code != 0 and "cannot read" in stderr and len(stderr.strip().splitlines()) == 1
    instance = write(tmp_path, "i.txt", SMALL)
    with pytest.raises(SystemExit) as exited:
        main([str(instance), "--seconds", "0"])
    assert exited.value.code == 2
    assert "--seconds must be positive" in capsys.readouterr().err
