"""The demo's networking: a profile for every member and chair of the demo network (with a
mix of who sees what), tags, introductions accepted and waiting, eight open and three closed
opportunities, and the suggested conversations of Tuesday Leaders' next meeting. Built
directly, like the rest of load_demo; the suggestions by the real action."""

import random
from datetime import timedelta

from django.utils import timezone

from peerpower.groups.models import Membership
from peerpower.meetings.models import Meeting
from peerpower.networking.actions import suggestions_compute
from peerpower.networking.models import (
    Introduction,
    Opportunity,
    OpportunityReply,
    Profile,
    ProfileTag,
    Tag,
    Visibility,
)
from peerpower.networking.queries import search_document
from peerpower.networks.models import Network

TAGS = [
    "Digital fundraising",
    "Online giving",
    "Governance",
    "Trustee recruitment",
    "Volunteering",
    "Partnerships",
    "Bid writing",
    "Impact measurement",
    "Marketing",
    "HR and people",
    "Finance",
    "Youth work",
]
HEADLINES = [
    "Runs a youth charity growing its online giving",
    "Chief executive of a community food network",
    "Founder of a social enterprise cafe employing care leavers",
    "Leads a mental health charity across three boroughs",
    "Director of a community arts trust",
    "Runs a housing advice service",
]
HELP_TEXTS = [
    "I rebuilt our donor journey and doubled monthly giving in a year.",
    "I have chaired a board through a merger and can talk governance.",
    "We run 200 volunteers; happy to share our recruitment and training.",
    "I write most of our trust and foundation bids.",
    "",
]
SEEK_TEXTS = [
    "Help getting started with online fundraising campaigns.",
    "A partner for a joint bid to the lottery next spring.",
    "Advice on recruiting trustees with finance experience.",
    "Someone who has measured impact on a small budget.",
    "",
]
LEVELS = [Visibility.NETWORK, Visibility.GROUP, Visibility.NOBODY]
POSTS = [
    (
        "partnership",
        "A sports partner for our summer holiday clubs",
        ["Youth work", "Partnerships"],
    ),
    ("joint_bid", "Joint bid to the lottery's community fund", ["Bid writing", "Partnerships"]),
    ("tender", "Council tender: advice services for young adults", ["Bid writing"]),
    ("role", "Treasurer wanted for a small arts charity", ["Trustee recruitment", "Finance"]),
    ("role", "Volunteer mentors for first-time managers", ["Volunteering", "HR and people"]),
    ("resource", "Free meeting room on Thursday afternoons", []),
    ("resource", "Our impact framework, free to adapt", ["Impact measurement"]),
    ("event", "Digital fundraising breakfast, open to all", ["Digital fundraising"]),
    ("event", "A workshop on trustee recruitment (closed)", ["Trustee recruitment"]),
    ("partnership", "A partner for a food bank pilot (closed)", ["Partnerships"]),
    ("tender", "Evaluation contract for a wellbeing service (closed)", ["Impact measurement"]),
]
REASON = "We are both growing online giving and could learn a lot from each other."


