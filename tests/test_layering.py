"""The layers import downwards only: lib (shared helpers) imports no app."""

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src" / "peerpower"
APPS = ("accounts", "networks", "groups", "meetings", "issues", "demo")


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_lib_imports_no_app() -> None:
    found = sorted(
        f"{path.relative_to(SRC)}: {module}"
        for path in (SRC / "lib").glob("**/*.py")
        for module in imported_modules(path)
        if module.split(".")[:2] in (["peerpower", app] for app in APPS)
    )
    assert found == []
