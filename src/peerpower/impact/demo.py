"""The demo's survey data (load_demo): a year and more of baselines and 6- and 12-month
follow-ups for every member, the survey after each past meeting, two quarters of group health
(anonymous) per group, with a plausible mix of answers and some non-response, from a fixed
seed; and one open survey for the demo member, so the home page shows one waiting.

The outcome surveys are dated from 13 months ago, earlier than the demo's six months of
meetings: the demo's groups existed before their calendar did."""

import random
from datetime import timedelta
from typing import Any

from django.utils import timezone

from peerpower.groups.models import Membership, PeerGroup
from peerpower.impact.builtins import INCOME_BANDS, OFTEN
from peerpower.impact.models import Invitation, Response, Round
from peerpower.impact.queries import current_surveys
from peerpower.meetings.models import Meeting, Participation
from peerpower.networks.models import Network

CHANGED = [
    "I took a difficult restructure to the board with a plan the group helped me test.",
    "I stopped doing everything myself and delegated the finance work.",
    "I feel far less alone in the job.",
    "We renegotiated our biggest contract instead of accepting the cut.",
    "I handled a grievance calmly because someone had been through the same.",
    "I have a clearer sense of what the board needs from me.",
]
CHANGE_NEXT = ["Start on time", "More time for the issues", "A shorter round of updates", ""]
HEALTH_COMMENTS = [
    "Good balance between challenge and support.",
    "Some of us talk more than others.",
    "The chair keeps us to time well.",
    "I would like more time on each issue.",
    "It feels safe to be honest here.",
    "",
    "",
]


def _clamp(value: float, low: int, high: int) -> int:
    return max(low, min(high, round(value)))


def _outcome_answers(rng: random.Random, gain: float) -> dict[str, Any]:
    def often(base: float) -> str:
        return OFTEN[_clamp(base - gain * 0.8 + rng.gauss(0, 0.6), 1, 3) - 1]

    return {
        "confidence": _clamp(2.8 + gain + rng.gauss(0, 0.7), 1, 5),
        "lonely_companionship": often(2.3),
        "lonely_left_out": often(1.9),
        "lonely_isolated": often(2.4),
        "life_satisfaction": _clamp(6.0 + gain + rng.gauss(0, 1.3), 0, 10),
        "worthwhile": _clamp(7.2 + gain * 0.5 + rng.gauss(0, 1.1), 0, 10),
        "happy": _clamp(6.1 + gain + rng.gauss(0, 1.6), 0, 10),
        "anxious": _clamp(5.8 - gain * 1.2 + rng.gauss(0, 1.8), 0, 10),
        "decisions": _clamp(3.0 + gain * 0.6 + rng.gauss(0, 0.7), 1, 5),
        "board": _clamp(3.0 + gain * 0.4 + rng.gauss(0, 0.8), 1, 5),
        "income_band": INCOME_BANDS[_clamp(rng.gauss(1.5, 1), 0, 4)],
        "staff": _clamp(rng.lognormvariate(2.5, 1), 0, 5000),
        "volunteers": _clamp(rng.lognormvariate(3, 1), 0, 50000),
    }


def _round(network: Network, survey: Any, key: str, opens: Any, **extra: Any) -> Round:
    closes = opens + timedelta(days=survey.open_days)
    return Round.objects.create(
        survey=survey,
        network=network,
        key=key,
        opens_at=opens,
        closes_at=closes,
        released_at=closes if closes <= timezone.now() else None,
        **extra,
    )


