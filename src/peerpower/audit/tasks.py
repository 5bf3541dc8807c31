from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@db_periodic_task(crontab(hour="3", minute="50"))
def erase_old_entries() -> None:
    """Nightly: the audit log keeps AUDIT_RETENTION_MONTHS of entries."""
    from peerpower.audit.actions import entries_expire  # noqa: PLC0415 - tasks stay thin

    entries_expire()
