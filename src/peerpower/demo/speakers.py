"""The demo's speaker bureau: about ten speakers with profiles and topics, a programme of past
talks rated by the members who came (named and anonymous), coming bookings in every state, and
a speaker login (Dr Sunita Rao) with a request to answer, a confirmed talk and feedback to read.

Built as rows, like the rest of the demo; the feedback follows the anonymity design (no author
on anonymous responses, "has answered" as a keyed hash; a talk whose window has closed has its
responses in a shuffled order, one still open holds its answers sealed).
"""

import random
from datetime import timedelta

from django.utils import timezone

from peerpower.accounts.models import User
from peerpower.groups.models import PeerGroup
from peerpower.meetings.models import Meeting, Participation
from peerpower.networks.models import Network
from peerpower.speakers.models import (
    Booking,
    FeedbackGiven,
    FeedbackResponse,
    HeldFeedback,
    Speaker,
    SpeakerSettings,
    Topic,
)
from peerpower.speakers.sealing import answered_tokens, seal

TOPICS = [
    "Fundraising",
    "Governance and trustees",
    "Digital and data",
    "Leadership and wellbeing",
    "Finance and reserves",
    "Impact measurement",
    "Partnerships and mergers",
    "People and HR",
]

# name, headline, topics (indexes), talks, format, regions, fee
SPEAKERS = [
    (
        "Dr Sunita Rao",
        "Impact you can show your funders, without a research team",
        [5, 0],
        "Measuring what matters on a small budget\nTelling your impact story to funders",
        "both",
        ",london,south-east,",
        "pro_bono",
    ),
    (
        "Peter Okonjo",
        "Twenty years of trustee boards, from both sides of the table",
        [1],
        "Boards that work\nThe chair–CEO relationship",
        "in_person",
        ",london,east,",
        "fee",
    ),
    (
        "Maria Santos",
        "Digital fundraising for charities under £1m",
        [0, 2],
        "Your first digital appeal\nData protection without fear",
        "online",
        "",
        "pro_bono",
    ),
    (
        "Graham Lewis",
        "Former finance director of a national charity",
        [4],
        "Reserves policy in plain English\nFull cost recovery",
        "both",
        ",london,west-midlands,",
        "fee",
    ),
    (
        "Aisha Rahman",
        "Leading through burnout, your own and your team's",
        [3, 7],
        "Leading when you are running on empty",
        "both",
        ",london,north-west,yorkshire,",
        "pro_bono",
    ),
    (
        "Tom Hughes",
        "Charity mergers: when, why and how",
        [6, 1],
        "Is a merger right for you?",
        "in_person",
        ",london,",
        "fee",
    ),
    (
        "Priya Nair",
        "Building partnerships with local authorities",
        [6],
        "Winning and keeping public contracts",
        "online",
        "",
        "pro_bono",
    ),
    (
        "Helen O'Brien",
        "HR for small teams: volunteers, staff and everything in between",
        [7],
        "Difficult conversations\nVolunteer management that lasts",
        "both",
        ",london,south-west,",
        "pro_bono",
    ),
    (
        "David Chen",
        "Data for decisions, not for reports",
        [2, 5],
        "Dashboards your trustees will read",
        "online",
        "",
        "fee",
    ),
    (
        "Ruth Adeyemi",
        "Legacy fundraising for community organisations",
        [0],
        "Gifts in wills: starting from nothing",
        "in_person",
        ",london,east,",
        "pro_bono",
    ),
]

COMMENTS = [
    "Practical: I changed our board pack the next week.",
    "Good examples from small charities like ours.",
    "A bit fast, but the handout helped.",
    "The best session this year.",
    "Useful, though more on the first half would have helped.",
    "",
    "",
]


