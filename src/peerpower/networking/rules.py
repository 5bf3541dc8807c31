"""Who may do what in networking, answered from the person's access (groups.access).

Everyone in a network (its groups' current members and chairs, its admins, coaches and
speakers) may keep a profile, use the directory and ask for introductions; its admins keep
the tags; a chair introduces two members of their group; only the two people of an
introduction answer it. Guests, former members and anonymous visitors take no part.
"""

from typing import Any

import rules

from peerpower.groups.access import access_for
from peerpower.lib.rules import rule
from peerpower.networking.models import Introduction, Opportunity
from peerpower.networking.queries import in_network
from peerpower.networks.models import Network


@rules.predicate
def takes_part(user: object, network: Network) -> bool:
    return in_network(user, network.pk)


@rules.predicate
def administers(user: object, network: Network) -> bool:
    return access_for(user).administers(network.pk)


@rules.predicate
def chairs(user: object, group: Any) -> bool:
    return access_for(user).is_chair(group.pk)


@rules.predicate
def is_party(user: object, introduction: Introduction) -> bool:
    me = getattr(user, "pk", None)
    return in_network(user, introduction.network_id) and me in (
        introduction.requester_id,
        introduction.recipient_id,
    )


@rules.predicate
def has_to_answer(user: object, introduction: Introduction) -> bool:
    """The recipient; and the requester too when a chair made the introduction."""
    me = getattr(user, "pk", None)
    if not in_network(user, introduction.network_id):
        return False
    if me == introduction.recipient_id:
        return True
    return introduction.introduced_by_id is not None and me == introduction.requester_id


@rules.predicate
def made_it(user: object, introduction: Introduction) -> bool:
    me = getattr(user, "pk", None)
    return (
        introduction.introduced_by_id is not None
        and me == introduction.introduced_by_id
        and in_network(user, introduction.network_id)
    )


IN_NETWORK = "Only people in this network take part in its networking."

rule("networking.take_part", takes_part, refusal=IN_NETWORK)
rule(
    "networking.keep_tags",
    administers,
    refusal="Only the network's admins keep its list of tags.",
    audited=True,
)
rule(
    "networking.introduce_members",
    chairs,
    refusal="Only the group's chair can introduce two of its members to each other.",
    audited=True,
)
rule(
    "networking.see_introduction",
    is_party | made_it,
    refusal="Only the two people and whoever introduced them see this introduction.",
)
rule(
    "networking.answer_introduction",
    has_to_answer,
    refusal="Only the person who was asked can answer this introduction.",
)


@rules.predicate
def owns(user: object, profile: Any) -> bool:
    return profile.user_id == getattr(user, "pk", None) and in_network(user, profile.network_id)


rule("networking.edit_profile", owns, refusal="Only its owner can change a profile.")


@rules.predicate
def posted(user: object, opportunity: Opportunity) -> bool:
    return opportunity.poster_id == getattr(user, "pk", None) and in_network(
        user, opportunity.network_id
    )


@rules.predicate
def may_reply(user: object, opportunity: Opportunity) -> bool:
    return opportunity.poster_id != getattr(user, "pk", None) and in_network(
        user, opportunity.network_id
    )


rule("networking.post_opportunity", takes_part, refusal=IN_NETWORK)
rule(
    "networking.manage_opportunity",
    posted,
    refusal="Only the person who posted it can close or extend a post.",
)
rule(
    "networking.reply_opportunity",
    may_reply,
    refusal="Replies go to the person who posted; you cannot reply to your own post.",
)
