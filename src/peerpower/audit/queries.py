from django.db.models import QuerySet

from peerpower.audit.models import AuditEntry
from peerpower.networks.models import Network


def entries_for(network: Network, *, outcome: str = "") -> QuerySet[AuditEntry]:
    """The network's audit log, newest first; `outcome` keeps only allowed or refused."""
    rows = AuditEntry.objects.filter(network=network).select_related("actor")
    if outcome in AuditEntry.Outcome.values:
        rows = rows.filter(outcome=outcome)
    return rows.order_by("-at", "-pk")