def load_networking(network: Network, rng: random.Random) -> None:
    tags = {t.name: t for t in Tag.objects.bulk_create(Tag(network=network, name=n) for n in TAGS)}
    seats = (
        Membership.objects.filter(group__network=network, status__in=Membership.CURRENT)
        .select_related("user", "organisation")
        .order_by("user_id")
    )
    profiles: list[Profile] = []
    for n, seat in enumerate(seats):
        if any(p.user_id == seat.user_id for p in profiles):
            continue
        profile = Profile(
            network=network,
            user=seat.user,
            organisation=seat.organisation,
            # Mixed: most show their name to the network; every fifth only to their group.
            name_visibility=Visibility.GROUP if n % 5 == 4 else Visibility.NETWORK,
            headline=HEADLINES[n % len(HEADLINES)],
            headline_visibility=LEVELS[n % 2],
            biography="Has led charities for over ten years; a keen runner.",
            biography_visibility=LEVELS[n % 3],
            help_text=HELP_TEXTS[n % len(HELP_TEXTS)],
            help_visibility=LEVELS[n % 2],
            seek_text=SEEK_TEXTS[n % len(SEEK_TEXTS)],
            seek_visibility=Visibility.NOBODY if n % 7 == 6 else LEVELS[(n + 1) % 2],
            website="https://example.org/",
            links_visibility=LEVELS[n % 3],
            phone=f"07700 900{n:03d}",
            digest=n % 4 == 0,
        )
        chosen = rng.sample(TAGS, 3)
        pairs = [("help", chosen[0]), ("help", chosen[1]), ("seek", chosen[2])]
        if n % 3 == 0:
            pairs.append(("seek", "Online giving" if chosen[0] != "Online giving" else "Finance"))
        profile.search_network, profile.search_group = search_document(profile, pairs)
        profile.save()
        ProfileTag.objects.bulk_create(
            ProfileTag(profile=profile, tag=tags[name], kind=kind) for kind, name in set(pairs)
        )
        profiles.append(profile)
    now = timezone.now()
    users = [p.user for p in profiles]
    # Introductions: two accepted, two waiting (one just asked, one of a chair).
    for asker, asked in ((users[1], users[12]), (users[3], users[25])):
        Introduction.objects.create(
            network=network,
            requester=asker,
            recipient=asked,
            reason=REASON,
            status=Introduction.Status.ACCEPTED,
            requester_accepted_at=now - timedelta(days=3),
            recipient_accepted_at=now - timedelta(days=2),
        )
    Introduction.objects.create(
        network=network,
        requester=users[14],
        recipient=users[2],
        reason=REASON,
        requester_accepted_at=now - timedelta(days=1),
    )
    Introduction.objects.create(
        network=network,
        requester=users[4],
        recipient=users[5],
        introduced_by=users[0],
        reason=REASON,
    )
    today = timezone.localdate()
    for n, (kind, title, names) in enumerate(POSTS):
        closed = "(closed)" in title
        title = title.replace(" (closed)", "")
        post = Opportunity.objects.create(
            network=network,
            poster=users[(n * 3 + 2) % len(users)],
            kind=kind,
            title=title,
            description=f"{title}. Reply here and we will talk it through.",
            closes_on=today - timedelta(days=3)
            if closed and n != 9
            else today + timedelta(days=7 + 3 * n),
            closed_at=now - timedelta(days=1) if n == 9 else None,
            region="london" if n % 2 else "",
        )
        post.tags.set([tags[name] for name in names])
        if closed:
            Opportunity.objects.filter(pk=post.pk).update(created_at=now - timedelta(days=30))
        if n == 0:
            OpportunityReply.objects.create(
                opportunity=post,
                sender=users[7],
                message="We coach football in the same towns and would love to partner.",
            )
    upcoming = (
        Meeting.objects.filter(group__network=network, group__name="Tuesday Leaders")
        .filter(starts_at__gt=now)
        .order_by("starts_at")
        .first()
    )
    if upcoming is not None:
        # Those coming alternately can help with and are looking for digital fundraising, so
        # the meeting page has suggestions to show.
        coming = list(
            upcoming.participations.filter(rsvp="attending")
            .order_by("user_id")
            .values_list("user_id", flat=True)
        )
        for n, profile in enumerate(p for p in profiles if p.user_id in coming):
            kind = ProfileTag.Kind.HELP if n % 2 else ProfileTag.Kind.SEEK
            ProfileTag.objects.get_or_create(
                profile=profile, tag=tags["Digital fundraising"], kind=kind
            )
            profile.help_visibility = profile.seek_visibility = Visibility.GROUP
            held = [(str(t.kind), t.tag.name) for t in profile.profile_tags.select_related("tag")]
            profile.search_network, profile.search_group = search_document(profile, held)
            profile.save()
        suggestions_compute(meeting_id=upcoming.pk)
