"""What the impact app reads: which survey a network uses, a person's invitations and their
own answers, whether they have answered. Every page and task reads through here; the figures
(with the small-numbers rule) are in `figures.py`."""

from datetime import datetime
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, QuerySet

from peerpower.impact.models import HeldAnswer, Invitation, Question, Response, Round, Survey
from peerpower.lib.sealing import keyed_tokens, unseal

# What an anonymous answer's keyed hash is of, under its own HMAC key.
ANSWER_PURPOSE = "survey-answer"


def answer_tokens(round_: Round, user_id: int) -> list[str]:
    """The keyed hash of (round, person) under each key, the newest key's first."""
    return keyed_tokens(f"{round_.uid}:{user_id}", ANSWER_PURPOSE)


def current_surveys(network_id: int | None) -> dict[str, Survey]:
    """The survey each kind uses in the network: its own current version, else the built-in."""
    found: dict[str, Survey] = {}
    rows = Survey.objects.filter(retired=False, network_id__in=[network_id] if network_id else [])
    builtin = Survey.objects.filter(retired=False, network=None)
    for survey in [*builtin, *rows]:  # the network's own win
        found[survey.kind] = survey
    return found


def survey_for(network_id: int, kind: str) -> Survey:
    return current_surveys(network_id)[kind]


def questions_of(survey: Survey) -> list[Question]:
    return list(survey.questions.all())


def invitations_of(user: Any) -> QuerySet[Invitation]:
    """The person's own invitations, newest first, with their round, survey and group."""
    return (
        Invitation.objects.filter(user=user)
        .select_related("round__survey", "round__group", "round__meeting", "round__network")
        .order_by("-round__opens_at", "-pk")
    )


def answered_ids(user: Any, invitations: list[Invitation]) -> set[int]:
    """Which of the person's invitations they have answered: two queries at most, however many
    (named: their response; anonymous: a held answer under their keyed hash, or, once the round
    closed, we cannot tell and do not say)."""
    named = [i for i in invitations if not i.round.survey.anonymous]
    anonymous = [i for i in invitations if i.round.survey.anonymous and i.round.released_at is None]
    done: set[int] = set()
    if named:
        rounds = set(
            Response.objects.filter(
                respondent=user, round_id__in=[i.round_id for i in named]
            ).values_list("round_id", flat=True)
        )
        done |= {i.pk for i in named if i.round_id in rounds}
    if anonymous:
        tokens = {i.pk: set(answer_tokens(i.round, user.pk)) for i in anonymous}
        held = set(
            HeldAnswer.objects.filter(
                round_id__in=[i.round_id for i in anonymous],
                token__in=[t for ts in tokens.values() for t in ts],
            ).values_list("round_id", "token")
        )
        done |= {i.pk for i in anonymous if any((i.round_id, t) in held for t in tokens[i.pk])}
    return done


def open_invitations_for(user: Any, now: datetime) -> list[Invitation]:
    """The person's invitations whose round is open and that they have not answered: the home
    page's "surveys waiting for you"."""
    rows = list(
        invitations_of(user).filter(
            round__released_at=None, round__opens_at__lte=now, round__closes_at__gt=now
        )
    )
    done = answered_ids(user, rows)
    return [i for i in rows if i.pk not in done]


def own_answers(invitation: Invitation, user: Any) -> tuple[dict[str, Any], bool] | None:
    """The person's own answer to an invitation (answers, may_quote), or None if they have not
    answered, or the round closed and it was anonymous (then it is nobody's)."""
    round_ = invitation.round
    if round_.survey.anonymous:
        if round_.released_at is not None:
            return None
        held = HeldAnswer.objects.filter(
            round=round_, token__in=answer_tokens(round_, user.pk)
        ).first()
        opened = unseal(held.sealed) if held else None
        return (opened["answers"], False) if opened else None
    response = Response.objects.filter(round=round_, respondent=user).first()
    return (response.answers, response.may_quote) if response else None


def with_questions(surveys: QuerySet[Survey]) -> QuerySet[Survey]:
    return surveys.prefetch_related(Prefetch("questions", Question.objects.order_by("position")))


def survey_has_been_sent(survey: Survey) -> bool:
    return Round.objects.filter(survey=survey).exists()


def unanswered(round_: Round, invitations: list[Invitation]) -> list[Invitation]:
    """Which of a round's invitations have no answer (for the one reminder)."""
    if not invitations:
        return []
    if round_.survey.anonymous:
        held = set(HeldAnswer.objects.filter(round=round_).values_list("token", flat=True))
        return [i for i in invitations if not held & set(answer_tokens(round_, i.user_id))]
    answered = Response.objects.filter(round=round_, respondent_id=OuterRef("user_id"))
    ids = set(
        Invitation.objects.filter(pk__in=[i.pk for i in invitations])
        .filter(~Exists(answered))
        .values_list("pk", flat=True)
    )
    return [i for i in invitations if i.pk in ids]
