"""Who may do what: the one typed way every action, view and template asks.

Each app registers its rules in its own `rules.py` with `rule(name, predicate, refusal=...)`.
Actions call `require(by, name, obj)` before they write (check, then do), so a view, a
command, a task or the API all get the same answer; views and templates call `can` to decide
what to show.

The rules are a django-rules rule set, deliberately not Django permissions: `has_perm` says
yes to any superuser before it asks a backend, and a superuser flag must never open a group's
confidential record.
"""

from collections.abc import Callable
from typing import Any

import rules
from django.core.exceptions import ValidationError

_refusals: dict[str, str] = {}


class Refused(ValidationError):
    """The person may not do this. A ValidationError, so views show the sentence like any
    other reason an action cannot go ahead."""

    def __init__(self, rule_name: str, message: str) -> None:
        super().__init__(message, code="refused")
        self.rule_name = rule_name


def rule(name: str, predicate: Callable[..., Any], *, refusal: str) -> None:
    """Register `predicate` as rule `name`; `refusal` is the sentence shown when it says no."""
    if name in _refusals:
        raise ValueError(f"Rule {name!r} is registered twice.")
    rules.add_rule(name, predicate)
    _refusals[name] = refusal


def can(user: Any, name: str, obj: object = None) -> bool:
    """Whether the person may do `name` (to `obj`). An unknown rule name is a programming
    error, not a refusal, so it raises KeyError rather than quietly answering no."""
    if name not in _refusals:
        raise KeyError(f"No rule named {name!r}.")
    return bool(rules.test_rule(name, user, obj))


def require(user: Any, name: str, obj: object = None) -> None:
    """Raise `Refused` unless the person may do `name` (to `obj`)."""
    if not can(user, name, obj):
        raise Refused(name, _refusals[name])


def registered() -> dict[str, str]:
    """Every registered rule and its refusal sentence (for the docs and the tests)."""
    return dict(_refusals)
