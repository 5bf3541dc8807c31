"""Who may set up a network's webhooks: its admins. Audited: an address outside the site
hears of the network's meetings, members and invoices from then on."""

from peerpower.lib.rules import rule
from peerpower.networks.rules import administers_network

rule(
    "webhooks.manage",
    administers_network,
    refusal="Only the network's admins can set up its webhooks.",
    audited=True,
)
