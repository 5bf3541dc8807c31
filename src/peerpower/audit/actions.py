"""Writing the audit log. `record_decision` receives lib.rules.decided; `record_refused_read`
is for a view that refuses to show a confidential row (a 404 the rules did not raise).

An allowed act is written in the act's transaction where the check is inside one, so an act
rolled back leaves no entry. A refusal is written at once, unless it happened inside a
transaction, which the refusal may roll back: then it waits for the end of the request
(`AuditMiddleware`)."""

from contextvars import ContextVar
from typing import Any

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from peerpower.audit.models import AuditEntry
from peerpower.networks.models import Network

# Refusals seen inside a transaction during this request, written when the request ends.
pending: ContextVar[list[AuditEntry] | None] = ContextVar("audit_pending", default=None)

# How far to follow foreign keys from the row acted on to find its network.
_DEPTH = 4


def network_id_of(obj: Any, depth: int = 0) -> int | None:
    """The network a row belongs to, following its foreign keys (a meeting's group's network;
    a booking's meeting's ...). None when it belongs to none."""
    if isinstance(obj, Network):
        return obj.pk
    if not isinstance(obj, models.Model) or depth > _DEPTH:
        return None
    own = getattr(obj, "network_id", None)
    if own:
        return int(own)
    for field in obj._meta.concrete_fields:
        related = field.related_model
        if (
            isinstance(field, models.ForeignKey)
            and isinstance(related, type)
            and related._meta.label != "accounts.User"
            and getattr(obj, field.attname) is not None
        ):
            found = network_id_of(getattr(obj, field.name), depth + 1)
            if found:
                return found
    return None


def _entry(
    user: Any, name: str, obj: Any, outcome: str, network: Network | None = None
) -> AuditEntry:
    target = obj if isinstance(obj, models.Model) else None
    return AuditEntry(
        network_id=network.pk if network is not None else network_id_of(obj),
        actor=user if getattr(user, "is_authenticated", False) else None,
        rule=name,
        outcome=outcome,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=target.pk if target is not None else None,
    )


def _refused(entry: AuditEntry) -> None:
    waiting = pending.get()
    if transaction.get_connection().in_atomic_block and waiting is not None:
        waiting.append(entry)
    else:
        entry.save()


def record_decision(*, user: Any, name: str, obj: Any, allowed: bool, **_: Any) -> None:
    """lib.rules.decided's receiver: an allowed audited act once it commits; a refusal now."""
    if allowed:
        # Inside the act's own transaction where it has one: rolled back with it.
        _entry(user, name, obj, AuditEntry.Outcome.ALLOWED).save()
    else:
        _refused(_entry(user, name, obj, AuditEntry.Outcome.REFUSED))


def record_refused_read(*, user: Any, name: str, obj: models.Model) -> None:
    """A person was refused a confidential row the rules keep from them."""
    _refused(_entry(user, name, obj, AuditEntry.Outcome.REFUSED))


def record_read(*, user: Any, name: str, obj: models.Model, network: Network) -> None:
    """An admin read a person's records (a copy of their data): audited like an act."""
    _entry(user, name, obj, AuditEntry.Outcome.ALLOWED, network).save()


def flush_pending(entries: list[AuditEntry]) -> None:
    """Write the refusals a request kept back until its transactions had ended."""
    if entries:
        AuditEntry.objects.bulk_create(entries)


def entries_expire() -> int:
    """Erase entries older than AUDIT_RETENTION_MONTHS; returns how many went."""
    cutoff = timezone.now() - relativedelta(months=settings.AUDIT_RETENTION_MONTHS)
    return AuditEntry.objects.filter(at__lt=cutoff).delete()[0]
