"""Emails of networking: an introduction asked (to each person who must answer), an
introduction accepted (each person's contact details to the other), and a reply to a post
on the opportunities board (to its poster, with neither's email address), and the weekly
digest of new posts matching a member's tags.

Tasks take ids and read fresh rows. What an email shows of a profile is built with
`queries.viewer_card`, as the recipient may see it; contact details go only in the
accepted email, and only once both have said yes.
"""

from datetime import datetime

from django.conf import settings
from django.urls import reverse
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from peerpower.accounts.models import User
from peerpower.lib.email import send_templated_email
from peerpower.networking.models import Introduction, OpportunityReply, Profile
from peerpower.networking.queries import (
    DIGEST_MAX,
    digest_posts,
    in_network,
    names_for,
    viewer_card,
)


def _introduction(introduction_id: int) -> Introduction | None:
    return (
        Introduction.objects.filter(pk=introduction_id)
        .select_related("network", "requester", "recipient", "introduced_by")
        .first()
    )


def _profile(network_id: int, user: User) -> Profile | None:
    return (
        Profile.objects.filter(network_id=network_id, user=user)
        .select_related("user", "organisation")
        .first()
    )


def _other(introduction: Introduction, user_id: int) -> User:
    if user_id == introduction.recipient_id:
        return introduction.requester
    return introduction.recipient


@db_task()
def send_introduction_request(introduction_id: int, user_id: int) -> None:
    """Tell one person that an introduction waits for their answer."""
    introduction = _introduction(introduction_id)
    if introduction is None or introduction.status != Introduction.Status.PENDING:
        return
    user = (
        introduction.recipient if user_id == introduction.recipient_id else introduction.requester
    )
    if not user.is_active:
        return
    other = _other(introduction, user.pk)
    profile = _profile(introduction.network_id, other)
    send_templated_email(
        to=user.email,
        template_prefix="networking/email/introduction_request",
        context={
            "user": user,
            "introduction": introduction,
            "card": viewer_card(user, profile) if profile else None,
            "other_name": other.display_name,
        },
    )


@db_task()
def send_introduction_accepted(introduction_id: int) -> None:
    """Both said yes: each gets the other's email address and phone (if given)."""
    introduction = _introduction(introduction_id)
    if introduction is None or introduction.status != Introduction.Status.ACCEPTED:
        return
    for user in (introduction.requester, introduction.recipient):
        if not user.is_active:
            continue
        other = _other(introduction, user.pk)
        profile = _profile(introduction.network_id, other)
        send_templated_email(
            to=user.email,
            template_prefix="networking/email/introduction_accepted",
            context={
                "user": user,
                "introduction": introduction,
                "other": other,
                "phone": profile.phone if profile else "",
            },
        )


@db_task()
def send_opportunity_reply(reply_id: int) -> None:
    """A reply to a post, to its poster: the message, the replier's name and what their
    profile shows the poster, a link to the post; no email address of either (the poster's
    is only the envelope's To)."""
    reply = (
        OpportunityReply.objects.filter(pk=reply_id)
        .select_related("opportunity__network", "opportunity__poster", "sender")
        .first()
    )
    if reply is None:
        return
    opportunity, poster = reply.opportunity, reply.opportunity.poster
    if not poster.is_active or not in_network(poster, opportunity.network_id):
        return
    profile = _profile(opportunity.network_id, reply.sender)
    card = viewer_card(poster, profile) if profile and profile.enabled else None
    send_templated_email(
        to=poster.email,
        template_prefix="networking/email/opportunity_reply",
        context={
            "user": poster,
            "opportunity": opportunity,
            "reply": reply,
            "sender_name": names_for(poster, opportunity.network_id, {reply.sender_id})[
                reply.sender_id
            ],
            "card": card,
        },
    )


@db_task()
def send_digest(profile_id: int, since: str) -> None:
    """The weekly digest: new open posts matching the profile's tags, each with its poster's
    name as the reader may see it (nothing else of any profile), and a one-click unsubscribe
    (List-Unsubscribe and List-Unsubscribe-Post, RFC 8058)."""
    profile = Profile.objects.filter(pk=profile_id).select_related("user", "network").first()
    if profile is None or not (profile.digest and profile.enabled and profile.user.is_active):
        return
    found = digest_posts(profile, datetime.fromisoformat(since))
    posts = list(found.select_related("network").prefetch_related("tags")[:DIGEST_MAX])
    if not posts:
        return
    names = names_for(profile.user, profile.network_id, {p.poster_id for p in posts})
    unsubscribe = settings.SITE_URL + reverse("networking:unsubscribe", args=[profile.digest_token])
    send_templated_email(
        to=profile.user.email,
        template_prefix="networking/email/digest",
        context={
            "user": profile.user,
            "network": profile.network,
            "rows": [(p, names[p.poster_id]) for p in posts],
            "more": max(found.count() - len(posts), 0),
            "unsubscribe_url": unsubscribe,
        },
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )


@db_periodic_task(crontab(day_of_week="1", hour="7", minute="30"))
def send_digests() -> None:
    """Mondays at 07:30 UTC: each weekly digest that is due."""
    from peerpower.networking.actions import (  # noqa: PLC0415 — actions queue this module's tasks
        digests_send_due,
    )

    digests_send_due()


@db_task()
def compute_suggestions(meeting_id: int) -> None:
    """Rebuild a meeting's suggested conversations (its replies or a profile changed)."""
    from peerpower.networking.actions import (  # noqa: PLC0415 — actions queue this module's tasks
        suggestions_compute,
    )

    suggestions_compute(meeting_id=meeting_id)
