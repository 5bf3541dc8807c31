"""The retention schedule: how long the network keeps each kind of record, from the settings
that decide it (so the page says what the sweeps actually do)."""

from dataclasses import dataclass

from django.conf import settings

from peerpower.backups.archive import KEEP_DAYS as BACKUP_KEEP_DAYS
from peerpower.guests.queries import settings_of as guest_settings_of
from peerpower.networks.models import Network


@dataclass(frozen=True)
class Row:
    what: str
    kept: str
    how: str


def _months(n: int) -> str:
    return f"{n} month{'s' if n != 1 else ''}"


def rows_for(network: Network) -> list[Row]:
    guests = guest_settings_of(network)
    return [
        Row(
            "The issues session: issues, the notes taken on them, commitments, check-ins and "
            "who read each issue",
            f"{_months(network.issue_retention_months)} after the meeting",
            "Erased every night. A presenter can delete their own issues at any time; a member "
            "who leaves can ask for theirs to go at once.",
        ),
        Row(
            "Guest requests that did not lead to membership",
            f"{_months(guests.retention_months)} after the last activity",
            "Erased every night.",
        ),
        Row(
            "The audit log",
            _months(settings.AUDIT_RETENTION_MONTHS),
            "Erased every night. It names the kind and number of a record, never its words.",
        ),
        Row(
            "Backups",
            f"{BACKUP_KEEP_DAYS} days, unless the site's operator chose otherwise",
            "Encrypted. An erasure reaches the backups when the last one holding it expires.",
        ),
        Row(
            "Invoices, credit notes and payments",
            "At least six years",
            "Kept for the law; they are addressed to organisations.",
        ),
        Row(
            "Your account, places in groups, replies and attendance, profile, coaching "
            "sessions and goals, and everything else",
            "While you take part",
            "Download it from Your settings → Your data. Ask the network's admins to erase "
            "you: your place in the record stays, unnamed.",
        ),
    ]