def load_impact(network: Network, rng: random.Random) -> None:
    """Write the demo network's survey rounds, invitations and responses directly."""
    surveys = current_surveys(network.pk)
    now = timezone.now()
    responses: list[Response] = []
    invitations: list[Invitation] = []
    for group in PeerGroup.objects.filter(network=network).order_by("pk"):
        seats = list(
            Membership.objects.filter(
                group=group, status=Membership.Status.ACTIVE, role=Membership.Role.MEMBER
            ).order_by("pk")
        )
        for seat in seats:
            gain = rng.gauss(0.7, 0.5)
            for kind, days_ago, rate, step in (
                ("baseline", 400, 0.95, 0.0),
                ("followup_6", 220, 0.82, 0.7),
                ("followup_12", 40, 0.72, 1.0),
            ):
                round_ = _round(
                    network,
                    surveys[kind],
                    f"{kind}:m{seat.pk}",
                    now - timedelta(days=days_ago),
                    group=group,
                )
                invitations.append(
                    Invitation(round=round_, user_id=seat.user_id, sent_at=round_.opens_at)
                )
                if rng.random() < rate:
                    answers = _outcome_answers(rng, gain * step)
                    quote = False
                    if kind != "baseline" and rng.random() < 0.5:
                        answers["what_changed"] = rng.choice(CHANGED)
                        quote = rng.random() < 0.6
                    responses.append(
                        Response(
                            round=round_,
                            survey=round_.survey,
                            respondent_id=seat.user_id,
                            answers=answers,
                            may_quote=quote,
                            updated_at=round_.opens_at + timedelta(days=2),
                        )
                    )
        for meeting in Meeting.objects.filter(group=group, ends_at__lt=now).order_by("starts_at"):
            present = list(
                Participation.objects.filter(meeting=meeting, attendance="present").values_list(
                    "user_id", flat=True
                )
            )
            round_ = _round(
                network,
                surveys["after_meeting"],
                f"meeting:{meeting.pk}",
                meeting.ends_at,
                group=group,
                meeting=meeting,
            )
            for user_id in present:
                invitations.append(
                    Invitation(round=round_, user_id=user_id, sent_at=round_.opens_at)
                )
                if round_.released_at is not None and rng.random() < 0.78:
                    responses.append(
                        Response(
                            round=round_,
                            survey=round_.survey,
                            respondent_id=user_id,
                            answers={
                                "worth": _clamp(rng.gauss(7.9, 1.4), 0, 10),
                                "most_useful": rng.choice(
                                    ["The speaker", "The issues", "The issues", "Networking"]
                                ),
                                **({"change": c} if (c := rng.choice(CHANGE_NEXT)) else {}),
                            },
                            updated_at=round_.opens_at + timedelta(hours=20),
                        )
                    )
        for quarter, days_ago in ((1, 200), (2, 110)):
            round_ = _round(
                network,
                surveys["group_health"],
                f"health:g{group.pk}:demo{quarter}",
                now - timedelta(days=days_ago),
                group=group,
            )
            for seat in seats:
                invitations.append(
                    Invitation(round=round_, user_id=seat.user_id, sent_at=round_.opens_at)
                )
            answered = [s for s in seats if rng.random() < 0.8]
            rows = [
                Response(
                    round=round_,
                    survey=round_.survey,
                    answers={
                        "trust": _clamp(rng.gauss(4.3, 0.6), 1, 5),
                        "confidentiality": _clamp(rng.gauss(4.6, 0.5), 1, 5),
                        "heard": _clamp(rng.gauss(3.9, 0.8), 1, 5),
                        "chair": _clamp(rng.gauss(4.4, 0.6), 1, 5),
                        **({"comment": c} if (c := rng.choice(HEALTH_COMMENTS)) else {}),
                    },
                )
                for _ in answered
            ]
            rng.shuffle(rows)
            responses += rows
    Invitation.objects.bulk_create(invitations)
    Response.objects.bulk_create(responses)
    _open_for_the_demo_member(network, surveys, now)


def _open_for_the_demo_member(network: Network, surveys: dict[str, Any], now: Any) -> None:
    """One survey open now for every member of the first group (the demo member's): after
    its last meeting, if that has no round of its own yet, else a fresh one."""
    group = PeerGroup.objects.filter(network=network).order_by("pk").first()
    if group is None:
        return
    round_ = Round.objects.create(
        survey=surveys["after_meeting"],
        network=network,
        group=group,
        key=f"demo-open:g{group.pk}",
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=6),
    )
    Invitation.objects.bulk_create(
        Invitation(round=round_, user_id=user_id, sent_at=round_.opens_at)
        for user_id in Membership.objects.filter(
            group=group, status=Membership.Status.ACTIVE
        ).values_list("user_id", flat=True)
    )
