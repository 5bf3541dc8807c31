"""Every public action says what it guarantees: a docstring on each function of every app's
`actions.py` (and the live room's `issues/room.py`), so the inventory in docs/architecture.md
never has to be kept by hand."""

import importlib
import inspect
import pkgutil
from types import FunctionType

import peerpower

MODULES = ("actions", "room")


def public_actions() -> list[tuple[str, FunctionType]]:
    found = []
    for app in pkgutil.iter_modules(peerpower.__path__):
        for name in MODULES:
            try:
                module = importlib.import_module(f"peerpower.{app.name}.{name}")
            except ModuleNotFoundError:
                continue
            for fn_name, fn in inspect.getmembers(module, inspect.isfunction):
                if not fn_name.startswith("_") and fn.__module__ == module.__name__:
                    found.append((f"{module.__name__}.{fn_name}", fn))
    return found


def test_there_are_actions_to_check() -> None:
    assert len(public_actions()) > 40


def test_every_public_action_has_a_docstring() -> None:
    undocumented = [name for name, fn in public_actions() if not (fn.__doc__ or "").strip()]
    assert undocumented == []
