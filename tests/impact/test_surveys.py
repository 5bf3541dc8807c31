"""Surveys: the built-ins, answering (named and anonymous), changing an answer until the
survey closes, and every bad input refused with its reason."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from peerpower.impact import actions
from peerpower.impact.models import HeldAnswer, Question, Response, Round, Survey
from peerpower.impact.queries import own_answers, survey_for
from peerpower.lib.rules import Refused
from tests import factories
from tests.conftest import World
from tests.impact.conftest import BASELINE, HEALTH, close, send


def test_every_built_in_survey_is_there_with_every_kind_of_question(db: None) -> None:
    builtin = Survey.objects.filter(network=None)
    assert sorted(builtin.values_list("kind", flat=True)) == sorted(Survey.Kind.values)
    kinds = set(Question.objects.filter(survey__in=builtin).values_list("kind", flat=True))
    assert kinds == set(Question.Kind.values)
    assert list(builtin.filter(anonymous=True).values_list("kind", flat=True)) == ["group_health"]
    baseline = builtin.get(kind="baseline")
    follow_up = builtin.get(kind="followup_6")
    measures = {q.key for q in baseline.questions.all() if q.is_measure}
    assert measures <= {q.key for q in follow_up.questions.all()}  # so they pair


def test_a_member_answers_a_named_survey_and_changes_it_until_it_closes(world: World) -> None:
    invitation = send(world, "baseline", [world.member])[world.member]
    actions.answers_submit(invitation=invitation, answers=BASELINE, by=world.member)
    changed = {**BASELINE, "confidence": 4, "hopes": "To feel less alone"}
    actions.answers_submit(invitation=invitation, answers=changed, may_quote=True, by=world.member)
    response = Response.objects.get(round=invitation.round)  # answering twice: still one
    assert response.respondent == world.member
    assert response.answers["confidence"] == 4
    assert response.answers["hopes"] == "To feel less alone"
    assert own_answers(invitation, world.member) == (response.answers, True)
    close(invitation)
    with pytest.raises(ValidationError, match="This survey has closed"):
        actions.answers_submit(invitation=invitation, answers=BASELINE, by=world.member)
    assert Response.objects.get(round=invitation.round).answers["confidence"] == 4


def test_a_second_named_response_to_one_round_is_refused_by_the_database(world: World) -> None:
    invitation = send(world, "after_meeting", [world.member])[world.member]
    kwargs = {"round": invitation.round, "survey": invitation.round.survey}
    Response.objects.create(respondent=world.member, answers={"worth": 7}, **kwargs)
    with pytest.raises(IntegrityError), transaction.atomic():
        Response.objects.create(respondent=world.member, answers={"worth": 9}, **kwargs)


def test_an_anonymous_answer_is_held_sealed_until_the_round_closes(world: World) -> None:
    people = [factories.add_member(world.group).user for _ in range(4)] + [world.member]
    invitations = send(world, "group_health", people)
    for person in people:
        actions.answers_submit(invitation=invitations[person], answers=HEALTH, by=person)
    mine = invitations[world.member]
    actions.answers_submit(
        invitation=mine, answers={**HEALTH, "trust": 2, "comment": "Quiet ones"}, by=world.member
    )
    assert own_answers(mine, world.member) == (
        {**HEALTH, "trust": 2, "comment": "Quiet ones"},
        False,
    )
    assert not Response.objects.filter(round=mine.round).exists()
    held = list(HeldAnswer.objects.filter(round=mine.round))
    assert len(held) == 5
    assert len({len(h.sealed) for h in held}) == 1  # one length, whatever was said
    assert all("Quiet" not in h.sealed and len(h.token) == 64 for h in held)
    close(mine)
    assert actions.rounds_close_due() == 1
    assert actions.rounds_close_due() == 0  # a second run does nothing
    responses = list(Response.objects.filter(round=mine.round))
    assert len(responses) == 5
    assert all(r.respondent_id is None and r.updated_at is None for r in responses)
    assert sorted(r.answers["trust"] for r in responses) == [2, 4, 4, 4, 4]
    assert not HeldAnswer.objects.filter(round=mine.round).exists()
    assert own_answers(mine, world.member) is None  # it is nobody's now
    with pytest.raises(ValidationError, match="This survey has closed"):
        actions.answers_submit(invitation=mine, answers=HEALTH, by=world.member)


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("confidence", 6, "Choose a whole number from 1 to 5."),
        ("confidence", 0, "Choose a whole number from 1 to 5."),
        ("life_satisfaction", 11, "Choose a whole number from 0 to 10."),
        ("life_satisfaction", -1, "Choose a whole number from 0 to 10."),
        ("staff", 100001, "Choose a whole number from 0 to 100,000."),
        ("staff", -3, "Choose a whole number from 0 to 100,000."),
        ("staff", "twelve", "Choose a whole number in the range shown."),
        ("income_band", "A billion", "Choose one of the answers offered."),
        ("hopes", "x" * 4001, "Keep this under 4,000 characters."),
    ],
)
def test_an_answer_out_of_range_is_refused(
    world: World, key: str, value: object, message: str
) -> None:
    invitation = send(world, "baseline", [world.member])[world.member]
    with pytest.raises(ValidationError) as error:
        actions.answers_submit(
            invitation=invitation, answers={**BASELINE, key: value}, by=world.member
        )
    assert error.value.message_dict == {key: [message]}
    assert not Response.objects.exists()


def test_a_required_question_skipped_is_refused_an_optional_one_is_not(world: World) -> None:
    invitation = send(world, "baseline", [world.member])[world.member]
    skipped = {k: v for k, v in BASELINE.items() if k not in ("confidence", "board")}
    with pytest.raises(ValidationError) as error:
        actions.answers_submit(invitation=invitation, answers=skipped, by=world.member)
    assert error.value.message_dict == {
        "confidence": ["Answer this question."],
        "board": ["Answer this question."],
    }
    blank_text = {**BASELINE, "hopes": "   ", "volunteers": None}
    actions.answers_submit(invitation=invitation, answers=blank_text, by=world.member)
    assert "hopes" not in Response.objects.get().answers


def test_several_choices_keep_only_those_offered(world: World) -> None:
    invitation = send(world, "exit", [world.former_member])[world.former_member]
    answer = {"why": "Time", "recommend": 8, "gained": ["Less isolation", "Confidence"]}
    actions.answers_submit(invitation=invitation, answers=answer, by=world.former_member)
    assert Response.objects.get().answers["gained"] == ["Confidence", "Less isolation"]
    with pytest.raises(ValidationError) as error:
        actions.answers_submit(
            invitation=invitation,
            answers={**answer, "gained": ["Money"]},
            by=world.former_member,
        )
    assert error.value.message_dict == {"gained": ["Choose from the answers offered."]}


def test_a_survey_not_yet_open_is_refused(world: World) -> None:
    invitation = send(world, "after_meeting", [world.member])[world.member]
    Round.objects.filter(pk=invitation.round_id).update(
        opens_at=timezone.now() + timedelta(days=1), closes_at=timezone.now() + timedelta(days=3)
    )
    invitation.round.refresh_from_db()
    with pytest.raises(ValidationError, match="has not opened yet"):
        actions.answers_submit(invitation=invitation, answers={"worth": 5}, by=world.member)


def test_only_the_invited_person_answers(world: World) -> None:
    invitation = send(world, "after_meeting", [world.member])[world.member]
    for person in (world.chair, world.admin, world.other_member):
        with pytest.raises(Refused):
            actions.answers_submit(
                invitation=invitation,
                answers={"worth": 9, "most_useful": "The issues"},
                by=person,
            )
    assert not Response.objects.exists()


def test_editing_a_survey_that_has_answers_makes_a_new_version(world: World) -> None:
    builtin = survey_for(world.network.pk, "after_meeting")
    own = actions.survey_update(
        survey=builtin,
        network=world.network,
        title="After our meeting",
        intro="",
        questions={},
        by=world.admin,
    )
    assert (own.network, own.version, own.pk != builtin.pk) == (world.network, 1, True)
    assert Survey.objects.get(pk=builtin.pk).title == "After the meeting"  # built-in untouched
    # Not sent yet: changed in place.
    same = actions.survey_update(
        survey=own,
        network=world.network,
        title="After the day",
        intro="",
        questions={},
        by=world.admin,
    )
    assert same.pk == own.pk
    invitation = send(world, "after_meeting", [world.member])[world.member]
    assert invitation.round.survey == own
    actions.answers_submit(
        invitation=invitation,
        answers={"worth": 9, "most_useful": "The issues"},
        by=world.member,
    )
    newer = actions.survey_update(
        survey=own,
        network=world.network,
        title="After the day",
        intro="",
        questions={"worth": {"text": "Was the day worth it?", "required": True}},
        by=world.admin,
    )
    assert (newer.version, newer.family) == (2, own.family)
    assert Survey.objects.get(pk=own.pk).retired
    assert own.questions.get(key="worth").text == "Was this worth the half day?"
    assert newer.questions.get(key="worth").text == "Was the day worth it?"
    response = Response.objects.get()
    assert (response.survey_id, response.answers["worth"]) == (own.pk, 9)
    assert survey_for(world.network.pk, "after_meeting") == newer


def test_a_survey_of_another_network_cannot_be_edited(world: World) -> None:
    elsewhere = factories.make_network("Elsewhere")
    theirs = actions.survey_update(
        survey=survey_for(elsewhere.pk, "exit"),
        network=elsewhere,
        title="Goodbye",
        intro="",
        questions={},
        by=factories.make_admin(elsewhere, "Eve"),
    )
    with pytest.raises(ValidationError, match="another network"):
        actions.survey_update(
            survey=theirs,
            network=world.network,
            title="Mine",
            intro="",
            questions={},
            by=world.admin,
        )