def load_speakers(
    network: Network, speaker_user: User, groups: list[PeerGroup], rng: random.Random
) -> None:
    SpeakerSettings.objects.create(network=network)
    topics = [Topic.objects.create(network=network, name=name) for name in TOPICS]
    admin = network.roles.filter(role="admin").first()
    speakers: list[Speaker] = []
    for name, headline, topic_ids, talks, fmt, regions, fee in SPEAKERS:
        is_login = name == speaker_user.name
        slug = name.lower().replace("dr ", "").replace("'", "").replace(" ", ".")
        speaker = Speaker.objects.create(
            network=network,
            user=speaker_user if is_login else None,
            name=name,
            headline=headline,
            biography=f"{name} has worked with charities and social enterprises for many years.",
            talks=talks,
            format=fmt,
            regions=regions,
            fee=fee,
            fee_notes="£400 a half day; reduced for small charities" if fee == "fee" else "",
            email=speaker_user.email if is_login else f"{slug}@speakers.example.org",
            phone="+44 20 7946 0" + str(100 + len(speakers)),
            added_by=admin.user if admin else None,
        )
        speaker.topics.set([topics[i] for i in topic_ids])
        speakers.append(speaker)
    sunita = speakers[0]
    now = timezone.now()
    # Past talks: each group's held meetings, speakers in turn, rated by the members who came.
    turn = 1
    for group in groups:
        past = list(
            Meeting.objects.filter(group=group, ends_at__lt=now, status="scheduled").order_by(
                "starts_at"
            )
        )
        attended = [m for m in past if m.participations.filter(attendance="present").exists()]
        # Sunita's talk is the latest whose feedback window has closed: she has figures to read.
        closed = [m for m in attended if m.ends_at + timedelta(days=14) < now]
        sunitas = closed[-1] if group == groups[0] and closed else None
        for i, meeting in enumerate(past):
            speaker = sunita if meeting == sunitas else speakers[turn]
            if speaker is not sunita:
                turn = turn % (len(speakers) - 1) + 1
            booking = Booking.objects.create(
                meeting=meeting,
                speaker=speaker,
                talk_title=speaker.talk_titles[0],
                topic=speaker.topics.first(),
                brief="What worked for others, and what to try first.",
                status=Booking.Status.ACCEPTED,
                answered_at=meeting.starts_at,
            )
            came = list(
                Participation.objects.filter(meeting=meeting, attendance="present").values_list(
                    "user_id", flat=True
                )
            )
            # Most talks have enough answers to show; the oldest of the first group has two.
            answering = came[:2] if (group == groups[0] and i == 0) else came[: rng.randint(3, 7)]
            base = 4 if speaker.name != "Tom Hughes" else 3  # one speaker falls below 4.25
            responses = []
            for user_id in answering:
                named = rng.random() < 0.4
                responses.append(
                    FeedbackResponse(
                        booking=booking,
                        score_1=min(5, base + rng.randint(0, 1)),
                        score_2=min(5, base + rng.randint(-1, 1)),
                        comment=rng.choice(COMMENTS),
                        author_id=user_id if named else None,
                    )
                )
            closes = meeting.ends_at + timedelta(days=14)
            if closes < now:  # the window closed: one shuffled batch, as feedback_release does
                rng.shuffle(responses)
                FeedbackResponse.objects.bulk_create(responses)
                Booking.objects.filter(pk=booking.pk).update(feedback_released_at=closes)
            else:  # still open: the answers wait sealed, as feedback_submit leaves them
                HeldFeedback.objects.bulk_create(
                    HeldFeedback(
                        booking=booking,
                        sealed=seal(
                            {
                                "scores": [r.score_1, r.score_2],
                                "comment": r.comment,
                                "author": r.author_id,
                            }
                        ),
                    )
                    for r in responses
                )
            FeedbackGiven.objects.bulk_create(
                FeedbackGiven(booking=booking, token=answered_tokens(booking.uid, u)[0])
                for u in answering
            )
    # Coming bookings in every state. The first group: a request for Sunita to answer, a
    # contact's confirmed talk, a declined one (the segment free again), a withdrawn one.
    chair = groups[0].memberships.filter(role="chair").first()
    booked_by = chair.user if chair else None
    for group_index, group in enumerate(groups):
        ahead = list(Meeting.objects.filter(group=group, starts_at__gt=now).order_by("starts_at"))
        if group_index == 0:
            plan = [
                (sunita, Booking.Status.PENDING, "Measuring what matters on a small budget"),
                (speakers[1], Booking.Status.ACCEPTED, "Boards that work"),
                (sunita, Booking.Status.DECLINED, "Telling your impact story to funders"),
                (speakers[3], Booking.Status.WITHDRAWN, "Full cost recovery"),
                (speakers[4], Booking.Status.PENDING, "Leading when you are running on empty"),
            ]
        elif group_index == 1:
            plan = [(sunita, Booking.Status.ACCEPTED, "Telling your impact story to funders")]
        else:
            plan = [(speakers[2], Booking.Status.ACCEPTED, "Your first digital appeal")]
        for meeting, (speaker, status, title) in zip(ahead, plan, strict=False):
            Booking.objects.create(
                meeting=meeting,
                speaker=speaker,
                talk_title=title,
                topic=speaker.topics.first(),
                brief="The group wants practical steps it can take this quarter.",
                status=status,
                decline_reason="I am abroad that week."
                if status == Booking.Status.DECLINED
                else "",
                other_dates="Any Tuesday in the following two months"
                if status == Booking.Status.DECLINED
                else "",
                answered_at=now
                if status in (Booking.Status.ACCEPTED, Booking.Status.DECLINED)
                else None,
                booked_by=booked_by,
            )
