"""Surveys for the `world`: a round of a built-in survey sent to given people, open now."""

from datetime import timedelta

import pytest
from django.utils import timezone

from peerpower.accounts.models import User
from peerpower.groups.models import PeerGroup
from peerpower.impact.models import Invitation, Round, Survey
from peerpower.impact.queries import survey_for
from peerpower.meetings.models import Meeting
from tests.conftest import World


@pytest.fixture
def builtin_surveys(transactional_db: None) -> None:
    """The built-in surveys, which a data migration makes (a transactional test empties the
    database after it, data-migration rows included)."""
    from django.apps import apps

    from peerpower.impact.builtins import add_surveys

    add_surveys(apps, None)


def send(
    world: World,
    kind: str,
    people: list[User],
    *,
    group: PeerGroup | None = None,
    meeting: Meeting | None = None,
    key: str = "",
    days: int = 14,
) -> dict[User, Invitation]:
    """A round of the network's survey of `kind`, open from an hour ago, to `people`."""
    survey: Survey = survey_for(world.network.pk, kind)
    now = timezone.now()
    round_ = Round.objects.create(
        survey=survey,
        network=world.network,
        group=group or world.group,
        meeting=meeting,
        key=key or f"test:{kind}:{Round.objects.count()}",
        opens_at=now - timedelta(hours=1),
        closes_at=now + timedelta(days=days),
    )
    return {p: Invitation.objects.create(round=round_, user=p) for p in people}


def close(invitation: Invitation) -> None:
    Round.objects.filter(pk=invitation.round_id).update(
        closes_at=timezone.now() - timedelta(minutes=1),
        opens_at=timezone.now() - timedelta(days=2),
    )
    invitation.round.refresh_from_db()


BASELINE = {
    "confidence": 3,
    "lonely_companionship": "Some of the time",
    "lonely_left_out": "Often",
    "lonely_isolated": "Some of the time",
    "life_satisfaction": 6,
    "worthwhile": 7,
    "happy": 6,
    "anxious": 5,
    "decisions": 3,
    "board": 2,
    "income_band": "£100k to £500k",
    "staff": 12,
}
HEALTH = {"trust": 4, "confidentiality": 5, "heard": 4, "chair": 5}
