"""Who may read a network's audit log: its admins."""

from peerpower.lib.rules import rule
from peerpower.networks.rules import administers_network

rule(
    "audit.read_log",
    administers_network,
    refusal="Only the network's admins can read its audit log.",
)
