"""Coaching fixtures: the world's coach (Europe/London, 09:00–17:00 every day, 15-minute
buffer, 24 hours' notice) and an engagement of six sessions for the world's member."""

from dataclasses import dataclass

import pytest

from peerpower.coaching.models import CoachProfile, Engagement
from tests.coaching import builders
from tests.conftest import World


@dataclass
class Coaching:
    world: World
    profile: CoachProfile
    engagement: Engagement


@pytest.fixture
def coaching(world: World) -> Coaching:
    profile = builders.coach_profile(world.network, world.coach)
    return Coaching(world, profile, builders.engagement(profile, world.member))
