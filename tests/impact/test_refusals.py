"""Every impact action that takes `by` refuses the people its rule refuses, before it writes
anything. An action added with a `by` and no row here fails
`test_every_action_taking_by_has_a_row`; one added without a check fails its row."""

from collections.abc import Callable
from functools import partial

import pytest

from peerpower.accounts.models import User
from peerpower.impact import actions
from peerpower.impact.models import BusinessCase, HeldAnswer, Question, Response, Survey
from peerpower.impact.queries import survey_for
from tests import refusals
from tests.conftest import World
from tests.impact.conftest import send

Call = Callable[[World], Callable[..., object]]

ACTIONS: dict[str, tuple[str, Call]] = {
    "answers_submit": (
        "impact.answer",
        lambda w: partial(
            actions.answers_submit,
            invitation=send(w, "after_meeting", [w.member])[w.member],
            answers={"worth": 8, "most_useful": "The issues"},
        ),
    ),
    "survey_update": (
        "impact.manage_surveys",
        lambda w: partial(
            actions.survey_update,
            survey=survey_for(w.network.pk, "exit"),
            network=w.network,
            title="Goodbye",
            intro="",
            questions={},
        ),
    ),
    "case_save": (
        "impact.make_case",
        lambda w: partial(actions.case_save, network=w.network, paragraphs={"cost": "£1"}),
    ),
}


OUTSIDE: list[tuple[str, Callable[[World], User]]] = [
    ("coach", lambda w: w.coach),
    ("speaker", lambda w: w.speaker),
    ("outsider", lambda w: w.outsider),
    ("former member", lambda w: w.former_member),
    ("guest", lambda w: w.guest),
    ("sponsor", lambda w: w.sponsor),
    ("admin of another network", refusals.admin_elsewhere),
    ("superuser", refusals.superuser),
    ("member of another group", lambda w: w.other_member),
]
REFUSED: dict[str, list[tuple[str, Callable[[World], User]]]] = {
    "impact.answer": [
        ("chair", lambda w: w.chair),
        ("network admin", lambda w: w.admin),
        *OUTSIDE,
    ],
    "impact.make_case": [
        ("network admin (no seat)", lambda w: w.admin),
        *[o for o in OUTSIDE if o[0] not in ("member of another group",)],
    ],
    "impact.manage_surveys": [
        ("member", lambda w: w.member),
        ("chair", lambda w: w.chair),
        *OUTSIDE,
    ],
}
ALLOWED = {"impact.answer": "member", "impact.make_case": "member"}


def test_every_action_taking_by_has_a_row() -> None:
    assert refusals.actions_taking_by(actions) == sorted(ACTIONS)


def _snapshot() -> tuple[object, ...]:
    return tuple(
        list(model.objects.order_by("pk").values())
        for model in (Survey, Question, Response, HeldAnswer, BusinessCase)
    )


@pytest.mark.parametrize("action", list(ACTIONS))
def test_the_action_refuses_and_writes_nothing(action: str, world: World) -> None:
    rule_name, prepare = ACTIONS[action]
    refusals.assert_refused(prepare(world), REFUSED[rule_name], world, _snapshot, rule_name)


@pytest.mark.parametrize("action", list(ACTIONS))
def test_the_one_the_rule_allows_is_let_through(action: str, world: World) -> None:
    rule_name, prepare = ACTIONS[action]
    call = prepare(world)
    call(by=getattr(world, ALLOWED.get(rule_name, "admin")))
