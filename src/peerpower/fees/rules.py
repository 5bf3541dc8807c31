"""Who may do what with fees: the network's admins run the price list, places, invoices,
payments, sponsors and bursary decisions; a member sees their own place and invoices and
applies for a bursary, as may a guest who came to a meeting and may join; an applicant
sees their own application; a sponsor's contact sees
their sponsor's aggregate page. The chair has no rule here: nothing of fees is theirs.

Every action in fees.actions that takes `by` asks one of these first;
tests/fees/test_refusals.py fails for an action that does not.
"""

from typing import Any

import rules

from peerpower.fees.models import Bursary, Invoice, Sponsor
from peerpower.groups.access import access_for
from peerpower.guests.queries import considering_joining
from peerpower.lib.rules import rule
from peerpower.networks.models import Network
from peerpower.networks.rules import administers_network


def _user_id(user: object) -> int | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return getattr(user, "pk", None)


@rules.predicate
def holds_the_invoiced_place(user: object, invoice: Invoice) -> bool:
    """The member whose place the invoice (or the credit note's invoice) is for."""
    user_id = _user_id(user)
    if user_id is None:
        return False
    target = invoice.credits if invoice.credits_id is not None else invoice
    if target is None or target.place_id is None:
        return False
    return bool(target.place.membership.user_id == user_id)  # type: ignore[union-attr]


@rules.predicate
def is_the_applicant(user: object, bursary: Bursary) -> bool:
    user_id = _user_id(user)
    return user_id is not None and bursary.applicant_id == user_id


@rules.predicate
def belongs_to_network_group(user: object, network: Network) -> bool:
    """A current member (or chair) of one of the network's groups, or one invited to one."""
    access = access_for(user)
    return any(
        seat.network_id == network.pk and seat.status in ("invited", "active", "paused")
        for seat in access.seats.values()
    )


@rules.predicate
def applying_to_join(user: Any, network: Network) -> bool:
    """A guest who came to one of the network's meetings and may join: the cost is what holds
    many back, so they may ask for a bursary before they decide."""
    return considering_joining(user, network) is not None


@rules.predicate
def is_sponsor_contact(user: object, sponsor: Sponsor) -> bool:
    user_id = _user_id(user)
    return user_id is not None and sponsor.contacts.filter(pk=user_id).exists()


ADMINS = "Only the network's admins can do this."

rule("fees.manage", administers_network, refusal=ADMINS, audited=True)
rule(
    "fees.see_invoice",
    administers_network | holds_the_invoiced_place,
    refusal="Only the network's admins and the member whose place it is see an invoice.",
)
rule(
    "fees.apply_bursary",
    belongs_to_network_group | applying_to_join,
    refusal="Only members of the network's groups and guests applying to join can apply for a "
    "bursary here.",
)
rule(
    "fees.see_bursary",
    administers_network | is_the_applicant,
    refusal="Only the applicant and the network's admins see a bursary application.",
)
rule(
    "fees.see_sponsor_page",
    is_sponsor_contact,
    refusal="Only the sponsor's own contacts see this page.",
)
