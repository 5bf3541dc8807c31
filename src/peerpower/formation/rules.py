"""Who may form groups: the network's admins, and nobody else (not a chair, not a superuser,
not an admin of another network). Every rule takes the network or a row of it (a run, a
candidate); every action in formation.actions that takes `by` asks one of them first
(tests/formation/test_refusals.py fails for one that does not)."""

from peerpower.lib.rules import rule
from peerpower.networks.rules import administers_network

ADMINS = "Only the network's admins can form groups."

rule("formation.manage_pool", administers_network, refusal=ADMINS, audited=True)
rule("formation.run", administers_network, refusal=ADMINS)
rule("formation.edit_proposal", administers_network, refusal=ADMINS)
rule("formation.accept", administers_network, refusal=ADMINS, audited=True)
