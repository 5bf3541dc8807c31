"""The checks of an app's refusal table (tests/<app>/test_refusals.py), in one place: every
public action that takes `by` has a row, and an action refuses each person its rule refuses,
before it writes anything. Each app keeps its own table (the actions, who is refused, what a
snapshot of its rows is); `context` is what the table's builders take (the `world`, or a
fixture built on it)."""

import inspect
from collections.abc import Callable, Sequence
from types import ModuleType
from typing import TypeVar

import pytest

from peerpower.accounts.models import User
from peerpower.lib.rules import Refused, registered
from tests import factories

C = TypeVar("C")


def actions_taking_by(module: ModuleType) -> list[str]:
    """The names of the module's own public functions that take `by`."""
    return sorted(
        name
        for name, fn in inspect.getmembers(module, inspect.isfunction)
        if fn.__module__ == module.__name__
        and not name.startswith("_")
        and "by" in inspect.signature(fn).parameters
    )


def admin_elsewhere(_: object) -> User:
    """An admin of another network."""
    return factories.make_admin(factories.make_network("Elsewhere"), "Eve Elsewhere")


def superuser(_: object) -> User:
    user = factories.make_user("Super User", mfa=True)
    user.is_staff = user.is_superuser = True
    user.save()
    return user


def assert_refused(
    call: Callable[..., object],
    refused: Sequence[tuple[str, Callable[[C], User]]],
    context: C,
    snapshot: Callable[[], object],
    rule_name: str | None = None,
) -> None:
    """`call(by=person)` raises Refused for every person of `refused` and changes nothing
    `snapshot` sees; with `rule_name`, the refusal names that rule and says its message."""
    for who, make in refused:
        person = make(context)
        before = snapshot()
        with pytest.raises(Refused) as raised:
            call(by=person)
        if rule_name is not None:
            assert raised.value.rule_name == rule_name, who
            assert raised.value.messages == [registered()[rule_name]], who
        assert snapshot() == before, who
