"""Closed survey rounds with answers, for the dashboards' tests: each function writes the rows
a finished round leaves (responses, invitations, `released_at`) directly."""

from datetime import timedelta

from django.utils import timezone

from peerpower.accounts.models import User
from peerpower.groups.models import PeerGroup
from peerpower.impact.models import Invitation, Response, Round
from peerpower.impact.queries import survey_for
from peerpower.meetings.models import Meeting
from tests import factories
from tests.impact.conftest import BASELINE


def closed_round(
    group: PeerGroup,
    kind: str,
    answers: dict[User, dict[str, object]],
    *,
    asked: list[User] | None = None,
    meeting: Meeting | None = None,
    days_ago: int = 30,
    anonymous_answers: list[dict[str, object]] | None = None,
) -> Round:
    survey = survey_for(group.network_id, kind)
    opened = timezone.now() - timedelta(days=days_ago)
    round_ = Round.objects.create(
        survey=survey,
        network_id=group.network_id,
        group=group,
        meeting=meeting,
        key=f"built:{kind}:{Round.objects.count()}",
        opens_at=opened,
        closes_at=opened + timedelta(days=7),
        released_at=opened + timedelta(days=7),
    )
    for person in {*(asked or []), *answers}:
        Invitation.objects.create(round=round_, user=person)
    for person, given in answers.items():
        Response.objects.create(
            round=round_,
            survey=survey,
            respondent=person,
            answers=given,
            updated_at=opened,
        )
    for given in anonymous_answers or []:
        Response.objects.create(round=round_, survey=survey, answers=given)
    return round_


def outcome_pairs(
    group: PeerGroup, pairs: list[tuple[int, int]], later: str = "followup_6"
) -> list[User]:
    """Members each with a baseline and a follow-up round: confidence (before, after)."""
    people = [factories.add_member(group).user for _ in pairs]
    for person, (before, after) in zip(people, pairs, strict=True):
        closed_round(group, "baseline", {person: {**BASELINE, "confidence": before}}, days_ago=200)
        closed_round(group, later, {person: {**BASELINE, "confidence": after}}, days_ago=20)
    return people
