"""Who may do what: the one typed way every action, view and template asks.

Each app registers its rules in its own `rules.py` with `rule(name, predicate, refusal=...)`.
Actions call `require(by, name, obj)` before they write (check, then do), so a view, a
command, a task or the API all get the same answer; views and templates call `can` to decide
what to show.

The rules are a django-rules rule set, deliberately not Django permissions: `has_perm` says
yes to any superuser before it asks a backend, and a superuser flag must never open a group's
confidential record.

The audit app listens to `decided`: every refusal, and every use of a rule registered with
`audited=True` (an admin's or chair's act on other people's things), goes into the network's
audit log. The signal keeps lib free of any app.
"""

from collections.abc import Callable
from typing import Any

import rules
from django.core.exceptions import ValidationError
from django.dispatch import Signal

_refusals: dict[str, str] = {}
_audited: set[str] = set()

# Sent by `require` with user, name, obj and allowed: on every refusal, and on every allowed
# use of an audited rule.
decided = Signal()


class Refused(ValidationError):
    """The person may not do this. A ValidationError, so views show the sentence like any
    other reason an action cannot go ahead."""

    def __init__(self, rule_name: str, message: str) -> None:
        super().__init__(message, code="refused")
        self.rule_name = rule_name


def rule(name: str, predicate: Callable[..., Any], *, refusal: str, audited: bool = False) -> None:
    """Register `predicate` as rule `name`; `refusal` is the sentence shown when it says no.
    `audited`: each allowed use goes into the audit log too (refusals always do)."""
    if name in _refusals:
        raise ValueError(f"Rule {name!r} is registered twice.")
    rules.add_rule(name, predicate)
    _refusals[name] = refusal
    if audited:
        _audited.add(name)


def can(user: Any, name: str, obj: object = None) -> bool:
    """Whether the person may do `name` (to `obj`). An unknown rule name is a programming
    error, not a refusal, so it raises KeyError rather than quietly answering no."""
    if name not in _refusals:
        raise KeyError(f"No rule named {name!r}.")
    return bool(rules.test_rule(name, user, obj))


def require(user: Any, name: str, obj: object = None) -> None:
    """Raise `Refused` unless the person may do `name` (to `obj`)."""
    allowed = can(user, name, obj)
    if not allowed or name in _audited:
        decided.send(sender=require, user=user, name=name, obj=obj, allowed=allowed)
    if not allowed:
        raise Refused(name, _refusals[name])


def audited() -> frozenset[str]:
    """The rules whose every allowed use is audited."""
    return frozenset(_audited)


def registered() -> dict[str, str]:
    """Every registered rule and its refusal sentence (for the docs and the tests)."""
    return dict(_refusals)
